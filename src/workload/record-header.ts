/**
 * The header every record a real target sends starts with, so that each record is accountable:
 * a consumer that reads it back knows which run, producer and worker sent it, its place in that
 * producer's sequence (to find what is missing, read twice or out of order) and when it was
 * scheduled (end-to-end latency from the schedule, not from the send: no coordinated omission).
 *
 * Layout (big-endian, 32 bytes), then zero padding up to the record's size:
 *
 *     0  2  magic 0x53 0x43 ("SC")
 *     2  1  version (1)
 *     3  1  reserved (0)
 *     4  4  run tag: the first 4 bytes of SHA-256(run id), so a consumer skips another run's records
 *     8  2  producer index (the scenario's `producers[i]`)
 *    10  2  worker index (the share's `index`)
 *    12  8  sequence: the producer's record number in this worker, from 0 (a float64 integer)
 *    20  8  scheduled send time: epoch microseconds (a float64; exact to the µs until year 2255)
 *    28  4  the record's data bytes, header included: where the next record starts when Firehose
 *           concatenates records into one object without a delimiter
 *
 * A record of fewer data bytes than the header is sent at the header's size (the scenario's
 * smallest records grow to 32 bytes): a record that cannot be told apart from another cannot be
 * accounted for. Padding is zeros: Firehose's compression ratio is the scenario's own figure, not
 * something this payload should decide.
 */
import { createHash } from 'node:crypto';

export const RECORD_HEADER_BYTES = 32;
export const RECORD_HEADER_VERSION = 1;
const MAGIC_0 = 0x53;
const MAGIC_1 = 0x43;

export interface RecordHeader {
  /** {@link runTag} of the run's id. */
  runTag: number;
  /** Index of the producer in the scenario's `producers`. */
  producer: number;
  /** The worker's share index (0 in a run of one process). */
  worker: number;
  /** The producer's record number in this worker, from 0. */
  sequence: number;
  /** When the record was scheduled to be sent, in epoch microseconds. */
  scheduledEpochMicros: number;
  /** The record's data bytes, header included (set by `encodeRecordData`; any value `writeRecordHeader` is given). */
  recordBytes?: number;
}

/** The 32-bit tag a run's records carry: the first 4 bytes of SHA-256(runId), unsigned. */
export function runTag(runId: string): number {
  return createHash('sha256').update(runId).digest().readUInt32BE(0);
}

/** The data bytes a record of `dataBytes` is sent with: at least the header's. */
export function recordDataBytes(dataBytes: number): number {
  return Math.max(RECORD_HEADER_BYTES, Math.ceil(dataBytes));
}

/** A record's data: the header, then zeros up to {@link recordDataBytes}(`dataBytes`). */
export function encodeRecordData(header: RecordHeader, dataBytes: number): Uint8Array {
  const data = new Uint8Array(recordDataBytes(dataBytes));
  writeRecordHeader(data, 0, { ...header, recordBytes: data.length });
  return data;
}

/** Writes `header` into `target` at `offset` (the caller sized `target` for it). */
export function writeRecordHeader(target: Uint8Array, offset: number, header: RecordHeader): void {
  writeRecordHeaderFields(
    new DataView(target.buffer, target.byteOffset + offset, RECORD_HEADER_BYTES),
    header.runTag,
    header.producer,
    header.worker,
    header.sequence,
    header.scheduledEpochMicros,
    header.recordBytes ?? RECORD_HEADER_BYTES,
  );
}

/**
 * The same header, field by field, into the first 32 bytes of `view`: for a caller that writes
 * one per record into a view it keeps (the http target), no header object or view per record.
 */
export function writeRecordHeaderFields(
  view: DataView,
  runTag: number,
  producer: number,
  worker: number,
  sequence: number,
  scheduledEpochMicros: number,
  recordBytes: number,
): void {
  view.setUint8(0, MAGIC_0);
  view.setUint8(1, MAGIC_1);
  view.setUint8(2, RECORD_HEADER_VERSION);
  view.setUint8(3, 0);
  view.setUint32(4, runTag >>> 0);
  view.setUint16(8, producer);
  view.setUint16(10, worker);
  view.setFloat64(12, sequence);
  view.setFloat64(20, scheduledEpochMicros);
  view.setUint32(28, recordBytes);
}

/**
 * The header at `offset` of `data`, or undefined when there is none there (too short, another
 * magic or version: a record some other writer put on the stream).
 */
export function readRecordHeader(data: Uint8Array, offset = 0): RecordHeader | undefined {
  if (data.length - offset < RECORD_HEADER_BYTES) return undefined;
  const view = new DataView(data.buffer, data.byteOffset + offset, RECORD_HEADER_BYTES);
  if (view.getUint8(0) !== MAGIC_0 || view.getUint8(1) !== MAGIC_1) return undefined;
  if (view.getUint8(2) !== RECORD_HEADER_VERSION) return undefined;
  const sequence = view.getFloat64(12);
  const scheduledEpochMicros = view.getFloat64(20);
  const recordBytes = view.getUint32(28);
  if (
    !Number.isSafeInteger(sequence) ||
    sequence < 0 ||
    !Number.isFinite(scheduledEpochMicros) ||
    recordBytes < RECORD_HEADER_BYTES
  ) {
    return undefined;
  }
  return {
    runTag: view.getUint32(4),
    producer: view.getUint16(8),
    worker: view.getUint16(10),
    sequence,
    scheduledEpochMicros,
    recordBytes,
  };
}
