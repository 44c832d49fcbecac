import { describe, expect, it } from 'vitest';
import { mergeResults, ResultMergeError } from '../../src/result/merge.js';
import { runMetrics } from '../../src/result/metrics.js';
import type { RunResult } from '../../src/result/types.js';
import { histogramOf, syntheticResult } from './synthetic-result.js';

/** A second worker of the synthetic run: its own share of the traffic, one second shorter series. */
function secondWorker(): RunResult {
  const r = syntheticResult();
  const withoutMetrics: Omit<RunResult, 'metrics'> = {
    ...r,
    header: {
      runId: 'run-1',
      startedAt: '2026-11-23T09:59:59.000Z',
      finishedAt: '2026-11-23T10:00:01.000Z',
      wallSeconds: 2,
      shardcastVersion: '0.1.0',
    },
    counters: {
      produced: 100,
      acknowledged: 95,
      throttled: 5,
      attempts: 103,
      retried: 3,
      dropped: 2,
      pendingAtEnd: 3,
      putRequests: 4,
      delivered: { audit: 90, billing: 95 },
      firehose: { lake: { records: 95, bytes: 1000, objects: 1, objectBytes: 1000, throttled: 2 } },
    },
    series: {
      offered: [30, 40, 30],
      acknowledged: [30, 35, 30],
      throttled: [0, 5, 0],
      retried: [0, 3, 0],
      dropped: [0, 2, 0],
      writeBytes: [300, 350, 300],
      shards: [3, 4, 4],
      consumerLagSeconds: { audit: [1, 9, 0], billing: [0, 0, 2] },
      delivered: { audit: [30, 30, 30], billing: [30, 35, 30] },
      firehoseObjects: { lake: [0, 0, 1] },
    },
    shardSeries: {
      stepSeconds: 2,
      all: [
        [0.1, 0],
        [0.1, 0.1],
        [0.2, 0.1],
        [0.3, 0.3],
      ],
      hottest: [
        { shard: 3, utilization: [0.3, 0.3, 0.1, 0] },
        { shard: 2, utilization: [0.2, 0.1, 0.1, 0.1] },
      ],
    },
    histograms: {
      putLatency: histogramOf([[0.003, 5]]),
      e2eLatency: histogramOf([[4, 1]]),
      consumerLag: histogramOf([[9, 1]]),
      firehoseDeliveryLatency: {
        lake: histogramOf([[80, 1]]),
        archive: histogramOf([[300, 1]]),
      },
    },
  };
  return { ...withoutMetrics, metrics: runMetrics(withoutMetrics) };
}

describe('mergeResults', () => {
  const merged = mergeResults([syntheticResult(), secondWorker()]);

  it('sums counters, per name too', () => {
    expect(merged.counters).toEqual({
      produced: 380,
      acknowledged: 365,
      throttled: 35,
      attempts: 403,
      retried: 23,
      dropped: 12,
      pendingAtEnd: 3,
      putRequests: 16,
      delivered: { orders: 270, audit: 350, billing: 95 },
      firehose: { lake: { records: 365, bytes: 277_480, objects: 4, objectBytes: 277_480, throttled: 2 } },
    });
  });

  it('adds series element-wise, padding the shorter, and takes the largest shard count and lag', () => {
    expect(merged.series.offered).toEqual([90, 150, 100, 40]);
    expect(merged.series.acknowledged).toEqual([80, 135, 110, 40]);
    expect(merged.series.dropped).toEqual([0, 7, 5, 0]);
    expect(merged.series.shards).toEqual([3, 4, 4, 3]);
    expect(merged.series.consumerLagSeconds).toEqual({
      orders: [0, 1.5, 4, 2],
      audit: [1, 9, 0.5, 7],
      billing: [0, 0, 2],
    });
    expect(merged.series.delivered.audit).toEqual([60, 120, 130, 40]);
    expect(merged.series.firehoseObjects).toEqual({ lake: [0, 1, 2, 1] });
  });

  it("adds the workers' shard utilisation", () => {
    expect(merged.shardSeries.stepSeconds).toBe(2);
    expect(
      merged.shardSeries.all.map((points) => points.map((v) => Math.round((v ?? Number.NaN) * 10) / 10)),
    ).toEqual([
      [0.9, 0.4],
      [0.4, 0.3],
      [1.4, 1],
      [0.3, 0.3],
    ]);
    // Shard 2 is hot in both: 0.5+0.2, 1.2+0.1, …; shard 0 and shard 3 in one each.
    expect(merged.shardSeries.hottest.map(({ shard }) => shard)).toEqual([2, 0]);
    expect(merged.shardSeries.hottest[0]!.utilization.map((v) => Math.round(v * 10) / 10)).toEqual([
      0.7, 1.3, 1, 0.4,
    ]);
  });

  it('merges histograms exactly', () => {
    expect(merged.histograms.putLatency).toEqual(
      histogramOf([
        [0.001, 90],
        [0.002, 10],
        [0.003, 5],
      ]),
    );
    expect(merged.histograms.firehoseDeliveryLatency).toEqual({
      lake: histogramOf([
        [60, 2],
        [75, 1],
        [80, 1],
      ]),
      archive: histogramOf([[300, 1]]),
    });
  });

  it('recomputes the metrics', () => {
    const { metrics, ...rest } = merged;
    expect(metrics).toEqual(runMetrics(rest));
    expect(metrics.throttledRatio).toBe(35 / 403);
    expect(metrics['putLatency.max']).toBe(0.003);
    expect(metrics['e2eLatency.max']).toBe(4);
    expect(metrics['consumerLag.max']).toBe(9);
    expect(metrics['shards.maxUtilization']).toBeCloseTo(1.4, 12);
    expect(metrics['firehose.archive.deliveryLatency.p99']).toBe(300);
  });

  it('spans the workers in the header', () => {
    expect(merged.header).toEqual({
      runId: 'run-1',
      startedAt: '2026-11-23T09:59:59.000Z',
      finishedAt: '2026-11-23T10:00:01.500Z',
      wallSeconds: 2,
      shardcastVersion: '0.1.0',
    });
  });

  it('gives back a single result as it was', () => {
    expect(mergeResults([syntheticResult()])).toEqual(syntheticResult());
  });

  it('refuses nothing, and results of different runs', () => {
    expect(() => mergeResults([])).toThrow(ResultMergeError);
    const other = syntheticResult();
    other.scenario.name = 'other';
    other.scenario.tickSeconds = 1;
    expect(() => mergeResults([syntheticResult(), other])).toThrow(
      'result 2 is not from the same run as result 1: scenario "other" ≠ "synthetic", tick 1 s ≠ 0.1 s',
    );
  });

  it("sums two workers' requests and scheduled records, and keeps them only when both have them", () => {
    const worker = (requests: number[], scheduled: number[]): RunResult => {
      const r = syntheticResult();
      r.series = { ...r.series, requests, scheduled };
      return r;
    };
    // Worker 1: 4 seconds; worker 2: 3 (it closed a second fewer), padded with 0:
    //   requests  [10, 20, 15, 5] + [12, 18, 16] = [22, 38, 31, 5]
    //   scheduled [60, 110, 70, 40] + [60, 100, 60] = [120, 210, 130, 40]
    const both = mergeResults([
      worker([10, 20, 15, 5], [60, 110, 70, 40]),
      worker([12, 18, 16], [60, 100, 60]),
    ]);
    expect(both.series.requests).toEqual([22, 38, 31, 5]);
    expect(both.series.scheduled).toEqual([120, 210, 130, 40]);
    // A worker without them (a model run's result): a sum of part of the workers would be wrong.
    const one = mergeResults([worker([10, 20, 15, 5], [60, 110, 70, 40]), syntheticResult()]);
    expect(one.series.requests).toBeUndefined();
    expect(one.series.scheduled).toBeUndefined();
  });

  it('keeps a downsampled step for the hottest shards, and refuses to add series of different steps', () => {
    const coarse = (): RunResult => {
      const r = syntheticResult();
      r.shardSeries = { ...r.shardSeries, hottestStepSeconds: 32 };
      return r;
    };
    expect(mergeResults([coarse(), coarse()]).shardSeries.hottestStepSeconds).toBe(32);
    expect(
      mergeResults([syntheticResult(), syntheticResult()]).shardSeries.hottestStepSeconds,
    ).toBeUndefined();
    // 32-second points added to one-second points would mix seconds of different lengths.
    expect(() => mergeResults([syntheticResult(), coarse()])).toThrow("hottest shards' step 32 s ≠ 1 s");
  });
});
