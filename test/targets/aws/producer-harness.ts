/**
 * What the producers' tests share: `shardcast serve` in-process on 127.0.0.1 (port 0) with the
 * real SDK v3 clients pointed at it over keep-alive HTTP/1.1, a stream created and ACTIVE, and an
 * `AwsRun` built by hand as the session builds it (clock, recorder, ledger, stats, shards).
 */
import { Agent } from 'node:http';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadScenarioText } from '../../../src/load.js';
import { RunRecorder } from '../../../src/result/recorder.js';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import type { AwsClients, AwsRun, RunResources } from '../../../src/targets/aws/run.js';
import { RequestStats } from '../../../src/targets/aws/run.js';
import { listAllShards, ShardDirectory } from '../../../src/targets/aws/shards.js';
import { RunClock } from '../../../src/targets/clock.js';
import { WHOLE_RUN } from '../../../src/targets/target.js';
import { IntegrityLedger } from '../../../src/workload/integrity.js';
import { type RecordHeader, readRecordHeader } from '../../../src/workload/record-header.js';

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export interface Endpoint {
  endpoint: string;
  clients: AwsClients;
  close(): Promise<void>;
}

/** SDK clients for `endpoint` as a session makes them: keep-alive HTTP/1.1, the SDK's own retries on. */
export function clientsFor(endpoint: string, options: { maxAttempts?: number } = {}): AwsClients {
  const handler = () => new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  const common = { endpoint, region: 'us-east-1', credentials: CREDENTIALS, ...options };
  const kinesis = new KinesisClient({ ...common, requestHandler: handler() });
  return {
    kinesis,
    kinesisStreaming: kinesis,
    firehose: new FirehoseClient({ ...common, requestHandler: handler() }),
  };
}

export interface Serve extends Endpoint {
  server: RunningServer;
  /** `GET /_shardcast/metrics`. */
  metrics(): Promise<ServeMetrics>;
}

export interface ServeMetrics {
  transport: {
    requests: Record<string, Record<string, number>>;
    errors: Record<string, number>;
    faults: Record<string, number>;
  };
  services: {
    Kinesis_20131202: {
      streams: {
        streamName: string;
        recordsAccepted: number;
        recordsThrottled: number;
        bytesAccepted: number;
      }[];
    };
    Firehose_20150804: unknown;
  };
}

export async function startServe(options: {
  limits: 'aws' | 'off';
  faults?: string;
  seed?: number;
  maxAttempts?: number;
}): Promise<Serve> {
  const clock = createClock(1);
  const server = await startServer({
    port: 0,
    clock,
    limits: options.limits,
    seed: options.seed ?? 1,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    services: createServices({
      clock,
      limits: options.limits,
      dataDir: undefined,
      region: 'us-east-1',
      accountId: '000000000000',
    }),
  });
  const clients = clientsFor(
    server.endpoint,
    options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts },
  );
  return {
    endpoint: server.endpoint,
    server,
    clients,
    metrics: async () =>
      (await (await fetch(`${server.endpoint}/_shardcast/metrics`)).json()) as ServeMetrics,
    close: async () => {
      clients.kinesis.destroy();
      clients.firehose.destroy();
      await server.close();
    },
  };
}

/** Sets the server's faults while it runs (PUT /_shardcast/faults): after the stream is made. */
export async function setFaults(serve: Serve, spec: string): Promise<void> {
  const response = await fetch(`${serve.endpoint}/_shardcast/faults`, { method: 'PUT', body: spec });
  if (!response.ok) throw new Error(`faults '${spec}': ${await response.text()}`);
}

export async function createActiveStream(
  kinesis: KinesisClient,
  name: string,
  shards: number,
): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 500; i++) {
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary!;
    if (summary.StreamStatus === 'ACTIVE') return summary.StreamARN!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${name} never became ACTIVE`);
}

export async function createDirectPut(firehose: FirehoseClient, name: string): Promise<void> {
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/firehose',
        BucketARN: 'arn:aws:s3:::bucket',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
      },
    }),
  );
  // serve's delivery stream is ACTIVE after a second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

/** A scenario from YAML (the loader's defaults applied). */
export function scenarioOf(yaml: string) {
  return loadScenarioText(yaml, 'producer-test.yaml').scenario;
}

/** An AwsRun as the session builds one, on `streamName` (and delivery streams by scenario name). */
export async function buildRun(
  yaml: string,
  clients: AwsClients,
  resources: { streamName: string; streamArn?: string; deliveryStreams?: Record<string, string> },
  runId = 'run-test',
): Promise<AwsRun> {
  const scenario = scenarioOf(yaml);
  const durationSeconds = Math.ceil(scenario.duration);
  const stats = new RequestStats();
  const shards = new ShardDirectory();
  shards.update(await listAllShards(clients.kinesis, { StreamName: resources.streamName }, stats));
  const runResources: RunResources = {
    streamName: resources.streamName,
    streamArn: resources.streamArn ?? '',
    existing: false,
    consumerArns: new Map(),
    deliveryStreams: new Map(Object.entries(resources.deliveryStreams ?? {})),
  };
  return {
    clients,
    resources: runResources,
    scenario,
    runId,
    seed: scenario.seed,
    durationSeconds,
    share: WHOLE_RUN,
    clock: new RunClock(durationSeconds),
    recorder: new RunRecorder({
      seconds: durationSeconds,
      consumers: [],
      firehoses: scenario.firehose.map((f) => f.name),
    }),
    ledger: new IntegrityLedger(runId, scenario.producers.length, []),
    stats,
    shards,
    signal: new AbortController().signal,
  };
}

/** Every record on the stream, read back from TRIM_HORIZON shard by shard, as its header (undefined: none). */
export async function readBack(
  kinesis: KinesisClient,
  streamName: string,
): Promise<{ header: RecordHeader | undefined; data: Uint8Array; partitionKey: string }[]> {
  const out: { header: RecordHeader | undefined; data: Uint8Array; partitionKey: string }[] = [];
  const stats = new RequestStats();
  for (const shard of await listAllShards(kinesis, { StreamName: streamName }, stats)) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? [])
        out.push({ header: readRecordHeader(r.Data!), data: r.Data!, partitionKey: r.PartitionKey! });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
