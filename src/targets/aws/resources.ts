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
import { KINESIS } from '../../aws/facts.js';
import { ExitCode, InvalidInputError, RunAbortedError, ShardcastError } from '../../errors.js';
import type { FirehoseStream, Scenario } from '../../scenario/schema.js';
import { formatSeconds, plural } from '../../scenario/units.js';
import { sleep } from '../clock.js';
import type { AwsOptions } from './options.js';
import {
  bufferingHints,
  consumerNameFor,
  deliveryStreamNameFor,
  type FirehoseDestination,
  firehoseDestination,
  runTags,
  streamNameFor,
  streamNeeded,
  TAG_CREATED_BY,
} from './resource-rules.js';
import type { AwsClients, RunResources } from './run.js';

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
    const needsStream = streamNeeded(scenario);
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
        await createDeliveryStream(
          clients.firehose,
          f,
          firehoseDestination(options, runId, f.name),
          runId,
          stream.streamArn,
          tags,
          ledger,
          signal,
          print,
        ),
      );
    }
    return { resources: { ...stream, consumerArns, deliveryStreams }, ledger };
  } catch (error) {
    const removal: string[] = [];
    let removalError: unknown;
    if (ledger.created.length > 0) {
      print(
        `creating the run's resources failed: removing the ${plural(ledger.created.length, 'resource')} created`,
      );
      try {
        removal.push(...(await deleteResources(clients, ledger)));
      } catch (cleanupError) {
        removalError = cleanupError;
        removal.push(cleanupError instanceof Error ? cleanupError.message : String(cleanupError));
      }
      for (const line of removal) print(line);
    }
    if (signal.aborted) {
      // What was removed is the abort's cleanup report: a removal that failed makes it exit 3.
      throw new RunAbortedError("stopped while creating the run's resources", {
        cleanup:
          removalError === undefined ? { ok: true, lines: removal } : { ok: false, error: removalError },
        cause: error,
      });
    }
    if (error instanceof ShardcastError) throw error;
    // An SDK error is the target's failure (exit 3), said in one line with what was undone.
    const why = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    const undone =
      ledger.created.length === 0
        ? 'nothing was created'
        : `created and removed again: ${removal.join('; ')}`;
    throw new ShardcastError(
      'target',
      `creating the run's resources failed (${why}); ${undone}`,
      ExitCode.targetFailed,
    );
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
      // Only when the scenario takes records above the 1 MiB default (an endpoint that predates
      // the field then need not know it).
      ...(scenario.stream.maxRecordSize > KINESIS.defaultMaxRecordBytes.value
        ? { MaxRecordSizeInKiB: Math.ceil(scenario.stream.maxRecordSize / 1024) }
        : {}),
      Tags: tags,
    }),
    // Not aborted by a signal: a call cut after the server acted would leave a stream the ledger
    // never heard of. It returns in well under a second; the wait that follows honours the signal.
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
  // Not aborted by a signal, as CreateStream: a consumer registered behind the ledger's back would
  // also keep its stream from being deleted.
  const out = await kinesis.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }),
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
  destination: FirehoseDestination,
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
              RoleARN: destination.roleArn,
            },
          }
        : {}),
      ExtendedS3DestinationConfiguration: {
        RoleARN: destination.roleArn,
        BucketARN: destination.bucketArn,
        Prefix: destination.prefix,
        BufferingHints: bufferingHints(f),
        CompressionFormat: 'UNCOMPRESSED',
      },
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
    // Not aborted by a signal, as CreateStream.
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
    `created delivery stream ${name} for ${f.name}${replaced} writing to s3://${destination.bucket}/${destination.prefix}, ACTIVE after ${formatSeconds(seconds, 1)}`,
  );
  return name;
}

/** Statuses a resource passes through before it can be deleted. */
const UNSETTLED = new Set(['CREATING', 'UPDATING']);

/**
 * Waits while `status` reads CREATING or UPDATING (at most as long as a creation may take): a
 * resource is deleted once it is ACTIVE. A resource already gone reads as settled.
 */
async function settled(what: string, status: () => Promise<string | undefined>): Promise<void> {
  await waitFor(
    `${what} settling to be deleted`,
    async () => {
      try {
        return UNSETTLED.has((await status()) ?? '') ? undefined : true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return true;
        throw error;
      }
    },
    WAIT_LIMITS_MS.deliveryStream,
    new AbortController().signal,
  );
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
        // AWS deletes a delivery stream that is ACTIVE (or failed), not one still CREATING.
        await settled(`delivery stream ${r.name}`, async () => {
          const d = await clients.firehose.send(
            new DescribeDeliveryStreamCommand({ DeliveryStreamName: r.name }),
          );
          return d.DeliveryStreamDescription?.DeliveryStreamStatus;
        });
        await clients.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: r.name }));
        lines.push(`deleted delivery stream ${r.name}`);
      } else if (r.kind === 'consumer') {
        await settled(`consumer ${r.name}`, async () => {
          const d = await clients.kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: r.arn }));
          return d.ConsumerDescription?.ConsumerStatus;
        });
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
        // "If the stream is in the ACTIVE state, you can delete it" (API-K, DeleteStream): a stream
        // still CREATING (a run stopped while it was made) or UPDATING (a reshard) is waited for.
        await settled(`stream ${r.name}`, async () => (await streamSummary(clients.kinesis, r.name))?.status);
        await clients.kinesis.send(
          new DeleteStreamCommand({ StreamName: r.name, EnforceConsumerDeletion: false }),
        );
        // DeleteStream was accepted: the stream is going. Still DELETING after the wait is not a
        // failure (AWS takes its time with a large stream), but the line says so.
        const gone = await waitFor(
          `stream ${r.name} going`,
          async () => ((await streamSummary(clients.kinesis, r.name)) === undefined ? true : undefined),
          DELETE_WAIT_MS,
          never,
        ).then(
          () => true,
          (error: unknown) => {
            if (error instanceof ShardcastError && error.code === 'target') return false;
            throw error;
          },
        );
        lines.push(
          gone
            ? `deleted stream ${r.name}`
            : `deleting stream ${r.name} (still DELETING after ${formatSeconds(DELETE_WAIT_MS / 1000)})`,
        );
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

/** What `--keep` leaves, one line per resource (newest first), with the command that deletes it later. */
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

/** What a run of `scenario` would create, as its ledger would hold it (for the dry run). */
export function plannedLedger(scenario: Scenario, options: AwsOptions, runId: string): ResourceLedger {
  const ledger = new ResourceLedger();
  const streamName = options.stream ?? streamNameFor(scenario, runId);
  const needsStream = streamNeeded(scenario);
  if (options.stream === undefined && needsStream) ledger.add({ kind: 'stream', name: streamName, arn: '' });
  for (const c of scenario.consumers) {
    if (c.type === 'enhanced-fan-out')
      ledger.add({ kind: 'consumer', name: consumerNameFor(c.name), arn: '', streamArn: '' });
  }
  for (const f of scenario.firehose)
    ledger.add({ kind: 'delivery stream', name: deliveryStreamNameFor(f.name, runId) });
  return ledger;
}

/** `keptLines` of what a run of `scenario` would create. */
export function keptLinesFor(scenario: Scenario, options: AwsOptions, runId: string): string[] {
  return keptLines(plannedLedger(scenario, options, runId), options);
}
