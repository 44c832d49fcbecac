import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregatedRecordStats,
  encodeAggregatedRecord,
  KPL_AGGREGATION_MAX_BYTES_DEFAULT,
  KPL_MAGIC,
  type KplUserRecord,
  varintBytes,
} from '../../src/aws/aggregation.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('varintBytes', () => {
  it('counts 7 bits per byte', () => {
    expect(varintBytes(0)).toBe(1);
    expect(varintBytes(127)).toBe(1);
    expect(varintBytes(128)).toBe(2);
    expect(varintBytes(16_383)).toBe(2);
    expect(varintBytes(16_384)).toBe(3);
    expect(varintBytes(51_200)).toBe(3);
    // 2^53 − 1 has 53 bits: ceil(53 / 7) = 8 bytes.
    expect(varintBytes(Number.MAX_SAFE_INTEGER)).toBe(8);
    expect(() => varintBytes(-1)).toThrow(RangeError);
    expect(() => varintBytes(1.5)).toThrow(RangeError);
  });
});

describe('encodeAggregatedRecord', () => {
  it('writes magic, protobuf and MD5 byte for byte', () => {
    // Two user records, keys "k1" and "k2", data "ab" and "cd":
    //   0A 02 6B 31              partition_key_table "k1"   (field 1, wire type 2 → tag 0x0A)
    //   0A 02 6B 32              partition_key_table "k2"
    //   1A 06 08 00 1A 02 61 62  records { partition_key_index 0 (tag 0x08), data "ab" (tag 0x1A) }
    //   1A 06 08 01 1A 02 63 64  records { partition_key_index 1, data "cd" }
    // protobuf = 4 + 4 + 8 + 8 = 24 bytes; record = 4 magic + 24 + 16 MD5 = 44 bytes.
    const protobuf = [
      0x0a, 0x02, 0x6b, 0x31, 0x0a, 0x02, 0x6b, 0x32, 0x1a, 0x06, 0x08, 0x00, 0x1a, 0x02, 0x61, 0x62, 0x1a,
      0x06, 0x08, 0x01, 0x1a, 0x02, 0x63, 0x64,
    ];
    const md5 = [...createHash('md5').update(Uint8Array.from(protobuf)).digest()];
    const encoded = encodeAggregatedRecord([
      { partitionKey: 'k1', data: ascii('ab') },
      { partitionKey: 'k2', data: ascii('cd') },
    ]);
    expect([...encoded]).toEqual([0xf3, 0x89, 0x9a, 0xc2, ...protobuf, ...md5]);
    expect(encoded).toHaveLength(44);
  });

  it('tables a repeated key once and explicit hash keys after partition keys', () => {
    // 0A 02 6B 31 | 12 01 37 (explicit_hash_key_table "7", tag 0x12) |
    // 1A 08 08 00 10 00 1A 02 61 62 | 1A 08 08 00 10 00 1A 02 63 64 → 4 + 3 + 10 + 10 = 27 bytes.
    const encoded = encodeAggregatedRecord([
      { partitionKey: 'k1', explicitHashKey: '7', data: ascii('ab') },
      { partitionKey: 'k1', explicitHashKey: '7', data: ascii('cd') },
    ]);
    expect([...encoded.subarray(0, 4)]).toEqual([...KPL_MAGIC]);
    expect([...encoded.subarray(4, 4 + 27)]).toEqual([
      0x0a, 0x02, 0x6b, 0x31, 0x12, 0x01, 0x37, 0x1a, 0x08, 0x08, 0x00, 0x10, 0x00, 0x1a, 0x02, 0x61, 0x62,
      0x1a, 0x08, 0x08, 0x00, 0x10, 0x00, 0x1a, 0x02, 0x63, 0x64,
    ]);
    expect(encoded).toHaveLength(4 + 27 + 16);
  });
});

describe('aggregatedRecordStats', () => {
  it('packs the two-record example exactly when the limit allows 44 bytes', () => {
    // 20 bytes of magic + MD5 leave 24 for the protobuf: 2 × (key entry 4 + record 8) = 24.
    // The aggregate carries the 1-byte partition key "a": 45 bytes for 2 × 2 bytes of data,
    // so (45 / 2) − 2 = 20.5 bytes of overhead per user record.
    expect(aggregatedRecordStats(2, 2, 44)).toEqual({
      userRecordsPerAggregate: 2,
      aggregateBytes: 44,
      kinesisRecordBytes: 45,
      overheadBytesPerUserRecord: 20.5,
    });
  });

  it('sends a record alone, as itself, when a second one does not fit', () => {
    // At 43 bytes only one fits; the KPL sends a one-record container as the plain record.
    expect(aggregatedRecordStats(2, 2, 43)).toEqual({
      userRecordsPerAggregate: 1,
      aggregateBytes: 2,
      kinesisRecordBytes: 4,
      overheadBytesPerUserRecord: 2,
    });
    // A 60,000-byte record is above the 51,200-byte default: it bypasses the aggregator.
    expect(aggregatedRecordStats(60_000, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT)).toEqual({
      userRecordsPerAggregate: 1,
      aggregateBytes: 60_000,
      kinesisRecordBytes: 60_036,
      overheadBytesPerUserRecord: 36,
    });
    // 30,000 bytes: one record costs 38 (key entry) + 1 + 3 + (1 + 1 + 1 + 3 + 30,000) = 30,048,
    // two cost 60,096 > 51,180: alone.
    expect(aggregatedRecordStats(30_000, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT).userRecordsPerAggregate).toBe(
      1,
    );
  });

  it('packs 100-byte records with UUID keys into the 51,200-byte default', () => {
    // Budget 51,200 − 20 = 51,180 bytes of protobuf.
    // Key entry: tag 1 + length 1 + 36 = 38.
    // Record, index < 128: inner = (tag 1 + index 1) + (tag 1 + length 1 + 100) = 104;
    //   framed = tag 1 + length 1 + 104 = 106; with its key 144. 128 × 144 = 18,432.
    // Index ≥ 128 (2-byte varint): 145 each; (51,180 − 18,432) / 145 = 225.8 → 225 (32,625).
    // 128 + 225 = 353 records; 20 + 18,432 + 32,625 = 51,077 bytes; + "a" = 51,078;
    // overhead = 51,078 / 353 − 100 = 44.697… bytes per user record.
    const stats = aggregatedRecordStats(100, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT);
    expect(stats.userRecordsPerAggregate).toBe(353);
    expect(stats.aggregateBytes).toBe(51_077);
    expect(stats.kinesisRecordBytes).toBe(51_078);
    expect(stats.overheadBytesPerUserRecord).toBeCloseTo(51_078 / 353 - 100, 10);

    // The encoder agrees: 353 such records take 51,077 bytes; one more would take 51,222.
    const records = (n: number): KplUserRecord[] =>
      Array.from({ length: n }, (_, i) => ({
        partitionKey: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        data: new Uint8Array(100),
      }));
    expect(encodeAggregatedRecord(records(353))).toHaveLength(51_077);
    expect(encodeAggregatedRecord(records(354))).toHaveLength(51_222);
  });

  it('tables a shared key once', () => {
    // One hot key: key entry 38 once; each record 106. (51,180 − 38) / 106 = 482.4 → 482.
    // 20 + 38 + 482 × 106 = 51,150 bytes.
    const stats = aggregatedRecordStats(100, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT, {
      sharedPartitionKey: true,
    });
    expect(stats.userRecordsPerAggregate).toBe(482);
    expect(stats.aggregateBytes).toBe(51_150);
  });

  it('matches the encoder for any sizes (distinct and shared keys)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 4, max: 64 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.boolean(),
        (dataBytes, keyBytes, maxBytes, shared) => {
          const stats = aggregatedRecordStats(dataBytes, keyBytes, maxBytes, { sharedPartitionKey: shared });
          // Keys of exactly keyBytes ASCII characters, distinct for up to 36^4 records.
          const records = (n: number): KplUserRecord[] =>
            Array.from({ length: n }, (_, i) => ({
              partitionKey: shared ? 'k'.repeat(keyBytes) : i.toString(36).padStart(keyBytes, '0'),
              data: new Uint8Array(dataBytes),
            }));
          const n = stats.userRecordsPerAggregate;
          if (n > 1) {
            expect(encodeAggregatedRecord(records(n))).toHaveLength(stats.aggregateBytes);
            expect(stats.kinesisRecordBytes).toBe(stats.aggregateBytes + 1);
          } else {
            expect(stats.aggregateBytes).toBe(dataBytes);
            expect(stats.kinesisRecordBytes).toBe(dataBytes + keyBytes);
          }
          // The largest count that fits: one more record would not.
          expect(encodeAggregatedRecord(records(n + 1)).length).toBeGreaterThan(maxBytes);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lies between the neighbouring whole sizes for a fractional mean', () => {
    const lo = aggregatedRecordStats(100, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT);
    const mid = aggregatedRecordStats(100.5, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT);
    const hi = aggregatedRecordStats(101, 36, KPL_AGGREGATION_MAX_BYTES_DEFAULT);
    expect(mid.userRecordsPerAggregate).toBeLessThanOrEqual(lo.userRecordsPerAggregate);
    expect(mid.userRecordsPerAggregate).toBeGreaterThanOrEqual(hi.userRecordsPerAggregate);
  });

  it('rejects negative or non-finite sizes', () => {
    expect(() => aggregatedRecordStats(-1, 36, 51_200)).toThrow(RangeError);
    expect(() => aggregatedRecordStats(100, Number.NaN, 51_200)).toThrow(RangeError);
    expect(() => aggregatedRecordStats(100, 36, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
