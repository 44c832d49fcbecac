/**
 * Latencies of flows: the engine records fractional counts (a tick carries 0.3 of a record on a
 * quiet shard), an HDR histogram takes whole ones. Counts are kept per microsecond value and turned
 * into whole counts once, in ascending value order, by rounding the running total, so the total
 * count is the rounded flow total and no value's weight drifts by more than one record.
 */
import { LatencyRecorder } from '../result/histogram.js';
import type { EncodedHistogram } from '../result/types.js';

export class FlowHistogram {
  private readonly counts = new Map<number, number>();

  record(seconds: number, count: number): void {
    if (!(count > 0) || !Number.isFinite(seconds)) return;
    const us = Math.max(0, Math.round(seconds * 1e6));
    this.counts.set(us, (this.counts.get(us) ?? 0) + count);
  }

  encode(): EncodedHistogram {
    const recorder = new LatencyRecorder();
    let exact = 0;
    let recorded = 0;
    for (const us of [...this.counts.keys()].sort((a, b) => a - b)) {
      exact += this.counts.get(us)!;
      const whole = Math.round(exact) - recorded;
      if (whole > 0) {
        recorder.record(us / 1e6, whole);
        recorded += whole;
      }
    }
    const encoded = recorder.encode();
    recorder.destroy();
    return encoded;
  }
}
