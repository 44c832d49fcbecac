/**
 * Review findings on the producers, each worked by hand: a producer's `instances` batch apart, as
 * the model batches them; first sends count in the second they were scheduled in; and the data
 * plane makes one HTTP attempt a call, so the scenario's retry policy is the only one.
 */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { runProducers } from '../../../src/targets/aws/producer.js';
import type { AwsRun } from '../../../src/targets/aws/run.js';
import {
  buildRun,
  CREDENTIALS,
  createActiveStream,
  type Serve,
  setFaults,
  startServe,
} from './producer-harness.js';

const servers: Serve[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function scenario(seconds: number, producerLines: string): string {
  return `
name: review
seed: 3
duration: ${seconds}s
stream: { shards: 2 }
producers:
  - name: p
${producerLines
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;
}

describe.concurrent('producers, after review', () => {
  it('runs one batcher per instance: 4 instances with a 1 s linger send 4 requests a second, not 1', async () => {
    const serve = await startServe({ limits: 'off' });
    servers.push(serve);
    await createActiveStream(serve.clients.kinesis, 'instances', 2);
    // 200 records/s for 3 s over 4 instances: each takes every 4th record (50/s), and each batch
    // waits the 1 s linger (50 records < 500): one request a second per instance, 4 × 3 = 12 in
    // all (±2 for where the linger windows fall at the ends), where one batcher would send ~3.
    const run = await buildRun(
      scenario(3, 'rate: 200/s\ninstances: 4\nrecordSize: 100B\nbatching: { linger: 1s }'),
      serve.clients,
      { streamName: 'instances' },
    );
    await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
    expect(run.recorder.totals.acknowledged).toBe(600);
    expect(run.recorder.totals.putRequests).toBeGreaterThanOrEqual(10);
    expect(run.recorder.totals.putRequests).toBeLessThanOrEqual(14);
    // One sequence per producer whichever instance sent a record: 600 distinct, nothing missing.
    expect(run.ledger.acknowledgedTotal).toBe(600);
  }, 30_000);

  it('counts a first send as offered in the second it was scheduled in, even when it goes out late', async () => {
    const serve = await startServe({ limits: 'off' });
    servers.push(serve);
    await createActiveStream(serve.clients.kinesis, 'late', 2);
    await setFaults(serve, 'PutRecords:latency=1500ms');
    // 100 records/s for 3 s, one request in flight taking 1.5 s: records wait behind it and go out
    // in the next seconds, but each second was offered its 100 by the schedule.
    const run = await buildRun(
      scenario(3, 'rate: 100/s\nrecordSize: 100B\nbatching: { linger: 50ms }'),
      serve.clients,
      {
        streamName: 'late',
      },
    );
    await runProducers(run, new AbortController().signal, { maxInFlight: 1 });
    expect(run.recorder.perSecond.offered).toEqual([100, 100, 100]);
  }, 30_000);

  it('makes one HTTP attempt a PutRecords on the data plane: with retry.maxAttempts 1, a 500 drops its records, resent by no one', async () => {
    const serve = await startServe({ limits: 'off' });
    servers.push(serve);
    await createActiveStream(serve.clients.kinesis, 'once', 1);
    await setFaults(serve, 'PutRecords:error5xx=100%');
    const config = {
      endpoint: serve.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    };
    const writer = new KinesisClient(config);
    const firehose = new FirehoseClient(config);
    try {
      const run: AwsRun = await buildRun(
        scenario(2, 'rate: 50/s\nrecordSize: 100B\nbatching: { linger: 100ms }\nretry: { maxAttempts: 1 }'),
        { ...serve.clients, kinesisWrite: writer, firehoseWrite: firehose },
        { streamName: 'once' },
      );
      await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
      // 100 records, every request refused once and never resent: all dropped, and serve saw
      // exactly as many PutRecords as the producer sent (no SDK retry underneath).
      expect(run.recorder.totals.dropped).toBe(100);
      const sent = run.recorder.totals.putRequests;
      const seen = (await serve.metrics()).transport.requests['Kinesis_20131202.PutRecords'];
      expect(Object.values(seen ?? {}).reduce((a, b) => a + b, 0)).toBe(sent);
      expect(run.stats.metrics()['sdk.retries']).toBeUndefined();
    } finally {
      writer.destroy();
      firehose.destroy();
    }
  }, 30_000);
});
