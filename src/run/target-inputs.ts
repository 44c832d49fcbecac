/**
 * What the pipeline checks about a target before anything runs (before `prepare`, so before a
 * real target creates a stream or costs money): its options against its own schema, the worker
 * share, and that every gate's metric is one the plan has or the target measures. Each is an input
 * error (exit 2) naming what is wrong and where.
 */
import type { z } from 'zod';
import { ExitCode, InvalidInputError, type Problem, ShardcastError, type SourceLocation } from '../errors.js';
import type { Gate } from '../gates/expression.js';
import { runMetricNames } from '../result/names.js';
import type { Scenario } from '../scenario/schema.js';
import { measures } from '../targets/measures.js';
import type { Target, TargetShare } from '../targets/target.js';

/** Where an option of the target was given: the CLI names its flag (`--region`). */
export type LocateOption = (optionPath: string) => SourceLocation;

/** By default an option is named by its path in the target's options. */
function defaultLocate(target: Target<unknown>): LocateOption {
  const file = `${target.name} target options`;
  return (path) => ({ file, path: path === '' ? '(options)' : path });
}

/**
 * `raw` validated by the target's `options` schema.
 * @throws InvalidInputError (exit 2) with one problem per bad option, located by `locate`.
 */
export function parseTargetOptions<Options>(
  target: Target<Options>,
  raw: unknown,
  locate: LocateOption = defaultLocate(target as Target<unknown>),
): Options {
  const parsed = target.options.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => optionProblem(issue, locate));
  throw new InvalidInputError(problems, `invalid options for the ${target.name} target`);
}

function optionProblem(issue: z.core.$ZodIssue, locate: LocateOption): Problem {
  // An unknown key is reported by zod at the object, with the keys listed: each is its own problem's place.
  if (issue.code === 'unrecognized_keys') {
    return { location: locate(issue.keys.join(', ')), message: `not an option of this target` };
  }
  return { location: locate(issue.path.map(String).join('.')), message: issue.message };
}

/**
 * Checks `share` (integers, 0 ≤ index < count) and that `target` can run it.
 * @throws ShardcastError (exit 2) naming the share as `describe` writes it (`--worker 2/4`).
 */
export function checkShare(
  target: Target<unknown>,
  share: TargetShare,
  describe: (share: TargetShare) => string = (s) => `share { index: ${s.index}, count: ${s.count} }`,
): void {
  const { index, count } = share;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new ShardcastError(
      'usage',
      `${describe(share)}: a worker share is a whole index from 0 to count − 1 of a whole count of 1 or more`,
      ExitCode.invalidInput,
    );
  }
  if (count > 1 && !target.supportsShares) {
    throw new ShardcastError(
      'usage',
      `${describe(share)}: ${target.whyNoShares ?? `the ${target.name} target cannot run a share of the load`}`,
      ExitCode.invalidInput,
      'run a share on a target that supports shares, or the whole load here without one',
    );
  }
}

/**
 * Every gate names a plan metric (`planMetrics`), a run metric the target measures (its
 * `measures`), or one of the target's own metrics (its `ownMetrics(scenario)`:
 * `integrity.<app>.missing`); the others are refused with the gate's location: a gate on a metric
 * the target never measured would pass or fail on a made-up 0. A target's own metric is not a
 * run metric of the README's table: `measures: ['**']` (the model) does not cover it.
 * @throws InvalidInputError (exit 2) with one problem per such gate.
 */
export function checkMeasuredGates(
  target: Target<unknown>,
  gates: readonly Gate[],
  planMetrics: Readonly<Record<string, number>>,
  scenario?: Scenario,
): void {
  const own = scenario === undefined ? [] : (target.ownMetrics?.(scenario) ?? []);
  const runMetrics =
    scenario === undefined
      ? undefined
      : new Set(
          runMetricNames(
            scenario.consumers.map((c) => c.name),
            scenario.firehose.map((f) => f.name),
          ),
        );
  const problems: Problem[] = [];
  for (const gate of gates) {
    if (Object.hasOwn(planMetrics, gate.metric) || measures(own, gate.metric)) continue;
    // Without the scenario every name is taken for a run metric, as before own metrics existed.
    const isRunMetric = runMetrics === undefined || runMetrics.has(gate.metric);
    if (isRunMetric && measures(target.measures, gate.metric)) continue;
    const what = isRunMetric ? 'measured' : 'reported';
    problems.push({
      location: gate.location ?? { file: gate.source === 'cli' ? '--gate' : 'gates', path: gate.text },
      message: `${gate.metric} is not ${what} by the ${target.name} target`,
      hint: isRunMetric
        ? `the ${target.name} target measures ${target.measures.join(', ')}; gate on one of those, or on a plan metric, or run on a target that measures ${gate.metric}`
        : `${gate.metric} is a metric of another target's own${own.length > 0 ? `; the ${target.name} target's own are ${own.join(', ')}` : `; the ${target.name} target has none of its own`}`,
    });
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      problems,
      problems.length === 1
        ? 'a gate the target cannot check'
        : `${problems.length} gates the target cannot check`,
    );
  }
}
