/**
 * Resharding: UpdateShardCount calls, the shard splits and merges behind them, and how long they
 * take (aws-facts.md, KDS 4 and "Reshard duration").
 */
import { gcd, shardCountCalls, shardOperations, updateShardCountSequence } from '../aws/behaviour.js';
import { KINESIS } from '../aws/facts.js';
import type { ReshardStep } from './types.js';

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

/** What a reshard step's row says beside it, if anything: a problem (`bad`) or a fact. */
export function reshardStepNote(step: ReshardStep): { text: string; bad: boolean } | undefined {
  if (step.completesAfterNeed) return { text: 'finishes after traffic needs it', bad: true };
  if (step.tooFewFrom !== undefined) return { text: 'fewer shards than traffic needs', bad: true };
  if (step.days > 1) return { text: `${step.days} days of call quota`, bad: false };
  return undefined;
}
