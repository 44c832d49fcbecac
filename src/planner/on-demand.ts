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
import { maxOf } from '../numbers.js';
import { rateAt } from '../scenario/profiles.js';
import type { Scenario } from '../scenario/schema.js';
import type { OnDemandPlan, Plan, Traffic } from './types.js';

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

/**
 * An on-demand stream's capacity against the scenario's traffic at `times`: how long and how much
 * of it throttles while the stream scales, and what keys over a shard's limit add to that.
 */
export function planOnDemand(
  scenario: Scenario,
  traffic: Traffic,
  hotKeys: Plan['hotKeys'],
  times: readonly number[],
): OnDemandPlan {
  const keysOverShardLimit = hotKeys.keysOverShardLimit;
  const previous = scenario.stream.onDemand.previousPeak;
  const capacity = onDemandInitialCapacity({
    previousPeakBytesPerSecond: previous?.bytesPerSecond,
    previousPeakRecordsPerSecond: previous?.recordsPerSecond,
  });
  const bytes: number[] = [];
  const records: number[] = [];
  for (const t of times) {
    let b = 0;
    let r = 0;
    scenario.producers.forEach((producer, i) => {
      const pt = traffic.producers[i]!;
      if (producer.destination !== 'stream') return;
      const kinesis = rateAt(producer.rate, t, pt.meanDataBytes) / pt.aggregation.userRecordsPerKinesisRecord;
      r += kinesis;
      b += kinesis * pt.aggregation.kinesisRecordBytes;
    });
    bytes.push(b);
    records.push(r);
  }
  const byBytes = onDemandThrottling(times, bytes, capacity.bytesPerSecond);
  const byRecords = onDemandThrottling(times, records, capacity.recordsPerSecond);
  // A key above one shard's limit throttles on-demand too (B-ODA: at most 1 MiB/s of data per
  // partition key): its excess over the limit, whenever its producer's rate puts it there.
  // Each oversized key with its producer's profile and planning-instant traffic, looked up once.
  const oversized = hotKeys.keys
    .filter((k) => k.overShardLimit)
    .map((k) => {
      const index = scenario.producers.findIndex((p) => p.name === k.producer);
      return { key: k, producer: scenario.producers[index]!, pt: traffic.producers[index]! };
    });
  let keySeconds = 0;
  let keyExcess = 0;
  let offered = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const dt = times[i + 1]! - times[i]!;
    let over = false;
    for (const { key: k, producer, pt } of oversized) {
      const scale =
        pt.recordsPerSecond > 0
          ? rateAt(producer.rate, times[i]!, pt.meanDataBytes) / pt.recordsPerSecond
          : 0;
      const u = k.shardUtilization * scale;
      if (u > 1) {
        over = true;
        keyExcess += k.recordsPerSecond * scale * (1 - 1 / u) * dt;
      }
    }
    if (over) keySeconds += dt;
    offered += records[i]! * dt;
  }
  const keyShare = offered > 0 ? keyExcess / offered : 0;
  return {
    capacityBytesPerSecond: capacity.bytesPerSecond,
    capacityRecordsPerSecond: capacity.recordsPerSecond,
    peakBytesPerSecond: maxOf(bytes),
    peakRecordsPerSecond: maxOf(records),
    throttledSeconds: Math.max(byBytes.throttledSeconds, byRecords.throttledSeconds, keySeconds),
    throttledRecordShare: Math.min(1, Math.max(byBytes.throttledShare, byRecords.throttledShare) + keyShare),
    keysOverShardLimit,
    previousPeakGiven: previous?.bytesPerSecond !== undefined || previous?.recordsPerSecond !== undefined,
  };
}
