/**
 * The request rate against the target rate, for targets that send requests (the `http` target):
 * per second, the records the scenario's schedule put in it (the target rate), the records first
 * sent in it, and the requests sent (first sends and retries).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../../result/types.js';
import { formatNumber } from '../../scenario/units.js';
import {
  base,
  COLORS,
  displayStep,
  type ReshardMark,
  type Row,
  type Run,
  reshardLayers,
  runDash,
  timeAxis,
  timeRows,
} from './base.js';

/** The lines' names, as the legend shows them. */
export const RATE_SERIES = {
  scheduled: 'scheduled records/s (target rate)',
  sent: 'records sent/s',
  requests: 'requests/s (right axis)',
} as const;

/** Requests get their own colour: no other chart draws them. */
const REQUESTS_COLOR = '#e6850e';

/**
 * Records per request over the run: (records first sent + records retried) ÷ requests, each
 * request carrying its batch whether a first send or a retry. Undefined without a request.
 */
export function recordsPerRequest(result: RunResult): number | undefined {
  const s = result.series;
  const requests = (s.requests ?? []).reduce((a, b) => a + b, 0);
  if (requests === 0) return undefined;
  const records = [...s.offered, ...s.retried].reduce((a, b) => a + b, 0);
  return records / requests;
}

/**
 * Scheduled and sent records share the left axis (the same unit: a gap between them is records
 * that waited); requests are on the right, on their own scale: batched 500 records a request,
 * requests/s is 1/500 of records/s, a flat line at the bottom of a shared axis.
 *
 * Each line is the mean of its seconds per displayed point (a rate stays a rate when downsampled).
 * A baseline that has the series too is drawn dashed, each line in its run's colour.
 */
export function requestRateChart(
  result: RunResult,
  baseline?: RunResult,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const step = displayStep(result.series.offered.length);
  const records: Row[] = [];
  const requests: Row[] = [];
  const add = (series: RunResult['series'], run: Run) => {
    if (series.scheduled)
      records.push(...timeRows(series.scheduled, step, RATE_SERIES.scheduled, 'mean', run));
    records.push(...timeRows(series.offered, step, RATE_SERIES.sent, 'mean', run));
    requests.push(...timeRows(series.requests ?? [], step, RATE_SERIES.requests, 'mean', run));
  };
  add(result.series, 'this run');
  const withBaseline = baseline?.series.requests !== undefined;
  if (baseline && withBaseline) add(baseline.series, 'baseline');
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: {
      domain: [RATE_SERIES.scheduled, RATE_SERIES.sent, RATE_SERIES.requests],
      range: [COLORS.limit, COLORS.offered, REQUESTS_COLOR],
    },
  };
  const x = timeAxis(step);
  const dash = runDash(withBaseline);
  const tooltip = (title: string) => [
    { field: 't', type: 'quantitative', title: 'second' },
    { field: 'series', type: 'nominal' },
    ...(withBaseline ? [{ field: 'run', type: 'nominal' }] : []),
    { field: 'value', type: 'quantitative', format: ',.1f', title },
  ];
  const line = { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, clip: true } as const;
  // A tenth above the highest line on each axis: a constant rate drawn on the top frame is lost in it.
  const top = (rows: readonly Row[]) => 1.1 * rows.reduce((m, r) => Math.max(m, r.value as number), 1);
  return {
    ...base(),
    layer: [
      {
        data: { values: records },
        mark: line,
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'records/s',
            scale: { domain: [0, top(records)], nice: true },
          },
          color,
          ...dash,
          tooltip: tooltip('records/s'),
        },
      },
      {
        data: { values: requests },
        mark: { ...line, strokeWidth: 1.25 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'requests/s',
            scale: { domain: [0, top(requests)], nice: true },
            axis: { orient: 'right', titleColor: REQUESTS_COLOR },
          },
          color,
          ...dash,
          tooltip: tooltip('requests/s'),
        },
      },
      ...reshardLayers(marks, x),
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** The chart's caption: how to read it, with the run's own records per request. */
export function requestRateCaption(result: RunResult): string {
  const perRequest = recordsPerRequest(result);
  const batching =
    perRequest === undefined
      ? 'requests/s (right axis) is records/s ÷ records per request'
      : `requests/s (right axis) is records/s ÷ records per request (${formatNumber(perRequest)} on average in this run, retries included)`;
  return `Records per second the scenario scheduled (the target rate) and records first sent; ${batching}. Where the sent line runs below the scheduled one, the target fell behind: every connection was busy and records waited (see put latency).`;
}
