/**
 * A sweep: every point of a grid checked before any runs (a value the schema refuses at one point
 * is an input error naming its `--vary` argument and the point), then run through a `PointRunner`
 * at most `parallel` at a time, and gathered into the table `sweep.json` and `sweep.csv` hold.
 */
import { InvalidInputError, type Problem, ShardcastError } from '../errors.js';
import { parseCliGates } from '../gates/validate.js';
import { absentMetrics, knownMetrics } from '../load.js';
import { overrideFile } from '../scenario/overrides.js';
import { modelTarget } from '../targets/model.js';
import type { Target } from '../targets/target.js';
import { SHARDCAST_VERSION } from '../version.js';
import { describePoint, gridPoints, varyLocation } from './grid.js';
import { loadPoint, type SearchJob } from './point.js';
import type { Axis, GridPoint, PointOutcome, PointRunner, SearchTable } from './types.js';

/** At most this many points' problems are listed: a bad range fails every point past some value. */
const MAX_LISTED = 10;

/**
 * Loads every point's scenario in this thread and checks it can run on the model (its work
 * bound) and that every `--gate` names a metric it has, before the first run. Throws one
 * `InvalidInputError` listing the points that cannot run, each located at the `--vary` argument
 * whose value its problem is in (or where the loader located it).
 */
export function checkPoints(
  job: SearchJob,
  axes: readonly Axis[],
  baseSet: readonly string[] = [],
  onChecked?: (checked: number, total: number) => void,
  target: Target<unknown> = modelTarget,
): void {
  const points = gridPoints(axes, baseSet);
  const problems: Problem[] = [];
  let failing = 0;
  for (const point of points) {
    // A point's check is a few milliseconds (a scenario load): a large grid's takes a while.
    onChecked?.(point.index, points.length);
    const problem = pointProblem(job, axes, point, target);
    if (problem === undefined) continue;
    failing += 1;
    if (problems.length < MAX_LISTED) problems.push(problem);
  }
  if (failing > problems.length) {
    problems.push({
      location: { file: '--vary', path: '--vary' },
      message: `… and ${failing - problems.length} more points that cannot run`,
    });
  }
  if (problems.length > 0)
    throw new InvalidInputError(
      problems,
      `${failing} of ${points.length} points cannot run; nothing was run`,
    );
}

function pointProblem(
  job: SearchJob,
  axes: readonly Axis[],
  point: GridPoint,
  target: Target<unknown>,
): Problem | undefined {
  try {
    const scenario = loadPoint(job, point);
    target.checkRun?.(scenario, job.durationSeconds ?? scenario.duration);
    parseCliGates(
      job.gates,
      knownMetrics(scenario),
      absentMetrics(scenario),
      target.ownMetrics?.(scenario) ?? [],
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof ShardcastError)) throw error;
    const first = error instanceof InvalidInputError ? error.problems[0] : undefined;
    if (first === undefined) {
      return {
        location: { file: '--vary', path: '--vary' },
        message: `${describePoint(point)}: ${error.message}`,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      };
    }
    // A problem in an axis's value is the `--vary` argument's; any other keeps its location.
    const axis = axes.findIndex((a) => first.location.file === overrideFile(`${a.path}=${point.at[a.path]}`));
    if (axis < 0) return { ...first, message: `${describePoint(point)}: ${first.message}` };
    const inside = first.location.path === first.location.file ? '' : `${first.location.path}: `;
    return {
      ...first,
      location: varyLocation(axis),
      message: `${describePoint(point)}: ${inside}${first.message}`,
    };
  }
}

export interface SweepOptions {
  /** The command's own `--set`s, before each point's. */
  baseSet?: readonly string[];
  /** Points run at once (the pool's workers). */
  parallel: number;
  /** Where the points ran, when not the model (`aws`, `http`): recorded in the table's header. */
  target?: string | undefined;
  /** The scenario's name and file, for the table. */
  scenario: { name: string; file: string };
  /** Every gate each point is judged by, as written: the scenario's then `--gate`. */
  gates: readonly string[];
  /** Seconds each run lasts (the scenario's duration or `--duration`). */
  durationSeconds: number;
  now: () => Date;
  /** Called as each point finishes, with how many have. */
  onPoint?: ((done: number, total: number, outcome: PointOutcome) => void) | undefined;
  /** Aborted: no new point starts, and those running are no longer awaited. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs every point of `axes` (checked first with `checkPoints`) and returns the table of them in
 * grid order; when `signal` stopped it, the points that finished, marked partial.
 */
export async function runSweep(
  job: SearchJob,
  axes: readonly Axis[],
  runner: PointRunner,
  options: SweepOptions,
): Promise<SearchTable> {
  const points = gridPoints(axes, options.baseSet);
  const startedAt = options.now();
  const started = performance.now();
  const outcomes: (PointOutcome | undefined)[] = new Array(points.length);
  let next = 0;
  let done = 0;
  const stopped = new Promise<'stopped'>((resolve) => {
    if (options.signal?.aborted) resolve('stopped');
    options.signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  // `parallel` lanes, each taking the next point as its last one finishes: the runner never holds
  // more than it has workers for (an in-thread runner one at a time).
  const lane = async () => {
    while (next < points.length && options.signal?.aborted !== true) {
      const point = points[next++]!;
      const outcome = await Promise.race([
        runner.run(point).catch((error: unknown) => {
          if (options.signal?.aborted === true) return 'stopped' as const;
          throw error;
        }),
        stopped,
      ]);
      if (outcome === 'stopped') return;
      outcomes[point.index] = outcome;
      done += 1;
      options.onPoint?.(done, points.length, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, points.length) }, lane));
  const finished = outcomes.filter((o): o is PointOutcome => o !== undefined);
  const gates = [...options.gates];
  for (const o of finished)
    for (const run of o.runs) for (const g of run.gates) if (!gates.includes(g.gate)) gates.push(g.gate);
  return {
    kind: 'sweep',
    scenario: { ...options.scenario },
    axes: axes.map((a) => ({ ...a, values: a.values.map((v) => ({ ...v })) })),
    gates,
    rule: { ...job.rule },
    points: finished,
    header: {
      shardcastVersion: SHARDCAST_VERSION,
      startedAt: startedAt.toISOString(),
      wallSeconds: (performance.now() - started) / 1000,
      parallel: options.parallel,
      ...(options.target === undefined ? {} : { target: options.target }),
      durationSeconds: options.durationSeconds,
      ...(finished.length < points.length
        ? { partial: { pointsDone: finished.length, pointsTotal: points.length } }
        : {}),
    },
  };
}
