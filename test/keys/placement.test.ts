/**
 * Hash-once placement (src/keys/placement.ts) against the reference per-layout computation
 * (`keyLoad`, itself checked against node:crypto): both must put every key on the same shard.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HASH_SPACE, shardIndexOf } from '../../src/aws/hash.js';
import { keyLoad } from '../../src/keys/load.js';
import { placeKeys, shardOfPlaced, shareOfShard, sharesOnEvenShards } from '../../src/keys/placement.js';
import type { KeyDistribution } from '../../src/scenario/schema.js';

const zipf = (count: number, exponent: number): KeyDistribution => ({
  dist: 'zipf',
  count,
  exponent,
  template: 'key-{i}',
});

describe('placeKeys + sharesOnEvenShards', () => {
  it('gives the same per-shard shares as keyLoad for generated keys at many shard counts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .record({
              count: fc.integer({ min: 1, max: 3000 }),
              exponent: fc.double({ min: 0, max: 1.5, noNaN: true }),
            })
            .map(({ count, exponent }) => zipf(count, exponent)),
          fc
            .record({
              count: fc.integer({ min: 2, max: 3000 }),
              share: fc.double({ min: 0, max: 1, noNaN: true }),
            })
            .map(
              ({ count, share }): KeyDistribution => ({
                dist: 'hot-set',
                count,
                hot: 1,
                share,
                template: 'dev-{i}',
              }),
            ),
        ),
        fc.integer({ min: 1, max: 700 }),
        (dist, n) => {
          const placed = placeKeys(dist);
          const fast = sharesOnEvenShards(placed, n);
          const reference = keyLoad(dist, { shardCount: n }).shardShares;
          for (let s = 0; s < n; s++) expect(fast[s]).toBeCloseTo(reference[s]!, 12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('decides keys sitting exactly on a shard boundary by their full hash key', () => {
    // 3 shards: shard 1 starts at floor(2^128/3) = 113427455640312821154458202477256070485 (a real
    // DescribeStream value); one key on that boundary, one just below it, and one at the very end.
    const boundary = HASH_SPACE / 3n;
    const dist: KeyDistribution = {
      dist: 'weighted',
      keys: [
        { key: 'on', weight: 1, explicitHashKey: boundary.toString() },
        { key: 'below', weight: 2, explicitHashKey: (boundary - 1n).toString() },
        { key: 'last', weight: 4, explicitHashKey: (HASH_SPACE - 1n).toString() },
      ],
    };
    const placed = placeKeys(dist);
    // "below" (2/7) on shard 0; "on" (1/7) on shard 1; "last" (4/7) on shard 2.
    const shares = sharesOnEvenShards(placed, 3);
    [2 / 7, 1 / 7, 4 / 7].forEach((share, s) => {
      expect(shares[s]).toBeCloseTo(share, 15);
    });
    expect([0, 1, 2].map((k) => shardOfPlaced(placed, k, 3))).toEqual([1, 0, 2]);
  });

  it('places every key as shardIndexOf does', () => {
    const placed = placeKeys(zipf(5000, 1));
    for (const n of [1, 2, 3, 7, 64, 1000, 10_000]) {
      for (let k = 0; k < 5000; k += 37)
        expect(shardOfPlaced(placed, k, n)).toBe(shardIndexOf(placed.keyOf(k).hashKey, n));
    }
  });

  it('spreads unique keys and the unplaced tail evenly', () => {
    // Unique keys: every shard of 4 gets 1/4.
    expect(Array.from(sharesOnEvenShards(placeKeys({ dist: 'unique', length: 36 }), 4))).toEqual([
      0.25, 0.25, 0.25, 0.25,
    ]);
    // 20 uniform keys, only the 5 heaviest placed: the other 15/20 = 0.75 spreads as 0.75/n a shard.
    const placed = placeKeys(
      { dist: 'uniform', count: 20, template: 'k-{i}' },
      { exactKeyLimit: 10, headKeys: 5 },
    );
    expect(placed.method).toBe('analytical');
    expect(placed.spreadShare).toBeCloseTo(0.75, 12);
    const shares = sharesOnEvenShards(placed, 2);
    expect(shares[0]! + shares[1]!).toBeCloseTo(1, 12);
    expect(Math.min(shares[0]!, shares[1]!)).toBeGreaterThanOrEqual(0.375 - 1e-12);
  });
});

describe('sharesOnEvenShards and shareOfShard: keys in hash order', () => {
  it('give the shares keyLoad gives, shard by shard, at many counts', () => {
    const placed = placeKeys(zipf(20_000, 0.9));
    for (const n of Array.from({ length: 40 }, (_, i) => 3 + i * 7)) {
      const all = sharesOnEvenShards(placed, n);
      const reference = keyLoad(zipf(20_000, 0.9), { shardCount: n }).shardShares;
      for (let s = 0; s < n; s++) {
        expect(all[s]).toBeCloseTo(reference[s]!, 12);
        expect(shareOfShard(placed, s, n)).toBeCloseTo(reference[s]!, 12);
      }
    }
  });

  it('decide keys whose top 32 bits equal a boundary’s by the full hash key', () => {
    // 3 shards: shard 1 starts at b = floor(2^128/3), whose top 32 bits are floor(2^32/3) =
    // 1,431,655,765. Keys at b − 1 and b share those bits with b: only the full key tells b − 1
    // (shard 0) from b (shard 1). A key at (floor(2^32/3)) × 2^96 also shares them and is below b.
    const b = HASH_SPACE / 3n;
    const sameTop = (b >> 96n) << 96n;
    const dist: KeyDistribution = {
      dist: 'weighted',
      keys: [
        { key: 'on', weight: 1, explicitHashKey: b.toString() },
        { key: 'below', weight: 2, explicitHashKey: (b - 1n).toString() },
        { key: 'low', weight: 4, explicitHashKey: sameTop.toString() },
        { key: 'next', weight: 8, explicitHashKey: (b + (1n << 96n)).toString() },
      ],
    };
    const placed = placeKeys(dist);
    // Shard 0: below + low = 6/15; shard 1: on + next = 9/15; shard 2: nothing.
    const shares = sharesOnEvenShards(placed, 3);
    [6 / 15, 9 / 15, 0].forEach((share, s) => {
      expect(shares[s]).toBeCloseTo(share, 15);
      expect(shareOfShard(placed, s, 3)).toBeCloseTo(share, 15);
    });
  });
});
