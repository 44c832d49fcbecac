/**
 * The AWS session's own work, with stand-in parts (producers that count, consumers that read the
 * ledger) on a real stream of `shardcast serve`: one second closed per second and sampled in order,
 * the drain, the target's own metrics, an abort with a partial result, and a part that fails.
 */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../../src/errors.js';
import type { SecondSample } from '../../../src/result/live.js';
import { scenarioSchema } from '../../../src/scenario/schema.js';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import type { AwsOptions } from '../../../src/targets/aws/options.js';
import { awsOptionsSchema } from '../../../src/targets/aws/options.js';
import type { AwsClients, AwsRun, RunResources } from '../../../src/targets/aws/run.js';
import { S3_POLL_SECONDS } from '../../../src/targets/aws/s3-deliveries.js';
import { createAwsSession, type SessionParts } from '../../../src/targets/aws/session.js';
import { sleep } from '../../../src/targets/clock.js';
import type { TargetContext } from '../../../src/targets/target.js';
import { WHOLE_RUN } from '../../../src/targets/target.js';
import { runTag } from '../../../src/workload/record-header.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
let server: RunningServer;
let clients: AwsClients;
let resources: RunResources;

beforeAll(async () => {
  const clock = createClock(1);
  server = await startServer({
    port: 0,
    clock,
    services: createServices({
      clock,
      limits: 'off',
      dataDir: undefined,
      region: 'us-east-1',
      accountId: '000000000000',
    }),
  });
  const config = { endpoint: server.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  clients = {
    kinesis: new KinesisClient(config),
    kinesisStreaming: new KinesisClient(config),
    firehose: new FirehoseClient(config),
  };
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'session', ShardCount: 2 }));
  let arn: string | undefined;
  while (arn === undefined) {
    const summary = (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'session' })))
      .StreamDescriptionSummary!;
    if (summary.StreamStatus === 'ACTIVE') arn = summary.StreamARN;
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  resources = {
    streamName: 'session',
    streamArn: arn,
    existing: false,
    consumerArns: new Map(),
    deliveryStreams: new Map(),
  };
}, 30_000);

afterAll(async () => {
  clients.kinesis.destroy();
  clients.kinesisStreaming.destroy();
  clients.firehose.destroy();
  await server.close();
});

const SCENARIO = scenarioSchema.parse({
  name: 'session',
  duration: '3s',
  stream: { shards: 2 },
  producers: [{ name: 'web', rate: '10/s' }],
  consumers: [{ name: 'app', type: 'polling' }],
});

function context(
  options: Partial<AwsOptions>,
  samples: SecondSample[],
  signal = new AbortController().signal,
): TargetContext<AwsOptions> {
  return {
    scenario: SCENARIO,
    options: { ...awsOptionsSchema.parse({}), ...options },
    seed: 1,
    durationSeconds: 3,
    header: { runId: 'r1', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: 'test' },
    share: WHOLE_RUN,
    signal,
    onSample: (sample) => samples.push(sample),
  };
}

const about = {
  details: { endpoint: 'local' },
  measures: ['**'],
  resourceLines: () => ['created stream session'],
};

/**
 * Producers that acknowledge 10 records in each second of the run (sequence 10·s … 10·s + 9) and
 * give up 1 record at the end; consumers that read what is acknowledged, `readLag` seconds later.
 */
function fakeParts(readLagSeconds: number, signals: AbortSignal[] = []): SessionParts {
  const never = <T>(signal: AbortSignal, value: T) =>
    new Promise<T>((resolve) => signal.addEventListener('abort', () => resolve(value), { once: true }));
  return {
    runProducers: async (run: AwsRun, signal) => {
      signals.push(signal);
      for (let s = 0; s < 3; s++) {
        await run.clock.sleepUntil(s + 0.5, signal).catch(() => undefined);
        if (signal.aborted) return { pendingAtEnd: 4, firehose: {} };
        run.recorder.countWrites(run.clock.second(), {
          offered: 10,
          acknowledged: 10,
          writeRecords: 10,
          writeBytes: 10_240,
        });
        for (let i = 0; i < 10; i++) run.ledger.acknowledged(0, 10 * s + i);
      }
      run.recorder.countWrites(run.clock.second(), { dropped: 1 });
      return { pendingAtEnd: 0, firehose: {} };
    },
    startConsumers: async (run: AwsRun, signal) => {
      signals.push(signal);
      let next = 0;
      while (!signal.aborted) {
        await sleep(50, signal).catch(() => undefined);
        // Records acknowledged at s + 0.5 are readable from s + 0.5 + lag on: 10 per second passed.
        const since = run.clock.seconds() - 0.5 - readLagSeconds;
        const readable = since < 0 ? 0 : (Math.floor(since) + 1) * 10;
        for (; next < Math.min(readable, run.ledger.acknowledgedTotal); next++) {
          const header = {
            runTag: runTag('r1'),
            producer: 0,
            worker: 0,
            sequence: next,
            scheduledEpochMicros: 0,
          };
          run.ledger.read('app', header, 'shardId-000000000000', String(next + 1));
          run.recorder.countDelivered('app', run.clock.second(), 1);
        }
      }
    },
    runReshards: async (_run, signal) => never(signal, []),
    watchDeliveries: async (_run, _dir, signal) => never(signal, {}),
  };
}

describe('the AWS session', () => {
  it('closes one second per second, drains, and adds its own metrics', async () => {
    const samples: SecondSample[] = [];
    const signals: AbortSignal[] = [];
    const started = performance.now();
    const result = await createAwsSession(
      context({ drain: 10 }, samples),
      clients,
      resources,
      about,
      fakeParts(1, signals),
    ).run();
    const seconds = (performance.now() - started) / 1000;
    // Seconds 0, 1, 2 sampled in order, 10 offered each (the dropped record lands in the last second).
    expect(samples.map((s) => [s.second, s.offered, s.acknowledged])).toEqual([
      [0, 10, 10],
      [1, 10, 10],
      [2, 10, 10],
    ]);
    expect(samples.map((s) => s.shards)).toEqual([2, 2, 2]);
    // The consumer reads 1 s behind: the last 10 records (acknowledged at 2.5 s) are read at 3.5 s,
    // within the drain; the run lasts about 3.5 s, not 3 s + the 10 s drain.
    expect(seconds).toBeGreaterThan(3.3);
    expect(seconds).toBeLessThan(6);
    expect(result.counters).toMatchObject({ produced: 30, acknowledged: 30, dropped: 1, pendingAtEnd: 0 });
    expect(result.metrics).toMatchObject({
      'integrity.app.delivered': 30,
      'integrity.app.missing': 0,
      'integrity.app.duplicates': 0,
      'integrity.app.outOfOrder': 0,
      lostRecords: 1,
      'requests.ListShards.ok': 1,
    });
    expect(result.counters.delivered).toEqual({ app: 30 });
    expect(result.target).toMatchObject({
      name: 'aws',
      details: { endpoint: 'local' },
      resources: ['created stream session'],
    });
    expect(result.scenario).toMatchObject({ target: 'aws', tickSeconds: 1, durationSeconds: 3 });
    // Every part was told to stop.
    expect(signals.every((s) => s.aborted)).toBe(true);
  }, 20_000);

  it('ends the drain at its limit, counting what was never read as missing', async () => {
    // A consumer 10 s behind never catches up within a 1 s drain: 30 acknowledged, 0 read.
    const result = await createAwsSession(
      context({ drain: 1 }, []),
      clients,
      resources,
      about,
      fakeParts(10),
    ).run();
    expect(result.metrics['integrity.app.missing']).toBe(30);
    expect(result.metrics['integrity.app.delivered']).toBe(0);
  }, 20_000);

  it('stops every part on an abort, rejects, and keeps what the closed seconds measured', async () => {
    const controller = new AbortController();
    const samples: SecondSample[] = [];
    const signals: AbortSignal[] = [];
    const session = createAwsSession(
      context({}, samples, controller.signal),
      clients,
      resources,
      about,
      fakeParts(0, signals),
    );
    setTimeout(() => controller.abort('SIGINT'), 1_600);
    await expect(session.run()).rejects.toBeInstanceOf(RunAbortedError);
    expect(signals.every((s) => s.aborted)).toBe(true);
    // Second 0 closed at 1 s; second 1 was open at 1.6 s: it closes nowhere.
    expect(samples.map((s) => s.second)).toEqual([0]);
    const partial = session.partial()!;
    // The partial result covers the closed second only: its series and the counters summed over it
    // (the 10 records acknowledged at 1.5 s, in the open second, are left out).
    expect(partial.series.offered).toEqual([10]);
    expect(partial.counters.acknowledged).toBe(10);
    expect(partial.scenario.durationSeconds).toBe(1);
    // The integrity counts stand as they were: 20 acknowledged, read at once.
    expect(partial.metrics['integrity.app.delivered']).toBe(20);
    expect(partial.counters.pendingAtEnd).toBe(4);
  }, 20_000);

  it("lets any number of waits listen on a part's signal without Node's leak warning", async () => {
    // 20 producer instances waiting out their backoff are 20 listeners on one signal: Node warns
    // past 10 (MaxListenersExceededWarning, printed mid-run). Each part's signal takes any number.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const parts = fakeParts(0);
    const listening: SessionParts = {
      ...parts,
      runProducers: async (run, signal, options) => {
        for (let i = 0; i < 20; i++) signal.addEventListener('abort', () => {});
        return parts.runProducers(run, signal, options);
      },
      startConsumers: async (run, signal) => {
        for (let i = 0; i < 20; i++) signal.addEventListener('abort', () => {});
        return parts.startConsumers(run, signal);
      },
    };
    await createAwsSession(context({ drain: 1 }, []), clients, resources, about, listening).run();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([]);
  }, 20_000);

  it('stops the other parts and rejects with the error when a part fails', async () => {
    const signals: AbortSignal[] = [];
    const parts = fakeParts(0, signals);
    const failing: SessionParts = {
      ...parts,
      runProducers: async (run, signal) => {
        await run.clock.sleepUntil(0.5, signal);
        throw new Error('the stream was deleted under the run');
      },
    };
    await expect(createAwsSession(context({}, []), clients, resources, about, failing).run()).rejects.toThrow(
      'the stream was deleted under the run',
    );
    expect(signals.every((s) => s.aborted)).toBe(true);
  }, 20_000);

  it('reads Firehose back from --delivery-dir, else from --firehose-bucket through S3, else not at all', async () => {
    const withFirehose = scenarioSchema.parse({
      name: 'session',
      duration: '3s',
      stream: { shards: 2 },
      producers: [
        { name: 'web', rate: '10/s' },
        { name: 'logs', rate: '10/s', destination: 'fh' },
      ],
      consumers: [{ name: 'app', type: 'polling' }],
      firehose: [{ name: 'fh', source: 'direct-put' }],
    });
    // Never called: the watcher is a stand-in that only notes where it was told to read.
    const s3 = new S3Client({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    const sources: unknown[] = [];
    const parts = fakeParts(0);
    const noting: SessionParts = {
      ...parts,
      watchDeliveries: async (run, source, signal, live) => {
        sources.push(source);
        return parts.watchDeliveries(run, source, signal, live);
      },
    };
    const role = { firehoseRole: 'arn:aws:iam::123456789012:role/r' };
    for (const options of [
      { deliveryDir: '/tmp/serve-data', firehoseBucket: 'b', ...role },
      { firehoseBucket: 'b', ...role },
      {},
    ]) {
      await createAwsSession(
        { ...context({ drain: 1, ...options }, []), scenario: withFirehose },
        { ...clients, s3 },
        { ...resources, deliveryStreams: new Map([['fh', 'shardcast-fh-r1']]) },
        about,
        noting,
      ).run();
    }
    s3.destroy();
    expect(sources).toHaveLength(2);
    expect(sources[0]).toBe('/tmp/serve-data');
    expect(sources[1]).toMatchObject({ pollSeconds: S3_POLL_SECONDS });
  }, 30_000);
});
