/**
 * Parsing of written quantities: sizes (`1.2KiB`), durations (`10m`), rates (`5k/s`, `5MiB/s`).
 * Everything becomes a number in a base unit: bytes, seconds, per second. Plain numbers are taken
 * to be in the base unit already, so a resolved scenario printed as YAML reads back unchanged.
 */

/** Bytes per unit. KB/MB/GB are decimal, KiB/MiB/GiB binary, as AWS writes them (docs/aws-facts.md, "Legend"). */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
  TB: 1e12,
  TiB: 1024 ** 4,
};

/** Seconds per unit. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Multipliers for record rates: `5k/s`, `2M/s`. */
export const COUNT_PREFIXES: Readonly<Record<string, number>> = { '': 1, k: 1e3, K: 1e3, M: 1e6 };

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`;
const SIZE_RE = new RegExp(`^\\s*(${NUMBER})\\s*(${Object.keys(SIZE_UNITS).join('|')})\\s*$`);
const DURATION_PART = `(${NUMBER})\\s*(ms|s|m|h|d)`;
const DURATION_RE = new RegExp(`^\\s*(?:${DURATION_PART}\\s*)+$`);
const DURATION_PART_G = new RegExp(DURATION_PART, 'g');
const RECORD_RATE_RE = new RegExp(`^\\s*(${NUMBER})\\s*([kKM]?)\\s*/\\s*s\\s*$`);
const BYTE_RATE_RE = new RegExp(`^\\s*(${NUMBER})\\s*(${Object.keys(SIZE_UNITS).join('|')})\\s*/\\s*s\\s*$`);

/** Patterns for the JSON Schema, so editors check written values as shardcast does. */
export const PATTERNS = {
  size: `^\\s*${NUMBER}\\s*(${Object.keys(SIZE_UNITS).join('|')})\\s*$`,
  duration: `^\\s*(${NUMBER}\\s*(ms|s|m|h|d)\\s*)+$`,
  rate: `^\\s*${NUMBER}\\s*([kKM]?|${Object.keys(SIZE_UNITS).join('|')})\\s*/\\s*s\\s*$`,
  recordRate: `^\\s*${NUMBER}\\s*[kKM]?\\s*/\\s*s\\s*$`,
  byteRate: `^\\s*${NUMBER}\\s*(${Object.keys(SIZE_UNITS).join('|')})\\s*/\\s*s\\s*$`,
} as const;

/** A rate of records or of bytes. */
export interface Rate {
  kind: 'records' | 'bytes';
  perSecond: number;
}

/** Bytes in a written size, or undefined if it is not one. */
export function parseSize(text: string): number | undefined {
  const m = SIZE_RE.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * SIZE_UNITS[m[3]!]!;
}

/** Seconds in a written duration (`90s`, `1h30m`, `250ms`), or undefined. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(DURATION_PART_G)) seconds += Number(m[1]) * DURATION_UNITS[m[3]!]!;
  return seconds;
}

/** A written rate: `3000/s`, `5k/s`, `2M/s` (records) or `5MiB/s` (bytes); undefined if neither. */
export function parseRate(text: string): Rate | undefined {
  const records = RECORD_RATE_RE.exec(text);
  if (records) return { kind: 'records', perSecond: Number(records[1]) * COUNT_PREFIXES[records[3]!]! };
  const bytes = BYTE_RATE_RE.exec(text);
  if (bytes) return { kind: 'bytes', perSecond: Number(bytes[1]) * SIZE_UNITS[bytes[3]!]! };
  return undefined;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Renders bytes with a binary unit for people: 1536 → `1.5 KiB`. `extraDigits` adds fraction
 * digits beyond the usual three significant figures (as everywhere below).
 */
export function formatBytes(bytes: number, extraDigits = 0): string {
  let value = bytes;
  let unit = 0;
  while (Number.isFinite(value) && Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(value, extraDigits)} ${BYTE_UNITS[unit]}`;
}

/** Renders seconds for people: 0.07 → `70 ms`, 29_880 → `8.3 h` (ms below 1 s, s below 2 min, min below 2 h, h below 2 d). */
export function formatSeconds(seconds: number, extraDigits = 0): string {
  const abs = Math.abs(seconds);
  if (abs === 0 || !Number.isFinite(seconds)) return `${formatNumber(seconds, extraDigits)} s`;
  if (abs < 1) return `${formatNumber(seconds * 1000, extraDigits)} ms`;
  if (abs < 120) return `${formatNumber(seconds, extraDigits)} s`;
  if (abs < 7200) return `${formatNumber(seconds / 60, extraDigits)} min`;
  if (abs < 172_800) return `${formatNumber(seconds / 3600, extraDigits)} h`;
  return `${formatNumber(seconds / 86_400, extraDigits)} d`;
}

const NUMBER_FORMATS = Array.from(
  { length: 16 },
  (_, digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }),
);

/** A ratio as a percentage: 0.1234 → `12.3%`. */
export function formatPercent(ratio: number, extraDigits = 0): string {
  return `${formatNumber(ratio * 100, extraDigits)}%`;
}

/** Up to 3 significant digits past the integer part, grouped thousands: 1234.5678 → `1,235`, 12.345 → `12.3`. */
export function formatNumber(value: number, extraDigits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return NUMBER_FORMATS[Math.min(15, digits + extraDigits)]!.format(value);
}

/** A rate of bytes for people: 1_048_576 → `1 MiB/s`. */
export function formatBytesPerSecond(bytesPerSecond: number, extraDigits = 0): string {
  return `${formatBytes(bytesPerSecond, extraDigits)}/s`;
}

/** US dollars with `digits` fraction digits, at least `minDigits` (made on first use, then kept). */
const USD_FORMATS = new Map<string, Intl.NumberFormat>();
function usdFormat(minDigits: number, digits: number): Intl.NumberFormat {
  const key = `${minDigits}/${digits}`;
  let format = USD_FORMATS.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: minDigits,
      maximumFractionDigits: digits,
    });
    USD_FORMATS.set(key, format);
  }
  return format;
}

/**
 * An amount of money, the one way every output writes it: whole dollars from $100 (`$1,167`),
 * cents below (`$21.90`, `$0.50`), and below a cent three significant digits (`$0.0042`) so a small
 * amount never reads as `$0.00`. `extraDigits` adds fraction digits (a gate's measured and allowed
 * side by side: `$1,167.01` vs `$1,167.00`, not `$1,167` twice).
 */
export function formatUsd(usd: number, extraDigits = 0): string {
  if (!Number.isFinite(usd)) return `$${usd}`;
  const abs = Math.abs(usd);
  // 99.996 rounds to $100.00 in cents: whole dollars from there, as from $100. More digits
  // start at cents: $1,500.004 beside $1,500.00, not $1,500.000.
  if (abs >= 99.995) {
    return extraDigits === 0
      ? usdFormat(0, 0).format(usd)
      : usdFormat(2, Math.min(20, 1 + extraDigits)).format(usd);
  }
  // Below a cent: 0.0042 → log10 = -2.4 → floor -3 → 2 + 3 = 5 fraction digits at most → `$0.0042`.
  const digits = abs > 0 && abs < 0.01 ? 2 - Math.floor(Math.log10(abs)) : 2;
  return usdFormat(2 + extraDigits, Math.min(20, digits + extraDigits)).format(usd);
}

/**
 * Whether `n` reads as one once printed: the engine's fluid counts are fractional, and 0.9996
 * records print as `1`, which takes the singular (and `1 record is`, not `1 records are`).
 */
export function isSingular(n: number): boolean {
  return formatNumber(n) === '1';
}

/**
 * A count in words, `1 shard`, `2 shards`, `1,000 records`: the noun in the plural unless n prints
 * as 1; an irregular plural is the third argument (`plural(n, 'retry', 'retries')`).
 */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatNumber(n)} ${isSingular(n) ? noun : pluralNoun}`;
}
