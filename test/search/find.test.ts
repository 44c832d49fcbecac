/**
 * The find searches over a fake runner: a pure threshold function of the value stands in for the
 * model (a point passes when its value is at or under the edge), so the bracket, the run count and
 * the answer can be checked against arithmetic done by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIND_LIMITS, maximize, minimizeCount, minimizeOver } from '../../src/search/find.js';
import type { GridPoint, PointOutcome, PointRunner, SeedRun } from '../../src/search/types.js';

const GATE = 'throttledRatio <= 0.001';

/** A point run as the model would report it: `passes(value)` decides its gate. */
function fakeRunner(
  passes: (value: number) => boolean,
  pointValue: (p: GridPoint) => number = (p) => p.load!,
) {
  const seen: number[] = [];
  const runner: PointRunner = {
    run: async (point) => {
      const value = pointValue(point);
      seen.push(value);
      const ok = passes(value);
      // A throttled ratio that grows with the value: 0.001 at the edge's pass/fail.
      const measured = ok ? 0.0005 : 0.002;
      const run: SeedRun = {
        seed: 1,
        passed: ok,
        gates: [
          {
            gate: GATE,
            metric: 'throttledRatio',
            passed: ok,
            measured,
            allowed: 0.001,
            margin: (0.001 - measured) / 0.001,
          },
        ],
        metrics: { throttledRatio: measured, 'cost.monthly.total': value },
        wallSeconds: 0,
      };
      const outcome: PointOutcome = {
        point,
        runs: [run],
        passed: ok,
        passShare: ok ? 1 : 0,
        metrics: run.metrics,
        binding: GATE,
      };
      return outcome;
    },
    close: async () => {},
  };
  return { runner, seen };
}

const loadAt = (value: number, index: number): GridPoint => ({
  index,
  at: { load: String(value) },
  overrides: [],
  load: value,
});

describe('maximize', () => {
  it('brackets an edge above the start and bisects it to the resolution', async () => {
    // Edge 2.0, start 1.0: 1 passes, 2 passes (≤ 2), 4 fails → bracket [2, 4]; bisect:
    // 3 fails, 2.5 fails, 2.25 fails, 2.125 fails, 2.0625 fails, 2.03125 fails, 2.015625 fails
    // ((2.015625 − 2) ÷ 2 = 0.78 % ≤ 1 %: stop); then one check at 2.015625 × 1.02 = 2.0559 fails.
    const { runner, seen } = fakeRunner((v) => v <= 2);
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 1,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(found.answer.value).toBe(2);
    expect(found.answer.bracket).toEqual([2, 2.015625]);
    expect(seen).toEqual([1, 2, 4, 3, 2.5, 2.25, 2.125, 2.0625, 2.03125, 2.015625, 2.015625 * 1.02]);
    expect(found.answer.bracketPoints).toEqual([1, 9]);
    expect(found.answer.binding).toBe(GATE);
    expect(found.answer.closeness).toContain(
      'the passing point (2) passed throttledRatio <= 0.001 with 0.05% (50% margin) in 1 of 1 seed',
    );
    expect(found.answer.closeness).toContain(
      'the failing one (2.015625) failed it with 0.2% (100% over) in 1 of 1 seed',
    );
    expect(found.message).toBeUndefined();
  });

  it('halves from a failing start', async () => {
    // Edge 0.3, start 1: 1 fails, 0.5 fails, 0.25 passes → [0.25, 0.5]; bisect: 0.375 f,
    // 0.3125 f, 0.28125 p, 0.296875 p, 0.3046875 f, 0.30078125 f ((0.30078 − 0.29688) ÷ 0.29688
    // = 1.3 % > 1 %), 0.298828125 p ((0.30078 − 0.29883) ÷ 0.29883 = 0.65 %: stop) → 0.298828125.
    const { runner } = fakeRunner((v) => v <= 0.3);
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 1,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(found.answer.value).toBe(0.298828125);
    expect(found.answer.bracket).toEqual([0.298828125, 0.30078125]);
  });

  it('lands within the resolution under any edge and start, in at most the log2 bound of runs', async () => {
    // Edge and start at most ×1,000 apart, inside the search's ×10,000 reach.
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.03, max: 30, noNaN: true }),
        fc.double({ min: 0.03, max: 30, noNaN: true }),
        fc.constantFrom(0.005, 0.01, 0.05),
        async (edge, start, resolution) => {
          const { runner, seen } = fakeRunner((v) => v <= edge);
          const found = await maximize(runner, {
            subject: 'load',
            unit: 'factor',
            start,
            resolution,
            pointAt: loadAt,
          });
          const [low, high] = found.answer.bracket;
          expect(low).not.toBeNull();
          expect(high).not.toBeNull();
          // The answer passes, the failing side fails, and the edge lies between them.
          expect(low!).toBeLessThanOrEqual(edge);
          expect(high!).toBeGreaterThan(edge);
          expect((high! - low!) / low!).toBeLessThanOrEqual(resolution);
          // Runs: 1 + ⌈log2(max(edge/start, start/edge))⌉ + 1 to bracket (a bracket ×2 wide), then
          // ⌈log2(1 ÷ resolution)⌉ + 1 bisections (the bracket ×2 wide is relative width ≤ 1; each
          // run halves it; +1 as the relative width is measured from the low side), + 1 check.
          const bracketing = 2 + Math.ceil(Math.abs(Math.log2(edge / start)));
          const bisecting = Math.ceil(Math.log2(1 / resolution)) + 1;
          expect(seen.length).toBeLessThanOrEqual(bracketing + bisecting + 1);
          expect(seen.length).toBeLessThanOrEqual(FIND_LIMITS.maxRuns);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('notes a pass past the failing edge and keeps the lower answer', async () => {
    // Passes at ≤ 10, and again in [10.25, 10.3] (a gate flipping back near its threshold).
    // Start 10 passes, 20 fails; bisect 15, 12.5, 11.25, 10.625, 10.3125, 10.15625, 10.078125 all
    // fail ((10.078125 − 10) ÷ 10 = 0.78 % ≤ 1 %: stop); the check past the edge, at
    // 10.078125 × (1 + 2 × 1 %) = 10.2796875, lands in the window and passes.
    const { runner, seen } = fakeRunner((v) => v <= 10 || (v >= 10.25 && v <= 10.3));
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 10,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(seen.at(-1)).toBeCloseTo(10.2796875, 12);
    expect(found.answer.value).toBe(10);
    expect(found.answer.bracket).toEqual([10, 10.078125]);
    expect(found.answer.closeness).toContain('10.2796875 passed although 10.078125 failed');
    expect(found.answer.closeness).toContain('the answer is the lower edge');
    // Without the window the check fails and nothing is noted.
    const { runner: monotone } = fakeRunner((v) => v <= 10);
    const plain = await maximize(monotone, {
      subject: 'load',
      unit: 'factor',
      start: 10,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(plain.answer.value).toBe(10);
    expect(plain.answer.closeness).not.toContain('monotonic');
  });

  it('ends with no value when every value up to the limit passes', async () => {
    // Never fails: 1, 2, 4, … 2^13 = 8,192, then the limit itself, 1 × 1e4 = 10,000: 15 runs.
    const { runner, seen } = fakeRunner(() => true);
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 1,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(found.answer.value).toBeNull();
    expect(found.answer.bracket).toEqual([1e4, null]);
    expect(seen).toEqual([...Array.from({ length: 14 }, (_, i) => 2 ** i), 1e4]);
    expect(found.message).toBe(
      "every value up to 10000 (×10,000 the planner's estimate) passed: no edge found",
    );
  });

  it('stops at the most the model takes, and says so', async () => {
    // Never fails, capped at 100: 3, 6, 12, 24, 48, 96, then 100 itself: 7 runs.
    const { runner, seen } = fakeRunner(() => true);
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 3,
      resolution: 0.01,
      max: 100,
      maxWhy: 'what 100,000 shards accept',
      pointAt: loadAt,
    });
    expect(seen).toEqual([3, 6, 12, 24, 48, 96, 100]);
    expect(found.answer.bracket).toEqual([100, null]);
    expect(found.message).toBe(
      'every value up to 100 (the most the model takes, what 100,000 shards accept) passed: no edge found',
    );
    expect(found.message).toContain('no edge found');
  });

  it('ends with no value when nothing down to the limit passes', async () => {
    const { runner } = fakeRunner(() => false);
    const found = await maximize(runner, {
      subject: 'load',
      unit: 'factor',
      start: 1,
      resolution: 0.01,
      pointAt: loadAt,
    });
    expect(found.answer.value).toBeNull();
    // 1, ½, … 2^-13 (the next, 2^-14, is under 1 ÷ 1e4): 14 runs.
    expect(found.answer.bracket).toEqual([null, 2 ** -13]);
    expect(found.message).toContain('passed');
  });

  it('stops when asked, with what ran', async () => {
    const { runner } = fakeRunner((v) => v <= 2);
    let runs = 0;
    const found = await maximize(
      {
        run: (p) => {
          runs += 1;
          return runner.run(p);
        },
        close: runner.close,
      },
      {
        subject: 'load',
        unit: 'factor',
        start: 1,
        resolution: 0.01,
        pointAt: loadAt,
        stopped: () => runs >= 3,
      },
    );
    expect(found.points).toHaveLength(3);
    expect(found.answer.value).toBe(2);
    expect(found.message).toContain('interrupted');
  });
});

describe('minimizeCount', () => {
  const shardsAt = (value: number, index: number): GridPoint => ({
    index,
    at: { 'stream.shards': String(value) },
    overrides: [`stream.shards=${value}`],
  });
  const countOf = (p: GridPoint) => Number(p.at['stream.shards']);

  it('goes from the required count to the recommended one, then bisects to the smallest passing', async () => {
    // Edge 7 (7 passes, 6 fails): start 5 fails, next the recommended 9 passes → [5, 9];
    // bisect ⌊(5 + 9) ÷ 2⌋ = 7 passes → [5, 7]; 6 fails → [6, 7]: 7.
    const { runner, seen } = fakeRunner((v) => v >= 7, countOf);
    const found = await minimizeCount(runner, {
      subject: 'stream.shards',
      unit: 'shards',
      start: 5,
      next: 9,
      min: 1,
      max: 100_000,
      pointAt: shardsAt,
    });
    expect(seen).toEqual([5, 9, 7, 6]);
    expect(found.answer.value).toBe(7);
    expect(found.answer.bracket).toEqual([6, 7]);
    expect(found.answer.bracketPoints).toEqual([3, 2]);
    expect(found.answer.resolution).toBe(1);
  });

  it('halves down from a passing start and stops at one shard', async () => {
    // Every count passes: 8, 4, 2, 1 → 1, nothing failed.
    const { runner, seen } = fakeRunner(() => true, countOf);
    const found = await minimizeCount(runner, {
      subject: 'stream.shards',
      unit: 'shards',
      start: 8,
      min: 1,
      max: 100,
      pointAt: shardsAt,
    });
    expect(seen).toEqual([8, 4, 2, 1]);
    expect(found.answer.value).toBe(1);
    expect(found.answer.bracket).toEqual([null, 1]);
  });

  it('finds the exact edge for any edge and start, in about 2 log2 runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        async (edge, start) => {
          const { runner, seen } = fakeRunner((v) => v >= edge, countOf);
          const found = await minimizeCount(runner, {
            subject: 'stream.shards',
            unit: 'shards',
            start,
            min: 1,
            max: 100_000,
            pointAt: shardsAt,
          });
          expect(found.answer.value).toBe(edge);
          // Bracketing: 1 + ⌈log2(ratio)⌉ + 1 runs; bisecting a bracket of width ≤ max(start, edge) to
          // 1: ⌈log2(width)⌉ runs.
          const bound =
            2 +
            Math.ceil(Math.abs(Math.log2(edge / start))) +
            Math.ceil(Math.log2(Math.max(edge, start) + 1));
          expect(seen.length).toBeLessThanOrEqual(bound);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('says so when even the most shards fail', async () => {
    const { runner } = fakeRunner(() => false, countOf);
    const found = await minimizeCount(runner, {
      subject: 'stream.shards',
      unit: 'shards',
      start: 8,
      min: 1,
      max: 64,
      pointAt: shardsAt,
    });
    expect(found.answer.value).toBeNull();
    expect(found.answer.bracket).toEqual([64, null]);
    expect(found.message).toContain('the most the model takes');
  });
});

describe('minimizeOver', () => {
  const option = (cost: number, index: number): GridPoint => ({
    index,
    at: { option: String(cost) },
    overrides: [],
    load: cost,
  });

  it('picks the passing option with the least metric, ties to the earlier, and names the cheaper one that failed', async () => {
    // Costs 50 (fails: > 40 fails), 30, 20, 20, 45 (fails): passing 30, 20, 20 → 20, the first
    // of the two (index 2); the failing option cheaper than 20: none, so the bracket's low is the
    // cheapest failing option below it: null.
    const { runner } = fakeRunner((v) => v <= 40);
    const found = await minimizeOver(runner, {
      metric: 'cost.monthly.total',
      unit: 'USD/month',
      points: [50, 30, 20, 20, 45].map(option),
    });
    expect(found.answer.value).toBe(20);
    expect(found.answer.bracketPoints).toEqual([null, 2]);
    expect(found.points.map((p) => p.point.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('names the cheaper option that failed', async () => {
    // Passing iff cost ≥ 25: options 10 (f), 30 (p), 25 (p), 5 (f) → 25 (index 2); cheaper
    // failures 10 and 5: the cheapest, 5 (index 3), is the bracket's other side.
    const { runner } = fakeRunner((v) => v >= 25);
    const found = await minimizeOver(runner, {
      metric: 'cost.monthly.total',
      unit: 'USD/month',
      points: [10, 30, 25, 5].map(option),
    });
    expect(found.answer.value).toBe(25);
    expect(found.answer.bracket).toEqual([5, 25]);
    expect(found.answer.bracketPoints).toEqual([3, 2]);
  });

  it('has no answer when no option passes', async () => {
    const { runner } = fakeRunner(() => false);
    const found = await minimizeOver(runner, {
      metric: 'cost.monthly.total',
      unit: 'USD/month',
      points: [1, 2].map(option),
    });
    expect(found.answer.value).toBeNull();
    expect(found.message).toBe('none of the 2 options passed every gate');
  });
});
