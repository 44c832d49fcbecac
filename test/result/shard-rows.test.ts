/**
 * Bounded per-shard utilisation rows (issue 8, point 9): rows kept at one second until a budget of
 * values, then at a doubled step, each value the maximum of its seconds. Checked against an
 * independent brute force that keeps every second, and on an engine run with a small budget.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardRows } from '../../src/result/shard-rows.js';
import { runOf } from '../engine/fidelity-helpers.js';

/** The brute force: every row kept; a value at step q is the max over its q seconds. */
function naiveMax(rows: readonly number[][], shard: number, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < Math.min(to, rows.length); i++) m = Math.max(m, rows[i]![shard] ?? 0);
  return m;
}

/** The same, null when no second of the step had the shard open (a reshard added or removed it). */
function naiveMaxOrAbsent(rows: readonly number[][], shard: number, from: number, to: number): number | null {
  const open = rows.slice(from, Math.min(to, rows.length)).some((row) => shard < row.length);
  return open ? naiveMax(rows, shard, from, to) : null;
}

const round6 = (x: number) => Math.round(Math.fround(x) * 1e6) / 1e6;

describe('ShardRows', () => {
  it('keeps at most its budget, and every value is the maximum of its step (brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 8, max: 400 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (seconds, maxShards, budget, seed) => {
          // Rows of 1…maxShards shards (a reshard changes the length), values from a small LCG.
          let x = seed;
          const next = () => {
            x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
            return x / 2 ** 31;
          };
          const naive: number[][] = [];
          const rows = new ShardRows(budget);
          for (let i = 0; i < seconds; i++) {
            const n = 1 + Math.floor(next() * maxShards);
            const row = Float32Array.from({ length: n }, () => 2 * next());
            naive.push([...row]);
            rows.add(i, row);
            // The budget holds whenever more than one row is stored.
            if (Math.ceil((i + 1) / rows.stepSeconds) > 1) expect(rows.values).toBeLessThanOrEqual(budget);
          }
          const q = rows.stepSeconds;
          const series = rows.build(seconds, 7, 3);
          expect(series.hottestStepSeconds ?? 1).toBe(q);
          expect(series.stepSeconds % q).toBe(0);
          expect(series.all[0]!.length).toBe(Math.ceil(seconds / series.stepSeconds));
          const shards = Math.max(...naive.map((r) => r.length));
          expect(series.all.length).toBe(shards);
          for (let s = 0; s < shards; s++) {
            series.all[s]!.forEach((v, p) => {
              const expected = naiveMaxOrAbsent(
                naive,
                s,
                p * series.stepSeconds,
                (p + 1) * series.stepSeconds,
              );
              expect(v).toBe(expected === null ? null : round6(expected));
            });
          }
          // The hottest: the highest peaks (ties: lower index), each at step q, the max of its seconds.
          const peaks = Array.from({ length: shards }, (_, s) => ({
            s,
            peak: naiveMax(naive, s, 0, seconds),
          }));
          peaks.sort((a, b) => b.peak - a.peak || a.s - b.s);
          expect(series.hottest.map((h) => h.shard)).toEqual(peaks.slice(0, 3).map((p) => p.s));
          for (const { shard, utilization } of series.hottest) {
            expect(utilization.length).toBe(Math.ceil(seconds / q));
            utilization.forEach((v, j) => {
              expect(v).toBe(round6(naiveMax(naive, shard, j * q, (j + 1) * q)));
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('doubles its step by hand: 10 shards, budget 25, 7 seconds', () => {
    // 10 values a second: 2 rows fit (20), the 3rd second makes 30 > 25, so the step becomes 2
    // (rows {0,1} and {2}: 20 values); the 5th second makes rows {0,1}, {2,3}, {4}: 30 > 25, so
    // the step becomes 4 (rows {0–3}, {4}: 20 values); the 7th second joins {4–6}: 20 values.
    const rows = new ShardRows(25);
    for (let i = 0; i < 7; i++) rows.add(i, new Float32Array(10).fill(i / 10));
    expect(rows.stepSeconds).toBe(4);
    expect(rows.values).toBe(20);
    const series = rows.build(7, 360, 1);
    expect(series.hottestStepSeconds).toBe(4);
    // Shard 0 at 0.3 (max of seconds 0–3) then 0.6 (max of 4–6).
    expect(series.hottest[0]!.utilization).toEqual([0.3, 0.6]);
  });
  it('a shard that is not open yet, or no more, is null, not 0', () => {
    // Seconds 0–1 have 2 shards, 2–3 have 4 (a reshard 2 → 4 completed at second 2), 4–5 have 2
    // again (4 → 2). At a 2-second step: shards 2 and 3 exist only in points 1 (seconds 2–3).
    const rows = new ShardRows();
    const widths = [2, 2, 4, 4, 2, 2];
    widths.forEach((n, i) => {
      rows.add(i, new Float32Array(n).fill(0.5));
    });
    const series = rows.build(6, 3, 4);
    expect(series.stepSeconds).toBe(2);
    expect(series.all).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
      [null, 0.5, null],
      [null, 0.5, null],
    ]);
  });

  it("a closed parent's NaN (the aws target's rows) is absent in `all`, 0 among the hottest, and loses to any number", () => {
    // Seconds 0–2: parents 0 and 1 at 0.5 and 0.25. Second 3: the parents closed (NaN), children
    // 2 and 3 at 0.125 and 0.75. Budget 8: 2 + 2 + 2 values, then 4 more make 10 > 8, so the step
    // becomes 2: rows {0,1} = [0.5, 0.25] and {2,3} = max([0.5, 0.25], [NaN, NaN, 0.125, 0.75])
    // = [0.5, 0.25, 0.125, 0.75] (second 2's parents count), 6 values.
    const rows = new ShardRows(8);
    for (let i = 0; i < 3; i++) rows.add(i, Float32Array.from([0.5, 0.25]));
    rows.add(3, Float32Array.from([Number.NaN, Number.NaN, 0.125, 0.75]));
    expect(rows.stepSeconds).toBe(2);
    const series = rows.build(4, 2, 4);
    expect(series.all).toEqual([
      [0.5, 0.5],
      [0.25, 0.25],
      [null, 0.125],
      [null, 0.75],
    ]);
    // Peaks 0.75 (shard 3), 0.5, 0.25, 0.125: the children carried nothing in step 0.
    expect(series.hottest).toEqual([
      { shard: 3, utilization: [0, 0.75] },
      { shard: 0, utilization: [0.5, 0.5] },
      { shard: 1, utilization: [0.25, 0.25] },
      { shard: 2, utilization: [0, 0.125] },
    ]);
    // At one second a step, second 3's NaN parents are 0 among the hottest, null in `all`.
    const fine = new ShardRows();
    fine.add(0, Float32Array.from([0.5, 0.25]));
    fine.add(1, Float32Array.from([Number.NaN, Number.NaN, 0.125, 0.75]));
    const perSecond = fine.build(2, 2, 2);
    expect(perSecond.all[0]).toEqual([0.5, null]);
    expect(perSecond.hottest).toEqual([
      { shard: 3, utilization: [0, 0.75] },
      { shard: 0, utilization: [0.5, 0] },
    ]);
  });
});

describe('the engine keeps its per-shard rows within a budget', () => {
  // 4 shards for 1 hour: 14,400 per-second values. With a budget of 1,000 values the step doubles
  // until 14,400 ÷ step ≤ 1,000 (more than one row): step 16 (900 values). The peaks survive:
  // shards.maxUtilization and every other metric equal the unbudgeted run's; the hottest shards'
  // series have 3,600 ÷ 16 = 225 points and the result says their step.
  const yaml = `
name: budget
duration: 1h
seed: 11
stream: { shards: 4 }
producers:
  - name: app
    rate: { profile: spike, base: 2000/s, peak: 4500/s, at: 20m, for: 90s }
    recordSize: 500B
    keys: { dist: zipf, count: 5000, exponent: 0.8 }
consumers:
  - { name: reader, type: polling }
`;
  it('downsamples beyond the budget, says so, and keeps every metric', () => {
    const full = runOf(yaml);
    const small = runOf(yaml, { shardRowBudgetValues: 1000 });
    expect(full.shardSeries.hottestStepSeconds).toBeUndefined();
    expect(full.shardSeries.hottest[0]!.utilization).toHaveLength(3600);
    expect(small.shardSeries.hottestStepSeconds).toBe(16);
    expect(small.shardSeries.hottest[0]!.utilization).toHaveLength(225);
    expect(small.metrics).toEqual(full.metrics);
    expect(small.metrics['shards.maxUtilization']).toBeGreaterThan(1);
    // Each downsampled point is the maximum of the 16 one-second values it covers.
    const hot = full.shardSeries.hottest[0]!;
    const coarse = small.shardSeries.hottest.find((h) => h.shard === hot.shard)!.utilization;
    coarse.forEach((v, j) => {
      expect(v).toBe(Math.max(...hot.utilization.slice(16 * j, 16 * j + 16)));
    });
  });
});
