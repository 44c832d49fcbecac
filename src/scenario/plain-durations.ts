/**
 * Duration fields written as a plain number are read in seconds (README, "Format"). For the fields
 * below a habit from elsewhere writes milliseconds without a unit (the KPL's
 * `RecordMaxBufferedTime` and KCL's `idleTimeBetweenReadsInMillis` are in ms): `pollInterval: 200`
 * is then a reader that polls every 200 seconds. Such a value is not an error (it is valid, and
 * someone may mean it) but a warning naming the field, how it was read, and the unit to write.
 *
 * The thresholds, one per field, in one table: above them a plain number of seconds is implausible
 * for what the field does. Where an AWS or SDK fact bounds it, the bound is computed from the facts.
 */
import { KINESIS } from '../aws/facts.js';
import type { ScenarioIssue } from './issues.js';
import { formatNumber, formatSeconds } from './units.js';

/** One duration field a plain number is suspicious in. `*` stands for any index of a list. */
export interface PlainDurationRule {
  path: readonly string[];
  /** What the field does, for the message: "a linger (how long a batch waits to fill)". */
  what: string;
  /** Above this many seconds a plain number is implausible for the field. */
  maxSeconds: number;
  /** Why, in a few words, with the figures. */
  why: string;
}

/**
 * A polling reader must take what a shard writes between two polls in one call: at a shard's
 * 1,000 records/s, 10,000 records a call last 10,000 ÷ 1,000 = 10 s. Polling less often than that
 * falls behind a busy shard whatever the processing rate.
 */
const POLL_INTERVAL_MAX_SECONDS =
  KINESIS.getRecordsMaxRecords.value / KINESIS.shardWriteRecordsPerSecond.value;

export const PLAIN_DURATION_RULES: readonly PlainDurationRule[] = [
  {
    path: ['consumers', '*', 'pollInterval'],
    what: 'a poll interval',
    maxSeconds: POLL_INTERVAL_MAX_SECONDS,
    why: `one GetRecords call returns at most ${formatNumber(KINESIS.getRecordsMaxRecords.value)} records, ${formatSeconds(POLL_INTERVAL_MAX_SECONDS)} of a shard's ${formatNumber(KINESIS.shardWriteRecordsPerSecond.value)} records/s; the KCL polls every 1s`,
  },
  {
    // No AWS limit: the KPL's RecordMaxBufferedTime defaults to 100 ms and SDK batchers flush
    // within a second. 5 s of waiting before the first attempt is more than any put-latency gate
    // allows, and a plain 50, 100 or 500 is a number of milliseconds.
    path: ['producers', '*', 'batching', 'linger'],
    what: 'a batch linger',
    maxSeconds: 5,
    why: "the KPL's RecordMaxBufferedTime defaults to 100ms",
  },
  {
    // The SDK never waits longer than its 20 s cap between attempts, so a first backoff above it
    // is no retry policy anyone configures.
    path: ['producers', '*', 'retry', 'baseDelay'],
    what: 'a first retry delay',
    maxSeconds: KINESIS.sdkMaxDelaySeconds.value,
    why: `the AWS SDK starts at ${formatSeconds(KINESIS.sdkBaseDelaySeconds.value)} and caps every backoff at ${formatSeconds(KINESIS.sdkMaxDelaySeconds.value)}`,
  },
  {
    // 15 × the SDK's 20 s cap: 5 minutes between two attempts of one record; a plain 5000 or
    // 30000 is a number of milliseconds.
    path: ['producers', '*', 'retry', 'maxDelay'],
    what: 'a longest retry delay',
    maxSeconds: 15 * KINESIS.sdkMaxDelaySeconds.value,
    why: `the AWS SDK caps every backoff at ${formatSeconds(KINESIS.sdkMaxDelaySeconds.value)}`,
  },
  {
    // PutRecords answers in tens of milliseconds (the engine's defaults are 20 ms and 120 ms); an
    // attempt that takes seconds is a timeout, not a service time.
    path: ['engine', 'serviceTime', 'median'],
    what: "a PutRecords attempt's median time",
    maxSeconds: 5,
    why: 'PutRecords answers in tens of milliseconds (default 20ms)',
  },
  {
    path: ['engine', 'serviceTime', 'p99'],
    what: "a PutRecords attempt's p99 time",
    maxSeconds: 10,
    why: 'PutRecords answers in tens of milliseconds (default p99 120ms)',
  },
  {
    // Writing one object once a buffer flushes: an S3 PUT of at most 128 MiB.
    path: ['firehose', '*', 'deliveryTime'],
    what: 'the time to write an object after a flush',
    maxSeconds: 60,
    why: 'one S3 object of at most 128 MiB (default 1s)',
  },
];

/**
 * Warnings for plain numbers above their field's threshold, read from the document as written
 * (after parsing, a plain 200 and `200s` are the same number of seconds).
 */
export function plainDurationIssues(raw: unknown): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const rule of PLAIN_DURATION_RULES) {
    for (const { path, value } of valuesAt(raw, rule.path, [])) {
      if (typeof value !== 'number' || !(value > rule.maxSeconds)) continue;
      const written = String(value);
      const asMs = value / 1000 <= rule.maxSeconds;
      issues.push({
        path,
        severity: 'warning',
        message: `${written} has no unit, so it is read as ${formatSeconds(value)}: implausible for ${rule.what} (over ${formatSeconds(rule.maxSeconds)}; ${rule.why})`,
        hint: asMs
          ? `write ${written}ms for milliseconds, or ${written}s if you mean seconds`
          : `write the unit: ${written}s if you mean seconds`,
      });
    }
  }
  return issues;
}

function valuesAt(
  node: unknown,
  pattern: readonly string[],
  at: (string | number)[],
): { path: (string | number)[]; value: unknown }[] {
  if (pattern.length === 0) return [{ path: at, value: node }];
  const [head, ...rest] = pattern;
  if (head === '*') {
    if (!Array.isArray(node)) return [];
    return node.flatMap((item, i) => valuesAt(item, rest, [...at, i]));
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, head!))
    return [];
  return valuesAt((node as Record<string, unknown>)[head!], rest, [...at, head!]);
}
