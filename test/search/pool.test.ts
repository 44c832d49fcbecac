/**
 * The worker pool (src/search/pool.ts): points run in worker threads give the outcomes they give
 * in this thread (the model is deterministic per seed), in the order asked, and a closed pool
 * fails what it had not run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gridPoints, parseAxes } from '../../src/search/grid.js';
import { inThreadRunner, type SearchJob } from '../../src/search/point.js';
import { workerPool } from '../../src/search/pool.js';
import type { PointOutcome, PointRunner } from '../../src/search/types.js';

/** 1,000 records/s per shard bounds it: records of 100 B, one per request, unique keys. */
const SCENARIO = `name: records-bound
duration: 10s
stream:
  shards: 4
producers:
  - name: web
    rate: 2k/s
    recordSize: 100B
    keys: { dist: unique }
    batching: { maxRecords: 1 }
gates:
  - throttledRatio <= 0.001
`;

const job: SearchJob = {
  file: 'records-bound.yaml',
  text: SCENARIO,
  cwd: '/',
  allowPaths: [],
  gates: ['putLatency.p99 < 1s'],
  rule: { seeds: 2, share: 1 },
};

/** An outcome without its wall times, which differ run to run. */
function timeless(outcome: PointOutcome) {
  return { ...outcome, runs: outcome.runs.map(({ wallSeconds: _, ...run }) => run) };
}

let pool: PointRunner | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('workerPool', () => {
  it('gives, from 2 workers, the outcomes one thread gives, each point in the order asked', async () => {
    const points = gridPoints(parseAxes(['stream.shards=2..6 step 2', 'producers[0].rate=2k/s,5k/s']));
    pool = workerPool(job, 2);
    const parallel = await Promise.all(points.map((p) => pool!.run(p)));
    const serial = inThreadRunner(job);
    const inThread: PointOutcome[] = [];
    for (const p of points) inThread.push(await serial.run(p));
    expect(parallel.map((o) => o.point.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parallel.map(timeless)).toEqual(inThread.map(timeless));
    // Each ran both seeds, and the records bound decides: 2 shards carry 2,000 records/s, so
    // 2k/s is at 100 % (Poisson arrivals above the mean throttle) and 5k/s at 250 % fail; 4 shards
    // carry 4,000: 2k/s (50 %) passes, 5k/s (125 %) fails; 6 shards carry 6,000: both pass
    // (33 %, 83 %).
    expect(parallel.map((o) => o.runs.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(parallel.map((o) => o.passed)).toEqual([false, false, true, false, true, true]);
  });

  it('runs in this thread with one worker', () => {
    const runner = workerPool(job, 1);
    expect(runner.close).toBeTypeOf('function');
    expect(() => workerPool(job, 0)).toThrow(RangeError);
  });

  it('fails the points it had not run when closed, and refuses new ones', async () => {
    const points = gridPoints(parseAxes(['stream.shards=2..12 step 2']));
    pool = workerPool(job, 2);
    const pending = points.map((p) =>
      pool!.run(p).then(
        () => 'ran',
        (e: Error) => e.message,
      ),
    );
    await pool.close();
    const settled = await Promise.all(pending);
    expect(settled.filter((s) => s !== 'ran').length).toBeGreaterThan(0);
    expect(settled.filter((s) => s !== 'ran')[0]).toBe('the search stopped before this point ran');
    await expect(pool.run(points[0]!)).rejects.toThrow('point 0 (stream.shards=2): the pool is closed');
  });

  it('passes back a failure that is no finding of the point (a bug) as the error it was', async () => {
    // A job whose text is not a string makes the loader throw a TypeError in the worker: not a
    // ShardcastError, so not a point that "could not run", but an error for the caller.
    const broken = { ...job, text: 42 as unknown as string };
    pool = workerPool(broken, 2);
    const [point] = gridPoints(parseAxes(['stream.shards=4']));
    const error = await pool.run(point!).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toMatch(/text|string|split|replace/i);
  });
  it('fails the point of a worker that dies, naming the point, and each later point alike', async () => {
    // A heap of 8 MiB: the worker dies loading its modules (ERR_WORKER_OUT_OF_MEMORY).
    pool = workerPool(job, 2, { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 });
    const points = gridPoints(parseAxes(['stream.shards=4,8,12']));
    const errors = await Promise.all(
      points.map((p) =>
        pool!.run(p).then(
          () => 'ran',
          (e: Error) => e.message,
        ),
      ),
    );
    expect(errors).toHaveLength(3);
    errors.forEach((message, i) => {
      expect(message).toMatch(
        new RegExp(`^the worker thread running point ${i} \\(stream\\.shards=${4 * (i + 1)}\\) stopped: `),
      );
    });
  });
});
