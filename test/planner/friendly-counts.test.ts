/**
 * Reshard-friendly counts: beside the smallest count that fits (recommended), the larger counts
 * that reshard from the configured count sooner, each listed only if it reshards sooner than every
 * smaller count listed. Reshard rules (API-K, docs/aws-facts.md KDS 4): each UpdateShardCount call goes
 * from n to ⌈n/2⌉ … 2n; a call n → m takes n + m − 2·gcd(n, m) splits and merges, 30 s each, one
 * after another; 10 calls per rolling 24 h.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/cli/render-plan.js';
import { findingText } from '../../src/planner/findings.js';
import { friendlyCountAdvice, planFriendlyCounts } from '../../src/planner/reshard.js';
import { HOURS, planOf, recommendationsOf } from './helpers.js';

const euclid = (a: number, b: number): number => (b === 0 ? a : euclid(b, a % b));
const ops = (n: number, m: number) => n + m - 2 * euclid(n, m);

/**
 * Independent oracle: the fewest operations from `from` to every count ≤ `limit` within 10 calls,
 * trying every allowed call (Bellman–Ford by layers). With at most 10 calls and under 24 h, a
 * reshard takes its operations × 30 s.
 */
function fewestOperations(from: number, limit: number): Float64Array {
  let layer = new Float64Array(limit + 1).fill(Number.POSITIVE_INFINITY);
  layer[from] = 0;
  const best = Float64Array.from(layer);
  for (let k = 1; k <= 10; k++) {
    const next = new Float64Array(limit + 1).fill(Number.POSITIVE_INFINITY);
    for (let n = 1; n <= limit; n++) {
      if (layer[n] === Number.POSITIVE_INFINITY) continue;
      for (let m = Math.ceil(n / 2); m <= Math.min(2 * n, limit); m++) {
        if (m !== n) next[m] = Math.min(next[m]!, layer[n]! + ops(n, m));
      }
    }
    for (let m = 1; m <= limit; m++) best[m] = Math.min(best[m]!, next[m]!);
    layer = next;
  }
  return best;
}

/** A provisioned stream's shard-hours per month: $0.015 × 730 h per shard. */
const shardMonth = (n: number) => n * 0.015 * HOURS;

/** The advice for the soonest count, worded as the plan prints it. */
function adviceText(
  configured: number,
  counts: Parameters<typeof friendlyCountAdvice>[1],
): string | undefined {
  const advice = friendlyCountAdvice(configured, counts);
  return advice && findingText({ code: 'friendly-count', severity: 'info', ...advice });
}

describe('reshard-friendly counts', () => {
  it('64 configured, 217 recommended: 218, 224 and 256 reshard sooner', () => {
    // 217 = 7 × 31: 64 → 128 (64 splits), 128 → 217 (gcd 1: 216 splits + 127 merges = 343):
    //   407 operations × 30 s = 12,210 s (3.39 h).
    // 218 = 2 × 109: 64 → 109 (gcd 1: 108 splits + 63 merges = 171), 109 → 218 (109 splits):
    //   280 operations = 8,400 s (2.33 h), for one more shard: +$10.95/month.
    // 224 = 7 × 32: 64 → 112 (gcd 16: 96 splits + 48 merges = 144), 112 → 224 (112 splits):
    //   256 operations = 7,680 s (2.13 h), +7 shards: +$76.65/month.
    // 256 = 64 × 4: 64 → 128 → 256 (64 + 128 splits): 192 operations = 5,760 s (1.6 h), +39 shards:
    //   +$427.05/month. No count up to 434 reshards sooner (the oracle below checks every one).
    const counts = planFriendlyCounts(64, 217, 30, shardMonth);
    expect(
      counts.map(({ shards, calls, shardOperations, durationSeconds }) => ({
        shards,
        calls,
        shardOperations,
        durationSeconds,
      })),
    ).toEqual([
      { shards: 217, calls: [128, 217], shardOperations: 407, durationSeconds: 12_210 },
      { shards: 218, calls: [109, 218], shardOperations: 280, durationSeconds: 8400 },
      { shards: 224, calls: [112, 224], shardOperations: 256, durationSeconds: 7680 },
      { shards: 256, calls: [128, 256], shardOperations: 192, durationSeconds: 5760 },
    ]);
    expect(counts.map((c) => c.monthlyCostDelta)).toEqual(
      [0, 10.95, 76.65, 427.05].map((x) => expect.closeTo(x, 9)),
    );
    // The oracle's list: from 64, every count 217 … 434 in order, kept when sooner than the last
    // kept. A route through a count above 1,000 takes more than 2 × 1,000 − 64 − 434 = 1,502
    // operations, far beyond 217's 407, so counts up to 1,000 settle every listed one.
    const oracle = fewestOperations(64, 1000);
    const listed: number[] = [];
    for (let n = 217; n <= 434; n++) {
      if (listed.length === 0 || oracle[n]! < oracle[listed[listed.length - 1]!]!) listed.push(n);
    }
    expect(listed).toEqual([217, 218, 224, 256]);
    expect(adviceText(64, counts)).toBe(
      '256 shards (+39 over 217, +$427/month) reshard from 64 in 96 min (64 → 128 → 256) instead of 3.39 h.',
    );
  });

  it('lists the configured count itself when it is within 2× recommended: no reshard at all', () => {
    // 1,000 configured, 600 recommended: 1,000 → 600 is one call (gcd 200: 400 merges... 600 − 200 =
    // 400 splits and 1,000 − 200 = 800 merges = 1,200 operations, 10 h); keeping 1,000 takes 0 s.
    const counts = planFriendlyCounts(1000, 600, 30, shardMonth);
    expect(counts[0]).toMatchObject({
      shards: 600,
      calls: [600],
      shardOperations: 1200,
      durationSeconds: 36_000,
    });
    expect(counts[counts.length - 1]).toMatchObject({ shards: 1000, calls: [], durationSeconds: 0 });
    expect(adviceText(1000, counts)).toMatch(
      /^Keeping the 1,000 configured shards \(\+400 over 600, \+\$4,380\/month\) needs no reshard; reaching 600 takes /,
    );
  });

  it('starts at the recommended count, grows in shards, falls in time, and leaves none out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 400 }),
        (configured, recommended) => {
          const counts = planFriendlyCounts(configured, recommended, 30, shardMonth);
          expect(counts[0]!.shards).toBe(recommended);
          for (let i = 1; i < counts.length; i++) {
            expect(counts[i]!.shards).toBeGreaterThan(counts[i - 1]!.shards);
            expect(counts[i]!.durationSeconds).toBeLessThan(counts[i - 1]!.durationSeconds);
            expect(counts[i]!.shards).toBeLessThanOrEqual(2 * recommended);
            expect(counts[i]!.monthlyCostDelta).toBeCloseTo(shardMonth(counts[i]!.shards - recommended), 9);
          }
          // Against the oracle (counts up to 1,600: a route above costs over 3,200 − 400 − 800 = 2,000
          // operations; the assertion below fails loudly if a listed reshard came near that).
          const oracle = fewestOperations(configured, 1600);
          const expected: number[] = [];
          for (let n = recommended; n <= 2 * recommended; n++) {
            if (expected.length === 0 || oracle[n]! < oracle[expected[expected.length - 1]!]!)
              expected.push(n);
          }
          expect(counts.map((c) => c.shards)).toEqual(expected);
          for (const c of counts) {
            expect(c.shardOperations).toBe(oracle[c.shards]);
            expect(c.shardOperations).toBeLessThan(2000);
            // Under 24 h, so no window wait: operations × 30 s.
            expect(c.durationSeconds).toBe(c.shardOperations * 30);
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('is in the plan, its advice and the terminal table for a provisioned stream with a configured count', () => {
    // 180,500 records/s × 1.2 ÷ 1,000 = 216.6 → 217 shards; 100 B records with 36 B keys:
    // 180,500 × 136 × 1.2 ÷ 1,048,576 = 28.1 → 29 shards for bytes, so records bind.
    const plan = planOf(`
name: friendly
stream: { shards: 64 }
producers:
  - { name: p, rate: 180500/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
`);
    expect(plan.shards.recommended).toBe(217);
    expect(plan.reshard.friendlyCounts.map((c) => c.shards)).toEqual([217, 218, 224, 256]);
    expect(plan.reshard.toRecommended).toMatchObject({ calls: [128, 217], durationSeconds: 12_210 });
    expect(
      recommendationsOf(plan).some((r) =>
        r.startsWith('256 shards (+39 over 217, +$427/month) reshard from 64 in 96 min'),
      ),
    ).toBe(true);
    const text = renderPlan(plan);
    expect(text).toContain('Reshard-friendly counts from 64 configured shards');
    expect(text).toMatch(/ 256 +\+39 +64 → 128 → 256 +192 +96 min +\+\$427/);
  });

  it('is empty on-demand', () => {
    const plan = planOf(`
name: none
stream: { mode: on-demand, shards: 64 }
producers:
  - { name: p, rate: 180500/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
`);
    expect(plan.reshard.friendlyCounts).toEqual([]);
  });
});
