/**
 * `sweep --target aws|http [the target's flags]`: which target the points run on, its options
 * checked before any point is, and, for a target that costs money, the whole search priced and
 * confirmed once before the first point runs (src/search/cost-guard.ts). The model runs in worker
 * threads; any other target runs one point at a time in this thread (src/search/target-runner.ts).
 */
import { ExitCode, ShardcastError } from '../errors.js';
import { parseTargetOptions } from '../run/target-inputs.js';
import { guardSearchCost, searchCost } from '../search/cost-guard.js';
import { gridPoints } from '../search/grid.js';
import type { SearchJob } from '../search/point.js';
import type { Axis } from '../search/types.js';
import type { Target, TargetInteraction, TargetRegistry } from '../targets/target.js';
import { targetOptionsFromFlags } from './target-flags.js';

export interface SearchTarget {
  target: Target<unknown>;
  /** The options as the flags gave them (each run's schema check reads these, and locates by flag). */
  given: ReturnType<typeof targetOptionsFromFlags>;
  /** The same options checked by the target's schema (for its cost estimate). */
  options: unknown;
  /** Anything but the model: the points run one at a time, in this thread. */
  real: boolean;
}

/**
 * The target named by `--target` with its flags, checked: an unknown target, a flag of another
 * target or an invalid option is an exit 2 naming it; `--parallel` above 1 with a real target is
 * refused (two points at once would create two streams at once, and bill both).
 */
export function chooseSearchTarget(
  name: string,
  flags: Readonly<Record<string, unknown>>,
  parallel: number | undefined,
  targets: TargetRegistry,
): SearchTarget {
  const target = targets.get(name);
  if (target === undefined)
    throw new ShardcastError(
      'usage',
      `unknown target "${name}"`,
      ExitCode.invalidInput,
      `targets: ${[...targets.keys()].join(', ')}`,
    );
  const given = targetOptionsFromFlags(target, flags, targets);
  const options = parseTargetOptions(target, given.options, given.locate);
  const real = target.name !== 'model';
  if (real && parallel !== undefined && parallel > 1)
    throw new ShardcastError(
      'usage',
      `--parallel ${parallel}: against the ${target.name} target the points run one at a time`,
      ExitCode.invalidInput,
      'drop --parallel: each point creates what it runs on and removes it before the next one starts',
    );
  return { target, given, options, real };
}

/**
 * Prices every point of the grid on the target (summed over points and seeds), prints the sum,
 * refuses it above the target's limit and asks for the whole search's confirmation when the
 * target needs one (exit 2 otherwise). Nothing is created before this returns.
 */
export async function guardSweep(
  job: SearchJob,
  axes: readonly Axis[],
  baseSet: readonly string[],
  chosen: SearchTarget,
  interaction: TargetInteraction,
): Promise<void> {
  const cost = searchCost(job, gridPoints(axes, baseSet), chosen.target, chosen.options);
  await guardSearchCost(chosen.target, chosen.options, cost, job.rule.seeds, interaction);
}
