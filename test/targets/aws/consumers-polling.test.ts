/**
 * Polling consumer applications (`startConsumers`) against serve in process, with the real SDK:
 * every record read once, the 5 GetRecords calls/s per shard shared by all applications, a slow
 * application's growing lag, and a re-read counted as a duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/serve/index.js';
import { startConsumers } from '../../../src/targets/aws/consumers/index.js';
import type { AwsClients, AwsRun } from '../../../src/targets/aws/run.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  scenarioWith,
  serveMetrics,
  sleepMs,
  startServe,
  until,
  writeRecords,
} from './consumers-harness.js';

let serve: RunningServer;
let clients: AwsClients;

beforeAll(async () => {
  serve = await startServe({ limits: 'aws' });
  clients = makeClients(serve.endpoint);
});

afterAll(async () => {
  destroyClients(clients);
  await serve.close();
});

/** Reads with `startConsumers` while `work` runs, until every application has read every acknowledged record. */
async function readWhile(run: AwsRun, work: () => Promise<unknown>, drainMs = 15_000): Promise<void> {
  const stop = new AbortController();
  const consumers = startConsumers(run, stop.signal);
  try {
    await work();
    await until(
      () => run.scenario.consumers.every((c) => run.ledger.outstanding(c.name) === 0),
      drainMs,
      'every record read',
    );
  } finally {
    stop.abort();
    await consumers;
  }
}

describe('polling consumers', () => {
  it('read every record once, in order, with its lag and end-to-end latency', async () => {
    const streamArn = await createStream(clients.kinesis, 'poll-once', 2);
    const run = await makeRun({
      clients,
      streamName: 'poll-once',
      streamArn,
      scenario: scenarioWith({
        shards: 2,
        consumers: [{ name: 'reader', type: 'polling', pollInterval: 0.5 }],
      }),
    });
    // 300 records at 100/s over 100 keys, on 2 shards.
    let acknowledged = 0;
    await readWhile(run, async () => {
      acknowledged = await writeRecords(run, { count: 300, perSecond: 100 });
    });
    expect(acknowledged).toBe(300);
    expect(run.ledger.counts()).toEqual({
      reader: { delivered: 300, missing: 0, duplicates: 0, outOfOrder: 0 },
    });
    expect(run.ledger.foreign).toBe(0);
    // Delivered per second sums to the 300 records.
    expect(run.recorder.delivered.get('reader')!.reduce((a, b) => a + b, 0)).toBe(300);
    // Every record's end-to-end latency, from its scheduled time: above 0, below the run.
    const e2e = run.recorder.e2eLatency.encode();
    expect(e2e.count).toBe(300);
    expect(e2e.minUs).toBeGreaterThan(0);
    expect(e2e.maxUs).toBeLessThan(5e6);
    // A lag was recorded for the seconds it read: a reader polling every 0.5 s is at most about
    // a poll interval behind (plus a call), never more than 2 s.
    const lag = run.recorder.lagSeconds.get('reader')!;
    expect(Math.max(...lag)).toBeGreaterThan(0);
    expect(Math.max(...lag)).toBeLessThan(2);
    const metrics = run.stats.metrics();
    expect(metrics['requests.GetShardIterator.ok']).toBe(2);
    expect(metrics['requests.GetRecords.ok']).toBeGreaterThan(2);
    expect(metrics['requests.GetRecords.throttled']).toBeUndefined();
  }, 60_000);

  it('six applications (one of 6 instances) on one shard share its 5 GetRecords calls/s: serve throttles none', async () => {
    const streamArn = await createStream(clients.kinesis, 'poll-six', 1);
    // Six applications polling every 0.2 s ask 6 × 5 = 30 calls/s of a shard that takes 5. The
    // first has 6 instances: one lease for the one shard, so one of them reads it (KCL's rule),
    // and it asks no more than the others.
    const consumers = Array.from({ length: 6 }, (_, i) => ({
      name: `app${i}`,
      type: 'polling',
      pollInterval: 0.2,
      instances: i === 0 ? 6 : 1,
    }));
    const run = await makeRun({
      clients,
      streamName: 'poll-six',
      streamArn,
      scenario: scenarioWith({ shards: 1, consumers }),
    });
    const started = Date.now();
    await readWhile(run, async () => {
      await writeRecords(run, { count: 200, perSecond: 100 });
      await sleepMs(1000);
    });
    const seconds = (Date.now() - started) / 1000;
    const shard = (await serveMetrics(serve.endpoint)).services.Kinesis_20131202.streams.find(
      (s) => s.streamName === 'poll-six',
    )!.shards[0]!;
    // The pacer spaces calls 0.225 s apart (1/5 s + 25 ms): at most 1 + seconds / 0.225 calls.
    expect(shard.getRecordsThrottled).toBe(0);
    expect(shard.getRecordsCalls).toBeLessThanOrEqual(1 + seconds / 0.225);
    expect(shard.getRecordsCalls).toBeGreaterThan(seconds * 3);
    for (const c of consumers) {
      expect(run.ledger.counts()[c.name]).toEqual({
        delivered: 200,
        missing: 0,
        duplicates: 0,
        outOfOrder: 0,
      });
    }
    expect(run.stats.metrics()['requests.GetRecords.throttled']).toBeUndefined();
  }, 60_000);

  it('an application slower than its shard falls behind: 200 written, 100 processed a second → 2 s behind after 4 s', async () => {
    const streamArn = await createStream(clients.kinesis, 'poll-slow', 1);
    const run = await makeRun({
      clients,
      streamName: 'poll-slow',
      streamArn,
      scenario: scenarioWith({
        shards: 1,
        consumers: [{ name: 'slow', type: 'polling', pollInterval: 0.2, processingRate: '100/s' }],
      }),
    });
    const stop = new AbortController();
    const consumers = startConsumers(run, stop.signal);
    // 800 records at 200/s for 4 s. By hand: at time t the reader has processed 100·t records,
    // which arrived by t/2 (at 200/s), so the oldest record not processed arrived at t/2 and its
    // age is t − t/2 = t/2: 2 s at t = 4 (second 3's largest lag).
    await writeRecords(run, { count: 800, perSecond: 200 });
    await run.clock.sleepUntil(4, stop.signal);
    stop.abort();
    await consumers;
    const lag = run.recorder.lagSeconds.get('slow')!;
    expect(lag[3]).toBeGreaterThan(2 * 0.7);
    expect(lag[3]).toBeLessThan(2 * 1.3);
    // Growing: each second's lag above the previous one's (t/2: 0.5, 1, 1.5, 2).
    expect(lag[1]).toBeGreaterThan(lag[0]!);
    expect(lag[2]).toBeGreaterThan(lag[1]!);
    expect(lag[3]).toBeGreaterThan(lag[2]!);
    // About 100 processed a second: ~400 by t = 4 (the first fetch at t ≈ 0 found nothing).
    const delivered = run.recorder.delivered.get('slow')!.reduce((a, b) => a + b, 0);
    expect(delivered).toBeGreaterThan(400 * 0.8);
    expect(delivered).toBeLessThan(400 * 1.1);
  }, 60_000);

  it('counts a second read of the same records as duplicates', async () => {
    const streamArn = await createStream(clients.kinesis, 'poll-twice', 1);
    const run = await makeRun({
      clients,
      streamName: 'poll-twice',
      streamArn,
      scenario: scenarioWith({
        shards: 1,
        consumers: [{ name: 'reader', type: 'polling', pollInterval: 0.2 }],
      }),
    });
    await readWhile(run, () => writeRecords(run, { count: 50, perSecond: 100 }));
    // A second reader from TRIM_HORIZON, as after a lost checkpoint: all 50 again.
    const again = new AbortController();
    const reread = startConsumers(run, again.signal);
    await until(() => run.ledger.counts().reader!.duplicates === 50, 10_000, 'the re-read');
    again.abort();
    await reread;
    expect(run.ledger.counts()).toEqual({
      reader: { delivered: 50, missing: 0, duplicates: 50, outOfOrder: 0 },
    });
  }, 60_000);
});
