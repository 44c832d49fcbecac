/**
 * Consumers when things go wrong or stop: reads under serve's injected faults (throttles, 5xx,
 * connection resets) lose nothing and count each failure; an existing stream is read from the
 * run's start only; stopping the run ends every reader at once and closes its subscriptions.
 */
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
  // ×10: the consumers' 5 s of CREATING pass in 0.5 s.
  serve = await startServe({ limits: 'aws', timeScale: 10 });
  // One attempt per call: every injected fault reaches the readers, which retry themselves.
  clients = makeClients(serve.endpoint, { maxAttempts: 1 });
});

afterAll(async () => {
  destroyClients(clients);
  await serve.close();
});

async function setFaults(spec: string): Promise<void> {
  const response = await fetch(`${serve.endpoint}/_shardcast/faults`, { method: 'PUT', body: spec });
  expect(response.status).toBe(200);
}

describe('consumers under faults, on an existing stream, and stopped', () => {
  it("read everything under 'throttle=10%,error5xx=2%,reset=1%' on their calls, counting each failure", async () => {
    const streamArn = await createStream(clients.kinesis, 'faulty', 2);
    const run = await makeRun({
      clients,
      streamName: 'faulty',
      streamArn,
      consumerArns: new Map([['fan', await registerConsumer(clients.kinesis, streamArn, 'fan')]]),
      scenario: scenarioWith({
        shards: 2,
        consumers: [
          { name: 'poll', type: 'polling', pollInterval: 0.1 },
          { name: 'fan', type: 'enhanced-fan-out' },
        ],
      }),
    });
    // The readers' calls get the faults; the test's own writes do not (a reset PutRecords may
    // have been written, and its resend would be a duplicate this test is not about).
    await setFaults(
      'throttle=10%,error5xx=2%,reset=1%,PutRecords:throttle=0%,PutRecords:error5xx=0%,PutRecords:reset=0%',
    );
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    try {
      expect(await writeRecords(run, { count: 600, perSecond: 200 })).toBe(600);
      await until(
        () => run.ledger.outstanding('poll') === 0 && run.ledger.outstanding('fan') === 0,
        30_000,
        'every record read',
      );
    } finally {
      stop.abort();
      await reading;
      await setFaults('');
    }
    // A failed GetRecords is retried with the same iterator and a failed subscription resumes
    // from its continuation: nothing is lost and nothing is read twice.
    const counts = { delivered: 600, missing: 0, duplicates: 0, outOfOrder: 0 };
    expect(run.ledger.counts()).toEqual({ poll: counts, fan: counts });
    const metrics = run.stats.metrics();
    // Polling every 0.1 s on 2 shards for ~3 s asks ~60 GetRecords; 10% throttled, 3% failed: a
    // few of each, counted by outcome, with the error names and statuses.
    expect(metrics['requests.GetRecords.throttled']).toBeGreaterThan(0);
    expect(metrics['errors.ProvisionedThroughputExceededException']).toBeGreaterThanOrEqual(
      metrics['requests.GetRecords.throttled']!,
    );
    expect(metrics['http.status.400']).toBeGreaterThan(0);
    const failed = Object.entries(metrics)
      .filter(([name]) => /^requests\.\w+\.(error|throttled)$/.test(name))
      .reduce((total, [, n]) => total + n, 0);
    expect(failed).toBeGreaterThan(0);
  }, 60_000);

  it('on an existing stream, read from the run start only (AT_TIMESTAMP): older records are not theirs', async () => {
    // Server time at ×1: AT_TIMESTAMP compares the run's start (real time) with arrival times.
    // The consumer's CREATING takes its real 5 s.
    const real = await startServe({ limits: 'aws' });
    const own = makeClients(real.endpoint);
    try {
      const streamArn = await createStream(own.kinesis, 'existing', 1);
      const fanArn = await registerConsumer(own.kinesis, streamArn, 'fan');
      const before = await makeRun({
        clients: own,
        streamName: 'existing',
        streamArn,
        scenario: scenarioWith({ shards: 1 }),
        runId: 'earlier-run',
      });
      // Someone's 50 records, an earlier run's: written before this run starts.
      await writeRecords(before, { count: 50, perSecond: 500 });
      await sleepMs(200);
      const run = await makeRun({
        clients: own,
        streamName: 'existing',
        streamArn,
        existing: true,
        consumerArns: new Map([['fan', fanArn]]),
        scenario: scenarioWith({
          shards: 1,
          consumers: [
            { name: 'poll', type: 'polling', pollInterval: 0.2 },
            { name: 'fan', type: 'enhanced-fan-out' },
          ],
        }),
      });
      const stop = new AbortController();
      const reading = startConsumers(run, stop.signal);
      await writeRecords(run, { count: 40, perSecond: 200 });
      await until(
        () => run.ledger.outstanding('poll') === 0 && run.ledger.outstanding('fan') === 0,
        15_000,
        'every record read',
      );
      await sleepMs(500);
      stop.abort();
      await reading;
      const counts = { delivered: 40, missing: 0, duplicates: 0, outOfOrder: 0 };
      expect(run.ledger.counts()).toEqual({ poll: counts, fan: counts });
      // None of the 50 earlier records was read (they would count as foreign: another run's tag).
      expect(run.ledger.foreign).toBe(0);
    } finally {
      destroyClients(own);
      await real.close();
    }
  }, 60_000);

  it('stop at once when the run stops: nothing rejects, every subscription closed', async () => {
    const streamArn = await createStream(clients.kinesis, 'stopping', 4);
    const run = await makeRun({
      clients,
      streamName: 'stopping',
      streamArn,
      consumerArns: new Map([['fan', await registerConsumer(clients.kinesis, streamArn, 'fan')]]),
      scenario: scenarioWith({
        shards: 4,
        consumers: [
          { name: 'poll', type: 'polling', instances: 2, processingRate: '10/s' },
          { name: 'fan', type: 'enhanced-fan-out', processingRate: '10/s' },
        ],
      }),
    });
    const stop = new AbortController();
    const reading = startConsumers(run, stop.signal);
    // Slow readers with records waiting: both are in the middle of processing when stopped.
    await writeRecords(run, { count: 200, perSecond: 400 });
    await sleepMs(1000);
    const stoppedAt = Date.now();
    stop.abort();
    await expect(reading).resolves.toBeUndefined();
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    // Partly read: fewer than 200 each, at 10/s per instance.
    expect(run.ledger.counts().poll!.delivered).toBeLessThan(200);
    expect(run.ledger.counts().fan!.delivered).toBeLessThan(200);
    // serve sees no subscription left open for the consumer.
    await sleepMs(200);
    const metrics = (await (await fetch(`${serve.endpoint}/_shardcast/metrics`)).json()) as {
      services: {
        Kinesis_20131202: {
          enhancedFanOut: {
            consumers: { consumerArn: string; shards: { shardId: string; subscribed: boolean }[] }[];
          };
        };
      };
    };
    const fan = metrics.services.Kinesis_20131202.enhancedFanOut.consumers.find(
      (c) => c.consumerArn === run.resources.consumerArns.get('fan'),
    )!;
    expect(fan.shards).toHaveLength(4);
    expect(fan.shards.filter((s) => s.subscribed)).toEqual([]);
  }, 60_000);
});
