/**
 * What the pipeline checks about a target before anything runs (before `prepare`, so before a
 * real target creates a stream or costs money): its options against its own schema, the worker
 * share, and that every gate's metric is one the plan has or the target measures. Each is an input
 * error (exit 2) naming what is wrong and where.
 */
import type { z } from 'zod';
import { ExitCode, InvalidInputError, type Problem, ShardcastError, type SourceLocation } from '../errors.js';
import type { Gate } from '../gates/expression.js';
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
 * Every gate names a plan metric (`planMetrics`) or a metric the target measures; the others are
 * refused with the gate's location: a gate on a metric the target never measured would pass or
 * fail on a made-up 0.
 * @throws InvalidInputError (exit 2) with one problem per such gate.
 */
export function checkMeasuredGates(
  target: Target<unknown>,
  gates: readonly Gate[],
  planMetrics: Readonly<Record<string, number>>,
): void {
  const problems: Problem[] = [];
  for (const gate of gates) {
    if (Object.hasOwn(planMetrics, gate.metric) || measures(target.measures, gate.metric)) continue;
    problems.push({
      location: gate.location ?? { file: gate.source === 'cli' ? '--gate' : 'gates', path: gate.text },
      message: `${gate.metric} is not measured by the ${target.name} target`,
      hint: `the ${target.name} target measures ${target.measures.join(', ')}; gate on one of those, or on a plan metric, or run on a target that measures ${gate.metric}`,
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
