/**
 * The report's charts as data: one function per chart, each turning a plan and/or a run result
 * into a Vega-Lite spec with its data inlined. Long runs are downsampled for display (the full
 * series stay in result.json): at most `MAX_POINTS` points in time, `MAX_HEATMAP_ROWS` rows of
 * shards. Every function returns a spec that renders, even for an empty or one-point series.
 */
import type { TopLevelSpec } from 'vega-lite';
import { KINESIS } from '../aws/facts.js';
import type { Plan } from '../planner/types.js';
import { percentilesSeconds } from '../result/histogram.js';
import { downsample } from '../result/series.js';
import type { RunResult } from '../result/types.js';

/** Points per series on a time axis, at most (a 1-hour run is shown at 6-second resolution). */
export const MAX_POINTS = 600;
/** Rows of the per-shard heatmap, at most: more shards are shown in groups (the group's hottest). */
export const MAX_HEATMAP_ROWS = 64;
/** Columns of the heatmap, at most. */
export const MAX_HEATMAP_COLUMNS = 240;

export const COLORS = {
  offered: '#8c8c8c',
  acknowledged: '#2b7bba',
  throttled: '#d62728',
  limit: '#222222',
  baseline: '#9467bd',
} as const;

/** One chart of the report. */
export interface ReportChart {
  id: string;
  title: string;
  /** What it shows and how to read it, one sentence. */
  description: string;
  spec: TopLevelSpec;
}

type Row = Record<string, number | string>;

/**
 * Rows of the baseline run (`run: 'baseline'`) are drawn dashed, the current run's solid: told
 * apart by a field, not by the series name, which may be a consumer's ("baseline-etl").
 */
type Run = 'current' | 'baseline';
const BASELINE_DASHED = {
  condition: { test: "datum.run === 'baseline'", value: [2, 2] },
  value: [1, 0],
};

/** Seconds per displayed point for a series of `length` seconds. */
export function displayStep(length: number, maxPoints = MAX_POINTS): number {
  return Math.max(1, Math.ceil(length / maxPoints));
}

/** What every chart shares: the page's width (images set their own), a height, fonts, legends. */
function base(height = 220) {
  return {
    width: 'container',
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
      axis: { labelFontSize: 11, titleFontSize: 12 },
      // Legends below the chart in up to 3 columns, so that they wrap on a phone's screen.
      legend: { orient: 'bottom', columns: 3, labelLimit: 180, labelFontSize: 11, titleFontSize: 12 },
      view: { stroke: null },
    },
  } as const;
}

/** The time axis: seconds from the start, ending where the run ends (not at a rounder number). */
function timeAxis(step: number) {
  return {
    field: 't',
    type: 'quantitative',
    title: step > 1 ? `time (s; ${step}-second points)` : 'time (s)',
    scale: { nice: false },
  } as const;
}

/** `values` downsampled to `step`-second points as rows { t, series, value }. */
function timeRows(
  values: readonly number[],
  step: number,
  series: string,
  mode: 'max' | 'mean',
  run: Run = 'current',
): Row[] {
  return downsample(values, step, mode).map((value, i) => ({ t: i * step, series, value, run }));
}

/**
 * Ingest against the stream's write limit, per second: records offered and acknowledged, the
 * records throttled (the larger per point, so that short bursts stay visible), and the limit in
 * the user records plotted, at that second's sizes: a shard takes 1,000 Kinesis records/s, each
 * carrying u user records (KPL aggregates; u = 1 without), and 1 MiB/s, so shards ×
 * min(1,000 × u, 1 MiB ÷ bytes per user record). (At 1,000 records/s flat, 60,000 aggregated records/s
 * were acknowledged above a 12,000 records/s limit line.)
 */
export function throughputChart(result: RunResult, baseline?: RunResult): TopLevelSpec {
  const s = result.series;
  const step = displayStep(s.offered.length);
  const limit = s.shards.map((shards, i) => {
    const records = s.acknowledged[i] ?? 0;
    const kinesisRecords = s.writeRecords?.[i] ?? records;
    const userPerKinesis = kinesisRecords > 0 && records > 0 ? records / kinesisRecords : 1;
    const bytesPerRecord = records > 0 ? (s.writeBytes[i] ?? 0) / records : 0;
    const recordsLimit = KINESIS.shardWriteRecordsPerSecond.value * userPerKinesis;
    const perShard =
      bytesPerRecord > 0
        ? Math.min(recordsLimit, KINESIS.shardWriteBytesPerSecond.value / bytesPerRecord)
        : recordsLimit;
    return shards * perShard;
  });
  // Each line: its name, values, how points combine, colour and dash.
  const lines: {
    name: string;
    values: readonly number[];
    mode: 'max' | 'mean';
    color: string;
    dash: number[];
    run?: Run;
  }[] = [
    { name: 'offered', values: s.offered, mode: 'mean', color: COLORS.offered, dash: [1, 0] },
    { name: 'acknowledged', values: s.acknowledged, mode: 'mean', color: COLORS.acknowledged, dash: [1, 0] },
    { name: 'throttled', values: s.throttled, mode: 'max', color: COLORS.throttled, dash: [1, 0] },
    { name: 'write limit', values: limit, mode: 'mean', color: COLORS.limit, dash: [6, 3] },
  ];
  if (baseline) {
    lines.push({
      name: 'baseline acknowledged',
      values: baseline.series.acknowledged,
      mode: 'mean',
      color: COLORS.baseline,
      dash: [2, 2],
      run: 'baseline',
    });
  }
  const rows = lines.flatMap((l) => timeRows(l.values, step, l.name, l.mode, l.run));
  const domain = lines.map((l) => l.name);
  return {
    ...base(),
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, clip: true },
    encoding: {
      x: timeAxis(step),
      y: { field: 'value', type: 'quantitative', title: 'records/s' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain, range: lines.map((l) => l.color) },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain, range: lines.map((l) => l.dash) },
      },
      tooltip: [
        { field: 't', type: 'quantitative', title: 'second' },
        { field: 'series', type: 'nominal' },
        { field: 'value', type: 'quantitative', format: ',.0f', title: 'records/s' },
      ],
    },
  };
}

/** Shard rows of the heatmap: every shard, or groups of consecutive shards (their hottest). */
export function heatmapRows(
  all: readonly (readonly number[])[],
  maxRows = MAX_HEATMAP_ROWS,
): { label: string; values: number[] }[] {
  const group = Math.max(1, Math.ceil(all.length / maxRows));
  const out: { label: string; values: number[] }[] = [];
  for (let first = 0; first < all.length; first += group) {
    const last = Math.min(all.length, first + group) - 1;
    const points = Math.max(0, ...all.slice(first, last + 1).map((v) => v.length));
    const values = new Array<number>(points).fill(0);
    for (let s = first; s <= last; s++) {
      all[s]!.forEach((v, i) => {
        values[i] = Math.max(values[i]!, v);
      });
    }
    out.push({ label: first === last ? `${first}` : `${first}–${last}`, values });
  }
  return out;
}

/**
 * Per-shard utilisation over time (the larger of bytes and records offered over the shard's
 * limit): blue up to the limit, red above it, so a throttling shard shows at a glance.
 */
export function shardHeatmap(result: RunResult): TopLevelSpec {
  const { stepSeconds, all } = result.shardSeries;
  const rows = heatmapRows(all);
  const points = Math.max(0, ...rows.map((r) => r.values.length));
  const merge = Math.max(1, Math.ceil(points / MAX_HEATMAP_COLUMNS));
  const width = stepSeconds * merge;
  const cells: Row[] = [];
  for (const row of rows) {
    downsample(row.values, merge, 'max').forEach((u, i) => {
      cells.push({ t: i * width, t2: (i + 1) * width, shard: row.label, u: Math.round(u * 1000) / 1000 });
    });
  }
  const grouped = rows.length < all.length;
  return {
    ...base(Math.min(520, Math.max(80, rows.length * 12))),
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: timeAxis(width),
      x2: { field: 't2' },
      y: {
        field: 'shard',
        type: 'ordinal',
        sort: rows.map((r) => r.label),
        title: grouped ? `shards (groups of ${Math.ceil(all.length / rows.length)}, hottest shown)` : 'shard',
        axis: rows.length > 32 ? { labelOverlap: true } : {},
      },
      color: {
        condition: { test: 'datum.u > 1', value: COLORS.throttled },
        field: 'u',
        type: 'quantitative',
        title: 'of its limit (red: over)',
        scale: { domain: [0, 1], scheme: 'blues', clamp: true },
        legend: { format: '.0%' },
      },
      tooltip: [
        { field: 'shard', type: 'ordinal' },
        { field: 't', type: 'quantitative', title: 'from second' },
        { field: 'u', type: 'quantitative', format: '.1%', title: 'utilisation' },
      ],
    },
  };
}

/** Put and end-to-end latency percentiles of each second (the larger per displayed point). */
export function latencyOverTimeChart(result: RunResult, baseline?: RunResult): TopLevelSpec {
  const latency = result.series.latency;
  const length = latency?.put.p50.length ?? 0;
  const step = displayStep(length);
  const rows: Row[] = [];
  const add = (r: RunResult['series']['latency'], run: Run) => {
    const prefix = run === 'baseline' ? 'baseline ' : '';
    if (!r) return;
    // A second without records has no latency (0 in the series): not drawn.
    const drop = (rows: Row[]) => rows.filter((row) => (row.value as number) > 0);
    rows.push(
      ...drop(timeRows(r.put.p50, step, `${prefix}put p50`, 'max', run)),
      ...drop(timeRows(r.put.p99, step, `${prefix}put p99`, 'max', run)),
      ...drop(timeRows(r.e2e.p50, step, `${prefix}end-to-end p50`, 'max', run)),
      ...drop(timeRows(r.e2e.p99, step, `${prefix}end-to-end p99`, 'max', run)),
    );
  };
  add(latency, 'current');
  add(baseline?.series.latency, 'baseline');
  return {
    ...base(),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, point: length <= 1 },
    encoding: {
      x: timeAxis(step),
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'seconds',
        scale: { type: 'log' },
      },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: BASELINE_DASHED,
      tooltip: [
        { field: 't', type: 'quantitative', title: 'second' },
        { field: 'series', type: 'nominal' },
        { field: 'value', type: 'quantitative', format: '.3f', title: 'seconds' },
      ],
    },
  };
}

/** Percentiles shown in the latency distributions. */
export const DISTRIBUTION_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;

/**
 * Latency distributions from the run's HDR histograms: the value at each percentile (the usual
 * "percentile spectrum"), for put, end-to-end and each Firehose stream's delivery latency.
 */
export function latencyDistributionChart(result: RunResult, baseline?: RunResult): TopLevelSpec {
  const rows: Row[] = [];
  const add = (r: RunResult, run: Run) => {
    const prefix = run === 'baseline' ? 'baseline ' : '';
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
          series: `${prefix}${name}`,
          run,
          value,
        });
      });
    }
  };
  add(result, 'current');
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
        axis: { labelAngle: 0 },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'seconds',
        scale: { type: 'log' },
      },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: BASELINE_DASHED,
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'percentile', type: 'ordinal' },
        { field: 'value', type: 'quantitative', format: '.3f', title: 'seconds' },
      ],
    },
  };
}

/** Each consumer application's iterator age over time (the oldest over shards, larger per point). */
export function consumerLagChart(result: RunResult, baseline?: RunResult): TopLevelSpec {
  const lag = result.series.consumerLagSeconds;
  const length = Math.max(0, ...Object.values(lag).map((v) => v.length));
  const step = displayStep(length);
  const rows: Row[] = Object.entries(lag).flatMap(([name, values]) => timeRows(values, step, name, 'max'));
  if (baseline) {
    for (const [name, values] of Object.entries(baseline.series.consumerLagSeconds)) {
      rows.push(...timeRows(values, step, `baseline ${name}`, 'max', 'baseline'));
    }
  }
  return {
    ...base(),
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, point: length <= 1 },
    encoding: {
      x: timeAxis(step),
      y: { field: 'value', type: 'quantitative', title: 'iterator age (s)' },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: BASELINE_DASHED,
      tooltip: [
        { field: 't', type: 'quantitative', title: 'second' },
        { field: 'series', type: 'nominal', title: 'consumer' },
        { field: 'value', type: 'quantitative', format: '.2f', title: 'lag (s)' },
      ],
    },
  };
}

/**
 * Firehose buffers: the fill of the fullest buffer over time against the size hint (the plan's:
 * a size flush comes when a buffer reaches it), and a mark at each second an object was written
 * (a flush), per delivery stream.
 */
export function firehoseChart(result: RunResult, plan?: Plan): TopLevelSpec {
  const buffered = result.series.firehoseFullestBufferBytes ?? {};
  const names = Object.keys({ ...result.series.firehoseObjects, ...buffered });
  const length = Math.max(
    0,
    ...names.map((n) => (buffered[n] ?? result.series.firehoseObjects[n] ?? []).length),
  );
  const step = displayStep(length);
  const fill: Row[] = [];
  const flushes: Row[] = [];
  const hints: Row[] = [];
  for (const name of names) {
    const p = plan?.firehose.find((f) => f.name === name);
    const mib = (buffered[name] ?? []).map((b) => b / 2 ** 20);
    fill.push(...timeRows(mib, step, name, 'max'));
    (result.series.firehoseObjects[name] ?? []).forEach((objects, t) => {
      if (objects > 0) flushes.push({ t, series: name, objects });
    });
    if (p) hints.push({ series: name, value: p.bufferSizeBytes / 2 ** 20 });
  }
  const x = timeAxis(step);
  const color = { field: 'series', type: 'nominal', title: 'delivery stream' } as const;
  const layers = [
    {
      data: { values: fill },
      mark: { type: 'area', opacity: 0.35, interpolate: 'step-after', line: true },
      encoding: {
        x,
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'MiB in the fullest buffer',
          stack: null,
        },
        color,
        tooltip: [
          { field: 't', type: 'quantitative', title: 'second' },
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'value', type: 'quantitative', format: '.2f', title: 'MiB buffered' },
        ],
      },
    },
    {
      data: { values: hints },
      mark: { type: 'rule', strokeDash: [6, 3] },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        color,
        tooltip: [
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'value', type: 'quantitative', format: '.0f', title: 'size hint (MiB)' },
        ],
      },
    },
    {
      data: { values: flushes },
      // A flush: a triangle under the axis' top, at the second an object was written.
      mark: { type: 'point', shape: 'triangle-down', filled: true, size: 50, opacity: 0.9 },
      encoding: {
        x,
        y: { value: 4 },
        color,
        tooltip: [
          { field: 't', type: 'quantitative', title: 'flush at second' },
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'objects', type: 'quantitative', title: 'objects' },
        ],
      },
    },
  ];
  // No size hint without the plan, no flush in a short run: an empty layer would only make vega
  // warn of an empty scale. The fill layer stays, to draw the axes.
  const kept = layers.filter((layer, i) => i === 0 || layer.data.values.length > 0);
  return { ...base(), layer: kept } as TopLevelSpec;
}

/** Monthly cost of each capacity option, stacked by line item, with Firehose on top of each. */
export function costChart(plan: Plan): TopLevelSpec {
  const rows: Row[] = [];
  for (const option of plan.cost.options) {
    for (const line of option.lines) {
      if (line.usd > 0)
        rows.push({
          option: option.label,
          item: costItemLabel(line.item),
          detail: line.detail,
          usd: round2(line.usd),
        });
    }
    if (plan.cost.firehoseMonthly > 0) {
      rows.push({
        option: option.label,
        item: 'Firehose (any option)',
        usd: round2(plan.cost.firehoseMonthly),
      });
    }
  }
  return {
    ...base(Math.max(90, plan.cost.options.length * 44)),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'option', type: 'nominal', title: null, sort: plan.cost.options.map((o) => o.label) },
      x: {
        field: 'usd',
        type: 'quantitative',
        title: 'USD per month (730 h)',
        stack: 'zero',
        axis: { format: '$,.0f' },
      },
      color: { field: 'item', type: 'nominal', title: null },
      tooltip: [
        { field: 'option', type: 'nominal' },
        { field: 'item', type: 'nominal' },
        { field: 'detail', type: 'nominal' },
        { field: 'usd', type: 'quantitative', format: '$,.2f', title: 'per month' },
      ],
    },
  };
}

/**
 * What each bar of the cost chart holds, from the plan's own line items (a bar without enhanced
 * fan-out says nothing of it): the caption must not leave a reader guessing whether consumers or
 * Firehose are in a bar.
 */
export function costChartCaption(plan: Plan): string {
  const bars = plan.cost.options.map((o) => {
    const items = [...new Set(o.lines.filter((l) => l.usd > 0).map((l) => costItemLabel(l.item)))];
    return `${o.label}: ${items.length > 0 ? items.join(', ') : 'nothing billed'}`;
  });
  const firehoseParts: [keyof Plan['firehose'][number]['monthly'], string][] = [
    ['ingestion', 'ingestion'],
    ['formatConversion', 'format conversion'],
    ['dynamicPartitioning', 'dynamic partitioning'],
    ['s3Requests', 'S3 requests'],
  ];
  const firehoseItems = firehoseParts
    .filter(([key]) => plan.firehose.some((f) => f.monthly[key] > 0))
    .map(([, words]) => words);
  const firehose =
    plan.cost.firehoseMonthly > 0
      ? ` On top of every bar, the same Firehose cost (${firehoseItems.join(', ')}).`
      : ' No Firehose streams.';
  const total = plan.cost.options.find((o) => o.option === plan.cost.chosen);
  return `Each bar is what one capacity option would cost a 730-hour month at the scenario’s average traffic. ${bars.join('; ')}.${firehose}${total ? ` The scenario runs as ${total.label}: that bar is cost.monthly.total.` : ''}`;
}

/** What a price is for, in words (the price names of src/aws/pricing.ts), for the cost legend. */
const COST_ITEMS: Readonly<Record<string, string>> = {
  shardHour: 'shard-hours',
  putPayloadUnitsPerMillion: 'PUT payload units',
  streamHour: 'stream-hours',
  ingestGb: 'data written',
  retrievalGb: 'data read (polling)',
  efoRetrievalGb: 'data read (enhanced fan-out)',
  efoConsumerShardHour: 'enhanced fan-out consumer-shard-hours',
  extendedRetentionShardHour: 'extended retention',
  extendedRetentionGbMonth: 'extended retention',
  longTermRetentionGbMonth: 'long-term retention',
};

export function costItemLabel(priceName: string): string {
  const key = priceName.split('.').pop() ?? priceName;
  return COST_ITEMS[key] ?? priceName;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The charts a report shows: those its inputs have data for, in reading order. */
export function reportCharts(input: {
  plan?: Plan | undefined;
  result?: RunResult | undefined;
  baseline?: RunResult | undefined;
}): ReportChart[] {
  const { plan, result, baseline } = input;
  const charts: ReportChart[] = [];
  if (result) {
    charts.push(
      {
        id: 'throughput',
        title: 'Ingest against the write limit',
        description:
          'Records per second offered and acknowledged, the records throttled, and what the open shards can take at this record size.',
        spec: throughputChart(result, baseline),
      },
      {
        id: 'shard-heatmap',
        title: 'Shard utilisation over time',
        description:
          'Each row a shard (or a group of shards, its hottest shown), each cell its load over its write limit: red cells throttle.',
        spec: shardHeatmap(result),
      },
    );
    if (result.series.latency) {
      charts.push({
        id: 'latency-over-time',
        title: 'Latency percentiles over time',
        description: 'Put and end-to-end latency, 50th and 99th percentile of each second (log scale).',
        spec: latencyOverTimeChart(result, baseline),
      });
    }
    charts.push({
      id: 'latency-distribution',
      title: 'Latency distributions',
      description: 'The latency at each percentile over the whole run, from the HDR histograms (log scale).',
      spec: latencyDistributionChart(result, baseline),
    });
    if (Object.keys(result.series.consumerLagSeconds).length > 0) {
      charts.push({
        id: 'consumer-lag',
        title: 'Consumer lag',
        description: 'Each consumer application’s iterator age: how far behind the newest record it is.',
        spec: consumerLagChart(result, baseline),
      });
    }
    if (Object.keys(result.series.firehoseObjects).length > 0) {
      charts.push({
        id: 'firehose',
        title: 'Firehose buffers and flushes',
        description:
          'How full a buffer is over time against its size hint (dashed), and a tick at each second an object was written.',
        spec: firehoseChart(result, plan),
      });
    }
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
