/**
 * runSweep (src/search/sweep.ts): points go to the runner at most `parallel` at a time, come back
 * in grid order whatever order they finish in, and a stop keeps the finished ones, marked partial.
 */
import { describe, expect, it } from 'vitest';
import { gridPoints, parseAxes } from '../../src/search/grid.js';
import { type SearchJob, summarize } from '../../src/search/point.js';
import { runSweep } from '../../src/search/sweep.js';
import type { GridPoint, PointOutcome, PointRunner } from '../../src/search/types.js';

const job: SearchJob = {
  file: 'x.yaml',
  text: '',
  cwd: '/',
  allowPaths: [],
  gates: [],
  rule: { seeds: 1, share: 1 },
};
const axes = parseAxes(['stream.shards=1..6']);

/**
 * A runner whose points finish in reverse: point i takes (6 − i) ms. It records the most points
 * it held at once; a point's outcome is a run that passed, with its shard count as a metric.
 */
function reversingRunner(onStart?: (point: GridPoint) => void) {
  let inFlight = 0;
  const state = { most: 0, started: [] as number[] };
  const runner: PointRunner = {
    run: async (point) => {
      inFlight += 1;
      state.most = Math.max(state.most, inFlight);
      state.started.push(point.index);
      onStart?.(point);
      await new Promise((resolve) => setTimeout(resolve, 6 - point.index));
      inFlight -= 1;
      const shards = Number(point.at['stream.shards']);
      return summarize(
        point,
        [{ seed: 1, passed: true, gates: [], metrics: { shards }, wallSeconds: 0 }],
        job.rule,
      );
    },
    close: async () => {},
  };
  return { runner, state };
}

const options = {
  scenario: { name: 'x', file: 'x.yaml' },
  gates: ['throttledRatio <= 0.001'],
  durationSeconds: 60,
  now: () => new Date('2026-01-01T00:00:00Z'),
};

describe('runSweep', () => {
  it('holds at most `parallel` points at once and returns them in grid order', async () => {
    const { runner, state } = reversingRunner();
    const done: number[] = [];
    const table = await runSweep(job, axes, runner, {
      ...options,
      parallel: 2,
      onPoint: (n, total) => done.push(n * 10 + total),
    });
    expect(state.most).toBe(2);
    expect(table.points.map((p: PointOutcome) => p.metrics.shards)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(done).toEqual([16, 26, 36, 46, 56, 66]);
    expect(table.header.partial).toBeUndefined();
    expect(table.header.parallel).toBe(2);
    expect(table.header.startedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(table.gates).toEqual(['throttledRatio <= 0.001']);
    expect(table.kind).toBe('sweep');
  });

  it('starts no point once stopped, keeps those that finished, and says how many of how many', async () => {
    const controller = new AbortController();
    // Stopped as the 4th point starts (parallel 1: points 0–2 have finished): it is not awaited.
    const { runner, state } = reversingRunner((point) => {
      if (point.index === 3) controller.abort();
    });
    const table = await runSweep(job, axes, runner, { ...options, parallel: 1, signal: controller.signal });
    expect(state.started).toEqual([0, 1, 2, 3]);
    expect(table.points.map((p) => p.point.index)).toEqual([0, 1, 2]);
    expect(table.header.partial).toEqual({ pointsDone: 3, pointsTotal: 6 });
  });

  it('lists the grid of the axes after the base --sets', async () => {
    const { runner } = reversingRunner();
    const table = await runSweep(job, axes, runner, { ...options, parallel: 3, baseSet: ['duration=1m'] });
    expect(table.points.map((p) => p.point.overrides)).toEqual(
      gridPoints(axes, ['duration=1m']).map((p) => p.overrides),
    );
  });
});
