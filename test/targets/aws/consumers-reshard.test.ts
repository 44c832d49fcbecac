/**
 * A reshard in the middle of reading (UpdateShardCount 2 → 4 through serve at ×60: two splits of
 * 30 s each are 60 s of server time, ACTIVE again 1 s later): both kinds of consumer application follow the parents to their children,
 * read nothing twice, miss nothing, and keep every partition key's records in order across the
 * reshard (parents read to their end before their children).
 */
import { UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/serve/index.js';
import { startConsumers } from '../../../src/targets/aws/consumers/index.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  registerConsumer,
  scenarioWith,
  sleepMs,
  startServe,
  until,
  writeRecords,
} from './consumers-harness.js';

let serve: RunningServer;
let clients: AwsClients;

beforeAll(async () => {
  serve = await startServe({ limits: 'aws', timeScale: 60 });
  clients = makeClients(serve.endpoint);
});

afterAll(async () => {
  destroyClients(clients);
  await serve.close();
});

describe('consumers across a reshard', () => {
  it('follow 2 → 4 shards to the children with nothing missing and every key in order', async () => {
    const streamArn = await createStream(clients.kinesis, 'reshard', 2);
    const run = await makeRun({
      clients,
      streamName: 'reshard',
      streamArn,
      consumerArns: new Map([['fan', await registerConsumer(clients.kinesis, streamArn, 'fan')]]),
      scenario: scenarioWith({
        shards: 2,
        consumers: [
          { name: 'poll', type: 'polling', pollInterval: 0.2 },
          { name: 'fan', type: 'enhanced-fan-out' },
        ],
      }),
    });
    // Which shards each application read records from, and per partition key (sequence mod 100,
    // as writeRecords keys them) whether the sequences came in ascending order.
    const shardsRead: Record<string, Set<string>> = { poll: new Set(), fan: new Set() };
    const lastPerKey: Record<string, Map<number, number>> = { poll: new Map(), fan: new Map() };
    let keyOrderBroken = 0;
    const read = run.ledger.read.bind(run.ledger);
    run.ledger.read = (app, header, shardId, sequenceNumber) => {
      const verdict = read(app, header, shardId, sequenceNumber);
      if (verdict === 'first' && header !== undefined) {
        shardsRead[app]!.add(shardId);
        const key = header.sequence % 100;
        if ((lastPerKey[app]!.get(key) ?? -1) > header.sequence) keyOrderBroken += 1;
        lastPerKey[app]!.set(key, header.sequence);
      }
      return verdict;
    };

    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    // 600 records at 200/s for 3 s; the reshard 0.5 s in, over at 1.5 s.
    const writing = writeRecords(run, { count: 600, perSecond: 200 });
    await sleepMs(500);
    await clients.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: 'reshard',
        TargetShardCount: 4,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    expect(await writing).toBe(600);
    await until(
      () => run.ledger.outstanding('poll') === 0 && run.ledger.outstanding('fan') === 0,
      20_000,
      'every record read by both',
    );
    stop.abort();
    await reading;

    const counts = { delivered: 600, missing: 0, duplicates: 0, outOfOrder: 0 };
    expect(run.ledger.counts()).toEqual({ poll: counts, fan: counts });
    expect(keyOrderBroken).toBe(0);
    // 2 parents + 4 children, all known to the run's shard directory; 4 open.
    expect(run.shards.all()).toHaveLength(6);
    expect(run.shards.openCount).toBe(4);
    // Each application read records from the parents and from all four children.
    for (const app of ['poll', 'fan']) expect(shardsRead[app]!.size).toBe(6);
    // The polling application asked one iterator per shard it read: 6.
    expect(run.stats.metrics()['requests.GetShardIterator.ok']).toBe(6);
  }, 60_000);
});
