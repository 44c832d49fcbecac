/**
 * The written quantities of a scenario (`1KiB`, `10m`, `5k/s`, `4.5MiB/s`), each parsed at the edge
 * into a number in base units (bytes, seconds, per second), and the names every part carries.
 */
import { z } from 'zod';
import { NOT_FINITE } from './bounds.js';
import { PATTERNS, parseDuration, parseRate, parseSize, type Rate } from './units.js';

function quantity<T>(kind: string, pattern: string, example: string, parse: (text: string) => T | undefined) {
  const expected = `${kind} such as ${example}`;
  return z
    .union([
      z
        .string({ error: `expected ${expected}` })
        .regex(new RegExp(pattern), { error: `expected ${expected}` }),
      z.number({ error: `expected ${expected}` }),
    ])
    .meta({ description: `${kind[0]!.toUpperCase()}${kind.slice(1)}, e.g. ${example}` })
    .transform((value, ctx): T | number => {
      if (typeof value === 'number') return value;
      const parsed = parse(value);
      if (parsed === undefined) {
        ctx.issues.push({ code: 'custom', message: `expected ${expected}`, input: value });
        return z.NEVER;
      }
      // `1e999KiB` matches the pattern and parses to Infinity: say so rather than "wrong type".
      if (!Number.isFinite(typeof parsed === 'number' ? parsed : (parsed as Rate).perSecond)) {
        ctx.issues.push({ code: 'custom', message: NOT_FINITE, input: value });
        return z.NEVER;
      }
      return parsed;
    });
}

/** A size in bytes: `1.2KiB`, `64MiB`, or a plain number of bytes. */
export const size = quantity('a size', PATTERNS.size, '1KiB, 64MiB or 512B', parseSize).pipe(
  z.number().nonnegative({ error: 'a size cannot be negative' }),
);
/** A duration in seconds: `250ms`, `10m`, `1h30m`, or a plain number of seconds. */
export const duration = quantity(
  'a duration',
  PATTERNS.duration,
  '250ms, 30s, 10m or 24h',
  parseDuration,
).pipe(z.number().nonnegative({ error: 'a duration cannot be negative' }));
/** A rate of records (`3000/s`, `5k/s`, a plain number) or of bytes (`5MiB/s`). */
export const rate = quantity(
  'a rate',
  PATTERNS.rate,
  '3000/s, 5k/s, 2M/s or 5MiB/s',
  (text): Rate | undefined => parseRate(text),
)
  .transform((value): Rate => (typeof value === 'number' ? { kind: 'records', perSecond: value } : value))
  .refine((r) => r.perSecond >= 0, { error: 'a rate cannot be negative' });
/** A rate of bytes per second only: `4.5MiB/s` or a plain number of bytes per second. */
export const byteRate = quantity('a byte rate', PATTERNS.byteRate, '4.5MiB/s or 500KB/s', (text) => {
  const parsed = parseRate(text);
  return parsed?.kind === 'bytes' ? parsed.perSecond : undefined;
}).pipe(z.number().nonnegative({ error: 'a rate cannot be negative' }));
/** A rate of records per second only: `5000/s`, `5k/s` or a plain number. */
export const recordRate = quantity('a record rate', PATTERNS.recordRate, '5000/s or 5k/s', (text) => {
  const parsed = parseRate(text);
  return parsed?.kind === 'records' ? parsed.perSecond : undefined;
}).pipe(z.number().nonnegative({ error: 'a rate cannot be negative' }));

export const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  error: 'expected a name of letters, digits, ".", "_" or "-" (it names files and AWS resources)',
});
export const positiveInt = z.number().int().positive();
