/**
 * Resharding (docs/aws-facts.md, KDS 4 and "Reshard duration"): UpdateShardCount scales between ½× and
 * 2× the current count per call, at most 10 calls per rolling 24 h; it works by pairwise splits and
 * merges done one after another, 30 s each by default (doubling 1,000 shards ≈ 8.3 h).
 */
import { describe, expect, it } from 'vitest';
import { planReshard, shardOperations, updateShardCountSequence } from '../../src/planner/reshard.js';
import { metric, planOf, warningsOf } from './helpers.js';

describe('UpdateShardCount calls', () => {
  it('stays within ½× … 2× per call, by the fastest route rather than by doubling', () => {
    expect(updateShardCountSequence(1000, 2000)).toEqual([2000]);
    // 600 > 2 × 256, so two calls. Doubling first, 256 → 512 → 600: 256 + (512 + 600 − 2 × 8) = 1,352
    // operations. Via 300 (= 600 ÷ 2): gcd(256, 300) = 4, 300 − 4 + 256 − 4 = 548, then 300 splits:
    // 848 operations, 7.07 h instead of 11.3 h at 30 s.
    expect(updateShardCountSequence(256, 600)).toEqual([300, 600]);
    // The same route backwards: 300 merges, then 300 → 256 (252 splits, 296 merges).
    expect(updateShardCountSequence(600, 256)).toEqual([300, 256]);
    // 2 < 5 ÷ 2: two calls. 5 → 3 (gcd 1: 2 splits, 4 merges) → 2 (1 split, 2 merges) = 9; 5 → 4 → 2
    // is 7 + 2 = 9 too, and 5 → 3 comes first in the search: either is as fast.
    expect(updateShardCountSequence(5, 2)).toEqual([3, 2]);
    // 3 → 6 → 7: 3 + (6 + 7 − 2) = 14; 3 → 4 → 7 is 5 + (4 + 7 − 2) = 14 with the same calls, and
    // 3 → 5 → 7 is 6 + 10 = 16.
    expect(updateShardCountSequence(3, 7)).toHaveLength(2);
    expect(updateShardCountSequence(4, 4)).toEqual([]);
  });
});

describe('shard splits and merges', () => {
  it('adds and removes hash-range boundaries: to − gcd splits, from − gcd merges', () => {
    // Doubling: every shard splits once.
    expect(shardOperations(1000, 2000)).toEqual({ splits: 1000, merges: 0 });
    // Halving: every pair merges.
    expect(shardOperations(2000, 1000)).toEqual({ splits: 0, merges: 1000 });
    // 4 → 6 share the boundary at ½ (gcd 2): 6 − 2 = 4 splits, 4 − 2 = 2 merges.
    expect(shardOperations(4, 6)).toEqual({ splits: 4, merges: 2 });
    // 512 → 600: gcd 8, 592 splits and 504 merges.
    expect(shardOperations(512, 600)).toEqual({ splits: 592, merges: 504 });
    expect(shardOperations(3, 4)).toEqual({ splits: 3, merges: 2 });
  });
});

describe('reshard duration', () => {
  it('doubling 1,000 shards takes 1,000 splits × 30 s = 30,000 s ≈ 8.3 h in one call', () => {
    const step = planReshard(1000, 2000, 30, null);
    expect(step.calls).toEqual([2000]);
    expect(step.updateShardCountCalls).toBe(1);
    expect(step.days).toBe(1);
    expect(step.splits).toBe(1000);
    expect(step.merges).toBe(0);
    expect(step.shardOperations).toBe(1000);
    expect(step.durationSeconds).toBe(30_000);
    expect(step.durationSeconds / 3600).toBeCloseTo(8.33, 2);
  });

  it('256 → 600 takes two calls: 256 → 300 (296 splits, 252 merges), then 300 splits', () => {
    const step = planReshard(256, 600, 30, 6360);
    expect(step.at).toBe(6360);
    expect(step.calls).toEqual([300, 600]);
    expect(step.updateShardCountCalls).toBe(2);
    expect(step.splits).toBe(296 + 300);
    expect(step.merges).toBe(252);
    // (596 + 252) × 30 s = 848 × 30 = 25,440 s ≈ 7.07 h (doubling first, 256 → 512 → 600, took
    // 1,352 × 30 = 40,560 s ≈ 11.3 h).
    expect(step.durationSeconds).toBe(25_440);
  });

  it('waits for the rolling 24-hour window from the 11th call: 1 → 2,048 spans two days', () => {
    const step = planReshard(1, 2048, 30, null);
    // 1 → 2 → … → 2,048: 11 calls, each a doubling (c splits for c shards): 1 + 2 + … + 1,024 = 2,047 splits.
    expect(step.updateShardCountCalls).toBe(11);
    expect(step.days).toBe(2);
    expect(step.splits).toBe(2047);
    // The first 10 calls end at 30 × (1 + … + 512) = 30 × 1,023 = 30,690 s; the 11th may start only
    // 24 h after the 1st (at 0): 86,400 s, then 1,024 splits × 30 = 30,720 s → 117,120 s.
    expect(step.durationSeconds).toBe(117_120);
    expect(step.durationSeconds).toBeGreaterThan(step.shardOperations * 30);
  });

  it('scales with the time per operation', () => {
    expect(planReshard(1000, 2000, 60, null).durationSeconds).toBe(60_000);
    expect(planReshard(10, 10, 30, null)).toMatchObject({ calls: [], durationSeconds: 0, days: 0 });
  });
});

describe('reshard events in a scenario', () => {
  it('reports the first event in the reshard metrics', () => {
    const plan = planOf(`
name: double-1000
stream: { shards: 1000 }
producers:
  - { name: p, rate: 100/s, keys: { dist: unique, length: 36 } }
events:
  - { at: 1m, reshard: { shards: 2000 } }
`);
    const [step] = plan.reshard.steps;
    expect(step).toMatchObject({
      at: 60,
      from: 1000,
      to: 2000,
      updateShardCountCalls: 1,
      durationSeconds: 30_000,
    });
    expect(metric(plan, 'reshard.updateShardCountCalls')).toBe(1);
    expect(metric(plan, 'reshard.durationSeconds')).toBe(30_000);
    expect(metric(plan, 'reshard.shardOperations')).toBe(1000);
  });

  it('takes the scenario’s time per operation', () => {
    const plan = planOf(`
name: slow-reshard
stream: { shards: 1000, shardOperationTime: 1m }
producers:
  - { name: p, rate: 100/s, keys: { dist: unique, length: 36 } }
events:
  - { at: 1m, reshard: { shards: 2000 } }
`);
    // 1,000 splits × 60 s = 60,000 s.
    expect(plan.reshard.steps[0]!.durationSeconds).toBe(60_000);
  });

  it('chains events: each starts from the count the one before left', () => {
    const plan = planOf(`
name: chain
stream: { shards: 256 }
producers:
  - { name: p, rate: 100/s, keys: { dist: unique, length: 36 } }
events:
  - { at: 1m, reshard: { shards: 600 } }
  - { at: 2m, reshard: { shards: 500 } }
`);
    const [first, second] = plan.reshard.steps;
    expect(first).toMatchObject({ from: 256, to: 600, calls: [300, 600], updateShardCountCalls: 2 });
    // 600 → 500: one call; gcd 100: 400 splits and 500 merges, 900 × 30 = 27,000 s.
    expect(second).toMatchObject({ from: 600, to: 500, splits: 400, merges: 500, durationSeconds: 27_000 });
  });

  it('flags a reshard that ends after the traffic needs the shards', () => {
    const plan = planOf(`
name: late
duration: 10m
stream: { shards: 2 }
producers:
  - name: p
    rate: { profile: step, initial: 1000/s, steps: [{ at: 100s, rate: 3000/s }] }
    recordSize: 1KiB
    keys: { dist: unique, length: 36 }
events:
  - { at: 60s, reshard: { shards: 4 } }
`);
    const step = plan.reshard.steps[0]!;
    // 2 → 4: 2 splits × 30 s, from 60 s to 120 s. At 100 s the traffic (no headroom) needs
    // 3,000 × 1,060 ÷ 1,048,576 = 3.03 → 4 shards > 2; before 100 s, 1,000 × 1,060 → 1.01 → 2.
    expect(step.durationSeconds).toBe(60);
    expect(step.completesAfterNeed).toBe(true);
    expect(step.neededFrom).toBe(100);
    expect(warningsOf(plan).some((w) => w.startsWith('The reshard at 60 s (2 → 4) completes at 2 min'))).toBe(
      true,
    );
  });

  it('does not flag a reshard that ends in time', () => {
    const plan = planOf(`
name: early
duration: 10m
stream: { shards: 2 }
producers:
  - name: p
    rate: { profile: step, initial: 1000/s, steps: [{ at: 200s, rate: 3000/s }] }
    recordSize: 1KiB
    keys: { dist: unique, length: 36 }
events:
  - { at: 60s, reshard: { shards: 4 } }
`);
    // Done at 120 s, needed from 200 s.
    expect(plan.reshard.steps[0]!.completesAfterNeed).toBe(false);
    expect(plan.reshard.steps[0]!.neededFrom).toBeUndefined();
  });

  it('plans configured → recommended when they differ', () => {
    const plan = planOf(`
name: short
stream: { shards: 3 }
producers:
  - { name: p, rate: 3000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
`);
    // 3,000 × 1,060 × 1.2 ÷ 1,048,576 = 3.64 → 4 shards. 3 → 4: one call, gcd 1: 3 splits, 2 merges,
    // 5 × 30 = 150 s.
    expect(plan.shards.recommended).toBe(4);
    expect(plan.reshard.toRecommended).toMatchObject({
      from: 3,
      to: 4,
      calls: [4],
      splits: 3,
      merges: 2,
      durationSeconds: 150,
    });
    // No events: the metrics describe configured → recommended.
    expect(metric(plan, 'reshard.updateShardCountCalls')).toBe(1);
    expect(metric(plan, 'reshard.durationSeconds')).toBe(150);
  });

  it('has no reshard when configured = recommended', () => {
    const plan = planOf(`
name: right
stream: { shards: 4 }
producers:
  - { name: p, rate: 3000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
`);
    // Nothing reshards sooner than staying: the friendly list is the recommended count alone, 0 s.
    expect(plan.reshard).toEqual({
      steps: [],
      toRecommended: null,
      friendlyCounts: [{ shards: 4, calls: [], shardOperations: 0, durationSeconds: 0, monthlyCostDelta: 0 }],
    });
    expect(metric(plan, 'reshard.updateShardCountCalls')).toBe(0);
    expect(metric(plan, 'reshard.durationSeconds')).toBe(0);
  });
});

describe('a scale-down below what traffic needs', () => {
  const planFor = (at: string) =>
    planOf(`
name: shrink
duration: 10m
stream: { shards: 4 }
producers:
  - name: p
    rate: { profile: step, initial: 3000/s, steps: [{ at: 300s, rate: 1000/s }, { at: 500s, rate: 3000/s }] }
    recordSize: 1KiB
    keys: { dist: unique, length: 36 }
events:
  - { at: ${at}, reshard: { shards: 2 } }
`);

  it('is flagged when traffic needs more than the new count after it completes', () => {
    // 4 → 2: gcd 2, 0 splits and 2 merges × 30 s: from 300 s to 360 s. From 500 s the traffic
    // (no headroom) needs 3,000 × 1,060 ÷ 1,048,576 = 3.03 → 4 shards > 2.
    const step = planFor('300s').reshard.steps[0]!;
    expect(step.durationSeconds).toBe(60);
    expect(step.tooFewFrom).toBe(500);
    expect(warningsOf(planFor('300s'))).toContain(
      'The reshard at 5 min scales down to 2 shards (done at 6 min), but traffic needs more than 2 from 8.33 min: scale down less, or later.',
    );
  });

  it('is flagged when it completes while traffic still needs more', () => {
    // At 200 s: done at 260 s, while 3,000/s (4 shards) runs until 300 s.
    expect(planFor('200s').reshard.steps[0]!.tooFewFrom).toBe(260);
  });

  it('is not flagged when the traffic fits the new count', () => {
    const plan = planOf(`
name: shrink-ok
duration: 10m
stream: { shards: 4 }
producers:
  - name: p
    rate: { profile: step, initial: 3000/s, steps: [{ at: 300s, rate: 1000/s }] }
    recordSize: 1KiB
    keys: { dist: unique, length: 36 }
events:
  - { at: 300s, reshard: { shards: 2 } }
`);
    // After 360 s: 1,000 × 1,060 ÷ 1,048,576 = 1.01 → 2 shards, no more than 2.
    expect(plan.reshard.steps[0]!.tooFewFrom).toBeUndefined();
    expect(warningsOf(plan).some((w) => w.includes('scales down'))).toBe(false);
  });
});
