/**
 * On-demand capacity (docs/aws-facts.md, KDS 5): a stream takes up to twice its previous 30-day peak
 * write (at least 4 MiB/s and 4,000 records/s, a new stream's capacity); traffic above that
 * throttles until the stream has scaled, which takes up to ~15 minutes.
 *
 * The model: capacity(t) = max(initial, 2 × the highest demand seen up to t − 15 min). Throttling
 * lasts while demand(t) > capacity(t). The engine uses the same rule.
 */
import { type OnDemandCapacityInput, onDemandInitialCapacity } from '../aws/behaviour.js';
import { KINESIS } from '../aws/facts.js';

export { type OnDemandCapacityInput, onDemandInitialCapacity };

export interface ThrottleWindow {
  /** Seconds during which demand was above capacity. */
  throttledSeconds: number;
  /** ∫ max(0, demand − capacity) dt ÷ ∫ demand dt. */
  throttledShare: number;
}

/**
 * How long demand sampled at `times` stays above a capacity that follows it with the scaling delay.
 * `demand` and `initialCapacity` are in one unit (bytes/s or records/s).
 */
export function onDemandThrottling(
  times: readonly number[],
  demand: readonly number[],
  initialCapacity: number,
  scaleSeconds = KINESIS.onDemandScaleSeconds.value,
): ThrottleWindow {
  const multiple = KINESIS.onDemandPeakMultiple.value;
  const prefixMax: number[] = [];
  let running = 0;
  for (const d of demand) {
    running = Math.max(running, d);
    prefixMax.push(running);
  }
  // Highest demand seen at or before time x (binary search over the sorted sample times).
  const peakBefore = (x: number): number => {
    let lo = 0;
    let hi = times.length - 1;
    if (x < times[0]!) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return prefixMax[lo]!;
  };
  let throttledSeconds = 0;
  let over = 0;
  let total = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const dt = times[i + 1]! - times[i]!;
    const d = demand[i]!;
    const capacity = Math.max(initialCapacity, multiple * peakBefore(times[i]! - scaleSeconds));
    total += d * dt;
    if (d > capacity * (1 + 1e-12)) {
      throttledSeconds += dt;
      over += (d - capacity) * dt;
    }
  }
  return { throttledSeconds, throttledShare: total > 0 ? over / total : 0 };
}
