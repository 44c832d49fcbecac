/**
 * `--verify-endpoint URL --verify-stream NAME`: the stream behind the front, read back with the
 * aws target's consumers, so a run through an HTTP front reports what reached Kinesis: integrity
 * per consumer application (missing, duplicates, out of order: the record header every body
 * carries), end-to-end latency from each record's schedule, and the load on each shard (each
 * acknowledged record routed by the stream's own hash ranges, as Kinesis routes it).
 *
 * The stream is someone else's (the front writes to it): it is only listed and read, never changed.
 * Every application reads with GetRecords (polling): an enhanced fan-out application would need a
 * consumer registered on that stream, which a verifying run does not create. A scenario without
 * consumers is read by one application, `verify`.
 */
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ExitCode, RunAbortedError, ShardcastError } from '../../errors.js';
import type { RunRecorder } from '../../result/recorder.js';
import type { Scenario } from '../../scenario/schema.js';
import { type IntegrityCounts, IntegrityLedger } from '../../workload/integrity.js';
import { createClients, destroyClients } from '../aws/clients.js';
import { startConsumers } from '../aws/consumers/index.js';
import { awsOptionsSchema } from '../aws/options.js';
import { type AwsClients, type AwsRun, RequestStats } from '../aws/run.js';
import { listAllShards, ShardDirectory } from '../aws/shards.js';
import { type RunClock, sleep } from '../clock.js';
import type { TargetContext } from '../target.js';
import type { HttpRecord } from './formats.js';
import type { HttpOptions } from './options.js';

/** How often the drain looks whether every application has caught up. */
const DRAIN_POLL_MS = 100;
/** How long the consumers may take to stop once told to. */
const STOP_GRACE_MS = 5_000;

/** What the session asks of the reading side. */
export interface Verifier {
  /** The applications that read the stream (the recorder's consumers). */
  readonly applications: readonly string[];
  /** Starts the consumers on the run's clock and recorder. */
  start(clock: RunClock, recorder: RunRecorder): void;
  /** A record the front acknowledged during `second`: expected on the stream. */
  acknowledged(record: HttpRecord, second: number): void;
  /** Second `second` closes: the stream's shards and their load. */
  closeSecond(second: number, recorder: RunRecorder): void;
  /** Waits until every application read every acknowledged record, or `drainSeconds` pass. */
  drain(drainSeconds: number, signal: AbortSignal): Promise<void>;
  /** Stops the consumers and releases the clients; rethrows what made a consumer fail. */
  stop(): Promise<void>;
  /** Integrity per application. */
  counts(): Record<string, IntegrityCounts>;
  /**
   * The readers' own calls (GetRecords, GetShardIterator, ListShards) by outcome, HTTP status and
   * error, as the aws target counts them, under `verify.`: `verify.requests.GetRecords.ok`,
   * `verify.http.status.400`, `verify.errors.ResourceNotFoundException` (apart from the front's
   * `http.status.<code>`).
   */
  requestMetrics(): Record<string, number>;
}

/** The scenario as the verifying consumers read it: polling applications, `verify` when none. */
export function readingScenario(scenario: Scenario): Scenario {
  const consumers: Scenario['consumers'] =
    scenario.consumers.length === 0
      ? [{ name: 'verify', type: 'polling', instances: 1, pollInterval: 0.2, maxRecordsPerCall: 10_000 }]
      : scenario.consumers.map((c) =>
          c.type === 'polling'
            ? c
            : {
                name: c.name,
                type: 'polling',
                instances: c.instances,
                pollInterval: 0.2,
                maxRecordsPerCall: 10_000,
                processingRate: c.processingRate,
              },
        );
  return { ...scenario, consumers };
}

/**
 * Finds the stream and lists its shards: before the run, so a wrong endpoint or stream name
 * fails before a single request goes to the front (exit 3, with what to check).
 */
export async function prepareVerifier(context: TargetContext<HttpOptions>): Promise<Verifier> {
  const { options } = context;
  const streamName = options.verifyStream!;
  const clients: AwsClients = createClients(
    awsOptionsSchema.parse({
      endpoint: options.verifyEndpoint,
      region: options.region,
      profile: options.profile,
    }),
  );
  const stats = new RequestStats();
  const shards = new ShardDirectory();
  let streamArn: string;
  try {
    const summary = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }), {
      abortSignal: context.signal,
    });
    streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
    shards.update(await listAllShards(clients.kinesis, { StreamARN: streamArn }, stats, context.signal));
  } catch (error) {
    destroyClients(clients);
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    throw new ShardcastError(
      'target-failed',
      `--verify-stream ${streamName} at ${options.verifyEndpoint}: ${name}: ${message}`,
      ExitCode.targetFailed,
      name === 'ResourceNotFoundException'
        ? 'check the stream name behind the front (--verify-stream) and the endpoint (--verify-endpoint)'
        : 'check --verify-endpoint, --region and the credentials',
    );
  }
  return new StreamVerifier(context, clients, streamName, streamArn, stats, shards);
}

class StreamVerifier implements Verifier {
  readonly applications: readonly string[];
  private readonly scenario: Scenario;
  private readonly ledger: IntegrityLedger;
  private readonly stopping = new AbortController();
  private consumers: Promise<void> | undefined;
  private failure: unknown;
  private run: AwsRun | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly context: TargetContext<HttpOptions>,
    private readonly clients: AwsClients,
    private readonly streamName: string,
    private readonly streamArn: string,
    private readonly stats: RequestStats,
    private readonly shards: ShardDirectory,
  ) {
    this.scenario = readingScenario(context.scenario);
    this.applications = this.scenario.consumers.map((c) => c.name);
    this.ledger = new IntegrityLedger(
      context.header.runId,
      context.scenario.producers.length,
      this.applications,
      context.share.index,
    );
  }

  start(clock: RunClock, recorder: RunRecorder): void {
    const { context } = this;
    const signal = AbortSignal.any([context.signal, this.stopping.signal]);
    this.run = {
      clients: this.clients,
      resources: {
        streamName: this.streamName,
        streamArn: this.streamArn,
        existing: true,
        consumerArns: new Map(),
        deliveryStreams: new Map(),
      },
      scenario: this.scenario,
      runId: context.header.runId,
      seed: context.seed,
      durationSeconds: context.durationSeconds,
      share: context.share,
      clock,
      recorder,
      ledger: this.ledger,
      stats: this.stats,
      shards: this.shards,
      signal,
    };
    this.consumers = startConsumers(this.run, signal).catch((error: unknown) => {
      if (!(error instanceof RunAbortedError)) this.failure ??= error;
    });
  }

  acknowledged(record: HttpRecord, second: number): void {
    this.ledger.acknowledged(record.producer, record.sequence);
    const shard = this.shards.route(record.partitionKey, record.explicitHashKey);
    if (shard !== undefined) this.shards.addLoad(second, shard.index, 1, record.dataBytes + record.keyBytes);
  }

  closeSecond(second: number, recorder: RunRecorder): void {
    recorder.setShards(second, this.shards.openCount);
    recorder.recordShardLoad(second, this.shards.takeRow(second));
  }

  async drain(drainSeconds: number, signal: AbortSignal): Promise<void> {
    const clock = this.run?.clock;
    if (clock === undefined) return;
    const until = clock.seconds() + drainSeconds;
    while (
      this.failure === undefined &&
      this.applications.some((app) => this.ledger.outstanding(app) > 0) &&
      clock.seconds() < until
    ) {
      await sleep(DRAIN_POLL_MS, signal);
    }
  }

  /** Once, however often it is called (the session after its run, the target's cleanup). */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([this.consumers ?? Promise.resolve(), grace]);
    clearTimeout(timer);
    destroyClients(this.clients);
    if (this.failure !== undefined && !this.context.signal.aborted) throw this.failure;
  }

  counts(): Record<string, IntegrityCounts> {
    return this.ledger.counts();
  }

  requestMetrics(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.stats.metrics()).map(([name, n]) => [`verify.${name}`, n]));
  }
}
