/**
 * Resharding: UpdateShardCount calls, the shard splits and merges behind them, and how long they
 * take (docs/aws-facts.md, KDS 4 and "Reshard duration").
 */

import { KINESIS } from '../aws/facts.js';
import { fastestReshardsFrom, shardCountCalls, updateShardCountSequence } from '../aws/reshard.js';
import { gcd, shardOperations } from '../aws/reshard-calls.js';
import type { Scenario } from '../scenario/schema.js';
import type { FriendlyShardCount, ReshardStep } from './types.js';

const CALLS_PER_DAY = KINESIS.updateShardCountCallsPer24h.value;

export { gcd, shardOperations, updateShardCountSequence };

/**
 * One reshard from `from` to `to` shards: calls, operations, duration. Operations run one after
 * another at `secondsPerOperation` each; the 11th call in any rolling 24 h waits for the window.
 */
export function planReshard(
  from: number,
  to: number,
  secondsPerOperation: number,
  at: number | null,
): ReshardStep {
  const steps = shardCountCalls(from, to, 0, secondsPerOperation);
  const calls = steps.map((c) => c.shards);
  const splits = steps.reduce((sum, c) => sum + c.splits, 0);
  const merges = steps.reduce((sum, c) => sum + c.merges, 0);
  const t = steps.length > 0 ? steps[steps.length - 1]!.end : 0;
  return {
    at,
    from,
    to,
    calls,
    updateShardCountCalls: calls.length,
    days: Math.ceil(calls.length / CALLS_PER_DAY),
    splits,
    merges,
    shardOperations: splits + merges,
    durationSeconds: t,
    completesAfterNeed: false,
  };
}

/**
 * The shard count in force from each moment on: the configured count at 0, then each
 * UpdateShardCount call's count when it completes. As the engine schedules them: an event waits
 * for the reshard before it, and calls count towards the rolling 24-hour quota across events.
 */
export function shardsInForce(
  configured: number,
  events: readonly { at: number; shards: number }[],
  secondsPerOperation: number,
): { at: number; shards: number }[] {
  const out = [{ at: 0, shards: configured }];
  const callStarts: number[] = [];
  let current = configured;
  let busyUntil = 0;
  for (const event of events) {
    const calls = shardCountCalls(
      current,
      event.shards,
      Math.max(event.at, busyUntil),
      secondsPerOperation,
      callStarts,
    );
    for (const call of calls) out.push({ at: call.end, shards: call.shards });
    if (calls.length > 0) busyUntil = calls[calls.length - 1]!.end;
    current = event.shards;
  }
  return out;
}

/**
 * The shard count in force at time `t` of a run that starts at `configured` and reshards at
 * `events`: the last count of `shardsInForce` whose call completed by `t`.
 */
export function shardsInForceAt(
  configured: number,
  events: readonly { at: number; shards: number }[],
  secondsPerOperation: number,
  t: number,
): number {
  let inForce = configured;
  for (const step of shardsInForce(configured, events, secondsPerOperation))
    if (step.at <= t) inForce = step.shards;
  return inForce;
}

/** What a reshard step's row says beside it, if anything: a problem (`bad`) or a fact. */
export function reshardStepNote(step: ReshardStep): { text: string; bad: boolean } | undefined {
  if (step.completesAfterNeed) return { text: 'finishes after traffic needs it', bad: true };
  if (step.tooFewFrom !== undefined) return { text: 'fewer shards than traffic needs', bad: true };
  if (step.days > 1) return { text: `${step.days} days of call quota`, bad: false };
  return undefined;
}

/**
 * Counts that reshard sooner from `configured` than the recommended one, for little more: the
 * recommended count, then every count up to 2× it (and 10,000) that reshards faster than each
 * smaller count listed (the fastest UpdateShardCount route to each, `fastestReshardsFrom`).
 * 64 configured and 217 recommended: 64 → 128 → 217 takes 64 + 343 = 407 operations (3.4 h at
 * 30 s), while 256 takes 64 + 128 = 192 (1.6 h). `provisionedMonthlyAt` prices a count per month.
 */
export function planFriendlyCounts(
  configured: number,
  recommended: number,
  secondsPerOperation: number,
  provisionedMonthlyAt: (shards: number) => number,
): FriendlyShardCount[] {
  const most = KINESIS.maxShardsPerStream.value;
  if (recommended > most) return [];
  // With no time per operation every count within 10 calls takes no time: nothing is sooner.
  const highest = secondsPerOperation > 0 ? Math.min(2 * recommended, most) : recommended;
  const base = provisionedMonthlyAt(recommended);
  const listed: FriendlyShardCount[] = [];
  for (const reshard of fastestReshardsFrom(configured, recommended, highest, secondsPerOperation)) {
    const last = listed[listed.length - 1];
    if (last !== undefined && reshard.durationSeconds >= last.durationSeconds) continue;
    listed.push({
      shards: reshard.shards,
      calls: reshard.calls,
      shardOperations: reshard.shardOperations,
      durationSeconds: reshard.durationSeconds,
      monthlyCostDelta: reshard.shards === recommended ? 0 : provisionedMonthlyAt(reshard.shards) - base,
    });
  }
  return listed;
}

/**
 * The advice for the count that reshards soonest, if it is not the recommended one: "256 shards
 * (+39 over 217, +$427/month) reshard from 64 in 1.6 h (64 → 128 → 256) instead of 3.39 h".
 */
export function friendlyCountAdvice(
  configured: number,
  counts: readonly FriendlyShardCount[],
): { subject: Record<string, string>; figures: Record<string, number> } | undefined {
  const recommended = counts[0];
  const soonest = counts[counts.length - 1];
  if (recommended === undefined || soonest === undefined || soonest === recommended) return undefined;
  return {
    subject: { route: [configured, ...soonest.calls].join(' → ') },
    figures: {
      configured,
      recommended: recommended.shards,
      shards: soonest.shards,
      monthlyCostDeltaUsd: soonest.monthlyCostDelta,
      durationSeconds: soonest.durationSeconds,
      recommendedDurationSeconds: recommended.durationSeconds,
    },
  };
}

/**
 * Each of the scenario's reshard events, planned from the count before it (the first from
 * `startShards`): when it completes after the traffic (without headroom, sampled at `times`)
 * needs its count (`neededFrom`), and, for a scale-down, when the traffic first needs more than it
 * leaves before the next event or the end of the run (`tooFewFrom`).
 */
export function planReshardSteps(
  scenario: Scenario,
  startShards: number,
  times: readonly number[],
  demandShardsAt: (t: number) => number,
): ReshardStep[] {
  const steps: ReshardStep[] = [];
  let current = startShards;
  scenario.events.forEach((event, i) => {
    const step = planReshard(current, event.reshard.shards, scenario.stream.shardOperationTime, event.at);
    const end = event.at + step.durationSeconds;
    const needed =
      event.reshard.shards > current ? times.find((t) => t < end && demandShardsAt(t) > current) : undefined;
    if (needed !== undefined) {
      step.completesAfterNeed = true;
      step.neededFrom = needed;
    }
    // A scale-down leaves `to` shards from its end until the next event (or the end of the run).
    if (event.reshard.shards < current) {
      const until = scenario.events[i + 1]?.at ?? scenario.duration;
      const short = [end, ...times].find(
        (t) => t >= end && t <= until && demandShardsAt(t) > event.reshard.shards,
      );
      if (short !== undefined) step.tooFewFrom = short;
    }
    steps.push(step);
    current = event.reshard.shards;
  });
  return steps;
}
