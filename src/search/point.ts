/**
 * One point of a search, in this thread: the scenario loaded with the point's overrides (and its
 * load multiplier), planned and run with each seed on the model (or on a real target: `PointTarget`),
 * its gates evaluated. The worker
 * threads (`pool.ts`) call this; so do tests.
 *
 * Keys are placed once per distinct key distribution and reused by every later point of this
 * thread (placement does not depend on the shard count: any even count's shares come from the
 * one hash order, src/keys/placement.ts), so a sweep over shard counts hashes its keys once.
 */
import {
  type CleanupReport,
  ExitCode,
  formatProblem,
  InvalidInputError,
  RunAbortedError,
  ShardcastError,
} from '../errors.js';
import type { GateVerdict } from '../gates/evaluate.js';
import { parseCliGates } from '../gates/validate.js';
import type { PlacedKeys } from '../keys/placement.js';
import { placeKeys } from '../keys/placement.js';
import { absentMetrics, knownMetrics, loadScenarioText } from '../load.js';
import { runScenario } from '../run/pipeline.js';
import type { LocateOption } from '../run/target-inputs.js';
import type { Scenario } from '../scenario/schema.js';
import { modelTarget } from '../targets/model.js';
import type { Target, TargetInteraction } from '../targets/target.js';
import type { GateOutcome, GridPoint, PassRule, PointOutcome, PointRunner, SeedRun } from './types.js';

/** What every point of one search shares: the scenario file, the extra gates, the duration, the rule. */
export interface SearchJob {
  /** The scenario file as the user named it (problems name it). */
  file: string;
  /** Its text, read once by the caller. */
  text: string;
  /** The working directory the file and its trace files are relative to. */
  cwd: string;
  /** `--allow-path` folders. */
  allowPaths: readonly string[];
  /** `--gate` texts (the scenario's own gates apply too). */
  gates: readonly string[];
  /** `--duration` in seconds; the scenario's own when absent. */
  durationSeconds?: number | undefined;
  /** The first seed (`--seed`); the scenario's own when absent. */
  seed?: number | undefined;
  rule: PassRule;
}

/** Key placements by distribution, kept for the life of the thread (a few per search). */
const placements = new Map<string, PlacedKeys>();
const MAX_PLACEMENTS = 64;

function placedFor(producers: Scenario['producers']): Map<string, PlacedKeys> {
  return new Map(
    producers.map((p) => {
      const key = JSON.stringify(p.keys);
      let placed = placements.get(key);
      if (placed === undefined) {
        placed = placeKeys(p.keys);
        if (placements.size >= MAX_PLACEMENTS) placements.clear();
        placements.set(key, placed);
      }
      return [p.name, placed];
    }),
  );
}

/** Every producer's rate (each rate of its profile) times `factor`. */
export function scaleLoad(scenario: Scenario, factor: number): Scenario {
  if (factor === 1) return scenario;
  return {
    ...scenario,
    producers: scenario.producers.map((p) => ({ ...p, rate: scaleRates(p.rate, factor) })),
  };
}

function scaleRates<T>(value: T, factor: number): T {
  if (Array.isArray(value)) return value.map((v) => scaleRates(v, factor)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  // A rate: `{ kind: 'records' | 'bytes', perSecond }`.
  if ((record.kind === 'records' || record.kind === 'bytes') && typeof record.perSecond === 'number')
    return { ...record, perSecond: record.perSecond * factor } as T;
  // A trace: its points stay, its scale grows.
  if (record.profile === 'trace')
    return { ...record, scale: (typeof record.scale === 'number' ? record.scale : 1) * factor } as T;
  // A step profile's steps hold `{ at, rate }`: `at` is a time, untouched.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = k === 'at' ? v : scaleRates(v, factor);
  return out as T;
}

/** The point's scenario: loaded with its overrides, its load applied. Throws the loader's located problems. */
export function loadPoint(job: SearchJob, point: GridPoint): Scenario {
  const loaded = loadScenarioText(job.text, job.file, undefined, undefined, {
    overrides: point.overrides,
    allowPaths: job.allowPaths,
    cwd: job.cwd,
  });
  return scaleLoad(loaded.scenario, point.load ?? 1);
}

/**
 * Where a point runs when it is not the model (`--target aws|http`): the target, its options as
 * the flags gave them, the user, and the search's stop. Only in this thread: a target's options,
 * its interaction and its signal do not cross to a worker.
 */
export interface PointTarget {
  target: Target<unknown>;
  /** The target's options as given (its schema checks them at each run). */
  targetOptions: unknown;
  locateOption?: LocateOption | undefined;
  interaction?: TargetInteraction | undefined;
  /** Stops the point under way: its target stops, cleans up, and the run rejects (`RunAbortedError`). */
  signal?: AbortSignal | undefined;
  /** What the target's cleanup did after each run. */
  onCleanup?: ((report: CleanupReport) => void) | undefined;
  /**
   * A run the target itself failed (exit 3: the endpoint down, the credentials refused): the point
   * is listed with the reason as any point that could not run, and the caller told, to exit 3.
   */
  onTargetFailure?: ((error: ShardcastError) => void) | undefined;
}

/** Runs `point` with every seed of the job's rule, in this thread, on the model or on `on`'s target. */
export async function evaluatePoint(
  job: SearchJob,
  point: GridPoint,
  on?: PointTarget,
): Promise<PointOutcome> {
  let scenario: Scenario;
  try {
    scenario = loadPoint(job, point);
  } catch (error) {
    return failedPoint(point, error);
  }
  const absent = absentMetrics(scenario);
  const gates = parseCliGates(
    job.gates,
    knownMetrics(scenario),
    absent,
    on?.target.ownMetrics?.(scenario) ?? [],
  );
  const first = job.seed ?? scenario.seed;
  const runs: SeedRun[] = [];
  for (let i = 0; i < job.rule.seeds; i++) {
    const seed = first + i;
    const started = performance.now();
    try {
      const outcome = await runScenario(scenario, on?.target ?? modelTarget, {
        ...(on === undefined
          ? {}
          : {
              targetOptions: on.targetOptions,
              locateOption: on.locateOption,
              interaction: on.interaction,
              signal: on.signal,
              onCleanup: on.onCleanup,
            }),
        seed,
        durationSeconds: job.durationSeconds,
        gates,
        scenarioFile: job.file,
        overrides: point.overrides,
        placedKeys: placedFor(scenario.producers),
      });
      runs.push({
        seed,
        passed: outcome.verdicts.every((v) => v.passed),
        gates: outcome.verdicts.map(gateOutcome),
        // A metric that does not exist for this scenario (e2eLatency without consumers) is left
        // out, not kept as the 0 the run reports for it: a table would read it as measured.
        metrics: numericMetrics(outcome.metrics, absent),
        wallSeconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      // A stopped search is not a point that failed: the caller stops with it.
      if (error instanceof RunAbortedError) throw error;
      if (error instanceof ShardcastError && error.exitCode === ExitCode.targetFailed)
        on?.onTargetFailure?.(error);
      return failedPoint(point, error);
    }
  }
  return summarize(point, runs, job.rule);
}

/** A point that could not run: why, in one line. */
function failedPoint(point: GridPoint, error: unknown): PointOutcome {
  if (!(error instanceof ShardcastError)) throw error;
  const first = error instanceof InvalidInputError ? error.problems[0] : undefined;
  const reason = first === undefined ? error.message : formatProblem(first).split('\n')[0]!;
  return { point, runs: [], passed: false, passShare: 0, metrics: {}, error: reason };
}

function numericMetrics(
  metrics: Record<string, unknown>,
  absent: ReadonlyMap<string, unknown>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics))
    if (typeof v === 'number' && Number.isFinite(v) && !absent.has(k)) out[k] = v;
  return out;
}

/** A gate's verdict as the search keeps it, with its margin (types.ts, `GateOutcome.margin`). */
export function gateOutcome(v: GateVerdict): GateOutcome {
  return {
    gate: v.gate,
    metric: v.metric,
    passed: v.passed,
    measured: v.measured,
    allowed: v.allowed,
    margin: gateMargin(v.op, v.measured, v.allowed),
  };
}

export function gateMargin(op: GateVerdict['op'], measured: number | null, allowed: number): number | null {
  if (measured === null) return null;
  const scale = allowed === 0 ? 1 : Math.abs(allowed);
  switch (op) {
    case '<':
    case '<=':
      return (allowed - measured) / scale;
    case '>':
    case '>=':
      return (measured - allowed) / scale;
    default:
      return null;
  }
}

/** The point over its seeds: passed by the rule, mean metrics, the binding gate. */
export function summarize(point: GridPoint, runs: readonly SeedRun[], rule: PassRule): PointOutcome {
  const passedRuns = runs.filter((r) => r.passed).length;
  const passShare = runs.length === 0 ? 0 : passedRuns / runs.length;
  const sums = new Map<string, { sum: number; n: number }>();
  for (const run of runs) {
    for (const [k, v] of Object.entries(run.metrics)) {
      const s = sums.get(k) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      sums.set(k, s);
    }
  }
  const metrics = Object.fromEntries([...sums].map(([k, s]) => [k, s.sum / s.n]));
  // The binding gate: the least margin any seed saw (a failed gate's is negative).
  let binding: string | undefined;
  let least = Number.POSITIVE_INFINITY;
  for (const run of runs) {
    for (const g of run.gates) {
      // A gate without a margin (`==`, `!=`) that failed binds only when no gate failed by a
      // measurable margin: `lostRecords == 0` fails because throttling did, and the throttling
      // gate (2.06% against 0.1%: margin −19.6) says why. Just below 0, it loses to any of those.
      const m = g.margin ?? (g.passed ? Number.POSITIVE_INFINITY : -Number.MIN_VALUE);
      if (binding === undefined || m < least) {
        least = m;
        binding = g.gate;
      }
    }
  }
  return {
    point,
    runs: [...runs],
    // A share written as 0.8 of 5 seeds is 4: compared with a little room for 0.8 × 5 = 4.000…01.
    passed: runs.length > 0 && passedRuns >= Math.ceil(rule.share * runs.length - 1e-9),
    passShare,
    metrics,
    binding,
  };
}

/** A runner that runs each point in this thread, one at a time (`--parallel 1`, tests). */
export function inThreadRunner(job: SearchJob): PointRunner {
  return { run: (point) => evaluatePoint(job, point), close: async () => {} };
}
