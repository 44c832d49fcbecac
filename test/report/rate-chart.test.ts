/**
 * The request rate chart of an http run: the schedule's records per second (the target rate),
 * the records sent and the requests, from a hand-made result; the baseline dashed when it has
 * the series too; the chart left out of results without them (the model's, the aws target's).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { reshardMarks } from '../../src/report/charts/base.js';
import {
  RATE_SERIES,
  recordsPerRequest,
  requestRateCaption,
  requestRateChart,
} from '../../src/report/charts/rate.js';
import { reportCharts } from '../../src/report/charts.js';
import type { RunResult } from '../../src/result/types.js';
import { syntheticResult } from '../result/synthetic-result.js';

type Row = Record<string, number | string>;
interface View {
  data: { values: Row[] };
  mark: { type: string } & Record<string, unknown>;
  encoding: Record<string, { field?: string } & Record<string, unknown>>;
}
const layersOf = (spec: TopLevelSpec): View[] => (spec as { layer: View[] }).layer;

/** The spec drawn as SVG with vega's warnings collected (none expected). */
async function render(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    const text = args.map(String).join(' ');
    // `width: 'container'` listens to the window's resize events: Node has no window.
    if (text !== 'Can not resolve event source: window') warnings.push(text);
    return logger;
  };
  // vega-lite's own warnings too (the page's console shows them: a discrete strokeWidth warned).
  const compiled = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings };
}

/**
 * The synthetic run as an http run: offered [60, 110, 70, 40], retried [5, 10, 5, 0] (its own),
 * scheduled [60, 120, 80, 40] (seconds 1 and 2 fell behind by 10), requests [3, 5, 4, 3].
 */
function httpResult(): RunResult {
  const r = syntheticResult();
  r.scenario.target = 'http';
  r.series = { ...r.series, scheduled: [60, 120, 80, 40], requests: [3, 5, 4, 3] };
  return r;
}

/** Values of one line of one run, in time order. */
const line = (rows: readonly Row[], series: string, run = 'this run') =>
  rows.filter((row) => row.series === series && row.run === run).map((row) => [row.t, row.value]);

describe('the request rate chart', () => {
  it('draws scheduled and sent records on the left axis, requests on the right', async () => {
    const spec = requestRateChart(httpResult());
    const [records, requests] = layersOf(spec);
    // One point a second (4 seconds: step 1), each second's own count, and a closing point at
    // t = 4 repeating second 3's (a step-after line would end at t = 3, second 3 drawn as a stroke).
    expect(line(records!.data.values, RATE_SERIES.scheduled)).toEqual([
      [0, 60],
      [1, 120],
      [2, 80],
      [3, 40],
      [4, 40],
    ]);
    expect(line(records!.data.values, RATE_SERIES.sent)).toEqual([
      [0, 60],
      [1, 110],
      [2, 70],
      [3, 40],
      [4, 40],
    ]);
    expect(line(requests!.data.values, RATE_SERIES.requests)).toEqual([
      [0, 3],
      [1, 5],
      [2, 4],
      [3, 3],
      [4, 3],
    ]);
    // The left axis from 0 to a tenth above the highest record line: 1.1 × 120 = 132. The right
    // one is the left ÷ records per request: (280 sent + 20 retried) ÷ 15 requests = 20, so
    // 132 ÷ 20 = 6.6 requests/s (above 1.1 × 5 = 5.5, the highest requests line: nothing cut).
    const left = records!.encoding.y as { title: string; scale: { domain: number[] } };
    expect(left.title).toBe('records/s');
    expect(left.scale.domain[0]).toBe(0);
    expect(left.scale.domain[1]).toBeCloseTo(132, 9);
    const right = requests!.encoding.y as {
      title: string;
      scale: { domain: number[] };
      axis: { orient: string };
    };
    expect(right.title).toBe('requests/s');
    expect(right.axis.orient).toBe('right');
    expect(right.scale.domain[1]).toBeCloseTo(6.6, 9);
    // The sent line wide, under the thin ones.
    expect(records!.encoding.strokeWidth).toMatchObject({
      field: 'series',
      scale: {
        domain: [RATE_SERIES.scheduled, RATE_SERIES.sent, RATE_SERIES.requests],
        range: [1.5, 5, 1.5],
      },
    });
    expect((spec as { resolve: unknown }).resolve).toEqual({ scale: { y: 'independent' } });
    // No baseline: every line solid, no dash legend.
    expect(records!.encoding.strokeDash).toBeUndefined();
    const { svg, warnings } = await render(spec);
    expect(warnings).toEqual([]);
    expect(svg).toContain('records/s');
    expect(svg).toContain('requests/s');
  });

  it('explains batching with the run’s own records per request', () => {
    // (offered 60 + 110 + 70 + 40 = 280, and retried 5 + 10 + 5 + 0 = 20) ÷ requests
    // (3 + 5 + 4 + 3 = 15) = 300 ÷ 15 = 20 records a request.
    expect(recordsPerRequest(httpResult())).toBe(20);
    const caption = requestRateCaption(httpResult());
    expect(caption).toContain('records/s ÷ records per request (20 on average');
    expect(caption).toContain('the target fell behind');
    expect(caption).toContain('put latency');
    // No request at all: nothing to divide by, the rule without a figure.
    const idle = httpResult();
    idle.series.requests = [0, 0, 0, 0];
    expect(recordsPerRequest(idle)).toBeUndefined();
    expect(requestRateCaption(idle)).toContain('records/s ÷ records per request. Where');
  });

  it('averages the seconds of a displayed point: a rate stays a rate', () => {
    // 1,200 seconds: ⌈1,200 ÷ 600⌉ = 2 seconds a point. Scheduled alternates 100, 300: each
    // point (100 + 300) ÷ 2 = 200/s; requests alternate 1, 2: 1.5/s.
    const r = httpResult();
    const n = 1200;
    const alternate = (a: number, b: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b));
    r.series = {
      ...r.series,
      offered: alternate(100, 300),
      retried: new Array<number>(n).fill(0),
      scheduled: alternate(100, 300),
      requests: alternate(1, 2),
    };
    const [records, requests] = layersOf(requestRateChart(r));
    const scheduled = line(records!.data.values, RATE_SERIES.scheduled);
    // 600 points and the closing one at t = 1,200.
    expect(scheduled).toHaveLength(601);
    expect(scheduled[0]).toEqual([0, 200]);
    expect(scheduled[599]).toEqual([1198, 200]);
    expect(scheduled[600]).toEqual([1200, 200]);
    expect(new Set(line(requests!.data.values, RATE_SERIES.requests).map(([, v]) => v))).toEqual(
      new Set([1.5]),
    );
  });

  it('draws a baseline that has the series dashed, in the same colours; one without them not at all', async () => {
    const baseline = httpResult();
    baseline.series.scheduled = [60, 120, 80, 40];
    baseline.series.requests = [60, 120, 80, 40];
    const spec = requestRateChart(httpResult(), baseline);
    const [records, requests] = layersOf(spec);
    expect(line(requests!.data.values, RATE_SERIES.requests, 'baseline')).toEqual([
      [0, 60],
      [1, 120],
      [2, 80],
      [3, 40],
      [4, 40],
    ]);
    expect(line(records!.data.values, RATE_SERIES.sent, 'baseline')).toHaveLength(5);
    // One record a request in the baseline: its requests reach 120/s, above this run's 132 ÷ 20 =
    // 6.6: the right axis goes to 1.1 × 120 = 132 rather than cut the baseline off.
    expect((requests!.encoding.y as { scale: { domain: number[] } }).scale.domain[1]).toBeCloseTo(132, 9);
    const dash = records!.encoding.strokeDash as { field: string; scale: { domain: string[] } };
    expect(dash.field).toBe('run');
    expect(dash.scale.domain).toEqual(['this run', 'baseline']);
    const color = records!.encoding.color as { scale: { domain: string[] } };
    expect(color.scale.domain).toEqual([RATE_SERIES.scheduled, RATE_SERIES.sent, RATE_SERIES.requests]);
    expect((await render(spec)).warnings).toEqual([]);
    // A model run as the baseline has no requests: drawing its offered records alone as "sent"
    // would compare a simulation's offers with a target's sends.
    const [modelRecords] = layersOf(requestRateChart(httpResult(), syntheticResult()));
    expect(modelRecords!.data.values.some((row) => row.run === 'baseline')).toBe(false);
    expect(modelRecords!.encoding.strokeDash).toBeUndefined();
  });

  it('marks reshards as every time chart does, and renders for an empty run', async () => {
    const r = httpResult();
    r.series.shards = [3, 3, 6, 6];
    const layers = layersOf(requestRateChart(r, undefined, reshardMarks({ result: r }, 4)));
    const rules = layers.filter((l) => l.mark.type === 'rule');
    expect(rules.map((l) => l.data.values.map((v) => v.t))).toEqual([[2]]);
    const empty = httpResult();
    empty.series = { ...empty.series, offered: [], retried: [], scheduled: [], requests: [] };
    expect((await render(requestRateChart(empty))).svg).toMatch(/^<svg/);
  });
});

describe('the report’s charts', () => {
  it('show the request rate after the ingest chart when the result has requests, not otherwise', () => {
    const withRequests = reportCharts({ result: httpResult() });
    expect(withRequests.map((c) => c.id).slice(0, 2)).toEqual(['throughput', 'request-rate']);
    const chart = withRequests.find((c) => c.id === 'request-rate')!;
    expect(chart.title).toBe('Request rate against the target rate');
    expect(chart.description).toBe(requestRateCaption(httpResult()));
    expect(reportCharts({ result: syntheticResult() }).map((c) => c.id)).not.toContain('request-rate');
  });
});
