/**
 * Per-shard utilisation over a run, in bounded memory: one row a second (every open shard's
 * offered load over its limit) until the rows hold `budgetValues` values, then the step doubles,
 * pairs of stored rows merging into their maximum, as often as needed. Per-second rows grew with
 * shards × seconds: 10,000 shards for 24 hours would have held 864 million values (3.5 GB).
 *
 * A stored value is the largest of its step's seconds, so every peak survives downsampling: the
 * hottest shard-second (`shards.maxUtilization`) and each shard's peak are exact at any step; only
 * when in the step a peak fell is coarser. The result says so: `hottestStepSeconds` (absent at one
 * second) is the step of the hottest shards' series.
 */
import { round6 } from '../numbers.js';
import type { ShardSeries } from './types.js';

/** Values kept at most: 2^25 four-byte floats, 128 MiB (a 1,000-shard hour is 3.6 million). */
export const SHARD_ROW_BUDGET = 2 ** 25;

export class ShardRows {
  /** rows[j]: the maximum of seconds [j × step, (j + 1) × step), per shard index. */
  private rows: Float32Array[] = [];
  private step = 1;
  private stored = 0;

  constructor(private readonly budgetValues = SHARD_ROW_BUDGET) {}

  /** Seconds per stored row (a power of two). */
  get stepSeconds(): number {
    return this.step;
  }

  /** Values held (for tests). */
  get values(): number {
    return this.stored;
  }

  /** The row of second `second` (seconds come in order); the row may be kept as it is. */
  add(second: number, row: Float32Array): void {
    const j = Math.floor(second / this.step);
    const existing = this.rows[j];
    if (existing === undefined) {
      this.rows[j] = row;
      this.stored += row.length;
    } else {
      this.rows[j] = this.maxOf(existing, row);
    }
    // Coarsen while over budget, as long as merging still halves something (one row cannot).
    while (this.stored > this.budgetValues && this.rows.length > 1) this.coarsen();
  }

  /** Doubles the step: rows 2i and 2i + 1 become their maximum. */
  private coarsen(): void {
    const next: Float32Array[] = [];
    this.stored = 0;
    for (let i = 0; i < this.rows.length; i += 2) {
      const a = this.rows[i];
      const b = this.rows[i + 1];
      const merged = a === undefined ? b : b === undefined ? a : this.maxOf(a, b, false);
      if (merged !== undefined) {
        next[i / 2] = merged;
        this.stored += merged.length;
      }
    }
    this.rows = next;
    this.step *= 2;
  }

  /**
   * The element-wise maximum (a reshard changes a row's length: the longer one's length). NaN is a
   * shard that did not exist that second (a target's closed parent): any number beats it.
   */
  private maxOf(a: Float32Array, b: Float32Array, count = true): Float32Array {
    const [long, short] = a.length >= b.length ? [a, b] : [b, a];
    for (let s = 0; s < short.length; s++) {
      if (short[s]! > long[s]! || Number.isNaN(long[s]!)) long[s] = short[s]!;
    }
    if (count && long !== a) this.stored += long.length - a.length;
    return long;
  }

  /**
   * The result's shard series for a run of `seconds`: every shard at most `coarsePoints` points
   * (a step a multiple of the stored one), and the `hottestCount` shards with the highest peak at
   * the stored step (see {@link buildShardSeries}).
   */
  build(seconds: number, coarsePoints: number, hottestCount: number): ShardSeries {
    return buildShardSeries(this.rows, { seconds, rowStepSeconds: this.step, coarsePoints, hottestCount });
  }
}

/**
 * The result's {@link ShardSeries} from utilisation rows, `rows[j][shard]` the peak of shard
 * `shard` over seconds [j × rowStepSeconds, (j + 1) × rowStepSeconds) (a row holds the shards open
 * then; a missing row is a step nobody reported): every shard at most `coarsePoints` points (a
 * step a multiple of the rows' step, by max), and the `hottestCount` shards with the highest peak
 * (ties: the lower shard index) at the rows' step. Values rounded to 6 decimals. The one builder
 * of shard series: the engine's rows ({@link ShardRows}) and any target's go through it.
 */
export function buildShardSeries(
  rows: readonly (ArrayLike<number> | undefined)[],
  options: { seconds: number; rowStepSeconds?: number; coarsePoints: number; hottestCount: number },
): ShardSeries {
  const { seconds, coarsePoints, hottestCount } = options;
  const rowStep = options.rowStepSeconds ?? 1;
  if (!Number.isSafeInteger(hottestCount) || hottestCount < 0) {
    throw new RangeError(`hottestCount must be a non-negative integer, got ${hottestCount}`);
  }
  if (!Number.isSafeInteger(coarsePoints) || coarsePoints < 1) {
    throw new RangeError(`coarsePoints must be a positive integer, got ${coarsePoints}`);
  }
  const rowCount = Math.ceil(seconds / rowStep);
  const shards = rows.reduce((m, r) => Math.max(m, r?.length ?? 0), 0);
  const perPoint = Math.max(1, Math.ceil(rowCount / coarsePoints));
  const step = rowStep * perPoint;
  const points = Math.ceil(seconds / step);
  // Row by row (a row is one step of every shard): the coarse maxima and each shard's peak. A
  // row holds the shards open that step (a reshard changes its length), so a point no row of
  // which has the shard stays NaN: the shard did not exist then, and the result says null (a
  // chart draws it absent, not as an idle 0%).
  const coarse = Array.from({ length: shards }, () => new Float64Array(points).fill(Number.NaN));
  const peakOf = new Float64Array(shards);
  for (let j = 0; j < rowCount; j++) {
    const row = rows[j];
    if (row === undefined) continue;
    const point = Math.floor(j / perPoint);
    for (let s = 0; s < row.length; s++) {
      const v = row[s]!;
      const c = coarse[s]![point]!;
      if (Number.isNaN(c) || v > c) coarse[s]![point] = v;
      if (v > peakOf[s]!) peakOf[s] = v;
    }
  }
  const all = coarse.map((c) => Array.from(c, (v) => (Number.isNaN(v) ? null : round6(v))));
  const peaks = Array.from(peakOf, (peak, shard) => ({ shard, peak }));
  peaks.sort((x, y) => y.peak - x.peak || x.shard - y.shard);
  // The hottest shards' series are numbers throughout: a step where the shard did not exist
  // (beyond its row, or NaN: a target's closed parent) carried no load, 0.
  const hottest = peaks.slice(0, hottestCount).map(({ shard }) => ({
    shard,
    utilization: Array.from({ length: rowCount }, (_, j) => {
      const v = rows[j]?.[shard];
      return v === undefined || Number.isNaN(v) ? 0 : round6(v);
    }),
  }));
  return rowStep > 1
    ? { stepSeconds: step, all, hottest, hottestStepSeconds: rowStep }
    : { stepSeconds: step, all, hottest };
}
