/**
 * Sweep benchmark (`npm run bench`): a 20-point sweep of scenarios/launch-day.yaml at 10 minutes
 * each — `stream.shards` 8, 12, 16, 24, 32 × `producers[0].rate` 2k/s, 4k/s, 6k/s, 8k/s (from the
 * day's opening rate to a third past its 6k/s peak; 8 shards is what the file configures) — run
 * one by one in this thread, then all at once through the worker pool (one thread per core). It
 * prints each wall time, the speedup (one by one ÷ pooled) and the simulated seconds per wall
 * second (20 × 600 s = 12,000 simulated seconds over the wall time), then the time and size of the
 * sweep's HTML report. The one-by-one figure is taken warm (keys placed, code compiled); the
 * pool's includes its workers' start-up, as a user's sweep does. Measures the compiled code (dist/, built by `npm run bench`).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderSearchReport } from '../dist/report/search.js';
import { inThreadRunner, type SearchJob } from '../dist/search/point.js';
import type { Axis, GridPoint, PointOutcome, PointRunner, SearchTable } from '../dist/search/types.js';

const FILE = join('scenarios', 'launch-day.yaml');
const DURATION_SECONDS = 600;
const SHARDS = [8, 12, 16, 24, 32];
const RATES = [2000, 4000, 6000, 8000];

const axes: Axis[] = [
  {
    path: 'stream.shards',
    text: `stream.shards=${SHARDS.join(',')}`,
    values: SHARDS.map((n) => ({ text: String(n), numeric: n })),
  },
  {
    path: 'producers[0].rate',
    text: `producers[0].rate=${RATES.map((r) => `${r / 1000}k/s`).join(',')}`,
    values: RATES.map((r) => ({ text: `${r / 1000}k/s`, numeric: r })),
  },
];
// Grid order, the last axis fastest, as `shardcast sweep` runs it.
const points: GridPoint[] = SHARDS.flatMap((n) => RATES.map((r) => ({ n, r }))).map(({ n, r }, index) => {
  const at = { 'stream.shards': String(n), 'producers[0].rate': `${r / 1000}k/s` };
  // The reshard at 15 min is past a 10-minute run: dropped, so every point runs at its own count.
  const overrides = ['events=[]', ...Object.entries(at).map(([path, text]) => `${path}=${text}`)];
  return { index, at, overrides };
});

const job: SearchJob = {
  file: FILE,
  text: readFileSync(FILE, 'utf8'),
  cwd: process.cwd(),
  allowPaths: [],
  gates: [],
  durationSeconds: DURATION_SECONDS,
  rule: { seeds: 1, share: 1 },
};
const threads = availableParallelism();

/**
 * The pool's runner: `workerPool(job, size)` of src/search/pool.ts. Until that module is built
 * into dist/ (merged), the pooled measure falls back to this thread and says so.
 */
async function pooledRunner(size: number): Promise<{ runner: PointRunner; pooled: boolean }> {
  // POOL: a specifier in a variable, so this file typechecks before pool.ts exists.
  const specifier = '../dist/search/pool.js';
  try {
    const pool = (await import(specifier)) as { workerPool: (job: SearchJob, size: number) => PointRunner };
    return { runner: pool.workerPool(job, size), pooled: true };
  } catch {
    return { runner: inThreadRunner(job), pooled: false };
  }
}

async function sweep(runner: PointRunner): Promise<{ outcomes: PointOutcome[]; seconds: number }> {
  const started = performance.now();
  // Every point submitted at once: a pool deals them to its workers, the in-thread runner takes them in turn.
  const outcomes = await Promise.all(points.map((p) => runner.run(p)));
  await runner.close();
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}

const simulatedSeconds = points.length * DURATION_SECONDS;
const line = (label: string, seconds: number, extra = '') =>
  console.log(
    `${label.padEnd(52)} ${seconds.toFixed(1).padStart(7)} s  ${(simulatedSeconds / seconds).toFixed(0).padStart(6)} simulated s per wall s${extra}`,
  );

// Warm-up, untimed: one point in this thread places launch-day's 100,000 keys (kept for the
// thread's later points) and compiles the hot paths, so the one-by-one figure is what this thread
// costs per point, not its start-up; each pool worker pays its own start-up inside its figure.
await inThreadRunner(job).run(points[0]!);
const serial = await sweep(inThreadRunner(job));
const failed = serial.outcomes.filter((o) => o.error !== undefined);
if (failed.length > 0) throw new Error(`points could not run: ${failed.map((o) => o.error).join('; ')}`);
line(`sweep launch-day, ${points.length} points × 10 min, one by one`, serial.seconds);

const { runner, pooled } = await pooledRunner(threads);
const parallel = await sweep(runner);
line(
  `  the same, ${pooled ? `${threads} worker threads` : 'pool not built: in this thread again'}`,
  parallel.seconds,
  `  speedup ×${(serial.seconds / parallel.seconds).toFixed(2)}`,
);

const table: SearchTable = {
  kind: 'sweep',
  scenario: { name: 'launch-day', file: FILE },
  axes,
  gates: [
    'throttledRatio <= 0.001',
    'putLatency.p99 < 250ms',
    'cost.monthly.provisioned < 1500',
    'lostRecords == 0',
  ],
  rule: job.rule,
  points: parallel.outcomes,
  header: {
    shardcastVersion: 'bench',
    startedAt: new Date().toISOString(),
    wallSeconds: parallel.seconds,
    parallel: pooled ? threads : 1,
    durationSeconds: DURATION_SECONDS,
  },
};
const started = performance.now();
const page = renderSearchReport(table);
console.log(
  `  its HTML report (${table.points.filter((p) => p.passed).length} of ${points.length} points pass)`.padEnd(
    52,
  ),
  `${(performance.now() - started).toFixed(0).padStart(7)} ms  ${(page.length / 2 ** 20).toFixed(2)} MiB`,
);
