/**
 * The same call sequence, through the real SDK v3 client, against kinesalite (in-process, the
 * dev dependency) and against the operations with `limits: 'off'`: the same answers apart from
 * what is meant to differ (sequence numbers, timestamps, iterators, ARNs) and the fields AWS added
 * after kinesalite's time. Errors are compared by type, HTTP status and message.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesis } from '../../../src/serve/kinesis/index.js';
import type { RequestContext, ServeClock } from '../../../src/serve/protocol.js';
import { sdkClient, serveForTest } from './http-adapter.js';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server;

const realClock: ServeClock = {
  timeScale: 1,
  nowMs: () => Date.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
const context: RequestContext = {
  clock: realClock,
  region: 'us-east-1',
  accountId: '000000000000',
  limits: 'off',
};
// Both take 50 ms to create, delete or reshard, so the sequence does not wait long.
const ours = createKinesis({ ...context, transitionMs: 50 });
let theirs: Server;
let close: () => Promise<void>;
let a: KinesisClient;
let b: KinesisClient;

beforeAll(async () => {
  const served = await serveForTest(ours.service, context);
  close = served.close;
  a = sdkClient(served.url);
  theirs = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100 });
  await new Promise<void>((resolve) => theirs.listen(0, '127.0.0.1', () => resolve()));
  b = sdkClient(`http://127.0.0.1:${(theirs.address() as AddressInfo).port}`);
});

afterAll(async () => {
  a.destroy();
  b.destroy();
  ours.service.close?.();
  await close();
  await new Promise((resolve) => theirs.close(resolve));
});

/** A response or error with what is meant to differ taken out. */
function normalise(value: unknown): unknown {
  if (value instanceof Error) {
    const e = value as Error & { $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      // Fields AWS added after kinesalite's time (stream modes and ListStreams' StreamSummaries,
      // EncryptionType in PutRecord output): serve returns them as AWS does, kinesalite lacks them.
      if (['$metadata', 'StreamModeDetails', 'EncryptionType', 'StreamSummaries'].includes(key))
        return undefined;
      if (/SequenceNumber$|ShardIterator$|Timestamp$|ARN$/.test(key)) return typeof v;
      if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
      return v;
    }),
  );
}

type Step = (client: KinesisClient) => Promise<unknown>;

async function both(step: Step): Promise<[unknown, unknown]> {
  const run = (client: KinesisClient) => step(client).then(normalise, normalise);
  return [await run(a), await run(b)];
}

async function active(client: KinesisClient, name: string): Promise<void> {
  for (;;) {
    const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const data = (text: string) => new TextEncoder().encode(text);

describe('serve --limits off and kinesalite answer the same', () => {
  it('creates, describes and lists streams', async () => {
    for (const step of [
      (c: KinesisClient) => c.send(new CreateStreamCommand({ StreamName: 'x', ShardCount: 3 })),
      (c: KinesisClient) => c.send(new CreateStreamCommand({ StreamName: 'x', ShardCount: 3 })),
    ]) {
      const [ours, theirs] = await both(step);
      expect(ours).toEqual(theirs);
    }
    await Promise.all([active(a, 'x'), active(b, 'x')]);
    // (Not DescribeStream's Limit: kinesalite ignores it and returns every shard; serve pages as
    // AWS does, tested in streams.test.ts.)
    for (const step of [
      (c: KinesisClient) => c.send(new DescribeStreamCommand({ StreamName: 'x' })),
      (c: KinesisClient) => c.send(new ListShardsCommand({ StreamName: 'x' })),
      (c: KinesisClient) => c.send(new ListStreamsCommand({})),
      (c: KinesisClient) => c.send(new DescribeStreamCommand({ StreamName: 'missing' })),
    ]) {
      const [ours, theirs] = await both(step);
      expect(ours).toEqual(theirs);
    }
  });

  it('puts and gets records the same way', async () => {
    const steps: Step[] = [
      (c) => c.send(new PutRecordCommand({ StreamName: 'x', Data: data('one'), PartitionKey: 'alpha' })),
      (c) =>
        c.send(
          new PutRecordCommand({
            StreamName: 'x',
            Data: data('two'),
            PartitionKey: 'p',
            ExplicitHashKey: '0',
          }),
        ),
      (c) =>
        c.send(
          new PutRecordsCommand({
            StreamName: 'x',
            Records: ['a', 'b', 'c', 'd', 'e'].map((k) => ({ Data: data(k), PartitionKey: k })),
          }),
        ),
      async (c) => {
        const it = await c.send(
          new GetShardIteratorCommand({
            StreamName: 'x',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        return c.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
      },
      (c) => c.send(new PutRecordCommand({ StreamName: 'missing', Data: data('x'), PartitionKey: 'p' })),
      (c) => c.send(new PutRecordCommand({ StreamName: 'x', Data: data('x'), PartitionKey: '' })),
      (c) => c.send(new GetRecordsCommand({ ShardIterator: 'bogus' })),
      (c) =>
        c.send(
          new GetShardIteratorCommand({
            StreamName: 'x',
            ShardId: 'shardId-000000000007',
            ShardIteratorType: 'LATEST',
          }),
        ),
      (c) =>
        c.send(
          new GetShardIteratorCommand({
            StreamName: 'x',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
    ];
    for (const step of steps) {
      const [ours, theirs] = await both(step);
      expect(ours).toEqual(theirs);
    }
  });

  it('tags, splits and merges the same way', async () => {
    const steps: Step[] = [
      (c) => c.send(new AddTagsToStreamCommand({ StreamName: 'x', Tags: { b: '2', a: '1' } })),
      (c) => c.send(new ListTagsForStreamCommand({ StreamName: 'x' })),
      (c) => c.send(new RemoveTagsFromStreamCommand({ StreamName: 'x', TagKeys: ['a'] })),
      (c) => c.send(new ListTagsForStreamCommand({ StreamName: 'x' })),
      (c) =>
        c.send(
          new MergeShardsCommand({
            StreamName: 'x',
            ShardToMerge: 'shardId-000000000000',
            AdjacentShardToMerge: 'shardId-000000000002',
          }),
        ),
      (c) =>
        c.send(
          new SplitShardCommand({
            StreamName: 'x',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: '0',
          }),
        ),
    ];
    for (const step of steps) {
      const [ours, theirs] = await both(step);
      expect(ours).toEqual(theirs);
    }
  });
});
