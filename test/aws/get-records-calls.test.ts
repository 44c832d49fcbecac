/**
 * GetRecords calls per shard shared among polling readers (docs/aws-facts.md, KDS 1: 5 calls/s per
 * shard). A throttled call is retried, so each reader keeps a max-min fair share: readers wanting
 * less than an equal share get what they want, the rest split what is left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getRecordsCallRates } from '../../src/aws/behaviour.js';

describe('getRecordsCallRates', () => {
  it('leaves a reader calling every 200 s its call, and gives the fast reader the rest', () => {
    // Wanted 10 (every 100 ms) and 0.005 (every 200 s): Σ 10.005 > 5. An equal share is 2.5; the
    // slow reader wants less, so it gets 0.005, and the fast one gets 5 − 0.005 = 4.995.
    const [fast, slow] = getRecordsCallRates([10, 0.005]);
    expect(fast).toBeCloseTo(4.995, 12);
    expect(slow).toBeCloseTo(0.005, 12);
  });

  it('splits evenly between readers that each want more than half', () => {
    // 10 + 10 > 5: an equal share each, 5 ÷ 2 = 2.5.
    expect(getRecordsCallRates([10, 10])).toEqual([2.5, 2.5]);
  });

  it('gives four 1-call readers their call and the fifth what is left', () => {
    // Σ 14 > 5. Equal share 5 ÷ 5 = 1: the four readers wanting 1 get 1 each, leaving 1 for the last.
    expect(getRecordsCallRates([1, 1, 1, 1, 10])).toEqual([1, 1, 1, 1, 1]);
  });

  it('gives everyone what they want under the limit', () => {
    // 1 + 1 + 2 = 4 ≤ 5.
    expect(getRecordsCallRates([1, 1, 2])).toEqual([1, 1, 2]);
    expect(getRecordsCallRates([])).toEqual([]);
  });

  it('is a max-min fair share of the limit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 12 }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        (desired, limit) => {
          const rates = getRecordsCallRates(desired, limit);
          const wanted = desired.reduce((a, d) => a + d, 0);
          const total = rates.reduce((a, r) => a + r, 0);
          const eps = 1e-9 * Math.max(1, wanted);
          // Never more than the limit, never more than wanted, and nothing left unused while someone wants more.
          expect(total).toBeLessThanOrEqual(limit + eps);
          expect(Math.abs(total - Math.min(limit, wanted))).toBeLessThanOrEqual(eps);
          rates.forEach((r, i) => {
            expect(r).toBeGreaterThanOrEqual(0);
            expect(r).toBeLessThanOrEqual(desired[i]! + eps);
          });
          // Fairness: a reader short of what it wants gets at least as much as anyone else.
          const most = Math.max(0, ...rates);
          rates.forEach((r, i) => {
            if (r < desired[i]! - eps) expect(r).toBeGreaterThanOrEqual(most - eps);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
