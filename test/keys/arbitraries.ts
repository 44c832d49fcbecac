/** fast-check generators shared by the keys tests. */
import fc from 'fast-check';
import { HASH_SPACE, type HashKeyRange, MAX_HASH_KEY } from '../../src/aws/hash.js';

export const range = (start: bigint, end: bigint): HashKeyRange => ({
  startingHashKey: start,
  endingHashKey: end,
});

/** Random open-shard layouts: 1–40 split points anywhere, some tiny ranges, returned shuffled. */
export const arbitraryRanges = fc
  .tuple(
    fc.uniqueArray(fc.bigInt({ min: 1n, max: MAX_HASH_KEY }), { minLength: 0, maxLength: 40 }),
    fc.array(fc.nat({ max: 3 }), { maxLength: 4 }),
    fc.integer({ min: 0, max: 1000 }),
  )
  .map(([cuts, tiny, seed]) => {
    const points = new Set(cuts);
    // A few ranges of one or two hash keys, narrower than a double can tell apart.
    for (const width of tiny) {
      const at = cuts[0] ?? HASH_SPACE / 2n;
      if (at + BigInt(width) + 1n < MAX_HASH_KEY) points.add(at + BigInt(width) + 1n);
    }
    const sorted = [...points].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const ranges: HashKeyRange[] = [];
    let start = 0n;
    for (const p of sorted) {
      ranges.push(range(start, p - 1n));
      start = p;
    }
    ranges.push(range(start, MAX_HASH_KEY));
    // Shuffle deterministically: a layout may list its shards in any order.
    return ranges
      .map((r, i) => ({ r, k: (i * 7919 + seed) % 10007 }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.r);
  });
