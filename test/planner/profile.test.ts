/**
 * The plan's profile, what a plan-only report charts: demand over time in buckets, the shards in
 * force as reshards complete, and per-shard loads in groups; bounded in size for any shard count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import {
  demandSeries,
  groupedShardLoads,
  PROFILE_POINTS,
  SHARD_LOAD_GROUPS,
} from '../../src/planner/profile.js';
import { shardsInForce } from '../../src/planner/reshard.js';

describe('demandSeries', () => {
  it('keeps the largest demand of each bucket, by hand', () => {
    // 20 s in 4 buckets of 5 s: [0, 5) [5, 10) [10, 15) [15, 20]; the demand is 1 shard before
    // 10 s and 3 after, with a one-second spike of 50 at 7 s. Bucket maxima: 1, 50, 3, 3.
    const demandAt = (t: number) => (t === 7 ? 50 : t < 10 ? 1 : 3);
    const times = Array.from({ length: 21 }, (_, t) => t);
    expect(demandSeries(demandAt, times, 20, 4)).toEqual({ t: [0, 5, 10, 15], demandShards: [1, 50, 3, 3] });
  });

  it('never has more points than buckets, and keeps the peak (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 1, max: 86_400 }),
        (values, duration) => {
          const times = values.map((_, i) => (i * duration) / values.length);
          const series = demandSeries(
            (t) => values[Math.round((t * values.length) / duration)] ?? 0,
            times,
            duration,
          );
          expect(series.t.length).toBeLessThanOrEqual(PROFILE_POINTS);
          expect(series.t.length).toBe(series.demandShards.length);
          const peak = Math.max(...values);
          expect(Math.max(...series.demandShards)).toBeCloseTo(peak, 5);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('shardsInForce', () => {
  it('steps when each UpdateShardCount call completes, an event waiting for the one before', () => {
    // 4 → 8 at 10 s: 4 splits × 30 s = 120 s, so 8 from 130 s. 8 → 16 ordered at 50 s waits for
    // it: from 130 s, 8 splits × 30 s = 240 s, so 16 from 370 s.
    expect(
      shardsInForce(
        4,
        [
          { at: 10, shards: 8 },
          { at: 50, shards: 16 },
        ],
        30,
      ),
    ).toEqual([
      { at: 0, shards: 4 },
      { at: 130, shards: 8 },
      { at: 370, shards: 16 },
    ]);
  });
});

describe('groupedShardLoads', () => {
  it("groups consecutive shards, each group its hottest shard's utilisation", () => {
    // 5 shards in at most 2 groups: ⌈5 ÷ 2⌉ = 3 shards a group, {0, 1, 2} and {3, 4}.
    // Shard 1: 1,200 records/s ÷ 1,000 = 1.2; shard 4: 524,288 B/s ÷ 1 MiB = 0.5 (its 100
    // records/s are 0.1).
    const loads = {
      shardCount: 5,
      records: Float64Array.from([500, 1200, 0, 0, 100]),
      bytes: Float64Array.from([1000, 1000, 0, 0, 524_288]),
      userRecords: Float64Array.from([500, 1200, 0, 0, 100]),
      totalUserRecordsPerSecond: 1800,
    };
    expect(groupedShardLoads(loads, 'configured', 2)).toEqual({
      shardCount: 5,
      countIs: 'configured',
      groupSize: 3,
      utilization: [1.2, 0.5],
    });
  });
});

describe("a plan's profile stays small", () => {
  it('10,000 configured shards carry 128 values, not 10,000', () => {
    const plan = planScenario(
      loadScenarioText(
        `
name: wide
duration: 1h
stream: { shards: 10000 }
producers:
  - { name: app, rate: 200000/s, recordSize: 1KiB, keys: { dist: uniform, count: 1000000 } }
`,
        'wide.yaml',
      ).scenario,
    );
    const profile = plan.profile!;
    const configured = profile.shardLoads.find((l) => l.countIs === 'configured')!;
    // ⌈10,000 ÷ 128⌉ = 79 shards a group: ⌈10,000 ÷ 79⌉ = 127 groups.
    expect(configured.groupSize).toBe(79);
    expect(configured.utilization).toHaveLength(127);
    expect(configured.utilization.length).toBeLessThanOrEqual(SHARD_LOAD_GROUPS);
    expect(profile.t.length).toBeLessThanOrEqual(PROFILE_POINTS);
    expect(JSON.stringify(profile).length).toBeLessThan(20_000);
    // 200,000 records/s of 1 KiB: 200,000 ÷ 1,000 = 200 shards' worth by records, 200,000 ×
    // (1,024 + key) B ÷ 1 MiB ≈ 196 by bytes: the records bind.
    expect(Math.max(...profile.demandShards)).toBeCloseTo(200, 6);
  });
});
