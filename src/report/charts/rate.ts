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
 * that waited); requests are on the right: batched 500 records a request, requests/s is 1/500 of
 * records/s, a flat line at the bottom of a shared axis. The right axis is the left one ÷ the
 * run's records per request (r), so a second whose requests carried r records each draws its
 * requests on its sent records: the lines part only where batching did (retries add requests; a
 * linger closes smaller batches at a low rate). At r = 4 and a left axis to 1,320 records/s, the
 * right one goes to 1,320 ÷ 4 = 330 requests/s. The sent line is drawn wide under the thin
 * requests line, so both show where they coincide.
 *
 * Each line is the mean of its seconds per displayed point (a rate stays a rate when downsampled),
 * drawn over the point's seconds (step-after, closed at the series' end: the last second is as
 * wide as the others). A baseline that has the series too is drawn dashed, in the same colours.
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
    if (series.scheduled) records.push(...closedRows(series.scheduled, step, RATE_SERIES.scheduled, run));
    records.push(...closedRows(series.offered, step, RATE_SERIES.sent, run));
    requests.push(...closedRows(series.requests ?? [], step, RATE_SERIES.requests, run));
  };
  add(result.series, 'this run');
  const withBaseline = baseline?.series.requests !== undefined;
  if (baseline && withBaseline) add(baseline.series, 'baseline');
  const domain = [RATE_SERIES.scheduled, RATE_SERIES.sent, RATE_SERIES.requests];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: [COLORS.limit, COLORS.offered, REQUESTS_COLOR] },
  };
  // The sent line wide, under the others (see above); one legend with the colour's. Ordinal: a
  // nominal field on a width channel warns in the page's console.
  const width = { field: 'series', type: 'ordinal', scale: { domain, range: [1.5, 5, 1.5] } };
  const x = timeAxis(step);
  const dash = runDash(withBaseline);
  const tooltip = (title: string) => [
    { field: 't', type: 'quantitative', title: 'second' },
    { field: 'series', type: 'nominal' },
    ...(withBaseline ? [{ field: 'run', type: 'nominal' }] : []),
    { field: 'value', type: 'quantitative', format: ',.1f', title },
  ];
  const line = { type: 'line', interpolate: 'step-after', clip: true } as const;
  // A tenth above the highest line: a constant rate drawn on the top frame is lost in it.
  const top = (rows: readonly Row[]) => 1.1 * rows.reduce((m, r) => Math.max(m, r.value as number), 1);
  const recordsTop = top(records);
  const perRequest = recordsPerRequest(result);
  // Left ÷ records per request, unless that would cut a requests line off (a baseline that
  // batched smaller) or there is no request to divide by.
  const requestsTop = Math.max(top(requests), perRequest === undefined ? 0 : recordsTop / perRequest);
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
            // Not `nice`: a rounded top on one axis only would break the ratio of the two.
            scale: { domain: [0, recordsTop], nice: false },
          },
          color,
          strokeWidth: width,
          ...dash,
          tooltip: tooltip('records/s'),
        },
      },
      {
        data: { values: requests },
        mark: { ...line, strokeWidth: 1.5 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'requests/s',
            scale: { domain: [0, requestsTop], nice: false },
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

/**
 * `timeRows` (means), and one more row at the series' end repeating the last value: a step-after
 * line ends at its last point, and would draw the last second as a vertical stroke on the frame.
 */
function closedRows(values: readonly number[], step: number, series: string, run: Run): Row[] {
  const rows = timeRows(values, step, series, 'mean', run);
  const last = rows.at(-1);
  if (last !== undefined) rows.push({ ...last, t: values.length });
  return rows;
}

/** The chart's caption: how to read it, with the run's own records per request. */
export function requestRateCaption(result: RunResult): string {
  const perRequest = recordsPerRequest(result);
  const batching =
    perRequest === undefined
      ? 'requests/s (right axis) is records/s ÷ records per request'
      : `requests/s (right axis) is records/s ÷ records per request (${formatNumber(perRequest)} on average in this run, retries included)`;
  return `Records per second the scenario scheduled (the target rate) and records first sent; ${batching}. Where the sent line runs below the scheduled one, the target fell behind: every connection was busy and records waited (see put latency); they went as connections freed, the last second holding those sent after the duration.`;
}
