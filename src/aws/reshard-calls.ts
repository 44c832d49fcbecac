/**
 * UpdateShardCount calls and their time (docs/aws-facts.md, KDS 4): the splits and merges between
 * two even layouts, each call's operations run one after another, the 11th call in a rolling 24 h
 * waiting for the window, and how two routes compare (earlier completion, then fewer calls, then
 * fewer operations).
 */
import { KINESIS } from './facts.js';

/** Seconds in the rolling window that allows 10 UpdateShardCount calls (API-K). */
const WINDOW_SECONDS = 86_400;

/** Doubling (or halving) until one more call reaches `to`: the fewest calls. */
export function greedySequence(from: number, to: number): number[] {
  const counts: number[] = [];
  let current = from;
  while (current !== to) {
    current = to > current ? Math.min(to, current * 2) : Math.max(to, Math.ceil(current / 2));
    counts.push(current);
  }
  return counts;
}

interface RouteScore {
  calls: number[];
  durationSeconds: number;
  operations: number;
}

export function scoreRoute(from: number, calls: number[], secondsPerOperation: number): RouteScore {
  const timed = timeCalls(from, calls, 0, secondsPerOperation, []);
  const last = timed[timed.length - 1];
  return {
    calls,
    durationSeconds: last === undefined ? 0 : last.end,
    operations: timed.reduce((sum, c) => sum + c.splits + c.merges, 0),
  };
}

/** Earlier completion first, then fewer calls, then fewer operations. */
export function compareScores(a: RouteScore, b: RouteScore): number {
  return (
    a.durationSeconds - b.durationSeconds || a.calls.length - b.calls.length || a.operations - b.operations
  );
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

/** One UpdateShardCount call of a reshard: the count it reaches, when it starts and completes. */
export interface ShardCountCall {
  shards: number;
  start: number;
  end: number;
  splits: number;
  merges: number;
}

/** Times the calls to `counts` from `from` as `shardCountCalls` describes. */
export function timeCalls(
  from: number,
  counts: readonly number[],
  start: number,
  secondsPerOperation: number,
  callStarts: number[],
): ShardCountCall[] {
  const perDay = KINESIS.updateShardCountCallsPer24h.value;
  const calls: ShardCountCall[] = [];
  let t = start;
  let current = from;
  for (const next of counts) {
    const i = callStarts.length;
    const callStart = Math.max(t, i >= perDay ? callStarts[i - perDay]! + WINDOW_SECONDS : 0);
    callStarts.push(callStart);
    const ops = shardOperations(current, next);
    t = callStart + (ops.splits + ops.merges) * secondsPerOperation;
    calls.push({ shards: next, start: callStart, end: t, splits: ops.splits, merges: ops.merges });
    current = next;
  }
  return calls;
}
