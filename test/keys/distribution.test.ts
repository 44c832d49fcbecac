import { describe, expect, it } from 'vitest';
import {
  distinctKeyCount,
  generatedKeys,
  keyShares,
  maxKeyBytes,
  meanKeyBytes,
  sumPowers,
} from '../../src/keys/distribution.js';
import type { KeyDistribution } from '../../src/scenario/schema.js';

const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(actual[i]).toBeCloseTo(e, 14);
  });
};

describe('keyShares', () => {
  it('uniform: 1/N each', () => {
    close(keyShares({ dist: 'uniform', count: 4, template: 'k{i}' }), [0.25, 0.25, 0.25, 0.25]);
  });

  it('zipf N=3 s=1: H3 = 1 + 1/2 + 1/3 = 11/6, so 6/11, 3/11, 2/11', () => {
    close(keyShares({ dist: 'zipf', count: 3, exponent: 1, template: 'k{i}' }), [6 / 11, 3 / 11, 2 / 11]);
  });

  it('zipf N=4 s=2: H = 1 + 1/4 + 1/9 + 1/16 = 205/144, so 144/205, 36/205, 16/205, 9/205', () => {
    close(keyShares({ dist: 'zipf', count: 4, exponent: 2, template: 'k{i}' }), [
      144 / 205,
      36 / 205,
      16 / 205,
      9 / 205,
    ]);
  });

  it('zipf s=0 is uniform', () => {
    close(keyShares({ dist: 'zipf', count: 5, exponent: 0, template: 'k{i}' }), [0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it('hot-set N=10 hot=2 share=0.5: 0.5/2 = 0.25 for keys 0, 1; 0.5/8 = 0.0625 for the rest', () => {
    const shares = keyShares({ dist: 'hot-set', count: 10, hot: 2, share: 0.5, template: 'k{i}' });
    close(shares, [0.25, 0.25, ...Array<number>(8).fill(0.0625)]);
  });

  it('hot-set with every key hot: they carry everything, 1/N each, whatever share says', () => {
    close(
      keyShares({ dist: 'hot-set', count: 4, hot: 4, share: 0.3, template: 'k{i}' }),
      [0.25, 0.25, 0.25, 0.25],
    );
  });

  it('weighted: normalised, duplicates kept apart', () => {
    const shares = keyShares({
      dist: 'weighted',
      keys: [
        { key: 'a', weight: 1 },
        { key: 'b', weight: 3 },
        { key: 'a', weight: 4 },
      ],
    });
    close(shares, [1 / 8, 3 / 8, 4 / 8]);
  });
});

describe('generatedKeys', () => {
  it('hot-set whose cold keys are heavier ranks the cold keys first', () => {
    // N=10 hot=5 share=0.1: hot keys 0.1/5 = 0.02 each, cold keys 0.9/5 = 0.18 each.
    const keys = generatedKeys({ dist: 'hot-set', count: 10, hot: 5, share: 0.1, template: 'k{i}' });
    expect(keys.heaviest(3)).toEqual([[5, 8]]);
    expect(keys.heaviest(7)).toEqual([
      [5, 10],
      [0, 2],
    ]);
    // Tail after 7: 3 hot keys, 3 · 0.02 = 0.06; squares 3 · 0.0004 = 0.0012.
    expect(keys.tail(7).share).toBeCloseTo(0.06, 15);
    expect(keys.tail(7).sumSquaredShares).toBeCloseTo(0.0012, 15);
    expect(keys.countAbove(0.1)).toBe(5);
    expect(keys.countAbove(0.01)).toBe(10);
  });

  it('zipf countAbove agrees with counting one by one', () => {
    const dist = { dist: 'zipf', count: 5000, exponent: 1.3, template: 'k{i}' } as const;
    const keys = generatedKeys(dist);
    const shares = keyShares(dist);
    for (const threshold of [0, 1e-6, 1e-4, 1e-3, 0.01, 0.1, 0.5, 1]) {
      expect(keys.countAbove(threshold), `threshold ${threshold}`).toBe(
        shares.filter((s) => s > threshold).length,
      );
    }
  });

  it('tail sums agree with summing the shares', () => {
    const dist = { dist: 'zipf', count: 3000, exponent: 0.8, template: 'k{i}' } as const;
    const keys = generatedKeys(dist);
    const shares = keyShares(dist);
    const rest = shares.slice(100);
    expect(keys.tail(100).share).toBeCloseTo(
      rest.reduce((a, b) => a + b, 0),
      13,
    );
    expect(keys.tail(100).sumSquaredShares).toBeCloseTo(
      rest.reduce((a, b) => a + b * b, 0),
      15,
    );
  });
});

describe('sumPowers', () => {
  function direct(a: number, b: number, s: number): number {
    // Kahan summation, smallest terms first: the oracle.
    let sum = 0;
    let carry = 0;
    for (let k = b; k >= a; k--) {
      const y = k ** -s - carry;
      const t = sum + y;
      carry = t - sum - y;
      sum = t;
    }
    return sum;
  }

  it.each([0.3, 0.5, 0.99, 1, 1.01, 1.5, 2, 3.5])(
    'matches a direct sum for s = %s (Euler–Maclaurin tail)',
    (s) => {
      for (const [a, b] of [
        [1, 1_000_000],
        [1, 150_000],
        [5000, 400_000],
        [10_001, 200_000],
      ] as const) {
        const expected = direct(a, b, s);
        expect(Math.abs(sumPowers(a, b, s) - expected) / expected, `${a}…${b}`).toBeLessThan(1e-13);
      }
    },
  );

  it('handles empty ranges, s = 0 and huge counts', () => {
    expect(sumPowers(5, 4, 1)).toBe(0);
    expect(sumPowers(3, 10, 0)).toBe(8);
    // Σ 1/k² → π²/6; the terms beyond 2^53 add less than 2^−53.
    expect(sumPowers(1, 2 ** 53, 2)).toBeCloseTo(Math.PI ** 2 / 6, 14);
    // H(10^12) = ln(10^12) + γ + 1/(2·10^12) − …
    expect(sumPowers(1, 1e12, 1)).toBeCloseTo(Math.log(1e12) + 0.5772156649015329, 11);
  });
});

describe('key bytes', () => {
  it('uniform N=12 "key-{i}": ten 5-byte names (key-0…key-9), two 6-byte: (10·5 + 2·6)/12', () => {
    const dist = { dist: 'uniform', count: 12, template: 'key-{i}' } as const;
    expect(meanKeyBytes(dist)).toBeCloseTo(62 / 12, 14);
    expect(maxKeyBytes(dist)).toBe(6);
  });

  it('zipf N=11 s=1 "k{i}": only k10 (rank 11) has 3 bytes, so 2 + (1/11)/H11, H11 = 83711/27720', () => {
    const dist = { dist: 'zipf', count: 11, exponent: 1, template: 'k{i}' } as const;
    expect(meanKeyBytes(dist)).toBeCloseTo(2 + 1 / 11 / (83711 / 27720), 14);
    expect(maxKeyBytes(dist)).toBe(3);
  });

  it('counts UTF-8 bytes, not characters: "café-{i}" → café-0 is 7 bytes (é is 2)', () => {
    const dist = { dist: 'uniform', count: 3, template: 'café-{i}' } as const;
    expect(meanKeyBytes(dist)).toBe(7);
  });

  it('weighted: 0.25·1 byte ("a") + 0.75·2 bytes ("ü") = 1.75', () => {
    const dist: KeyDistribution = {
      dist: 'weighted',
      keys: [
        { key: 'a', weight: 1 },
        { key: 'ü', weight: 3 },
      ],
    };
    expect(meanKeyBytes(dist)).toBeCloseTo(1.75, 15);
    expect(maxKeyBytes(dist)).toBe(2);
  });

  it('ignores keys that carry nothing: hot-set share=1 never sends the cold keys', () => {
    const dist = { dist: 'hot-set', count: 100, hot: 5, share: 1, template: 'key-{i}' } as const;
    expect(maxKeyBytes(dist)).toBe(5); // key-4
    expect(distinctKeyCount(dist)).toBe(5);
  });

  it('unique keys are `length` bytes', () => {
    expect(meanKeyBytes({ dist: 'unique', length: 36 })).toBe(36);
    expect(maxKeyBytes({ dist: 'unique', length: 36 })).toBe(36);
  });
});

describe('distinctKeyCount', () => {
  it('counts a weighted key once per routing, unique keys as unbounded', () => {
    const dist: KeyDistribution = {
      dist: 'weighted',
      keys: [
        { key: 'a', weight: 1 },
        { key: 'a', weight: 2 },
        { key: 'a', weight: 1, explicitHashKey: '5' },
      ],
    };
    expect(distinctKeyCount(dist)).toBe(2);
    expect(distinctKeyCount({ dist: 'unique', length: 36 })).toBe('unbounded');
    expect(distinctKeyCount({ dist: 'zipf', count: 1e9, exponent: 1, template: 'k{i}' })).toBe(1e9);
  });
});
