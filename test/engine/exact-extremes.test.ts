/**
 * `.max` is a maximum (issue 8, point 11): the engine records latencies as weighted points (the
 * service time's quantiles up to p99.9, a uniform wait's slice midpoints), so the largest point
 * was p99.9 or half a slice short of the real top. The exact extremes are tracked beside the
 * histograms; here they are checked against hand arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { metric, runOf } from './fidelity-helpers.js';

describe('exact latency extremes', () => {
  it('putLatency.max is the largest of n records, not the p99.9', () => {
    // One instance at 100 records/s with a 200 ms linger: a 500-record batch would take 5 s to
    // fill, so every batch leaves after 200 ms and its first record waits all of it. Service time
    // lognormal, median 20 ms, p99 120 ms: σ = ln(120/20) ÷ z(0.99) = 1.791759 ÷ 2.326348 =
    // 0.770203. Over 10 minutes n ≈ 60,000 records; the largest of n draws at its median is the
    // quantile 0.5^(1/n), an upper tail of ln 2 ÷ 60,000 = 1.1552e-5, z = 4.2336:
    //   0.02 × e^(0.770203 × 4.2336) = 0.02 × e^3.2607 = 0.02 × 26.07 = 0.5213 s.
    // max = 0.2 + 0.5213 = 0.7213 s (Poisson n moves it by < 1 ms). The old maximum, the top point
    // (⅞ of the wait and the service p99.9: 0.175 + 0.02 × e^(0.770203 × 3.0902) = 0.175 + 0.216),
    // was 0.391 s. The smallest: no wait and the smallest draw, 0.02 ÷ 26.07 = 0.77 ms.
    const r = runOf(`
name: put-max
duration: 10m
stream: { shards: 2 }
producers:
  - name: app
    instances: 1
    rate: 100/s
    recordSize: 1KiB
    batching: { linger: 200ms }
`);
    expect(metric(r, 'records.throttled')).toBe(0);
    expect(metric(r, 'records.acknowledged')).toBeGreaterThan(59_000);
    expect(metric(r, 'records.acknowledged')).toBeLessThan(61_000);
    expect(metric(r, 'putLatency.max')).toBeCloseTo(0.7213, 2);
    expect(r.histograms.putLatency.minUs / 1e6).toBeCloseTo(0.00077, 4);
    expect(metric(r, 'putLatency.max')).toBeGreaterThan(1.5 * metric(r, 'putLatency.p999'));
  });

  it('a Firehose delivery latency max is the whole buffer interval plus the delivery time', () => {
    // 10 records/s of 1 KiB into a Direct PUT stream with a 128 MiB, 60 s buffer: 600 KiB a
    // minute never fills it, so it flushes every 60 s. Its first record waited 60 s, then the
    // object took the 1 s delivery time: max 61 s, min 1 s (the last record in). The 64 slice
    // midpoints the histogram holds top out at 60 × 63.5/64 + 1 = 60.53 s, the old `.max`.
    const r = runOf(`
name: firehose-max
duration: 5m
stream: { shards: 1 }
producers:
  - name: logs
    rate: 10/s
    recordSize: 1KiB
    destination: logs
firehose:
  - name: logs
    source: direct-put
    destination: s3
    buffer: { size: 128MiB, interval: 60s }
`);
    expect(metric(r, 'firehose.logs.objects')).toBe(5);
    expect(metric(r, 'firehose.logs.deliveryLatency.max')).toBeCloseTo(61, 5);
    expect(r.histograms.firehoseDeliveryLatency.logs!.minUs).toBe(1_000_000);
  });

  it('e2eLatency.max covers the put latency’s largest record too', () => {
    // The same producer read by one enhanced fan-out consumer that keeps up: a record's end to end
    // is its put latency, then propagation and time queued. The record with the largest put
    // latency (0.7213 s, above) is delivered like the others, so e2e max ≥ 0.7213 s.
    const r = runOf(`
name: e2e-max
duration: 10m
stream: { shards: 2 }
producers:
  - name: app
    instances: 1
    rate: 100/s
    recordSize: 1KiB
    batching: { linger: 200ms }
consumers:
  - { name: reader, type: enhanced-fan-out }
`);
    expect(metric(r, 'e2eLatency.max')).toBeGreaterThanOrEqual(0.72);
    expect(metric(r, 'e2eLatency.max')).toBeGreaterThan(metric(r, 'e2eLatency.p999'));
  });
});
