/**
 * Comparing a run's (or plan's) metrics with a baseline's: which figures got worse beyond a
 * tolerance. Whether higher or lower is worse is read from the metric's name, like its unit.
 */
import { InvalidInputError } from '../errors.js';
import { printable } from '../printable.js';
import { plural } from '../scenario/units.js';
import { formatQuantity, metricQuantity } from './metrics.js';

export type Direction = 'higher-is-worse' | 'lower-is-worse' | 'neutral';

export interface ComparisonRow {
  metric: string;
  /** null: the baseline does not have this metric. */
  baseline: number | null;
  /** null: the current run does not have this metric. */
  current: number | null;
  /** (current − baseline) ÷ |baseline|; null when either is missing or the baseline is 0 and the current is not. */
  change: number | null;
  direction: Direction;
  /** Worse than the baseline by more than the tolerance. */
  regression: boolean;
}

export interface CompareOptions {
  /** Relative worsening allowed before it counts as a regression: 0.1 allows 10%. */
  tolerance: number;
  /** With a baseline of 0 no relative change exists: a worsening above this absolute amount is a regression. */
  absoluteEpsilon?: number;
}

/** Inputs of the scenario rather than outcomes: a change in them is not better or worse. */
const NEUTRAL = [
  /^traffic\./,
  /^shards\.configured$/,
  /(?:^|\.)(?:produced|attempts|putRequests)$/,
  /[Oo]ffered/,
];
/** Outcomes where more is worse. */
const HIGHER_IS_WORSE = [
  /latency/i,
  /(?:^|\.)lag|Lag/,
  /delay/i,
  /throttl/i,
  /dropped/i,
  /lost/i,
  /duplicat/i,
  /retri(?:ed|es)/i,
  /cost/i,
  /utili[sz]ation/i,
  /pendingAtEnd/i,
  /keysOverShardLimit/,
  /error|fail/i,
  /^shards\./,
  /^reshard\./,
];
/** Outcomes where less is worse. */
const LOWER_IS_WORSE = [/acknowledged/i, /delivered/i, /throughput/i, /readBytesPerSecond$/];

/** Whether a higher value of a metric is worse, better, or neither, from its name. */
export function metricDirection(metric: string): Direction {
  if (NEUTRAL.some((re) => re.test(metric))) return 'neutral';
  if (HIGHER_IS_WORSE.some((re) => re.test(metric))) return 'higher-is-worse';
  if (LOWER_IS_WORSE.some((re) => re.test(metric))) return 'lower-is-worse';
  return 'neutral';
}

/**
 * Floating-point slack on the tolerance: 110 against 100 is a change of 0.10000000000000009, and a
 * change of exactly the tolerance is allowed.
 */
const TOLERANCE_SLACK = 1e-9;

/** One row per metric in either set, sorted by name. */
export function compareMetrics(
  baseline: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>>,
  options: CompareOptions = { tolerance: 0.1 },
): ComparisonRow[] {
  const epsilon = options.absoluteEpsilon ?? 1e-9;
  const names = [...new Set([...Object.keys(baseline), ...Object.keys(current)])].sort();
  return names.map((metric) => {
    const b = Object.hasOwn(baseline, metric) ? baseline[metric]! : null;
    const c = Object.hasOwn(current, metric) ? current[metric]! : null;
    const direction = metricDirection(metric);
    if (b === null || c === null || Number.isNaN(b) || Number.isNaN(c))
      return { metric, baseline: b, current: c, change: null, direction, regression: false };
    const change = b === 0 ? (c === 0 ? 0 : null) : (c - b) / Math.abs(b);
    const worsening = direction === 'higher-is-worse' ? c - b : direction === 'lower-is-worse' ? b - c : 0;
    const regression =
      worsening > 0 &&
      (b === 0 ? worsening > epsilon : worsening / Math.abs(b) > options.tolerance + TOLERANCE_SLACK);
    return { metric, baseline: b, current: c, change, direction, regression };
  });
}

export interface RenderComparisonOptions {
  /** Named in the footer: "2 regressions beyond 10%". */
  tolerance?: number;
  /** The line under the table instead of the regression count (`compare --only` counts its own). */
  footer?: string;
}

/**
 * A plain-text table: metric, baseline, current (in the metric's natural unit), change, and a
 * note (regression, worse within the tolerance, better), then a line counting regressions.
 */
export function renderComparison(
  rows: readonly ComparisonRow[],
  options: RenderComparisonOptions = {},
): string {
  const header = ['metric', 'baseline', 'current', 'change', ''];
  const body = rows.map((r) => {
    const quantity = metricQuantity(r.metric);
    return [
      // A metric's name comes from a result.json: printed escaped and cut (printable.ts).
      printable(r.metric),
      r.baseline === null ? '–' : formatQuantity(r.baseline, quantity),
      r.current === null ? '–' : formatQuantity(r.current, quantity),
      changeText(r),
      note(r),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => [...cells[i]!].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - [...cell].length);
        return i === 0 || i === cells.length - 1 ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  const regressions = rows.filter((r) => r.regression).length;
  const beyond = toleranceText(options.tolerance);
  const footer =
    options.footer ??
    (regressions === 0 ? `no regressions${beyond}` : `${plural(regressions, 'regression')}${beyond}`);
  return [line(header), ...body.map(line), '', footer, ''].join('\n');
}

/** " beyond 10%" for a footer, or nothing without a tolerance. */
export function toleranceText(tolerance: number | undefined): string {
  return tolerance === undefined ? '' : ` beyond ${formatChange(tolerance).replace('+', '')}`;
}

/**
 * A row's verdict: `regression` (worse beyond the tolerance), `worse` (within it), `better`,
 * `changed` (a neutral metric, an input, moved), `same`, or present on one side only.
 */
export type RowVerdict =
  | 'regression'
  | 'worse'
  | 'better'
  | 'changed'
  | 'same'
  | 'only-in-baseline'
  | 'only-in-current';

export function rowVerdict(r: ComparisonRow): RowVerdict {
  if (r.baseline === null) return 'only-in-current';
  if (r.current === null) return 'only-in-baseline';
  if (r.regression) return 'regression';
  // NaN on either side: not the same value, and neither better nor worse.
  if (r.current === r.baseline) return 'same';
  if (r.direction === 'neutral' || Number.isNaN(r.current) || Number.isNaN(r.baseline)) return 'changed';
  const worse = r.direction === 'higher-is-worse' ? r.current > r.baseline : r.current < r.baseline;
  return worse ? 'worse' : 'better';
}

/** Whether a row differs between the runs: any verdict but `same`. */
export function isChanged(r: ComparisonRow): boolean {
  return rowVerdict(r) !== 'same';
}

const NOTES: Record<RowVerdict, string> = {
  regression: '✗ regression',
  worse: 'worse, within tolerance',
  better: 'better',
  changed: '',
  same: '',
  'only-in-baseline': 'only in baseline',
  'only-in-current': 'only in current',
};

function note(r: ComparisonRow): string {
  return NOTES[rowVerdict(r)];
}

/** A relative change for people: `+12.5%`, `−3%`, `0%`. */
/** A row's change for people: `+12%`, `from 0` when the baseline was 0, empty when a side is missing. */
export function changeText(row: ComparisonRow): string {
  if (row.baseline === null || row.current === null) return '';
  return row.change === null ? 'from 0' : formatChange(row.change);
}

export function formatChange(change: number): string {
  if (!Number.isFinite(change)) return Number.isNaN(change) ? 'n/a' : change > 0 ? '+∞' : '−∞';
  const percent = change * 100;
  const abs = Math.abs(percent);
  const fixed = abs.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  const text = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  const sign = percent > 0 ? '+' : '−';
  if (text === '0') return percent === 0 ? '0%' : `${sign}${smallPercent(abs)}%`;
  return `${sign}${text}%`;
}

/** The most decimals a change below 0.005% is shown with; smaller ones are "<0.000001%". */
const SMALL_CHANGE_DECIMALS = 6;

/**
 * A change that rounds to 0.00% is still a change (the row is `changed`, `--only changed` lists
 * it): shown with two significant digits, so a listed change never reads "0%". 4,804,566 →
 * 4,804,679 is 113 ÷ 4,804,566 = 0.0000235 = 0.00235%: log10(0.00235) = −2.6, floor −3, so
 * 1 + 3 = 4 decimals, "0.0024".
 */
function smallPercent(absPercent: number): string {
  const decimals = 1 - Math.floor(Math.log10(absPercent));
  if (decimals > SMALL_CHANGE_DECIMALS)
    return `<${(10 ** -SMALL_CHANGE_DECIMALS).toFixed(SMALL_CHANGE_DECIMALS)}`;
  return absPercent.toFixed(decimals).replace(/0+$/, '');
}

/**
 * Parses a tolerance: `10%` → 0.1, or a fraction `0.1`. A plain number above 1 is refused (did
 * `10` mean 10% or 1000%?). Throws `InvalidInputError` located at `option`.
 */
export function parseTolerance(text: string, option = '--tolerance'): number {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(trimmed);
  const fraction = /^(\d+(?:\.\d+)?|\.\d+)$/.exec(trimmed);
  const fail = (message: string, hint?: string): never => {
    throw new InvalidInputError([
      {
        location: { file: option, path: option },
        message,
        expected: 'a tolerance such as 10% or 0.1',
        found: JSON.stringify(text),
        ...(hint === undefined ? {} : { hint }),
      },
    ]);
  };
  if (percent) return Number((Number(percent[1]) / 100).toPrecision(15));
  if (fraction) {
    const value = Number(fraction[1]);
    if (value > 1)
      return fail(
        'a tolerance written as a plain number is a fraction (0.1 is 10%)',
        `for ${trimmed} percent write ${trimmed}%`,
      );
    return value;
  }
  if (trimmed.startsWith('-')) return fail('a tolerance cannot be negative');
  return fail('not a tolerance');
}
