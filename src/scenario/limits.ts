/**
 * How much scenario text shardcast reads, and how long its lists may be, each with why (issue 15,
 * point 4). Parsing is the one step whose cost grows with the input before any bound in
 * src/scenario/bounds.ts can be checked: yaml's parser took ~1.2 s of CPU per MB of flow mappings
 * and its Document ~400 MB of memory per MB of text, so an 11 MB file of 300,000 weighted keys ran
 * for over 60 s and 2 GB, and 1.25 M keys in 50 MB exhausted the heap with no shardcast message.
 * Checked before anything is parsed, the size bounds the parse; the list bounds then name the list
 * that is too long rather than the file.
 */
import type { Problem } from '../errors.js';
import { formatBytes, formatNumber } from './units.js';

/**
 * The largest scenario text read, in bytes (UTF-8). A 2 MB file of 50,000 weighted keys (block
 * style, 2,089,017 bytes) validated in 4.0 s of CPU and 316 MB peak RSS on the shared 2-core
 * machine under load (1 MB: 2.4 s and 280 MB; 60,000 keys on one flow line, 1.5 MB: 3.9 s and
 * 445 MB; the command alone, launch-day.yaml: ~1.1 s and 115 MB), measured with
 * `/usr/bin/time -f '%U %M' node bin/shardcast.js validate`. The bundled
 * scenarios are at most a few KiB; a scenario is a description, and long data (a trace) goes in a
 * file it names (those may be 64 MiB, src/confine.ts).
 */
export const MAX_SCENARIO_TEXT_BYTES = 2 * 1024 * 1024;

/** Why a scenario text is limited, as a message says it. */
export const SCENARIO_TEXT_WHY =
  'parsing costs about 1.5 s of CPU and 100 MB of memory per MiB of text, and a scenario is a description: long data such as a trace goes in a file it names';

export interface ListBound {
  /** The most items the list may have. */
  max: number;
  /** What one item is, plural (`weighted keys`). */
  items: string;
  /** Where the bound comes from, as a message says it. */
  why: string;
}

/**
 * The longest lists a scenario may have. Each is far above what a hand-written or generated
 * scenario needs; they are here so a list's cost (the engine keeps state per producer, consumer
 * and Firehose stream; the planner places every weighted key) is known, and so the message names
 * the list rather than only the file's size. 50,000 weighted keys in flow style (`- { key: k1,
 * weight: 1 }`) is about 1.8 MB, inside the text limit.
 */
export const LIST_BOUNDS = {
  weightedKeys: {
    max: 50_000,
    items: 'weighted keys',
    why: 'beyond a few thousand named keys a distribution describes them better: use dist: zipf or hot-set with a count (up to 1,000,000,000 keys)',
  },
  weightedSizes: {
    max: 10_000,
    items: 'weighted sizes',
    why: 'a histogram of record sizes needs a few dozen buckets; use dist: lognormal or uniform for a smooth spread',
  },
  steps: {
    max: 20_000,
    items: 'steps',
    why: 'a step a minute for the longest run modelled (7 days) is 10,080 steps; for a measured curve, use a trace file',
  },
  points: {
    max: 100_000,
    items: 'trace points',
    why: 'long traces go in a CSV file named by `file:` (up to 64 MiB)',
  },
  events: {
    max: 10_000,
    items: 'events',
    why: 'a reshard a minute for a 7-day run is 10,080, and a split or merge takes about 30 s each',
  },
  producers: {
    max: 1_000,
    items: 'producers',
    why: 'the engine keeps state per producer each tick; a fleet of one application is one producer with instances',
  },
  consumers: {
    max: 1_000,
    items: 'consumers',
    why: 'the engine keeps state per consumer and shard each tick; AWS allows 20 enhanced fan-out consumers per stream',
  },
  firehose: {
    max: 1_000,
    items: 'Firehose streams',
    why: 'the engine keeps buffers per Firehose stream each tick; a Kinesis stream is read by at most a handful of them',
  },
  gates: {
    max: 1_000,
    items: 'gates',
    why: 'a gate is a pass/fail line of a report; a thousand already cannot be read',
  },
} as const satisfies Record<string, ListBound>;

/** The error text zod reports for a list beyond its bound (the path and the count are added by the loader). */
export function listBoundError(bound: ListBound): string {
  return `at most ${formatNumber(bound.max)} ${bound.items}: ${bound.why}`;
}

/**
 * A problem for scenario text longer than `MAX_SCENARIO_TEXT_BYTES`, located at the file's first
 * line; undefined when it is within. Counted without building a buffer (`Buffer.byteLength`).
 */
export function textSizeProblem(text: string, file: string): Problem | undefined {
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes): text of at
  // most max ÷ 3 units is within without counting.
  if (text.length <= MAX_SCENARIO_TEXT_BYTES / 3) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_SCENARIO_TEXT_BYTES) return undefined;
  return sizeProblem(bytes, file);
}

/** The problem for a scenario of `bytes` bytes, above the limit (for a file refused before it is read). */
export function sizeProblem(bytes: number, file: string): Problem {
  return {
    location: { file, line: 1, column: 1, path: '' },
    message: `the scenario is ${formatBytes(bytes)} (${formatNumber(bytes)} bytes), above the ${formatBytes(MAX_SCENARIO_TEXT_BYTES)} shardcast reads: ${SCENARIO_TEXT_WHY}`,
    expected: `at most ${formatBytes(MAX_SCENARIO_TEXT_BYTES)}`,
    found: formatBytes(bytes),
    hint: 'move long lists out: a trace into a CSV file (`rate: { profile: trace, file: … }`), many weighted keys into dist: zipf or hot-set',
  };
}
