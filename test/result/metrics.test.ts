import { describe, expect, it } from 'vitest';
import { emptyHistogram } from '../../src/result/histogram.js';
import { runMetrics } from '../../src/result/metrics.js';
import type { RunResult } from '../../src/result/types.js';
import { syntheticResult } from './synthetic-result.js';

/** |actual − expected| within 0.1% of expected: the histogram's 3 significant digits. */
function expectWithinPrecision(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(expected * 0.001);
}

describe('runMetrics', () => {
  const m = syntheticResult().metrics;

  it('counts records and the throttled ratio per attempt', () => {
    expect(m['records.produced']).toBe(280);
    expect(m['records.acknowledged']).toBe(270);
    expect(m['records.throttled']).toBe(30);
    expect(m['records.attempts']).toBe(300);
    expect(m['records.retried']).toBe(20);
    expect(m['records.dropped']).toBe(10);
    expect(m['records.pendingAtEnd']).toBe(0);
    expect(m.putRequests).toBe(12);
    expect(m.lostRecords).toBe(10);
    // 30 throttled attempts ÷ 300 attempts (280 first + 20 retries).
    expect(m.throttledRatio).toBe(0.1);
  });

  it('reads throughput from the per-second series', () => {
    expect(m['throughput.peakRecordsPerSecond']).toBe(100);
    expect(m['throughput.peakOfferedRecordsPerSecond']).toBe(110);
    expect(m['throughput.peakWriteBytesPerSecond']).toBe(102_400);
    expect(m['throughput.averageRecordsPerSecond']).toBe(67.5); // 270 ÷ 4 s
  });

  it('gives put latency percentiles in seconds', () => {
    // 90 × 1 ms and 10 × 2 ms; below 2048 µs the histogram is exact.
    expect(m['putLatency.p50']).toBe(0.001); // rank 50
    expect(m['putLatency.p90']).toBe(0.001); // rank 90: the last 1 ms
    expect(m['putLatency.p95']).toBe(0.002); // rank 95: the 5th of the ten 2 ms
    expect(m['putLatency.p99']).toBe(0.002); // rank 99
    expect(m['putLatency.max']).toBe(0.002);
    expect(m['putLatency.mean']).toBeCloseTo(0.0011, 12); // (90 × 1 + 10 × 2) ÷ 100 ms
  });

  it('gives end-to-end latency within the histogram precision, and the exact max', () => {
    // 99 × 0.5 s and 1 × 3.25 s. 500 000 µs sits in a bucket 256 µs wide, [499 968, 500 224), and HDR
    // reports the bucket's top: 0.500223 s.
    expect(m['e2eLatency.p50']).toBe(0.500223);
    expect(m['e2eLatency.p95']).toBe(0.500223); // rank 95
    expect(m['e2eLatency.p99']).toBe(0.500223); // rank 99
    // Rank ⌈99.9⌉ = 100: 3.25 s, whose bucket top (3 250 175 µs) is held at the exact max.
    expect(m['e2eLatency.p999']).toBe(3.25);
    expect(m['e2eLatency.max']).toBe(3.25);
    expectWithinPrecision(m['e2eLatency.mean'], 0.5275); // (99 × 0.5 + 3.25) ÷ 100
  });

  it('takes consumer lag from the series, per consumer and overall', () => {
    expect(m['consumers.orders.lagSeconds.max']).toBe(4);
    expect(m['consumers.audit.lagSeconds.max']).toBe(7);
    expect(m['consumerLag.max']).toBe(7);
    expect(m['consumers.orders.delivered']).toBe(270);
    expect(m['consumers.audit.delivered']).toBe(260);
    // Lag histogram: 0, 0, 0.5, 1.5, 2, 4, 7 s; p50 → rank ⌈3.5⌉ = 4: 1.5 s.
    expectWithinPrecision(m['consumerLag.p50'], 1.5);
    expect(m['consumerLag.p99']).toBe(7);
    // p90 → rank ⌈6.3⌉ = 7, p95 → rank ⌈6.65⌉ = 7: 7 s; p999 likewise. The same five as every latency.
    expect(m['consumerLag.p90']).toBe(7);
    expect(m['consumerLag.p95']).toBe(7);
    expect(m['consumerLag.p999']).toBe(7);
  });

  it('takes the hottest second of any shard', () => {
    expect(m['shards.maxUtilization']).toBe(1.2);
    expect(m['shards.max']).toBe(3);
  });

  it('reports each Firehose stream', () => {
    expect(m['firehose.lake.objects']).toBe(3);
    expect(m['firehose.lake.records']).toBe(270);
    // Named apart from the plan's `objectBytes` (one object's size): the total, and the mean object.
    expect(m['firehose.lake.deliveredBytes']).toBe(276_480);
    expect(m['firehose.lake.averageObjectBytes']).toBe(92_160); // 276,480 B ÷ 3 objects
    expect(m['firehose.lake.objectBytes']).toBeUndefined();
    expect(m['firehose.lake.throttled']).toBe(0);
    // 60 s × 2 and 75 s × 1: p99 → rank ⌈2.97⌉ = 3, 75 s (bucket top held at the exact max).
    expect(m['firehose.lake.deliveryLatency.p99']).toBe(75);
    expect(m['firehose.lake.deliveryLatency.p95']).toBe(75); // rank ⌈2.85⌉ = 3
    expectWithinPrecision(m['firehose.lake.deliveryLatency.p50'], 60); // rank 2
    expect(m['firehose.lake.deliveryLatency.max']).toBe(75);
  });

  it('gives 0 rather than NaN for a run with no attempts and no latencies', () => {
    const r = syntheticResult();
    const idle: Omit<RunResult, 'metrics'> = {
      ...r,
      scenario: { ...r.scenario, durationSeconds: 0 },
      counters: { ...r.counters, attempts: 0, throttled: 0, firehose: {} },
      series: { ...r.series, firehoseObjects: {} },
      histograms: {
        putLatency: emptyHistogram(),
        e2eLatency: emptyHistogram(),
        consumerLag: emptyHistogram(),
        firehoseDeliveryLatency: { lake: emptyHistogram() },
      },
    };
    const metrics = runMetrics(idle);
    expect(metrics.throttledRatio).toBe(0);
    expect(metrics['throughput.averageRecordsPerSecond']).toBe(0);
    expect(metrics['putLatency.p99']).toBe(0);
    expect(metrics['e2eLatency.max']).toBe(0);
    expect(metrics['firehose.lake.objects']).toBe(0);
    expect(metrics['firehose.lake.deliveryLatency.p99']).toBe(0);
    for (const [name, value] of Object.entries(metrics)) expect(Number.isFinite(value), name).toBe(true);
  });
});
