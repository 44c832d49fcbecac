/**
 * On-demand capacity (docs/aws-facts.md, KDS 5): a stream takes at once up to max(4 MiB/s and 4,000
 * records/s, 2 × its previous 30-day peak); traffic above that throttles for up to ~15 minutes
 * (900 s) while the stream scales. The model: capacity(t) = max(initial, 2 × the highest demand
 * seen up to t − 900 s).
 */
import { describe, expect, it } from 'vitest';
import { onDemandInitialCapacity, onDemandThrottling } from '../../src/planner/on-demand.js';
import { metric, planOf, warningsOf } from './helpers.js';

const MiB = 1024 * 1024;

const flashSale = (forDuration: string, previousPeak: string) => `
name: flash-sale
duration: 1h
stream:
  mode: on-demand
  onDemand:
    previousPeak: ${previousPeak}
producers:
  - name: orders
    rate: { profile: spike, base: 3000/s, peak: 14000/s, at: 15m, for: ${forDuration} }
    recordSize: 900B
    keys: { dist: unique, length: 36 }
`;

describe('capacity before scaling', () => {
  it('is a new stream’s 4 MiB/s and 4,000 records/s, or twice the previous peak if higher', () => {
    expect(onDemandInitialCapacity({})).toEqual({ bytesPerSecond: 4 * MiB, recordsPerSecond: 4000 });
    // 2 × 3 MiB/s = 6 MiB/s > 4 MiB/s; 2 × 1,000 = 2,000 < 4,000.
    expect(
      onDemandInitialCapacity({ previousPeakBytesPerSecond: 3 * MiB, previousPeakRecordsPerSecond: 1000 }),
    ).toEqual({ bytesPerSecond: 6 * MiB, recordsPerSecond: 4000 });
  });
});

describe('a 20-minute flash sale at 1.4× what the stream absorbs', () => {
  const plan = planOf(flashSale('20m', '{ recordsPerSecond: 5000/s, bytesPerSecond: 4.5MiB/s }'));
  const od = plan.onDemand!;

  it('has 2 × the previous peak: 10,000 records/s and 9 MiB/s', () => {
    expect(od.capacityRecordsPerSecond).toBe(10_000);
    expect(od.capacityBytesPerSecond).toBe(9 * MiB);
    // The sale: 14,000 records/s × (900 + 36) B = 13,104,000 B/s.
    expect(od.peakRecordsPerSecond).toBe(14_000);
    expect(od.peakBytesPerSecond).toBe(13_104_000);
  });

  it('throttles for 15 minutes, until the stream has seen the sale’s peak for 900 s', () => {
    // From 900 s the sale needs 14,000 > 10,000; at 1,800 s capacity becomes 2 × 14,000 = 28,000.
    expect(od.throttledSeconds).toBe(900);
    expect(metric(plan, 'onDemand.throttledSeconds')).toBe(900);
  });

  it('throttles 15% of the run’s records', () => {
    // Over capacity: (14,000 − 10,000) × 900 = 3,600,000 records; offered: 3,000 × 2,400 + 14,000 ×
    // 1,200 = 24,000,000 → 0.15. (By bytes: (13,104,000 − 9,437,184) × 900 ÷ (24,000,000 × 936) = 0.147.)
    expect(od.throttledRecordShare).toBeCloseTo(0.15, 9);
    expect(metric(plan, 'onDemand.throttledRecordShare')).toBeCloseTo(0.15, 9);
    expect(
      warningsOf(plan).some((w) =>
        w.startsWith('On-demand: traffic rises above the 9 MiB/s and 10,000 records/s'),
      ),
    ).toBe(true);
  });
});

describe('shorter and smaller spikes', () => {
  it('throttles a 5-minute spike for its 5 minutes', () => {
    const od = planOf(flashSale('5m', '{ recordsPerSecond: 5000/s, bytesPerSecond: 4.5MiB/s }')).onDemand!;
    expect(od.throttledSeconds).toBeCloseTo(300, 6);
    // 4,000 × 300 = 1,200,000 over, of 3,000 × 3,300 + 14,000 × 300 = 14,100,000 → 0.0851.
    expect(od.throttledRecordShare).toBeCloseTo(1_200_000 / 14_100_000, 9);
  });

  it('does not throttle when twice the previous peak covers the spike', () => {
    // 2 × 7,500 = 15,000 ≥ 14,000 records/s; 2 × 7 MiB/s = 14,680,064 ≥ 13,104,000 B/s.
    const od = planOf(flashSale('20m', '{ recordsPerSecond: 7500/s, bytesPerSecond: 7MiB/s }')).onDemand!;
    expect(od.throttledSeconds).toBe(0);
    expect(od.throttledRecordShare).toBe(0);
  });

  it('throttles a new stream for 900 s when it starts above 4,000 records/s', () => {
    const plan = planOf(`
name: new-stream
stream: { mode: on-demand }
producers:
  - { name: p, rate: 5000/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
`);
    const od = plan.onDemand!;
    // 5,000 > 4,000 records/s from 0 s; capacity 2 × 5,000 once the stream has seen it for 900 s.
    // Bytes: 5,000 × 136 = 680,000 B/s, well under 4 MiB/s.
    expect(od.capacityRecordsPerSecond).toBe(4000);
    expect(od.throttledSeconds).toBe(900);
    // 1,000 × 900 ÷ (5,000 × 3,600) = 0.05.
    expect(od.throttledRecordShare).toBeCloseTo(0.05, 9);
  });
});

describe('the throttling window, sample by sample', () => {
  it('follows the demand seen 900 s earlier', () => {
    // 1 s samples over an hour; 5,000/s from 600 s on, capacity 4,000 until 2 × 5,000 is known at 1,500 s.
    const times = Array.from({ length: 3601 }, (_, t) => t);
    const demand = times.map((t) => (t >= 600 ? 5000 : 1000));
    const w = onDemandThrottling(times, demand, 4000, 900);
    expect(w.throttledSeconds).toBe(900);
    // Over: 1,000 × 900 = 900,000 of 1,000 × 600 + 5,000 × 3,000 = 15,600,000 (the last sample ends the run).
    expect(w.throttledShare).toBeCloseTo(900_000 / 15_600_000, 12);
  });

  it('counts nothing for demand at or under capacity', () => {
    expect(onDemandThrottling([0, 1, 2], [4000, 4000, 4000], 4000)).toEqual({
      throttledSeconds: 0,
      throttledShare: 0,
    });
  });
});

describe('on-demand and hot keys', () => {
  it('still limits one key to one shard', () => {
    const plan = planOf(`
name: od-hot
stream: { mode: on-demand }
producers:
  - name: p
    rate: 2000/s
    recordSize: 1KiB
    keys: { dist: weighted, keys: [{ key: a, weight: 0.6 }, { key: b, weight: 0.4 }] }
`);
    // a: 1,200 records/s > 1,000 on its shard, however far the stream scales.
    expect(plan.onDemand!.keysOverShardLimit).toBe(1);
  });

  it('is absent from a provisioned plan', () => {
    const plan = planOf(`
name: prov
stream: { shards: 1 }
producers:
  - { name: p, rate: 100/s }
`);
    expect(plan.onDemand).toBeNull();
    expect(plan.metrics['onDemand.throttledSeconds']).toBeUndefined();
  });
});

describe('on-demand: a key above one shard’s limit throttles whatever the capacity (B-ODA)', () => {
  // 3,000 records/s of 1 KiB, well within a new stream's 4,000/s; but key a carries 37.5%: 1,125
  // records/s, above the 1,000/s one key may write. Its excess, 1,125 × (1 − 1,000/1,125) = 125/s,
  // is 125 ÷ 3,000 = 4.17% of the records, for the whole 10-minute run (constant rate).
  const plan = planOf(`
name: od-hot
duration: 10m
stream: { mode: on-demand }
producers:
  - name: app
    rate: 3000/s
    recordSize: 1KiB
    keys:
      dist: weighted
      keys:
        - { key: a, weight: 0.375 }
        - { key: b, weight: 0.3125 }
        - { key: c, weight: 0.3125 }
`);

  it('counts the key’s excess as throttled, for as long as it lasts', () => {
    const od = plan.onDemand!;
    expect(od.keysOverShardLimit).toBe(1);
    expect(od.throttledRecordShare).toBeCloseTo(125 / 3000, 6);
    expect(od.throttledSeconds).toBeCloseTo(600, 0);
    expect(metric(plan, 'onDemand.throttledSeconds')).toBeCloseTo(600, 0);
    // Capacity is not the cause: no "rises above" warning, but the key's own warning.
    expect(warningsOf(plan).some((w) => w.startsWith('On-demand: traffic rises'))).toBe(false);
    expect(warningsOf(plan).some((w) => w.startsWith('key "a" of app'))).toBe(true);
  });
});
