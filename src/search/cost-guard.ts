/**
 * The cost guard of a whole search against a real target (issue 14, point 5): before the first
 * point runs, every point's run is priced by the target's own estimate (`Target.estimateCost`, no
 * network call), summed over the points and their seeds, and held to the target's limit (aws: its
 * `--max-cost`, $5 by default against AWS) as ONE sum: a sweep of 20 runs of $0.40 each is an $8
 * sweep, refused at $5 though each run alone would pass. Against AWS the whole sweep then needs
 * `--yes` or one yes at the terminal, asked once for every run.
 */
import { ExitCode, ShardcastError } from '../errors.js';
import { planScenario } from '../planner/index.js';
import { formatUsd, plural } from '../scenario/units.js';
import type { Target, TargetInteraction } from '../targets/target.js';
import { describePoint } from './grid.js';
import { loadPoint, type SearchJob } from './point.js';
import type { GridPoint } from './types.js';

/** What a search would cost: the sum, how many runs make it, its most expensive point. */
export interface SearchCost {
  /** Every run's estimate summed: each point's times its seeds. */
  totalUsd: number;
  /** Runs in all: points × seeds. */
  runs: number;
  points: number;
  /** The point whose one run costs most, with its estimate's lines (the target's headline first). */
  most: { point: GridPoint; usd: number; lines: string[] } | undefined;
  /** The target's limit with these options; undefined for none. */
  limitUsd: number | undefined;
}

/**
 * Prices every point as the target will run it: its scenario loaded with the point's overrides,
 * its stream at the plan's shards when the scenario leaves them to the plan (as `runScenario`
 * runs it), for the job's duration. Undefined when the target costs nothing (no `estimateCost`).
 */
export function searchCost<Options>(
  job: SearchJob,
  points: readonly GridPoint[],
  target: Target<Options>,
  options: Options,
): SearchCost | undefined {
  const estimate = target.estimateCost;
  if (estimate === undefined) return undefined;
  let totalUsd = 0;
  let most: SearchCost['most'];
  for (const point of points) {
    const scenario = loadPoint(job, point);
    const plan = planScenario(scenario);
    const ran = plan.shards.sizedByPlan
      ? { ...scenario, stream: { ...scenario.stream, shards: plan.shards.recommended } }
      : scenario;
    const one = estimate.call(target, {
      scenario: ran,
      options,
      durationSeconds: job.durationSeconds ?? scenario.duration,
      plan,
    });
    // Each seed is a run of its own: a point with 3 seeds is billed 3 times.
    totalUsd += one.totalUsd * job.rule.seeds;
    if (most === undefined || one.totalUsd > most.usd) most = { point, usd: one.totalUsd, lines: one.lines };
  }
  return {
    totalUsd,
    runs: points.length * job.rule.seeds,
    points: points.length,
    most,
    limitUsd: target.costLimitUsd?.(options),
  };
}

/** The estimate for people: the sum, the count, the limit, then the most expensive point's headline. */
export function searchCostLines(cost: SearchCost, seeds: number): string[] {
  const runs =
    seeds === 1
      ? plural(cost.runs, 'run')
      : `${plural(cost.runs, 'run')} (${plural(cost.points, 'point')} × ${seeds} seeds)`;
  const limit = cost.limitUsd === undefined ? '' : `, limit ${formatUsd(cost.limitUsd)} for the whole search`;
  const lines = [`estimated cost of the search: ${formatUsd(cost.totalUsd)} for ${runs}${limit}`];
  if (cost.most !== undefined)
    lines.push(
      `  the most expensive point, ${describePoint(cost.most.point)}: ${cost.most.lines[0] ?? formatUsd(cost.most.usd)}`,
    );
  return lines;
}

const REFUSAL_HINT =
  'vary fewer values, run each point for less time (--duration), with fewer --seeds, or raise --max-cost if the cost is intended';

/**
 * Prints the search's estimate, refuses it above the limit (exit 2, nothing created), and asks
 * for the whole search's confirmation when the target needs one with these options. Resolves
 * whether a person (or `--yes`) confirmed it; the points then run without asking again.
 * @throws ShardcastError (exit 2) above the limit, with no one to ask, or when the answer is no.
 */
export async function guardSearchCost<Options>(
  target: Target<Options>,
  options: Options,
  cost: SearchCost | undefined,
  seeds: number,
  interaction: TargetInteraction,
): Promise<void> {
  if (cost !== undefined) for (const line of searchCostLines(cost, seeds)) interaction.print(line);
  if (cost?.limitUsd !== undefined && cost.totalUsd > cost.limitUsd) {
    throw new ShardcastError(
      'cost',
      `the search's estimated cost, ${formatUsd(cost.totalUsd)} for ${plural(cost.runs, 'run')}, is above --max-cost ${formatUsd(cost.limitUsd)}, which applies to the whole search; nothing was created`,
      ExitCode.invalidInput,
      REFUSAL_HINT,
    );
  }
  // Asked even when the target cannot price a run: the points would not ask again.
  if (target.needsConfirmation?.(options) !== true) return;
  const what =
    cost === undefined
      ? `runs against the ${target.name} target, each creating resources`
      : `${plural(cost.runs, 'run')} against the ${target.name} target, each creating resources, for about ${formatUsd(cost.totalUsd)} in all`;
  if (!interaction.interactive) {
    throw new ShardcastError(
      'usage',
      `the search makes ${what}: confirm the whole search with --yes (no one is at a terminal to ask); nothing was created`,
      ExitCode.invalidInput,
      'add --yes (it confirms every point of the search at once)',
    );
  }
  if (!(await interaction.confirm(`Run the whole search: ${what}?`))) {
    throw new ShardcastError(
      'usage',
      'the search was not confirmed; nothing was created',
      ExitCode.invalidInput,
      'add --yes to run without the question',
    );
  }
}
