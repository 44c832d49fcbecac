/**
 * Record-size samplers: the distribution (KS, χ²; fixed seeds), the planner's exact mean, whole
 * bytes.
 */
import { describe, expect, it } from 'vitest';
import { exceedance, lognormalParams, meanRecordBytes, normalCdf } from '../../src/scenario/record-size.js';
import type { RecordSizeDistribution } from '../../src/scenario/schema.js';
import { Rng } from '../../src/workload/random.js';
import { recordSizeSampler } from '../../src/workload/sizes.js';
import { chiSquare, ksCritical, ksDistance } from './stats.js';

const N = 20_000;

function draws(draw: () => number, n = N): number[] {
  return Array.from({ length: n }, draw);
}

describe('record sizes: the distribution (p = 0.001)', () => {
  it('uniform 100 … 2,000 bytes: KS distance below 1.9495/√20,000 = 0.0138', () => {
    const sampler = recordSizeSampler({ dist: 'uniform', min: 100, max: 2000 }, new Rng(1));
    const d = ksDistance(
      draws(sampler.nextUnrounded),
      (x) => 1 - exceedance({ dist: 'uniform', min: 100, max: 2000 }, x),
    );
    expect(d).toBeLessThan(ksCritical(N));
  });

  it('lognormal, median 1 KiB, p99 16 KiB, capped at 8 KiB: KS with the atom at the cap, and the atom’s mass', () => {
    const dist: RecordSizeDistribution = { dist: 'lognormal', median: 1024, p99: 16_384, max: 8192 };
    const { mu, sigma } = lognormalParams(1024, 16_384);
    const sample = draws(recordSizeSampler(dist, new Rng(2)).nextUnrounded);
    // P(X < x) just below the cap is Φ((ln 8192 − μ)/σ), with σ = ln 16 / 2.3263 = 1.1918:
    // Φ(ln 8 / 1.1918) = Φ(1.7448) ≈ 0.9595, so 4.05 % of records sit exactly at the cap.
    const below = (x: number) =>
      x >= 8192 ? normalCdf((Math.log(8192) - mu) / sigma) : 1 - exceedance(dist, x);
    expect(ksDistance(sample, (x) => 1 - exceedance(dist, x), below)).toBeLessThan(ksCritical(N));
    expect(Math.max(...sample)).toBe(8192);
    const atCap = sample.filter((x) => x === 8192).length / N;
    // Binomial standard error √(0.0405 × 0.9595 / 20,000) = 0.0014: within 4 of them.
    expect(Math.abs(atCap - (1 - normalCdf(Math.log(8) / sigma)))).toBeLessThan(4 * 0.0014);
  });

  it('weighted 100 B × 1, 1 KiB × 3, 64 KiB × 1: χ² with 2 degrees of freedom, critical 13.82', () => {
    const sampler = recordSizeSampler(
      {
        dist: 'weighted',
        sizes: [
          { size: 100, weight: 1 },
          { size: 1024, weight: 3 },
          { size: 65_536, weight: 1 },
        ],
      },
      new Rng(3),
    );
    const sample = draws(sampler.next);
    const observed = [100, 1024, 65_536].map((s) => sample.filter((x) => x === s).length);
    // Shares 1/5, 3/5, 1/5 of 20,000: 4,000, 12,000, 4,000; every draw is one of the three.
    expect(observed.reduce((a, c) => a + c, 0)).toBe(N);
    expect(chiSquare(observed, [4000, 12_000, 4000])).toBeLessThan(13.82);
  });
});

describe('record sizes: whole bytes with the planner’s mean', () => {
  const cases: [string, RecordSizeDistribution][] = [
    ['fixed 1 KiB', { dist: 'fixed', size: 1024 }],
    ['fixed 1.2 KiB (1,228.8 bytes)', { dist: 'fixed', size: 1228.8 }],
    ['uniform 1 … 10 bytes', { dist: 'uniform', min: 1, max: 10 }],
    ['lognormal, uncapped', { dist: 'lognormal', median: 500, p99: 5000 }],
    ['lognormal, capped', { dist: 'lognormal', median: 500, p99: 5000, max: 2000 }],
    [
      'weighted fractions',
      {
        dist: 'weighted',
        sizes: [
          { size: 10.5, weight: 1 },
          { size: 99.25, weight: 2 },
        ],
      },
    ],
  ];
  for (const [name, dist] of cases) {
    it(`${name}: mean is meanRecordBytes, and 100,000 draws average to it within 5 standard errors`, () => {
      const sampler = recordSizeSampler(dist, new Rng(4));
      expect(sampler.mean).toBe(meanRecordBytes(dist));
      const sample = draws(sampler.next, 100_000);
      expect(sample.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      const mean = sample.reduce((a, x) => a + x, 0) / sample.length;
      const sd = Math.sqrt(sample.reduce((a, x) => a + (x - mean) ** 2, 0) / (sample.length - 1));
      // A fixed whole size has no spread at all; the fractional ones spread by the rounding (≤ ½ byte).
      expect(Math.abs(mean - sampler.mean)).toBeLessThanOrEqual(5 * (sd / Math.sqrt(sample.length)) + 1e-9);
    });
  }

  it('fixed 1,228.8 bytes: 1,229 four times in five, 1,228 otherwise', () => {
    const sample = draws(recordSizeSampler({ dist: 'fixed', size: 1228.8 }, new Rng(5)).next);
    expect(new Set(sample)).toEqual(new Set([1228, 1229]));
    // Binomial standard error √(0.8 × 0.2 / 20,000) = 0.0028: within 4 of them.
    expect(Math.abs(sample.filter((x) => x === 1229).length / N - 0.8)).toBeLessThan(4 * 0.0028);
  });

  it('a whole fixed size draws nothing from the generator', () => {
    const rng = new Rng(6);
    const sampler = recordSizeSampler({ dist: 'fixed', size: 512 }, rng);
    for (let i = 0; i < 10; i++) expect(sampler.next()).toBe(512);
    expect(rng.uniform()).toBe(new Rng(6).uniform());
  });
});
