/**
 * Resharding as the planner and the engine model both take it (docs/aws-facts.md, KDS 4): the splits and
 * merges between two even layouts, the fastest UpdateShardCount route between two counts, and the
 * timing of its calls within the 10-per-rolling-24-h quota. The calls and their time are in
 * `reshard-calls.ts`, the exact route searches in `reshard-search.ts`.
 */
import { KINESIS } from './facts.js';
import {
  compareScores,
  greedySequence,
  type ShardCountCall,
  scoreRoute,
  timeCalls,
} from './reshard-calls.js';
import {
  divisorTable,
  fewestOperationsAnyLength,
  fewestOperationsFrom,
  fewestOperationsWithin,
  operationsToGo,
  widening,
} from './reshard-search.js';

/**
 * The shard counts after each UpdateShardCount call of the fastest route from `from` to `to`.
 *
 * Each call goes to any count from ⌈½ × current⌉ to 2 × current (API-K: not below half, not above
 * double), never above 10,000 shards (or above `from` and `to` if either is larger, so a plan for
 * an impossible count still gets figures). A call from n to m takes n + m − 2·gcd(n, m) shard
 * operations (see `shardOperations`), run one after another at `secondsPerOperation` each, and the
 * 11th call in any rolling 24 h waits for the window (timed as `shardCountCalls` does, from a
 * fresh window). The route chosen is the one that **completes earliest**; among those, the one
 * with **fewer calls**, then **fewer operations**. Doubling greedily is not it: 64 → 600 doubles
 * as 128, 256, 512, 600 (64 + 128 + 256 + 1,096 = 1,544 operations, 12.9 h at 30 s), while
 * 64 → 75 → 150 → 300 → 600 takes the same 4 calls and 137 + 75 + 150 + 300 = 662 (5.5 h).
 *
 * How it is found. A route's time is at least its operations × `secondsPerOperation`, and equal
 * to it with at most 10 calls (from a fresh window). So: (1) the route of fewest operations of any
 * length (fewest calls among those) is found exactly by a shortest-path search over counts (see
 * `fewestOperationsAnyLength`); with at most 10 calls it is the answer, as no route can be faster
 * and any as fast has as many operations and no fewer calls. (2) Otherwise (more than 1,024× apart,
 * or extra calls save operations) the route of fewest operations within 10 calls is found exactly
 * too (`fewestOperationsWithin`), searching only routes that could beat (1) as timed, and the
 * earlier finisher wins. Exact whenever a route within 10 calls wins; when only a longer route can
 * get there (1 → 2,048), the fewest-operations route is taken as timed, although another with more
 * operations could in principle wait less for the window. Without time per operation only the
 * window counts, so the fewest calls win, then the fewest operations. Checked against a plain
 * search over every count in test/aws/reshard-route.test.ts; under ~50 ms for any pair up to
 * 10,000 shards once warm (bench/reshard.bench.ts).
 */
export function updateShardCountSequence(
  from: number,
  to: number,
  secondsPerOperation: number = KINESIS.shardOperationSeconds.value,
): number[] {
  if (!Number.isInteger(from) || from < 1 || !Number.isInteger(to) || to < 1) {
    throw new RangeError(`shard counts must be positive integers, not ${from} → ${to}`);
  }
  if (from === to) return [];
  const seconds = Math.max(0, secondsPerOperation);
  const cap = Math.max(KINESIS.maxShardsPerStream.value, from, to);
  const perDay = KINESIS.updateShardCountCallsPer24h.value;
  const greedy = greedySequence(from, to);
  const greedyScore = scoreRoute(from, greedy, seconds);
  let best = greedyScore;
  const consider = (route: number[] | undefined) => {
    if (route === undefined) return;
    const score = scoreRoute(from, route, seconds);
    if (compareScores(score, best) < 0) best = score;
  };
  // The fewest operations of any length: if that route has at most 10 calls it is the fastest
  // (no route takes less than its operations × seconds, and this one takes exactly that). With no
  // time per operation only the window takes time, and the fewest calls (greedy's) win instead.
  const toGo = operationsToGo(to, cap);
  const divisors = seconds > 0 ? divisorTable(cap) : undefined;
  const fewest =
    divisors === undefined
      ? undefined
      : widening(toGo(from), greedyScore.operations, (budget) =>
          fewestOperationsAnyLength(from, to, cap, budget, toGo, divisors),
        );
  consider(fewest);
  // Otherwise the best route within 10 calls (or within greedy's calls, with no time per
  // operation) is searched for too, and the two are timed against each other. A route within 10
  // calls takes its operations × seconds, so only those of at most best time ÷ seconds operations
  // can win (ties go to fewer calls).
  const limit = seconds > 0 ? perDay : greedy.length;
  if ((fewest === undefined || fewest.length > limit) && greedy.length <= limit) {
    const most =
      seconds > 0
        ? Math.min(greedyScore.operations, Math.floor(best.durationSeconds / seconds + 1e-9))
        : greedyScore.operations;
    consider(fewestOperationsWithin(from, to, cap, limit, most));
  }
  return best.calls;
}

/** A reshard by the fastest route: the counts after each call, its operations and its time. */
export interface FastestReshard {
  shards: number;
  calls: number[];
  shardOperations: number;
  durationSeconds: number;
}

/**
 * The fastest reshard from `from` to each count from `lowest` to `highest`, in one search: the
 * fewest operations from `from` to every count at once (the same search, run to every count);
 * where that route has at most 10 calls it is the fastest (see `updateShardCountSequence`).
 * `lowest` itself (the recommended count, whose route the plan shows) always takes
 * `updateShardCountSequence`'s route. For the other counts whose fewest-operations route needs
 * more than 10 calls (a reshard that spans days anyway), a search of their own for each (~30 ms)
 * made a plan from 10 to 5,690 shards take 24 s; they take the faster of that route, timed with
 * the 24-hour window, and doubling, which may overstate their time but never understates it.
 */
export function fastestReshardsFrom(
  from: number,
  lowest: number,
  highest: number,
  secondsPerOperation: number = KINESIS.shardOperationSeconds.value,
): FastestReshard[] {
  const seconds = Math.max(0, secondsPerOperation);
  const cap = Math.max(KINESIS.maxShardsPerStream.value, from, highest);
  const perDay = KINESIS.updateShardCountCallsPer24h.value;
  const first = Math.max(1, lowest);
  // Only counts within the doubling route's operations to the farthest target can lie on a
  // fastest route to any target (a route's prefix has no more operations than the route), so the
  // search settles those and no others: a few hundred counts instead of all 10,000.
  let budget = 0;
  for (let shards = first; shards <= highest; shards++)
    budget = Math.max(budget, scoreRoute(from, greedySequence(from, shards), seconds).operations);
  const all =
    seconds > 0 ? fewestOperationsFrom(from, 0, cap, budget, () => 0, divisorTable(cap)) : undefined;
  const reshards: FastestReshard[] = [];
  for (let shards = first; shards <= highest; shards++) {
    const direct = shards === from ? [] : all?.route(shards);
    let calls: number[];
    if (shards === first || direct === undefined) calls = updateShardCountSequence(from, shards, seconds);
    else if (direct.length <= perDay) calls = direct;
    else {
      const doubling = greedySequence(from, shards);
      calls =
        compareScores(scoreRoute(from, doubling, seconds), scoreRoute(from, direct, seconds)) < 0
          ? doubling
          : direct;
    }
    const score = scoreRoute(from, calls, seconds);
    reshards.push({
      shards,
      calls,
      shardOperations: score.operations,
      durationSeconds: score.durationSeconds,
    });
  }
  return reshards;
}

/**
 * The UpdateShardCount calls from `from` to `to` shards, the first starting at `start` (seconds):
 * each call's shard operations run one after another at `secondsPerOperation` each, and a call
 * beyond 10 in any rolling 24 hours waits for the window (KDS 4). `callStarts` holds the start of
 * every earlier call that counts towards the window, and gets this reshard's calls appended.
 */
export function shardCountCalls(
  from: number,
  to: number,
  start: number,
  secondsPerOperation: number,
  callStarts: number[] = [],
): ShardCountCall[] {
  return timeCalls(
    from,
    updateShardCountSequence(from, to, secondsPerOperation),
    start,
    secondsPerOperation,
    callStarts,
  );
}
