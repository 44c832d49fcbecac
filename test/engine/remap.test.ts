/**
 * `remap` moves per-shard quantities (backlogs, retry rates, arrival counts) from an even split of
 * the hash-key space into n shards to an even split into m, as a reshard does (docs/aws-facts.md, KDS 4:
 * uniform scaling). Old shard i owns [i/n, (i+1)/n) of the key space, new shard j owns [j/m,
 * (j+1)/m); a quantity spread evenly over its shard's range goes to each new shard in proportion
 * to the overlap. The oracle computes overlaps exactly in integers: in units of 1/(n·m) of the key
 * space, old shard i is [i·m, (i+1)·m) and new shard j is [j·n, (j+1)·n), so new shard j gets
 * Σ_i values[i] × overlap(i, j) / m.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remap } from '../../src/engine/layout.js';

function remapOracle(values: readonly number[], n: number, m: number): number[] {
  const out = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const overlap = Math.max(0, Math.min((i + 1) * m, (j + 1) * n) - Math.max(i * m, j * n));
      out[j] = out[j]! + (values[i]! * overlap) / m;
    }
  }
  return out;
}

const layoutArb = fc
  .record({ n: fc.integer({ min: 1, max: 64 }), m: fc.integer({ min: 1, max: 64 }) })
  .chain(({ n, m }) =>
    fc.record({
      n: fc.constant(n),
      m: fc.constant(m),
      values: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: n, maxLength: n }),
    }),
  );

const total = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

describe('remap', () => {
  it('conserves the total (property)', () => {
    fc.assert(
      fc.property(layoutArb, ({ n, m, values }) => {
        const out = remap(Float64Array.from(values), n, m);
        expect(out).toHaveLength(m);
        expect(Math.abs(total(out) - total(values))).toBeLessThanOrEqual(1e-9 * Math.max(1, total(values)));
      }),
      { numRuns: 500 },
    );
  });

  it('splits by hash-range overlap (property, against an exact integer oracle)', () => {
    fc.assert(
      fc.property(layoutArb, ({ n, m, values }) => {
        const out = remap(Float64Array.from(values), n, m);
        const expected = remapOracle(values, n, m);
        const scale = Math.max(1, ...values);
        expected.forEach((e, j) => {
          expect(Math.abs(out[j]! - e)).toBeLessThanOrEqual(1e-9 * scale);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a split and the merge back give the values back (property)', () => {
    // n → k·n splits each shard into k children with 1/k each; merging them back adds them up.
    fc.assert(
      fc.property(layoutArb, fc.integer({ min: 2, max: 4 }), ({ n, values }, k) => {
        const back = remap(remap(Float64Array.from(values), n, k * n), k * n, n);
        values.forEach((v, i) => {
          expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, v));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('hand-computed cases', () => {
    // 2 → 4: each parent halves into its two children.
    expect(Array.from(remap(Float64Array.from([10, 30]), 2, 4))).toEqual([5, 5, 15, 15]);
    // 4 → 2: pairs merge.
    expect(Array.from(remap(Float64Array.from([1, 2, 3, 4]), 4, 2))).toEqual([3, 7]);
    // 2 → 3: shard 0 of 3 is [0, 1/3) ⊂ old 0 ([0, 1/2)): 2/3 of old 0; shard 1 is [1/3, 2/3):
    // 1/3 of old 0 and 1/3 of old 1; shard 2 is 2/3 of old 1. With [30, 60]: [20, 10 + 20, 40].
    const out = remap(Float64Array.from([30, 60]), 2, 3);
    expect(out[0]).toBeCloseTo(20, 12);
    expect(out[1]).toBeCloseTo(30, 12);
    expect(out[2]).toBeCloseTo(40, 12);
  });

  it('returns a copy when the count does not change', () => {
    const values = Float64Array.from([1, 2, 3]);
    const out = remap(values, 3, 3);
    expect(out).not.toBe(values);
    expect(Array.from(out)).toEqual([1, 2, 3]);
  });
});
