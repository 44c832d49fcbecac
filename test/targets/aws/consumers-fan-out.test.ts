/**
 * Enhanced fan-out applications (`startConsumers`) against serve in process, with the real SDK
 * over HTTP/2: a subscription per shard reads everything, a subscription that ends (serve's 5
 * minutes, at a time scale that makes them 5 s) is taken up again from its continuation with
 * nothing lost, and KPL aggregates are unpacked into their user records.
 */
import { PutRecordsCommand, SubscribeToShardCommand } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAggregatedRecord, KPL_AGGREGATE_PARTITION_KEY } from '../../../src/aws/aggregation.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { startConsumers } from '../../../src/targets/aws/consumers/index.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  recordData,
  registerConsumer,
  scenarioWith,
  sleepMs,
  startServe,
  until,
  writeRecords,
} from './consumers-harness.js';

let serve: RunningServer | undefined;
let clients: AwsClients | undefined;

afterEach(async () => {
  if (clients) destroyClients(clients);
  await serve?.close();
  serve = undefined;
  clients = undefined;
});

/** serve at `timeScale`, a stream, and enhanced fan-out applications (names, or fields of the scenario's consumer). */
async function setUp(
  timeScale: number,
  stream: string,
  shards: number,
  apps: (string | { name: string; processingRate?: string })[],
) {
  serve = await startServe({ limits: 'aws', timeScale });
  clients = makeClients(serve.endpoint);
  const streamArn = await createStream(clients.kinesis, stream, shards);
  const consumers = apps.map((app) => ({
    ...(typeof app === 'string' ? { name: app } : app),
    type: 'enhanced-fan-out',
  }));
  const consumerArns = new Map<string, string>();
  for (const { name } of consumers)
    consumerArns.set(name, await registerConsumer(clients.kinesis, streamArn, name));
  return makeRun({
    clients,
    streamName: stream,
    streamArn,
    consumerArns,
    scenario: scenarioWith({ shards, consumers }),
  });
}

describe('enhanced fan-out consumers', () => {
  it('read every record once through one subscription per shard', async () => {
    // ×10: the consumer's 5 s of CREATING pass in 0.5 s.
    const run = await setUp(10, 'efo-once', 2, ['fan']);
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    const acknowledged = await writeRecords(run, { count: 300, perSecond: 150 });
    await until(() => run.ledger.outstanding('fan') === 0, 15_000, 'every record read');
    stop.abort();
    await reading;
    expect(acknowledged).toBe(300);
    expect(run.ledger.counts()).toEqual({
      fan: { delivered: 300, missing: 0, duplicates: 0, outOfOrder: 0 },
    });
    // Two shards, one subscription each, answered 200 and still open when the run stopped: 2 ok
    // requests (ended by us, but a request made and answered all the same); no error of any kind.
    const metrics = run.stats.metrics();
    expect(Object.keys(metrics).filter((k) => k.startsWith('errors.'))).toEqual([]);
    expect(metrics['requests.SubscribeToShard.ok']).toBe(2);
    expect(run.recorder.e2eLatency.encode().count).toBe(300);
    expect(run.recorder.delivered.get('fan')!.reduce((a, b) => a + b, 0)).toBe(300);
  }, 60_000);

  it('resubscribes from the continuation when serve ends a subscription after 5 minutes: nothing lost, nothing read twice', async () => {
    // ×60: a subscription's 5 minutes are 5 s. Records written for 8 s cross the first end.
    const run = await setUp(60, 'efo-resub', 1, ['fan']);
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    const acknowledged = await writeRecords(run, { count: 400, perSecond: 50 });
    await until(() => run.ledger.outstanding('fan') === 0, 15_000, 'every record read');
    stop.abort();
    await reading;
    expect(acknowledged).toBe(400);
    // Resubscribing AFTER_SEQUENCE_NUMBER of the last event's ContinuationSequenceNumber re-reads
    // nothing: 0 duplicates is the expected count, not a tolerance.
    expect(run.ledger.counts()).toEqual({
      fan: { delivered: 400, missing: 0, duplicates: 0, outOfOrder: 0 },
    });
    // By hand: subscribed at t ≈ 0.1 s, ended by serve at 5 minutes of server time (5 s at ×60),
    // resubscribed, and stopped by the test at t ≈ 8 s (answered, so counted too): two ok.
    expect(run.stats.metrics()['requests.SubscribeToShard.ok']).toBe(2);
  }, 60_000);

  it('a resubscription from the start after a lost continuation counts every record again as a duplicate', async () => {
    const run = await setUp(10, 'efo-twice', 1, ['fan']);
    const first = new AbortController();
    const reading = startConsumers(run, first.signal);
    await writeRecords(run, { count: 60, perSecond: 100 });
    await until(() => run.ledger.outstanding('fan') === 0, 15_000, 'every record read');
    first.abort();
    await reading;
    // A reader that lost its continuation starts again from TRIM_HORIZON.
    const second = new AbortController();
    const rereading = startConsumers(run, second.signal);
    await until(() => run.ledger.counts().fan!.duplicates === 60, 15_000, 'the re-read');
    second.abort();
    await rereading;
    expect(run.ledger.counts()).toEqual({
      fan: { delivered: 60, missing: 0, duplicates: 60, outOfOrder: 0 },
    });
  }, 60_000);

  it('waits and retries a subscription refused with ResourceInUseException (another one started under 5 s ago)', async () => {
    // ×2: serve's 5 s rule is 2.5 s of real time.
    const run = await setUp(2, 'efo-in-use', 1, ['fan']);
    const shardId = run.shards.all()[0]!.shardId;
    const other = new AbortController();
    // Someone else's subscription for the same consumer and shard, just started.
    const theirs = await clients!.kinesisStreaming.send(
      new SubscribeToShardCommand({
        ConsumerARN: run.resources.consumerArns.get('fan'),
        ShardId: shardId,
        StartingPosition: { Type: 'LATEST' },
      }),
      { abortSignal: other.signal },
    );
    const theirsEnded = (async () => {
      try {
        for await (const _ of theirs.EventStream!) {
          // Read until it is taken over.
        }
        return 'ended';
      } catch (error) {
        return (error as Error).name;
      }
    })();
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    await writeRecords(run, { count: 100, perSecond: 50 });
    await until(() => run.ledger.outstanding('fan') === 0, 20_000, 'every record read');
    other.abort();
    // Ours took the shard over once 5 s had passed: theirs ended with the takeover.
    expect(await theirsEnded).toBe('ResourceInUseException');
    const refused = run.stats.metrics();
    // Every refusal was a SubscribeToShard answered 400 ResourceInUseException.
    expect(refused['errors.ResourceInUseException']).toBeGreaterThanOrEqual(1);
    expect(refused['requests.SubscribeToShard.error']).toBe(refused['errors.ResourceInUseException']);
    expect(refused['http.status.400']).toBe(refused['errors.ResourceInUseException']);
    // Now someone takes ours over, 2.5 s (serve's 5 s at ×2) after ours started: ours fails in the
    // middle of its events, a call that had been answered 200: counted as an error with status 200.
    await sleepMs(2600);
    const takeover = new AbortController();
    await clients!.kinesisStreaming.send(
      new SubscribeToShardCommand({
        ConsumerARN: run.resources.consumerArns.get('fan'),
        ShardId: shardId,
        StartingPosition: { Type: 'LATEST' },
      }),
      { abortSignal: takeover.signal },
    );
    await until(
      () =>
        run.stats.metrics()['errors.ResourceInUseException'] ===
        refused['errors.ResourceInUseException']! + 1,
      5_000,
      'ours taken over',
    );
    takeover.abort();
    stop.abort();
    await reading;
    const metrics = run.stats.metrics();
    // Every 200: the listings, the subscriptions serve ended, and ours that failed mid-stream.
    expect(metrics['http.status.200']).toBe(
      (metrics['requests.ListShards.ok'] ?? 0) + (metrics['requests.SubscribeToShard.ok'] ?? 0) + 1,
    );
    expect(run.ledger.counts()).toEqual({
      fan: { delivered: 100, missing: 0, duplicates: 0, outOfOrder: 0 },
    });
  }, 60_000);

  it('an application slower than its shard falls behind: 200 pushed, 100 processed a second → 2 s behind after 4 s', async () => {
    // ×1: the lag compares arrival times (server time) with the run's clock. The consumer's
    // CREATING takes its real 5 s.
    const run = await setUp(1, 'efo-slow', 1, [{ name: 'slow', processingRate: '100/s' }]);
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    // By hand, as for polling: at time t, 100·t records processed, which arrived by t/2 (at
    // 200/s): the oldest unprocessed record is t − t/2 = t/2 old, 2 s at t = 4 (second 3).
    await writeRecords(run, { count: 800, perSecond: 200 });
    await run.clock.sleepUntil(4, stop.signal);
    stop.abort();
    await reading;
    const lag = run.recorder.lagSeconds.get('slow')!;
    expect(lag[3]).toBeGreaterThan(2 * 0.7);
    expect(lag[3]).toBeLessThan(2 * 1.3);
    expect(lag[3]).toBeGreaterThan(lag[1]!);
    const delivered = run.recorder.delivered.get('slow')!.reduce((a, b) => a + b, 0);
    expect(delivered).toBeGreaterThan(400 * 0.8);
    expect(delivered).toBeLessThan(400 * 1.1);
  }, 60_000);

  it('unpacks KPL aggregates: each user record is accounted for, by both kinds of reader', async () => {
    serve = await startServe({ limits: 'aws', timeScale: 10 });
    clients = makeClients(serve.endpoint);
    const streamArn = await createStream(clients.kinesis, 'efo-kpl', 1);
    const run = await makeRun({
      clients,
      streamName: 'efo-kpl',
      streamArn,
      consumerArns: new Map([['fan', await registerConsumer(clients.kinesis, streamArn, 'fan')]]),
      scenario: scenarioWith({
        shards: 1,
        consumers: [
          { name: 'fan', type: 'enhanced-fan-out' },
          { name: 'poll', type: 'polling', pollInterval: 0.2 },
        ],
      }),
    });
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    // 5 Kinesis records of 20 user records each: 100 user records, sequences 0 … 99.
    for (let r = 0; r < 5; r++) {
      const users = Array.from({ length: 20 }, (_, i) => ({
        partitionKey: `user-${r}-${i}`,
        data: recordData(run, r * 20 + i, 64),
      }));
      const response = await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: 'efo-kpl',
          Records: [{ PartitionKey: KPL_AGGREGATE_PARTITION_KEY, Data: encodeAggregatedRecord(users) }],
        }),
      );
      expect(response.FailedRecordCount).toBe(0);
      for (let i = 0; i < 20; i++) run.ledger.acknowledged(0, r * 20 + i);
      await sleepMs(50);
    }
    await until(
      () => run.ledger.outstanding('fan') === 0 && run.ledger.outstanding('poll') === 0,
      15_000,
      'every user record read',
    );
    stop.abort();
    await reading;
    const counts = { delivered: 100, missing: 0, duplicates: 0, outOfOrder: 0 };
    expect(run.ledger.counts()).toEqual({ fan: counts, poll: counts });
    expect(run.ledger.foreign).toBe(0);
  }, 60_000);
});
