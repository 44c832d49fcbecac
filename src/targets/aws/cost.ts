/**
 * The cost guard (README, "Safety rails"): before any call that costs money, the run's estimated
 * cost is printed, and a run above `--max-cost` is refused (exit 2). The limit defaults to $5
 * against AWS and to none against a local endpoint; a `--max-cost` given applies to a local endpoint
 * too, priced as AWS would bill the same run, so the guard can be tried offline. Against AWS a run
 * needs `--yes` or a yes from the person at the terminal.
 */
import { resolvePrices } from '../../aws/pricing.js';
import { ExitCode, ShardcastError } from '../../errors.js';
import { planScenario } from '../../planner/index.js';
import { estimateRunCost, type RunCostEstimate, runCostLineText } from '../../planner/run-cost.js';
import { formatSeconds, formatUsd } from '../../scenario/units.js';
import type { TargetContext, TargetCostContext, TargetCostEstimate } from '../target.js';
import { isLocalEndpoint } from './clients.js';
import type { AwsOptions } from './options.js';

/** The limit against AWS when `--max-cost` is not given: a mistake costs at most this much. */
export const DEFAULT_MAX_COST_USD = 5;

/** The run's estimate from the context's plan (or a plan of its own when it has none). */
export function runCostOf(context: TargetCostContext<AwsOptions>): RunCostEstimate {
  const { scenario } = context;
  const plan = context.plan ?? planScenario(scenario);
  return estimateRunCost({
    scenario,
    durationSeconds: context.durationSeconds,
    drainSeconds: context.options.drain,
    prices: resolvePrices(scenario.pricing),
    traffic: plan.traffic,
    existingStream: context.options.stream !== undefined,
  });
}

/** The limit that applies: `--max-cost`, else $5 against AWS and none against a local endpoint. */
export function maxCostOf(options: AwsOptions): number | undefined {
  if (options.maxCost !== undefined) return options.maxCost;
  return isLocalEndpoint(options.endpoint) ? undefined : DEFAULT_MAX_COST_USD;
}

/** The estimate for people: a headline, one line per item, the notes. */
export function costLines(estimate: RunCostEstimate, options: AwsOptions): string[] {
  const limit = maxCostOf(options);
  const local = isLocalEndpoint(options.endpoint);
  const headline = `estimated cost ${local ? 'if AWS ran it' : 'of the run'}: ${formatUsd(estimate.totalUsd)} for ${formatSeconds(estimate.streamSeconds)} (run and drain; ${estimate.billedHours} billed hour${estimate.billedHours === 1 ? '' : 's'})${limit === undefined ? '' : `, limit ${formatUsd(limit)}`}`;
  return [
    headline,
    ...estimate.lines.map((l) => `  ${runCostLineText(l)}`),
    ...estimate.notes.map((n) => `  note: ${n}`),
  ];
}

/** Why the guard refuses the run, or undefined when it may go on. */
export function costRefusal(estimate: RunCostEstimate, options: AwsOptions): string | undefined {
  const limit = maxCostOf(options);
  if (limit === undefined || estimate.totalUsd <= limit) return undefined;
  const given = options.maxCost === undefined ? ' (the default against AWS)' : '';
  return `the run's estimated cost, ${formatUsd(estimate.totalUsd)}, is above --max-cost ${formatUsd(limit)}${given}`;
}

const REFUSAL_HINT =
  'run for less time (--duration), on fewer shards (--set stream.shards=N), or raise --max-cost if the cost is intended';

/**
 * The guard's first half, before any network call: prints the estimate and refuses a run above the
 * limit (exit 2, with the estimate's lines in the message).
 */
export function checkCost(context: TargetContext<AwsOptions>): RunCostEstimate {
  const { options } = context;
  const estimate = runCostOf(context);
  const lines = costLines(estimate, options);
  const print = context.interaction?.print;
  if (print !== undefined) for (const line of lines) print(line);
  const refusal = costRefusal(estimate, options);
  if (refusal !== undefined) {
    // The estimate's lines go with the refusal unless they were just printed.
    const shown = print === undefined ? `\n${lines.join('\n')}` : '';
    throw new ShardcastError(
      'cost',
      `${refusal}; nothing was created${shown}`,
      ExitCode.invalidInput,
      REFUSAL_HINT,
    );
  }
  return estimate;
}

/**
 * The guard's second half: against AWS (any endpoint but a local one) a run needs `--yes` or a yes from the
 * person at the terminal; with no one to ask, it is refused (exit 2) saying to pass `--yes`. A
 * local endpoint needs neither.
 */
export async function confirmRun(
  context: TargetContext<AwsOptions>,
  estimate: RunCostEstimate,
): Promise<void> {
  const { options } = context;
  // An endpoint elsewhere (a VPC endpoint, a proxy) is AWS as far as the bill goes.
  if (!awsNeedsConfirmation(options)) return;
  const interaction = context.interaction;
  if (interaction === undefined || !interaction.interactive) {
    throw new ShardcastError(
      'usage',
      `a run against AWS creates resources that cost about ${formatUsd(estimate.totalUsd)}: confirm it with --yes (no one is at a terminal to ask)`,
      ExitCode.invalidInput,
      'add --yes, or --dry-run to see every call first',
    );
  }
  const yes = await interaction.confirm(
    `Create the resources and run against AWS for about ${formatUsd(estimate.totalUsd)}?`,
  );
  if (!yes) {
    throw new ShardcastError(
      'usage',
      'the run against AWS was not confirmed; nothing was created',
      ExitCode.invalidInput,
      'add --yes to run without the question',
    );
  }
}

/** `Target.estimateCost`: the run's estimate and its lines, as the guard prints them before a run. */
export function estimateAwsCost(context: TargetCostContext<AwsOptions>): TargetCostEstimate {
  const estimate = runCostOf(context);
  return { totalUsd: estimate.totalUsd, lines: costLines(estimate, context.options) };
}

/** `Target.needsConfirmation`: AWS (any endpoint but a local one) without `--yes`, as `confirmRun` asks. */
export function awsNeedsConfirmation(options: AwsOptions): boolean {
  return !(isLocalEndpoint(options.endpoint) || options.yes);
}
