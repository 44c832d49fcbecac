/**
 * Latencies of flows: the engine records fractional counts (a tick carries 0.3 of a record on a
 * quiet shard), an HDR histogram takes whole ones. Counts are gathered in the result histogram's own
 * buckets (HDR, 3 significant digits: a bucket is at most 1/1024 of its values wide) and turned
 * into whole counts once, in ascending bucket order, by rounding the running total, so the total
 * count is the rounded flow total and no bucket's weight drifts by more than one record.
 *
 * Memory is one fixed array (31,745 buckets, 254 KB), whatever the run's length or the number of
 * distinct latencies: keying exact microseconds in a Map (as this did) passed the Map's 2^24
 * entries in a 1-hour run with 12 lagging consumer applications and crashed it.
 *
 * Each recorded value is placed at its bucket's lowest value, where the HDR histogram would have
 * counted the exact value: with whole counts the encoding is the one a {@link LatencyRecorder} fed
 * the exact values gives. The exact minimum and maximum are tracked beside the buckets, together
 * with the extent of any spread the engine records as points ({@link FlowHistogram.extend}), so
 * `.max` is the largest latency the model carried, not its bucket's or its top point's.
 */
import { HISTOGRAM_HIGHEST_US, LatencyRecorder } from './histogram.js';
import type { EncodedHistogram } from './types.js';

/**
 * HDR's layout for 3 significant digits and a lowest discernible value of 1 µs: values below
 * 2,048 µs exactly, then per power of two [2^e, 2^(e+1)) 1,024 sub-buckets 2^(e−10) µs wide.
 */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_COUNT = 2 * SUB_BUCKET_HALF;

/** The HDR counts index of `us` (0 ≤ us < 2^53): the bucket a histogram of integer µs counts it in. */
export function bucketIndex(us: number): number {
  if (us < SUB_BUCKET_COUNT) return us;
  if (us < 2 ** 32) {
    // The common case (under 71 minutes), in integer arithmetic: called for every latency point.
    const shift = 31 - Math.clz32(us) - SUB_BUCKET_HALF_MAGNITUDE;
    return shift * SUB_BUCKET_HALF + (us >>> shift);
  }
  const exponent = Math.floor(Math.log2(us));
  // log2 can round up just below a power of two: the shifted value must land in [1024, 2048).
  let shift = exponent - SUB_BUCKET_HALF_MAGNITUDE;
  let sub = Math.floor(us / 2 ** shift);
  if (sub >= SUB_BUCKET_COUNT) {
    shift++;
    sub = Math.floor(us / 2 ** shift);
  } else if (sub < SUB_BUCKET_HALF) {
    shift--;
    sub = Math.floor(us / 2 ** shift);
  }
  return shift * SUB_BUCKET_HALF + sub;
}

/** The lowest value (µs) of bucket `index`: where the histogram counts every value of the bucket. */
export function bucketLowestUs(index: number): number {
  if (index < SUB_BUCKET_COUNT) return index;
  const shift = Math.floor(index / SUB_BUCKET_HALF) - 1;
  const sub = index - shift * SUB_BUCKET_HALF;
  return sub * 2 ** shift;
}

/** Buckets up to the histogram's highest trackable value (7 days), and one for values above it. */
const TRACKED_BUCKETS = bucketIndex(HISTOGRAM_HIGHEST_US) + 1;
const ABOVE = TRACKED_BUCKETS;

export class FlowHistogram {
  private readonly counts = new Float64Array(TRACKED_BUCKETS + 1);
  private lowest = Number.POSITIVE_INFINITY;
  private highest = -1;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = Number.NEGATIVE_INFINITY;

  record(seconds: number, count: number): void {
    if (!(count > 0) || !Number.isFinite(seconds)) return;
    const us = Math.max(0, Math.round(seconds * 1e6));
    const i = us > HISTOGRAM_HIGHEST_US ? ABOVE : bucketIndex(us);
    this.counts[i]! += count;
    if (i < this.lowest) this.lowest = i;
    if (i > this.highest) this.highest = i;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /**
   * Widens the exact minimum and maximum to `[lowSeconds, highSeconds]`: the extent of a spread
   * recorded as a few points (a uniform wait as its slices' midpoints keeps its top half a slice
   * short of the real one). Counts nothing; an empty histogram still encodes 0 and 0.
   */
  extend(lowSeconds: number, highSeconds: number): void {
    if (Number.isFinite(lowSeconds))
      this.minUs = Math.min(this.minUs, Math.max(0, Math.round(lowSeconds * 1e6)));
    if (Number.isFinite(highSeconds))
      this.maxUs = Math.max(this.maxUs, Math.max(0, Math.round(highSeconds * 1e6)));
  }

  /** Buckets holding a count: at most {@link TRACKED_BUCKETS} + 1 (for tests). */
  get bucketsUsed(): number {
    let used = 0;
    for (let i = this.lowest; i <= this.highest; i++) if (this.counts[i]! > 0) used++;
    return used;
  }

  encode(): EncodedHistogram {
    const recorder = new LatencyRecorder();
    let exact = 0;
    let recorded = 0;
    for (let i = this.lowest; i <= this.highest; i++) {
      const count = this.counts[i]!;
      if (count <= 0) continue;
      exact += count;
      const whole = Math.round(exact) - recorded;
      if (whole > 0) {
        // Above the tracked range: one past it, which the recorder clamps and counts as clamped.
        const us = i === ABOVE ? HISTOGRAM_HIGHEST_US + 1 : bucketLowestUs(i);
        recorder.record(us / 1e6, whole);
        recorded += whole;
      }
    }
    const encoded = recorder.encode();
    recorder.destroy();
    if (encoded.count === 0) return encoded;
    return { ...encoded, minUs: this.minUs, maxUs: this.maxUs };
  }
}
