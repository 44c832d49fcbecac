import { LatencyRecorder } from '../../src/result/histogram.js';
import { runMetrics } from '../../src/result/metrics.js';
import type { EncodedHistogram, RunResult } from '../../src/result/types.js';

/** A histogram holding `count` occurrences of each `[seconds, count]`. */
export function histogramOf(
  values: readonly (readonly [seconds: number, count: number])[],
): EncodedHistogram {
  const recorder = new LatencyRecorder();
  for (const [seconds, count] of values) recorder.record(seconds, count);
  const encoded = recorder.encode();
  recorder.destroy();
  return encoded;
}

/**
 * A 4-second run, consistent with itself:
 * - 280 records produced (first attempts), 20 retries: 300 attempts;
 * - 30 attempts throttled: 20 retried, 10 dropped; 270 acknowledged = 280 − 10 dropped − 0 pending.
 */
export function syntheticResult(): RunResult {
  const withoutMetrics: Omit<RunResult, 'metrics'> = {
    version: 1,
    header: {
      runId: 'run-1',
      startedAt: '2026-11-23T10:00:00.000Z',
      finishedAt: '2026-11-23T10:00:01.500Z',
      wallSeconds: 1.5,
      shardcastVersion: '0.1.0',
    },
    scenario: { name: 'synthetic', seed: 7, durationSeconds: 4, tickSeconds: 0.1, target: 'model' },
    counters: {
      produced: 280,
      acknowledged: 270,
      throttled: 30,
      attempts: 300,
      retried: 20,
      dropped: 10,
      pendingAtEnd: 0,
      putRequests: 12,
      delivered: { orders: 270, audit: 260 },
      firehose: { lake: { records: 270, bytes: 276_480, objects: 3, objectBytes: 276_480, throttled: 0 } },
    },
    series: {
      offered: [60, 110, 70, 40],
      acknowledged: [50, 100, 80, 40],
      throttled: [10, 15, 5, 0],
      retried: [5, 10, 5, 0],
      dropped: [0, 5, 5, 0],
      writeBytes: [51_200, 102_400, 81_920, 40_960],
      shards: [3, 3, 3, 3],
      consumerLagSeconds: { orders: [0, 1.5, 4, 2], audit: [0, 0, 0.5, 7] },
      delivered: { orders: [40, 100, 90, 40], audit: [30, 90, 100, 40] },
      firehoseObjects: { lake: [0, 1, 1, 1] },
    },
    shardSeries: {
      stepSeconds: 2,
      all: [
        [0.8, 0.4],
        [0.3, 0.2],
        [1.2, 0.9],
      ],
      hottest: [
        { shard: 2, utilization: [0.5, 1.2, 0.9, 0.3] },
        { shard: 0, utilization: [0.2, 0.8, 0.4, 0.1] },
      ],
    },
    histograms: {
      putLatency: histogramOf([
        [0.001, 90],
        [0.002, 10],
      ]),
      e2eLatency: histogramOf([
        [0.5, 99],
        [3.25, 1],
      ]),
      consumerLag: histogramOf([
        [0, 2],
        [1.5, 1],
        [4, 1],
        [0.5, 1],
        [7, 1],
        [2, 1],
      ]),
      firehoseDeliveryLatency: {
        lake: histogramOf([
          [60, 2],
          [75, 1],
        ]),
      },
    },
  };
  return { ...withoutMetrics, metrics: runMetrics(withoutMetrics) };
}
