/**
 * KPL aggregation: many user records packed into one Kinesis record, so the shard's 1,000
 * records/s limit counts aggregates rather than user records.
 *
 * The format, as specified in awslabs/amazon-kinesis-producer `aggregation-format.md`
 * (@ 162a68a8d91f3a8060416635ae8f9f45613aa805) and implemented by the KPL
 * (`aws/kinesis/core/kinesis_record.{h,cc}`) and awslabs/kinesis-aggregation (`AggRecord.java`):
 *
 *     magic 0xF3 0x89 0x9A 0xC2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16)
 *
 *     message AggregatedRecord {            (proto2)
 *       repeated string partition_key_table     = 1;
 *       repeated string explicit_hash_key_table = 2;
 *       repeated Record records                 = 3;
 *     }
 *     message Record {
 *       required uint64 partition_key_index     = 1;
 *       optional uint64 explicit_hash_key_index = 2;
 *       required bytes  data                    = 3;
 *       repeated Tag    tags                    = 4;   (not used by the KPL)
 *     }
 *
 * What the KPL does with it (kinesis_record.cc, reducer.h):
 * - its size is magic + protobuf + MD5 (`kFixedOverhead = 4 + 16`); a flush removes user records
 *   until that size is ≤ AggregationMaxSize, keeping at least one;
 * - a container holding one user record is sent as that plain record, with no framing;
 * - an aggregate's own partition key is the 1-byte "a" (its ExplicitHashKey, the first user
 *   record's hash key, routes it);
 * - a partition key enters the table the first time it appears in an aggregate; explicit hash
 *   keys are tabled only for user records that have one.
 * AggregationMaxSize defaults to 51,200 bytes (range 64 … 1,048,576); "if a record has more data by
 * itself than this limit, it will bypass the aggregator" (amazon-kinesis-producer
 * `java/amazon-kinesis-producer-sample/default_config.properties`, same commit).
 */
import { createHash } from 'node:crypto';

/** The 4 bytes every aggregated record starts with. */
export const KPL_MAGIC: readonly number[] = [0xf3, 0x89, 0x9a, 0xc2];
/** Magic number + MD5 trailer around the protobuf message. */
export const KPL_FIXED_OVERHEAD_BYTES = KPL_MAGIC.length + 16;
/** The KPL's default AggregationMaxSize. */
export const KPL_AGGREGATION_MAX_BYTES_DEFAULT = 51_200;
/** The partition key the KPL gives an aggregated record (routing uses its ExplicitHashKey). */
export const KPL_AGGREGATE_PARTITION_KEY = 'a';

/** Protobuf tag bytes: (field number << 3) | wire type; all fields here are below 16, so one byte. */
const TAG_PARTITION_KEY_TABLE = (1 << 3) | 2;
const TAG_EXPLICIT_HASH_KEY_TABLE = (2 << 3) | 2;
const TAG_RECORDS = (3 << 3) | 2;
const TAG_RECORD_PARTITION_KEY_INDEX = (1 << 3) | 0;
const TAG_RECORD_EXPLICIT_HASH_KEY_INDEX = (2 << 3) | 0;
const TAG_RECORD_DATA = (3 << 3) | 2;
const TAG_BYTES = 1;

/** Bytes of a protobuf varint holding a non-negative integer: 7 bits per byte. */
export function varintBytes(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`a varint holds a non-negative integer, got ${value}`);
  }
  let bytes = 1;
  for (let v = value; v >= 128; v = Math.floor(v / 128)) bytes++;
  return bytes;
}

/** Bytes of one length-delimited field (tag + length + payload). */
function delimitedBytes(payloadBytes: number): number {
  return TAG_BYTES + varintBytes(Math.ceil(payloadBytes)) + payloadBytes;
}

export interface AggregatedRecordStats {
  /** User records in one Kinesis record (1 when they are sent alone). */
  userRecordsPerAggregate: number;
  /** The Kinesis record's data blob: magic + protobuf + MD5, or the user record itself when alone. */
  aggregateBytes: number;
  /** What the record counts against the size and write limits: data + partition key. */
  kinesisRecordBytes: number;
  /**
   * Bytes per user record beyond its data that count against the shard's write limit: its share of
   * the framing, key table and the aggregate's partition key; or its own partition key when alone.
   */
  overheadBytesPerUserRecord: number;
}

export interface AggregationOptions {
  /**
   * Every user record of an aggregate has the same partition key (one hot key): the key is tabled
   * once. Default false: every user record brings its own key (unique keys, the worst case).
   */
  sharedPartitionKey?: boolean;
}

/**
 * How the KPL packs user records of `userRecordBytes` (a mean; the framing is exact for whole
 * numbers and uses the next whole number for the varints otherwise) with `partitionKeyBytes`-byte
 * keys into aggregates of at most `maxAggregatedBytes`. A user record that does not fit an
 * aggregate with another is sent alone, as itself.
 */
export function aggregatedRecordStats(
  userRecordBytes: number,
  partitionKeyBytes: number,
  maxAggregatedBytes: number,
  options: AggregationOptions = {},
): AggregatedRecordStats {
  for (const [name, value] of [
    ['userRecordBytes', userRecordBytes],
    ['partitionKeyBytes', partitionKeyBytes],
    ['maxAggregatedBytes', maxAggregatedBytes],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative number, got ${value}`);
    }
  }
  const budget = maxAggregatedBytes - KPL_FIXED_OVERHEAD_BYTES;
  const keyEntry = delimitedBytes(partitionKeyBytes);
  // A Record message for a key index whose varint has `indexBytes` bytes.
  const recordBytes = (indexBytes: number): number =>
    delimitedBytes(TAG_BYTES + indexBytes + delimitedBytes(userRecordBytes));

  let count = 0;
  let protobufBytes = 0;
  if (options.sharedPartitionKey) {
    // One table entry; every record points at index 0 (a 1-byte varint).
    const each = recordBytes(1);
    count = Math.max(0, Math.floor((budget - keyEntry) / each));
    protobufBytes = keyEntry + count * each;
  } else {
    // Each record adds its key to the table and points at its own index; the index varint grows
    // by a byte at 128, 16,384, … records, so fill one index-width bracket at a time.
    for (let indexBytes = 1, lo = 0; ; indexBytes++) {
      const hi = 128 ** indexBytes;
      const each = keyEntry + recordBytes(indexBytes);
      const fit = Math.max(0, Math.min(hi - lo, Math.floor((budget - protobufBytes) / each)));
      count += fit;
      protobufBytes += fit * each;
      if (fit < hi - lo) break;
      lo = hi;
    }
  }

  if (count <= 1) {
    // Sent alone: the plain user record with its own partition key.
    return {
      userRecordsPerAggregate: 1,
      aggregateBytes: userRecordBytes,
      kinesisRecordBytes: userRecordBytes + partitionKeyBytes,
      overheadBytesPerUserRecord: partitionKeyBytes,
    };
  }
  const aggregateBytes = KPL_FIXED_OVERHEAD_BYTES + protobufBytes;
  const kinesisRecordBytes = aggregateBytes + KPL_AGGREGATE_PARTITION_KEY.length;
  return {
    userRecordsPerAggregate: count,
    aggregateBytes,
    kinesisRecordBytes,
    overheadBytesPerUserRecord: kinesisRecordBytes / count - userRecordBytes,
  };
}

/** A user record to aggregate. */
export interface KplUserRecord {
  partitionKey: string;
  data: Uint8Array;
  explicitHashKey?: string;
}

/**
 * The bytes of one aggregated record holding `records`, as the KPL writes them (keys tabled on
 * first use, fields in field-number order). The exact encoder `aggregatedRecordStats` is tested
 * against; also what a real producer sends.
 */
export function encodeAggregatedRecord(records: readonly KplUserRecord[]): Uint8Array {
  const partitionKeys = new Map<string, number>();
  const explicitHashKeys = new Map<string, number>();
  const messages: number[][] = [];
  for (const r of records) {
    const message: number[] = [];
    pushVarint(message, TAG_RECORD_PARTITION_KEY_INDEX);
    pushVarint(message, indexOf(partitionKeys, r.partitionKey));
    if (r.explicitHashKey !== undefined) {
      pushVarint(message, TAG_RECORD_EXPLICIT_HASH_KEY_INDEX);
      pushVarint(message, indexOf(explicitHashKeys, r.explicitHashKey));
    }
    pushDelimited(message, TAG_RECORD_DATA, r.data);
    messages.push(message);
  }
  const body: number[] = [];
  const encoder = new TextEncoder();
  for (const key of partitionKeys.keys()) pushDelimited(body, TAG_PARTITION_KEY_TABLE, encoder.encode(key));
  for (const key of explicitHashKeys.keys()) {
    pushDelimited(body, TAG_EXPLICIT_HASH_KEY_TABLE, encoder.encode(key));
  }
  for (const message of messages) pushDelimited(body, TAG_RECORDS, message);
  const protobuf = Uint8Array.from(body);
  const md5 = createHash('md5').update(protobuf).digest();
  const out = new Uint8Array(KPL_FIXED_OVERHEAD_BYTES + protobuf.length);
  out.set(KPL_MAGIC, 0);
  out.set(protobuf, KPL_MAGIC.length);
  out.set(md5, KPL_MAGIC.length + protobuf.length);
  return out;
}

function indexOf(table: Map<string, number>, key: string): number {
  let index = table.get(key);
  if (index === undefined) {
    index = table.size;
    table.set(key, index);
  }
  return index;
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function pushDelimited(out: number[], tag: number, payload: ArrayLike<number>): void {
  pushVarint(out, tag);
  pushVarint(out, payload.length);
  for (let i = 0; i < payload.length; i++) out.push(payload[i]!);
}
