/**
 * The analytical estimate (heaviest keys placed, the tail spread by range width) against the exact
 * computation on sizes where both run, and the hottest-shard estimate against known values.
 */
import { describe, expect, it } from 'vitest';
import { HASH_SPACE, MAX_HASH_KEY } from '../../src/aws/hash.js';
import { estimateHottestShard, logNormalCdf } from '../../src/keys/estimate.js';
import { type KeyLoad, keyLoad } from '../../src/keys/load.js';
import type { KeyDistribution } from '../../src/scenario/schema.js';
import { range } from './arbitraries.js';

/**
 * Tolerance: the exact share of each shard differs from the estimate by the tail's luck, whose
 * standard deviation the estimate reports (σ_j² = Σw²·width·(1 − width)). Every shard within 5σ
 * (chance of a miss ≈ 64 · 6e−7), and the mean of the squared z-scores near 1: about χ²(n−1)/n,
 * whose sd is √(2/n) (0.18 for 64 shards), so 1 − 3.5·√(2/n) … 1 + 4·√(2/n) is a wide band.
 */
function expectWithinTailSpread(analytical: KeyLoad, exact: KeyLoad): void {
  const variance = analytical.tail!.shardVariance;
  expect(analytical.shardShares.length).toBeGreaterThanOrEqual(64);
  let sumZ2 = 0;
  analytical.shardShares.forEach((a, j) => {
    const sd = Math.sqrt(variance[j]!);
    const z = (exact.shardShares[j]! - a) / sd;
    expect(Math.abs(z), `shard ${j}`).toBeLessThan(5);
    sumZ2 += z * z;
  });
  const n = analytical.shardShares.length;
  const meanZ2 = sumZ2 / n;
  expect(meanZ2).toBeGreaterThan(1 - 3.5 * Math.sqrt(2 / n));
  expect(meanZ2).toBeLessThan(1 + 4 * Math.sqrt(2 / n));
}

describe('analytical estimate ≈ exact', () => {
  it('zipf 200,000 keys s=1 on 64 shards (10,000 placed, the tail spread)', () => {
    const dist = { dist: 'zipf', count: 200_000, exponent: 1, template: 'key-{i}' } as const;
    const exact = keyLoad(dist, { shardCount: 64 });
    const analytical = keyLoad(dist, { shardCount: 64 }, { exactKeyLimit: 100_000 });
    expect(exact.method).toBe('exact');
    expect(analytical.method).toBe('analytical');
    // Tail share: (H(200000) − H(10000))/H(200000) = (12.7833 − 9.7876)/12.7833 ≈ 0.2343.
    expect(analytical.tail!.share).toBeCloseTo(0.2343, 3);
    expect(analytical.tail!.keyCount).toBe(190_000);
    // Σw² over the tail ≈ (1/10000 − 1/200000)/H² = 9.5e−5/163.4 ≈ 5.8e−7, so σ per shard
    // ≈ √(5.8e−7 · (1/64)(63/64)) ≈ 9.5e−5 against a mean tail share of 0.2343/64 ≈ 3.7e−3.
    expect(analytical.tail!.sumSquaredShares).toBeCloseTo(5.81e-7, 8);
    expectWithinTailSpread(analytical, exact);
    for (const j of analytical.shardShares.keys()) {
      expect(Math.abs(analytical.shardShares[j]! - exact.shardShares[j]!)).toBeLessThan(5e-4);
    }
    expect(analytical.hotKeys).toEqual(exact.hotKeys);
    expect(analytical.maxKeyShare).toBe(exact.maxKeyShare);
    expect(analytical.meanKeyBytes).toBeCloseTo(exact.meanKeyBytes, 12);
    expect(analytical.maxKeyBytes).toBe(exact.maxKeyBytes);
    expect(analytical.distinctKeys).toBe(exact.distinctKeys);
  });

  it('uniform 300,000 keys on uneven ranges (a reshard half done: one ½ shard, 64 of 1/128)', () => {
    const half = HASH_SPACE / 2n;
    const step = HASH_SPACE / 128n;
    const small = Array.from({ length: 64 }, (_, k) =>
      range(half + BigInt(k) * step, k === 63 ? MAX_HASH_KEY : half + BigInt(k + 1) * step - 1n),
    );
    const layout = { ranges: [small[0]!, range(0n, half - 1n), ...small.slice(1)] };
    const dist = { dist: 'uniform', count: 300_000, template: 'session-{i}' } as const;
    const exact = keyLoad(dist, layout);
    const analytical = keyLoad(dist, layout, { exactKeyLimit: 100_000 });
    // 10,000 keys placed, 290,000 spread: layout shard 1 (the lower half) gets ≈ ½.
    expect(analytical.shardShares[1]).toBeCloseTo(0.5, 2);
    expectWithinTailSpread(analytical, exact);
  });

  it('hot-set whose cold keys are the heavier ones (the placed keys are two index ranges)', () => {
    // 250,000 hot keys share 0.1 (4e−7 each), 50,000 cold keys share 0.9 (1.8e−5 each): the
    // 60,000 placed keys are all 50,000 cold keys and hot keys 0…9,999.
    const dist = { dist: 'hot-set', count: 300_000, hot: 250_000, share: 0.1, template: 'k{i}' } as const;
    const exact = keyLoad(dist, { shardCount: 64 });
    const analytical = keyLoad(
      dist,
      { shardCount: 64 },
      { exactKeyLimit: 100_000, analyticalHeadKeys: 60_000 },
    );
    expect(analytical.tail!.keyCount).toBe(240_000);
    expect(analytical.tail!.share).toBeCloseTo(240_000 * 4e-7, 15);
    // The tail is 240,000 keys of 4e−7: σ = 4e−7·√(240000·(1/64)(63/64)) ≈ 2.4e−5.
    expectWithinTailSpread(analytical, exact);
    expect(analytical.hotKeys).toEqual(exact.hotKeys);
    expect(analytical.hotKeys[0]!.index).toBe(250_000);
  });

  it('estimates a billion zipf keys in well under a second', () => {
    const dist: KeyDistribution = { dist: 'zipf', count: 1_000_000_000, exponent: 1.1, template: 'user-{i}' };
    const started = performance.now();
    const load = keyLoad(dist, { shardCount: 1000 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(load.method).toBe('analytical');
    expect(load.distinctKeys).toBe(1_000_000_000);
    const total = load.shardShares.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    // Names up to user-999999999 (14 bytes); the mean leans to the short, heavy names.
    expect(load.maxKeyBytes).toBe(14);
    expect(load.meanKeyBytes).toBeGreaterThan(6);
    expect(load.meanKeyBytes).toBeLessThan(14);
  });
});

describe('estimateHottestShard', () => {
  const withTail = (means: number[], variance: number): KeyLoad => ({
    shardShares: Float64Array.from(means),
    hotKeys: [],
    maxKeyShare: 0,
    meanKeyBytes: 1,
    maxKeyBytes: 1,
    method: 'analytical',
    distinctKeys: 1000,
    tail: {
      keyCount: 1000,
      share: 1,
      sumSquaredShares: 0,
      shardVariance: Float64Array.from(means, () => variance),
    },
  });

  it('two shards: E[max of two iid normals] = μ + σ/√π', () => {
    const sigma = 0.01;
    const estimate = estimateHottestShard(withTail([0.5, 0.5], sigma * sigma));
    expect(estimate.expectedMaxShare).toBeCloseTo(0.5 + sigma / Math.sqrt(Math.PI), 7);
    // P(max ≤ x) = Φ(z)² = 0.99 ⇒ z = Φ⁻¹(√0.99) = 2.574961 (Python statistics.NormalDist).
    expect(estimate.quantileMaxShare).toBeCloseTo(0.5 + sigma * 2.574961455590522, 6);
  });

  it('sixteen shards: E[max of 16 iid standard normals] = 1.765991 (∫ x·16φ(x)Φ(x)^15 dx)', () => {
    const sigma = 0.002;
    const estimate = estimateHottestShard(withTail(Array<number>(16).fill(1 / 16), sigma * sigma), {
      quantile: 0.5,
    });
    expect(estimate.expectedMaxShare).toBeCloseTo(1 / 16 + 1.7659913930532622 * sigma, 8);
    // Median: Φ(z)^16 = 0.5 ⇒ z = Φ⁻¹(0.5^(1/16)) = Φ⁻¹(0.957603) = 1.723526 (NormalDist.inv_cdf).
    expect(estimate.quantileMaxShare).toBeCloseTo(1 / 16 + 1.723526049527708 * sigma, 8);
  });

  it('is the largest share when nothing is uncertain', () => {
    const exact = keyLoad({ dist: 'zipf', count: 1000, exponent: 1, template: 'k{i}' }, { shardCount: 8 });
    const estimate = estimateHottestShard(exact);
    const max = Math.max(...exact.shardShares);
    expect(estimate).toMatchObject({ meanShare: max, expectedMaxShare: max, quantileMaxShare: max });
    const unique = estimateHottestShard(keyLoad({ dist: 'unique', length: 36 }, { shardCount: 8 }));
    expect(unique.expectedMaxShare).toBe(1 / 8);
  });

  it('on a real estimate, lies above the mean and near the exact hottest shard', () => {
    const dist = { dist: 'uniform', count: 400_000, template: 'key-{i}' } as const;
    const analytical = keyLoad(
      dist,
      { shardCount: 64 },
      { exactKeyLimit: 1000, analyticalHeadKeys: 0, topKeys: 0 },
    );
    const exact = keyLoad(dist, { shardCount: 64 });
    const estimate = estimateHottestShard(analytical);
    // All 400,000 keys in the tail: σ = (1/400000)·√(400000·(1/64)(63/64)) ≈ 1.96e−4 per shard.
    expect(estimate.meanShare).toBeCloseTo(1 / 64, 12);
    expect(estimate.expectedMaxShare).toBeGreaterThan(1 / 64);
    const actual = Math.max(...exact.shardShares);
    const sd = Math.sqrt(analytical.tail!.shardVariance[0]!);
    expect(Math.abs(actual - estimate.expectedMaxShare)).toBeLessThan(2 * sd);
    expect(actual).toBeLessThan(estimate.quantileMaxShare);
  });
});

describe('logNormalCdf', () => {
  it('matches ln(erfc(−z/√2)/2) from Python far into both tails', () => {
    const cases: [number, number][] = [
      [-38, -726.5572160219617],
      [-8, -35.013437159914545],
      [-3, -6.607726221510348],
      [0, -Math.LN2],
      [1.959963984540054, -0.025317807984289897],
      [3, -0.0013508099647482027],
      [6, -9.865877009111571e-10],
    ];
    for (const [z, expected] of cases) {
      expect(Math.abs(logNormalCdf(z) - expected) / Math.abs(expected), `z = ${z}`).toBeLessThan(2e-7);
    }
  });
});
