/**
 * The hottest shard of an estimated load. An analytical load gives each shard a mean share (its
 * placed keys plus tail share × range width) and a variance (TailEstimate): which shard ends up
 * hottest, and by how much, depends on where the tail's keys happen to hash.
 *
 * Model: shard j's share is normal with that mean μ_j and standard deviation σ_j (a sum of many
 * small independent contributions), shards independent. Then P(max ≤ x) = Π_j Φ((x − μ_j)/σ_j),
 * E[max] = ∫ (1 − P(max ≤ x)) dx above a point where P(max ≤ x) ≈ 0, and the q-quantile of the
 * max solves Σ_j ln Φ((x − μ_j)/σ_j) = ln q. The shards' shares really are slightly negatively
 * correlated (they sum to 1), which makes the independent model a little pessimistic.
 */
import { erfcPolynomial } from '../scenario/record-size.js';
import type { KeyLoad } from './load.js';

/** The hottest shard's share, expected and at a quantile. */
export interface HottestShardEstimate {
  /** The shard with the largest mean share. */
  shard: number;
  /** Its mean share (the largest entry of `shardShares`). */
  meanShare: number;
  /** The expected share of whichever shard turns out hottest (≥ meanShare). */
  expectedMaxShare: number;
  /** The hottest shard's share stays at or below this with probability `quantile`. */
  quantileMaxShare: number;
  quantile: number;
}

/** Standard deviations beyond which a normal's tail is below 1e−15 and is ignored. */
const REACH = 8.5;
/** Simpson intervals for E[max]; the integrand is smooth over a span of ≤ 17 σ. */
const INTERVALS = 256;

/**
 * Estimates the hottest shard's share under the tail's variance. For an exact load (no variance)
 * every figure is the largest share.
 */
export function estimateHottestShard(
  load: KeyLoad,
  options: { quantile?: number } = {},
): HottestShardEstimate {
  const quantile = options.quantile ?? 0.99;
  if (!(quantile > 0 && quantile < 1)) throw new RangeError(`quantile must be in (0, 1), got ${quantile}`);
  const means = load.shardShares;
  const variances = load.tail?.shardVariance;
  let shard = 0;
  for (let j = 1; j < means.length; j++) if (means[j]! > means[shard]!) shard = j;
  const meanShare = means[shard]!;
  const sds = Float64Array.from(means, (_, j) => Math.sqrt(variances?.[j] ?? 0));

  // Below `low` some shard is almost surely above x, so P(max ≤ x) ≈ 0; above `high` every shard
  // is almost surely below x.
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < means.length; j++) {
    low = Math.max(low, means[j]! - REACH * sds[j]!);
    high = Math.max(high, means[j]! + REACH * sds[j]!);
  }
  if (!(high > low)) {
    return { shard, meanShare, expectedMaxShare: meanShare, quantileMaxShare: meanShare, quantile };
  }
  // Shards that can never reach `low` leave the product at 1: skip them.
  const relevant: number[] = [];
  for (let j = 0; j < means.length; j++) if (means[j]! + REACH * sds[j]! >= low) relevant.push(j);
  const logCdfOfMax = (x: number) => {
    let sum = 0;
    for (const j of relevant) {
      const sd = sds[j]!;
      if (sd === 0) {
        if (x < means[j]!) return Number.NEGATIVE_INFINITY;
      } else {
        sum += logNormalCdf((x - means[j]!) / sd);
      }
    }
    return sum;
  };

  // E[max] = low + ∫_low^high (1 − P(max ≤ x)) dx, by Simpson's rule.
  const step = (high - low) / INTERVALS;
  let integral = 0;
  for (let k = 0; k <= INTERVALS; k++) {
    const weight = k === 0 || k === INTERVALS ? 1 : k % 2 === 1 ? 4 : 2;
    integral += weight * -Math.expm1(logCdfOfMax(low + k * step));
  }
  const expectedMaxShare = low + (integral * step) / 3;

  // The quantile by bisection: P(max ≤ x) grows with x.
  const target = Math.log(quantile);
  let lo = low;
  let hi = high;
  for (let iteration = 0; iteration < 100 && hi - lo > 1e-12 * hi; iteration++) {
    const mid = (lo + hi) / 2;
    if (logCdfOfMax(mid) < target) lo = mid;
    else hi = mid;
  }
  return { shard, meanShare, expectedMaxShare, quantileMaxShare: hi, quantile };
}

/**
 * ln Φ(z) for the standard normal, accurate far into both tails: Φ(z) = erfc(−z/√2)/2, with erfc
 * in the Numerical Recipes form t·exp(−x² + P(t)) (relative error below 1.2e−7 everywhere), kept
 * in log space so that Φ(−40) does not underflow.
 */
export function logNormalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly = erfcPolynomial(t);
  // ln erfc(|x|) = ln t − x² + P(t)
  const logErfcAbs = Math.log(t) - ax * ax + poly;
  if (x >= 0) return logErfcAbs - Math.LN2; // Φ(z) = erfc(x)/2 for z ≤ 0
  // z > 0: Φ(z) = 1 − erfc(|x|)/2
  return Math.log1p(-Math.exp(logErfcAbs) / 2);
}
