/**
 * Gate expressions: `putLatency.p99 < 250ms`, `throttledRatio <= 0.1%`, `cost.monthly.provisioned < $1,500`.
 * A gate compares one metric with one value. Values are written with units and parsed once, here,
 * into base units: seconds, bytes, bytes or records per second, USD, and fractions (5% → 0.05).
 *
 * Grammar (EBNF; whitespace is allowed between the three parts and around a `/`):
 *
 *   gate       = metric , op , value ;
 *   metric     = name-char , { name-char } , [ "(" , digits , [ "." , digits ] , ")" ] ;
 *                (* after a final `p` only: k6's `putLatency.p(95)` is `putLatency.p95`, `p(99.9)` is `p999` *)
 *   name-char  = "A"…"Z" | "a"…"z" | "0"…"9" | "_" | "." | ":" | "-" ;
 *   op         = "<=" | ">=" | "==" | "!=" | "<" | ">" ;
 *   value      = [ "-" | "+" ] , ( money | quantity ) ;
 *   money      = "$" , amount                                   (* USD *)
 *              | amount , "USD" ;
 *   amount     = integer , [ "." , digits ] ;
 *   quantity   = number , [ unit ] ;                              (* no unit: the metric's base unit *)
 *   number     = ( integer , [ "." , digits ] | "." , digits ) , [ exponent ] ;
 *   integer    = digits | digit , [ digit , [ digit ] ] , { "," , digit , digit , digit } ;
 *   exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
 *   unit       = "%"                                             (* 5% → 0.05 *)
 *              | duration-unit , { number , duration-unit }       (* 250ms, 1.5s, 2m, 1h30m → seconds *)
 *              | size-unit                                       (* 64MiB, 1KB → bytes *)
 *              | size-unit , "/s"                                (* 1.5MiB/s → bytes per second *)
 *              | [ "k" | "K" | "M" ] , "/s" ;                    (* 5k/s, 3000/s → per second *)
 *   duration-unit = "ms" | "s" | "m" | "h" | "d" ;
 *   size-unit  = "B" | "KB" | "KiB" | "MB" | "MiB" | "GB" | "GiB" | "TB" | "TiB" ;
 *
 * `m` is minutes and `M` is a million (`2M/s`); KB/MB/GB are decimal and KiB/MiB/GiB binary, as in
 * scenarios (README, "Format"). Commas group thousands (`1,500`); there are no underscores.
 */

import type { SourceLocation } from '../errors.js';
import {
  COUNT_PREFIXES,
  DURATION_UNITS,
  parseDuration,
  parseRate,
  parseSize,
  SIZE_UNITS,
} from '../scenario/units.js';
import { suggest } from '../suggest.js';

export type GateOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export const GATE_OPS: readonly GateOp[] = ['<', '<=', '>', '>=', '==', '!='];

/** The kind of value a gate was written with. */
export type GateUnit =
  /** a plain number: the metric's own base unit */
  | 'number'
  /** `5%`, stored as 0.05 */
  | 'percent'
  /** `250ms`, stored in seconds */
  | 'duration'
  /** `64MiB`, stored in bytes */
  | 'size'
  /** `1.5MiB/s`, stored in bytes per second */
  | 'byteRate'
  /** `5k/s`, stored per second */
  | 'recordRate'
  /** `$1,500`, stored in USD */
  | 'money';

/** Where a gate came from: the scenario's `gates:` or a `--gate` argument. */
export type GateSource = 'scenario' | 'cli';

/** A parsed gate. */
export interface Gate {
  /** The gate as written, without surrounding whitespace. */
  text: string;
  metric: string;
  op: GateOp;
  /** The threshold in base units (seconds, bytes, per second, USD, fractions). */
  value: number;
  unit: GateUnit;
  /** The value as written: `250ms`. */
  valueText: string;
  source: GateSource;
  /** Where it was written (`scenario.yaml:41` `gates[2]`, or `--gate[0]`), for problems found after parsing. */
  location?: SourceLocation;
}

/** Why a gate does not parse, and where. */
export interface GateSyntaxError {
  message: string;
  /** 1-based column in the text as given. */
  column: number;
  expected?: string;
  found?: string;
  hint?: string;
}

export type GateParseResult = { ok: true; gate: Gate } | { ok: false; error: GateSyntaxError };

/** What a whole gate looks like, for messages. */
export const GATE_EXAMPLE =
  'METRIC OP VALUE, e.g. putLatency.p99 < 250ms or cost.monthly.provisioned <= $1,500';

const OPS_TEXT = '<, <=, >, >=, == or !=';
const VALUE_EXAMPLE = 'a number with an optional unit, e.g. 250ms, 64MiB, 1.5MiB/s, 5k/s, $1500 or 5%';

const METRIC_CHAR = /[A-Za-z0-9_.:-]/;
/** k6's spelling of a percentile after `p`: `(95)`, `(99.9)`; the digits become `p95`, `p999`. */
const K6_PERCENTILE_RE = /\(\s*(\d+(?:\.\d+)?)\s*\)/y;
/** Digits grouped by commas, or plain digits; then a fraction. */
const AMOUNT_RE = /(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+/y;
const EXPONENT_RE = /[eE][+-]?\d+/y;
/**
 * A unit: letters (with more number-and-unit parts for `1h30m`), then an optional `/time`;
 * or a bare `/s`; or `%`. Permissive on purpose: what it takes in is then checked against the
 * unit tables, so a wrong unit gets a message naming it rather than "unexpected text".
 */
const UNIT_RE = /%|[A-Za-z]+(?:\s*\d+(?:\.\d+)?\s*[A-Za-z]+)*(?:\s*\/\s*[A-Za-z]*)?|\/\s*[A-Za-z]*/y;

/** Every unit a gate accepts, for "did you mean". */
const KNOWN_UNITS: readonly string[] = [
  '%',
  'USD',
  ...Object.keys(DURATION_UNITS),
  ...Object.keys(SIZE_UNITS),
  ...Object.keys(SIZE_UNITS).map((u) => `${u}/s`),
  ...Object.keys(COUNT_PREFIXES).map((p) => `${p}/s`),
];

/** Parses one gate. Never throws: a syntax error comes back with its column. */
export function parseGate(text: string, source: GateSource = 'scenario'): GateParseResult {
  const scanner = new Scanner(text);
  const fail = (at: number, message: string, extra: Omit<GateSyntaxError, 'message' | 'column'> = {}) =>
    ({ ok: false, error: { message, column: at + 1, ...extra } }) as const;

  scanner.skipSpace();
  if (scanner.atEnd()) return fail(scanner.pos, 'empty gate', { expected: GATE_EXAMPLE });

  // metric
  const metricStart = scanner.pos;
  while (!scanner.atEnd() && METRIC_CHAR.test(scanner.peek())) scanner.pos++;
  let metric = text.slice(metricStart, scanner.pos);
  // k6 writes a percentile `p(95)`, `p(99.9)`: the same statistic as our `p95`, `p999`.
  if (/(?:^|\.)p$/.test(metric) && scanner.peek() === '(') {
    const percentile = scanner.match(K6_PERCENTILE_RE);
    if (percentile === undefined)
      return fail(scanner.pos, 'expected a percentile in p( ), e.g. p(95) or p(99.9)', {
        expected: GATE_EXAMPLE,
        found: JSON.stringify(text.trim()),
      });
    metric += (/\d+(?:\.\d+)?/.exec(percentile)?.[0] ?? '').replace('.', '');
  }
  if (metric === '') {
    const ch = scanner.peek();
    return '<>=!'.includes(ch)
      ? fail(metricStart, `missing the metric name before "${ch}"`, { expected: GATE_EXAMPLE })
      : fail(metricStart, `unexpected "${ch}": a metric name has letters, digits and _ . : -`, {
          expected: GATE_EXAMPLE,
          found: JSON.stringify(text.trim()),
        });
  }

  // operator
  scanner.skipSpace();
  const opStart = scanner.pos;
  if (scanner.atEnd())
    return fail(opStart, `missing a comparison after "${metric}"`, { expected: `one of ${OPS_TEXT}` });
  const op = scanner.readOp();
  if (op === undefined) return fail(opStart, ...badOperator(text, opStart, metric));
  if (scanner.peek() === '=' || (op === '<' && scanner.peek() === '>')) {
    const written = op + scanner.peek();
    return fail(opStart, `unknown comparison "${written}"`, {
      expected: `one of ${OPS_TEXT}`,
      ...(written === '<>' ? { hint: 'write != for "not equal"' } : {}),
    });
  }

  // value
  scanner.skipSpace();
  const valueStart = scanner.pos;
  if (scanner.atEnd()) return fail(valueStart, `missing a value after "${op}"`, { expected: VALUE_EXAMPLE });
  const value = parseValue(scanner);
  if (!value.ok) return fail(value.at, value.message, value.extra);
  const valueText = text.slice(valueStart, scanner.pos).trim();

  scanner.skipSpace();
  if (!scanner.atEnd()) {
    const rest = text.slice(scanner.pos).trimEnd();
    return fail(scanner.pos, `unexpected "${rest}" after the value`, {
      expected: 'nothing after the value: one gate compares one metric with one value',
    });
  }
  return {
    ok: true,
    gate: { text: text.trim(), metric, op, value: value.value, unit: value.unit, valueText, source },
  };
}

/** True when `measured OP allowed` holds. NaN never passes. */
export function compareWith(op: GateOp, measured: number, allowed: number): boolean {
  if (Number.isNaN(measured) || Number.isNaN(allowed)) return false;
  switch (op) {
    case '<':
      return measured < allowed;
    case '<=':
      return measured <= allowed;
    case '>':
      return measured > allowed;
    case '>=':
      return measured >= allowed;
    case '==':
      return measured === allowed;
    case '!=':
      return measured !== allowed;
  }
}

// ---------------------------------------------------------------------------------------------

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++;
  }

  /** Matches a sticky regex at the current position and moves past it. */
  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  readOp(): GateOp | undefined {
    const two = this.text.slice(this.pos, this.pos + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      this.pos += 2;
      return two;
    }
    const one = this.peek();
    if (one === '<' || one === '>') {
      this.pos++;
      return one;
    }
    return undefined;
  }
}

/** The message for text where an operator should be. */
function badOperator(
  text: string,
  at: number,
  metric: string,
): [string, Omit<GateSyntaxError, 'message' | 'column'>] {
  const expected = `one of ${OPS_TEXT}`;
  const ch = text[at]!;
  const next = text[at + 1] ?? '';
  const unicode: Record<string, string> = { '≤': '<=', '≥': '>=', '≠': '!=' };
  if (unicode[ch] !== undefined)
    return [`unknown comparison "${ch}"`, { expected, hint: `write ${unicode[ch]}` }];
  if (ch === '=' && (next === '<' || next === '>'))
    return [`unknown comparison "=${next}"`, { expected, hint: `write ${next}=` }];
  if (ch === '=') return ['unknown comparison "="', { expected, hint: 'write == to compare for equality' }];
  if (ch === '!') return ['unknown comparison "!"', { expected, hint: 'write != for "not equal"' }];
  const word = /^\S+/.exec(text.slice(at))?.[0] ?? ch;
  if (METRIC_CHAR.test(ch))
    return [
      `expected a comparison after "${metric}", found "${word}"`,
      { expected, hint: 'a metric name has no spaces' },
    ];
  return [`expected a comparison after "${metric}", found "${word}"`, { expected }];
}

type ValueResult =
  | { ok: true; value: number; unit: GateUnit }
  | { ok: false; at: number; message: string; extra: Omit<GateSyntaxError, 'message' | 'column'> };

function parseValue(scanner: Scanner): ValueResult {
  const start = scanner.pos;
  const fail = (at: number, message: string, extra: Omit<GateSyntaxError, 'message' | 'column'> = {}) =>
    ({ ok: false, at, message, extra }) as const;

  let sign = 1;
  if (scanner.peek() === '-' || scanner.peek() === '+') {
    sign = scanner.peek() === '-' ? -1 : 1;
    scanner.pos++;
  }

  // money: $1,500.50
  if (scanner.peek() === '$') {
    scanner.pos++;
    scanner.skipSpace();
    const amountAt = scanner.pos;
    const amount = scanner.match(AMOUNT_RE);
    if (amount === undefined)
      return fail(amountAt, 'expected an amount after "$"', {
        expected: 'an amount such as $1500 or $1,500.50',
      });
    if (scanner.peek() === ',') return badGrouping(scanner.pos);
    const after = scanner.pos;
    scanner.match(UNIT_RE);
    if (scanner.pos !== after)
      return fail(after, `unexpected "${scanner.text.slice(after, scanner.pos)}" after an amount of money`, {
        expected: 'an amount such as $1500 or $1,500.50',
      });
    return { ok: true, value: sign * Number(amount.replaceAll(',', '')), unit: 'money' };
  }

  const numberAt = scanner.pos;
  const integer = scanner.match(AMOUNT_RE);
  if (integer === undefined) {
    const word = /^\S+/.exec(scanner.text.slice(numberAt))?.[0] ?? '';
    return fail(numberAt, `expected a number, found "${word}"`, { expected: VALUE_EXAMPLE });
  }
  if (scanner.peek() === ',') return badGrouping(scanner.pos);
  const exponent = scanner.match(EXPONENT_RE) ?? '';
  const numberText = integer.replaceAll(',', '') + exponent;
  const number = Number(numberText);

  const unitAt = scanner.pos;
  scanner.skipSpace();
  const unitStart = scanner.pos;
  const written = scanner.match(UNIT_RE);
  if (written === undefined) {
    scanner.pos = unitAt;
    return { ok: true, value: sign * number, unit: 'number' };
  }
  const unit = written.replace(/\s+/g, '');
  if (unit === '%') return { ok: true, value: normalise((sign * number) / 100), unit: 'percent' };
  if (unit === 'USD') return { ok: true, value: sign * number, unit: 'money' };

  const quantity = `${numberText}${unit}`;
  const seconds = parseDuration(quantity);
  if (seconds !== undefined) return { ok: true, value: sign * normalise(seconds), unit: 'duration' };
  const bytes = parseSize(quantity);
  if (bytes !== undefined) return { ok: true, value: sign * normalise(bytes), unit: 'size' };
  const rate = parseRate(quantity);
  if (rate !== undefined)
    return {
      ok: true,
      value: sign * normalise(rate.perSecond),
      unit: rate.kind === 'bytes' ? 'byteRate' : 'recordRate',
    };

  // Not a unit: say what is wrong with it.
  const slash = unit.indexOf('/');
  if (slash >= 0 && unit.slice(slash + 1) !== 's') {
    const per = unit.slice(slash + 1);
    return fail(unitStart + written.indexOf('/'), `unknown rate "/${per}": rates are per second`, {
      expected: 'a rate per second such as 5k/s or 1.5MiB/s',
      found: JSON.stringify(`${numberText}${unit}`),
    });
  }
  if (unit in COUNT_PREFIXES)
    return fail(unitStart, `unknown unit "${unit}"`, {
      expected: VALUE_EXAMPLE,
      hint: `for a count write the number (${numberText}${unit === 'M' ? ',000,000' : ',000'}); for a rate, ${numberText}${unit}/s`,
    });
  const close = unit.includes('/') ? undefined : suggestUnit(unit);
  return fail(unitStart, `unknown unit "${unit}"`, {
    expected: VALUE_EXAMPLE,
    ...(close !== undefined ? { hint: `did you mean "${close}"?` } : {}),
    found: JSON.stringify(scanner.text.slice(start, scanner.pos).trim()),
  });
}

function badGrouping(at: number): ValueResult {
  return {
    ok: false,
    at,
    message: 'a comma groups thousands: three digits follow each comma',
    extra: { expected: 'a number such as 1500 or 1,500' },
  };
}

/**
 * Rounds away binary noise of unit conversion (1.1KB is 1.1 × 1000 = 1100.0000000000002) so that
 * `== 1.1KB` compares with 1100. 15 significant digits are more than any written value carries.
 */
function normalise(value: number): number {
  return Number(value.toPrecision(15));
}

function suggestUnit(unit: string): string | undefined {
  // Case first (`kib` → `KiB`, `MS` → `ms`), then a typo of at most 1 edit: units are short.
  return suggest(unit, KNOWN_UNITS, 1);
}
