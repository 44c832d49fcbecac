/**
 * Search tables made by the real evaluator (`inThreadRunner` of src/search/point.ts) over hand-made
 * grid points, for the search report's tests and screenshots: the metrics are the model's, not
 * invented. Short runs (60 s of simulated time) keep each point well under a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inThreadRunner, type SearchJob } from '../../src/search/point.js';
import type { Axis, FindAnswer, GridPoint, PointOutcome, SearchTable } from '../../src/search/types.js';
import { REPO_ROOT } from './fake-io.js';

/** The cartesian grid of `axes`, the last varying fastest, after the command's own `--set`s. */
export function gridOf(axes: readonly Axis[], set: readonly string[] = []): GridPoint[] {
  let combos: Record<string, string>[] = [{}];
  for (const axis of axes)
    combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.path]: v.text })));
  return combos.map((at, index) => ({
    index,
    at,
    overrides: [...set, ...Object.entries(at).map(([path, text]) => `${path}=${text}`)],
  }));
}

/** An axis from its values as `--vary` writes them (numbers and rates become numeric). */
export function axis(path: string, texts: readonly string[]): Axis {
  return {
    path,
    text: `${path}=${texts.join(',')}`,
    values: texts.map((text) => {
      const rate = /^(\d+(?:\.\d+)?)(k?)\/s$/.exec(text);
      const numeric = rate ? Number(rate[1]) * (rate[2] === 'k' ? 1000 : 1) : Number(text);
      return { text, numeric: Number.isFinite(numeric) ? numeric : undefined };
    }),
  };
}

function job(file: string, text: string, gates: string[], durationSeconds: number): SearchJob {
  return { file, text, cwd: REPO_ROOT, allowPaths: [], gates, durationSeconds, rule: { seeds: 1, share: 1 } };
}

async function runAll(j: SearchJob, points: readonly GridPoint[]): Promise<PointOutcome[]> {
  const runner = inThreadRunner(j);
  const out: PointOutcome[] = [];
  for (const p of points) out.push(await runner.run(p));
  await runner.close();
  return out;
}

function header(durationSeconds: number, wallSeconds: number) {
  return {
    shardcastVersion: 'test',
    startedAt: '2026-12-06T15:00:00Z',
    wallSeconds,
    parallel: 1,
    durationSeconds,
  };
}

/**
 * launch-day over `stream.shards` × `producers[0].rate` (× `stream.mode` when `withMode`), 60 s
 * each: the scenario's own four gates judge every point. `stream.shards=0` is a point that cannot
 * run (a stream has at least one shard).
 */
export async function launchDaySweep(
  options: { shards?: string[]; rates?: string[]; withMode?: boolean; extraGates?: string[] } = {},
): Promise<SearchTable> {
  const file = 'scenarios/launch-day.yaml';
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const axes = [
    axis('stream.shards', options.shards ?? ['0', '4', '8', '16']),
    axis('producers[0].rate', options.rates ?? ['2k/s', '6k/s']),
    ...(options.withMode ? [axis('stream.mode', ['provisioned', 'on-demand'])] : []),
  ];
  const gates = options.extraGates ?? [];
  const started = performance.now();
  // An on-demand stream takes no reshard events: launch-day's is dropped when the mode varies.
  const points = await runAll(
    job(file, text, gates, 60),
    gridOf(axes, options.withMode ? ['events=[]'] : []),
  );
  const scenarioGates = [
    'throttledRatio <= 0.001',
    'putLatency.p99 < 250ms',
    'cost.monthly.provisioned < 1500',
    'lostRecords == 0',
  ];
  return {
    kind: 'sweep',
    scenario: { name: 'launch-day', file },
    axes,
    gates: [...scenarioGates, ...gates],
    rule: { seeds: 1, share: 1 },
    points,
    header: header(60, (performance.now() - started) / 1000),
  };
}

/**
 * A records-bound stream: 8 shards, unique keys, 100-byte records sent one per request, 8,000/s;
 * 8 shards × 1,000 records/s = 8,000/s is the hand edge of `throttledRatio <= 0.001`.
 */
export const RECORDS_BOUND = `name: records-bound
duration: 1m
stream:
  shards: 8
producers:
  - name: web
    rate: 8000/s
    recordSize: 100B
    keys: { dist: unique }
    batching: { maxRecords: 1 }
gates:
  - throttledRatio <= 0.001
`;

/**
 * `find --maximize load` on RECORDS_BOUND by bisection from [0.5, 1.5] to 1 %, in this helper
 * (the real find is src/search/find.ts): each point's `load` tried in order, the answer made from
 * the runs, the bracket being the last passing and failing loads.
 */
export async function recordsBoundFind(): Promise<SearchTable> {
  const j = job('records-bound.yaml', RECORDS_BOUND, [], 60);
  const runner = inThreadRunner(j);
  const points: PointOutcome[] = [];
  const started = performance.now();
  const tryLoad = async (load: number) => {
    const outcome = await runner.run({ index: points.length, at: {}, overrides: [], load });
    points.push(outcome);
    return outcome;
  };
  let low = 0.5;
  let high = 1.5;
  let lowIndex = points.length;
  await tryLoad(low);
  let highIndex = points.length;
  await tryLoad(high);
  // Bisect until the bracket is within 1 % of its low end: (high − low) ÷ low ≤ 0.01.
  while ((high - low) / low > 0.01) {
    const mid = (low + high) / 2;
    const index = points.length;
    if ((await tryLoad(mid)).passed) {
      low = mid;
      lowIndex = index;
    } else {
      high = mid;
      highIndex = index;
    }
  }
  await runner.close();
  const edge = points[highIndex]!;
  const answer: FindAnswer = {
    goal: 'maximize',
    subject: 'load',
    unit: 'factor',
    value: low,
    bracket: [low, high],
    binding: edge.binding,
    resolution: 0.01,
    bracketPoints: [lowIndex, highIndex],
    closeness: `The passing run's throttledRatio was ${points[lowIndex]!.metrics.throttledRatio?.toPrecision(2)}, the failing run's ${edge.metrics.throttledRatio?.toPrecision(2)}, against 0.001.`,
  };
  return {
    kind: 'find',
    scenario: { name: 'records-bound', file: 'records-bound.yaml' },
    axes: [],
    gates: ['throttledRatio <= 0.001'],
    rule: { seeds: 1, share: 1 },
    points,
    answer,
    header: header(60, (performance.now() - started) / 1000),
  };
}

/**
 * `find --minimize cost.monthly.total --vary stream.mode=provisioned,on-demand --vary
 * stream.shards=6,8,10` on RECORDS_BOUND at 7,000/s, every option run in this helper (the real
 * find is src/search/find.ts): the answer is the cheapest passing option by its
 * `cost.monthly.total`, the bracket that cost and the cheapest cheaper option's (which failed).
 */
export async function cheapestOptionFind(): Promise<SearchTable> {
  const axes = [axis('stream.mode', ['provisioned', 'on-demand']), axis('stream.shards', ['6', '8', '10'])];
  const started = performance.now();
  const points = await runAll(
    job('records-bound.yaml', RECORDS_BOUND, [], 60),
    gridOf(axes, ['producers[0].rate=7000/s']),
  );
  const cost = (i: number) => points[i]!.metrics['cost.monthly.total'] ?? Number.POSITIVE_INFINITY;
  const byCost = points.map((_, i) => i).sort((a, b) => cost(a) - cost(b));
  const best = byCost.find((i) => points[i]!.passed);
  // The most expensive option cheaper than the answer: it failed (else it would be the answer).
  const cheaper = best === undefined ? undefined : byCost.slice(0, byCost.indexOf(best)).pop();
  const answer: FindAnswer = {
    goal: 'minimize',
    subject: 'cost.monthly.total',
    unit: 'USD/month',
    value: best === undefined ? null : cost(best),
    bracket: [cheaper === undefined ? null : cost(cheaper), best === undefined ? null : cost(best)],
    binding: cheaper === undefined ? undefined : points[cheaper]!.binding,
    resolution: 1,
    bracketPoints: [cheaper ?? null, best ?? null],
  };
  return {
    kind: 'find',
    scenario: { name: 'records-bound', file: 'records-bound.yaml' },
    axes,
    gates: ['throttledRatio <= 0.001'],
    rule: { seeds: 1, share: 1 },
    points,
    answer,
    header: header(60, (performance.now() - started) / 1000),
  };
}

/** RECORDS_BOUND over `stream.mode` alone: an axis of words, drawn by category. */
export async function modeSweep(): Promise<SearchTable> {
  const axes = [axis('stream.mode', ['provisioned', 'on-demand'])];
  const started = performance.now();
  const points = await runAll(job('records-bound.yaml', RECORDS_BOUND, [], 60), gridOf(axes));
  return {
    kind: 'sweep',
    scenario: { name: 'records-bound', file: 'records-bound.yaml' },
    axes,
    gates: ['throttledRatio <= 0.001'],
    rule: { seeds: 1, share: 1 },
    points,
    header: header(60, (performance.now() - started) / 1000),
  };
}
