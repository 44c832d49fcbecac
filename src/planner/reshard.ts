/**
 * Resharding: UpdateShardCount calls, the shard splits and merges behind them, and how long they
 * take (aws-facts.md, KDS 4 and "Reshard duration").
 */
import { KINESIS } from '../aws/facts.js';
import type { ReshardStep } from './types.js';

const CALLS_PER_DAY = KINESIS.updateShardCountCallsPer24h.value;
const DAY_SECONDS = 86_400;

/**
 * The shard counts after each UpdateShardCount call from `from` to `to`: each call may at most
 * double or halve the current count (API-K), so 256 → 600 is 256 → 512 → 600.
 */
export function updateShardCountSequence(from: number, to: number): number[] {
  const counts: number[] = [];
  let current = from;
  while (current !== to) {
    current = to > current ? Math.min(to, current * 2) : Math.max(to, Math.ceil(current / 2));
    counts.push(current);
  }
  return counts;
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Splits and merges to go from an even split of `from` shards to an even split of `to`. A split adds
 * one hash-range boundary and a merge removes one; the layouts share gcd(from, to) − 1 inner
 * boundaries, so to − g boundaries must be added and from − g removed. 1,000 → 2,000: 1,000 splits;
 * 4 → 6: 4 splits and 2 merges.
 */
export function shardOperations(from: number, to: number): { splits: number; merges: number } {
  const g = gcd(from, to);
  return { splits: to - g, merges: from - g };
}

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
  const calls = updateShardCountSequence(from, to);
  const callStarts: number[] = [];
  let t = 0;
  let current = from;
  let splits = 0;
  let merges = 0;
  calls.forEach((next, i) => {
    const windowStart = i >= CALLS_PER_DAY ? callStarts[i - CALLS_PER_DAY]! + DAY_SECONDS : 0;
    const start = Math.max(t, windowStart);
    callStarts.push(start);
    const ops = shardOperations(current, next);
    splits += ops.splits;
    merges += ops.merges;
    t = start + (ops.splits + ops.merges) * secondsPerOperation;
    current = next;
  });
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
