/**
 * A hand-built AWS run for the consumers' and deliveries' tests: serve in process (or any
 * endpoint on 127.0.0.1), the real SDK clients, a stream created and ACTIVE, an `AwsRun` with its
 * clock, recorder, ledger, stats and shard directory, and a tiny producer that writes records with
 * headers (`encodeRecordData`) and acknowledges them in the ledger as the real producer does.
 */
import { Agent } from 'node:http';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { RunRecorder } from '../../../src/result/recorder.js';
import { type Scenario, scenarioSchema } from '../../../src/scenario/schema.js';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import { type AwsClients, type AwsRun, RequestStats } from '../../../src/targets/aws/run.js';
import { listAllShards, ShardDirectory } from '../../../src/targets/aws/shards.js';
import { RunClock } from '../../../src/targets/clock.js';
import { IntegrityLedger } from '../../../src/workload/integrity.js';
import { encodeRecordData, runTag } from '../../../src/workload/record-header.js';

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
export const REGION = 'us-east-1';

export interface ServeOptions {
  limits?: 'aws' | 'off';
  timeScale?: number;
  faults?: string;
  dataDir?: string;
}

/** serve in process on 127.0.0.1, port 0. */
export async function startServe(options: ServeOptions = {}): Promise<RunningServer> {
  const clock = createClock(options.timeScale ?? 1);
  const limits = options.limits ?? 'aws';
  return startServer({
    port: 0,
    clock,
    limits,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    services: createServices({
      clock,
      limits,
      dataDir: options.dataDir,
      region: REGION,
      accountId: '000000000000',
    }),
  });
}

/**
 * The clients a run uses: Kinesis over HTTP/1.1 keep-alive, Kinesis over HTTP/2 for
 * SubscribeToShard (or HTTP/1.1 when `streamingHttp1`: kinesis-local serves its event stream so),
 * Firehose over HTTP/1.1.
 */
export function makeClients(
  endpoint: string,
  options: { streamingHttp1?: boolean; maxAttempts?: number } = {},
): AwsClients {
  const common = {
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
  };
  const http1 = () =>
    new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 50 }),
      requestTimeout: 20_000,
    });
  return {
    kinesis: new KinesisClient({ ...common, requestHandler: http1() }),
    kinesisStreaming: new KinesisClient({
      ...common,
      requestHandler: options.streamingHttp1 ? http1() : new NodeHttp2Handler(),
    }),
    firehose: new FirehoseClient({ ...common, requestHandler: http1() }),
  };
}

export function destroyClients(clients: AwsClients): void {
  clients.kinesis.destroy();
  clients.kinesisStreaming.destroy();
  clients.firehose.destroy();
}

export const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it is true or `ms` pass. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleepMs(20);
  }
}

/** Creates `name` with `shards` shards and waits for ACTIVE; returns its ARN. */
export async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  let arn = '';
  await until(
    async () => {
      const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
        .StreamDescriptionSummary!;
      arn = summary.StreamARN ?? '';
      return summary.StreamStatus === 'ACTIVE';
    },
    30_000,
    `${name} ACTIVE`,
  );
  return arn;
}

/** Registers consumer `name` on the stream and waits for ACTIVE; returns its ARN. */
export async function registerConsumer(
  kinesis: KinesisClient,
  streamArn: string,
  name: string,
): Promise<string> {
  const arn = (
    await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }))
  ).Consumer!.ConsumerARN!;
  await until(
    async () =>
      (await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }))).ConsumerDescription!
        .ConsumerStatus === 'ACTIVE',
    30_000,
    `consumer ${name} ACTIVE`,
  );
  return arn;
}

/** A scenario of one producer and these consumers and Firehose streams (schema defaults for the rest). */
export function scenarioWith(parts: {
  consumers?: unknown[];
  firehose?: unknown[];
  shards?: number;
}): Scenario {
  return scenarioSchema.parse({
    name: 'consumers-test',
    duration: '1m',
    stream: { shards: parts.shards ?? 1 },
    // One producer to the stream, and one to each direct-put Firehose stream (the schema wants one).
    producers: [
      { name: 'writer', rate: '100/s', recordSize: '100B' },
      ...(parts.firehose ?? []).map((f) => ({
        name: `to-${(f as { name: string }).name}`,
        rate: '100/s',
        recordSize: '100B',
        destination: (f as { name: string }).name,
      })),
    ],
    consumers: parts.consumers ?? [],
    firehose: parts.firehose ?? [],
  });
}

export interface RunParts {
  clients: AwsClients;
  scenario: Scenario;
  streamName: string;
  streamArn: string;
  consumerArns?: ReadonlyMap<string, string>;
  deliveryStreams?: ReadonlyMap<string, string>;
  existing?: boolean;
  durationSeconds?: number;
  runId?: string;
}

/** An AwsRun as the session builds one, its shard directory filled from a listing. */
export async function makeRun(parts: RunParts): Promise<AwsRun> {
  const durationSeconds = parts.durationSeconds ?? 60;
  const runId = parts.runId ?? 'run-consumers-test';
  const applications = parts.scenario.consumers.map((c) => c.name);
  const stats = new RequestStats();
  const shards = new ShardDirectory();
  shards.update(await listAllShards(parts.clients.kinesis, { StreamName: parts.streamName }, stats));
  return {
    clients: parts.clients,
    resources: {
      streamName: parts.streamName,
      streamArn: parts.streamArn,
      existing: parts.existing ?? false,
      consumerArns: parts.consumerArns ?? new Map(),
      deliveryStreams: parts.deliveryStreams ?? new Map(),
    },
    scenario: parts.scenario,
    runId,
    seed: 7,
    durationSeconds,
    share: { index: 0, count: 1 },
    clock: new RunClock(durationSeconds),
    recorder: new RunRecorder({
      seconds: durationSeconds,
      consumers: applications,
      firehoses: parts.scenario.firehose.map((f) => f.name),
    }),
    ledger: new IntegrityLedger(runId, parts.scenario.producers.length, applications, 0),
    stats,
    shards,
    signal: new AbortController().signal,
  };
}

/** A record of producer 0 with sequence `sequence`, scheduled now, `bytes` long. */
export function recordData(run: AwsRun, sequence: number, bytes = 100): Uint8Array {
  return encodeRecordData(
    {
      runTag: runTag(run.runId),
      producer: 0,
      worker: 0,
      sequence,
      scheduledEpochMicros: run.clock.epochMicros(run.clock.seconds()),
    },
    bytes,
  );
}

/**
 * Writes records `from` … `from + count − 1` of producer 0 with PutRecords, `perSecond` records a
 * second in batches every 100 ms (at most 500 a batch: then faster than asked), keys `key-<sequence % keys>`, resending refused entries until
 * each is taken; acknowledges each in the ledger. Returns how many were acknowledged.
 */
export async function writeRecords(
  run: AwsRun,
  options: {
    from?: number;
    count: number;
    perSecond: number;
    keys?: number;
    bytes?: number;
    streamName?: string;
  },
): Promise<number> {
  const from = options.from ?? 0;
  const keys = options.keys ?? 100;
  // PutRecords takes at most 500 entries.
  const perBatch = Math.min(500, Math.max(1, Math.round(options.perSecond / 10)));
  const started = Date.now();
  let acknowledged = 0;
  for (let sent = 0; sent < options.count; sent += perBatch) {
    // Batch b leaves at b × 100 ms: an open-loop schedule, not as fast as answers come back.
    const due = started + (sent / perBatch) * 100;
    if (due > Date.now()) await sleepMs(due - Date.now());
    let pending = Array.from({ length: Math.min(perBatch, options.count - sent) }, (_, i) => from + sent + i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 100) throw new Error(`${pending.length} records still refused after 100 attempts`);
      if (attempt > 0) await sleepMs(50);
      const entries: PutRecordsRequestEntry[] = pending.map((sequence) => ({
        PartitionKey: `key-${sequence % keys}`,
        Data: recordData(run, sequence, options.bytes),
      }));
      let response: PutRecordsCommandOutput;
      try {
        response = await run.clients.kinesis.send(
          new PutRecordsCommand({
            StreamName: options.streamName ?? run.resources.streamName,
            Records: entries,
          }),
        );
      } catch {
        continue;
      }
      const retry: number[] = [];
      (response.Records ?? []).forEach((entry, i) => {
        if (entry.ErrorCode === undefined) {
          run.ledger.acknowledged(0, pending[i]!);
          acknowledged += 1;
        } else retry.push(pending[i]!);
      });
      pending = retry;
    }
  }
  return acknowledged;
}

/** serve's metrics document. */
export async function serveMetrics(endpoint: string): Promise<{
  services: {
    Kinesis_20131202: {
      streams: {
        streamName: string;
        shards: { shardId: string; getRecordsCalls: number; getRecordsThrottled: number }[];
      }[];
    };
  };
}> {
  return (await fetch(`${endpoint}/_shardcast/metrics`)).json() as never;
}
