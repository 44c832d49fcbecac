/** The metric names a run of a scenario reports, known before it runs (gates are checked against them). */
import { emptyHistogram } from './histogram.js';
import { runMetrics } from './metrics.js';
import { RESULT_VERSION } from './types.js';

export function runMetricNames(consumers: readonly string[], firehoses: readonly string[]): string[] {
  const none: number[] = [0];
  return Object.keys(
    runMetrics({
      version: RESULT_VERSION,
      header: { runId: '', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: '' },
      scenario: { name: '', seed: 0, durationSeconds: 1, tickSeconds: 0.1, target: 'model' },
      counters: {
        produced: 0,
        acknowledged: 0,
        throttled: 0,
        attempts: 0,
        retried: 0,
        dropped: 0,
        pendingAtEnd: 0,
        putRequests: 0,
        delivered: Object.fromEntries(consumers.map((c) => [c, 0])),
        firehose: Object.fromEntries(
          firehoses.map((f) => [f, { records: 0, bytes: 0, objects: 0, objectBytes: 0, throttled: 0 }]),
        ),
      },
      series: {
        offered: none,
        acknowledged: none,
        throttled: none,
        retried: none,
        dropped: none,
        writeBytes: none,
        shards: [1],
        consumerLagSeconds: Object.fromEntries(consumers.map((c) => [c, none])),
        delivered: Object.fromEntries(consumers.map((c) => [c, none])),
        firehoseObjects: Object.fromEntries(firehoses.map((f) => [f, none])),
      },
      shardSeries: { stepSeconds: 1, all: [none], hottest: [{ shard: 0, utilization: none }] },
      histograms: {
        putLatency: emptyHistogram(),
        e2eLatency: emptyHistogram(),
        consumerLag: emptyHistogram(),
        firehoseDeliveryLatency: Object.fromEntries(firehoses.map((f) => [f, emptyHistogram()])),
      },
    }),
  );
}
