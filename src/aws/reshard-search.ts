/**
 * The exact searches behind `updateShardCountSequence` and `fastestReshardsFrom`: the route of
 * fewest shard operations between two counts, of any length or within a number of calls, as a
 * shortest-path search over counts with a lower bound on the operations still to go.
 */
import { gcd } from './reshard-calls.js';

/**
 * The route of at most `maxCalls` calls with the fewest operations (and calls), searched both ways.
 * A call's operations and the ½×–2× rule read the same both ways (n → m is allowed exactly when
 * m → n is), so a route reversed is a route back with the same operations and calls. Which way
 * the search is quicker depends on the counts (it is slowest towards a count its lower bound
 * knows little about), so both ways run with a work limit that doubles until one finishes.
 */
export function fewestOperationsWithin(
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
export function fewestOperationsAnyLength(
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
export function fewestOperationsFrom(
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

export function divisorTable(cap: number): Divisors {
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
export function operationsToGo(to: number, cap: number): (n: number) => number {
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
export function widening(
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
