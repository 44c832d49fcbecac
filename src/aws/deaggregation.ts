/**
 * Reading a KPL aggregated record back into its user records: what a consumer (the KCL's
 * `AggregatorUtil.deaggregate`, awslabs/kinesis-aggregation's `RecordDeaggregator`) does with a
 * record whose data starts with the KPL's magic. The format is `aggregation.ts`'s:
 *
 *     magic 0xF3 0x89 0x9A 0xC2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16)
 *
 * Like the KCL, a record is taken as an aggregate only when its magic is there *and* the MD5
 * matches: anything else (a plain record that happens to start with the magic, a damaged one) is
 * passed through as one plain record, so no data is dropped by the decoder.
 */
import { createHash } from 'node:crypto';
import { KPL_FIXED_OVERHEAD_BYTES, KPL_MAGIC } from './aggregation.js';

/** One user record unpacked from an aggregate. */
export interface DeaggregatedRecord {
  partitionKey: string;
  explicitHashKey?: string | undefined;
  data: Uint8Array;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const MD5_BYTES = 16;

/** Whether `data` starts with the KPL's 4-byte magic. */
export function hasAggregationMagic(data: Uint8Array): boolean {
  if (data.length < KPL_FIXED_OVERHEAD_BYTES) return false;
  for (let i = 0; i < KPL_MAGIC.length; i++) if (data[i] !== KPL_MAGIC[i]) return false;
  return true;
}

/** A protobuf reader over a byte range: varints and length-delimited fields, nothing more. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end');
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw new RangeError('varint beyond 2^53');
        return value;
      }
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  delimited(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) throw new RangeError('field runs past the end');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** Skips a field of wire type `wire` this decoder does not use (a Tag, a field from a newer format). */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_DELIMITED) this.delimited();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new RangeError(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new RangeError('field runs past the end');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The user records of `data` when it is a KPL aggregate (magic, a well-formed protobuf, a matching
 * MD5), in order; undefined when it is not one (then `data` is a plain record).
 */
export function decodeAggregatedRecord(data: Uint8Array): DeaggregatedRecord[] | undefined {
  if (!hasAggregationMagic(data)) return undefined;
  const bodyStart = KPL_MAGIC.length;
  const bodyEnd = data.length - MD5_BYTES;
  const md5 = createHash('md5').update(data.subarray(bodyStart, bodyEnd)).digest();
  for (let i = 0; i < MD5_BYTES; i++) if (md5[i] !== data[bodyEnd + i]) return undefined;
  try {
    const partitionKeys: string[] = [];
    const explicitHashKeys: string[] = [];
    const raw: { key: number; hash: number | undefined; data: Uint8Array }[] = [];
    const body = new Reader(data, bodyStart, bodyEnd);
    while (!body.done) {
      const tag = body.varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire !== WIRE_DELIMITED) {
        body.skip(wire);
        continue;
      }
      const value = body.delimited();
      if (field === 1) partitionKeys.push(utf8.decode(value));
      else if (field === 2) explicitHashKeys.push(utf8.decode(value));
      else if (field === 3) raw.push(decodeUserRecord(value));
    }
    return raw.map((r) => {
      const partitionKey = partitionKeys[r.key];
      if (partitionKey === undefined) throw new RangeError(`partition key index ${r.key} out of the table`);
      const explicitHashKey = r.hash === undefined ? undefined : explicitHashKeys[r.hash];
      if (r.hash !== undefined && explicitHashKey === undefined) {
        throw new RangeError(`explicit hash key index ${r.hash} out of the table`);
      }
      return { partitionKey, explicitHashKey, data: r.data };
    });
  } catch {
    // A body the MD5 vouches for but which does not parse: not an aggregate this decoder reads.
    return undefined;
  }
}

function decodeUserRecord(bytes: Uint8Array): { key: number; hash: number | undefined; data: Uint8Array } {
  const reader = new Reader(bytes, 0, bytes.length);
  let key: number | undefined;
  let hash: number | undefined;
  let data: Uint8Array | undefined;
  while (!reader.done) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === WIRE_VARINT) key = reader.varint();
    else if (field === 2 && wire === WIRE_VARINT) hash = reader.varint();
    else if (field === 3 && wire === WIRE_DELIMITED) data = reader.delimited();
    else reader.skip(wire);
  }
  if (key === undefined || data === undefined) throw new RangeError('a Record without its required fields');
  return { key, hash, data };
}

/**
 * The user records one Kinesis record carries: its aggregate's records, or itself (with its own
 * partition key) when it is a plain record.
 */
export function userRecordsOf(data: Uint8Array, partitionKey: string): DeaggregatedRecord[] {
  return decodeAggregatedRecord(data) ?? [{ partitionKey, data }];
}
