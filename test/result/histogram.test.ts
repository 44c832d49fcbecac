import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  emptyHistogram,
  HISTOGRAM_HIGHEST_US,
  LatencyRecorder,
  maxSeconds,
  meanSeconds,
  mergeHistograms,
  minSeconds,
  percentileSeconds,
  percentilesSeconds,
} from '../../src/result/histogram.js';
import type { EncodedHistogram } from '../../src/result/types.js';

type Sample = readonly [us: number, count: number];

function record(samples: readonly Sample[]): EncodedHistogram {
  const recorder = new LatencyRecorder();
  for (const [us, count] of samples) recorder.record(us / 1e6, count);
  const encoded = recorder.encode();
  recorder.destroy();
  return encoded;
}

/** Latencies in µs over several decades (sub-ms to an hour), each with a small count. */
const sampleArb: fc.Arbitrary<Sample> = fc.tuple(
  fc.oneof(
    fc.integer({ min: 0, max: 2_047 }),
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.integer({ min: 0, max: 3_600_000_000 }),
  ),
  fc.integer({ min: 1, max: 5 }),
);

/**
 * Nearest-rank quantile, HDR's definition: the smallest value with at least ⌈p/100 · n⌉ values at
 * or below it (at least the first). `perMille` keeps the rank in integers: p = perMille / 10.
 */
function exactQuantileUs(sorted: readonly number[], perMille: number): number {
  const rank = Math.max(1, Math.ceil((perMille * sorted.length) / 1000));
  return sorted[rank - 1]!;
}

describe('LatencyRecorder', () => {
  it('keeps the exact max beside the histogram, whose own max is its bucket top', () => {
    const e = record([
      [17, 1],
      [123_456_789, 1],
    ]);
    expect(e).toMatchObject({ count: 2, minUs: 17, maxUs: 123_456_789, clamped: 0 });
    expect(maxSeconds(e)).toBe(123.456789);
    expect(minSeconds(e)).toBe(0.000017);
    // 123 456 789 µs lies in a bucket 65 536 µs wide (2^26 ≤ v < 2^27, 2048 sub-buckets of 2^16):
    // [123 404 288, 123 469 824), so the decoded histogram says 123 469 823.
    expect(decodeHistogram(e).maxValue).toBe(123_469_823);
    expect(percentileSeconds(e, 100)).toBe(123.456789);
    // The bucket top of p99 would pass the exact max: it is held at the max.
    expect(percentileSeconds(e, 99)).toBe(123.456789);
  });

  it('rounds seconds to whole microseconds and records counts', () => {
    const recorder = new LatencyRecorder();
    recorder.record(0.0000014, 3); // 1.4 µs → 1 µs
    recorder.record(0.0000016); // 1.6 µs → 2 µs
    recorder.record(0.25, 0); // nothing
    const e = recorder.encode();
    expect(e).toMatchObject({ count: 4, minUs: 1, maxUs: 2 });
    expect(recorder.count).toBe(4);
    // Below 2048 µs every value has its own bucket: exact.
    expect(percentilesSeconds(e, [0, 50, 75, 76, 100])).toEqual([
      0.000001, 0.000001, 0.000001, 0.000002, 0.000002,
    ]);
    expect(meanSeconds(e)).toBeCloseTo(0.00000125, 12); // (3 × 1 + 2) / 4 µs
  });

  it('clamps values above the highest trackable value and counts them', () => {
    const thirtyDays = 30 * 24 * 3600;
    const recorder = new LatencyRecorder();
    recorder.record(0.01, 9);
    expect(() => recorder.record(thirtyDays, 1)).not.toThrow();
    const e = recorder.encode();
    expect(e).toMatchObject({ count: 10, clamped: 1, minUs: 10_000, maxUs: thirtyDays * 1e6 });
    expect(maxSeconds(e)).toBe(thirtyDays);
    // p95 → rank ⌈9.5⌉ = 10: the clamped value, recorded at the 7-day ceiling (to within its bucket).
    const p95 = percentileSeconds(e, 95);
    expect(p95).toBeGreaterThanOrEqual(HISTOGRAM_HIGHEST_US / 1e6);
    expect(p95).toBeLessThanOrEqual((HISTOGRAM_HIGHEST_US / 1e6) * 1.001);
  });

  it('rejects latencies and counts that are not measurements', () => {
    const recorder = new LatencyRecorder();
    expect(() => recorder.record(-0.001)).toThrow(RangeError);
    expect(() => recorder.record(Number.NaN)).toThrow(/finite/);
    expect(() => recorder.record(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => recorder.record(0.1, 1.5)).toThrow(/integer/);
    expect(() => recorder.record(0.1, -1)).toThrow(RangeError);
    expect(recorder.count).toBe(0);
  });

  it('gives 0 for every figure of an empty histogram', () => {
    const e = emptyHistogram();
    expect(e).toMatchObject({ count: 0, minUs: 0, maxUs: 0, clamped: 0 });
    expect(percentilesSeconds(e, [0, 50, 99, 100])).toEqual([0, 0, 0, 0]);
    expect(meanSeconds(e)).toBe(0);
    expect(maxSeconds(e)).toBe(0);
  });

  it('rejects percentiles outside 0–100', () => {
    const e = record([[5, 1]]);
    expect(() => percentileSeconds(e, 101)).toThrow(RangeError);
    expect(() => percentileSeconds(e, -1)).toThrow(RangeError);
    expect(() => percentileSeconds(e, Number.NaN)).toThrow(RangeError);
  });

  it('encodes deterministically', () => {
    const samples: Sample[] = [
      [1_000, 4],
      [250_000, 2],
      [3_000_000, 1],
    ];
    expect(record(samples).encoded).toBe(record([...samples].reverse()).encoded);
  });
});

describe('mergeHistograms', () => {
  it('merges exactly: k parts merged equal everything recorded into one', () => {
    fc.assert(
      fc.property(
        fc.array(sampleArb, { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 6 }),
        (samples, assignment, k) => {
          const parts: Sample[][] = Array.from({ length: k }, () => []);
          for (const [i, s] of samples.entries()) parts[(assignment[i] ?? i) % k]!.push(s);
          const merged = mergeHistograms(parts.map(record));
          expect(merged).toEqual(record(samples));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('merges clamped counts and skips empty parts', () => {
    const a = record([[HISTOGRAM_HIGHEST_US + 5, 2]]);
    const b = record([[42, 1]]);
    const merged = mergeHistograms([emptyHistogram(), a, emptyHistogram(), b]);
    expect(merged).toMatchObject({ count: 3, minUs: 42, maxUs: HISTOGRAM_HIGHEST_US + 5, clamped: 2 });
    expect(merged).toEqual(
      record([
        [42, 1],
        [HISTOGRAM_HIGHEST_US + 5, 2],
      ]),
    );
    expect(mergeHistograms([])).toEqual(emptyHistogram());
  });

  it('keeps percentiles within the precision of the exact quantiles, after merging', () => {
    const perMilles = [0, 10, 250, 500, 750, 900, 990, 999, 1000];
    fc.assert(
      fc.property(
        fc.array(sampleArb, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 4 }),
        (samples, k) => {
          const parts: Sample[][] = Array.from({ length: k }, () => []);
          for (const [i, s] of samples.entries()) parts[i % k]!.push(s);
          const e = mergeHistograms(parts.map(record));
          const sorted = samples
            .flatMap(([us, count]) => new Array<number>(count).fill(us))
            .sort((a, b) => a - b);
          const got = percentilesSeconds(
            e,
            perMilles.map((pm) => pm / 10),
          );
          perMilles.forEach((pm, i) => {
            const exactUs = exactQuantileUs(sorted, pm);
            // 3 significant digits: buckets are at most 1/1024 of their value wide, so 0.1% + 1 µs.
            expect(Math.abs(got[i]! * 1e6 - exactUs)).toBeLessThanOrEqual(exactUs * 0.001 + 1);
          });
          expect(maxSeconds(e)).toBe(sorted[sorted.length - 1]! / 1e6);
          expect(minSeconds(e)).toBe(sorted[0]! / 1e6);
          const exactMean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
          expect(Math.abs(meanSeconds(e) * 1e6 - exactMean)).toBeLessThanOrEqual(exactMean * 0.001 + 1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
