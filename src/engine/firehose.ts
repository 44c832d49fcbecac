/**
 * Firehose buffering: records join a buffer (one per source shard, per dynamic partition, or one
 * for Direct PUT) and leave as an object when the buffer reaches its size hint or its oldest
 * record its interval, whichever comes first; each flushed record's delivery latency goes to the
 * stream's histogram (the recorder's).
 */
import { FIREHOSE } from '../aws/facts.js';
import type { FirehoseState } from './state.js';

/**
 * Records (and their bytes) that reached Firehose at time `t`: read from shard `shard` of the stream
 * (or written by Direct PUT, shard 0) into that shard's buffer, or spread evenly over the dynamic
 * partitions' buffers.
 */
export function firehoseShardIn(
  fh: FirehoseState,
  shard: number,
  records: number,
  bytes: number,
  t: number,
): void {
  if (records <= 0) return;
  if (fh.stream.dynamicPartitions !== undefined) {
    for (let b = 0; b < fh.buffers; b++) addToBuffer(fh, b, records / fh.buffers, bytes / fh.buffers, t);
  } else addToBuffer(fh, Math.min(shard, fh.buffers - 1), records, bytes, t);
}

function addToBuffer(fh: FirehoseState, b: number, records: number, bytes: number, t: number): void {
  if (records <= 0) return;
  if (fh.bufferStart[b]! < 0) fh.bufferStart[b] = t;
  fh.bufferRecords[b]! += records;
  fh.bufferBytes[b]! += bytes;
  fh.records += records;
  fh.bytes += bytes;
}

/** Flushes every buffer whose size hint is reached or whose oldest record is `interval` old. */
export function flushDue(fh: FirehoseState, now: number, second: number): void {
  for (let b = 0; b < fh.buffers; b++) {
    if (fh.bufferStart[b]! < 0) continue;
    const age = now - fh.bufferStart[b]!;
    if (fh.bufferBytes[b]! >= fh.sizeBytes || age >= fh.intervalSeconds - 1e-9) flush(fh, b, now, second);
  }
}

/**
 * Flushes every buffer: now (the run's end), or, with `keepTime` (a reshard closed the shards),
 * when each buffer's interval runs out, counted in that second. (Those were counted in second 0.)
 */
export function flushAll(fh: FirehoseState, now: number, second: number, keepTime = false): void {
  for (let b = 0; b < fh.buffers; b++) {
    if (fh.bufferStart[b]! < 0 || fh.bufferRecords[b]! <= 0) continue;
    const at = keepTime ? fh.bufferStart[b]! + fh.intervalSeconds : now;
    flush(fh, b, at, keepTime ? Math.floor(at + 1e-9) : second);
  }
}

/**
 * The waits of a flushed buffer's records, as fractions of its age: the midpoints of 64 equal
 * slices of the uniform spread. With 4 (0.125 … 0.875) the p99 and the maximum were ⅞ of the flush
 * period: 57 s instead of 64 s for a 64 s period.
 */
const FLUSH_WAIT_Q = Array.from({ length: 64 }, (_, i) => (i + 0.5) / 64);

function flush(fh: FirehoseState, b: number, now: number, second: number): void {
  const waited = Math.max(0, now - fh.bufferStart[b]!);
  const records = fh.bufferRecords[b]!;
  fh.objects++;
  fh.objectBytes += fh.bufferBytes[b]! * fh.stream.compressionRatio;
  fh.objectsPerSecond[Math.max(0, Math.min(fh.objectsPerSecond.length - 1, second))]!++;
  // Records arrived evenly while the buffer filled: they waited between 0 and `waited`, then the
  // object took `deliveryTime` to write (and dynamic partitioning adds up to half again, FH-DPB).
  const stretch =
    fh.stream.dynamicPartitions !== undefined ? FIREHOSE.dynamicPartitioningLatencyFactor.value : 1;
  for (const q of FLUSH_WAIT_Q)
    fh.latency.record(waited * q * stretch + fh.stream.deliveryTime, records / FLUSH_WAIT_Q.length);
  // The buffer's first record waited the whole time, its last none: the exact extremes.
  fh.latency.extend(fh.stream.deliveryTime, waited * stretch + fh.stream.deliveryTime);
  fh.bufferBytes[b] = 0;
  fh.bufferRecords[b] = 0;
  fh.bufferStart[b] = -1;
}
