/** Put and end-to-end latency, GetRecords limits with aggregation, and request counting. */
import { describe, expect, it } from 'vitest';
import { metric, runOf } from './fidelity-helpers.js';

describe('latency', () => {
  // One shard at 3× its record limit with 5 attempts: many records are acknowledged only after
  // retries and backoff. Every record that reaches a consumer went through its put first, so end
  // to end is never faster than the put: e2e p50 ≥ put p50 and e2e p99 ≥ put p99.
  it('end-to-end latency includes the put latency, retries and backoff included', () => {
    const r = runOf(`
name: e2e
duration: 2m
stream: { shards: 1 }
producers:
  - name: app
    rate: 3000/s
    recordSize: 200B
    retry: { maxAttempts: 5 }
consumers:
  - { name: reader, type: enhanced-fan-out }
`);
    expect(metric(r, 'e2eLatency.p50')).toBeGreaterThanOrEqual(metric(r, 'putLatency.p50'));
    expect(metric(r, 'e2eLatency.p99')).toBeGreaterThanOrEqual(metric(r, 'putLatency.p99'));
  });

  it('shows the service time tail: put p99 > p90 > p50 with no throttling', () => {
    // Service time lognormal, median 20 ms, p99 120 ms; linger 100 ms at 100 records/s per
    // instance fills no batch, so the wait is uniform over 0–100 ms. The p99 of the sum must sit
    // above the p90, which must sit above the median: the tail is not cut at one point.
    const r = runOf(`
name: tail
duration: 1m
stream: { shards: 2 }
producers:
  - { name: app, rate: 100/s, recordSize: 1KiB }
`);
    expect(metric(r, 'records.throttled')).toBe(0);
    expect(metric(r, 'putLatency.p99')).toBeGreaterThan(metric(r, 'putLatency.p90'));
    expect(metric(r, 'putLatency.p90')).toBeGreaterThan(metric(r, 'putLatency.p50'));
    // p99 ≥ the service p99 (120 ms) less nothing: at least 0.12 s, and below 0.12 + 0.1 + slack.
    expect(metric(r, 'putLatency.p99')).toBeGreaterThan(0.12);
    expect(metric(r, 'putLatency.p99')).toBeLessThan(0.3);
  });
});

describe('GetRecords counts Kinesis records, not user records', () => {
  // 40,000 user records/s of 20 B on 2 shards, aggregated (up to 50 KiB aggregates): about
  // 20,000 user records/s per shard but few Kinesis records. A polling reader's 10,000 records
  // per call × 1 call/s would cap it at 10,000 user records/s per shard if it counted user
  // records; counting Kinesis records, it keeps up.
  it('a polling reader keeps up with an aggregated stream', () => {
    const r = runOf(`
name: agg
duration: 1m
stream: { shards: 2 }
producers:
  - name: app
    instances: 2
    rate: 40k/s
    recordSize: 20B
    keys: { dist: unique, length: 8 }
    aggregation: true
    batching: { linger: 200ms }
consumers:
  - { name: reader, type: polling }
`);
    expect(metric(r, 'records.throttled')).toBe(0);
    expect(metric(r, 'consumers.reader.lagSeconds.max')).toBeLessThan(5);
  });
});

describe('PutRecords requests', () => {
  // 100 records/s of 100 KiB from one instance with a 5 MiB request limit: a request holds at most
  // 5 MiB ÷ 100 KiB (+ key) = 51 records, and the linger of 100 ms sends 10 requests/s anyway:
  // max(100 ÷ 51, 10) = 10 requests/s → about 600 in a minute. With a 1 MiB limit (10 records a
  // request, 100 ÷ 10 = 10/s) still 10/s; with 64 KiB records and 256 KiB requests (3 records,
  // 100 ÷ 3 = 33.3/s) about 2,000.
  it('counts requests by the records and bytes a request may hold', () => {
    const requests = (size: string, maxBytes: string) =>
      metric(
        runOf(`
name: req
duration: 1m
stream: { shards: 20, maxRecordSize: 1MiB }
producers:
  - name: app
    rate: 100/s
    recordSize: ${size}
    keys: { dist: unique, length: 8 }
    batching: { maxBytes: ${maxBytes}, linger: 100ms }
`),
        'putRequests',
      );
    expect(requests('100KiB', '5MiB')).toBeCloseTo(600, -1);
    expect(requests('64KiB', '256KiB')).toBeGreaterThan(1800);
    expect(requests('64KiB', '256KiB')).toBeLessThan(2200);
  });
});

describe('the Direct PUT request quota', () => {
  // us-east-1: 2,000 requests/s per Firehose stream. 1,000 producer instances with a 100 ms linger
  // send 1,000 × 10 = 10,000 requests/s of 2 records each (20,000 records/s): five times the
  // request quota, though far under the 500,000 records/s and 5 MiB/s ones. The quota binds as
  // 2,000 requests/s × 2 records = 4,000 records/s: about 80% of attempts throttle.
  it('throttles a producer that sends too many small requests', () => {
    const r = runOf(`
name: dput
duration: 1m
producers:
  - name: fleet
    instances: 1000
    rate: 20k/s
    recordSize: 100B
    destination: logs
    batching: { linger: 100ms }
    retry: { maxAttempts: 1 }
firehose:
  - { name: logs, source: direct-put, buffer: { size: 5MiB, interval: 60s } }
stream: { mode: on-demand }
`);
    const ratio = metric(r, 'throttledRatio');
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(0.85);
  });

  // Direct PUT goes through PutRecordBatch: at most 500 records and 4 MiB a request (FH-Q), not
  // PutRecords' 10 MiB. 40 records/s of 100 KiB (4,000 KiB/s, under the 5 MiB/s quota) from one
  // instance with a 5 s linger: 4 MiB ÷ 100 KiB = 40 records a request, max(40 ÷ 40, 1 ÷ 5) = 1
  // request/s, about 60 in a minute. (With PutRecords' limits, 102 records a request: 0.4/s, 24.)
  it('counts Direct PUT requests with PutRecordBatch’s limits', () => {
    const r = runOf(`
name: dput-requests
duration: 1m
producers:
  - name: app
    rate: 40/s
    recordSize: 100KiB
    destination: logs
    batching: { linger: 5s }
firehose:
  - { name: logs, source: direct-put, buffer: { size: 64MiB, interval: 60s } }
stream: { mode: on-demand }
`);
    expect(metric(r, 'records.throttled')).toBe(0);
    // Poisson arrivals: 2,400 ± 49 records, so 60 ± 1.2 requests.
    expect(Math.abs(metric(r, 'putRequests') - 60)).toBeLessThan(5);
  });
});
