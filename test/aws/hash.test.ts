import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evenShardRanges,
  findShard,
  HASH_SPACE,
  hashFraction,
  hashKeyOf,
  MAX_HASH_KEY,
  parseExplicitHashKey,
  routingHashKey,
  shardIndexOf,
} from '../../src/aws/hash.js';

describe('hashKeyOf', () => {
  // Computed once with node:crypto, independently of hash.ts:
  //   node -e 'const h=require("crypto").createHash("md5").update(k,"utf8").digest("hex");
  //            console.log(h, BigInt("0x"+h).toString())'
  // MD5("a") = 0cc175b9c0f1b6a831c399e269772661 is the well-known test vector.
  it.each([
    ['a', '0cc175b9c0f1b6a831c399e269772661', 16955237001963240173058271559858726497n],
    ['key-0', 'b4428b7e85e1fa85481af6307d7f3cf7', 239606560113066237791549349790285249783n],
    ['device-42', 'a7d3d8dde1a94258da084d4cb74a9f3c', 223081048512968852806315647540369465148n],
    ['partitionKey', '916fb4607e9099fa19225279d711a12e', 193318062818912349798954611745638949166n],
    // UTF-8 bytes e6 97 a5 e6 9c ac, not UTF-16.
    ['日本', '4dbed2e657457884e67137d3514119b3', 103341369634063465466164320543046703539n],
  ])('MD5(%j) = %s read big-endian', (key, hex, decimal) => {
    expect(BigInt(`0x${hex}`)).toBe(decimal);
    expect(hashKeyOf(key)).toBe(decimal);
  });

  it('routes the pinned keys to the shards of a 3-shard stream', () => {
    // Shard 1 starts at 113427455640312821154458202477256070485 (≈1.134e38), shard 2 at
    // 226854911280625642308916404954512140970 (≈2.269e38):
    // "a" 1.70e37 → 0; "日本" 1.03e38 → 0; "partitionKey" 1.93e38 → 1; "device-42" 2.231e38 → 1;
    // "key-0" 2.396e38 → 2.
    const shards = ['a', '日本', 'partitionKey', 'device-42', 'key-0'].map((k) =>
      shardIndexOf(hashKeyOf(k), 3),
    );
    expect(shards).toEqual([0, 0, 1, 1, 2]);
  });
});

describe('evenShardRanges', () => {
  it('matches DescribeStream of a real 3-shard stream', () => {
    // floor(2^128/3) = 113427455640312821154458202477256070485; floor(2·2^128/3) = …140970.
    expect(evenShardRanges(3)).toEqual([
      { startingHashKey: 0n, endingHashKey: 113427455640312821154458202477256070484n },
      {
        startingHashKey: 113427455640312821154458202477256070485n,
        endingHashKey: 226854911280625642308916404954512140969n,
      },
      {
        startingHashKey: 226854911280625642308916404954512140970n,
        endingHashKey: 340282366920938463463374607431768211455n,
      },
    ]);
    expect(MAX_HASH_KEY).toBe(2n ** 128n - 1n);
  });

  it('covers the key space without gaps for any shard count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), (n) => {
        const ranges = evenShardRanges(n);
        expect(ranges).toHaveLength(n);
        expect(ranges[0]!.startingHashKey).toBe(0n);
        expect(ranges[n - 1]!.endingHashKey).toBe(MAX_HASH_KEY);
        const gaps = ranges.filter(
          (r, i) => i > 0 && r.startingHashKey !== ranges[i - 1]!.endingHashKey + 1n,
        );
        expect(gaps).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a shard count that is not a positive integer', () => {
    expect(() => evenShardRanges(0)).toThrow(RangeError);
    expect(() => evenShardRanges(1.5)).toThrow(RangeError);
  });
});

describe('shardIndexOf', () => {
  const key = fc.bigInt({ min: 0n, max: MAX_HASH_KEY });

  it('agrees with a binary search of the even ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), key, (n, h) => {
        expect(shardIndexOf(h, n)).toBe(findShard(evenShardRanges(n), h));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on range boundaries, where an off-by-one would show', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        ([n, j]) => {
          const ranges = evenShardRanges(n);
          const { startingHashKey, endingHashKey } = ranges[j]!;
          expect(shardIndexOf(startingHashKey, n)).toBe(j);
          expect(shardIndexOf(endingHashKey, n)).toBe(j);
          expect(findShard(ranges, startingHashKey)).toBe(j);
          expect(findShard(ranges, endingHashKey)).toBe(j);
          if (j > 0) expect(shardIndexOf(startingHashKey - 1n, n)).toBe(j - 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts 0 on the first shard and 2^128 − 1 on the last', () => {
    for (const n of [1, 2, 3, 7, 1000, 2000]) {
      expect(shardIndexOf(0n, n)).toBe(0);
      expect(shardIndexOf(MAX_HASH_KEY, n)).toBe(n - 1);
    }
  });
});

describe('ExplicitHashKey', () => {
  it('parses decimal keys within 0 … 2^128 − 1', () => {
    expect(parseExplicitHashKey('0')).toBe(0n);
    expect(parseExplicitHashKey('113427455640312821154458202477256070485')).toBe(
      113427455640312821154458202477256070485n,
    );
    expect(parseExplicitHashKey('340282366920938463463374607431768211455')).toBe(MAX_HASH_KEY);
  });

  it('rejects leading zeros, as the API pattern 0|([1-9]\\d{0,38}) does', () => {
    expect(() => parseExplicitHashKey('007')).toThrow(/without leading zeros/);
    expect(() => parseExplicitHashKey('00')).toThrow(RangeError);
    expect(() => parseExplicitHashKey('-1')).toThrow(RangeError);
    expect(() => parseExplicitHashKey('1e3')).toThrow(RangeError);
  });

  it('rejects keys above 2^128 − 1', () => {
    // 2^128 = 340282366920938463463374607431768211456 has 39 digits, so the pattern admits it.
    expect(HASH_SPACE.toString()).toBe('340282366920938463463374607431768211456');
    expect(() => parseExplicitHashKey('340282366920938463463374607431768211456')).toThrow(/above 2\^128/);
    expect(() => parseExplicitHashKey('999999999999999999999999999999999999999')).toThrow(RangeError);
  });

  it('replaces the MD5 of the partition key when given', () => {
    expect(routingHashKey('a')).toBe(hashKeyOf('a'));
    expect(routingHashKey('a', '42')).toBe(42n);
  });
});

describe('hashFraction', () => {
  it('maps the key space onto [0, 1)', () => {
    expect(hashFraction(0n)).toBe(0);
    expect(hashFraction(HASH_SPACE / 2n)).toBe(0.5);
    expect(hashFraction(MAX_HASH_KEY)).toBeLessThan(1);
  });
});
