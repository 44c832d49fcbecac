/**
 * What a metric's name says about it: the quantity it measures (seconds, bytes, USD, a ratio, …),
 * how to render its values for people, and which known metric a mistyped name meant.
 *
 * Metric names carry their unit (docs/style.md, habit 2 and 12: `propagationDelaySeconds`,
 * `objectBytes`, `monthlyCost`, `throttledRatio`), so the name is the only input: gates, reports and
 * comparisons agree on units without a second, hand-kept table of every metric.
 */
import {
  formatBytes,
  formatBytesPerSecond,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatUsd,
} from '../scenario/units.js';
import { suggest } from '../suggest.js';
import type { GateUnit } from './expression.js';

/** The quantity a metric measures, in its base unit. */
export type MetricQuantity =
  /** seconds */
  | 'seconds'
  /** bytes */
  | 'bytes'
  /** bytes per second */
  | 'bytesPerSecond'
  /** records, calls or requests per second */
  | 'perSecond'
  /** US dollars */
  | 'usd'
  /** a fraction: 0.05 is 5% */
  | 'ratio'
  /** a plain number: records, shards, calls, objects */
  | 'count';

/** Statistics written after a metric's base name: `putLatency.p99`, `consumers.x.lagSeconds.max`. */
const STATISTIC_SUFFIX = /\.(?:p\d+(?:\.\d+)?|max|min|mean|avg|median|stddev|sum|last)$/;

/**
 * The quantity a metric measures, read from its name:
 * - `cost.…`, `…Cost`, `…Usd` → USD;
 * - `…BytesPerSecond` → bytes/s; other `…PerSecond` → per second;
 * - `…Bytes` → bytes;
 * - `…Ratio`, `…Fraction`, `…Share`, `…Utilization…` → a ratio;
 * - `…Seconds`, `…Latency`, `…Lag`, `…Delay`, `…Age`, `…Duration` → seconds;
 * - anything else → a count.
 * A trailing statistic (`.p99`, `.max`, `.mean`, …) is dropped first: `putLatency.p99` is in seconds.
 */
export function metricQuantity(metric: string): MetricQuantity {
  const base = metric.replace(STATISTIC_SUFFIX, '');
  const segments = base.split('.');
  const last = segments[segments.length - 1] ?? '';
  if (segments.some((s) => s.toLowerCase() === 'cost') || /(?:Cost|Usd|USD)$/.test(last)) return 'usd';
  if (/BytesPerSecond$/i.test(last)) return 'bytesPerSecond';
  if (/PerSecond$/i.test(last)) return 'perSecond';
  if (/Bytes$/i.test(last)) return 'bytes';
  if (/(?:Ratio|Fraction|Share)$/i.test(last) || /Utili[sz]ation/i.test(last)) return 'ratio';
  if (/(?:Seconds|Latency|Lag|Delay|Age|Duration)$/i.test(last)) return 'seconds';
  return 'count';
}

/** Words for a quantity, as a metric's kind: "a duration (seconds)". */
export const QUANTITY_NAMES: Readonly<Record<MetricQuantity, string>> = {
  seconds: 'a duration (seconds)',
  bytes: 'a size (bytes)',
  bytesPerSecond: 'a byte rate (bytes per second)',
  perSecond: 'a rate (per second)',
  usd: 'an amount of money (USD)',
  ratio: 'a ratio (0.05 is 5%)',
  count: 'a count',
};

/** What a gate's value should look like for a metric of this quantity. */
export const QUANTITY_EXAMPLES: Readonly<Record<MetricQuantity, string>> = {
  seconds: 'a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0)',
  bytes: 'a size such as 512KiB or 64MiB (or a plain number of bytes)',
  bytesPerSecond: 'a byte rate such as 1MiB/s or 500KB/s (or a plain number of bytes per second)',
  perSecond: 'a rate such as 1000/s or 5k/s (or a plain number per second)',
  usd: 'an amount such as $1500 or $1,500.50 (or a plain number of USD)',
  ratio: 'a percentage such as 5% or a fraction such as 0.05',
  count: 'a plain number such as 12',
};

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * Renders a value of a metric's quantity for people: seconds as ms/s/min/h/d, bytes as B/KiB/MiB,
 * USD as `$1,500` (`formatUsd`), ratios as percentages, counts grouped (`12,000`). `extraDigits` adds fraction
 * digits beyond the usual three significant figures.
 */
export function formatQuantity(value: number, quantity: MetricQuantity, extraDigits = 0): string {
  switch (quantity) {
    case 'seconds':
      return formatSeconds(value, extraDigits);
    case 'bytes':
      return formatBytes(value, extraDigits);
    case 'bytesPerSecond':
      return formatBytesPerSecond(value, extraDigits);
    case 'perSecond':
      return `${formatNumber(value, extraDigits)}/s`;
    case 'usd':
      return formatUsd(value, extraDigits);
    case 'ratio':
      // 0.001 → 0.1%: a ratio reads best as a percentage; two more digits keep 0.0001 visible.
      return formatPercent(value, extraDigits);
    case 'count':
      return formatNumber(value, extraDigits);
  }
}

/**
 * Renders two values of one quantity so that different numbers never read the same: a measured
 * 0.2504 s beside an allowed 0.25 s is `250.4 ms` vs `250 ms`, not `250 ms` twice.
 */
export function formatQuantityPair(a: number, b: number, quantity: MetricQuantity): [string, string] {
  let extra = 0;
  let pair: [string, string] = [formatQuantity(a, quantity), formatQuantity(b, quantity)];
  while (a !== b && pair[0] === pair[1] && extra < 12) {
    extra++;
    pair = [formatQuantity(a, quantity, extra), formatQuantity(b, quantity, extra)];
  }
  return pair;
}

// ---------------------------------------------------------------------------------------------
// Did you mean

/** A Firehose stream's byte figures and what each means (README, "Run metrics" and "Plan metrics"). */
const FIREHOSE_BYTE_FIGURES: Readonly<Record<string, string>> = {
  objectBytes: "plan: one object's size at peak",
  averageObjectBytes: 'run: the mean object written',
  deliveredBytes: 'run: all objects written, in bytes',
  bytes: 'run: bytes the stream took in',
};

/** What a mistyped or partial metric name most likely meant, in words for a hint; undefined if nothing fits. */
export function suggestMetric(metric: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  // 1. Only the case differs: `putlatency.P99`.
  const lower = metric.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return `did you mean "${sameCase}"? (metric names are case-sensitive)`;

  // 1b. A Firehose stream's bytes under another name (`totalObjectBytes`, `bytesDelivered`): four
  //     byte figures mean four things, so name each with its meaning rather than the closest spelling.
  const firehoseBytes = /^(firehose\.[^.]+\.)(?:atRecommended\.)?[A-Za-z]*Bytes?[A-Za-z]*$/i.exec(metric);
  if (firehoseBytes !== null) {
    const prefix = firehoseBytes[1]!;
    const figures = Object.entries(FIREHOSE_BYTE_FIGURES)
      .filter(([name]) => known.includes(`${prefix}${name}`))
      .map(([name, meaning]) => `"${prefix}${name}" (${meaning})`);
    if (figures.length > 0) return `a Firehose stream's bytes are ${figures.join(', ')}`;
  }

  // 2. A group written without its member: `cost.monthly` for `cost.monthly.provisioned`, ….
  const members = known.filter((k) => k.startsWith(`${metric}.`));
  if (members.length > 0) return `"${metric}" is a group of metrics: pick one of ${listNames(members)}`;

  // 3. A typo: `throttleRatio` for `throttledRatio`.
  const close = suggest(metric, known);
  if (close !== undefined) return `did you mean "${close}"?`;

  // 4. The end of a name without its prefix: `monthly.provisioned`, `p99` of a latency, or
  //    `archiver.lagSeconds.max` for `consumers.archiver.lagSeconds.max`.
  const suffixed = known.filter((k) => k.endsWith(`.${metric}`) || k.toLowerCase().endsWith(`.${lower}`));
  if (suffixed.length > 0) return `did you mean ${listNames(suffixed, 'or')}?`;

  // 5. The last segment is right up to a typo, its prefix exactly right: `consumers.archiver.lagSecond`.
  const lastDot = metric.lastIndexOf('.');
  if (lastDot > 0) {
    const prefix = metric.slice(0, lastDot + 1);
    const siblings = known.filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.'));
    const tail = suggest(
      metric.slice(lastDot + 1),
      siblings.map((k) => k.slice(prefix.length)),
    );
    if (tail !== undefined) return `did you mean "${prefix}${tail}"?`;
  }
  return undefined;
}

function listNames(names: readonly string[], conjunction = 'and'): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`);
  if (names.length > 5) return `${shown.join(', ')}, … (${names.length} in all)`;
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown[shown.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Units of gates against quantities of metrics

/** The units a gate may be written in for a metric of each quantity; a plain number always fits. */
const FITTING_UNITS: Readonly<Record<MetricQuantity, readonly GateUnit[]>> = {
  seconds: ['number', 'duration'],
  bytes: ['number', 'size'],
  bytesPerSecond: ['number', 'byteRate'],
  perSecond: ['number', 'recordRate'],
  usd: ['number', 'money'],
  ratio: ['number', 'percent'],
  count: ['number'],
};

/** True when a gate's value, written with `unit`, can be compared with a metric of `quantity`. */
export function unitFits(unit: GateUnit, quantity: MetricQuantity): boolean {
  return FITTING_UNITS[quantity].includes(unit);
}

/** Words for what a gate's value was written as: "a size". */
export const GATE_UNIT_NAMES: Readonly<Record<GateUnit, string>> = {
  number: 'a plain number',
  percent: 'a percentage',
  duration: 'a duration',
  size: 'a size',
  byteRate: 'a byte rate',
  recordRate: 'a record rate',
  money: 'an amount of money',
};
