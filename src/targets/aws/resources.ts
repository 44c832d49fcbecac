/**
 * What an AWS run runs on, and its removal (README, "Safety rails"):
 * - by default shardcast creates its own stream, `shardcast-<scenario>-<run id>`, tagged
 *   `shardcast:run-id`, `shardcast:created-by` and `shardcast:created-at`, waits until it is ACTIVE,
 *   registers one consumer per enhanced fan-out application (`shardcast-<application>`) and creates
 *   one delivery stream per scenario Firehose, tagged the same;
 * - every resource created goes into a ledger, and removal deletes what the ledger holds, newest
 *   first, and nothing else: a failure halfway through creation removes what was created before
 *   the error is rethrown;
 * - with `--stream NAME --allow-existing` the stream is used as it is: never deleted, resharded,
 *   retagged, and no consumer is registered on it (a scenario that needs any of those is refused
 *   before the run starts).
 *
 * Firehose delivery streams write to S3 (`ExtendedS3DestinationConfiguration`) whatever the
 * scenario's destination: S3 is the destination a run can read back, and the ingest side Firehose
 * meters is the same. Objects are written UNCOMPRESSED: the records' data is a header and zero
 * padding, which gzip would shrink far below any real payload's ratio, and the run reads the
 * objects back record by record. The buffering hints are the scenario's (or the destination's
 * defaults), within S3's ranges.
 */
import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
} from '@aws-sdk/client-firehose';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { FIREHOSE_BUFFER_RANGES } from '../../aws/facts.js';
import { ExitCode, InvalidInputError, type Problem, ShardcastError } from '../../errors.js';
import type { FirehoseStream, Scenario } from '../../scenario/schema.js';
import { formatSeconds, plural } from '../../scenario/units.js';
import type { AwsOptions } from './options.js';
import { type AwsClients, type RunResources, sleep } from './run.js';

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

/** Waits for ACTIVE at most this long: AWS creates a stream in about 30 s, a delivery stream in minutes. */
export const WAIT_LIMITS_MS = { stream: 5 * 60_000, consumer: 5 * 60_000, deliveryStream: 10 * 60_000 };

/** One resource shardcast created, in the order it was created. */
export type CreatedResource =
  | { kind: 'stream'; name: string; arn: string }
  | { kind: 'consumer'; name: string; arn: string; streamArn: string }
  | { kind: 'delivery stream'; name: string };

/** What a run created, to be deleted exactly: the ledger removal works from. */
export class ResourceLedger {
  readonly created: CreatedResource[] = [];
  add(resource: CreatedResource): void {
    this.created.push(resource);
  }
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

/** Refuses, before any call, what the target cannot create against AWS itself. */
export function awsOnlyProblems(scenario: Scenario, options: AwsOptions, file = '(scenario)'): Problem[] {
  if (options.endpoint !== undefined) return [];
  return scenario.firehose.map((f, i) => ({
    location: { file, path: `firehose[${i}]` },
    message: `against AWS a delivery stream needs an IAM role and an S3 bucket, which shardcast does not create: Firehose "${f.name}" runs against a local endpoint only (--endpoint, e.g. shardcast serve)`,
  }));
}

/** Throws the problems as one input error (exit 2), when there are any. */
export function refuseProblems(problems: readonly Problem[]): void {
  if (problems.length > 0)
    throw new InvalidInputError(
      problems,
      `the aws target cannot run this scenario as asked (${plural(problems.length, 'problem')})`,
    );
}

/**
 * Polls `check` until it returns a value, waiting 50 ms, then twice as long each time up to 1 s;
 * throws a target failure after `limitMs`. A signal ends the wait with a RunAbortedError.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  limitMs: number,
  signal: AbortSignal,
): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  let delayMs = 50;
  for (;;) {
    const value = await check();
    const elapsed = performance.now() - started;
    if (value !== undefined) return { value, seconds: elapsed / 1000 };
    if (elapsed > limitMs)
      throw new ShardcastError(
        'target',
        `${what} did not happen within ${formatSeconds(limitMs / 1000)}`,
        ExitCode.targetFailed,
      );
    await sleep(delayMs, signal);
    delayMs = Math.min(1000, delayMs * 2);
  }
}

/** The stream's status and ARN (DescribeStreamSummary), or undefined when it does not exist. */
export async function streamSummary(
  kinesis: KinesisClient,
  name: string,
  signal?: AbortSignal,
): Promise<{ status: string; arn: string; openShards: number; mode: string } | undefined> {
  try {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }), {
      abortSignal: signal,
    });
    const s = out.StreamDescriptionSummary;
    return {
      status: s?.StreamStatus ?? 'UNKNOWN',
      arn: s?.StreamARN ?? '',
      openShards: s?.OpenShardCount ?? 0,
      mode: s?.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

export interface PrepareResourcesInput {
  clients: AwsClients;
  scenario: Scenario;
  options: AwsOptions;
  runId: string;
  version: string;
  now: Date;
  signal: AbortSignal;
  print: (line: string) => void;
}

/** The existing stream named by `--stream` (checked by `existingStreamProblems` first). */
async function useExistingStream(input: PrepareResourcesInput, name: string): Promise<RunResources> {
  const summary = await streamSummary(input.clients.kinesis, name, input.signal);
  if (summary === undefined) {
    throw new InvalidInputError([
      {
        location: { file: '--stream', path: '--stream' },
        message: `there is no stream "${name}" at ${input.options.endpoint ?? 'AWS in this region'}`,
        hint: 'check the name and --region, or leave --stream out and shardcast creates its own',
      },
    ]);
  }
  input.print(
    `using existing stream ${name} (${plural(summary.openShards, 'open shard')}): shardcast will not change or delete it`,
  );
  return {
    streamName: name,
    streamArn: summary.arn,
    existing: true,
    consumerArns: new Map(),
    deliveryStreams: new Map(),
  };
}

/**
 * Creates what the run needs (or takes the existing stream) and waits until all of it is ACTIVE.
 * On any failure, or on the signal, it deletes what it created and rethrows: the caller then has
 * nothing to clean up.
 */
export async function prepareResources(
  input: PrepareResourcesInput,
): Promise<{ resources: RunResources; ledger: ResourceLedger }> {
  const { clients, scenario, options, runId, signal, print } = input;
  const ledger = new ResourceLedger();
  const tags = runTags(runId, input.version, input.now);
  try {
    const needsStream =
      scenario.producers.some((p) => p.destination === 'stream') ||
      scenario.consumers.length > 0 ||
      scenario.firehose.some((f) => f.source === 'stream');
    let stream: RunResources;
    if (options.stream !== undefined) stream = await useExistingStream(input, options.stream);
    else if (!needsStream)
      stream = {
        streamName: '',
        streamArn: '',
        existing: false,
        consumerArns: new Map(),
        deliveryStreams: new Map(),
      };
    else stream = await createStream(input, ledger, tags);
    const consumerArns = new Map<string, string>();
    for (const c of scenario.consumers) {
      if (c.type !== 'enhanced-fan-out') continue;
      consumerArns.set(
        c.name,
        await registerConsumer(clients.kinesis, stream.streamArn, c.name, ledger, signal, print),
      );
    }
    const deliveryStreams = new Map<string, string>();
    for (const f of scenario.firehose) {
      deliveryStreams.set(
        f.name,
        await createDeliveryStream(clients.firehose, f, runId, stream.streamArn, tags, ledger, signal, print),
      );
    }
    return { resources: { ...stream, consumerArns, deliveryStreams }, ledger };
  } catch (error) {
    if (ledger.created.length > 0) {
      print(
        `creating the run's resources failed: removing the ${plural(ledger.created.length, 'resource')} created`,
      );
      try {
        for (const line of await deleteResources(clients, ledger)) print(line);
      } catch (cleanupError) {
        print(cleanupError instanceof Error ? cleanupError.message : String(cleanupError));
      }
    }
    throw error;
  }
}

async function createStream(
  input: PrepareResourcesInput,
  ledger: ResourceLedger,
  tags: Record<string, string>,
): Promise<RunResources> {
  const { clients, scenario, runId, signal, print } = input;
  const name = streamNameFor(scenario, runId);
  const onDemand = scenario.stream.mode === 'on-demand';
  const shards = scenario.stream.shards ?? 1;
  await clients.kinesis.send(
    new CreateStreamCommand({
      StreamName: name,
      ...(onDemand ? {} : { ShardCount: shards }),
      StreamModeDetails: { StreamMode: onDemand ? 'ON_DEMAND' : 'PROVISIONED' },
      Tags: tags,
    }),
    { abortSignal: signal },
  );
  // In the ledger from the moment the call succeeded: whatever follows, it is deleted.
  const entry: CreatedResource = { kind: 'stream', name, arn: '' };
  ledger.add(entry);
  const { value: summary, seconds } = await waitFor(
    `stream ${name} becoming ACTIVE`,
    async () => {
      const s = await streamSummary(clients.kinesis, name, signal);
      return s?.status === 'ACTIVE' ? s : undefined;
    },
    WAIT_LIMITS_MS.stream,
    signal,
  );
  entry.arn = summary.arn;
  // A server that ignores CreateStream's Tags (kinesalite predates them) gets them now: a stream
  // of shardcast's without its tags would escape `shardcast cleanup`.
  const listed = await clients.kinesis.send(new ListTagsForStreamCommand({ StreamName: name }), {
    abortSignal: signal,
  });
  if (!(listed.Tags ?? []).some((t) => t.Key === TAG_CREATED_BY)) {
    await clients.kinesis.send(new AddTagsToStreamCommand({ StreamName: name, Tags: tags }), {
      abortSignal: signal,
    });
  }
  print(
    `created stream ${name} (${onDemand ? 'on-demand' : plural(summary.openShards, 'shard')}), ACTIVE after ${formatSeconds(seconds, 1)}`,
  );
  return {
    streamName: name,
    streamArn: summary.arn,
    existing: false,
    consumerArns: new Map(),
    deliveryStreams: new Map(),
  };
}

async function registerConsumer(
  kinesis: KinesisClient,
  streamArn: string,
  application: string,
  ledger: ResourceLedger,
  signal: AbortSignal,
  print: (line: string) => void,
): Promise<string> {
  const name = consumerNameFor(application);
  const out = await kinesis.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
    {
      abortSignal: signal,
    },
  );
  const arn = out.Consumer?.ConsumerARN ?? '';
  ledger.add({ kind: 'consumer', name, arn, streamArn });
  const { seconds } = await waitFor(
    `consumer ${name} becoming ACTIVE`,
    async () => {
      const d = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }), {
        abortSignal: signal,
      });
      return d.ConsumerDescription?.ConsumerStatus === 'ACTIVE' ? true : undefined;
    },
    WAIT_LIMITS_MS.consumer,
    signal,
  );
  print(`registered consumer ${name} for ${application}, ACTIVE after ${formatSeconds(seconds, 1)}`);
  return arn;
}

async function createDeliveryStream(
  firehose: FirehoseClient,
  f: FirehoseStream,
  runId: string,
  streamArn: string,
  tags: Record<string, string>,
  ledger: ResourceLedger,
  signal: AbortSignal,
  print: (line: string) => void,
): Promise<string> {
  const name = deliveryStreamNameFor(f.name, runId);
  const fromStream = f.source === 'stream';
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: fromStream ? 'KinesisStreamAsSource' : 'DirectPut',
      ...(fromStream
        ? {
            KinesisStreamSourceConfiguration: {
              KinesisStreamARN: streamArn,
              RoleARN: LOCAL_FIREHOSE_ROLE_ARN,
            },
          }
        : {}),
      ExtendedS3DestinationConfiguration: {
        RoleARN: LOCAL_FIREHOSE_ROLE_ARN,
        BucketARN: `arn:aws:s3:::${resourceName('shardcast', runId, '', 63).toLowerCase().replace(/[_]/g, '-')}`,
        BufferingHints: bufferingHints(f),
        CompressionFormat: 'UNCOMPRESSED',
      },
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
    { abortSignal: signal },
  );
  ledger.add({ kind: 'delivery stream', name });
  const { seconds } = await waitFor(
    `delivery stream ${name} becoming ACTIVE`,
    async () => {
      const d = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }), {
        abortSignal: signal,
      });
      return d.DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE' ? true : undefined;
    },
    WAIT_LIMITS_MS.deliveryStream,
    signal,
  );
  const replaced = f.destination === 's3' ? '' : ` (S3 in place of ${f.destination})`;
  print(
    `created delivery stream ${name} for ${f.name}${replaced}, ACTIVE after ${formatSeconds(seconds, 1)}`,
  );
  return name;
}

/** How long removal waits for a consumer to go and a stream to be gone before saying it is still going. */
const DELETE_WAIT_MS = 60_000;

/**
 * Deletes what the ledger holds, newest first: delivery streams, then consumers (waiting until
 * each is gone, as DeleteStream without EnforceConsumerDeletion requires), then the stream (waiting
 * until it is gone). One line per resource. Every deletion is tried; when one fails, the error
 * lists what was deleted and what was not (a target failure).
 */
export async function deleteResources(clients: AwsClients, ledger: ResourceLedger): Promise<string[]> {
  const lines: string[] = [];
  const failed: string[] = [];
  const never = new AbortController().signal;
  for (const r of [...ledger.created].reverse()) {
    try {
      if (r.kind === 'delivery stream') {
        await clients.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: r.name }));
        lines.push(`deleted delivery stream ${r.name}`);
      } else if (r.kind === 'consumer') {
        await clients.kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: r.arn }));
        await waitFor(
          `consumer ${r.name} going`,
          async () => {
            try {
              await clients.kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: r.arn }));
              return undefined;
            } catch (error) {
              if (error instanceof Error && error.name === 'ResourceNotFoundException') return true;
              throw error;
            }
          },
          DELETE_WAIT_MS,
          never,
        );
        lines.push(`deregistered consumer ${r.name}`);
      } else {
        await clients.kinesis.send(
          new DeleteStreamCommand({ StreamName: r.name, EnforceConsumerDeletion: false }),
        );
        await waitFor(
          `stream ${r.name} going`,
          async () => ((await streamSummary(clients.kinesis, r.name)) === undefined ? true : undefined),
          DELETE_WAIT_MS,
          never,
        );
        lines.push(`deleted stream ${r.name}`);
      }
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
      failed.push(`could not delete ${r.kind} ${r.name} (${why})`);
    }
  }
  if (failed.length > 0) {
    throw new ShardcastError(
      'target',
      [...lines, ...failed].join('\n'),
      ExitCode.targetFailed,
      "delete what is left with `shardcast cleanup` (it lists what carries shardcast's tags first)",
    );
  }
  return lines;
}

/** What `--keep` leaves, one line per resource, with the command that deletes it later. */
export function keptLines(ledger: ResourceLedger, options: AwsOptions): string[] {
  const where = [
    options.endpoint === undefined ? '' : ` --endpoint ${options.endpoint}`,
    options.region === undefined ? '' : ` --region ${options.region}`,
    options.profile === undefined ? '' : ` --profile ${options.profile}`,
  ].join('');
  return [...ledger.created]
    .reverse()
    .map((r) => `kept ${r.kind} ${r.name} (delete with: shardcast cleanup${where} --yes)`);
}
