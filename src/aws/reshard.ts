/**
 * Resharding as the planner and the engine model both take it (docs/aws-facts.md, KDS 4): the splits and
 * merges between two even layouts, the fastest UpdateShardCount route between two counts, and the
 * timing of its calls within the 10-per-rolling-24-h quota.
 */
import { KINESIS } from './facts.js';

/** Seconds in the rolling window that allows 10 UpdateShardCount calls (API-K). */
const WINDOW_SECONDS = 86_400;

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
 * The route of at most `maxCalls` calls with the fewest operations (and calls), searched both ways.
 * A call's operations and the ½×–2× rule read the same both ways (n → m is allowed exactly when
 * m → n is), so a route reversed is a route back with the same operations and calls. Which way
 * the search is quicker depends on the counts (it is slowest towards a count its lower bound
 * knows little about), so both ways run with a work limit that doubles until one finishes.
 */
function fewestOperationsWithin(
  from: number,
  to: number,
  cap: number,
  maxCalls: number,
  most: number,
): number[] | undefined {
  for (let work = SEARCH_WORK_START; ; work *= 2) {
    for (const [start, end] of [
      [from, to],
      [to, from],
    ] as const) {
      try {
        const toGo = operationsToGo(end, cap);
        const route = widening(toGo(start), most, (budget) =>
          fewestOperationsRoute(start, end, cap, budget, maxCalls, toGo, { left: work }),
        );
        if (route === undefined || start === from) return route;
        return [start, ...route].reverse().slice(1);
      } catch (error) {
        if (!(error instanceof OutOfWork)) throw error;
      }
    }
  }
}

/** Calls tried before a search gives way to the other direction (then both get twice as many). */
const SEARCH_WORK_START = 20_000;

/** Thrown when a search has tried its share of calls. */
class OutOfWork extends Error {}

/**
 * The route from `from` to `to` with the fewest operations, of any number of calls (the fewest
 * calls among those), if one within `budget` operations exists. Dijkstra over counts, with each
 * count's calls grouped by their gcd: a call n → m with gcd(n, m) = g costs (n − g) + (m − g), so
 * for one divisor g of n all multiples m of g within ⌈n/2⌉ … 2n cost (n − 2g) + m, cheapest at the
 * smallest m not yet settled. One queue entry per (count, divisor) stands for that whole range
 * and moves along it as counts settle (found through a "next unsettled multiple" pointer per
 * divisor). Going through a divisor g smaller than gcd(n, m) overstates the cost, but the call is
 * also offered through gcd(n, m) itself, so every call gets its true cost. About 10 entries per
 * count instead of 1.5 n calls.
 */
function fewestOperationsAnyLength(
  from: number,
  to: number,
  cap: number,
  budget: number,
  toGo: (n: number) => number,
  divisors: Divisors,
): number[] | undefined {
  const found = fewestOperationsFrom(from, to, cap, budget, toGo, divisors);
  return found.settled[to] === 1 ? found.route(to) : undefined;
}

/**
 * The search behind `fewestOperationsAnyLength`, from `from` to `to`, or to every count within
 * the budget when `to` is 0. Returns which counts it settled and the route to each.
 */
function fewestOperationsFrom(
  from: number,
  to: number,
  cap: number,
  budget: number,
  toGo: (n: number) => number,
  divisors: Divisors,
): { settled: Uint8Array; operations: Float64Array; route: (count: number) => number[] } {
  // next[offset[g] + y]: the smallest y' ≥ y with g·y' not yet settled (path-compressed).
  const offset = new Int32Array(cap + 2);
  for (let g = 1; g <= cap; g++) offset[g + 1] = offset[g]! + Math.floor(cap / g) + 2;
  const next = new Int32Array(offset[cap + 1]!);
  for (let g = 1; g <= cap; g++) {
    for (let y = 0, size = Math.floor(cap / g) + 2; y < size; y++) next[offset[g]! + y] = y;
  }
  const findNext = (g: number, y: number): number => {
    const base = offset[g]!;
    let root = y;
    while (next[base + root]! !== root) root = next[base + root]!;
    for (let i = y; i !== root; ) {
      const following = next[base + i]!;
      next[base + i] = root;
      i = following;
    }
    return root;
  };
  const operations = new Float64Array(cap + 1);
  const calls = new Int32Array(cap + 1);
  const before = new Int32Array(cap + 1);
  const settled = new Uint8Array(cap + 1);
  const queue = new RangeQueue();
  const offer = (n: number, g: number, fromIndex: number, lastIndex: number) => {
    let y = findNext(g, fromIndex);
    if (y > lastIndex) return;
    // m + toGo(m) never falls as m grows (toGo drops by at most 1 a count), so once a count of the
    // range is over the budget the rest are, except `to` itself (nothing left to go).
    if (operations[n]! + n - 2 * g + g * y + toGo(g * y) > budget) {
      if (to === 0 || to % g !== 0 || to / g <= y || to / g > lastIndex || settled[to] === 1) return;
      y = to / g;
    }
    const m = g * y;
    const total = operations[n]! + n + m - 2 * g;
    if (total + toGo(m) > budget) return;
    queue.push(total, calls[n]! + 1, m, n, g, lastIndex);
  };
  const settle = (m: number, total: number, callCount: number, source: number) => {
    settled[m] = 1;
    operations[m] = total;
    calls[m] = callCount;
    before[m] = source;
    const first = divisors.start[m]!;
    const last = divisors.start[m + 1]!;
    for (let i = first; i < last; i++) {
      const g = divisors.list[i]!;
      next[offset[g]! + m / g] = m / g + 1;
    }
    if (m === to || total + toGo(m) > budget) return;
    const lowest = Math.ceil(m / 2);
    const highest = Math.min(2 * m, cap);
    for (let i = first; i < last; i++) {
      const g = divisors.list[i]!;
      offer(m, g, Math.ceil(lowest / g), Math.floor(highest / g));
    }
  };
  settle(from, 0, 0, 0);
  while (queue.size > 0 && (to === 0 || settled[to] === 0)) {
    const top = queue.pop();
    const m = queue.count[top]!;
    const n = queue.source[top]!;
    const g = queue.divisor[top]!;
    const lastIndex = queue.lastIndex[top]!;
    // Read before settling: what settling pushes may take the popped slot.
    if (settled[m] === 0) settle(m, queue.operations[top]!, queue.calls[top]!, n);
    // The range's next count (the one just settled, or settled meanwhile, is skipped).
    offer(n, g, m / g, lastIndex);
  }
  const route = (count: number) => {
    const counts: number[] = [];
    for (let c = count; c !== from; c = before[c]!) counts.push(c);
    return counts.reverse();
  };
  return { settled, operations, route };
}

/** Divisors of every count up to a cap, in increasing order: list[start[n]] … list[start[n + 1] − 1]. */
interface Divisors {
  start: Int32Array;
  list: Int32Array;
}

function divisorTable(cap: number): Divisors {
  const start = new Int32Array(cap + 2);
  for (let g = 1; g <= cap; g++) for (let m = g; m <= cap; m += g) start[m + 1]! += 1;
  for (let n = 1; n <= cap + 1; n++) start[n]! += start[n - 1]!;
  const list = new Int32Array(start[cap + 1]!);
  const fill = start.slice(0, cap + 1);
  for (let g = 1; g <= cap; g++) for (let m = g; m <= cap; m += g) list[fill[m]!++] = g;
  return { start, list };
}

/**
 * A binary heap of queue entries in typed arrays (no allocation per entry): operations to reach
 * `count`, calls, the count, the count the call leaves from, the divisor and the last index of its
 * range. Ordered by operations, then calls. `pop` returns the slot of the smallest, valid until
 * the next push.
 */
class RangeQueue {
  size = 0;
  operations = new Float64Array(1024);
  calls = new Int32Array(1024);
  count = new Int32Array(1024);
  source = new Int32Array(1024);
  divisor = new Int32Array(1024);
  lastIndex = new Int32Array(1024);
  private slots = new Int32Array(1024);
  private free: number[] = [];
  private used = 0;

  push(
    operations: number,
    calls: number,
    count: number,
    source: number,
    divisor: number,
    lastIndex: number,
  ): void {
    const slot = this.free.pop() ?? this.used++;
    if (slot >= this.operations.length) this.grow();
    this.operations[slot] = operations;
    this.calls[slot] = calls;
    this.count[slot] = count;
    this.source[slot] = source;
    this.divisor[slot] = divisor;
    this.lastIndex[slot] = lastIndex;
    if (this.size >= this.slots.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(slot, this.slots[parent]!)) break;
      this.slots[i] = this.slots[parent]!;
      i = parent;
    }
    this.slots[i] = slot;
  }

  pop(): number {
    const top = this.slots[0]!;
    const last = this.slots[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const child = r < this.size && this.less(this.slots[r]!, this.slots[l]!) ? r : l;
      if (!this.less(this.slots[child]!, last)) break;
      this.slots[i] = this.slots[child]!;
      i = child;
    }
    this.slots[i] = last;
    this.free.push(top);
    return top;
  }

  private less(a: number, b: number): boolean {
    const oa = this.operations[a]!;
    const ob = this.operations[b]!;
    return oa < ob || (oa === ob && this.calls[a]! < this.calls[b]!);
  }

  private grow(): void {
    const size = this.operations.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T): T => {
      const copy = new (old.constructor as new (n: number) => T)(size);
      copy.set(old);
      return copy;
    };
    this.operations = grown(this.operations);
    this.calls = grown(this.calls);
    this.count = grown(this.count);
    this.source = grown(this.source);
    this.divisor = grown(this.divisor);
    this.lastIndex = grown(this.lastIndex);
    this.slots = grown(this.slots);
  }
}

/**
 * A lower bound on the operations of any route from a count to `to`: its last call comes from some
 * p (⌈to/2⌉ ≤ p ≤ 2·to, p ≠ to) and costs p + to − 2·gcd(p, to); reaching p costs at least
 * |p − n|. So bound(n) = min over p of |p − n| + ops(p, to), a distance transform computed in two
 * sweeps. It never drops by more than 1 from one count to the next, which the search relies on.
 */
function operationsToGo(to: number, cap: number): (n: number) => number {
  const lowest = Math.ceil(to / 2);
  const highest = Math.min(2 * to, cap);
  const bound = new Float64Array(cap + 2).fill(Number.POSITIVE_INFINITY);
  for (let p = lowest; p <= highest; p++) if (p !== to) bound[p] = p + to - 2 * gcd(p, to);
  for (let n = 2; n <= cap; n++) bound[n] = Math.min(bound[n]!, bound[n - 1]! + 1);
  for (let n = cap - 1; n >= 1; n--) bound[n] = Math.min(bound[n]!, bound[n + 1]! + 1);
  return (n) => (n === to ? 0 : bound[n]!);
}

/**
 * Runs `search` with a budget of operations from `lowest` up, widening it (+16, +32, +64, …) until
 * it finds a route or reaches `most`. A search finds the best route within its budget, and a tight
 * budget lets it try far fewer calls, so the first budget that finds one is both quick and exact.
 */
function widening(
  lowest: number,
  most: number,
  search: (budget: number) => number[] | undefined,
): number[] | undefined {
  for (let widen = 16; ; widen *= 2) {
    const budget = Math.min(lowest + widen, most);
    const route = search(budget);
    if (route !== undefined || budget >= most) return route;
  }
}

/** Doubling (or halving) until one more call reaches `to`: the fewest calls. */
function greedySequence(from: number, to: number): number[] {
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

function scoreRoute(from: number, calls: number[], secondsPerOperation: number): RouteScore {
  const timed = timeCalls(from, calls, 0, secondsPerOperation, []);
  const last = timed[timed.length - 1];
  return {
    calls,
    durationSeconds: last === undefined ? 0 : last.end,
    operations: timed.reduce((sum, c) => sum + c.splits + c.merges, 0),
  };
}

/** Earlier completion first, then fewer calls, then fewer operations. */
function compareScores(a: RouteScore, b: RouteScore): number {
  return (
    a.durationSeconds - b.durationSeconds || a.calls.length - b.calls.length || a.operations - b.operations
  );
}

/** Divisors of n in increasing order, by trial division up to √n. */
function divisorsOf(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.push(n / d);
  }
  return small.concat(large.reverse());
}

/**
 * Calls `visit(m, operations)` for every count m one UpdateShardCount call from n can reach
 * whose excess (operations beyond |m − n|) is at most `slack`, and for `to` if one call reaches
 * it. Every call n → m ≠ to that lies on a route within the search's budget is among them.
 */
function forEachCall(
  n: number,
  to: number,
  cap: number,
  slack: number,
  work: { left: number },
  visit: (m: number, operations: number) => void,
): void {
  work.left -= 1;
  if (work.left < 0) throw new OutOfWork();
  const lowest = Math.ceil(n / 2);
  const highest = Math.min(2 * n, cap);
  // The call to `to` itself, whose bound (0) the slack does not cover.
  if (to >= lowest && to <= highest && to !== n) visit(to, n + to - 2 * gcd(n, to));
  for (const g of divisorsOf(n)) {
    work.left -= 1 + (n - lowest) / g;
    // m < n with gcd g: excess 2(m − g) ≤ slack, so m ≤ g + slack / 2.
    const downTo = Math.min(n - 1, g + Math.floor(slack / 2));
    for (let m = Math.ceil(lowest / g) * g; m <= downTo; m += g) {
      if (m !== to) visit(m, n + m - 2 * gcd(n, m));
    }
    // m > n with gcd g: excess 2(n − g) ≤ slack, whatever m is.
    if (2 * (n - g) > slack) continue;
    for (let m = (Math.floor(n / g) + 1) * g; m <= highest; m += g) {
      if (m !== to) visit(m, n + m - 2 * gcd(n, m));
    }
  }
}

/**
 * The route from `from` to `to` of at most `maxCalls` calls with the fewest shard operations, and
 * the fewest calls among those, if one within `budget` operations exists. A* over (count, calls
 * made): `toGo` never overestimates and never drops by more than one operation a count, so the
 * first time `to` comes off the queue its route is the best.
 */
function fewestOperationsRoute(
  from: number,
  to: number,
  cap: number,
  budget: number,
  maxCalls: number,
  toGo: (n: number) => number,
  work: { left: number },
): number[] | undefined {
  // One state per count, or per count and calls made when the calls are limited.
  const layers = Number.isFinite(maxCalls) ? maxCalls + 1 : 1;
  const key = (n: number, calls: number) => (layers === 1 ? n : n * layers + calls);
  const labels = new Map<number, { operations: number; calls: number; before: number }>([
    [key(from, 0), { operations: 0, calls: 0, before: -1 }],
  ]);
  const settled = new Set<number>();
  // A binary heap of [operations so far + bound to go, calls, count, state].
  type Entry = [number, number, number, number];
  const less = (a: Entry, b: Entry) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const heap: Entry[] = [[toGo(from), 0, from, key(from, 0)]];
  let reached: number | undefined;
  while (heap.length > 0) {
    const [, , n, state] = popHeap(heap, less);
    if (settled.has(state)) continue;
    settled.add(state);
    if (n === to) {
      reached = state;
      break;
    }
    const label = labels.get(state)!;
    if (label.calls >= maxCalls) continue;
    // What is left for excess: budget − done − toGo(n). A call n → m ≠ to costs |m − n| + excess
    // and leaves at least toGo(m) ≥ toGo(n) − |m − n|, so its excess is at most that slack.
    const slack = budget - label.operations - toGo(n);
    if (slack < 0) continue;
    const calls = label.calls + 1;
    forEachCall(n, to, cap, slack, work, (m, operations) => {
      const total = label.operations + operations;
      const next = key(m, calls);
      if (total + toGo(m) > budget || settled.has(next)) return;
      const seen = labels.get(next);
      if (
        seen !== undefined &&
        (seen.operations < total || (seen.operations === total && seen.calls <= calls))
      ) {
        return;
      }
      labels.set(next, { operations: total, calls, before: state });
      pushHeap(heap, [total + toGo(m), calls, m, next], less);
    });
  }
  if (reached === undefined) return undefined;
  const route: number[] = [];
  for (let state = reached; state !== key(from, 0); state = labels.get(state)!.before) {
    route.push(layers === 1 ? state : Math.floor(state / layers));
  }
  return route.reverse();
}

function pushHeap<T>(heap: T[], item: T, less: (a: T, b: T) => boolean): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function popHeap<T>(heap: T[], less: (a: T, b: T) => boolean): T {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && less(heap[l]!, heap[smallest]!)) smallest = l;
      if (r < heap.length && less(heap[r]!, heap[smallest]!)) smallest = r;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
  return top;
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

/** Times the calls to `counts` from `from` as `shardCountCalls` describes. */
function timeCalls(
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
