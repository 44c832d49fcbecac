/**
 * `shardcast find` benchmark (`npm run bench`, issue 14 point 4): the wall time of
 * `find --maximize load` to 1 % on a 100-shard stream over an hour, beside the wall time of one
 * model run of the same scenario: their ratio is the search's cost in runs.
 *
 * The scenario's edge is known by hand: unique keys spread evenly, 100 B records sent one per
 * request, so each shard is bound by its 1,000 records/s; 100 shards carry 100,000 records/s, and
 * the producer's 50,000/s is half of it: the edge is ×2 (the model's, with a full bucket at the
 * start, ≈0.2 % under it, test/cli/find.test.ts). The search runs in this thread (`--parallel 1`),
 * points one after another, as bisection needs each answer before its next point.
 */

import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadScenarioText } from '../dist/load.js';
import { planScenario } from '../dist/planner/index.js';
import { findSearch } from '../dist/search/find-goal.js';
import { evaluatePoint, inThreadRunner, type SearchJob } from '../dist/search/point.js';
import { workerPool } from '../dist/search/pool.js';

const TEXT = `
name: bench-find
duration: 1h
stream: { mode: provisioned, shards: 100 }
producers:
  - name: web
    rate: 50000/s
    recordSize: 100B
    keys: { dist: unique }
    batching: { maxRecords: 1 }
engine: { initialBurst: 1 }
gates:
  - throttledRatio <= 0.001
`;
const FILE = 'bench-find.yaml';

const job: SearchJob = {
  file: FILE,
  text: TEXT,
  cwd: process.cwd(),
  allowPaths: [],
  gates: [],
  rule: { seeds: 1, share: 1 },
};
const { scenario } = loadScenarioText(TEXT, FILE);

console.log(`shardcast find benchmark (node ${process.version}, ${process.platform}/${process.arch})`);

// One model run at the configured load (its keys placed once, as every later point reuses them).
await evaluatePoint(job, { index: 0, at: {}, overrides: [] });
let started = performance.now();
const one = await evaluatePoint(job, { index: 0, at: {}, overrides: [] });
const runSeconds = (performance.now() - started) / 1000;
if (one.error !== undefined) throw new Error(one.error);

const search = findSearch({
  goal: { maximize: 'load' },
  scenario,
  plan: planScenario(scenario),
  overrides: [],
  axes: [],
  resolution: 0.01,
  knownMetrics: [],
});
started = performance.now();
const found = await search.run(inThreadRunner(job));
const findSeconds = (performance.now() - started) / 1000;
const value = found.answer.value;
const off = value === null ? Number.NaN : (value - 2) / 2;
console.log(
  `one model run: 100 shards, 1 h, 50,000 records/s           ${runSeconds.toFixed(2).padStart(7)} s`,
);
console.log(
  `find --maximize load to 1 %: ${String(found.points.length).padStart(2)} runs                         ${findSeconds.toFixed(2).padStart(7)} s  (${(findSeconds / runSeconds).toFixed(1)} runs' time)`,
);
console.log(
  `  answer ×${value?.toFixed(4) ?? 'none'} (hand ×2: ${(off * 100).toFixed(2)} %), bracket ${found.answer.bracket.map((v) => v?.toFixed(4) ?? '—').join(' … ')}: ${Math.abs(off) <= 0.01 ? 'ok' : 'OFF BY MORE THAN 1 %'}`,
);

// The same search on the worker pool (one thread per core): each round runs as many points as
// there are workers, cutting the bracket into k + 1 parts. The workers' start (modules, keys,
// warm-up) is in its time, as a user's `find` pays it.
const workers = availableParallelism();
if (workers > 1) {
  started = performance.now();
  const pool = workerPool(job, workers);
  const pooled = await search.run(pool);
  await pool.close();
  const pooledSeconds = (performance.now() - started) / 1000;
  console.log(
    `the same on ${workers} worker threads: ${String(pooled.points.length).padStart(2)} runs                     ${pooledSeconds.toFixed(2).padStart(7)} s  (${(findSeconds / pooledSeconds).toFixed(2)}× the one-thread search; answer ×${pooled.answer.value?.toFixed(4) ?? 'none'})`,
  );
}
