/**
 * Walker's alias method, built by Vose's algorithm (M. D. Vose, "A linear algorithm for generating
 * random numbers with a given distribution", IEEE TSE 17(9), 1991): after O(n) set-up, each draw
 * of an index with probability wᵢ / Σw costs one 53-bit uniform, whatever n is.
 *
 * The table has n columns of height 1/n. Column i keeps `keep[i]` of its height for index i and
 * gives the rest to `alias[i]`: a draw picks a column (⌊u·n⌋) and, with the fraction of u·n left,
 * the column's own index or its alias. Vose's set-up fills each "small" column (weight below the
 * mean) from one "large" one, so index i ends up with exactly keep[i]/n plus (1 − keep[j])/n for
 * every column j aliased to it: wᵢ / Σw up to rounding (`probabilities` adds it back up).
 */
import type { Rng } from './random.js';

export class AliasTable {
  /** Columns. */
  readonly size: number;
  /** The share of column i that draws i itself (the rest draws alias[i]). */
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;

  /** Weights must be finite and non-negative, with a positive sum. */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable: no weights');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`AliasTable: weight ${i} is ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new Error('AliasTable: the weights sum to 0');
    this.size = n;
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    // Scaled so that the mean column is 1: small ones (< 1) are topped up from large ones (≥ 1).
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let smallCount = 0;
    let largeCount = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[smallCount++] = i;
      else large[largeCount++] = i;
    }
    while (smallCount > 0 && largeCount > 0) {
      const s = small[--smallCount]!;
      const l = large[largeCount - 1]!;
      this.keep[s] = scaled[s]!;
      this.alias[s] = l;
      // The large column gives 1 − scaled[s] to fill column s.
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) {
        largeCount--;
        small[smallCount++] = l;
      }
    }
    // What is left is 1 up to rounding: those columns keep all of their height.
    while (largeCount > 0) {
      const l = large[--largeCount]!;
      this.keep[l] = 1;
      this.alias[l] = l;
    }
    while (smallCount > 0) {
      const s = small[--smallCount]!;
      this.keep[s] = 1;
      this.alias[s] = s;
    }
  }

  /** An index drawn with probability weight ÷ total. One 53-bit uniform (two generator steps). */
  sample(rng: Rng): number {
    const x = rng.uniform53() * this.size;
    const column = Math.floor(x);
    return x - column < this.keep[column]! ? column : this.alias[column]!;
  }

  /**
   * The probability of each index as the table draws it, summed back from the columns:
   * keep[i]/n + Σ_{j: alias[j] = i} (1 − keep[j])/n. Equal to the weights' shares up to rounding
   * (tests check it; a caller can check a table it did not build).
   */
  probabilities(): Float64Array {
    const n = this.size;
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      p[j] = p[j]! + this.keep[j]! / n;
      const a = this.alias[j]!;
      p[a] = p[a]! + (1 - this.keep[j]!) / n;
    }
    return p;
  }
}
