/**
 * The consumers against Kinesis implementations that are not ours, so their calls are not tuned
 * to serve: polling against kinesalite (in process; it has no UpdateShardCount, so the reshard is a
 * SplitShard, and its GetRecords names no ChildShards: the children come from a listing), and
 * enhanced fan-out against kinesis-local (a child process; SubscribeToShard over HTTP/1.1, as it
 * serves it; it names no ChildShards either and keeps sending empty events on a closed shard, so
 * the reader learns the end from a listing), each reading every record once, across a reshard.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { SplitShardCommand, UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { startConsumers } from '../../../src/targets/aws/consumers/index.js';
import { startKinesisLocal } from '../../helpers/kinesis-local.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  registerConsumer,
  scenarioWith,
  sleepMs,
  until,
  writeRecords,
} from './consumers-harness.js';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server;

describe('consumers against independent implementations', () => {
  it('polling against kinesalite: every record once, across a SplitShard', async () => {
    const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const clients = makeClients(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const streamArn = await createStream(clients.kinesis, 'lite', 2);
      const run = await makeRun({
        clients,
        streamName: 'lite',
        streamArn,
        scenario: scenarioWith({
          shards: 2,
          consumers: [{ name: 'poll', type: 'polling', pollInterval: 0.2 }],
        }),
      });
      const first = run.shards.all()[0]!;
      const stop = new AbortController();
      const reading = startConsumers(run, stop.signal);
      const writing = writeRecords(run, { count: 400, perSecond: 200 });
      await sleepMs(700);
      // Split the first shard at the middle of its hash range.
      const middle = (first.range.startingHashKey + first.range.endingHashKey + 1n) / 2n;
      await clients.kinesis.send(
        new SplitShardCommand({
          StreamName: 'lite',
          ShardToSplit: first.shardId,
          NewStartingHashKey: String(middle),
        }),
      );
      expect(await writing).toBe(400);
      await until(() => run.ledger.outstanding('poll') === 0, 20_000, 'every record read');
      stop.abort();
      await reading;
      expect(run.ledger.counts()).toEqual({
        poll: { delivered: 400, missing: 0, duplicates: 0, outOfOrder: 0 },
      });
      // 2 shards, then the split's 2 children: 4 known, 3 open, 4 iterators asked.
      expect(run.shards.all()).toHaveLength(4);
      expect(run.shards.openCount).toBe(3);
      expect(run.stats.metrics()['requests.GetShardIterator.ok']).toBe(4);
    } finally {
      destroyClients(clients);
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('enhanced fan-out against kinesis-local: every record once, across UpdateShardCount 2 → 4', async () => {
    const local = await startKinesisLocal();
    const clients = makeClients(local.endpoint, { streamingHttp1: true });
    try {
      const streamArn = await createStream(clients.kinesis, 'mock', 2);
      const run = await makeRun({
        clients,
        streamName: 'mock',
        streamArn,
        consumerArns: new Map([['fan', await registerConsumer(clients.kinesis, streamArn, 'fan')]]),
        scenario: scenarioWith({ shards: 2, consumers: [{ name: 'fan', type: 'enhanced-fan-out' }] }),
      });
      const stop = new AbortController();
      const reading = startConsumers(run, stop.signal);
      const writing = writeRecords(run, { count: 200, perSecond: 50 });
      await sleepMs(1500);
      await clients.kinesis.send(
        new UpdateShardCountCommand({
          StreamName: 'mock',
          TargetShardCount: 4,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      expect(await writing).toBe(200);
      await until(() => run.ledger.outstanding('fan') === 0, 40_000, `every record read (${local.log()})`);
      stop.abort();
      await reading;
      expect(run.ledger.counts()).toEqual({
        fan: { delivered: 200, missing: 0, duplicates: 0, outOfOrder: 0 },
      });
      expect(run.shards.all()).toHaveLength(6);
    } finally {
      destroyClients(clients);
      await local.stop();
    }
  }, 120_000);
});
