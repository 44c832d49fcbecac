import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evenShardRanges, findShard, HASH_SPACE, MAX_HASH_KEY } from '../../src/aws/hash.js';
import { hashKeyOfWords, hashRangeWidths, positionOfTopBits, resolveLayout } from '../../src/keys/layout.js';
import { arbitraryRanges, range } from './arbitraries.js';

function topWords(hashKey: bigint): Uint32Array {
  return Uint32Array.from([96n, 64n, 32n, 0n], (shift) => Number((hashKey >> shift) & 0xffffffffn));
}

describe('resolveLayout', () => {
  it('splits evenly for a shard count', () => {
    const table = resolveLayout({ shardCount: 3 });
    expect(table.shardCount).toBe(3);
    table.widths.forEach((w) => {
      expect(w).toBeCloseTo(1 / 3, 15);
    });
    expect(Array.from(hashRangeWidths({ shardCount: 4 }))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('keeps the layout order for explicit ranges', () => {
    // Shard 0 of the layout is the upper three quarters, shard 1 the lower quarter.
    const quarter = HASH_SPACE / 4n;
    const widths = hashRangeWidths({ ranges: [range(quarter, MAX_HASH_KEY), range(0n, quarter - 1n)] });
    expect(Array.from(widths)).toEqual([0.75, 0.25]);
  });

  it('refuses ranges that leave gaps or overlap', () => {
    const half = HASH_SPACE / 2n;
    expect(() => resolveLayout({ ranges: [] })).toThrow(RangeError);
    expect(() => resolveLayout({ ranges: [range(0n, half - 2n), range(half, MAX_HASH_KEY)] })).toThrow(
      /belong to no range/,
    );
    expect(() => resolveLayout({ ranges: [range(0n, half), range(half, MAX_HASH_KEY)] })).toThrow(/overlaps/);
    expect(() => resolveLayout({ ranges: [range(1n, MAX_HASH_KEY)] })).toThrow(/belong to no range/);
    expect(() => resolveLayout({ ranges: [range(0n, half)] })).toThrow(/belong to no range/);
    expect(() => resolveLayout({ ranges: [range(0n, half), range(MAX_HASH_KEY, half + 1n)] })).toThrow(
      /starts after it ends/,
    );
    expect(() => resolveLayout({ shardCount: 0 })).toThrow(RangeError);
  });
});

describe('positionOfTopBits', () => {
  it('agrees with the exact BigInt search, or declines (−1) only next to a boundary', () => {
    fc.assert(
      fc.property(
        arbitraryRanges,
        fc.array(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), { maxLength: 50 }),
        (ranges, keys) => {
          const table = resolveLayout({ ranges });
          // Keys on, next to and between the boundaries as well as random ones.
          const probes = [...keys, 0n, MAX_HASH_KEY];
          for (const r of table.sorted) probes.push(r.startingHashKey, r.endingHashKey);
          for (const h of probes) {
            const words = topWords(h);
            expect(hashKeyOfWords(words)).toBe(h);
            const exact = findShard(table.sorted, h);
            const fast = positionOfTopBits(table, words[0]!, words[1]!);
            if (fast >= 0) expect(fast).toBe(exact);
            else {
              // Declined: some boundary lies within 2^80 (a margin of 2^16 in units of 2^64) and then some.
              const near = table.sorted.some(
                (r, j) => j > 0 && r.startingHashKey - h < 1n << 82n && h - r.startingHashKey < 1n << 82n,
              );
              expect(near).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the owner of random keys on an even 10,000-shard layout', () => {
    const table = resolveLayout({ shardCount: 10_000 });
    const ranges = evenShardRanges(10_000);
    // It may decline (−1) only for a key within 2^82 of one of the 9,999 boundaries: a chance of
    // about 10^4 × 2^-45 per key, so among 2,000 random keys practically never.
    let declined = 0;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), (h) => {
        const words = topWords(h);
        const fast = positionOfTopBits(table, words[0]!, words[1]!);
        if (fast === -1) declined++;
        expect(fast === -1 || fast === findShard(ranges, h)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(declined).toBeLessThan(20);
  });
});
