/**
 * The report's charts as data: one function per chart (in `charts/`, one file per family), each
 * turning a plan and/or a run result into a Vega-Lite spec with its data inlined. Long runs are downsampled for display (the full
 * series stay in result.json): at most `MAX_POINTS` points in time, `MAX_HEATMAP_ROWS` rows of
 * shards. Every function returns a spec that renders, even for an empty or one-point series.
 *
 * What no chart may do is mislead: every time chart marks the reshards (a step in the limit or a
 * new row of shards has its cause drawn beside it), a shard that does not exist is drawn absent
 * (not as an idle 0%), the heatmap's legend shows the colour of a shard over its limit, a
 * baseline series has its current series' colour (dashed), and legend labels are never cut.
 */
import type { Plan } from '../planner/types.js';
import type { RunResult } from '../result/types.js';
import { type ReportChart, reshardMarks } from './charts/base.js';
import { costChart, costChartCaption } from './charts/cost.js';
import { firehoseChart } from './charts/firehose.js';
import { shardHeatmap } from './charts/heatmap.js';
import { consumerLagChart, latencyDistributionChart, latencyOverTimeChart } from './charts/latency.js';
import { shardLoadCaption, shardLoadChart, trafficCapacityChart } from './charts/plan.js';
import { requestRateCaption, requestRateChart } from './charts/rate.js';
import { throughputChart } from './charts/throughput.js';
import { isMeasured } from './target-view.js';

// What html.ts and images.ts take with the charts.
export type { ReportChart } from './charts/base.js';

/** The charts a report shows: those its inputs have data for, in reading order. */
export function reportCharts(input: {
  plan?: Plan | undefined;
  result?: RunResult | undefined;
  baseline?: RunResult | undefined;
}): ReportChart[] {
  const { plan, result, baseline } = input;
  const charts: ReportChart[] = [];
  // Every time chart marks the reshards, as far as its axis goes.
  const marks = reshardMarks(
    input,
    result ? result.series.offered.length : (plan?.scenario.durationSeconds ?? 0),
  );
  if (result) {
    // A chart of what the run's target did not measure would draw its zeros as measured: left out.
    const measured = (metric: string) => isMeasured(result, metric);
    charts.push({
      id: 'throughput',
      title: 'Ingest against the write limit',
      description:
        'Records per second offered and acknowledged and what the open shards can take at this record size; the share of attempts throttled on the right axis; purple lines: reshards (dashed when ordered, solid when done).',
      spec: throughputChart(result, baseline, marks),
    });
    // Only a target that sends requests (http) has them: the model and aws results do not.
    if (result.series.requests) {
      charts.push({
        id: 'request-rate',
        title: 'Request rate against the target rate',
        description: requestRateCaption(result),
        spec: requestRateChart(result, baseline, marks),
      });
    }
    if (measured('shards.maxUtilization')) {
      charts.push({
        id: 'shard-heatmap',
        title: 'Shard utilisation over time',
        description:
          'Each row a shard (or a group of shards, its hottest shown), each cell its load over its write limit: red cells throttle; blank where the shard did not exist.',
        spec: shardHeatmap(result, marks),
      });
    }
    if (result.series.latency) {
      charts.push({
        id: 'latency-over-time',
        title: 'Latency percentiles over time',
        description: 'Put and end-to-end latency, 50th and 99th percentile of each second (log scale).',
        spec: latencyOverTimeChart(result, baseline, marks),
      });
    }
    charts.push({
      id: 'latency-distribution',
      title: 'Latency distributions',
      description: 'The latency at each percentile over the whole run, from the HDR histograms (log scale).',
      spec: latencyDistributionChart(result, baseline),
    });
    if (Object.keys(result.series.consumerLagSeconds).length > 0 && measured('consumerLag.max')) {
      charts.push({
        id: 'consumer-lag',
        title: 'Consumer lag',
        description: 'Each consumer application’s iterator age: how far behind the newest record it is.',
        spec: consumerLagChart(result, baseline, marks),
      });
    }
    const firehoses = Object.keys(result.series.firehoseObjects);
    if (firehoses.length > 0 && firehoses.some((name) => measured(`firehose.${name}.objects`))) {
      charts.push({
        id: 'firehose',
        title: 'Firehose buffers and flushes',
        description:
          'How full a buffer is over time against its size hint (dashed), and a tick at each second an object was written.',
        spec: firehoseChart(result, plan, marks),
      });
    }
  }
  // Without a run, the plan's own view of time and shards (plans written before it have no profile).
  if (!result && plan?.profile) {
    charts.push(
      {
        id: 'traffic-capacity',
        title: 'Traffic against capacity',
        description:
          'The traffic over the scenario in shards’ worth (no headroom) against the shards in force and the recommended count: where the traffic rises above the shards in force, the stream throttles.',
        spec: trafficCapacityChart(plan, marks),
      },
      {
        id: 'shard-load',
        title: 'Per-shard load at peak',
        description: shardLoadCaption(plan),
        spec: shardLoadChart(plan),
      },
    );
  }
  if (plan && plan.cost.options.length > 0) {
    charts.push({
      id: 'cost',
      title: 'Monthly cost per capacity option',
      description: costChartCaption(plan),
      spec: costChart(plan),
    });
  }
  return charts;
}
