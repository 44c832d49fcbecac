/**
 * What the parts of an AWS run share: the clients, the resources it runs on, the run's clock, the
 * recorder every observation goes to, the integrity ledger, the request counts and the stream's
 * shards. The session (`session.ts`) builds one `AwsRun`; the producers (`producer.ts`), the
 * consumers (`consumers/`) and the reshards (`reshard.ts`) each get it.
 *
 * Time: every observation is attributed to the run second it happens in (`clock.second()`); the
 * session closes second i once the clock passes i + 1, and the last second after the drain, so an
 * observation made during the drain lands in the last second.
 */
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RunRecorder } from '../../result/recorder.js';
import type { Scenario } from '../../scenario/schema.js';
import type { IntegrityLedger } from '../../workload/integrity.js';
import type { RunClock } from '../clock.js';
import type { TargetShare } from '../target.js';
import type { ShardDirectory } from './shards.js';

export interface AwsClients {
  /** Kinesis over HTTP/1.1 keep-alive, with the SDK's retries: the control plane (create, describe, list, reshard, delete). */
  kinesis: KinesisClient;
  /** Kinesis over HTTP/2 (`NodeHttp2Handler`): SubscribeToShard's event stream needs it. */
  kinesisStreaming: KinesisClient;
  /** Firehose with the SDK's retries: the control plane. */
  firehose: FirehoseClient;
  /**
   * The data plane's clients, without the SDK's own retries (one HTTP attempt a call): the
   * producers resend with the scenario's `retry` policy, which counts every attempt, and the
   * readers back off themselves within the shard's 5 calls/s; each on its own sockets, so reads
   * never queue behind writes. Absent (a test's hand-made clients): the control-plane clients.
   */
  kinesisWrite?: KinesisClient | undefined;
  kinesisRead?: KinesisClient | undefined;
  firehoseWrite?: FirehoseClient | undefined;
  /** S3, to read Firehose's objects back from `--firehose-bucket` (absent without it). */
  s3?: S3Client | undefined;
}

/** The resources a run writes to and reads from: created by shardcast, or an existing stream. */
export interface RunResources {
  streamName: string;
  streamArn: string;
  /** True when the stream existed before the run (`--stream NAME --allow-existing`): never changed or deleted. */
  existing: boolean;
  /** Per enhanced fan-out application (scenario name): its registered consumer's ARN. */
  consumerArns: ReadonlyMap<string, string>;
  /** Per scenario Firehose stream (scenario name): the delivery stream's name. */
  deliveryStreams: ReadonlyMap<string, string>;
}

export interface AwsRun {
  clients: AwsClients;
  resources: RunResources;
  /** The scenario as it runs (shards set). */
  scenario: Scenario;
  runId: string;
  seed: number;
  durationSeconds: number;
  share: TargetShare;
  clock: RunClock;
  recorder: RunRecorder;
  ledger: IntegrityLedger;
  stats: RequestStats;
  shards: ShardDirectory;
  /** Aborted when the run must stop at once (SIGINT, a failure, the drain's end): every loop ends. */
  signal: AbortSignal;
}

/** How a request ended. */
export type RequestOutcome = 'ok' | 'throttled' | 'error';

/**
 * The requests the target made, by operation and outcome, by HTTP status and by error name, and
 * the SDK's own retries: the target's own metrics, `requests.<Operation>.<outcome>`,
 * `http.status.<code>`, `errors.<ErrorName>`, `sdk.retries`.
 */
export class RequestStats {
  private readonly counts = new Map<string, number>();

  /**
   * One request of `operation`: its outcome, the HTTP status it ended with (none for a connection
   * that failed), the error's name when it failed, and how many attempts the SDK made for it
   * (`$metadata.attempts`; retries are attempts − 1).
   */
  count(
    operation: string,
    outcome: RequestOutcome,
    details: {
      httpStatus?: number | undefined;
      error?: string | undefined;
      attempts?: number | undefined;
    } = {},
  ): void {
    this.add(`requests.${operation}.${outcome}`, 1);
    if (details.httpStatus !== undefined) this.add(`http.status.${details.httpStatus}`, 1);
    if (details.error !== undefined) this.add(`errors.${details.error}`, 1);
    if (details.attempts !== undefined && details.attempts > 1) this.add('sdk.retries', details.attempts - 1);
  }

  /**
   * `n` entries of an `operation` request refused inside a successful response, by their
   * `ErrorCode` (PutRecords' ProvisionedThroughputExceededException or InternalFailure,
   * PutRecordBatch's ServiceUnavailableException): `entries.<Operation>.<ErrorCode>`.
   */
  countEntries(operation: string, errorCode: string, n = 1): void {
    this.add(`entries.${operation}.${errorCode}`, n);
  }

  /** Every count, by metric name. */
  metrics(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private add(name: string, n: number): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
}

/**
 * The SDK's view of a finished call, successful or not: the HTTP status, the attempts, and the
 * error's name. Works on a command's output (`$metadata`) and on a thrown error alike.
 */
export function callDetails(value: unknown): {
  httpStatus?: number | undefined;
  attempts?: number | undefined;
  error?: string | undefined;
} {
  const meta =
    typeof value === 'object' && value !== null && '$metadata' in value
      ? (value as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata
      : undefined;
  const error =
    value instanceof Error
      ? value.name === 'Error'
        ? ((value as { code?: string }).code ?? 'Error')
        : value.name
      : undefined;
  return { httpStatus: meta?.httpStatusCode, attempts: meta?.attempts, error };
}

// ---- What each part of a run hands back to the session

/** What the producers left when they stopped (`producer.ts`, `runProducers`). */
export interface ProducersOutcome {
  /** Records still waiting for a retry when the producers were stopped: neither acknowledged nor dropped. */
  pendingAtEnd: number;
  /** Per direct-put Firehose stream (the scenario's name): records and bytes it accepted, record attempts it refused. */
  firehose: Record<string, { records: number; bytes: number; throttled: number }>;
}

/** What Firehose delivered, read back from the objects (`deliveries.ts`, `watchDeliveries`). */
export type DeliveriesOutcome = Record<string, { objects: number; objectBytes: number; records: number }>;

/** One reshard event of the scenario as it went (`reshard.ts`, `runReshards`). */
export interface ReshardOutcome {
  /** Run seconds when UpdateShardCount was called. */
  at: number;
  /** The shard count asked for. */
  shards: number;
  /** Seconds from the call until the stream was ACTIVE again; undefined when it did not become so before the run ended. */
  activeAfterSeconds?: number | undefined;
  /** The error the call ended with, by name, when it failed. */
  error?: string | undefined;
}
