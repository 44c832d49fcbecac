/**
 * Request bodies of the `http` target: each record's data is the accountable header of the aws
 * target (record-header.ts: run tag, producer, worker, sequence, scheduled time, size) padded with
 * zeros to the record's size, so whatever the front does with it, a consumer of the stream behind
 * it can account for every record.
 *
 * - `api-gateway-kinesis`: the Kinesis API's own JSON, as API Gateway's Kinesis proxy
 *   integrations pass it on: PutRecord `{"StreamName", "Data" (base64), "PartitionKey"}` for a
 *   producer whose batching sends one record a request (`maxRecords: 1`), PutRecords
 *   `{"StreamName", "Records": [{"Data", "PartitionKey"}, …]}` otherwise; `ExplicitHashKey` when
 *   the scenario gives one. A batch stays within PutRecords' limits (facts.ts), data + key bytes.
 * - `json`: one object per record, `{"key", "data" (base64), "producer", "sequence", "time"}`
 *   (`time`: the scheduled send time, ISO 8601); a batching producer sends a JSON array of them.
 * - `raw`: the record's data as the body (`application/octet-stream`), its partition key in the
 *   `X-Partition-Key` header: one record a request.
 */
import { KINESIS } from '../../aws/facts.js';
import type { Producer } from '../../scenario/schema.js';
import {
  encodeRecordData,
  RECORD_HEADER_BYTES,
  type RecordHeader,
  recordDataBytes,
  writeRecordHeader,
} from '../../workload/record-header.js';
import type { HttpFormat } from './options.js';

/** The header a `raw` request carries its record's partition key in. */
export const RAW_KEY_HEADER = 'X-Partition-Key';

/** One record of the scenario as the http target holds it until it is acknowledged or given up. */
export interface HttpRecord {
  /** Index of its producer in the scenario. */
  producer: number;
  /** The producer's record number, from 0 (the header's sequence). */
  sequence: number;
  /** Scheduled send time, run seconds: latency is measured from here. */
  at: number;
  partitionKey: string;
  explicitHashKey?: string | undefined;
  /** Data bytes sent (at least the header's). */
  dataBytes: number;
  /** UTF-8 bytes of the key. */
  keyBytes: number;
}

/** What every body of a run shares: the header's run tag and worker, the clock, names. */
export interface BodyContext {
  runTag: number;
  worker: number;
  streamName: string;
  /** Producer names by index (the json format's `producer`). */
  producerNames: readonly string[];
  /** Epoch microseconds of run time `seconds` (the header's scheduled time). */
  epochMicros(seconds: number): number;
}

/** How one producer's records go into requests with a format. */
export interface BatchRule {
  /** Records a request carries at most. */
  maxRecords: number;
  /** Bytes (as `recordBytes` counts them) a request carries at most. */
  maxBytes: number;
  /** Whether a request carries a list (PutRecords, a JSON array) rather than one record. */
  list: boolean;
  /** What a record counts against `maxBytes`. */
  recordBytes(record: HttpRecord): number;
}

/** The batching a producer gets with `format`: the scenario's, within what the format allows. */
export function batchRule(format: HttpFormat, producer: Producer): BatchRule {
  const b = producer.batching;
  switch (format) {
    case 'api-gateway-kinesis':
      return {
        maxRecords: Math.min(b.maxRecords, KINESIS.putRecordsMaxRecords.value),
        maxBytes: Math.min(b.maxBytes, KINESIS.putRecordsMaxBytes.value),
        list: b.maxRecords > 1,
        // Kinesis counts the partition key against a request's (and a shard's) bytes.
        recordBytes: (r) => r.dataBytes + r.keyBytes,
      };
    case 'json':
      return {
        maxRecords: b.maxRecords,
        maxBytes: b.maxBytes,
        list: b.maxRecords > 1,
        recordBytes: (r) => r.dataBytes,
      };
    case 'raw':
      return {
        maxRecords: 1,
        maxBytes: Number.POSITIVE_INFINITY,
        list: false,
        recordBytes: (r) => r.dataBytes,
      };
  }
}

/** A request's body and the headers it needs. */
export interface Body {
  /** The body: JSON text (sent as UTF-8), or bytes. */
  body: string | Buffer;
  headers: Readonly<Record<string, string>>;
  /** What the request is, for the counts: PutRecord, PutRecords, json, raw. */
  operation: string;
}

/** The record's data: the accountable header, then zeros. */
export function recordData(context: BodyContext, record: HttpRecord): Uint8Array {
  return encodeRecordData(headerOf(context, record), record.dataBytes);
}

function headerOf(context: BodyContext, record: HttpRecord): RecordHeader {
  return {
    runTag: context.runTag,
    producer: record.producer,
    worker: context.worker,
    sequence: record.sequence,
    scheduledEpochMicros: context.epochMicros(record.at),
  };
}

/** The header and the first zero after it: 33 bytes, a multiple of 3, so 44 base64 characters of its own. */
const HEAD_BYTES = RECORD_HEADER_BYTES + 1;
const scratch = new Uint8Array(HEAD_BYTES);
const scratchBuffer = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength);
/** 'A' is base64 for six zero bits: 4 of them are 3 zero bytes. */
let zeros = 'AAAA';

/** Base64 of `n` zero bytes: ⌊n/3⌋ × "AAAA", then "AA==" for one byte left, "AAA=" for two. */
function zerosBase64(n: number): string {
  const whole = Math.floor(n / 3) * 4;
  while (zeros.length < whole) zeros += zeros;
  const rest = n % 3;
  return zeros.slice(0, whole) + (rest === 0 ? '' : rest === 1 ? 'AA==' : 'AAA=');
}

/**
 * Base64 of the record's data, without building the data: the encoding of bytes cut at a multiple
 * of 3 is the encodings of the parts joined, so it is the header's 33 bytes encoded (one scratch
 * buffer) then the zeros' encoding, which is all 'A'. Equal to base64(recordData(…)) (units.test.ts);
 * at 64-byte records it halved the CPU the http target spends per request (bench/http-target.bench.ts).
 */
export function recordDataBase64(context: BodyContext, record: HttpRecord): string {
  const size = recordDataBytes(record.dataBytes);
  if (size < HEAD_BYTES) return Buffer.from(recordData(context, record)).toString('base64');
  scratch.fill(0);
  writeRecordHeader(scratch, 0, { ...headerOf(context, record), recordBytes: size });
  return scratchBuffer.toString('base64') + zerosBase64(size - HEAD_BYTES);
}

/** The body of one request carrying `records` (one unless the rule is a list). */
export function buildBody(
  format: HttpFormat,
  rule: BatchRule,
  context: BodyContext,
  records: readonly HttpRecord[],
): Body {
  switch (format) {
    case 'api-gateway-kinesis': {
      // Written out rather than through JSON.stringify of objects: the same JSON, for less CPU a record.
      const entry = (r: HttpRecord) =>
        `"Data":"${recordDataBase64(context, r)}","PartitionKey":${JSON.stringify(r.partitionKey)}${
          r.explicitHashKey === undefined ? '' : `,"ExplicitHashKey":${JSON.stringify(r.explicitHashKey)}`
        }`;
      const stream = `{"StreamName":${JSON.stringify(context.streamName)},`;
      const json = rule.list
        ? `${stream}"Records":[${records.map((r) => `{${entry(r)}}`).join(',')}]}`
        : `${stream}${entry(records[0]!)}}`;
      return {
        body: json,
        headers: JSON_HEADERS,
        operation: rule.list ? 'PutRecords' : 'PutRecord',
      };
    }
    case 'json': {
      const object = (r: HttpRecord) =>
        `{"key":${JSON.stringify(r.partitionKey)},"data":"${recordDataBase64(context, r)}","producer":${JSON.stringify(
          context.producerNames[r.producer],
        )},"sequence":${r.sequence},"time":"${new Date(context.epochMicros(r.at) / 1000).toISOString()}"}`;
      const json = rule.list ? `[${records.map(object).join(',')}]` : object(records[0]!);
      return { body: json, headers: JSON_HEADERS, operation: 'json' };
    }
    case 'raw': {
      const record = records[0]!;
      const data = recordData(context, record);
      return {
        body: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        headers: {
          'Content-Type': 'application/octet-stream',
          [RAW_KEY_HEADER]: encodeURIComponent(record.partitionKey),
        },
        operation: 'raw',
      };
    }
  }
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json' });

/**
 * The entries a 2xx response refused, when its body is a PutRecords answer (`FailedRecordCount`
 * above 0 and a `Records` list as long as the request's, as API Gateway passes Kinesis's answer
 * through): each refused entry's index and ErrorCode. Anything else (no JSON, other fields, a
 * length that does not match) refuses nothing: the request was acknowledged as a whole.
 */
export function failedEntries(body: string, sent: number): { index: number; code: string }[] {
  if (!body.includes('FailedRecordCount')) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const { FailedRecordCount: failed, Records: records } = parsed as {
    FailedRecordCount?: unknown;
    Records?: unknown;
  };
  if (typeof failed !== 'number' || failed <= 0 || !Array.isArray(records) || records.length !== sent)
    return [];
  const refused: { index: number; code: string }[] = [];
  records.forEach((r: unknown, index) => {
    const code = typeof r === 'object' && r !== null ? (r as { ErrorCode?: unknown }).ErrorCode : undefined;
    if (typeof code === 'string' && code !== '') refused.push({ index, code });
  });
  return refused;
}
