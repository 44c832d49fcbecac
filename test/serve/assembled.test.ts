/**
 * `shardcast serve` as a user starts it (in-process, `main(['serve', …])`) with its own services —
 * the Kinesis model, enhanced fan-out and Firehose assembled — driven by the real AWS SDK v3
 * clients with their default handlers (HTTP/2 for Kinesis, HTTP/1.1 for Firehose).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDeliveryStreamCommand, FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createClock } from '../../src/serve/clock.js';
import { createServices, startServer } from '../../src/serve/index.js';
import { SignalIo } from '../helpers/signal-io.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
/** Server time runs 10× real time: a reshard's or a consumer's delay passes in a tenth. */
const TIME_SCALE = 10;

const data = mkdtempSync(join(tmpdir(), 'shardcast-serve-data-'));
// On disk: --data must be a real folder, which Firehose writes its objects into.
const io = new SignalIo({ writeToDisk: true });
let exit: Promise<number>;
let endpoint = '';
let kinesis: KinesisClient;

beforeAll(async () => {
  exit = main(['serve', '--port', '0', '--time-scale', String(TIME_SCALE), '--data', data], io);
  for (let i = 0; i < 500 && endpoint === ''; i++) {
    endpoint = /on (http:\/\/127\.0\.0\.1:\d+) /.exec(io.out)?.[1] ?? '';
    if (endpoint === '') await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (endpoint === '') throw new Error(`serve printed no endpoint: ${io.out}${io.err}`);
  // The SDK's default handler for Kinesis: HTTP/2 over cleartext to an http:// endpoint.
  kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
}, 30_000);

afterAll(async () => {
  kinesis.destroy();
  io.send('SIGINT');
  expect(await exit).toBe(0);
  rmSync(data, { recursive: true, force: true });
});

async function activeStream(name: string, shards: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 200; i++) {
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary!;
    if (summary.StreamStatus === 'ACTIVE') return summary.StreamARN!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${name} never became ACTIVE`);
}

describe('shardcast serve, assembled', () => {
  it('takes 1,000 records/s a shard and refuses the rest entry by entry, as AWS does', async () => {
    // Its own server, whose time runs 10× slower than real time: the six calls below fall inside
    // one second of server time on any machine, so the limit is exact (a shard takes at most
    // 1,000 records in any second).
    const clock = createClock(0.1);
    const slow = await startServer({
      port: 0,
      clock,
      services: createServices({
        clock,
        limits: 'aws',
        dataDir: undefined,
        region: 'us-east-1',
        accountId: '000000000000',
      }),
    });
    const client = new KinesisClient({
      endpoint: slow.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'limits', ShardCount: 2 }));
      while (
        (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'limits' })))
          .StreamDescriptionSummary!.StreamStatus !== 'ACTIVE'
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      // 3,000 records offered, keys spread by MD5 over 2 shards (about 1,500 each, far above 1,000):
      // each shard takes 1,000 and refuses the rest, entry by entry.
      let accepted = 0;
      const refused: Record<string, number> = {};
      const started = clock.nowMs();
      for (let call = 0; call < 6; call++) {
        const response = await client.send(
          new PutRecordsCommand({
            StreamName: 'limits',
            Records: Array.from({ length: 500 }, (_, i) => ({
              PartitionKey: `key-${call}-${i}`,
              Data: new Uint8Array(10),
            })),
          }),
        );
        for (const entry of response.Records ?? []) {
          if (entry.ErrorCode === undefined) accepted += 1;
          else refused[entry.ErrorCode] = (refused[entry.ErrorCode] ?? 0) + 1;
        }
      }
      // The premise: within one second of server time (10 s of real time).
      expect(clock.nowMs() - started).toBeLessThan(1000);
      expect(accepted).toBe(2000);
      expect(refused).toEqual({ ProvisionedThroughputExceededException: 1000 });
      // What the server counted is what the client was told.
      const metrics = await (await fetch(`${slow.endpoint}/_shardcast/metrics`)).json();
      const stream = metrics.services.Kinesis_20131202.streams.find(
        (s: { streamName: string }) => s.streamName === 'limits',
      );
      expect(stream.recordsAccepted).toBe(2000);
    } finally {
      client.destroy();
      await slow.close();
    }
  }, 60_000);

  it('pushes records to an enhanced fan-out consumer over HTTP/2 (SubscribeToShard)', async () => {
    const streamArn = await activeStream('fanout', 1);
    const consumer = (
      await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' }))
    ).Consumer!;
    for (let i = 0; i < 200; i++) {
      const status = (
        await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumer.ConsumerARN }))
      ).ConsumerDescription!.ConsumerStatus;
      if (status === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const shardId = (await kinesis.send(new ListShardsCommand({ StreamName: 'fanout' }))).Shards![0]!
      .ShardId!;
    const abort = new AbortController();
    const subscription = await kinesis.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumer.ConsumerARN,
        ShardId: shardId,
        StartingPosition: { Type: 'LATEST' },
      }),
      { abortSignal: abort.signal },
    );
    const sent = ['one', 'two', 'three'];
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'fanout',
        Records: sent.map((text) => ({ PartitionKey: text, Data: new TextEncoder().encode(text) })),
      }),
    );
    const received: string[] = [];
    for await (const event of subscription.EventStream!) {
      for (const record of event.SubscribeToShardEvent?.Records ?? [])
        received.push(new TextDecoder().decode(record.Data));
      if (received.length >= sent.length) break;
    }
    abort.abort();
    expect(received).toEqual(sent);
    // A stream with a consumer is deleted only when told to delete its consumers too.
    await expect(kinesis.send(new DeleteStreamCommand({ StreamName: 'fanout' }))).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'fanout', EnforceConsumerDeletion: true }));
  });

  it('delivers Direct PUT Firehose records into objects under --data', async () => {
    const firehose = new FirehoseClient({
      endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    await firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'logs',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BucketARN: 'arn:aws:s3:::bucket',
          Prefix: 'raw/',
          // The smallest interval, 60 s of server time: 6 s real at ×10.
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        },
      }),
    );
    // ACTIVE after a second of server time.
    await new Promise((resolve) => setTimeout(resolve, 1000 / TIME_SCALE + 100));
    // 1.5 MiB in 15 records of 100 KiB: the 11th reaches the 1 MiB hint (11 × 102,400 = 1,126,400
    // bytes ≥ 1,048,576), so one object of 11 records is written at once; the other 4 wait.
    const record = new Uint8Array(100 * 1024);
    const response = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'logs',
        Records: Array.from({ length: 15 }, () => ({ Data: record })),
      }),
    );
    expect(response.FailedPutCount).toBe(0);
    let objects: string[] = [];
    for (let i = 0; i < 100 && objects.length === 0; i++) {
      objects = (
        existsSync(join(data, 'bucket'))
          ? readdirSync(join(data, 'bucket'), { recursive: true, withFileTypes: true })
          : []
      )
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
      if (objects.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(objects).toHaveLength(1);
    // `logs-1-YYYY-MM-DD-HH-MM-SS-<id>`: Firehose's object name.
    expect(objects[0]).toMatch(/^logs-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-/);
    firehose.destroy();
  }, 30_000);
});
