/**
 * The fastest UpdateShardCount route (aws/reshard updateShardCountSequence) against hand
 * arithmetic and against a plain exhaustive search. Rules (API-K, docs/aws-facts.md KDS 4): each call
 * goes from n to any m with ⌈n/2⌉ ≤ m ≤ 2n; 10 calls per rolling 24 h; a call n → m takes
 * n + m − 2·gcd(n, m) shard operations, one after another, 30 s each by default.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardCountCalls, updateShardCountSequence } from '../../src/aws/reshard.js';

const euclid = (a: number, b: number): number => (b === 0 ? a : euclid(b, a % b));
/** Operations of one call, written out independently of the code under test. */
const ops = (n: number, m: number) => n + m - 2 * euclid(n, m);

/** Operations and end time (fresh 24-hour window, 30 s an operation) of a route from `from`. */
function timed(from: number, route: readonly number[], seconds = 30) {
  let t = 0;
  let operations = 0;
  const starts: number[] = [];
  let current = from;
  for (const next of route) {
    expect(next).toBeGreaterThanOrEqual(Math.ceil(current / 2));
    expect(next).toBeLessThanOrEqual(2 * current);
    t = Math.max(t, starts.length >= 10 ? starts[starts.length - 10]! + 86_400 : 0);
    starts.push(t);
    t += ops(current, next) * seconds;
    operations += ops(current, next);
    current = next;
  }
  return { calls: route.length, operations, seconds: t };
}

/**
 * Exhaustive search: for k = 1 … 10, the fewest operations from `from` to every count ≤ `limit`
 * in exactly k calls, trying every allowed call (Bellman–Ford by layers, no pruning).
 * best[k][m] = min over n of best[k − 1][n] + ops(n, m).
 */
function exhaustive(from: number, limit: number): Float64Array[] {
  const layers = [new Float64Array(limit + 1).fill(Number.POSITIVE_INFINITY)];
  layers[0]![from] = 0;
  for (let k = 1; k <= 10; k++) {
    const previous = layers[k - 1]!;
    const next = new Float64Array(limit + 1).fill(Number.POSITIVE_INFINITY);
    for (let n = 1; n <= limit; n++) {
      const done = previous[n]!;
      if (done === Number.POSITIVE_INFINITY) continue;
      for (let m = Math.ceil(n / 2); m <= Math.min(2 * n, limit); m++) {
        if (m === n) continue;
        const total = done + ops(n, m);
        if (total < next[m]!) next[m] = total;
      }
    }
    layers.push(next);
  }
  return layers;
}

/** Doubling or halving until one call reaches `to`: the route the planner used to take. */
function doubling(from: number, to: number): number[] {
  const route: number[] = [];
  for (let c = from; c !== to; ) {
    c = to > c ? Math.min(to, c * 2) : Math.max(to, Math.ceil(c / 2));
    route.push(c);
  }
  return route;
}

/**
 * The exhaustive optimum as (seconds, calls, operations). Valid when it takes at most 24 h: any
 * route of 11 calls or more starts its 11th call 24 h after the first, so it cannot be faster; and
 * a route through a count m above `limit` takes at least (m − from) + (m − to) operations, which
 * the caller keeps above doubling's operations.
 */
function optimum(layers: Float64Array[], to: number) {
  let best: { seconds: number; calls: number; operations: number } | undefined;
  for (let k = 1; k <= 10; k++) {
    const operations = layers[k]![to]!;
    if (operations === Number.POSITIVE_INFINITY) continue;
    if (best === undefined || operations < best.operations)
      best = { seconds: operations * 30, calls: k, operations };
  }
  expect(best!.seconds).toBeLessThanOrEqual(86_400);
  return best!;
}

describe('the fastest UpdateShardCount route', () => {
  it('64 → 600 goes through 75, 150 and 300: 662 operations (5.5 h), not 1,544 (12.9 h) by doubling', () => {
    // Doubling: 64 → 128 → 256 → 512 (64 + 128 + 256 splits), then 512 → 600: gcd 8, 592 splits
    // and 504 merges = 1,096; 1,544 operations × 30 s = 46,320 s = 12.9 h.
    expect(timed(64, doubling(64, 600))).toEqual({ calls: 4, operations: 1544, seconds: 46_320 });
    // 600 = 75 × 8: 64 → 75 (gcd 1: 74 splits + 63 merges = 137), then 75, 150 and 300 splits:
    // 137 + 75 + 150 + 300 = 662 operations × 30 s = 19,860 s = 5.5 h, in the same 4 calls.
    const route = updateShardCountSequence(64, 600);
    expect(route).toEqual([75, 150, 300, 600]);
    expect(timed(64, route)).toEqual({ calls: 4, operations: 662, seconds: 19_860 });
    // No route is faster: the exhaustive search over every count up to 1,104 agrees (a count m above
    // that costs at least (m − 64) + (m − 600) > 1,544 operations, more than doubling).
    expect(2 * 1105 - 64 - 600).toBeGreaterThan(1544);
    expect(optimum(exhaustive(64, 1104), 600)).toEqual({ seconds: 19_860, calls: 4, operations: 662 });
  });

  it('256 → 600 goes through 300: 848 operations (7.07 h), not 1,352 (11.3 h)', () => {
    // 256 → 300: gcd 4, 296 splits + 252 merges = 548; 300 → 600: 300 splits. 848 × 30 = 25,440 s.
    const route = updateShardCountSequence(256, 600);
    expect(route).toEqual([300, 600]);
    expect(timed(256, route)).toEqual({ calls: 2, operations: 848, seconds: 25_440 });
    // 256 → 512 → 600: 256 + 1,096 = 1,352 × 30 = 40,560 s = 11.3 h.
    expect(timed(256, doubling(256, 600)).seconds).toBe(40_560);
    expect(2 * 1105 - 256 - 600).toBeGreaterThan(1352);
    expect(optimum(exhaustive(256, 1104), 600)).toEqual({ seconds: 25_440, calls: 2, operations: 848 });
  });

  it('scales down by the mirror route: 600 → 300 → 150 → 75 → 64, and 1,000 → 100 through 125', () => {
    // 300 + 150 + 75 merges, then 75 → 64: 63 splits and 74 merges; 662 operations, as up.
    expect(updateShardCountSequence(600, 64)).toEqual([300, 150, 75, 64]);
    expect(timed(600, [300, 150, 75, 64]).operations).toBe(662);
    // 1,000 → 500 → 250 → 125 (500 + 250 + 125 merges), then 125 → 100 (gcd 25: 75 splits and
    // 100 merges): 1,050 operations = 31,500 s. Halving to 250 then 250 → 125 → 100 is the same
    // route; none does better (exhaustive search up to 1,400: a count m above it costs at least
    // (m − 1,000) + (m − 100) > 1,700 operations).
    const route = updateShardCountSequence(1000, 100);
    expect(route).toEqual([500, 250, 125, 100]);
    expect(timed(1000, route)).toEqual({ calls: 4, operations: 1050, seconds: 31_500 });
    expect(optimum(exhaustive(1000, 1400), 100)).toEqual({ seconds: 31_500, calls: 4, operations: 1050 });
  });

  it('waits for the 24-hour window when more than 10 calls are needed: 1 → 2,048 and 2,048 → 1', () => {
    // 2,048 = 2^11: at least 11 calls (each at most doubles). Doubling: calls 1–10 take
    // 1 + 2 + … + 512 = 1,023 operations (30,690 s); the 11th waits until 86,400 s, then 1,024
    // splits: 86,400 + 30,720 = 117,120 s.
    const up = updateShardCountSequence(1, 2048);
    expect(up).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    expect(timed(1, up).seconds).toBe(117_120);
    // Halving back: 1,024 + 512 + … + 2 = 2,046 merges in 10 calls (61,380 s); the 11th (2 → 1,
    // 1 merge) waits until 86,400 s: 86,430 s.
    const down = updateShardCountSequence(2048, 1);
    expect(down).toEqual([1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1]);
    expect(timed(2048, down).seconds).toBe(86_430);
    // The shared timeline says the same.
    expect(shardCountCalls(1, 2048, 0, 30).at(-1)!.end).toBe(117_120);
  });

  it('is the fastest route for every pair up to 300 shards (exhaustive search over counts up to 1,000)', () => {
    // A route through a count above 1,000 takes at least 2 × 1,001 − 300 − 300 = 1,402 operations;
    // doubling never takes that many between counts up to 300 (checked below), so the search need
    // not look above 1,000.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), (from) => {
        const layers = exhaustive(from, 1000);
        for (let to = 1; to <= 300; to++) {
          if (to === from) continue;
          expect(timed(from, doubling(from, to)).operations).toBeLessThan(1402);
          const route = updateShardCountSequence(from, to);
          expect(timed(from, route), `${from} → ${to}: [${route.join(', ')}]`).toEqual(optimum(layers, to));
        }
      }),
      { numRuns: 6 },
    );
  });

  it('stays fast for any pair up to 10,000 shards', () => {
    // The slowest pairs found: a small count to a large, awkward one (a prime, or 9,999 = 9 × 1,111).
    for (const [from, to] of [
      [1, 10_000],
      [7, 9999],
      [3, 9973],
      [9973, 3],
      [1024, 9973],
      [17, 9909],
    ] as const) {
      const start = performance.now();
      const route = updateShardCountSequence(from, to);
      expect(route.at(-1)).toBe(to);
      // Generous for a loaded test machine; bench/reshard.bench.ts measures it.
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });
});
