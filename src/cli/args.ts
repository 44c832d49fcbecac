/**
 * Command-line values that yargs cannot check the way a user expects: a duration given as a plain
 * number of seconds (`--duration 5`, as a scenario's `duration: 5` is), and a seed (yargs turns
 * `--seed abc` into NaN before a command sees it, so the option is read as text and checked here).
 */
import { ExitCode, ShardcastError } from '../errors.js';
import { BOUNDS } from '../scenario/bounds.js';
import { formatSeconds, parseDuration } from '../scenario/units.js';

/** The largest seed: the scenario's `seed` field is 32 bits (src/scenario/schema.ts). */
const MAX_SEED = 4_294_967_295;

const PLAIN_SECONDS = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/;

/** Seconds in `--duration TEXT`: `90s`, `10m`, `1h30m`, or a plain number of seconds (`5`). */
export function parseDurationArg(text: string): number {
  const plain = PLAIN_SECONDS.exec(text);
  const seconds = plain ? Number(plain[1]) : parseDuration(text);
  if (seconds === undefined || !(seconds > 0)) {
    throw new ShardcastError(
      'usage',
      `--duration ${text} is not a duration`,
      ExitCode.invalidInput,
      'write it like 30s, 10m or 1h, or a plain number of seconds (30); it must be above 0',
    );
  }
  // The scenario's own duration was bounded when it loaded; this one is bounded alike (`1e400s`
  // reads as Infinity, a duration beyond every bound: it ran forever before).
  if (!(seconds <= BOUNDS.duration.max)) {
    throw new ShardcastError(
      'usage',
      `--duration ${text} is above ${formatSeconds(BOUNDS.duration.max)}, ${BOUNDS.duration.why}`,
      ExitCode.invalidInput,
    );
  }
  return seconds;
}

/** `--seed TEXT` as a whole number 0 … 4294967295. */
export function parseSeedArg(text: string): number {
  const seed = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seed) || seed > MAX_SEED) {
    throw new ShardcastError(
      'usage',
      `--seed ${JSON.stringify(text)} is not a seed`,
      ExitCode.invalidInput,
      `a seed is a whole number from 0 to ${MAX_SEED}, e.g. --seed 42`,
    );
  }
  return seed;
}

/**
 * The last value of a single-valued option given more than once (`--seed 1 --seed 2` is seed 2),
 * as most command lines do: yargs hands a repeated option over as an array of every value, which
 * then read as `["1","2"] is not a seed`.
 */
export function lastGiven<T>(value: T | readonly T[]): T {
  return Array.isArray(value) ? (value[value.length - 1] as T) : (value as T);
}

/** The largest worker count `--worker` takes: far beyond any fleet, short of a typo's 1e9. */
const MAX_WORKERS = 10_000;

/**
 * `--worker I/N`: worker I of N, counted from 1 as people count (`--worker 1/4` … `--worker 4/4`),
 * returned as the 0-based share the targets take (`{ index: I − 1, count: N }`).
 */
export function parseWorkerArg(text: string): { index: number; count: number } {
  if (text.trim() === '') {
    throw new ShardcastError(
      'usage',
      '--worker needs a value: I/N, worker I of N',
      ExitCode.invalidInput,
      `write --worker I/N for worker I of N, counted from 1: --worker 1/4 … --worker 4/4 (N at most ${MAX_WORKERS})`,
    );
  }
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const worker = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!(count >= 1 && count <= MAX_WORKERS && worker >= 1 && worker <= count)) {
    throw new ShardcastError(
      'usage',
      `--worker ${text} is not a worker share`,
      ExitCode.invalidInput,
      `write --worker I/N for worker I of N, counted from 1: --worker 1/4 … --worker 4/4 (N at most ${MAX_WORKERS})`,
    );
  }
  return { index: worker - 1, count };
}

/** A share as `--worker` writes it: `{ index: 1, count: 4 }` is `--worker 2/4`. */
export function workerText(share: { index: number; count: number }): string {
  return `--worker ${share.index + 1}/${share.count}`;
}

/**
 * `--vary stream.shards=8..64 step 8` unquoted reaches yargs as three values of the array option
 * (`stream.shards=8..64`, `step`, `8`): a `step` and the value after it join the range before
 * them, so the range reads the same quoted or not.
 */
export function joinSteps(values: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === 'step' && out.length > 0 && i + 1 < values.length && out.at(-1)!.includes('..')) {
      out[out.length - 1] = `${out.at(-1)} step ${values[i + 1]}`;
      i += 1;
    } else out.push(value);
  }
  return out;
}
