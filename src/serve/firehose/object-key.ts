/**
 * Where Firehose puts an object in S3 (FH-BH, "Configure Amazon S3 object name format" and "Custom
 * prefixes for Amazon S3 objects"): `<evaluated prefix><suffix>`, the suffix being
 * `<stream name>-<stream version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><file extension>`.
 *
 * - A prefix without `!{…}` expressions gets the default time prefix `yyyy/MM/dd/HH/` after it.
 *   A prefix with expressions is used as evaluated, with no time prefix added.
 * - `!{timestamp:<Java DateTimeFormatter pattern>}` and the default time prefix use the approximate
 *   arrival time of the oldest record in the object, in UTC (as the custom-prefix page says; a
 *   `CustomTimeZone` is not modelled). `!{firehose:random-string}` is 11 characters.
 * - The suffix's time is the time the object is written (the flush).
 *
 * Identifiers are derived from names and counters (MD5), not drawn at random: a run of serve that
 * receives the same requests at the same times writes the same keys.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../protocol.js';

const EXPRESSION = /!\{([^}:]*):([^}]*)\}/g;

/** Whether a prefix has `!{namespace:value}` expressions (and so gets no default time prefix). */
export function hasExpressions(prefix: string): boolean {
  return prefix.includes('!{');
}

/** The pattern letters this model formats, and their widths (Java DateTimeFormatter's meaning). */
const PATTERN_FIELDS: Record<string, (d: Date) => string> = {
  yyyy: (d) => String(d.getUTCFullYear()).padStart(4, '0'),
  yy: (d) => String(d.getUTCFullYear() % 100).padStart(2, '0'),
  MM: (d) => String(d.getUTCMonth() + 1).padStart(2, '0'),
  dd: (d) => String(d.getUTCDate()).padStart(2, '0'),
  HH: (d) => String(d.getUTCHours()).padStart(2, '0'),
  mm: (d) => String(d.getUTCMinutes()).padStart(2, '0'),
  ss: (d) => String(d.getUTCSeconds()).padStart(2, '0'),
};

/** Splits a DateTimeFormatter pattern into fields and literals; undefined when it uses a letter not modelled. */
function parsePattern(pattern: string): ((d: Date) => string)[] | undefined {
  const parts: ((d: Date) => string)[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      // 'literal' text; '' is a quote.
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return undefined;
      const text = end === i + 1 ? "'" : pattern.slice(i + 1, end);
      parts.push(() => text);
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j++;
      const field = PATTERN_FIELDS[pattern.slice(i, j)];
      if (field === undefined) return undefined;
      parts.push(field);
      i = j;
    } else {
      parts.push(() => c);
      i++;
    }
  }
  return parts;
}

/**
 * Checks a prefix's expressions when the delivery stream is created (InvalidArgumentException, as
 * CreateDeliveryStream answers a prefix it cannot evaluate). `errorOutput` allows
 * `!{firehose:error-output-type}`, which only ErrorOutputPrefix may use.
 */
export function checkPrefix(prefix: string, member: string, errorOutput: boolean): void {
  for (const [expr, namespace, value] of prefix.matchAll(EXPRESSION)) {
    if (namespace === 'timestamp') {
      if (parsePattern(value ?? '') === undefined) {
        throw new AwsError(
          'InvalidArgumentException',
          `${member}: '${expr}' is not a timestamp pattern serve evaluates (yyyy, yy, MM, dd, HH, mm, ss and 'literals')`,
        );
      }
    } else if (namespace === 'firehose') {
      const ok = value === 'random-string' || (errorOutput && value === 'error-output-type');
      if (!ok) throw new AwsError('InvalidArgumentException', `${member}: unknown expression '${expr}'`);
    } else {
      throw new AwsError(
        'InvalidArgumentException',
        `${member}: '${expr}' needs dynamic partitioning, which serve does not model`,
      );
    }
  }
  if (prefix.replace(EXPRESSION, '').includes('!{')) {
    throw new AwsError('InvalidArgumentException', `${member}: an expression is not closed: '${prefix}'`);
  }
}

/** A stable MD5-derived hex string for `seed`. */
function digestHex(seed: string): string {
  return createHash('md5').update(seed).digest('hex');
}

/** A UUID-shaped identifier (8-4-4-4-12 hex) derived from `seed`. */
export function derivedUuid(seed: string): string {
  const h = digestHex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `!{firehose:random-string}`: 11 characters of [0-9a-z], derived from `seed`. */
export function derivedRandomString(seed: string): string {
  return BigInt(`0x${digestHex(seed)}`)
    .toString(36)
    .padStart(11, '0')
    .slice(0, 11);
}

/** The evaluated prefix for an object whose oldest record arrived at `oldestArrivalMs`. */
export function evaluatePrefix(prefix: string, oldestArrivalMs: number, randomSeed: string): string {
  const oldest = new Date(oldestArrivalMs);
  if (!hasExpressions(prefix)) return `${prefix}${formatUtc('yyyy/MM/dd/HH', oldest)}/`;
  return prefix.replace(EXPRESSION, (_expr, namespace: string, value: string) => {
    if (namespace === 'timestamp') return formatUtc(value, oldest);
    return derivedRandomString(randomSeed);
  });
}

/** Formats `date` in UTC with a DateTimeFormatter pattern `checkPrefix` accepted. */
export function formatUtc(pattern: string, date: Date): string {
  return (parsePattern(pattern) ?? []).map((part) => part(date)).join('');
}

export interface ObjectKeyInput {
  prefix: string;
  streamName: string;
  /** The delivery stream's configuration version (`VersionId`, 1 until UpdateDestination). */
  version: number;
  oldestArrivalMs: number;
  writtenAtMs: number;
  /** `.gz` for GZIP, or the configured `FileExtension`; '' for none. */
  extension: string;
  /** Makes the UUID and random strings unique per object: the stream's ARN and object number. */
  uniqueSeed: string;
}

/** The object's S3 key: evaluated prefix, then name-version-time-uuid and the extension. */
export function objectKey(input: ObjectKeyInput): string {
  const prefix = evaluatePrefix(input.prefix, input.oldestArrivalMs, input.uniqueSeed);
  const time = formatUtc('yyyy-MM-dd-HH-mm-ss', new Date(input.writtenAtMs));
  const uuid = derivedUuid(input.uniqueSeed);
  return `${prefix}${input.streamName}-${input.version}-${time}-${uuid}${input.extension}`;
}
