/**
 * Cumulative arrivals per shard at each consumer step, shared by every consumer application (they
 * all read the same records). An application that has taken D records of a shard (D = the shard's
 * cumulative arrivals − the application's backlog there) reads in order, so its oldest unprocessed
 * record arrived when the cumulative count passed D: the iterator age follows for any arrival
 * profile, exact in flow form (docs/engine.md, "Consumers"), with arrivals spread evenly within a step.
 *
 * Points older than every application's oldest unprocessed record are dropped; past `maxPoints`
 * (or past `maxValues` values over all shards: 4,096 points of 10,000 shards were 328 MB) every
 * other point is dropped, so memory stays bounded and the age is then exact to the spacing of the
 * points that remain: with a lag of L seconds kept in P points, within about 2L ÷ P (at most 2 %
 * of the lag for 100 points or more, which the budget keeps up to 83,886 shards).
 */
export class ArrivalHistory {
  private times: number[] = [0];
  private counts: Float64Array[];

  constructor(
    shards: number,
    private readonly maxPoints = 4096,
    private readonly maxValues = 2 ** 23,
  ) {
    this.counts = [new Float64Array(shards)];
  }

  /** Points kept (for tests). */
  get length(): number {
    return this.times.length;
  }

  /** Cumulative arrivals of shard `s` up to the last step. */
  total(s: number): number {
    return this.counts[this.counts.length - 1]![s]!;
  }

  /** Adds the arrivals of the step that ended at `time`. */
  append(time: number, arrivals: Float64Array): void {
    const last = this.counts[this.counts.length - 1]!;
    const next = new Float64Array(last.length);
    for (let s = 0; s < next.length; s++) next[s] = last[s]! + arrivals[s]!;
    this.times.push(time);
    this.counts.push(next);
    const limit = Math.max(16, Math.min(this.maxPoints, Math.floor(this.maxValues / next.length)));
    while (this.times.length > limit) {
      // Keep the first, every other one, and the last.
      const keep = (_: unknown, i: number, all: readonly unknown[]) => i % 2 === 0 || i === all.length - 1;
      this.times = this.times.filter(keep);
      this.counts = this.counts.filter(keep);
    }
  }

  /**
   * When the cumulative arrivals of shard `s` passed `taken`: the arrival time of the oldest record
   * an application that has taken `taken` records has not processed yet. Linear within a step; the
   * last point's time if nothing is left.
   */
  arrivalTime(s: number, taken: number): number {
    const counts = this.counts;
    const last = counts.length - 1;
    if (taken >= counts[last]![s]!) return this.times[last]!;
    if (taken < counts[0]![s]!) return this.times[0]!;
    // The last point with count ≤ taken: after it, the count rises past `taken`.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (counts[mid]![s]! <= taken) lo = mid;
      else hi = mid;
    }
    const a0 = counts[lo]![s]!;
    const a1 = counts[lo + 1]![s]!;
    const t0 = this.times[lo]!;
    const t1 = this.times[lo + 1]!;
    return t0 + ((taken - a0) / (a1 - a0)) * (t1 - t0);
  }

  /** Drops the points no application needs: those before the last point at or before `time`. */
  trimBefore(time: number): void {
    let i = 0;
    while (i + 1 < this.times.length && this.times[i + 1]! <= time) i++;
    if (i > 0) {
      this.times = this.times.slice(i);
      this.counts = this.counts.slice(i);
    }
  }

  /** Moves every point to a new shard layout (a reshard) with `move`, the map the backlogs take. */
  relayout(move: (values: Float64Array) => Float64Array): void {
    this.counts = this.counts.map(move);
  }
}
