/**
 * Key samplers against the shares src/keys defines (χ² goodness of fit, fixed seeds), and the keys
 * they name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedKeys, keyShares, sumPowers } from '../../src/keys/distribution.js';
import type { KeyDistribution } from '../../src/scenario/schema.js';
import {
  indexedKeySampler,
  keySampler,
  ZIPF_TABLE_KEYS,
  ZipfRejectionInversion,
} from '../../src/workload/keys.js';
import { Rng } from '../../src/workload/random.js';
import { chiSquare } from './stats.js';

const N = 200_000;

function counts(draw: () => number, bins: number): number[] {
  const c = new Array<number>(bins).fill(0);
  for (let i = 0; i < N; i++) c[draw()]!++;
  return c;
}

describe('key samplers: χ² against the exact shares (p = 0.001)', () => {
  it('zipf, 50 keys, exponent 1.2: 49 degrees of freedom, critical 85.35', () => {
    const dist = { dist: 'zipf', count: 50, exponent: 1.2, template: 'k-{i}' } as const;
    const sampler = indexedKeySampler(dist, new Rng(1));
    // Key i (1-based rank) has probability i^−1.2 / H(50, 1.2), H(50, 1.2) = Σ_{i=1..50} i^−1.2 ≈ 3.30,
    // computed here from the definition, not from the module under test. The smallest expected
    // count: 50^−1.2 / 3.30 × 200,000 = 0.00915 / 3.30 × 200,000 ≈ 550, well above 5.
    const weights = Array.from({ length: 50 }, (_, i) => (i + 1) ** -1.2);
    const h = weights.reduce((a, b) => a + b, 0);
    expect(h).toBeCloseTo(3.3, 1);
    const expected = weights.map((w) => (w / h) * N);
    expect(Math.min(...expected)).toBeCloseTo(550, -1);
    // And src/keys' shares, which the alias table is built from, are those same probabilities.
    expect(Array.from(keyShares(dist))).toEqual(expected.map((e) => expect.closeTo(e / N, 12)));
    expect(chiSquare(counts(sampler.nextIndex, 50), expected)).toBeLessThan(85.35);
  });

  it('uniform, 20 keys: 19 degrees of freedom, critical 43.82', () => {
    const sampler = indexedKeySampler({ dist: 'uniform', count: 20, template: 'u-{i}' }, new Rng(2));
    // 10,000 expected in each.
    expect(chiSquare(counts(sampler.nextIndex, 20), new Array(20).fill(N / 20))).toBeLessThan(43.82);
  });

  it('weighted with a repeated key and an ExplicitHashKey: 3 degrees of freedom, critical 16.27', () => {
    const dist: KeyDistribution & { dist: 'weighted' } = {
      dist: 'weighted',
      keys: [
        { key: 'a', weight: 5 },
        { key: 'b', weight: 1, explicitHashKey: '170141183460469231731687303715884105728' },
        { key: 'a', weight: 3 },
        { key: 'c', weight: 1 },
      ],
    };
    const sampler = indexedKeySampler(dist, new Rng(3));
    // Shares 5/10, 1/10, 3/10, 1/10 of 200,000: 100,000, 20,000, 60,000, 20,000.
    expect(chiSquare(counts(sampler.nextIndex, 4), [100_000, 20_000, 60_000, 20_000])).toBeLessThan(16.27);
    expect(sampler.keyOf(1)).toEqual({
      partitionKey: 'b',
      explicitHashKey: '170141183460469231731687303715884105728',
    });
    expect(sampler.keyOf(2)).toEqual({ partitionKey: 'a', explicitHashKey: undefined });
  });

  it('hot-set, 2 hot of 10 carrying 0.7: 9 degrees of freedom, critical 27.88', () => {
    const sampler = indexedKeySampler(
      { dist: 'hot-set', count: 10, hot: 2, share: 0.7, template: 'h-{i}' },
      new Rng(4),
    );
    // Hot keys 0.7/2 = 0.35 each (70,000), the 8 cold ones 0.3/8 = 0.0375 each (7,500).
    const expected = [70_000, 70_000, ...new Array(8).fill(7_500)];
    expect(chiSquare(counts(sampler.nextIndex, 10), expected)).toBeLessThan(27.88);
  });

  it('zipf beyond the table (5,000,000 keys): the head, the tail column and the tail by rejection-inversion', () => {
    const dist = { dist: 'zipf', count: 5_000_000, exponent: 1, template: 'k-{i}' } as const;
    const keys = generatedKeys(dist);
    const sampler = indexedKeySampler(dist, new Rng(5));
    // Bins: keys 0 … 9 one each, then [10, 2^20), [2^20, 2^21), [2^21, 2^22), [2^22, 5,000,000):
    // 14 bins, 13 degrees of freedom, critical 34.53. The last three are the tail (2^20 = 1,048,576
    // keys in the table), together 1 − H(2^20)/H(5·10^6) ≈ 1 − 14.44/16.00 ≈ 9.8 % of records.
    const edges = [
      ...Array.from({ length: 11 }, (_, i) => i),
      ZIPF_TABLE_KEYS,
      2 * ZIPF_TABLE_KEYS,
      4 * ZIPF_TABLE_KEYS,
      dist.count,
    ];
    const expected = edges.slice(1).map((to, b) => keys.massOf(edges[b]!, to) * N);
    const binOf = (index: number) => {
      let b = 0;
      while (index >= edges[b + 1]!) b++;
      return b;
    };
    const observed = counts(() => binOf(sampler.nextIndex()), expected.length);
    expect(observed.slice(11).reduce((a, c) => a + c, 0) / N).toBeCloseTo(0.098, 2);
    expect(chiSquare(observed, expected)).toBeLessThan(34.53);
  });

  it.each([
    // H(x) = ln x at s = 1 (its own branch) and (x^0.4 − 1)/0.4 at s = 0.6: each branch of H, H⁻¹.
    [1, 16],
    [0.6, 17],
  ])(
    'rejection-inversion alone, ranks 1 … 50 at exponent %d: 49 degrees of freedom, critical 85.35',
    (exponent, seed) => {
      // P(k) = k^−s / Σ_{j=1}^{50} j^−s: at s = 1, Σ = H(50) ≈ 4.499, so rank 1 takes 22% and rank 50
      // 0.44% (~890 expected); at s = 0.6, Σ ≈ 10.05 and the smallest, 50^−0.6 / Σ ≈ 0.0956 / 10.05
      // ≈ 0.0095 (~1,900 expected).
      const sampler = new ZipfRejectionInversion(1, 50, exponent);
      const rng = new Rng(seed);
      const weights = Array.from({ length: 50 }, (_, i) => (i + 1) ** -exponent);
      const total = weights.reduce((a, b) => a + b, 0);
      const expected = weights.map((w) => (w / total) * N);
      expect(Math.min(...expected)).toBeGreaterThan(800);
      expect(
        chiSquare(
          counts(() => sampler.sample(rng) - 1, 50),
          expected,
        ),
      ).toBeLessThan(85.35);
    },
  );

  it('rejection-inversion alone, ranks 11 … 60 at exponent 1.5: 49 degrees of freedom, critical 85.35', () => {
    const sampler = new ZipfRejectionInversion(11, 60, 1.5);
    const rng = new Rng(6);
    // P(k) = k^−1.5 / Σ_{j=11}^{60} j^−1.5; the smallest, 60^−1.5 / 0.36 = 0.00215 / 0.36 ≈ 0.0060, expects ~1,200.
    const total = sumPowers(11, 60, 1.5);
    const expected = Array.from({ length: 50 }, (_, i) => ((i + 11) ** -1.5 / total) * N);
    expect(
      chiSquare(
        counts(() => sampler.sample(rng) - 11, 50),
        expected,
      ),
    ).toBeLessThan(85.35);
  });
});

describe('the keys records are sent with', () => {
  it('names generated keys by the template', () => {
    const sampler = indexedKeySampler({ dist: 'uniform', count: 1000, template: 'device-{i}' }, new Rng(7));
    expect(sampler.keyOf(42)).toEqual({ partitionKey: 'device-42' });
    expect(sampler.next().partitionKey).toMatch(/^device-\d{1,3}$/);
  });

  it('unique: a fresh key of `length` base64url characters per record, the same sequence for the same seed', () => {
    const dist: KeyDistribution = { dist: 'unique', length: 36 };
    const a = keySampler(dist, new Rng(8));
    const b = keySampler(dist, new Rng(8));
    const keys = Array.from({ length: 20_000 }, () => a.next().partitionKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys.slice(0, 100)) expect(k).toMatch(/^[A-Za-z0-9_-]{36}$/);
    expect(Array.from({ length: 20_000 }, () => b.next().partitionKey)).toEqual(keys);
    expect(keySampler(dist, new Rng(9)).next().partitionKey).not.toBe(keys[0]);
  });

  it('unique: the keys of the straightforward sampler (one character at a time, joined), for any length', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Five characters of 6 bits from each 32-bit step, low bits first, as the sampler's comment says.
    const reference = (rng: Rng, length: number) => {
      let key = '';
      let bits = 0;
      for (let i = 0; i < length; i++) {
        if (i % 5 === 0) bits = (rng.uniform() * 2 ** 32) >>> 0;
        key += alphabet[bits & 63];
        bits >>>= 6;
      }
      return key;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.nat(2 ** 31), (length, seed) => {
        const sampler = keySampler({ dist: 'unique', length }, new Rng(seed));
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) expect(sampler.next().partitionKey).toBe(reference(rng, length));
      }),
      { numRuns: 200 },
    );
  });

  it('unique: each character is uniform over the 64 (χ², 63 degrees of freedom, critical 103.4)', () => {
    const sampler = keySampler({ dist: 'unique', length: 7 }, new Rng(10));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const observed = new Array<number>(64).fill(0);
    // 20,000 keys × 7 characters = 140,000 characters, 2,187.5 expected per character. Position 5
    // starts a new generator step: the test covers both the first and a later 32-bit word.
    for (let i = 0; i < 20_000; i++)
      for (const c of sampler.next().partitionKey) observed[alphabet.indexOf(c)]!++;
    expect(chiSquare(observed, new Array(64).fill(140_000 / 64))).toBeLessThan(103.4);
  });
});
