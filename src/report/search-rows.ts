/**
 * What a search's report draws and lists, from its table alone: the x of its metric charts (the
 * first numeric axis, a find's value tried, a category, or the order run), the series (the other
 * axes' combinations), each chart's rows with what they leave out, and a find's values in words.
 * The bounds on what is drawn live here: at most `MAX_SERIES` lines per chart (the others'
 * combinations sampled evenly), `MAX_X_VALUES` values along x, `MAX_SCATTER_POINTS` on the cost
 * chart, `MAX_METRIC_CHARTS` metric charts.
 */
import { formatQuantity, type MetricQuantity, metricQuantity } from '../gates/metrics.js';
import { parseRate } from '../scenario/units.js';
import type { Axis, PointOutcome, SearchTable } from '../search/types.js';
import { COLORS, type Row } from './charts/base.js';

/** Lines per metric chart, at most (a legend of more colours cannot be read). */
export const MAX_SERIES = 10;
/** Distinct x values per chart, at most. */
export const MAX_X_VALUES = 120;
/** Points on the cost-against-throughput chart, at most. */
export const MAX_SCATTER_POINTS = 2000;
/** Metric charts, at most (with the cost and the find's steps: 12 in all). */
export const MAX_METRIC_CHARTS = 10;

/** The metrics every search report charts when measured, before the gates' own. */
export const CHART_METRICS = [
  'throttledRatio',
  'putLatency.p99',
  'e2eLatency.p99',
  'cost.monthly.configured',
];
/** The offered throughput the cost chart's x is: the plan's peak, what the producers ask for. */
export const OFFERED_METRIC = 'traffic.peakRecordsPerSecond';
/**
 * The cost charted: the total at the count each point configures (`cost.monthly.total` prices every
 * provisioned count at the recommended one, the same at every point of a sweep over shards).
 */
export const COST_METRIC = 'cost.monthly.configured';

export const VERDICT = { passed: 'passes every gate', failed: 'fails a gate' } as const;
export const VERDICT_COLORS = { passed: COLORS.recommended, failed: COLORS.throttled } as const;

/** How a metric's base-unit values are drawn: scaled to a readable unit, with d3's format. */
export interface DisplayUnit {
  factor: number;
  /** The unit after the metric's name in an axis title: `ms`, `USD/month`. */
  unit: string;
  format: string;
}

/** The display unit of a metric's quantity (milliseconds for seconds: latencies read in ms). */
export function displayUnit(quantity: MetricQuantity): DisplayUnit {
  switch (quantity) {
    case 'seconds':
      return { factor: 1000, unit: 'ms', format: ',.3~r' };
    case 'bytes':
      return { factor: 1 / 2 ** 20, unit: 'MiB', format: ',.3~r' };
    case 'bytesPerSecond':
      return { factor: 1 / 2 ** 20, unit: 'MiB/s', format: ',.3~r' };
    case 'perSecond':
      return { factor: 1, unit: 'per second', format: ',.3~s' };
    case 'usd':
      return { factor: 1, unit: 'USD/month', format: '$,.0f' };
    case 'ratio':
      return { factor: 1, unit: '%', format: '.2~%' };
    case 'count':
      return { factor: 1, unit: '', format: ',.3~r' };
  }
}

// ---------------------------------------------------------------------------------------------
// What x is

/** The x of the metric charts: an axis, a find's value tried, or the points' order. */
export interface XChoice {
  kind: 'axis' | 'tried' | 'category' | 'index';
  /** The axis path or the find's subject; `point` for the order. */
  name: string;
  title: string;
  /** The axis it is (axis and category). */
  axis?: Axis | undefined;
}

/** The unit of a numeric axis's values: a rate's, from its first value's text; none for a count. */
export function axisUnit(axis: Axis): string {
  const rate = axis.values.map((v) => parseRate(v.text)).find((r) => r !== undefined);
  return rate === undefined ? '' : rate.kind === 'records' ? 'records/s' : 'bytes/s';
}

/**
 * The first axis whose every value is a number; else, for a find over a rate, a count or the load,
 * the value tried; else the first axis by category; else the points in the order run.
 */
export function chooseX(table: SearchTable): XChoice {
  const numeric = table.axes.find(
    (a) => a.values.length > 0 && a.values.every((v) => v.numeric !== undefined),
  );
  if (numeric) {
    const unit = axisUnit(numeric);
    return {
      kind: 'axis',
      name: numeric.path,
      title: unit ? `${numeric.path} (${unit})` : numeric.path,
      axis: numeric,
    };
  }
  const answer = table.answer;
  if (answer && !answer.subject.startsWith('cost.') && table.axes.every((a) => a.path !== answer.subject))
    return { kind: 'tried', name: answer.subject, title: triedTitleOf(answer) };
  const first = table.axes[0];
  if (first) return { kind: 'category', name: first.path, title: first.path, axis: first };
  return { kind: 'index', name: 'point', title: 'point (in the order run)' };
}

/**
 * The value a find tried at a point, in base units: its load for `load`, its metric for a metric
 * subject (`cost.monthly.total`), else the subject's value at the point (an axis value, or the
 * point's last `--set SUBJECT=…`) as a number or a rate; undefined when it has none.
 */
export function triedValue(table: SearchTable, outcome: PointOutcome): number | undefined {
  const subject = table.answer?.subject;
  if (subject === undefined) return undefined;
  if (subject === 'load') return outcome.point.load ?? 1;
  if (subject.startsWith('cost.')) return outcome.metrics[subject];
  const axis = table.axes.find((a) => a.path === subject);
  const text = outcome.point.at[subject] ?? lastOverride(outcome.point.overrides, subject);
  if (text === undefined) return undefined;
  const listed = axis?.values.find((v) => v.text === text)?.numeric;
  if (listed !== undefined) return listed;
  return numberOf(text);
}

function lastOverride(overrides: readonly string[], path: string): string | undefined {
  const prefix = `${path}=`;
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (o.startsWith(prefix)) return o.slice(prefix.length);
  }
  return undefined;
}

/** A written value as a number: `16`, `7.9k/s` (7900), `2MiB/s` (2097152); undefined for a word. */
export function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return parseRate(trimmed)?.perSecond;
}

/** A point's x: a number (axis, tried, index) or a category's text; undefined when it has none. */
function xOf(
  table: SearchTable,
  x: XChoice,
  outcome: PointOutcome,
  order: number,
): number | string | undefined {
  switch (x.kind) {
    case 'axis': {
      const text = outcome.point.at[x.name];
      return (
        x.axis!.values.find((v) => v.text === text)?.numeric ??
        (text === undefined ? undefined : numberOf(text))
      );
    }
    case 'tried':
      return triedValue(table, outcome);
    case 'category':
      return outcome.point.at[x.name];
    case 'index':
      return order + 1;
  }
}

/**
 * The combination of the other axes at a point, their values in the axes' order (`6k/s ·
 * on-demand`; the legend's title names the paths); '' when there are none.
 */
export function seriesOf(table: SearchTable, x: XChoice, outcome: PointOutcome): string {
  return table.axes
    .filter((a) => !(x.axis !== undefined && a.path === x.axis.path))
    .map((a) => outcome.point.at[a.path] ?? '?')
    .join(' · ');
}

/** `count` items of `n`, evenly spaced, the first and the last kept: indexes in order. */
export function evenSample(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  if (count <= 1) return [0];
  // Index i of count: round(i × (n − 1) ÷ (count − 1)); distinct as n > count.
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

// ---------------------------------------------------------------------------------------------
// The metrics charted

/**
 * The metrics to chart: the key metrics measured at some point, then each gate's, at most
 * `MAX_METRIC_CHARTS`. A key metric that is 0 at every point is left out (`e2eLatency.p99` of a
 * scenario without consumers), but for `throttledRatio`, whose 0 is the news; a gate's metric stays.
 */
export function chartedMetrics(table: SearchTable): string[] {
  const gated = new Set(gateMetrics(table).map((g) => g.metric));
  const shown = (metric: string) =>
    table.points.some(
      (p) =>
        p.metrics[metric] !== undefined &&
        (p.metrics[metric] !== 0 || gated.has(metric) || metric === 'throttledRatio'),
    );
  return [...new Set([...CHART_METRICS, ...gated])].filter(shown).slice(0, MAX_METRIC_CHARTS);
}

/** Each gate's metric and threshold, as the runs judged it (the first run that judged it). */
export function gateMetrics(table: SearchTable): { gate: string; metric: string; allowed: number }[] {
  const out = new Map<string, { gate: string; metric: string; allowed: number }>();
  for (const p of table.points)
    for (const run of p.runs)
      for (const g of run.gates)
        if (!out.has(g.gate)) out.set(g.gate, { gate: g.gate, metric: g.metric, allowed: g.allowed });
  // In the table's order of gates, then any the runs judged beyond them.
  const order = new Map(table.gates.map((g, i) => [g, i]));
  return [...out.values()].sort((a, b) => (order.get(a.gate) ?? 1e9) - (order.get(b.gate) ?? 1e9));
}

/** A metric chart's rows: one per point drawn, and what was left out. */
export interface MetricRows {
  rows: Row[];
  /** Lines drawn and in all; x values drawn and in all. */
  series: { shown: number; total: number };
  xValues: { shown: number; total: number };
}

/**
 * The rows of `metric` against `x`: `{ x, value, series, verdict, shown, point }`, `value` in the
 * display unit, `shown` the value as the table writes it. Points that could not run, or did not
 * measure it, have no row.
 */
export function metricRows(table: SearchTable, metric: string, x: XChoice): MetricRows {
  const unit = displayUnit(metricQuantity(metric));
  const drawn = table.points
    .map((p, order) => ({ p, x: xOf(table, x, p, order), series: seriesOf(table, x, p) }))
    .filter((d) => d.p.error === undefined && d.x !== undefined && d.p.metrics[metric] !== undefined);
  const allSeries = [...new Set(drawn.map((d) => d.series))];
  const keptSeries = new Set(evenSample(allSeries.length, MAX_SERIES).map((i) => allSeries[i]!));
  const allX = [...new Set(drawn.map((d) => d.x!))].sort(compareX);
  const keptX = new Set(evenSample(allX.length, MAX_X_VALUES).map((i) => allX[i]!));
  const rows: Row[] = drawn
    .filter((d) => keptSeries.has(d.series) && keptX.has(d.x!))
    .map((d) => {
      const value = d.p.metrics[metric]!;
      return {
        x: d.x!,
        value: value * unit.factor,
        series: d.series || 'all points',
        verdict: d.p.passed ? VERDICT.passed : VERDICT.failed,
        shown: formatQuantity(value, metricQuantity(metric)),
        point: d.p.point.index,
      };
    });
  return {
    rows,
    series: { shown: keptSeries.size, total: allSeries.length },
    xValues: { shown: keptX.size, total: allX.length },
  };
}

function compareX(a: number | string, b: number | string): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : 0;
}

export function otherAxesTitle(table: SearchTable, x: XChoice): string {
  return table.axes
    .filter((a) => !(x.axis !== undefined && a.path === x.axis.path))
    .map((a) => a.path)
    .join(' · ');
}

/** The cost chart's rows: `{ offered, usd, verdict, at, point }`, and its frontier and edge. */
export interface CostRows {
  rows: Row[];
  /** The cheapest passing point's cost at each offered throughput, in throughput order. */
  frontier: { offered: number; usd: number }[];
  /** The highest offered throughput of a passing point. */
  highestPassing?: number | undefined;
  total: number;
}

export function costRows(table: SearchTable): CostRows {
  const points = table.points.filter(
    (p) =>
      p.error === undefined &&
      p.metrics[COST_METRIC] !== undefined &&
      p.metrics[OFFERED_METRIC] !== undefined,
  );
  const cheapest = new Map<number, number>();
  let highestPassing: number | undefined;
  for (const p of points) {
    if (!p.passed) continue;
    const offered = p.metrics[OFFERED_METRIC]!;
    const usd = p.metrics[COST_METRIC]!;
    cheapest.set(offered, Math.min(usd, cheapest.get(offered) ?? Number.POSITIVE_INFINITY));
    highestPassing = Math.max(offered, highestPassing ?? Number.NEGATIVE_INFINITY);
  }
  const rows: Row[] = evenSample(points.length, MAX_SCATTER_POINTS).map((i) => {
    const p = points[i]!;
    return {
      offered: p.metrics[OFFERED_METRIC]!,
      usd: p.metrics[COST_METRIC]!,
      verdict: p.passed ? VERDICT.passed : VERDICT.failed,
      at: atText(table, p),
      point: p.point.index,
    };
  });
  const frontier = [...cheapest].sort((a, b) => a[0] - b[0]).map(([offered, usd]) => ({ offered, usd }));
  return { rows, frontier, highestPassing, total: points.length };
}

/** A point's axes (or load) in words, for tooltips: `stream.shards=16, producers[0].rate=4k/s`. */
export function atText(table: SearchTable, p: PointOutcome): string {
  const parts = table.axes.map((a) => `${a.path}=${p.point.at[a.path] ?? '?'}`);
  for (const [path, text] of Object.entries(p.point.at))
    if (!table.axes.some((a) => a.path === path)) parts.push(`${path}=${text}`);
  if (p.point.load !== undefined && p.point.load !== 1)
    parts.push(`load ×${formatQuantity(p.point.load, 'count', 2)}`);
  return parts.join(', ') || `point ${p.point.index}`;
}

/** The find's rows: each run in search order with the value tried, and the bracket's values. */
export function findStepRows(table: SearchTable): Row[] {
  const answer = table.answer;
  if (!answer) return [];
  const bracket = new Set<number>(
    ((answer.bracketPoints ?? []) as (number | null)[]).filter((i): i is number => i !== null),
  );
  const quantity = answerQuantity(answer.unit);
  return table.points.flatMap((p, i) => {
    const value = triedValue(table, p);
    if (value === undefined) return [];
    return [
      {
        step: i + 1,
        value,
        verdict: p.error !== undefined ? 'could not run' : p.passed ? VERDICT.passed : VERDICT.failed,
        shown: formatAnswerValue(value, answer.unit, quantity),
        bracket: bracket.has(i) ? 'brackets the answer' : '',
        at: atText(table, p),
      },
    ];
  });
}

/** The quantity of a find's unit, for formatting. */
export function answerQuantity(unit: string): MetricQuantity {
  if (unit === 'records/s') return 'perSecond';
  if (unit === 'bytes/s') return 'bytesPerSecond';
  if (unit === 'USD/month') return 'usd';
  return 'count';
}

/** A find's value in words with its unit: `×1.25`, `7,915/s`, `12 shards`, `$1,167`. */
export function formatAnswerValue(value: number, unit: string, quantity = answerQuantity(unit)): string {
  if (unit === 'factor') return `×${formatQuantity(value, 'count', 1)}`;
  if (unit === 'shards') return `${formatQuantity(value, 'count')} shards`;
  const shown = formatQuantity(value, quantity);
  return quantity === 'count' && unit !== '' ? `${shown} ${unit}` : shown;
}

export function triedTitleOf(answer: NonNullable<SearchTable['answer']>): string {
  if (answer.subject === 'load') return 'load (× every producer’s rate)';
  return answer.unit ? `${answer.subject} (${answer.unit})` : answer.subject;
}
