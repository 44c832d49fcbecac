/**
 * The RunRecorder: what a target observes in, the RunResult out. Expectations by hand below each
 * case; the engine's use of it is covered by test/outputs (byte-identical results).
 */
import { describe, expect, it } from 'vitest';
import { maxSeconds } from '../../src/result/histogram.js';
import type { SecondSample } from '../../src/result/live.js';
import { RunRecorder } from '../../src/result/recorder.js';
import type { RunResult } from '../../src/result/types.js';

const HEADER = { runId: 'test', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: '' };
const SCENARIO: RunResult['scenario'] = {
  name: 'recorder',
  seed: 1,
  durationSeconds: 2,
  tickSeconds: 0.1,
  target: 'test',
};

function sample(second: number, fields: Partial<SecondSample>): SecondSample {
  return {
    second,
    offered: 0,
    acknowledged: 0,
    throttled: 0,
    retried: 0,
    dropped: 0,
    writeBytes: 0,
    writeRecords: 0,
    shards: 0,
    consumerLagSeconds: {},
    delivered: {},
    firehoseObjects: {},
    latency: { put: { p50: 0, p99: 0 }, e2e: { p50: 0, p99: 0 } },
    ...fields,
  };
}

describe('RunRecorder, a second at a time', () => {
  const recorder = new RunRecorder({ seconds: 2, consumers: ['app'], firehoses: ['logs'] });
  const first = sample(0, {
    offered: 10,
    acknowledged: 8,
    throttled: 3,
    retried: 1,
    dropped: 0.5,
    writeBytes: 8000,
    writeRecords: 4,
    shards: 2,
    consumerLagSeconds: { app: 1.5 },
    delivered: { app: 7 },
    firehoseObjects: { logs: 1 },
    latency: { put: { p50: 0.02, p99: 0.1 }, e2e: { p50: 1, p99: 2 } },
    maxShardUtilization: 0.75,
  });
  const second = sample(1, {
    offered: 4,
    acknowledged: 4.0004,
    shards: 2,
    consumerLagSeconds: { app: 0.25 },
    delivered: { app: 4 },
    firehoseObjects: { logs: 0 },
  });
  recorder.addSecond(first);
  recorder.addSecond(second);
  const result = recorder.build({
    header: HEADER,
    scenario: SCENARIO,
    pendingAtEnd: 1.5,
    delivered: { app: 11 },
    firehose: { logs: { records: 8, bytes: 8000, objects: 1, objectBytes: 4000, throttled: 0 } },
  });

  it('gives each second back as it came in (counts to a thousandth)', () => {
    expect(recorder.sample(0)).toEqual(first);
    // 4.0004 rounds to a thousandth: 4.
    expect(recorder.sample(1)).toEqual({ ...second, acknowledged: 4 });
  });

  it('builds the series, the counters and the metrics from the seconds', () => {
    expect(result.series.offered).toEqual([10, 4]);
    expect(result.series.acknowledged).toEqual([8, 4]);
    expect(result.series.shards).toEqual([2, 2]);
    expect(result.series.consumerLagSeconds).toEqual({ app: [1.5, 0.25] });
    expect(result.series.delivered).toEqual({ app: [7, 4] });
    expect(result.series.firehoseObjects).toEqual({ logs: [1, 0] });
    expect(result.series.latency?.put).toEqual({ p50: [0.02, 0], p99: [0.1, 0] });
    // produced 10 + 4 = 14; attempts = first attempts + retries = 14 + 1 = 15;
    // acknowledged 8 + 4.0004 = 12.0004 → 12.
    expect(result.counters).toMatchObject({
      produced: 14,
      acknowledged: 12,
      throttled: 3,
      attempts: 15,
      retried: 1,
      dropped: 0.5,
      pendingAtEnd: 1.5,
      delivered: { app: 11 },
    });
    // throttled ÷ attempts = 3 ÷ 15 = 0.2; the peak second acknowledged 8; the largest lag 1.5 s.
    expect(result.metrics.throttledRatio).toBe(0.2);
    expect(result.metrics['throughput.peakRecordsPerSecond']).toBe(8);
    expect(result.metrics['consumerLag.max']).toBe(1.5);
    expect(result.metrics['shards.max']).toBe(2);
    // One lag a second into the histogram: 1.5 and 0.25, the top 1.5 s.
    expect(result.histograms.consumerLag.count).toBe(2);
    expect(maxSeconds(result.histograms.consumerLag)).toBe(1.5);
  });
});

describe('RunRecorder, one observation at a time', () => {
  const recorder = new RunRecorder({ seconds: 2, consumers: ['app'], firehoses: ['logs'] });
  // Second 0: three records acknowledged after 10 ms and one after 500 ms; the application's
  // iterator age seen twice (2 s, then 3 s: the second keeps 3); shard 1 the hotter.
  recorder.countWrites(0, { offered: 4, acknowledged: 4, writeBytes: 2000, writeRecords: 4 });
  recorder.countWrites(0, { offered: 1, throttled: 1 });
  recorder.countPutRequests(2);
  recorder.setShards(0, 2);
  recorder.countDelivered('app', 0, 4);
  recorder.recordPutLatency(0.01, 3);
  recorder.recordPutLatency(0.5);
  recorder.recordConsumerLag('app', 0, 2);
  recorder.recordConsumerLag('app', 0, 3);
  recorder.recordShardLoad(0, Float32Array.of(0.5, 1.25));
  recorder.recordFirehoseDelivery('logs', 60, 2);
  const zero = recorder.endSecond(0);
  // Second 1: the throttled record's retry accepted, no lag, the shards quieter, an object written.
  recorder.countWrites(1, { retried: 1, acknowledged: 1, writeBytes: 500, writeRecords: 1 });
  recorder.countPutRequests(1);
  recorder.setShards(1, 2);
  recorder.countFirehoseObjects('logs', 1, 1);
  recorder.recordShardLoad(1, Float32Array.of(0.25, 0.5));
  const one = recorder.endSecond(1);
  const result = recorder.build({
    header: HEADER,
    scenario: SCENARIO,
    pendingAtEnd: 0,
    delivered: { app: 4 },
    firehose: { logs: { records: 2, bytes: 200, objects: 1, objectBytes: 200, throttled: 0 } },
  });

  it('counts writes into the series and the totals', () => {
    expect(zero).toMatchObject({ second: 0, offered: 5, acknowledged: 4, throttled: 1, shards: 2 });
    expect(zero.delivered).toEqual({ app: 4 });
    expect(one).toMatchObject({ second: 1, offered: 0, acknowledged: 1, retried: 1, writeBytes: 500 });
    expect(one.firehoseObjects).toEqual({ logs: 1 });
    expect(result.series.offered).toEqual([5, 0]);
    expect(result.series.acknowledged).toEqual([4, 1]);
    expect(result.series.throttled).toEqual([1, 0]);
    expect(result.series.retried).toEqual([0, 1]);
    expect(result.series.shards).toEqual([2, 2]);
    expect(result.series.delivered).toEqual({ app: [4, 0] });
    expect(result.series.firehoseObjects).toEqual({ logs: [0, 1] });
    // 5 first attempts + 1 retry = 6 attempts, 1 of them throttled: 1 ÷ 6.
    expect(result.counters).toMatchObject({
      produced: 5,
      acknowledged: 5,
      throttled: 1,
      attempts: 6,
      retried: 1,
      dropped: 0,
      putRequests: 3,
    });
    expect(result.metrics.throttledRatio).toBe(1 / 6);
    expect(result.metrics['throughput.peakWriteBytesPerSecond']).toBe(2000);
  });

  it('closes a second into its percentiles, lag and hottest shard', () => {
    // The second's quantiles sit in log buckets 0.5% wide: bucket i = 1 + ⌊ln(s ÷ 1 µs) ÷ ln 1.005⌋,
    // valued at 1 µs × 1.005^(i − 0.5). 10 ms: ln(10^4) ÷ 0.0049875 = 1846.67 → i = 1847, value
    // 1 µs × e^(1846.5 × 0.0049875) = 0.0099916 s → 0.009992. p50: 3 of 4 records by then (≥ 2).
    // 500 ms: ln(5 × 10^5) ÷ 0.0049875 = 2631.03 → i = 2632, 1 µs × e^(2631.5 × 0.0049875) =
    // 0.501177 s. p99 needs 3.96 of 4: the 500 ms bucket.
    expect(zero.latency.put).toEqual({ p50: 0.009992, p99: 0.501177 });
    expect(zero.consumerLagSeconds).toEqual({ app: 3 });
    expect(zero.maxShardUtilization).toBe(1.25);
    expect(one.latency.put).toEqual({ p50: 0, p99: 0 });
    expect(one.maxShardUtilization).toBe(0.5);
    expect(result.series.latency?.put).toEqual({ p50: [0.009992, 0], p99: [0.501177, 0] });
    expect(result.series.consumerLagSeconds).toEqual({ app: [3, 0] });
  });

  it('builds the histograms and the shard series from the observations', () => {
    // HDR keeps 3 significant digits: the 10 ms records land in a bucket 8 µs wide at 10,000 µs.
    expect(result.histograms.putLatency.count).toBe(4);
    expect(result.metrics['putLatency.p50']).toBeGreaterThanOrEqual(0.01);
    expect(result.metrics['putLatency.p50']).toBeLessThan(0.01 + 8e-6);
    expect(result.metrics['putLatency.max']).toBe(0.5);
    // Lags 3 (second 0) and 0 (second 1), one count a second.
    expect(result.histograms.consumerLag.count).toBe(2);
    expect(result.metrics['consumerLag.max']).toBe(3);
    expect(result.metrics['firehose.logs.deliveryLatency.max']).toBe(60);
    // Rows per second [0.5, 1.25] and [0.25, 0.5]: shard 1 peaks at 1.25, shard 0 at 0.5.
    expect(result.shardSeries).toEqual({
      stepSeconds: 1,
      all: [
        [0.5, 0.25],
        [1.25, 0.5],
      ],
      hottest: [
        { shard: 1, utilization: [1.25, 0.5] },
        { shard: 0, utilization: [0.5, 0.25] },
      ],
    });
    expect(result.metrics['shards.maxUtilization']).toBe(1.25);
  });

  it('refuses what does not belong to the run', () => {
    expect(() => recorder.recordConsumerLag('nope', 0, 1)).toThrow('no consumer named "nope" in this run');
    expect(() => recorder.recordFirehoseDelivery('nope', 1)).toThrow(/no Firehose stream named "nope"/);
    expect(() => recorder.endSecond(2)).toThrow(RangeError);
    expect(() => new RunRecorder({ seconds: 0, consumers: [], firehoses: [] })).toThrow(RangeError);
  });
});

describe('RunRecorder, per-shard load', () => {
  it("a second's hottest shard is its own row's maximum, even once rows are merged to bound memory", () => {
    // A budget of 2 values: the third row makes the rows fold pairwise (element-wise maxima), and
    // a merged row may be the caller's own. Rows: [0.9], [0.1], [0.1], then [0.1, 0.2] after a
    // split: second 3's hottest shard is at 0.2 (its own row), not the 0.9 of second 0.
    const recorder = new RunRecorder({ seconds: 4, consumers: [], firehoses: [], shardRowBudgetValues: 2 });
    recorder.recordShardLoad(0, Float32Array.of(0.9));
    recorder.recordShardLoad(1, Float32Array.of(0.1));
    recorder.recordShardLoad(2, Float32Array.of(0.1));
    recorder.recordShardLoad(3, Float32Array.of(0.1, 0.2));
    expect(recorder.sample(0).maxShardUtilization).toBe(0.9);
    // Float32 0.2 is 0.200000003, rounded to a millionth: 0.2.
    expect(recorder.sample(3).maxShardUtilization).toBe(0.2);
  });
});

describe('RunRecorder, closing seconds', () => {
  it('closes each second once, in order', () => {
    const recorder = new RunRecorder({ seconds: 3, consumers: [], firehoses: [] });
    recorder.endSecond(0);
    // A second time would record its lags twice and lose its percentiles.
    expect(() => recorder.endSecond(0)).toThrow('second 0 is already closed');
    // Second 2 before 1 would give second 1's latencies to second 2.
    expect(() => recorder.endSecond(2)).toThrow('second 1 is not closed yet: close seconds in order');
    recorder.endSecond(1);
    recorder.endSecond(2);
  });
});

describe('RunRecorder.buildPartial: a run stopped early', () => {
  const SCENARIO_4: RunResult['scenario'] = { ...SCENARIO, durationSeconds: 4 };
  const run = { header: HEADER, scenario: SCENARIO_4, pendingAtEnd: 0, firehose: {} };

  it('is undefined before the first second closes', () => {
    const recorder = new RunRecorder({ seconds: 4, consumers: ['app'], firehoses: [] });
    recorder.countWrites(0, { offered: 5 });
    expect(recorder.buildPartial(run)).toBeUndefined();
  });

  it('covers the seconds closed, counters summed over them, the open second left out', () => {
    const recorder = new RunRecorder({ seconds: 4, consumers: ['app'], firehoses: [] });
    recorder.countWrites(0, { offered: 10, acknowledged: 8, throttled: 2, retried: 0, dropped: 0 });
    recorder.countDelivered('app', 0, 6);
    recorder.recordConsumerLag('app', 0, 0.5);
    recorder.endSecond(0);
    recorder.countWrites(1, { offered: 12, acknowledged: 11, throttled: 3, retried: 2, dropped: 1 });
    recorder.countDelivered('app', 1, 9);
    recorder.endSecond(1);
    // Second 2 is under way when the run stops: counted, not closed.
    recorder.countWrites(2, { offered: 7, acknowledged: 7 });
    recorder.countDelivered('app', 2, 4);
    recorder.countPutRequests(5);
    const result = recorder.buildPartial(run);
    expect(result).toBeDefined();
    // Two seconds closed: every series is two long, and the result says it covers 2 s.
    expect(result?.scenario.durationSeconds).toBe(2);
    expect(result?.series.offered).toEqual([10, 12]);
    expect(result?.series.delivered).toEqual({ app: [6, 9] });
    expect(result?.series.consumerLagSeconds).toEqual({ app: [0.5, 0] });
    expect(result?.series.latency?.put.p50).toHaveLength(2);
    // produced 10 + 12 = 22 (second 2's 7 left out); attempts = 22 + 2 retries = 24;
    // acknowledged 8 + 11 = 19; delivered 6 + 9 = 15; put requests as counted, 5.
    expect(result?.counters).toMatchObject({
      produced: 22,
      acknowledged: 19,
      throttled: 5,
      attempts: 24,
      retried: 2,
      dropped: 1,
      putRequests: 5,
      delivered: { app: 15 },
    });
    // throttled ÷ attempts = 5 ÷ 24; mean acknowledged over the 2 s covered = 19 ÷ 2 = 9.5/s.
    expect(result?.metrics.throttledRatio).toBeCloseTo(5 / 24, 12);
    expect(result?.metrics['throughput.averageRecordsPerSecond']).toBe(9.5);
    expect(result?.metrics['consumers.app.delivered']).toBe(15);
  });

  it('counts a whole second handed over with addSecond as closed', () => {
    const recorder = new RunRecorder({ seconds: 4, consumers: [], firehoses: [] });
    recorder.addSecond(sample(0, { offered: 3, acknowledged: 3 }));
    expect(recorder.buildPartial(run)?.series.offered).toEqual([3]);
  });
});
