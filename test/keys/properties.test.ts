/**
 * Invariants of keyLoad over random distributions and layouts, and the exact method against a slow
 * oracle: every key named with keyName, hashed with node:crypto (src/aws/hash.ts) and placed by a
 * linear scan of the ranges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evenShardRanges,
  type HashKeyRange,
  hashKeyOf,
  MAX_HASH_KEY,
  routingHashKey,
} from '../../src/aws/hash.js';
import { keyShares } from '../../src/keys/distribution.js';
import { keyLoad } from '../../src/keys/load.js';
import { keyName } from '../../src/keys/template.js';
import type { KeyDistribution } from '../../src/scenario/schema.js';
import { arbitraryRanges, range } from './arbitraries.js';

const template = fc.constantFrom('key-{i}', '{i}', 'user-{i}-café', '😀{i}/{i}', 'device:{i}');
const count = fc.integer({ min: 1, max: 1500 });

const arbitraryDistribution: fc.Arbitrary<KeyDistribution> = fc.oneof(
  fc.record({ dist: fc.constant('uniform' as const), count, template }),
  fc.record({
    dist: fc.constant('zipf' as const),
    count,
    exponent: fc.double({ min: 0, max: 3, noNaN: true }),
    template,
  }),
  fc
    .record({ count, hot: count, share: fc.double({ min: 0, max: 1, noNaN: true }), template })
    .map((d) => ({ dist: 'hot-set' as const, ...d, hot: Math.min(d.hot, d.count) })),
  fc.record({
    dist: fc.constant('weighted' as const),
    keys: fc.array(
      fc.record(
        {
          key: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
          weight: fc.double({ min: 0.001, max: 1000, noNaN: true }),
          explicitHashKey: fc.bigInt({ min: 0n, max: MAX_HASH_KEY }).map(String),
        },
        { requiredKeys: ['key', 'weight'] },
      ),
      { minLength: 1, maxLength: 200 },
    ),
  }),
  fc.record({ dist: fc.constant('unique' as const), length: fc.integer({ min: 1, max: 256 }) }),
);

const arbitraryLayout = fc.oneof(
  fc.integer({ min: 1, max: 64 }).map((shardCount) => ({ shardCount })),
  arbitraryRanges.map((ranges) => ({ ranges })),
);

/** Names and routing of every key of an enumerable distribution, in keyShares order. */
function keysOf(dist: Exclude<KeyDistribution, { dist: 'unique' }>): { name: string; hashKey: bigint }[] {
  if (dist.dist === 'weighted') {
    return dist.keys.map((k) => ({ name: k.key, hashKey: routingHashKey(k.key, k.explicitHashKey) }));
  }
  return Array.from({ length: dist.count }, (_, i) => {
    const name = keyName(dist.template, i);
    return { name, hashKey: hashKeyOf(name) };
  });
}

function ownerByScan(ranges: readonly HashKeyRange[], hashKey: bigint): number {
  return ranges.findIndex((r) => r.startingHashKey <= hashKey && hashKey <= r.endingHashKey);
}

describe('keyLoad properties', () => {
  it('shares are ≥ 0, sum to 1, and the hottest shard is never below the average', () => {
    fc.assert(
      fc.property(arbitraryDistribution, arbitraryLayout, (dist, layout) => {
        const load = keyLoad(dist, layout);
        const shares = Array.from(load.shardShares);
        for (const share of shares) expect(share).toBeGreaterThanOrEqual(0);
        expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
        expect(Math.max(...shares)).toBeGreaterThanOrEqual(1 / shares.length - 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('exact: each shard carries exactly the shares of the keys the oracle puts on it', () => {
    fc.assert(
      fc.property(
        arbitraryDistribution.filter((d) => d.dist !== 'unique'),
        arbitraryLayout,
        (dist, layout) => {
          const ranges = 'ranges' in layout ? layout.ranges : evenShardRanges(layout.shardCount);
          const load = keyLoad(dist, layout);
          expect(load.method).toBe('exact');
          const shares = keyShares(dist);
          const keys = keysOf(dist);
          const expected = new Float64Array(ranges.length);
          let meanBytes = 0;
          keys.forEach((k, i) => {
            expected[ownerByScan(ranges, k.hashKey)]! += shares[i]!;
            meanBytes += shares[i]! * Buffer.byteLength(k.name, 'utf8');
          });
          expected.forEach((e, j) => {
            expect(Math.abs(load.shardShares[j]! - e)).toBeLessThan(1e-12);
          });
          expect(load.meanKeyBytes).toBeCloseTo(meanBytes, 9);

          // Hot keys: real hash keys and shards, heaviest first, the top 10 and all above 1%.
          for (const hot of load.hotKeys) {
            expect(hot.hashKey).toBe(keys[hot.index]!.hashKey);
            expect(hot.key).toBe(keys[hot.index]!.name);
            expect(hot.shard).toBe(ownerByScan(ranges, hot.hashKey));
          }
          for (let k = 1; k < load.hotKeys.length; k++) {
            expect(load.hotKeys[k - 1]!.share).toBeGreaterThanOrEqual(load.hotKeys[k]!.share);
          }
          expect(load.hotKeys.length).toBeGreaterThanOrEqual(Math.min(10, Number(load.distinctKeys)));
          if (dist.dist !== 'weighted') {
            // (Weighted entries naming the same key are merged, so their shares differ from the list's.)
            const listed = new Set(load.hotKeys.map((k) => k.index));
            shares.forEach((s, i) => {
              if (s > 0.01) expect(listed.has(i)).toBe(true);
            });
          }
          expect(load.maxKeyShare).toBeCloseTo(load.hotKeys[0]?.share ?? 0, 15);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('exact: keys sitting on range boundaries are placed exactly', () => {
    // Boundaries at the hash keys of some of the distribution's own keys, and one past them.
    const arbitraryCase = fc
      .tuple(
        fc.record({
          dist: fc.constant('uniform' as const),
          count: fc.integer({ min: 1, max: 300 }),
          template,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
      )
      .map(([dist, picks, after]) => {
        const cuts = new Set<bigint>();
        for (const p of picks) {
          const h = hashKeyOf(keyName(dist.template, p % dist.count));
          const cut = after ? h + 1n : h;
          if (cut > 0n && cut <= MAX_HASH_KEY) cuts.add(cut);
        }
        const sorted = [...cuts].sort((x, y) => (x < y ? -1 : 1));
        const ranges: HashKeyRange[] = [];
        let start = 0n;
        for (const cut of sorted) {
          ranges.push(range(start, cut - 1n));
          start = cut;
        }
        ranges.push(range(start, MAX_HASH_KEY));
        return { dist, ranges };
      });
    fc.assert(
      fc.property(arbitraryCase, ({ dist, ranges }) => {
        const load = keyLoad(dist, { ranges });
        const expected = new Float64Array(ranges.length);
        for (let i = 0; i < dist.count; i++) {
          expected[ownerByScan(ranges, hashKeyOf(keyName(dist.template, i)))]! += 1 / dist.count;
        }
        expected.forEach((e, j) => {
          expect(load.shardShares[j]).toBeCloseTo(e, 12);
        });
      }),
      { numRuns: 100 },
    );
  });
});
