/** Latency over time and its distribution over the run, and consumers' iterator age over time. */
import type { TopLevelSpec } from 'vega-lite';
import { percentilesSeconds } from '../../result/histogram.js';
import type { RunResult } from '../../result/types.js';
import {
  base,
  displayStep,
  type ReshardMark,
  type Row,
  type Run,
  reshardLayers,
  runDash,
  timeAxis,
  timeRows,
} from './base.js';

/** Put and end-to-end latency percentiles of each second (the larger per displayed point). */
export function latencyOverTimeChart(
  result: RunResult,
  baseline?: RunResult,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const latency = result.series.latency;
  const length = latency?.put.p50.length ?? 0;
  const step = displayStep(length);
  const rows: Row[] = [];
  const add = (r: RunResult['series']['latency'], run: Run) => {
    if (!r) return;
    // A second without records has no latency (0 in the series): not drawn.
    const drop = (rows: Row[]) => rows.filter((row) => (row.value as number) > 0);
    rows.push(
      ...drop(timeRows(r.put.p50, step, 'put p50', 'max', run)),
      ...drop(timeRows(r.put.p99, step, 'put p99', 'max', run)),
      ...drop(timeRows(r.e2e.p50, step, 'end-to-end p50', 'max', run)),
      ...drop(timeRows(r.e2e.p99, step, 'end-to-end p99', 'max', run)),
    );
  };
  add(latency, 'this run');
  add(baseline?.series.latency, 'baseline');
  const x = timeAxis(step);
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5, point: length <= 1 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'seconds',
            scale: { type: 'log' },
          },
          color: { field: 'series', type: 'nominal', title: null },
          ...runDash(baseline?.series.latency !== undefined),
          tooltip: [
            { field: 't', type: 'quantitative', title: 'second' },
            { field: 'series', type: 'nominal' },
            { field: 'run', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: '.3f', title: 'seconds' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}

/** Plot width below which the latency distribution's percentile labels are angled. */
const NARROW_AXIS_PX = 440;

/** Percentiles shown in the latency distributions. */
export const DISTRIBUTION_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;

/**
 * Latency distributions from the run's HDR histograms: the value at each percentile (the usual
 * "percentile spectrum"), for put, end-to-end and each Firehose stream's delivery latency.
 */
export function latencyDistributionChart(result: RunResult, baseline?: RunResult): TopLevelSpec {
  const rows: Row[] = [];
  const add = (r: RunResult, run: Run) => {
    const h = r.histograms;
    const histograms: [string, RunResult['histograms']['putLatency']][] = [
      ['put', h.putLatency],
      ['end-to-end', h.e2eLatency],
      ...Object.entries(h.firehoseDeliveryLatency).map(
        ([name, e]) => [`Firehose ${name} delivery`, e] as [string, RunResult['histograms']['putLatency']],
      ),
    ];
    for (const [name, e] of histograms) {
      if (e.count === 0) continue;
      percentilesSeconds(e, DISTRIBUTION_PERCENTILES).forEach((value, i) => {
        rows.push({
          percentile: `p${DISTRIBUTION_PERCENTILES[i]}`,
          order: i,
          series: name,
          run,
          value,
        });
      });
    }
  };
  add(result, 'this run');
  if (baseline) add(baseline, 'baseline');
  return {
    ...base(),
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 1.5 },
    encoding: {
      x: {
        field: 'percentile',
        type: 'ordinal',
        sort: DISTRIBUTION_PERCENTILES.map((p) => `p${p}`),
        title: 'percentile',
        // Eleven labels side by side need ~440 px: narrower (a 390-px phone) p99.9, p99.99 and
        // p100 ran into each other, so they turn to 45° there.
        axis: {
          labelAngle: { expr: `width < ${NARROW_AXIS_PX} ? -45 : 0` },
          labelAlign: { expr: `width < ${NARROW_AXIS_PX} ? 'right' : 'center'` },
          labelBaseline: { expr: `width < ${NARROW_AXIS_PX} ? 'middle' : 'top'` },
        },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'seconds',
        scale: { type: 'log' },
      },
      color: { field: 'series', type: 'nominal', title: null },
      ...runDash(baseline !== undefined),
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'run', type: 'nominal' },
        { field: 'percentile', type: 'ordinal' },
        { field: 'value', type: 'quantitative', format: '.3f', title: 'seconds' },
      ],
    },
  };
}

/** Each consumer application's iterator age over time (the oldest over shards, larger per point). */
export function consumerLagChart(
  result: RunResult,
  baseline?: RunResult,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const lag = result.series.consumerLagSeconds;
  const length = Math.max(0, ...Object.values(lag).map((v) => v.length));
  const step = displayStep(length);
  const rows: Row[] = Object.entries(lag).flatMap(([name, values]) => timeRows(values, step, name, 'max'));
  if (baseline) {
    for (const [name, values] of Object.entries(baseline.series.consumerLagSeconds)) {
      rows.push(...timeRows(values, step, name, 'max', 'baseline'));
    }
  }
  const x = timeAxis(step);
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, point: length <= 1 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'iterator age (s)' },
          color: { field: 'series', type: 'nominal', title: null },
          ...runDash(baseline !== undefined),
          tooltip: [
            { field: 't', type: 'quantitative', title: 'second' },
            { field: 'series', type: 'nominal', title: 'consumer' },
            { field: 'run', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: '.2f', title: 'lag (s)' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}
