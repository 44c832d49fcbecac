/**
 * Record-size distributions as math: mean, tail probabilities, and the expectation of a size
 * rounded up to a billing step (25 KB PUT payload units, 1 KB on-demand, 5 KB Firehose). Shared by
 * the planner and the engine.
 */
import type { RecordSizeDistribution } from './schema.js';

/** z of the 99th percentile of a standard normal distribution. */
export const Z99 = 2.3263478740408408;

/** Parameters of the lognormal with the given median and 99th percentile. */
export function lognormalParams(median: number, p99: number): { mu: number; sigma: number } {
  const mu = Math.log(Math.max(median, 1e-9));
  const sigma = p99 > median ? Math.log(p99 / median) / Z99 : 0;
  return { mu, sigma };
}

/**
 * The polynomial P(t) of Numerical Recipes' erfcc: erfc(x) ≈ t · exp(−x² + P(t)) with
 * t = 1 / (1 + x/2), |error| < 1.2e-7 for x ≥ 0. Shared with the hottest-shard estimate in src/keys.
 */
export function erfcPolynomial(t: number): number {
  return (
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  );
}

/** Standard normal CDF (Φ), via erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x + erfcPolynomial(t));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The largest record the distribution produces (lognormal: its cap, or p99 when uncapped). */
export function maxRecordBytes(dist: RecordSizeDistribution): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.size;
    case 'uniform':
      return dist.max;
    case 'lognormal':
      return dist.max ?? dist.p99;
    case 'weighted':
      return Math.max(...dist.sizes.map((s) => s.size));
  }
}

/** P(size > x). */
export function exceedance(dist: RecordSizeDistribution, x: number): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.size > x ? 1 : 0;
    case 'uniform':
      if (x < dist.min) return 1;
      if (x >= dist.max) return 0;
      return (dist.max - x) / (dist.max - dist.min);
    case 'lognormal': {
      if (dist.max !== undefined && x >= dist.max) return 0;
      if (x <= 0) return 1;
      const { mu, sigma } = lognormalParams(dist.median, dist.p99);
      if (sigma === 0) return dist.median > x ? 1 : 0;
      return 1 - normalCdf((Math.log(x) - mu) / sigma);
    }
    case 'weighted': {
      const total = dist.sizes.reduce((a, s) => a + s.weight, 0);
      return dist.sizes.filter((s) => s.size > x).reduce((a, s) => a + s.weight, 0) / total;
    }
  }
}

/** Mean record size in bytes (a capped lognormal: E[min(X, max)]). */
export function meanRecordBytes(dist: RecordSizeDistribution): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.size;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(dist.median, dist.p99);
      const mean = Math.exp(mu + (sigma * sigma) / 2);
      if (dist.max === undefined || sigma === 0) return Math.min(mean, dist.max ?? mean);
      // E[min(X, m)] = e^(μ+σ²/2)·Φ((ln m − μ − σ²)/σ) + m·(1 − Φ((ln m − μ)/σ))
      const lm = Math.log(dist.max);
      return (
        mean * normalCdf((lm - mu - sigma * sigma) / sigma) + dist.max * (1 - normalCdf((lm - mu) / sigma))
      );
    }
    case 'weighted': {
      const total = dist.sizes.reduce((a, s) => a + s.weight, 0);
      return dist.sizes.reduce((a, s) => a + s.size * s.weight, 0) / total;
    }
  }
}

/**
 * E[ceil((size + extraBytes) / step)]: the mean number of billing units per record when each record
 * is rounded up to `step` bytes (at least one unit per record). Uses
 * E[ceil(Y/s)] = Σ_{k≥0} P(Y > k·s) for Y ≥ 0, with P(Y > 0) taken as 1 (an empty record bills one unit).
 */
export function meanUnitsPerRecord(dist: RecordSizeDistribution, step: number, extraBytes = 0): number {
  if (dist.dist === 'fixed') return Math.max(1, Math.ceil((dist.size + extraBytes) / step));
  if (dist.dist === 'weighted') {
    const total = dist.sizes.reduce((a, s) => a + s.weight, 0);
    return (
      dist.sizes.reduce((a, s) => a + Math.max(1, Math.ceil((s.size + extraBytes) / step)) * s.weight, 0) /
      total
    );
  }
  const top =
    dist.dist === 'uniform' ? dist.max : (dist.max ?? quantileLognormal(dist.median, dist.p99, 1 - 1e-9));
  const kMax = Math.ceil((top + extraBytes) / step);
  let units = 1;
  for (let k = 1; k < kMax; k++) units += exceedance(dist, k * step - extraBytes);
  return units;
}

function quantileLognormal(median: number, p99: number, p: number): number {
  const { mu, sigma } = lognormalParams(median, p99);
  return Math.exp(mu + sigma * inverseNormalCdf(p));
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The size at quantile p in (0, 1). */
export function recordSizeQuantile(dist: RecordSizeDistribution, p: number): number {
  switch (dist.dist) {
    case 'fixed':
      return dist.size;
    case 'uniform':
      return dist.min + (dist.max - dist.min) * p;
    case 'lognormal': {
      const x = quantileLognormal(dist.median, dist.p99, p);
      return dist.max === undefined ? x : Math.min(x, dist.max);
    }
    case 'weighted': {
      const sorted = [...dist.sizes].sort((x, y) => x.size - y.size);
      const total = sorted.reduce((a, s) => a + s.weight, 0);
      let acc = 0;
      for (const s of sorted) {
        acc += s.weight / total;
        if (acc >= p) return s.size;
      }
      return sorted[sorted.length - 1]!.size;
    }
  }
}
