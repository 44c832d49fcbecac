/**
 * `shardcast sweep FILE --vary PATH=VALUES …`: the scenario run on the model at every point of a
 * grid of `--set` overrides, each point with its plan, a run per seed and its gates; one table of
 * every point (sweep.json, sweep.csv) and a summary on stdout. A sweep is a measurement: points
 * that fail their gates are findings, and it exits 0 once every point ran.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ExitCode, ShardcastError } from '../../errors.js';
import { parseCliGates } from '../../gates/validate.js';
import { absentMetrics, knownMetrics } from '../../load.js';
import { renderSearchReport } from '../../report/search.js';
import { formatNumber, formatPercent, formatSeconds, formatUsd, plural } from '../../scenario/units.js';
import { parseAxes } from '../../search/grid.js';
import type { SearchJob } from '../../search/point.js';
import { workerPool } from '../../search/pool.js';
import { checkPoints, runSweep } from '../../search/sweep.js';
import { tableCsv, tableJson } from '../../search/table.js';
import { targetRunner } from '../../search/target-runner.js';
import type { PointOutcome, PointRunner, SearchTable } from '../../search/types.js';
import { TARGETS } from '../../targets/index.js';
import type { TargetRegistry } from '../../targets/target.js';
import { parseDurationArg, parseSeedArg } from '../args.js';
import { cliInteraction } from '../interaction.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, removeCreatedDirectories, writeArtefact } from '../out.js';
import { fitted } from '../progress.js';
import { loadScenario, readText } from '../read.js';
import { chooseSearchTarget, guardSweep } from '../sweep-target.js';
import { renderTable } from '../table.js';

export interface SweepArgs {
  file: string;
  /** `--vary PATH=VALUES` arguments, one axis each. */
  vary: readonly string[];
  set: readonly string[];
  gate: readonly string[];
  allowPath?: readonly string[] | undefined;
  target: string;
  /** The target flags given (`--endpoint`, `--yes`), by flag name: checked against the chosen target's. */
  targetFlags?: Readonly<Record<string, unknown>> | undefined;
  duration?: string | undefined;
  seed?: string | undefined;
  /** `--seeds N` as written: seeds per point. */
  seeds?: string | undefined;
  /** `--pass-share S` as written: the share of seeds that must pass (`0.8`, `80%`). */
  passShare?: string | undefined;
  /** `--parallel N` as written: worker threads. */
  parallel?: string | undefined;
  out?: string | undefined;
  json: boolean;
  quiet: boolean;
}

/** The largest seed (the scenario's `seed` field is 32 bits). */
const MAX_SEED = 4_294_967_295;
/** Seeds per point at most: each is a whole run of every point. */
const MAX_SEEDS = 1000;
/** Worker threads at most: far beyond any machine's cores, short of a typo's 1e6. */
const MAX_PARALLEL = 1024;

function usage(message: string, hint: string): ShardcastError {
  return new ShardcastError('usage', message, ExitCode.invalidInput, hint);
}

/** A whole number from `min` to `max` given as `flag TEXT`, or exit 2 saying so. */
function wholeArg(flag: string, text: string, min: number, max: number, example: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max))
    throw usage(
      `${flag} ${JSON.stringify(text)} is not a whole number from ${min} to ${max}`,
      `e.g. ${example}`,
    );
  return value;
}

/** `--pass-share 0.8` or `80%`: a share above 0, at most 1. */
export function parsePassShare(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  const share = m ? Number(m[1]) / (m[2] === '%' ? 100 : 1) : Number.NaN;
  if (!(share > 0 && share <= 1))
    throw usage(
      `--pass-share ${JSON.stringify(text)} is not a share above 0 and at most 1`,
      'write it as a fraction or a percentage, e.g. --pass-share 0.8 or --pass-share 80% (4 of 5 seeds)',
    );
  return share;
}

/** `sweep-20260101-000000`: the default folder's name, UTC, sortable. */
function stamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `sweep-${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** What is checked before the workers start: the target, the flags, the axes, the scenario with its --sets. */
function prepare(io: Io, args: SweepArgs, targets: TargetRegistry) {
  const explicitParallel =
    args.parallel === undefined
      ? undefined
      : wholeArg('--parallel', args.parallel, 1, MAX_PARALLEL, '--parallel 4');
  const chosen = chooseSearchTarget(args.target, args.targetFlags ?? {}, explicitParallel, targets);
  if (args.vary.length === 0)
    throw usage('sweep needs at least one --vary PATH=VALUES', 'e.g. --vary stream.shards=8..64 step 8');
  const axes = parseAxes(args.vary);
  const seeds = args.seeds === undefined ? 1 : wholeArg('--seeds', args.seeds, 1, MAX_SEEDS, '--seeds 5');
  const share = args.passShare === undefined ? 1 : parsePassShare(args.passShare);
  // A real target runs one point at a time (sweep-target.ts); the model, one per core by default.
  const parallel = chosen.real ? 1 : (explicitParallel ?? availableParallelism());
  const durationSeconds = args.duration === undefined ? undefined : parseDurationArg(args.duration);
  const seed = args.seed === undefined ? undefined : parseSeedArg(args.seed);
  const allowPaths = args.allowPath ?? [];
  // The scenario with the command's own --sets: its problems are the file's, before any point's.
  const { scenario } = loadScenario(io, args.file, args.set, allowPaths);
  parseCliGates(
    args.gate,
    knownMetrics(scenario),
    absentMetrics(scenario),
    chosen.target.ownMetrics?.(scenario) ?? [],
  );
  // Seeds are 32 bits: the last of N seeds from the first must be one too.
  const last = (seed ?? scenario.seed) + seeds - 1;
  if (last > MAX_SEED)
    throw usage(
      `--seeds ${seeds} from seed ${seed ?? scenario.seed} reaches seed ${last}, above the largest, ${MAX_SEED}`,
      'start from a lower --seed',
    );
  const job: SearchJob = {
    file: args.file,
    text: readText(io, args.file),
    cwd: io.cwd,
    allowPaths,
    gates: args.gate,
    durationSeconds,
    seed,
    rule: { seeds, share },
  };
  return { axes, job, parallel, scenario, durationSeconds: durationSeconds ?? scenario.duration, chosen };
}

/** `shardcast sweep FILE --vary PATH=VALUES … [--seeds N] [--parallel N] [--out DIR] [--json]`. */
export async function commandSweep(
  io: Io,
  args: SweepArgs,
  targets: TargetRegistry = TARGETS,
): Promise<number> {
  const { axes, job, parallel, scenario, durationSeconds, chosen } = prepare(io, args, targets);
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const created: string[] = [];
  const showProgress = io.isTTY && !args.quiet && !args.json && !isCi(io.env);
  const workers = Math.min(parallel, total);
  const controller = new AbortController();
  const interaction = cliInteraction(io, () => {
    if (showProgress) io.stderr('\r\x1b[2K');
  });
  // The workers start loading their modules while this thread checks every point below; a real
  // target's points run in this thread, one at a time, once the whole sweep is confirmed.
  const runner: PointRunner & { failures?: readonly string[] } = chosen.real
    ? targetRunner(job, {
        target: chosen.target,
        targetOptions: chosen.given.options,
        locateOption: chosen.given.locate,
        interaction,
        signal: controller.signal,
      })
    : workerPool(job, workers);
  let signals = 0;
  // Listening before --out exists: a signal from then on stops the sweep and writes what finished.
  const stopListening = io.onSignal?.((signal) => {
    signals += 1;
    if (signals === 1) {
      io.stderr(
        `${showProgress ? '\r\x1b[2K' : ''}${signal}: stopping the sweep${chosen.real ? ', the point under way cleaning up' : ''} (again to exit at once, writing nothing${chosen.real ? ', cleanup skipped' : ''})\n`,
      );
      controller.abort();
      void runner.close();
      return;
    }
    removeCreatedDirectories(io, created);
    io.exitNow?.(ExitCode.interrupted);
  });
  let dir: string;
  try {
    // Every point is checked before any runs, and before --out is created.
    checkPoints(
      job,
      axes,
      args.set,
      (checked, all) => {
        // Drawn every 1 % of a grid of 1,000 points or more: a smaller one is checked in a blink.
        if (showProgress && all >= 1000 && checked % Math.ceil(all / 100) === 0)
          io.stderr(`\r\x1b[2K${fitted(`sweep: checking points ${checked}/${all}`, io.columns)}`);
      },
      chosen.target,
    );
    // The whole sweep's cost, held to the target's limit and confirmed once (exit 2 before anything exists).
    if (chosen.real) await guardSweep(job, axes, args.set, chosen, interaction);
    dir = outputDirectory(io, args.out ?? join('reports', scenario.name, stamp(io.now())), '--out', created);
  } catch (error) {
    if (showProgress) io.stderr('\r\x1b[2K');
    stopListening?.();
    await runner.close();
    throw error;
  }
  let failed = 0;
  let table: SearchTable;
  try {
    table = await runSweep(job, axes, runner, {
      baseSet: args.set,
      parallel: workers,
      target: chosen.real ? chosen.target.name : undefined,
      scenario: { name: scenario.name, file: args.file },
      gates: [...scenario.gates, ...args.gate],
      durationSeconds,
      now: () => io.now(),
      signal: controller.signal,
      onPoint: showProgress
        ? (done, all, outcome) => {
            if (!outcome.passed) failed += 1;
            io.stderr(
              `\r\x1b[2K${fitted(`sweep: ${done}/${all} points done, ${failed} not passing`, io.columns)}`,
            );
          }
        : undefined,
    });
  } catch (error) {
    stopListening?.();
    removeCreatedDirectories(io, created);
    throw error;
  } finally {
    if (showProgress) io.stderr('\r\x1b[2K');
    await runner.close();
  }
  try {
    writeArtefact(io, join(dir, 'sweep.json'), tableJson(table));
    writeArtefact(io, join(dir, 'sweep.csv'), tableCsv(table));
    writeArtefact(io, join(dir, 'index.html'), renderSearchReport(table));
  } finally {
    stopListening?.();
  }
  const where = displayPath(io.cwd, dir);
  if (args.json) io.stdout(tableJson(table));
  else io.stdout(renderSweep(table, where));
  const partial = table.header.partial;
  if (partial !== undefined) {
    io.stderr(
      `interrupted after ${partial.pointsDone} of ${plural(partial.pointsTotal, 'point')}: the partial sweep is written to ${where}\n`,
    );
    return ExitCode.interrupted;
  }
  // The target failed a point (its endpoint, its cleanup: what it created may still exist): exit 3, as `run` would.
  if (runner.failures !== undefined && runner.failures.length > 0) {
    io.stderr(
      `the ${chosen.target.name} target failed ${plural(runner.failures.length, 'time')}:\n${runner.failures.map((f) => `  ${f}\n`).join('')}`,
    );
    return ExitCode.targetFailed;
  }
  return ExitCode.ok;
}

/** A point's verdict in a word: `pass`, `fail`, with seeds `pass 3/3`; `error` when it could not run. */
function verdictText(point: PointOutcome, seeds: number): string {
  if (point.error !== undefined) return 'error';
  const word = point.passed ? 'pass' : 'fail';
  if (seeds === 1) return word;
  return `${word} ${Math.round(point.passShare * point.runs.length)}/${point.runs.length}`;
}

function metricText(value: number | undefined, format: (n: number) => string): string {
  return value === undefined ? '—' : format(value);
}

/** The terminal summary: a line on the sweep, a row per point, what passed, where the files are. */
export function renderSweep(table: SearchTable, where: string): string {
  const seeds = table.rule.seeds;
  const h = table.header;
  const out: string[] = [
    `Sweep of ${table.scenario.name}: ${h.partial === undefined ? plural(table.points.length, 'point') : `${h.partial.pointsDone} of ${plural(h.partial.pointsTotal, 'point')} (interrupted)`} (${table.axes.map((a) => `${a.path} × ${a.values.length}`).join(', ')}), ${plural(seeds, 'seed')} each${seeds > 1 && table.rule.share < 1 ? ` (${formatPercent(table.rule.share)} must pass)` : ''}, ${formatSeconds(h.durationSeconds)} ${h.target === undefined ? 'simulated ' : ''}per run, ${h.target === undefined ? plural(h.parallel, 'worker') : `one at a time on the ${h.target} target`}, in ${formatSeconds(h.wallSeconds)}`,
    '',
  ];
  const header = [
    '#',
    ...table.axes.map((a) => a.path),
    'verdict',
    'binding gate',
    'records/s',
    'throttled',
    'put p99',
    'shards rec.',
    'cost/month',
  ];
  const rows = table.points.map((p) => {
    const m = p.metrics;
    return [
      String(p.point.index),
      ...table.axes.map((a) => p.point.at[a.path] ?? ''),
      verdictText(p, seeds),
      p.binding ?? '',
      metricText(m['throughput.averageRecordsPerSecond'], (n) => formatNumber(n)),
      metricText(m.throttledRatio, (n) => formatPercent(n, 1)),
      metricText(m['putLatency.p99'], (n) => formatSeconds(n)),
      metricText(m['shards.recommended'], (n) => formatNumber(n)),
      metricText(m['cost.monthly.total'], (n) => formatUsd(n)),
    ];
  });
  out.push(renderTable(header, rows), '');
  for (const p of table.points.filter((q) => q.error !== undefined))
    out.push(`  point ${p.point.index} could not run: ${p.error}`);
  const passing = table.points.filter((p) => p.passed).length;
  out.push(
    table.gates.length === 0
      ? 'No gates: every point that ran passes (add --gate EXPR to judge them).'
      : `${passing} of ${plural(table.points.length, 'point')} passed every gate (${table.gates.join('; ')}).`,
    `Wrote ${where}/sweep.json, sweep.csv and the report ${where}/index.html`,
  );
  return `${out.join('\n')}\n`;
}
