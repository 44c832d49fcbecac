/**
 * The wire proof: the real `@aws-sdk/client-kinesis` (its default NodeHttp2Handler, HTTP/2 cleartext
 * to 127.0.0.1) registers a consumer, waits for it to be ACTIVE, subscribes to a shard and reads
 * the records back from `response.EventStream`, byte for byte, with their sequence numbers and the
 * continuation; then the error shapes (before the stream and mid-stream) and the 5-minute end.
 *
 * The server here is a small stand-in for serve's transport (`src/serve/server.ts`): JSON 1.1 in,
 * JSON 1.1 or an AWS error out, and a StreamingResponse over the HTTP/2 stream for SubscribeToShard.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  DescribeStreamConsumerCommand,
  KinesisClient,
  ListStreamConsumersCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnhancedFanOut, type EnhancedFanOut } from '../../../src/serve/efo/index.js';
import {
  AwsError,
  type RequestContext,
  type ServeClock,
  type StreamingResponse,
} from '../../../src/serve/protocol.js';
import { FakeFeed, STREAM_ARN } from './fakes.js';

const SHARD = 'shardId-000000000000';

/** Server time runs `timeScale` times faster than real time, as `--time-scale` makes it. */
function scaledClock(timeScale: number): ServeClock {
  const startReal = Date.now();
  return {
    timeScale,
    nowMs: () => startReal + (Date.now() - startReal) * timeScale,
    after(serverMs, fn) {
      const timer = setTimeout(fn, serverMs / timeScale);
      return () => clearTimeout(timer);
    },
  };
}

function streamingResponse(stream: http2.ServerHttp2Stream): StreamingResponse {
  let ended = false;
  return {
    start(headers) {
      stream.respond({ ':status': 200, ...headers });
    },
    write: (chunk) => stream.write(chunk),
    onDrain: (listener) => stream.on('drain', listener),
    end() {
      ended = true;
      stream.end();
    },
    get closed() {
      return ended || stream.closed || stream.destroyed;
    },
    onClose: (listener) => stream.once('close', listener),
  };
}

function sendJson(stream: http2.ServerHttp2Stream, status: number, body: unknown): void {
  stream.respond({ ':status': status, 'content-type': 'application/x-amz-json-1.1' });
  stream.end(JSON.stringify(body));
}

interface Harness {
  clock: ServeClock;
  client: KinesisClient;
  feed: FakeFeed;
  efo: EnhancedFanOut;
  close(): Promise<void>;
}

async function start(timeScale: number): Promise<Harness> {
  const clock = scaledClock(timeScale);
  const feed = new FakeFeed(clock);
  const efo = createEnhancedFanOut({
    feed,
    clock,
    region: 'us-east-1',
    accountId: '123456789012',
    limits: 'aws',
  });
  const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits: 'aws' };
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const target = String(headers['x-amz-target'] ?? '');
      const operation = efo.operations.get(target.replace(/^Kinesis_20131202\./, ''));
      try {
        if (operation === undefined) throw new AwsError('UnknownOperationException', target);
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        if (typeof operation === 'function') sendJson(stream, 200, operation(input, context) ?? {});
        else operation.handle(input, context, streamingResponse(stream));
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        sendJson(stream, error.status, { __type: error.type, message: error.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new KinesisClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return {
    clock,
    client,
    feed,
    efo,
    async close() {
      efo.close();
      client.destroy();
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function activeConsumer(h: Harness, name: string): Promise<string> {
  const { Consumer } = await h.client.send(
    new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: name }),
  );
  expect(Consumer?.ConsumerStatus).toBe('CREATING');
  for (;;) {
    const { ConsumerDescription } = await h.client.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN! }),
    );
    if (ConsumerDescription?.ConsumerStatus === 'ACTIVE') return Consumer!.ConsumerARN!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('enhanced fan-out through the real KinesisClient over HTTP/2', () => {
  it('reads back the records of a subscription: exact bytes, sequence numbers, continuation', async () => {
    // ×10: the 5 s a consumer is CREATING take 0.5 s.
    harness = await start(10);
    const h = harness;
    const consumerArn = await activeConsumer(h, 'reader');
    const listed = await h.client.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN }));
    expect(listed.Consumers?.map((c) => c.ConsumerARN)).toEqual([consumerArn]);
    expect(listed.Consumers?.[0]?.ConsumerCreationTimestamp).toBeInstanceOf(Date);

    const before = h.feed.append(SHARD, [0, 1, 300, 4096]);
    const abort = new AbortController();
    const response = await h.client.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: SHARD,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
      { abortSignal: abort.signal },
    );
    const iterator = (response.EventStream as AsyncIterable<SubscribeToShardEventStream>)[
      Symbol.asyncIterator
    ]();
    const first = (await iterator.next()).value as SubscribeToShardEventStream;
    const event = first.SubscribeToShardEvent!;
    expect(event.Records?.map((r) => r.SequenceNumber)).toEqual(before.map((r) => r.SequenceNumber));
    expect(event.Records?.map((r) => Buffer.from(r.Data!))).toEqual(before.map((r) => Buffer.from(r.Data)));
    expect(event.Records?.map((r) => r.PartitionKey)).toEqual(['pk-0', 'pk-1', 'pk-2', 'pk-3']);
    expect(event.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(
      before[0]!.ApproximateArrivalTimestamp,
    );
    expect(event.ContinuationSequenceNumber).toBe(before[3]!.SequenceNumber);
    expect(event.MillisBehindLatest).toBe(0);

    // Appended while subscribed: pushed on the same stream.
    const after = h.feed.append(SHARD, [17]);
    let pushed: SubscribeToShardEventStream['SubscribeToShardEvent'];
    do pushed = ((await iterator.next()).value as SubscribeToShardEventStream).SubscribeToShardEvent;
    while (pushed?.Records?.length === 0);
    expect(pushed?.Records?.map((r) => r.SequenceNumber)).toEqual([after[0]!.SequenceNumber]);
    expect(Buffer.from(pushed!.Records![0]!.Data!)).toEqual(Buffer.alloc(17, 4));
    expect(pushed?.ContinuationSequenceNumber).toBe(after[0]!.SequenceNumber);
    expect(h.efo.metrics().consumers[0]!.shards).toMatchObject([
      { shardId: SHARD, subscribed: true, records: 5, bytes: 0 + 1 + 300 + 4096 + 17 },
    ]);
    // The client goes away mid-stream (its abort signal resets the HTTP/2 stream): the server stops
    // the subscription and stops listening to the shard.
    abort.abort();
    const deadline = Date.now() + 2000;
    while (h.efo.metrics().consumers[0]!.shards[0]!.subscribed) {
      if (Date.now() > deadline) throw new Error('the subscription outlived its client');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('throws the AWS exceptions: ResourceInUseException before ACTIVE, and mid-stream on takeover', async () => {
    harness = await start(10);
    const h = harness;
    const { Consumer } = await h.client.send(
      new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: 'early' }),
    );
    const early = h.client.send(
      new SubscribeToShardCommand({
        ConsumerARN: Consumer!.ConsumerARN!,
        ShardId: SHARD,
        StartingPosition: { Type: 'LATEST' },
      }),
    );
    await expect(early).rejects.toMatchObject({
      name: 'ResourceInUseException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      h.client.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: 'early' })),
    ).rejects.toMatchObject({ name: 'ResourceInUseException' });

    const consumerArn = await activeConsumer(h, 'taken');
    const subscribe = () =>
      h.client.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: SHARD,
          StartingPosition: { Type: 'LATEST' },
        }),
      );
    const first = await subscribe();
    const reading = (async () => {
      for await (const _event of first.EventStream!) {
        // idle events until the takeover
      }
    })();
    // Within 5 s of server time (0.5 s real): refused.
    await expect(subscribe()).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await subscribe();
    await expect(reading).rejects.toMatchObject({ name: 'ResourceInUseException' });
    const iterator = second.EventStream![Symbol.asyncIterator]();
    await iterator.return?.();
  });

  it('delivers 2 MiB/s per consumer and shard to the SDK when more is waiting', async () => {
    // ×2: CREATING takes 2.5 s, and 10 MiB take (10 − 2) MiB / 2 MiB/s = 4 s of server time, 2 s real.
    harness = await start(2);
    const h = harness;
    const consumerArn = await activeConsumer(h, 'fast');
    const recordBytes = 128 * 1024;
    h.feed.append(
      SHARD,
      Array.from({ length: 80 }, () => recordBytes),
    );
    const response = await h.client.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: SHARD,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    );
    const received: { atMs: number; bytes: number }[] = [];
    let total = 0;
    for await (const event of response.EventStream!) {
      const bytes = (event.SubscribeToShardEvent?.Records ?? []).reduce(
        (sum, r) => sum + r.Data!.byteLength,
        0,
      );
      if (bytes === 0) continue;
      received.push({ atMs: h.clock.nowMs(), bytes });
      total += bytes;
      if (total === 80 * recordBytes) break;
    }
    // The first event empties the full bucket (2 MiB = 16 records); the other 8 MiB come at the
    // bucket's rate: 8 MiB over (last − first) server seconds ≈ 2 MiB/s.
    const first = received[0]!;
    const last = received[received.length - 1]!;
    expect(first.bytes).toBe(2 * 1024 * 1024);
    const mibPerSecond = (total - first.bytes) / 1024 / 1024 / ((last.atMs - first.atMs) / 1000);
    console.log(`enhanced fan-out through the SDK: ${mibPerSecond.toFixed(3)} MiB/s per consumer and shard`);
    expect(mibPerSecond).toBeGreaterThan(2 * 0.9);
    expect(mibPerSecond).toBeLessThan(2 * 1.05);
  });

  it('ends the subscription after 5 minutes of server time: the SDK iterator completes', async () => {
    // ×1000: 5 s CREATING take 5 ms, the 5-minute subscription 300 ms; idle events every 5 ms.
    harness = await start(1000);
    const h = harness;
    const consumerArn = await activeConsumer(h, 'long');
    h.feed.append(SHARD, [8]);
    const startedMs = Date.now();
    const response = await h.client.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: SHARD,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    );
    let records = 0;
    let events = 0;
    for await (const event of response.EventStream!) {
      events++;
      records += event.SubscribeToShardEvent?.Records?.length ?? 0;
    }
    const realMs = Date.now() - startedMs;
    expect(records).toBe(1);
    // 300 s / 5 s = 60 events at most (timers may run late under load, never early).
    expect(events).toBeGreaterThan(1);
    expect(events).toBeLessThanOrEqual(60);
    expect(realMs).toBeGreaterThanOrEqual(290);
  });
});
