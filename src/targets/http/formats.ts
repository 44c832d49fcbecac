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
  writeRecordHeaderFields,
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
/** One scratch header for every record: byte 32 stays 0, bytes 0–31 are all rewritten each time. */
const scratch = new Uint8Array(HEAD_BYTES);
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
const scratchBuffer = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength);
/** 'A' is base64 for six zero bits: 4 of them are 3 zero bytes. */
let zeros = 'AAAA';
/**
 * zerosBase64 by byte count, for the sizes seen (a scenario has few), up to 4 Mi characters in all
 * (a cached string may be flattened into a copy of its own); past that, built each time.
 */
const zerosBySize = new Map<number, string>();
const ZEROS_CACHED_CHARS = 4 * 1024 * 1024;
let zerosCachedChars = 0;

/** Base64 of `n` zero bytes: ⌊n/3⌋ × "AAAA", then "AA==" for one byte left, "AAA=" for two. */
function zerosBase64(n: number): string {
  const cached = zerosBySize.get(n);
  if (cached !== undefined) return cached;
  const whole = Math.floor(n / 3) * 4;
  while (zeros.length < whole) zeros += zeros;
  const rest = n % 3;
  const text = zeros.slice(0, whole) + (rest === 0 ? '' : rest === 1 ? 'AA==' : 'AAA=');
  if (zerosCachedChars + text.length <= ZEROS_CACHED_CHARS) {
    zerosBySize.set(n, text);
    zerosCachedChars += text.length;
  }
  return text;
}

/**
 * Base64 of the record's data, without building the data: the encoding of bytes cut at a multiple
 * of 3 is the encodings of the parts joined, so it is the header's 33 bytes encoded (one scratch
 * buffer) then the zeros' encoding, which is all 'A'. Equal to base64(recordData(…)) (units.test.ts);
 * at 64-byte records it halved the CPU the http target spends per request (bench/http-target.bench.ts).
 */
export function recordDataBase64(context: BodyContext, record: HttpRecord): string {
  return dataBase64(context, record, context.epochMicros(record.at));
}

/** recordDataBase64 with the record's scheduled epoch µs already known (a json body needs them twice). */
function dataBase64(context: BodyContext, record: HttpRecord, micros: number): string {
  const size = recordDataBytes(record.dataBytes);
  if (size < HEAD_BYTES) return Buffer.from(recordData(context, record)).toString('base64');
  writeRecordHeaderFields(
    scratchView,
    context.runTag,
    record.producer,
    context.worker,
    record.sequence,
    micros,
    size,
  );
  return scratchBuffer.toString('base64') + zerosBase64(size - HEAD_BYTES);
}

/** '000Z' … '999Z': the milliseconds and zone that end an ISO 8601 time. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);
let isoSecond = Number.NaN;
/** `new Date(isoSecond × 1000).toISOString()` without its 'mmmZ': 'YYYY-MM-DDTHH:MM:SS.'. */
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()`, formatting a Date once per second of time rather than per record:
 * Date truncates `ms` to an integer t; with s = ⌊t / 1000⌋ the string is s's (cached) then
 * t − 1000·s (0 … 999, before 1970 too) as 3 digits, then 'Z'. A time Date cannot hold (NaN, past
 * ±8.64e15 ms) throws Date's RangeError, as before. Equal to toISOString (units.test.ts).
 */
export function isoTime(ms: number): string {
  const t = Math.trunc(ms);
  const second = Math.floor(t / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    isoPrefix = iso.slice(0, -4);
    isoSecond = second;
  }
  return isoPrefix + MILLIS_Z[t - second * 1000]!;
}

/** The JSON strings of the last producer names seen (one list per run): `"producer":…` per record. */
let namesSeen: readonly string[] | undefined;
let namesJson: readonly string[] = [];

function producerNamesJson(names: readonly string[]): readonly string[] {
  if (names !== namesSeen) {
    // JSON.stringify of a name that is not a string (none: the schema) would be undefined: said as text.
    namesJson = names.map((name) => String(JSON.stringify(name)));
    namesSeen = names;
  }
  return namesJson;
}

let streamSeen: string | undefined;
let streamPrefix = '';

/** `{"StreamName":"…",`, built once per stream name. */
function streamJson(streamName: string): string {
  if (streamName !== streamSeen) {
    streamPrefix = `{"StreamName":${JSON.stringify(streamName)},`;
    streamSeen = streamName;
  }
  return streamPrefix;
}

/** A PutRecord(s) entry's fields, `"Data":…,"PartitionKey":…[,"ExplicitHashKey":…]`. */
function kinesisEntry(context: BodyContext, r: HttpRecord): string {
  const fields = `"Data":"${recordDataBase64(context, r)}","PartitionKey":${JSON.stringify(r.partitionKey)}`;
  return r.explicitHashKey === undefined
    ? fields
    : `${fields},"ExplicitHashKey":${JSON.stringify(r.explicitHashKey)}`;
}

/** One record of the json format: `{"key","data","producer","sequence","time"}`. */
function jsonObject(context: BodyContext, names: readonly string[], r: HttpRecord): string {
  const micros = context.epochMicros(r.at);
  return `{"key":${JSON.stringify(r.partitionKey)},"data":"${dataBase64(context, r, micros)}","producer":${
    names[r.producer]
  },"sequence":${r.sequence},"time":"${isoTime(micros / 1000)}"}`;
}

/**
 * The body of one request carrying `records` (one unless the rule is a list). The JSON is written
 * out rather than through JSON.stringify of objects, with what is the same for every record (the
 * stream, the producer names, the second of the time) built once: the same bytes, for less CPU a
 * record (units.test.ts checks them against JSON.stringify).
 */
export function buildBody(
  format: HttpFormat,
  rule: BatchRule,
  context: BodyContext,
  records: readonly HttpRecord[],
): Body {
  switch (format) {
    case 'api-gateway-kinesis': {
      const stream = streamJson(context.streamName);
      if (!rule.list)
        return {
          body: `${stream}${kinesisEntry(context, records[0]!)}}`,
          headers: JSON_HEADERS,
          operation: 'PutRecord',
        };
      let json = `${stream}"Records":[`;
      for (let i = 0; i < records.length; i++)
        json += `${i === 0 ? '' : ','}{${kinesisEntry(context, records[i]!)}}`;
      return { body: `${json}]}`, headers: JSON_HEADERS, operation: 'PutRecords' };
    }
    case 'json': {
      const names = producerNamesJson(context.producerNames);
      if (!rule.list)
        return { body: jsonObject(context, names, records[0]!), headers: JSON_HEADERS, operation: 'json' };
      let json = '[';
      for (let i = 0; i < records.length; i++)
        json += `${i === 0 ? '' : ','}${jsonObject(context, names, records[i]!)}`;
      return { body: `${json}]`, headers: JSON_HEADERS, operation: 'json' };
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
