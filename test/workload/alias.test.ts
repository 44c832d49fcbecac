/** The alias table draws each index with exactly its weight's share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../src/workload/alias.js';
import { Rng } from '../../src/workload/random.js';
import { chiSquare } from './stats.js';

describe('AliasTable', () => {
  it('reproduces the weights exactly: its columns add back up to wᵢ / Σw (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (weights) => {
          fc.pre(weights.some((w) => w > 0));
          const total = weights.reduce((a, w) => a + w, 0);
          const p = new AliasTable(weights).probabilities();
          // Each column's split is one subtraction from a scaled weight: n columns of rounding
          // at 2^−52 each, so 1e−12 absolute is far above the worst case for n ≤ 300.
          for (const [i, w] of weights.entries()) expect(Math.abs(p[i]! - w / total)).toBeLessThan(1e-12);
          // A weight of 0 is never drawn: no column keeps it, no column aliases to it.
          weights.forEach((w, i) => {
            if (w === 0) expect(p[i]).toBe(0);
          });
        },
      ),
    );
  });

  it('draws {1, 2, 3, 4} in shares 0.1, 0.2, 0.3, 0.4 (χ², 3 degrees of freedom)', () => {
    const table = new AliasTable([1, 2, 3, 4]);
    const rng = new Rng(3);
    const n = 100_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[table.sample(rng)]!++;
    // Expected 10,000, 20,000, 30,000, 40,000. χ² with 4 − 1 = 3 degrees of freedom at p = 0.001: 16.27.
    expect(chiSquare(counts, [10_000, 20_000, 30_000, 40_000])).toBeLessThan(16.27);
  });

  it('refuses weights it cannot draw from', () => {
    expect(() => new AliasTable([])).toThrow('no weights');
    expect(() => new AliasTable([0, 0])).toThrow('sum to 0');
    expect(() => new AliasTable([1, -1])).toThrow('weight 1 is -1');
    expect(() => new AliasTable([1, Number.NaN])).toThrow('weight 1 is NaN');
  });
});
