/**
 * What `run --json` and `compare --json` print: compact, versioned JSON for CI scripts (`jq`), a
 * few KiB. The whole RunResult (0.5–22 MB with its base64 histograms) stays in result.json.
 */
import {
  type ComparisonRow,
  type Direction,
  isChanged,
  type RowVerdict,
  rowVerdict,
} from '../gates/compare.js';
import type { GateVerdict } from '../gates/evaluate.js';
import type { GateOp, GateSource } from '../gates/expression.js';
import { abortedText } from '../report/target-view.js';
import type { AbortedRun, RunResult } from '../result/types.js';

export const RUN_SUMMARY_VERSION = 1;

/** One gate's verdict, with the numbers a script compares (base units: seconds, bytes, USD, fractions). */
export interface GateSummary {
  /** The gate as written: `putLatency.p99 < 250ms`. */
  gate: string;
  metric: string;
  source: GateSource;
  passed: boolean;
  /** The measured value in base units; null when the metric was not measured. */
  measured: number | null;
  op: GateOp;
  /** The threshold in base units. */
  allowed: number;
  /** `putLatency.p99 = 312 ms, allowed < 250 ms`, or why it could not be checked. */
  message: string;
}

/** `shardcast run --json`. */
export interface RunSummary {
  version: typeof RUN_SUMMARY_VERSION;
  scenario: {
    name: string;
    /** The scenario file as given on the command line. */
    file: string;
    /** `sha256:<hex>` of the resolved scenario (every default filled in): equal hashes, equal inputs. */
    hash: string;
    /** The `--set PATH=VALUE` arguments it was loaded with, when any. */
    overrides?: string[];
    /** The shard count the run started with when the scenario set none (the plan's recommended count). */
    shardsFromPlan?: number;
  };
  target: string;
  seed: number;
  runId: string;
  startedAt: string;
  /** Simulated seconds. */
  durationSeconds: number;
  /** Wall-clock seconds the run took. */
  wallSeconds: number;
  shardcastVersion: string;
  /** The directory the artefacts went into (relative to the working directory when inside it). */
  outDir: string;
  /** The files written into `outDir`. */
  files: string[];
  /** Present when the run stopped early (a signal, `--abort-on-fail`): the result covers `secondsDone`. */
  aborted?: AbortedRun;
  /** Every gate passed (also when there are none): exit code 0 rather than 1. */
  passed: boolean;
  gates: GateSummary[];
  /** Gates that could not be evaluated by this command (always empty for a run, which measures every metric). */
  pendingGates: string[];
  /** The headline metrics, by their gate names (README, "Run metrics" and "Plan metrics"), in base units. */
  metrics: Record<string, number>;
}

/**
 * The headline metrics, by name pattern over the metrics the run and plan actually report, so a
 * metric added beside its kin (another percentile, a consumer, a Firehose stream) is included.
 */
const KEY_METRICS: readonly RegExp[] = [
  /^records\.(?:produced|acknowledged|throttled|attempts|dropped|pendingAtEnd)$/,
  /^lostRecords$/,
  /^throttledRatio$/,
  /^(?:putLatency|e2eLatency)\.(?:p\d+|max)$/,
  /^shards\.(?:maxUtilization|max|recommended|configured)$/,
  /^consumers\.[^.]+\.lagSeconds\.max$/,
  /^consumerLag\.max$/,
  /^firehose\.[^.]+\.(?:objects|deliveredBytes|averageObjectBytes|bytes|throttled|deliveryLatency\.p99)$/,
  /^cost\.monthly\.[A-Za-z]+$/,
];

/** The metrics of `metrics` whose names are headline figures, grouped in KEY_METRICS's order. */
export function keyMetrics(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const group = (name: string) => KEY_METRICS.findIndex((pattern) => pattern.test(name));
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(([name]) => group(name) >= 0)
      // Array.prototype.sort is stable: within a group, the order the metrics come in.
      .sort(([a], [b]) => group(a) - group(b)),
  );
}

/** Moved below the CLI (the run pipeline stamps it); re-exported for the commands that import it here. */
export { scenarioHash } from '../scenario/hash.js';

export function gateSummary(v: GateVerdict): GateSummary {
  return {
    gate: v.gate,
    metric: v.metric,
    source: v.source,
    passed: v.passed,
    measured: v.measured,
    op: v.op,
    allowed: v.allowed,
    message: v.message,
  };
}

export interface RunSummaryInput {
  result: RunResult;
  file: string;
  hash: string;
  target: string;
  outDir: string;
  files: readonly string[];
  verdicts: readonly GateVerdict[];
  /** The plan's and the run's metrics, as the gates saw them. */
  metrics: Readonly<Record<string, number>>;
}

export function runSummary(input: RunSummaryInput): RunSummary {
  const { result, verdicts } = input;
  return {
    version: RUN_SUMMARY_VERSION,
    scenario: {
      name: result.scenario.name,
      file: input.file,
      hash: input.hash,
      ...(result.scenario.overrides === undefined ? {} : { overrides: result.scenario.overrides }),
      ...(result.scenario.shardsFromPlan === undefined
        ? {}
        : { shardsFromPlan: result.scenario.shardsFromPlan }),
    },
    target: input.target,
    seed: result.scenario.seed,
    runId: result.header.runId,
    startedAt: result.header.startedAt,
    durationSeconds: result.scenario.durationSeconds,
    wallSeconds: result.header.wallSeconds,
    shardcastVersion: result.header.shardcastVersion,
    outDir: input.outDir,
    files: [...input.files],
    ...(result.aborted === undefined ? {} : { aborted: result.aborted }),
    passed: verdicts.every((v) => v.passed),
    gates: verdicts.map(gateSummary),
    pendingGates: [],
    metrics: keyMetrics(input.metrics),
  };
}

export const COMPARISON_VERSION = 1;

/** One side of a comparison: which run it is. */
export interface ComparedRun {
  file: string;
  scenario: string;
  /** Absent for results written before the hash was recorded. */
  scenarioHash: string | null;
  target: string;
  seed: number;
  durationSeconds: number;
  runId: string;
  /** Present when the run stopped early: its result covers `secondsDone` seconds only. */
  aborted?: AbortedRun;
}

/** `shardcast compare --json`. */
export interface ComparisonSummary {
  version: typeof COMPARISON_VERSION;
  /** Allowed relative worsening: 0.1 is 10%. */
  tolerance: number;
  baseline: ComparedRun;
  current: ComparedRun;
  /** Why the two runs may not be comparable (different scenarios, targets or durations). */
  warnings: string[];
  /** Regressions among all metrics (the exit code is 1 when above 0), whatever `only` shows. */
  regressions: number;
  /** The filter the rows went through: every metric, the changed ones, or the regressions. */
  only: 'all' | 'changed' | 'regressed';
  rows: {
    metric: string;
    baseline: number | null;
    current: number | null;
    /** (current − baseline) ÷ |baseline|; null when a side is missing or the baseline is 0 and the current is not. */
    change: number | null;
    direction: Direction;
    verdict: RowVerdict;
  }[];
}

export function comparedRun(result: RunResult, file: string): ComparedRun {
  return {
    file,
    scenario: result.scenario.name,
    scenarioHash: result.scenario.hash ?? null,
    target: result.scenario.target,
    seed: result.scenario.seed,
    durationSeconds: result.scenario.durationSeconds,
    runId: result.header.runId,
    ...(result.aborted === undefined ? {} : { aborted: result.aborted }),
  };
}

/** What makes two runs' metrics not like for like, in words; empty when nothing does. */
export function comparabilityWarnings(baseline: ComparedRun, current: ComparedRun): string[] {
  const warnings: string[] = [];
  const short = (hash: string) => hash.replace(/^sha256:/, '').slice(0, 12);
  if (baseline.scenario !== current.scenario) {
    warnings.push(
      `the results come from different scenarios: "${baseline.scenario}" (baseline) and "${current.scenario}" (current)`,
    );
  } else if (
    baseline.scenarioHash !== null &&
    current.scenarioHash !== null &&
    baseline.scenarioHash !== current.scenarioHash
  ) {
    warnings.push(
      `scenario "${current.scenario}" changed between the runs (hash ${short(baseline.scenarioHash)} in the baseline, ${short(current.scenarioHash)} in the current)`,
    );
  }
  if (baseline.target !== current.target) {
    warnings.push(
      `the results come from different targets: ${baseline.target} (baseline) and ${current.target} (current)`,
    );
  }
  if (baseline.durationSeconds !== current.durationSeconds) {
    warnings.push(
      `the runs lasted differently: ${baseline.durationSeconds} s (baseline) and ${current.durationSeconds} s (current); totals such as records.produced differ for that alone`,
    );
  }
  for (const [side, run] of [
    ['baseline', baseline],
    ['current', current],
  ] as const) {
    if (run.aborted !== undefined) warnings.push(`the ${side} run was ${abortedText(run.aborted)}`);
  }
  return warnings;
}

/** The rows `--only` keeps. */
export function filterRows(
  rows: readonly ComparisonRow[],
  only: 'all' | 'changed' | 'regressed',
): ComparisonRow[] {
  if (only === 'regressed') return rows.filter((r) => r.regression);
  if (only === 'changed') return rows.filter(isChanged);
  return [...rows];
}

export function comparisonSummary(
  rows: readonly ComparisonRow[],
  shown: readonly ComparisonRow[],
  options: {
    tolerance: number;
    baseline: ComparedRun;
    current: ComparedRun;
    warnings: readonly string[];
    only: 'all' | 'changed' | 'regressed';
  },
): ComparisonSummary {
  return {
    version: COMPARISON_VERSION,
    tolerance: options.tolerance,
    baseline: options.baseline,
    current: options.current,
    warnings: [...options.warnings],
    regressions: rows.filter((r) => r.regression).length,
    only: options.only,
    rows: shown.map((r) => ({
      metric: r.metric,
      baseline: r.baseline,
      current: r.current,
      change: r.change,
      direction: r.direction,
      verdict: rowVerdict(r),
    })),
  };
}
