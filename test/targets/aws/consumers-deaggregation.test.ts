import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAggregatedRecord, KPL_MAGIC, type KplUserRecord } from '../../../src/aws/aggregation.js';
import { decodeAggregatedRecord, userRecordsOf } from '../../../src/aws/deaggregation.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function framed(protobuf: number[]): Uint8Array {
  const body = Uint8Array.from(protobuf);
  const md5 = createHash('md5').update(body).digest();
  return Uint8Array.from([...KPL_MAGIC, ...body, ...md5]);
}

describe('decodeAggregatedRecord', () => {
  it('reads a hand-written aggregate: key table, explicit hash key table, records in order', () => {
    //   0A 01 61              partition_key_table "a"
    //   0A 01 62              partition_key_table "b"
    //   12 01 35              explicit_hash_key_table "5"   (field 2, wire type 2 → tag 0x12)
    //   1A 06 08 00 1A 02 01 02      records { partition_key_index 0, data 01 02 }
    //   1A 07 08 01 10 00 1A 01 03   records { partition_key_index 1, explicit_hash_key_index 0 (tag 0x10), data 03 }
    const record = framed([
      0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62, 0x12, 0x01, 0x35, 0x1a, 0x06, 0x08, 0x00, 0x1a, 0x02, 0x01, 0x02,
      0x1a, 0x07, 0x08, 0x01, 0x10, 0x00, 0x1a, 0x01, 0x03,
    ]);
    expect(decodeAggregatedRecord(record)).toEqual([
      { partitionKey: 'a', explicitHashKey: undefined, data: Uint8Array.from([1, 2]) },
      { partitionKey: 'b', explicitHashKey: '5', data: Uint8Array.from([3]) },
    ]);
  });

  it('skips a Tag (field 4) it does not use', () => {
    //   0A 01 6B                         partition_key_table "k"
    //   1A 0A 08 00 1A 01 09 22 03 0A 01 78   records { index 0, data 09, tags { key "x" } (tag 0x22, 3 bytes) }
    const record = framed([
      0x0a, 0x01, 0x6b, 0x1a, 0x0a, 0x08, 0x00, 0x1a, 0x01, 0x09, 0x22, 0x03, 0x0a, 0x01, 0x78,
    ]);
    expect(decodeAggregatedRecord(record)).toEqual([
      { partitionKey: 'k', explicitHashKey: undefined, data: Uint8Array.from([9]) },
    ]);
  });

  it('takes a record as plain when the magic, the MD5 or the protobuf is not right', () => {
    const good = encodeAggregatedRecord([{ partitionKey: 'k', data: ascii('x') }]);
    expect(decodeAggregatedRecord(ascii('plain record data, no magic'))).toBeUndefined();
    const badMd5 = good.slice();
    badMd5[badMd5.length - 1]! ^= 0xff;
    expect(decodeAggregatedRecord(badMd5)).toBeUndefined();
    // A record index pointing past the key table (index 3 of a table of 1), MD5 correct.
    expect(
      decodeAggregatedRecord(framed([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x03, 0x1a, 0x01, 0x09])),
    ).toBeUndefined();
    // A length running past the end.
    expect(decodeAggregatedRecord(framed([0x0a, 0x09, 0x6b]))).toBeUndefined();
    // userRecordsOf passes a plain record through with its own key.
    expect(userRecordsOf(badMd5, 'pk')).toEqual([{ partitionKey: 'pk', data: badMd5 }]);
  });

  it("reads back every aggregate aggregation.ts's encoder writes (property)", () => {
    const userRecord: fc.Arbitrary<KplUserRecord> = fc.record(
      {
        partitionKey: fc.string({ minLength: 1, maxLength: 20 }),
        data: fc.uint8Array({ maxLength: 300 }),
        explicitHashKey: fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String),
      },
      { requiredKeys: ['partitionKey', 'data'] },
    );
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 200 }), (records) => {
        const decoded = decodeAggregatedRecord(encodeAggregatedRecord(records));
        expect(decoded).toEqual(
          records.map((r) => ({
            partitionKey: r.partitionKey,
            explicitHashKey: r.explicitHashKey,
            data: r.data,
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
