/**
 * Goodness-of-fit statistics for the workload tests. Critical values are written where each test
 * uses them, with their degrees of freedom and level (p = 0.001: a correct sampler fails one seed
 * in a thousand, and the seeds are fixed, so a pass stays a pass).
 */

/** Pearson's χ² = Σ (observed − expected)² / expected. */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    sum += (observed[i]! - e) ** 2 / e;
  }
  return sum;
}

/**
 * The Kolmogorov–Smirnov distance between a sample and a CDF: max over the sorted sample of
 * i/n − F(xᵢ) and F(xᵢ⁻) − (i − 1)/n. `cdfBelow` is P(X < x), for a distribution with an atom
 * (a capped lognormal's mass at its cap); it defaults to `cdf` for a continuous one.
 */
export function ksDistance(
  sample: readonly number[],
  cdf: (x: number) => number,
  cdfBelow: (x: number) => number = cdf,
): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  for (let i = 1; i <= n; i++) {
    const x = sorted[i - 1]!;
    d = Math.max(d, i / n - cdf(x), cdfBelow(x) - (i - 1) / n);
  }
  return d;
}

/**
 * The KS critical distance at α = 0.001 for n draws (large-n form): c(α)/√n with
 * c(α) = √(−ln(α/2)/2) = √(ln 2000 / 2) = √(7.6009/2) = √3.8005 = 1.9495.
 */
export function ksCritical(n: number): number {
  return 1.9495 / Math.sqrt(n);
}
