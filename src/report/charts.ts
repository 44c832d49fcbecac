/**
 * The report's charts as data: one function per chart, each turning a plan and/or a run result
 * into a Vega-Lite spec with its data inlined. Long runs are downsampled for display (the full
 * series stay in result.json): at most `MAX_POINTS` points in time, `MAX_HEATMAP_ROWS` rows of
 * shards. Every function returns a spec that renders, even for an empty or one-point series.
 *
 * What no chart may do is mislead: every time chart marks the reshards (a step in the limit or a
 * new row of shards has its cause drawn beside it), a shard that does not exist is drawn absent
 * (not as an idle 0%), the heatmap's legend shows the colour of a shard over its limit, a
 * baseline series has its current series' colour (dashed), and legend labels are never cut.
 */
import type { TopLevelSpec } from 'vega-lite';
import { KINESIS } from '../aws/facts.js';
import type { Plan, RunShardCount } from '../planner/types.js';
import { percentilesSeconds } from '../result/histogram.js';
import { downsample } from '../result/series.js';
import type { RunResult } from '../result/types.js';
import { formatUsd } from '../scenario/units.js';

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
  reshard: '#6a3d9a',
  recommended: '#1a7f37',
} as const;

/**
 * The heatmap's classes: blues up to the write limit, then red for a shard over it. Classes, not a
 * continuous scale, so that the legend lists the red class beside the blues (a gradient cannot
 * show a colour set by a condition, and hid that red means "over"). Cells hold utilisation rounded
 * to 3 decimals: a cell is over the limit from 1.001.
 */
export const HEATMAP_CLASSES: readonly { below: number; label: string; color: string }[] = [
  { below: 0.2, label: 'under 20%', color: '#deebf7' },
  { below: 0.4, label: '20–40%', color: '#9ecae1' },
  { below: 0.6, label: '40–60%', color: '#6baed6' },
  { below: 0.8, label: '60–80%', color: '#3182bd' },
  { below: 1.001, label: '80–100%', color: '#08519c' },
  { below: Number.POSITIVE_INFINITY, label: 'over 100%: throttles', color: COLORS.throttled },
];

/** The class of a utilisation (`HEATMAP_CLASSES`). */
export function heatmapClass(u: number): string {
  return HEATMAP_CLASSES.find((c) => u < c.below)!.label;
}

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
 * Rows of the baseline run are drawn dashed, the current run's solid, in the same colour: the
 * colour says which series, the dash which run. Told apart by a field, not by the series name,
 * which may be a consumer's ("baseline-etl").
 */
type Run = 'this run' | 'baseline';
const RUNS: readonly Run[] = ['this run', 'baseline'];
const RUN_DASHES = [
  [1, 0],
  [5, 3],
];

/** The dash by run, with its legend; nothing without a baseline (every line solid). */
function runDash(withBaseline: boolean) {
  return withBaseline
    ? {
        strokeDash: {
          field: 'run',
          type: 'nominal' as const,
          title: null,
          scale: { domain: [...RUNS], range: RUN_DASHES },
          // A line in the legend, so that the dash shows (a point chart's legend drew two dots).
          legend: { symbolType: 'stroke', symbolStrokeWidth: 2 },
        },
      }
    : {};
}

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
      // Legends below the chart, labels never cut (labelLimit 0: "enhanced fan-out consumer-shard-
      // hours" was cut at 180 px), in as many columns of 260 px as the chart is wide, 1 to 3: on a
      // 390-px phone one column (3 columns of full labels ran off its screen).
      legend: {
        orient: 'bottom',
        columns: { expr: 'clamp(floor(width / 260), 1, 3)' },
        labelLimit: 0,
        titleLimit: 0,
        labelFontSize: 11,
        titleFontSize: 12,
      },
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

/** `values` downsampled to `step`-second points as rows { t, series, value, run }. */
function timeRows(
  values: readonly number[],
  step: number,
  series: string,
  mode: 'max' | 'mean',
  run: Run = 'this run',
): Row[] {
  return downsample(values, step, mode).map((value, i) => ({ t: i * step, series, value, run }));
}

// ---------------------------------------------------------------------------------------------
// Reshards

/** A reshard on a time chart: when it was ordered (the scenario's event), or when a call completed. */
export interface ReshardMark {
  t: number;
  kind: 'ordered' | 'completed';
  label: string;
}

/**
 * The reshards to mark: each event of the scenario (the plan's steps with a time) when ordered,
 * and each UpdateShardCount call when it completed: from the run's open shards (the second the
 * count changes), or without a run from the plan's shards in force. Only those within `end`
 * seconds (a reshard may complete after the run).
 */
export function reshardMarks(
  input: { plan?: Plan | undefined; result?: RunResult | undefined },
  end: number,
): ReshardMark[] {
  const marks: ReshardMark[] = [];
  for (const step of input.plan?.reshard.steps ?? []) {
    if (step.at === null) continue;
    marks.push({
      t: step.at,
      kind: 'ordered',
      label: `reshard ${step.from} → ${step.to} ordered`,
    });
  }
  const counts: { at: number; shards: number }[] = input.result
    ? input.result.series.shards.map((shards, at) => ({ at, shards }))
    : (input.plan?.profile?.shardsInForce ?? []);
  for (let i = 1; i < counts.length; i++) {
    const before = counts[i - 1]!.shards;
    const after = counts[i]!.shards;
    // A run's open shards are 0 in a second it did not reach (none): no reshard.
    if (after !== before && before > 0 && after > 0) {
      marks.push({ t: counts[i]!.at, kind: 'completed', label: `${before} → ${after} shards` });
    }
  }
  return marks.filter((m) => m.t >= 0 && m.t <= end).sort((a, b) => a.t - b.t);
}

/**
 * Layers marking `marks` on a time chart with x encoding `x`: a vertical rule each (dashed when
 * ordered, solid when completed) and its label along it, at the top. None without marks (an empty
 * layer makes vega warn of an empty scale).
 */
function reshardLayers(marks: readonly ReshardMark[], x: object): object[] {
  if (marks.length === 0) return [];
  const values = marks.map((m) => ({ ...m }));
  return [
    {
      data: { values },
      mark: { type: 'rule', color: COLORS.reshard, strokeWidth: 1.25 },
      encoding: {
        x,
        strokeDash: { condition: { test: "datum.kind === 'ordered'", value: [4, 3] }, value: [1, 0] },
        tooltip: [
          { field: 'label', type: 'nominal', title: 'reshard' },
          { field: 't', type: 'quantitative', title: 'at second' },
        ],
      },
    },
    // Written along the rule, reading upwards, its end at the chart's top: first a white halo of
    // the same text, then the text, so that it reads over a heatmap's red cells or a line.
    ...[
      { fill: 'white', stroke: 'white', strokeWidth: 3, strokeJoin: 'round' },
      { fill: COLORS.reshard },
    ].map((paint) => ({
      data: { values },
      mark: {
        type: 'text',
        angle: 270,
        align: 'right',
        baseline: 'bottom',
        dx: -4,
        dy: -3,
        fontSize: 10,
        ...paint,
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Run charts

/**
 * Ingest against the stream's write limit, per second: records offered and acknowledged, the
 * limit in the user records plotted, at that second's sizes: a shard takes 1,000 Kinesis
 * records/s, each carrying u user records (KPL aggregates; u = 1 without), and 1 MiB/s, so shards ×
 * min(1,000 × u, 1 MiB ÷ bytes per user record). (At 1,000 records/s flat, 60,000 aggregated
 * records/s were acknowledged above a 12,000 records/s limit line.)
 *
 * Throttling is drawn as the share of attempts throttled, on its own axis (right, 0 to at least
 * 1%): throttled attempts count every retry again, so at twice a shard's limit with 5 attempts they
 * reached several times the records offered and flattened offered, acknowledged and the limit
 * into the bottom of the chart. A share reads against `throttledRatio` gates and never dwarfs them.
 */
export function throughputChart(
  result: RunResult,
  baseline?: RunResult,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const s = result.series;
  const step = displayStep(s.offered.length);
  const limitOf = (series: RunResult['series']) =>
    series.shards.map((shards, i) => {
      const records = series.acknowledged[i] ?? 0;
      const kinesisRecords = series.writeRecords?.[i] ?? records;
      const userPerKinesis = kinesisRecords > 0 && records > 0 ? records / kinesisRecords : 1;
      const bytesPerRecord = records > 0 ? (series.writeBytes[i] ?? 0) / records : 0;
      const recordsLimit = KINESIS.shardWriteRecordsPerSecond.value * userPerKinesis;
      const perShard =
        bytesPerRecord > 0
          ? Math.min(recordsLimit, KINESIS.shardWriteBytesPerSecond.value / bytesPerRecord)
          : recordsLimit;
      return shards * perShard;
    });
  // Per second: throttled attempts over attempts (first attempts, the records offered, and retries).
  const shareOf = (series: RunResult['series']) =>
    series.throttled.map((throttled, i) => {
      const attempts = (series.offered[i] ?? 0) + (series.retried[i] ?? 0);
      return attempts > 0 ? Math.min(1, throttled / attempts) : 0;
    });
  const names = {
    offered: 'offered',
    acknowledged: 'acknowledged',
    limit: 'write limit',
    throttled: 'throttled, share of attempts (right axis)',
  };
  const domain = [names.offered, names.acknowledged, names.limit, names.throttled];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: [COLORS.offered, COLORS.acknowledged, COLORS.limit, COLORS.throttled] },
  };
  const records: Row[] = [
    ...timeRows(s.offered, step, names.offered, 'mean'),
    ...timeRows(s.acknowledged, step, names.acknowledged, 'mean'),
    ...timeRows(limitOf(s), step, names.limit, 'mean'),
  ];
  // The larger share per point, so that short bursts stay visible.
  const shares: Row[] = timeRows(shareOf(s), step, names.throttled, 'max');
  if (baseline) {
    records.push(
      ...timeRows(baseline.series.acknowledged, step, names.acknowledged, 'mean', 'baseline'),
      ...timeRows(limitOf(baseline.series), step, names.limit, 'mean', 'baseline'),
    );
    shares.push(...timeRows(shareOf(baseline.series), step, names.throttled, 'max', 'baseline'));
  }
  const highestShare = Math.max(0, ...shares.map((r) => r.value as number));
  const recordsTop = 1.1 * records.reduce((m, r) => Math.max(m, r.value as number), 1);
  const x = timeAxis(step);
  const dash = runDash(baseline !== undefined);
  const tooltip = (title: string, format: string) => [
    { field: 't', type: 'quantitative', title: 'second' },
    { field: 'series', type: 'nominal' },
    ...(baseline ? [{ field: 'run', type: 'nominal' }] : []),
    { field: 'value', type: 'quantitative', format, title },
  ];
  const line = { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, clip: true } as const;
  return {
    ...base(),
    layer: [
      {
        data: { values: records },
        mark: line,
        encoding: {
          x,
          // A tenth above the highest line: the write limit of 8 shards, 8,000/s, was drawn on the
          // top frame whenever nothing exceeded it, indistinguishable from the border.
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'records/s',
            scale: { domain: [0, recordsTop], nice: true },
          },
          color,
          ...dash,
          tooltip: tooltip('records/s', ',.0f'),
        },
      },
      {
        data: { values: shares },
        mark: { ...line, strokeWidth: 1.25, opacity: 0.85 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'throttled, share of attempts',
            // At least 0–1%: a run without throttling shows a flat line at 0, not a scale of noise.
            scale: { domain: [0, Math.max(0.01, highestShare)], nice: true },
            // Whole percents from 10% up; below, tenths (a 0–1% axis read "0%, 0%, 1%, 1%").
            axis: {
              orient: 'right',
              format: highestShare >= 0.1 ? '.0%' : '.1%',
              titleColor: COLORS.throttled,
            },
          },
          color,
          ...dash,
          tooltip: tooltip('throttled share', '.2%'),
        },
      },
      ...reshardLayers(marks, x),
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** A shard's utilisation per point: a number, or null where the shard did not exist. */
type Utilisation = number | null;

/** The larger of two points; null (absent) only if both are. */
function maxPresent(a: Utilisation, b: Utilisation): Utilisation {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * Shard rows of the heatmap: every shard, or groups of consecutive shards (their hottest). A
 * point where no shard of the group existed stays null.
 */
export function heatmapRows(
  all: readonly (readonly Utilisation[])[],
  maxRows = MAX_HEATMAP_ROWS,
): { label: string; values: Utilisation[] }[] {
  const group = Math.max(1, Math.ceil(all.length / maxRows));
  const out: { label: string; values: Utilisation[] }[] = [];
  for (let first = 0; first < all.length; first += group) {
    const last = Math.min(all.length, first + group) - 1;
    const points = Math.max(0, ...all.slice(first, last + 1).map((v) => v.length));
    const values = new Array<Utilisation>(points).fill(null);
    for (let s = first; s <= last; s++) {
      all[s]!.forEach((v, i) => {
        values[i] = maxPresent(values[i]!, v);
      });
    }
    out.push({ label: first === last ? `${first}` : `${first}–${last}`, values });
  }
  return out;
}

/** `values` in points of `merge` (the larger of each; null only where every one is null). */
function mergePoints(values: readonly Utilisation[], merge: number): Utilisation[] {
  const out: Utilisation[] = [];
  for (let start = 0; start < values.length; start += merge) {
    let m: Utilisation = null;
    for (let i = start; i < Math.min(values.length, start + merge); i++) m = maxPresent(m, values[i]!);
    out.push(m);
  }
  return out;
}

/**
 * Per-shard utilisation over time (the larger of bytes and records offered over the shard's
 * limit): blue classes up to the limit, red above it, so a throttling shard shows at a glance. A
 * shard that did not exist yet (a reshard adds it later) or any more has no cell: blank, not 0%.
 */
export function shardHeatmap(result: RunResult, marks: readonly ReshardMark[] = []): TopLevelSpec {
  const { stepSeconds, all } = result.shardSeries;
  const rows = heatmapRows(all);
  const points = Math.max(0, ...rows.map((r) => r.values.length));
  const merge = Math.max(1, Math.ceil(points / MAX_HEATMAP_COLUMNS));
  const width = stepSeconds * merge;
  const cells: Row[] = [];
  for (const row of rows) {
    mergePoints(row.values, merge).forEach((u, i) => {
      if (u === null) return;
      const rounded = Math.round(u * 1000) / 1000;
      cells.push({
        t: i * width,
        t2: (i + 1) * width,
        shard: row.label,
        u: rounded,
        class: heatmapClass(rounded),
      });
    });
  }
  const grouped = rows.length < all.length;
  const x = timeAxis(width);
  return {
    ...base(Math.min(520, Math.max(80, rows.length * 12))),
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x,
          x2: { field: 't2' },
          y: {
            field: 'shard',
            type: 'ordinal',
            // Every row, even one without a cell (a shard the run never had open at the displayed points).
            scale: { domain: rows.map((r) => r.label) },
            sort: rows.map((r) => r.label),
            title: grouped
              ? `shards (groups of ${Math.ceil(all.length / rows.length)}, hottest shown)`
              : 'shard',
            axis: rows.length > 32 ? { labelOverlap: true } : {},
          },
          color: {
            field: 'class',
            type: 'ordinal',
            title: 'of its write limit (blank: no such shard then)',
            // Every class in the legend, whether a cell has it or not: the red one always shows.
            scale: {
              domain: HEATMAP_CLASSES.map((c) => c.label),
              range: HEATMAP_CLASSES.map((c) => c.color),
            },
            legend: { symbolType: 'square', symbolSize: 120 },
          },
          tooltip: [
            { field: 'shard', type: 'ordinal' },
            { field: 't', type: 'quantitative', title: 'from second' },
            { field: 'u', type: 'quantitative', format: '.1%', title: 'utilisation' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}

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

/**
 * Firehose buffers: the fill of the fullest buffer over time against the size hint (the plan's:
 * a size flush comes when a buffer reaches it), and a mark at each second an object was written
 * (a flush), per delivery stream.
 */
export function firehoseChart(
  result: RunResult,
  plan?: Plan,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
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
  return { ...base(), layer: [...kept, ...reshardLayers(marks, x)] } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// Plan charts (a report without a run)

/** Each count's colour on the plan charts. */
const COUNT_COLORS: Readonly<Record<RunShardCount, string>> = {
  configured: COLORS.limit,
  'after reshards': COLORS.reshard,
  recommended: COLORS.recommended,
};

/** "8 configured", "16 after reshards", "23 recommended". */
function countLabel(shards: number, countIs: RunShardCount): string {
  return `${shards} ${countIs}`;
}

/**
 * The stream's demand over the scenario's time, in shards' worth without headroom (the larger of
 * write bytes ÷ 1 MiB/s, records ÷ 1,000/s and polling reads ÷ 2 MiB/s, each bucket its largest),
 * against the shards in force (the configured count, stepping when each reshard call completes)
 * and the recommended count. Where the demand line rises above the shards in force, the stream
 * throttles; the recommended count keeps the headroom above the peak.
 */
export function trafficCapacityChart(plan: Plan, marks: readonly ReshardMark[] = []): TopLevelSpec {
  const profile = plan.profile;
  const end = plan.scenario.durationSeconds;
  const names = {
    demand: "traffic (shards' worth, no headroom)",
    inForce: 'shards in force (configured, then reshards)',
    recommended: `recommended (${plan.shards.recommended})`,
  };
  const rows: Row[] = [];
  (profile?.t ?? []).forEach((t, i) => {
    rows.push({ t, series: names.demand, value: profile!.demandShards[i]! });
  });
  // The last bucket holds until the end.
  const lastDemand = rows[rows.length - 1];
  if (lastDemand !== undefined && (lastDemand.t as number) < end) rows.push({ ...lastDemand, t: end });
  const inForce = (profile?.shardsInForce ?? []).filter((s) => s.at <= end);
  for (const s of inForce) rows.push({ t: s.at, series: names.inForce, value: s.shards });
  if (inForce.length > 0)
    rows.push({ t: end, series: names.inForce, value: inForce[inForce.length - 1]!.shards });
  rows.push(
    { t: 0, series: names.recommended, value: plan.shards.recommended },
    { t: end, series: names.recommended, value: plan.shards.recommended },
  );
  const domain = [names.demand, ...(inForce.length > 0 ? [names.inForce] : []), names.recommended];
  const range = [COLORS.acknowledged, ...(inForce.length > 0 ? [COLORS.limit] : []), COLORS.recommended];
  const x = timeAxis(1);
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.75, clip: true },
        encoding: {
          x,
          // A tenth above the highest line, so that a count at the top is not drawn on the frame.
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'shards',
            scale: { domain: [0, Math.max(1, ...rows.map((r) => r.value as number)) * 1.1], nice: true },
          },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain, range } },
          strokeDash: {
            condition: { test: `datum.series === ${JSON.stringify(names.recommended)}`, value: [6, 3] },
            value: [1, 0],
          },
          tooltip: [
            { field: 't', type: 'quantitative', title: 'from second' },
            { field: 'series', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: ',.2f', title: 'shards' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}

/** "31 recommended, 1 key salted": a count whose loads were taken with the advised salting says so. */
function shardLoadsLabel(loads: { shardCount: number; countIs: RunShardCount; saltedKeys?: number }): string {
  const salted = loads.saltedKeys ?? 0;
  const label = countLabel(loads.shardCount, loads.countIs);
  return salted > 0 ? `${label}, ${salted} ${salted === 1 ? 'key' : 'keys'} salted` : label;
}

/**
 * Each shard's write load at the planning instant (without headroom) at each count the plan names,
 * across the hash key range: shard i of n covers [i ÷ n, (i + 1) ÷ n) of it, so counts of
 * different sizes overlay on one axis (more shards, narrower steps). Groups of shards show their
 * hottest. A red rule marks the write limit: a step above it throttles at that count.
 */
export function shardLoadChart(plan: Plan): TopLevelSpec {
  const rows: Row[] = [];
  const loadsOf = plan.profile?.shardLoads ?? [];
  for (const loads of loadsOf) {
    const n = loads.shardCount;
    const series = shardLoadsLabel(loads);
    loads.utilization.forEach((u, g) => {
      const first = g * loads.groupSize;
      const last = Math.min(n, first + loads.groupSize) - 1;
      rows.push({
        x: first / n,
        series,
        u,
        shards: first === last ? `shard ${first}` : `shards ${first}–${last} (hottest)`,
      });
    });
    // The last step runs to the end of the range.
    const lastU = loads.utilization[loads.utilization.length - 1];
    if (lastU !== undefined) rows.push({ x: 1, series, u: lastU, shards: `shard ${n - 1}` });
  }
  const x = {
    field: 'x',
    type: 'quantitative',
    // Short enough for a 390-px phone (the longer "position in the hash key range (shard 0 at the
    // left)" ran off its right edge).
    title: 'hash key range, shard 0 at the left',
    scale: { domain: [0, 1], nice: false },
    axis: { format: '.0%' },
  } as const;
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.75 },
        encoding: {
          x,
          y: {
            field: 'u',
            type: 'quantitative',
            title: 'of a shard’s write limit at peak',
            axis: { format: '.0%' },
          },
          // The counts in the traffic chart's colours (configured black, recommended green), none
          // red: red is the limit's (the recommended count's line was drawn red beside it).
          color: {
            field: 'series',
            type: 'nominal',
            title: 'shards',
            scale: {
              domain: loadsOf.map(shardLoadsLabel),
              range: loadsOf.map((l) => COUNT_COLORS[l.countIs]),
            },
          },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'count' },
            { field: 'shards', type: 'nominal' },
            { field: 'u', type: 'quantitative', format: '.1%', title: 'utilisation' },
          ],
        },
      },
      {
        data: { values: [{ limit: 1, label: 'write limit' }] },
        mark: { type: 'rule', color: COLORS.throttled, strokeDash: [6, 3] },
        encoding: {
          y: { field: 'limit', type: 'quantitative' },
          tooltip: [{ field: 'label', type: 'nominal', title: 'limit' }],
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The per-shard load chart's caption: when the recommended count was sized with keys salted, its
 * line is drawn salted too, and the caption says so (the other counts are drawn as configured).
 */
export function shardLoadCaption(plan: Plan): string {
  const salted = (plan.profile?.shardLoads ?? []).find((l) => (l.saltedKeys ?? 0) > 0);
  const base =
    'Each shard’s write load at the peak across the hash key range, at each count the plan names: a step above the red line throttles.';
  if (salted === undefined) return base;
  const n = salted.saltedKeys!;
  return `${base} The recommended count is drawn with the ${n === 1 ? 'key' : `${n} keys`} the plan says to salt split as advised, as the plan sizes it; the other counts as the keys are today.`;
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
          amount: formatUsd(line.usd),
        });
    }
    if (plan.cost.firehoseMonthly > 0) {
      rows.push({
        option: option.label,
        item: 'Firehose (any option)',
        usd: round2(plan.cost.firehoseMonthly),
        amount: formatUsd(plan.cost.firehoseMonthly),
      });
    }
  }
  return {
    ...base(Math.max(90, plan.cost.options.length * 44)),
    // Vega sizes the chart counting a two-line legend label (`wrapLegendLabel`) as one line, which
    // cut the last entry off at the bottom by ~one line: a line of padding keeps it in.
    padding: { left: 5, top: 5, right: 5, bottom: 5 + LEGEND_LINE_PX },
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
      color: { field: 'item', type: 'nominal', title: null, legend: { labelExpr: wrapLegendLabel } },
      tooltip: [
        { field: 'option', type: 'nominal' },
        { field: 'item', type: 'nominal' },
        { field: 'detail', type: 'nominal' },
        // Worded as the cost table beside the chart writes it (formatUsd), not d3's own '$,.2f'.
        { field: 'amount', type: 'nominal', title: 'per month' },
      ],
    },
  };
}

/**
 * A legend label in two lines, broken at the last space that fits, when it is wider than the plot
 * (the legend starts under the plot, right of the option names): "enhanced fan-out consumer-shard-
 * hours" ran off a 390-px phone. At 11 px a character is ~6.5 px wide; the symbol takes ~25 px.
 */
/** A legend label's line at 11 px. */
const LEGEND_LINE_PX = 14;

const wrapLegendLabel = (() => {
  const fits = 'max(12, floor((width - 25) / 6.5))';
  const cut = `lastindexof(substring(datum.label, 0, ${fits}), ' ')`;
  return `length(datum.label) <= ${fits} || ${cut} <= 0 ? datum.label : [substring(datum.label, 0, ${cut}), substring(datum.label, ${cut} + 1)]`;
})();

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
  // Every time chart marks the reshards, as far as its axis goes.
  const marks = reshardMarks(
    input,
    result ? result.series.offered.length : (plan?.scenario.durationSeconds ?? 0),
  );
  if (result) {
    charts.push(
      {
        id: 'throughput',
        title: 'Ingest against the write limit',
        description:
          'Records per second offered and acknowledged and what the open shards can take at this record size; the share of attempts throttled on the right axis; purple lines: reshards (dashed when ordered, solid when done).',
        spec: throughputChart(result, baseline, marks),
      },
      {
        id: 'shard-heatmap',
        title: 'Shard utilisation over time',
        description:
          'Each row a shard (or a group of shards, its hottest shown), each cell its load over its write limit: red cells throttle; blank where the shard did not exist.',
        spec: shardHeatmap(result, marks),
      },
    );
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
    if (Object.keys(result.series.consumerLagSeconds).length > 0) {
      charts.push({
        id: 'consumer-lag',
        title: 'Consumer lag',
        description: 'Each consumer application’s iterator age: how far behind the newest record it is.',
        spec: consumerLagChart(result, baseline, marks),
      });
    }
    if (Object.keys(result.series.firehoseObjects).length > 0) {
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
