/**
 * Enhanced fan-out cross-checked with an independent implementation: kinesis-local (kinesis-mock,
 * Scala.js; a dev dependency) in a child process on 127.0.0.1, and serve (`--limits off`, in
 * process). The same real-SDK call sequence against both (HTTP/1.1: kinesis-local's SubscribeToShard
 * speaks it): CreateStream of 2 shards, RegisterStreamConsumer, PutRecords of known keys and data,
 * SubscribeToShard on each shard from TRIM_HORIZON until every record is seen, the consumer
 * operations, the errors for a duplicate consumer and an unknown shard, and UpdateShardCount 2→4→2.
 * Answers are compared with sequence numbers, timestamps and ARNs left out.
 */

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  type Shard,
  SubscribeToShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import { type KinesisLocal, startKinesisLocal } from '../../helpers/kinesis-local.js';

const _here = dirname(fileURLToPath(import.meta.url));
const _KINESIS_LOCAL = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));

let local: KinesisLocal | undefined;
let serve: RunningServer;
const clients: Record<'serve' | 'kinesis-local', KinesisClient> = {} as never;

function client(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ requestTimeout: 20_000 }),
  });
}

beforeAll(async () => {
  // It takes a few seconds to start; the helper waits until it answers.
  local = await startKinesisLocal({ transition: '100ms', startTimeoutMs: 30_000 });
  clients['kinesis-local'] = client(local.endpoint);
  // Server time 100× real time: serve's stream, consumer and reshard delays pass in a few ms.
  const clock = createClock(100);
  const services = createServices({
    clock,
    limits: 'off',
    dataDir: undefined,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  serve = await startServer({ services, port: 0, limits: 'off', clock });
  clients.serve = client(serve.endpoint);
}, 40_000);

afterAll(async () => {
  for (const c of Object.values(clients)) c.destroy();
  await serve?.close();
  await local?.stop();
});

const STREAM = 'xcheck';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await fn();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (e: { name?: string }) => e.name ?? String(e),
  );
}

/** A shard without what differs between implementations (its sequence number range). */
function lineage(shards: Shard[] | undefined) {
  return (shards ?? []).map((s) => ({
    ShardId: s.ShardId,
    ParentShardId: s.ParentShardId,
    AdjacentParentShardId: s.AdjacentParentShardId,
    HashKeyRange: s.HashKeyRange,
    open: s.SequenceNumberRange?.EndingSequenceNumber === undefined,
  }));
}

const KEYS = Array.from({ length: 24 }, (_, i) => `key-${i}`);
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** The call sequence, its answers normalised (no sequence numbers, timestamps or ARNs). */
async function sequence(kinesis: KinesisClient) {
  const out: Record<string, unknown> = {};
  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
  const summary = await until(
    () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: STREAM })),
    (s) => s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    'the stream',
  );
  const streamArn = summary.StreamDescriptionSummary!.StreamARN!;
  const registered = await kinesis.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' }),
  );
  out.registered = { name: registered.Consumer?.ConsumerName, status: registered.Consumer?.ConsumerStatus };
  const consumerArn = registered.Consumer!.ConsumerARN!;
  await until(
    () => kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })),
    (d) => d.ConsumerDescription?.ConsumerStatus === 'ACTIVE',
    'the consumer',
  );
  out.duplicateConsumer = await errorName(
    kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app' })),
  );

  const put = await kinesis.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: KEYS.map((key, i) => ({ PartitionKey: key, Data: new TextEncoder().encode(`data-${i}`) })),
    }),
  );
  out.failed = put.FailedRecordCount;
  // Which shard each key landed on (MD5 of the key against the even hash ranges).
  out.placement = Object.fromEntries(KEYS.map((key, i) => [key, put.Records?.[i]?.ShardId]));
  out.shards = lineage((await kinesis.send(new ListShardsCommand({ StreamName: STREAM }))).Shards);

  // Each shard from TRIM_HORIZON over SubscribeToShard, until its records are all seen: in order.
  const received: Record<string, { key: string; data: string }[]> = {};
  for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
    const expected = Object.values(out.placement as Record<string, string>).filter(
      (s) => s === shardId,
    ).length;
    const abort = new AbortController();
    const subscription = await kinesis.send(
      new SubscribeToShardCommand({
        ConsumerARN: consumerArn,
        ShardId: shardId,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
      { abortSignal: abort.signal },
    );
    const records: { key: string; data: string }[] = [];
    const timeout = setTimeout(() => abort.abort(), 20_000);
    try {
      for await (const event of subscription.EventStream!) {
        for (const r of event.SubscribeToShardEvent?.Records ?? []) {
          records.push({ key: r.PartitionKey!, data: text(r.Data) });
        }
        if (records.length >= expected) break;
      }
    } finally {
      clearTimeout(timeout);
      abort.abort();
    }
    received[shardId] = records;
  }
  out.received = received;
  out.unknownShard = await errorName(
    (async () => {
      const s = await kinesis.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: 'shardId-000000000099',
          StartingPosition: { Type: 'TRIM_HORIZON' },
        }),
      );
      for await (const _ of s.EventStream!) break;
    })(),
  );

  const listed = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
  out.listed = listed.Consumers?.map((c) => ({ name: c.ConsumerName, status: c.ConsumerStatus }));
  const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
  out.described = {
    name: described.ConsumerDescription?.ConsumerName,
    status: described.ConsumerDescription?.ConsumerStatus,
    streamArnMatches: described.ConsumerDescription?.StreamARN === streamArn,
  };
  await kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
  const gone = await until(
    () => kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn })),
    (l) => (l.Consumers ?? []).length === 0,
    'the consumer to go',
  );
  out.afterDeregister = gone.Consumers?.length;

  // UpdateShardCount 2 → 4 → 2: the lineage (parents, hash ranges, open or closed) of every shard.
  for (const target of [4, 2]) {
    await kinesis.send(
      new UpdateShardCountCommand({
        StreamName: STREAM,
        TargetShardCount: target,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await sleep(150);
    await until(
      () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: STREAM })),
      (s) => s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
      `the reshard to ${target}`,
    );
    out[`shardsAt${target}`] = lineage(
      (await kinesis.send(new ListShardsCommand({ StreamName: STREAM }))).Shards,
    );
  }
  return out;
}

describe('serve --limits off and kinesis-local answer the same sequence alike', () => {
  let answers: Record<'serve' | 'kinesis-local', Record<string, unknown>>;
  beforeAll(async () => {
    answers = {
      serve: await sequence(clients.serve),
      'kinesis-local': await sequence(clients['kinesis-local']),
    };
  }, 60_000);

  it('places every key on the same shard, and every record reaches the subscriber in order', () => {
    const [ours, theirs] = [answers.serve, answers['kinesis-local']];
    expect(ours.failed).toBe(0);
    expect(ours.placement).toEqual(theirs.placement);
    expect(ours.received).toEqual(theirs.received);
    // Each shard's records in the order they were put (keys ascending by their index).
    const received = ours.received as Record<string, { key: string; data: string }[]>;
    for (const records of Object.values(received)) {
      const indexes = records.map((r) => Number(r.key.slice(4)));
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
      for (const r of records) expect(r.data).toBe(`data-${r.key.slice(4)}`);
    }
    expect(Object.values(received).flat()).toHaveLength(KEYS.length);
  });

  it('has the same shards, consumers and statuses', () => {
    const [ours, theirs] = [answers.serve, answers['kinesis-local']];
    for (const key of ['registered', 'listed', 'described', 'afterDeregister']) {
      expect({ [key]: ours[key] }).toEqual({ [key]: theirs[key] });
    }
    expect(ours.registered).toEqual({ name: 'app', status: 'CREATING' });
    expect(withoutRanges(ours.shards)).toEqual(withoutRanges(theirs.shards));
  });

  it("splits the hash key space as AWS does; kinesis-local's boundaries are one lower (its error)", () => {
    // AWS's own `aws kinesis describe-stream` example (3 shards) has shard 0 end at
    // 113427455640312821154458202477256070484 = ⌊2^128 / 3⌋ − 1 and shard 1 start at ⌊2^128 / 3⌋:
    // shard i starts at i × ⌊2^128 / n⌋. For 2 shards, ⌊2^128 / 2⌋ = 2^127 =
    // 170141183460469231731687303715884105728, so shard 0 ends at …727 and shard 1 starts at …728.
    expect(awsEven(3).map((r) => r.EndingHashKey)).toEqual([
      '113427455640312821154458202477256070484',
      '226854911280625642308916404954512140969',
      '340282366920938463463374607431768211455',
    ]);
    const [ours, theirs] = [answers.serve, answers['kinesis-local']];
    expect(rangesOf(ours.shards)).toEqual(awsEven(2));
    // kinesis-local steps by ⌊(2^128 − 1) / n⌋ = 2^127 − 1: every inner boundary one lower.
    expect(rangesOf(theirs.shards)).toEqual(
      awsEven(2).map((r, i) => ({
        StartingHashKey: i === 0 ? '0' : String(BigInt(r.StartingHashKey) - 1n),
        EndingHashKey: i === 1 ? r.EndingHashKey : String(BigInt(r.EndingHashKey) - 1n),
      })),
    );
  });

  it('refuses a duplicate consumer name and a subscription to an unknown shard as AWS does', () => {
    const [ours, theirs] = [answers.serve, answers['kinesis-local']];
    expect(ours.duplicateConsumer).toBe('ResourceInUseException');
    expect(ours.duplicateConsumer).toBe(theirs.duplicateConsumer);
    // API-K SubscribeToShard: ResourceNotFoundException for a shard that does not exist. kinesis-local
    // answers 200 and an event stream that ends without an event (its error).
    expect(ours.unknownShard).toBe('ResourceNotFoundException');
    expect(theirs.unknownShard).toBe('no error');
  });

  it('reshards 2 → 4 → 2 into the same lineage, the open shards on AWS even ranges', () => {
    const [ours, theirs] = [answers.serve, answers['kinesis-local']];
    expect(withoutRanges(ours.shardsAt4)).toEqual(withoutRanges(theirs.shardsAt4));
    expect(withoutRanges(ours.shardsAt2)).toEqual(withoutRanges(theirs.shardsAt2));
    expect(openRanges(ours.shardsAt4)).toEqual(awsEven(4));
    expect(openRanges(ours.shardsAt2)).toEqual(awsEven(2));
  });
});

type Lineage = ReturnType<typeof lineage>;

/** AWS's even split of the 128-bit hash key space over n shards (see the test above). */
function awsEven(n: number): { StartingHashKey: string; EndingHashKey: string }[] {
  const step = 2n ** 128n / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    StartingHashKey: String(BigInt(i) * step),
    EndingHashKey: String(i === n - 1 ? 2n ** 128n - 1n : BigInt(i + 1) * step - 1n),
  }));
}

function withoutRanges(shards: unknown) {
  return (shards as Lineage).map(({ HashKeyRange: _, ...rest }) => rest);
}

function rangesOf(shards: unknown) {
  return (shards as Lineage).map((s) => ({ ...s.HashKeyRange }));
}

function openRanges(shards: unknown) {
  return rangesOf((shards as Lineage).filter((s) => s.open));
}
