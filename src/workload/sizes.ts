/**
 * Record-size samplers: the data bytes of each record a real target sends, for every size
 * distribution of the scenario language (fixed, uniform, lognormal capped at `max`, weighted).
 *
 * A size is a whole number of bytes, but a distribution's sizes need not be (`1.2KiB` is 1,228.8
 * bytes; a uniform or lognormal size is continuous). Rounding to the nearest byte would move the
 * mean; each size is rounded up with probability equal to its fraction and down otherwise
 * (⌊x⌋ + 1 with probability x − ⌊x⌋), so E[size] = E[x] exactly and `mean` is what the planner and
 * the engine use (`meanRecordBytes`, the one definition, not a copy of it).
 *
 * The schema clamps only the lognormal, at `max` (`withServiceDefaults` fills it from the stream's
 * maximum record size): pass the producer as it runs. Below, a lognormal has no floor, so a draw
 * under one byte rounds to 0 or 1 byte (mean kept): P(X < 1) = Φ(−ln median ÷ σ), for a median of
 * 100 B and a p99 of 1 KiB (σ = ln 10.24 ÷ 2.326 = 1.00) Φ(−4.61) ≈ 2 × 10⁻⁶. A floor at 1 byte
 * would move the mean away from the planner's, which has none either.
 */
import { lognormalParams, meanRecordBytes } from '../scenario/record-size.js';
import type { RecordSizeDistribution } from '../scenario/schema.js';
import { AliasTable } from './alias.js';
import type { Rng } from './random.js';

export interface RecordSizeSampler {
  /** E[size] in bytes: `meanRecordBytes` of the distribution (a capped lognormal: E[min(X, max)]). */
  readonly mean: number;
  /** The next record's data size in whole bytes, rounded so that its mean is `mean`. */
  next(): number;
  /** The next size before rounding to whole bytes (continuous distributions; for tests and models). */
  nextUnrounded(): number;
}

export function recordSizeSampler(dist: RecordSizeDistribution, rng: Rng): RecordSizeSampler {
  const draw = unroundedDraw(dist, rng);
  return {
    mean: meanRecordBytes(dist),
    nextUnrounded: draw,
    next: () => {
      const x = draw();
      const whole = Math.floor(x);
      // A whole size draws nothing more: a fixed 1 KiB costs no generator step.
      return x === whole ? whole : whole + (rng.uniform() < x - whole ? 1 : 0);
    },
  };
}

function unroundedDraw(dist: RecordSizeDistribution, rng: Rng): () => number {
  switch (dist.dist) {
    case 'fixed': {
      const size = dist.size;
      return () => size;
    }
    case 'uniform': {
      const { min, max } = dist;
      return () => min + (max - min) * rng.uniform53();
    }
    case 'lognormal': {
      // The parameters `exceedance` and `meanRecordBytes` use: μ = ln median, σ = ln(p99/median)/z₉₉.
      const { mu, sigma } = lognormalParams(dist.median, dist.p99);
      const cap = dist.max ?? Number.POSITIVE_INFINITY;
      if (sigma === 0) {
        const size = Math.min(Math.exp(mu), cap);
        return () => size;
      }
      // The exact normal (polar method), not the engine's 65,536-value table: records are many and
      // a table's largest value would cap the tail at 4.3σ.
      return () => Math.min(cap, Math.exp(mu + sigma * rng.normal()));
    }
    case 'weighted': {
      const sizes = dist.sizes.map((s) => s.size);
      const table = new AliasTable(dist.sizes.map((s) => s.weight));
      return () => sizes[table.sample(rng)]!;
    }
  }
}
