/**
 * The names, tags and checks of what an AWS run creates: pure, so the dry run words the same calls
 * `resources.ts` makes. Names follow Kinesis' rules (1–128 of [a-zA-Z0-9_.-]) and Firehose's (1–64);
 * the tags mark what `shardcast cleanup` may delete.
 */
import { FIREHOSE_BUFFER_RANGES } from '../../aws/facts.js';
import { InvalidInputError, type Problem } from '../../errors.js';
import type { FirehoseStream, Scenario } from '../../scenario/schema.js';
import { plural } from '../../scenario/units.js';
import { isLocalEndpoint } from './clients.js';
import type { AwsOptions } from './options.js';

/**
 * The tags that mark a resource as shardcast's: `shardcast cleanup` deletes only what carries them.
 * `/`, not `:`, separates the prefix: Kinesis tag keys and values take only letters, digits, white
 * space and `_ . / = + - % @` (API-K, "Tag"; kinesalite refuses a `:` as AWS does), so the time is
 * written in ISO 8601's basic format (`20261206T120000Z`), which has no colon either.
 */
export const TAG_RUN_ID = 'shardcast/run-id';
export const TAG_CREATED_BY = 'shardcast/created-by';
export const TAG_CREATED_AT = 'shardcast/created-at';

/** A time as the created-at tag writes it: `20261206T120000Z` (ISO 8601 basic, whole seconds, UTC). */
export function tagTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The time a created-at tag holds, or undefined when it is not one. */
export function parseTagTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Kinesis stream and consumer names: 1–128 of [a-zA-Z0-9_.-] (API-K). */
const STREAM_NAME_MAX = 128;
/** Firehose delivery stream names: 1–64 of [a-zA-Z0-9_.-] (API-F). */
const DELIVERY_STREAM_NAME_MAX = 64;
/** A placeholder role: a local endpoint accepts any IAM role ARN; AWS needs a real one (refused before). */
export const LOCAL_FIREHOSE_ROLE_ARN = 'arn:aws:iam::000000000000:role/shardcast-firehose';
const MiB = 1024 * 1024;

/** Whether a run of the scenario uses a stream: a producer or a Firehose writes or reads it, or an application reads it. */
export function streamNeeded(scenario: Scenario): boolean {
  return (
    scenario.producers.some((p) => p.destination === 'stream') ||
    scenario.consumers.length > 0 ||
    scenario.firehose.some((f) => f.source === 'stream')
  );
}

/** `name` made of Kinesis' name characters, cut to `max` keeping the end (the run id) whole. */
export function resourceName(prefix: string, middle: string, suffix: string, max: number): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');
  const tail = suffix === '' ? '' : `-${clean(suffix)}`;
  const room = Math.max(0, max - prefix.length - tail.length - 1);
  return `${prefix}-${clean(middle).slice(0, room)}${tail}`.slice(0, max);
}

export function streamNameFor(scenario: Scenario, runId: string): string {
  return resourceName('shardcast', scenario.name, runId, STREAM_NAME_MAX);
}
export function consumerNameFor(application: string): string {
  return resourceName('shardcast', application, '', STREAM_NAME_MAX);
}
export function deliveryStreamNameFor(firehose: string, runId: string): string {
  return resourceName('shardcast', firehose, runId, DELIVERY_STREAM_NAME_MAX);
}

/** The buffering hints a delivery stream is created with: the scenario's, or S3's defaults, within S3's ranges. */
export function bufferingHints(f: FirehoseStream): { SizeInMBs: number; IntervalInSeconds: number } {
  const s3 = FIREHOSE_BUFFER_RANGES.s3!;
  const own = FIREHOSE_BUFFER_RANGES[f.destination] ?? s3;
  const sizeMiB = f.buffer.size === undefined ? own.sizeMiB.default : Math.ceil(f.buffer.size / MiB);
  const interval = f.buffer.interval ?? own.intervalSeconds.default;
  const clamp = (v: number, r: { min: number; max: number }) => Math.min(r.max, Math.max(r.min, v));
  return {
    SizeInMBs: clamp(sizeMiB, s3.sizeMiB),
    IntervalInSeconds: Math.round(clamp(interval, s3.intervalSeconds)),
  };
}

/** The tags of everything a run creates. */
export function runTags(runId: string, version: string, now: Date): Record<string, string> {
  return {
    [TAG_RUN_ID]: runId,
    [TAG_CREATED_BY]: `shardcast ${version}`,
    [TAG_CREATED_AT]: tagTime(now),
  };
}

/**
 * Problems with running this scenario on an existing stream (`--stream --allow-existing`), or with
 * `--stream` alone: each names the flag or the scenario's field and says what to change. Checked
 * before any call.
 */
export function existingStreamProblems(
  scenario: Scenario,
  options: AwsOptions,
  file = '(scenario)',
): Problem[] {
  const problems: Problem[] = [];
  if (options.stream === undefined) {
    if (options.allowExisting)
      problems.push({
        location: { file: '--allow-existing', path: '--allow-existing' },
        message: 'needs --stream NAME: the existing stream to write to',
      });
    return problems;
  }
  if (!options.allowExisting) {
    problems.push({
      location: { file: '--stream', path: '--stream' },
      message: `shardcast would write to "${options.stream}", a stream it did not create: add --allow-existing to allow it (shardcast then never changes or deletes it), or leave --stream out and shardcast creates its own`,
    });
    return problems;
  }
  const why = `on an existing stream (--stream ${options.stream} --allow-existing) shardcast changes nothing`;
  scenario.events.forEach((e, i) => {
    problems.push({
      location: { file, path: `events[${i}].reshard` },
      message: `${why}: it cannot reshard to ${e.reshard.shards} shards; remove the event or let shardcast create its stream`,
    });
  });
  scenario.consumers.forEach((c, i) => {
    if (c.type === 'enhanced-fan-out')
      problems.push({
        location: { file, path: `consumers[${i}].type` },
        message: `${why}: it cannot register the enhanced fan-out consumer "${c.name}"; use type: polling or let shardcast create its stream`,
      });
  });
  scenario.firehose.forEach((f, i) => {
    if (f.source === 'stream')
      problems.push({
        location: { file, path: `firehose[${i}].source` },
        message: `${why}: it does not attach the Firehose stream "${f.name}" to it; use source: direct-put or let shardcast create its stream`,
      });
  });
  return problems;
}

/**
 * Refuses, before any call, what the target cannot create against AWS itself: a delivery stream
 * needs an IAM role and an S3 bucket, which shardcast never creates, so a scenario with Firehose
 * runs against AWS only with `--firehose-role` and `--firehose-bucket`. One without the other is
 * refused anywhere (a local endpoint takes placeholders for both, not for one).
 */
export function awsOnlyProblems(scenario: Scenario, options: AwsOptions, file = '(scenario)'): Problem[] {
  const role = options.firehoseRole !== undefined;
  const bucket = options.firehoseBucket !== undefined;
  if (role !== bucket) {
    const [given, missing] = role
      ? ['--firehose-role', '--firehose-bucket']
      : ['--firehose-bucket', '--firehose-role'];
    return [
      {
        location: { file: missing, path: missing },
        message: `${given} needs ${missing} too: Firehose writes to the bucket as the role`,
      },
    ];
  }
  if (isLocalEndpoint(options.endpoint) || (role && bucket)) return [];
  return scenario.firehose.map((f, i) => ({
    location: { file, path: `firehose[${i}]` },
    message: `against AWS a delivery stream needs an IAM role and an S3 bucket, which shardcast does not create: give --firehose-role ARN and --firehose-bucket NAME (an existing bucket; shardcast deletes nothing in it) for Firehose "${f.name}", or run against a local endpoint (--endpoint, e.g. shardcast serve)`,
  }));
}

/** Where a delivery stream of the run writes: the role Firehose assumes, the bucket and the key prefix. */
export interface FirehoseDestination {
  roleArn: string;
  bucket: string;
  bucketArn: string;
  /** `shardcast/<run id>/<firehose>/`: one run's objects are listed by it (Firehose adds `yyyy/MM/dd/HH/`). */
  prefix: string;
}

/**
 * The destination of the delivery stream for scenario Firehose `firehose`: `--firehose-role` and
 * `--firehose-bucket` when given, else placeholders a local endpoint accepts (AWS is refused before,
 * by `awsOnlyProblems`).
 */
export function firehoseDestination(
  options: AwsOptions,
  runId: string,
  firehose: string,
): FirehoseDestination {
  const bucket =
    options.firehoseBucket ?? resourceName('shardcast', runId, '', 63).toLowerCase().replace(/[_]/g, '-');
  return {
    roleArn: options.firehoseRole ?? LOCAL_FIREHOSE_ROLE_ARN,
    bucket,
    bucketArn: `arn:aws:s3:::${bucket}`,
    prefix: `${runPrefix(runId)}${keySegment(firehose)}/`,
  };
}

/** A name as one segment of an S3 key: Kinesis' name characters only, so no `/` splits it. */
const keySegment = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');

/** `shardcast/<run id>/`: every object of a run's delivery streams is under it. */
export function runPrefix(runId: string): string {
  return `shardcast/${keySegment(runId)}/`;
}

/** Throws the problems as one input error (exit 2), when there are any. */
export function refuseProblems(problems: readonly Problem[]): void {
  if (problems.length > 0)
    throw new InvalidInputError(
      problems,
      `the aws target cannot run this scenario as asked (${plural(problems.length, 'problem')})`,
    );
}
