/**
 * `--vary PATH=VALUES`: the axes of a sweep, and the grid of points they span.
 *
 * VALUES is a list (`2k/s,4k/s,8k/s`, `provisioned,on-demand`, each a YAML value as `--set` reads
 * it) or a range (`8..64 step 8`; `1..4` steps by 1; `2k/s..8k/s step 2k/s`, `100ms..1s step
 * 100ms`). A range's ends are parsed with the scenario's own unit parsers, its values generated in
 * base units and written back as text `--set` accepts, in the unit its start was written in.
 */
import { parseDocument } from 'yaml';
import { InvalidInputError, type Problem, type SourceLocation } from '../errors.js';
import { parseOverrides, parsePath } from '../scenario/overrides.js';
import {
  COUNT_PREFIXES,
  DURATION_UNITS,
  formatNumber,
  parseDuration,
  parseRate,
  parseSize,
  SIZE_UNITS,
} from '../scenario/units.js';
import type { Axis, AxisValue, GridPoint } from './types.js';

/** The most values one axis takes: `1..1e9` is a typo, not a sweep. */
export const MAX_AXIS_VALUES = 10_000;
/** The most points a grid holds (each is at least one model run). */
export const MAX_GRID_POINTS = 100_000;

const HINT =
  'write --vary PATH=A,B,C (a list of values) or --vary PATH=A..B step S (a range), e.g. --vary stream.shards=8..64 step 8';

/** Where a problem in the i-th `--vary` argument is shown: the argument itself, as `--gate[i]` is. */
export function varyLocation(index: number): SourceLocation {
  return { file: '--vary', path: `--vary[${index}]` };
}

/** What a range's ends are, with the base unit the values are generated in. */
type Kind = 'number' | 'records' | 'bytes' | 'size' | 'duration';

interface Quantity {
  kind: Kind;
  /** In base units: a plain number, records/s, bytes/s, bytes, seconds. */
  value: number;
  /** The unit as written (`k/s`, `MiB/s`, `KiB`, `ms`), and what one of it is in base units. */
  unit: string;
  perUnit: number;
}

const PLAIN = /^\s*(-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;
const RANGE = /^\s*(\S+?)\s*\.\.\s*(\S+?)\s*(?:\bstep\s+(.+?))?\s*$/;

/** A written quantity (a plain number, a rate, a size, a duration), or undefined. */
function parseQuantity(text: string): Quantity | undefined {
  const plain = PLAIN.exec(text);
  if (plain) return { kind: 'number', value: Number(plain[1]), unit: '', perUnit: 1 };
  const rate = parseRate(text);
  if (rate !== undefined) {
    if (rate.kind === 'records') {
      const prefix = /([kKM]?)\s*\/\s*s\s*$/.exec(text)?.[1] ?? '';
      return {
        kind: 'records',
        value: rate.perSecond,
        unit: `${prefix}/s`,
        perUnit: COUNT_PREFIXES[prefix]!,
      };
    }
    const unit = /([A-Za-z]+)\s*\/\s*s\s*$/.exec(text)?.[1] ?? 'B';
    return { kind: 'bytes', value: rate.perSecond, unit: `${unit}/s`, perUnit: SIZE_UNITS[unit] ?? 1 };
  }
  const size = parseSize(text);
  if (size !== undefined) {
    const unit = /([A-Za-z]+)\s*$/.exec(text)?.[1] ?? 'B';
    return { kind: 'size', value: size, unit, perUnit: SIZE_UNITS[unit] ?? 1 };
  }
  const seconds = parseDuration(text);
  if (seconds !== undefined) {
    // `1h30m` has two units: its values are written in seconds.
    const single = /^\s*[\d.eE+-]+\s*(ms|s|m|h|d)\s*$/.exec(text)?.[1];
    const unit = single ?? 's';
    return { kind: 'duration', value: seconds, unit, perUnit: DURATION_UNITS[unit]! };
  }
  return undefined;
}

const KIND_WORDS: Record<Kind, string> = {
  number: 'a plain number',
  records: 'a record rate',
  bytes: 'a byte rate',
  size: 'a size',
  duration: 'a duration',
};

const KIND_PLURALS: Record<Kind, string> = {
  number: 'plain numbers',
  records: 'record rates',
  bytes: 'byte rates',
  size: 'sizes',
  duration: 'durations',
};

/** Base units of each kind, for values that do not read cleanly in the start's unit. */
const BASE_UNIT: Record<Kind, string> = { number: '', records: '/s', bytes: 'B/s', size: 'B', duration: 's' };

/**
 * A value rounded to 12 significant digits: `0.1 + 2 × 0.1` is 0.30000000000000004, which would
 * be written as such into the scenario (and print as noise in every table).
 */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** A base-unit value as `--set` text, in `unit` when it reads cleanly there (≤ 6 decimals). */
function writeQuantity(kind: Kind, value: number, unit: string, perUnit: number): string {
  const inUnit = tidy(value / perUnit);
  if (Number.isInteger(inUnit * 1e6) || Math.abs(inUnit * 1e6 - Math.round(inUnit * 1e6)) < 1e-6)
    return `${inUnit}${unit}`;
  return `${tidy(value)}${BASE_UNIT[kind]}`;
}

/** The base-unit number of a list value, when it is one (`16`, `4k/s`, `64KiB`, `250ms`). */
function numericOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const q = parseQuantity(value);
  return q === undefined || !Number.isFinite(q.value) ? undefined : q.value;
}

/**
 * Splits at the commas outside brackets, braces and quotes: `[a, b],{x: 1, y: 2}` is two values.
 * Returns undefined when a bracket or quote is left open.
 */
export function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || quote !== undefined) return undefined;
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/**
 * A range's values, or a problem text. `0.1..0.3 step 0.1` has (0.3 − 0.1) ÷ 0.1 =
 * 1.9999999999999998 steps in floats: the count allows 1e-9 of a step, so it is 2 steps, 3 values.
 */
function rangeValues(from: string, to: string, step: string | undefined): AxisValue[] | string {
  const a = parseQuantity(from);
  const b = parseQuantity(to);
  if (a === undefined) return `the range's start "${from}" is not a number, rate, size or duration`;
  if (b === undefined) return `the range's end "${to}" is not a number, rate, size or duration`;
  if (a.kind !== b.kind)
    return `the range's ends are not alike: "${from}" is ${KIND_WORDS[a.kind]}, "${to}" is ${KIND_WORDS[b.kind]}`;
  let s: number;
  if (step === undefined) {
    if (a.kind !== 'number')
      return `a range of ${KIND_PLURALS[a.kind]} needs a step, e.g. ${from}..${to} step ${from}`;
    s = 1;
  } else {
    const q = parseQuantity(step);
    if (q === undefined || (q.kind !== a.kind && q.kind !== 'number'))
      return a.kind === 'number'
        ? `the step "${step}" is not a number`
        : `the step "${step}" is not ${KIND_WORDS[a.kind]} (or a plain number in base units)`;
    s = q.value;
  }
  if (![a.value, b.value, s].every(Number.isFinite)) return 'the range is not finite';
  if (!(s > 0)) return `the step must be above 0 (found ${step})`;
  if (b.value < a.value) return `the range runs backwards: "${to}" is below "${from}"`;
  const steps = Math.floor((b.value - a.value) / s + 1e-9);
  if (steps + 1 > MAX_AXIS_VALUES)
    return `the range has ${formatNumber(steps + 1)} values, more than the ${formatNumber(MAX_AXIS_VALUES)} one axis may take: use a larger step`;
  const values: AxisValue[] = [];
  for (let i = 0; i <= steps; i++) {
    const value = tidy(a.value + i * s);
    values.push({ text: writeQuantity(a.kind, value, a.unit, a.perUnit), numeric: value });
  }
  return values;
}

/** A list's values (each validated as YAML), or a problem text. */
function listValues(path: string, text: string): AxisValue[] | string {
  const parts = splitTopLevel(text);
  if (parts === undefined) return 'a bracket, brace or quote is left open in the values';
  const values: AxisValue[] = [];
  for (const part of parts) {
    if (part === '') return `an empty value in the list "${text}" (two commas in a row, or one at an end)`;
    const doc = parseDocument(part, { prettyErrors: false, uniqueKeys: true, merge: false });
    const error = doc.errors[0];
    if (error !== undefined) return `the value "${part}" is not valid YAML: ${error.message.split('\n')[0]}`;
    values.push({ text: part, numeric: numericOf(doc.toJS({ maxAliasCount: 100 })) });
  }
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v.text)) return `"${v.text}" is listed twice for ${path}: each point runs once`;
    seen.add(v.text);
  }
  return values;
}

/** One `--vary` argument as an axis, or what is wrong with it (`axes`: those before it). */
function parseAxis(
  text: string,
  axes: readonly Axis[],
): Axis | { message: string; hint?: string | undefined } {
  const eq = text.indexOf('=');
  if (eq < 0) return { message: 'not PATH=VALUES: there is no "="' };
  const path = text.slice(0, eq).trim();
  const parsed = parsePath(path);
  if (typeof parsed === 'string') return { message: parsed };
  const body = text.slice(eq + 1);
  if (body.trim() === '') return { message: 'no values after "="' };
  // A range when the whole text is `A..B [step S]` with A a quantity: `../a.csv,../b.csv` is a list.
  const range = splitTopLevel(body)?.length === 1 ? RANGE.exec(body) : null;
  const ranged =
    range !== null && parseQuantity(range[1]!) !== undefined
      ? rangeValues(range[1]!, range[2]!, range[3])
      : undefined;
  const values = ranged ?? listValues(path, body);
  if (typeof values === 'string') return { message: values };
  // The path and each value as `--set` reads them (the same parser, so no drift).
  const bad = parseOverrides(values.map((v) => `${path}=${v.text}`)).problems[0];
  if (bad !== undefined) return { message: bad.message, hint: bad.hint };
  const twin = axes.find((a) => a.path === path);
  if (twin !== undefined)
    return {
      message: `${path} is varied twice (also by --vary ${twin.text})`,
      hint: 'give one --vary per path',
    };
  return { path, text, values };
}

/**
 * Parses `--vary` arguments into axes. Throws `InvalidInputError` with a problem located at each
 * bad argument (`--vary[i]`), and at `--vary` when the grid would be too large.
 */
export function parseAxes(texts: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  const problems: Problem[] = [];
  texts.forEach((text, i) => {
    const parsed = parseAxis(text, axes);
    if ('path' in parsed) axes.push(parsed);
    else
      problems.push({
        location: varyLocation(i),
        message: `${text}: ${parsed.message}`,
        hint: parsed.hint ?? HINT,
      });
  });
  if (problems.length > 0) throw new InvalidInputError(problems, 'invalid --vary');
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS) {
    const sizes = axes.map((a) => formatNumber(a.values.length)).join(' × ');
    throw new InvalidInputError(
      [
        {
          location: { file: '--vary', path: '--vary' },
          message: `the grid has ${sizes} = ${formatNumber(points)} points, more than the ${formatNumber(MAX_GRID_POINTS)} a sweep runs`,
          hint: 'use larger steps or fewer values',
        },
      ],
      'invalid --vary',
    );
  }
  return axes;
}

/**
 * Every point of the grid, in row-major order (the last axis varies fastest): `baseSet` (the
 * command's `--set`s) then `PATH=VALUE` for each axis. With no axes, one point: the scenario as is.
 */
export function gridPoints(axes: readonly Axis[], baseSet: readonly string[] = []): GridPoint[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const points: GridPoint[] = [];
  for (let index = 0; index < total; index++) {
    // Index → one value per axis: the last axis is the lowest digit of a mixed-radix number.
    const chosen: AxisValue[] = new Array(axes.length);
    let rest = index;
    for (let k = axes.length - 1; k >= 0; k--) {
      const n = axes[k]!.values.length;
      chosen[k] = axes[k]!.values[rest % n]!;
      rest = Math.floor(rest / n);
    }
    const at: Record<string, string> = {};
    const overrides = [...baseSet];
    axes.forEach((axis, k) => {
      at[axis.path] = chosen[k]!.text;
      overrides.push(`${axis.path}=${chosen[k]!.text}`);
    });
    points.push({ index, at, overrides });
  }
  return points;
}

/** A point in words, for problems and errors: `point 3 (stream.shards=8, producers[0].rate=4k/s)`. */
export function describePoint(point: GridPoint): string {
  const at = Object.entries(point.at).map(([k, v]) => `${k}=${v}`);
  if (point.load !== undefined && point.load !== 1) at.push(`load ×${point.load}`);
  return `point ${point.index}${at.length === 0 ? '' : ` (${at.join(', ')})`}`;
}
