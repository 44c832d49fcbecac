/**
 * Latency histograms: HDR histograms (hdr-histogram-js, pure JS build) of integer microseconds,
 * carried in results as compressed base64 strings so that histograms of several workers or runs
 * merge exactly. Public figures are in seconds.
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import type { EncodedHistogram } from './types.js';

/** Smallest value told apart from 0: 1 µs. */
export const HISTOGRAM_LOWEST_US = 1;
/**
 * Largest value tracked: 7 days in µs (6.048e11), Kinesis' longest extended retention before
 * long-term retention, so an iterator age or a Firehose retry window fits. Larger values are clamped
 * to it and counted in `clamped`; the exact maximum is kept in `maxUs`.
 */
export const HISTOGRAM_HIGHEST_US = 7 * 24 * 3600 * 1_000_000;
/** 3 significant digits: a recorded value is known to within 1/1024 (< 0.1%) of itself. */
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;
/**
 * 64-bit (float) counters: an engine run records counts of records, which can pass 2^32 in one
 * bucket on a long, busy run. Counts stay exact up to 2^53.
 */
const BIT_BUCKET_SIZE = 64;

const MICROS_PER_SECOND = 1_000_000;

/** A new, empty histogram with shardcast's fixed bounds; pure JS, so nothing to free. */
function newHistogram(): Histogram {
  return build({
    bitBucketSize: BIT_BUCKET_SIZE,
    // Fixed bounds: the encoding carries highestTrackableValue, and auto-resizing would make it depend
    // on the data, so that two equal sets of counts could encode differently.
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/**
 * Records latencies (seconds, rounded to integer µs) into an HDR histogram, with the exact minimum
 * and maximum beside it. Values above {@link HISTOGRAM_HIGHEST_US} are recorded at it and counted.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = newHistogram();
  private total = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;
  private clamped = 0;

  /**
   * Records `count` occurrences of a latency of `seconds`.
   * @throws RangeError when `seconds` is negative or not finite, or `count` is not a non-negative integer.
   */
  record(seconds: number, count = 1): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`latency must be a finite number of seconds >= 0, got ${seconds}`);
    }
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`);
    }
    if (count === 0) return;
    const us = Math.round(seconds * MICROS_PER_SECOND);
    if (us > HISTOGRAM_HIGHEST_US) {
      this.histogram.recordValueWithCount(HISTOGRAM_HIGHEST_US, count);
      this.clamped += count;
    } else {
      this.histogram.recordValueWithCount(us, count);
    }
    this.total += count;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Values recorded so far. */
  get count(): number {
    return this.total;
  }

  /** The histogram as it stands, encoded; the recorder can go on recording. */
  encode(): EncodedHistogram {
    return {
      encoded: encodeIntoCompressedBase64(this.histogram),
      count: this.total,
      minUs: this.total === 0 ? 0 : this.minUs,
      maxUs: this.maxUs,
      clamped: this.clamped,
    };
  }

  /** Releases the histogram (a no-op for the pure JS build, kept so a WebAssembly build cannot leak). */
  destroy(): void {
    this.histogram.destroy();
  }
}

/** An encoded histogram with nothing recorded. */
export function emptyHistogram(): EncodedHistogram {
  return new LatencyRecorder().encode();
}

/**
 * Decodes the HDR histogram (integer µs) of an encoding. Its `maxValue` is the top of the largest
 * bucket: use `e.maxUs` for the exact maximum.
 */
export function decodeHistogram(e: EncodedHistogram): Histogram {
  return decodeFromCompressedBase64(e.encoded, BIT_BUCKET_SIZE, false);
}

/**
 * Merges encoded histograms exactly: the result is what recording every value into one
 * {@link LatencyRecorder} would have given (the same `encoded` string, count, min, max and clamped).
 */
export function mergeHistograms(list: readonly EncodedHistogram[]): EncodedHistogram {
  const merged = newHistogram();
  try {
    let count = 0;
    let minUs = Number.POSITIVE_INFINITY;
    let maxUs = 0;
    let clamped = 0;
    for (const e of list) {
      if (e.count === 0) continue;
      const decoded = decodeHistogram(e);
      try {
        merged.add(decoded);
      } finally {
        decoded.destroy();
      }
      count += e.count;
      minUs = Math.min(minUs, e.minUs);
      maxUs = Math.max(maxUs, e.maxUs);
      clamped += e.clamped;
    }
    return {
      encoded: encodeIntoCompressedBase64(merged),
      count,
      minUs: count === 0 ? 0 : minUs,
      maxUs,
      clamped,
    };
  } finally {
    merged.destroy();
  }
}

function checkPercentile(percentile: number): void {
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new RangeError(`percentile must be between 0 and 100, got ${percentile}`);
  }
}

/**
 * The values at several percentiles (0–100), in seconds, decoding once. Each is HDR's
 * nearest-rank value (the top of its bucket, within 0.1%), kept within the exact [min, max]; 100
 * gives the exact maximum. An empty histogram gives 0 for every percentile.
 */
export function percentilesSeconds(e: EncodedHistogram, percentiles: readonly number[]): number[] {
  for (const p of percentiles) checkPercentile(p);
  if (e.count === 0) return percentiles.map(() => 0);
  const histogram = decodeHistogram(e);
  try {
    return percentiles.map((p) => {
      if (p === 100) return e.maxUs / MICROS_PER_SECOND;
      // The bucket top can pass the exact max (or the bucket bottom fall under the exact min).
      const us = Math.min(Math.max(histogram.getValueAtPercentile(p), e.minUs), e.maxUs);
      return us / MICROS_PER_SECOND;
    });
  } finally {
    histogram.destroy();
  }
}

/** The value at `percentile` (0–100), in seconds; see {@link percentilesSeconds}. */
export function percentileSeconds(e: EncodedHistogram, percentile: number): number {
  return percentilesSeconds(e, [percentile])[0]!;
}

/** The exact largest value recorded, in seconds (0 when empty). */
export function maxSeconds(e: EncodedHistogram): number {
  return e.maxUs / MICROS_PER_SECOND;
}

/** The exact smallest value recorded, in seconds (0 when empty). */
export function minSeconds(e: EncodedHistogram): number {
  return e.minUs / MICROS_PER_SECOND;
}

/**
 * The mean in seconds, from the histogram's buckets (each value taken at its bucket's middle, so
 * within 0.1%; clamped values count at {@link HISTOGRAM_HIGHEST_US}). 0 when empty.
 */
export function meanSeconds(e: EncodedHistogram): number {
  if (e.count === 0) return 0;
  const histogram = decodeHistogram(e);
  try {
    return histogram.mean / MICROS_PER_SECOND;
  } finally {
    histogram.destroy();
  }
}
