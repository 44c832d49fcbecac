/**
 * Firehose deliveries read back (`watchDeliveries`): serve in process writes Direct PUT objects
 * under `--data`, the watcher finds them by the delivery stream's object names, counts objects and
 * bytes, splits them into records by their headers (gunzipping first when compressed) and records
 * each record's delivery latency.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDeliveryStreamCommand, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../../src/errors.js';
import { RunRecorder } from '../../../src/result/recorder.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { splitObjectRecords, watchDeliveries } from '../../../src/targets/aws/deliveries.js';
import { type AwsClients, type AwsRun, RequestStats } from '../../../src/targets/aws/run.js';
import { ShardDirectory } from '../../../src/targets/aws/shards.js';
import { RunClock } from '../../../src/targets/clock.js';
import { IntegrityLedger } from '../../../src/workload/integrity.js';
import { encodeRecordData, RECORD_HEADER_BYTES, runTag } from '../../../src/workload/record-header.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  scenarioWith,
  startServe,
  until,
} from './consumers-harness.js';

describe('splitObjectRecords', () => {
  it("finds concatenated records by their headers' lengths and stops at bytes that are not this run's", () => {
    const tag = runTag('run-a');
    // A 40-byte record (header + 8 zeros), a 32-byte one (the header alone), then 5 bytes of
    // someone else's: 40 + 32 + 5 = 77 bytes, 2 records, 5 unread.
    const first = encodeRecordData(
      { runTag: tag, producer: 0, worker: 0, sequence: 0, scheduledEpochMicros: 1e15 },
      40,
    );
    const second = encodeRecordData(
      { runTag: tag, producer: 1, worker: 2, sequence: 9, scheduledEpochMicros: 2e15 },
      3,
    );
    const body = new Uint8Array(77);
    body.set(first, 0);
    body.set(second, 40);
    body.set([1, 2, 3, 4, 5], 72);
    expect(second.length).toBe(RECORD_HEADER_BYTES);
    expect(splitObjectRecords(body, tag)).toEqual({
      records: [
        { worker: 0, scheduledEpochMicros: 1e15 },
        { worker: 2, scheduledEpochMicros: 2e15 },
      ],
      unreadBytes: 5,
    });
    // Another run's records are not this run's: nothing read.
    expect(splitObjectRecords(body, runTag('run-b'))).toEqual({ records: [], unreadBytes: 77 });
    // A record cut short (its header says 40 bytes, 39 are there) is not read.
    expect(splitObjectRecords(first.subarray(0, 39), tag)).toEqual({ records: [], unreadBytes: 39 });
  });
});

/** A run that only watches deliveries: clients that are never called (nothing listens on port 9). */
function watchingRun(deliveryStreams: Map<string, string>): AwsRun {
  const scenario = scenarioWith({
    firehose: [...deliveryStreams.keys()].map((name) => ({ name, source: 'direct-put' })),
  });
  return {
    clients: makeClients('http://127.0.0.1:9'),
    resources: { streamName: 's', streamArn: '', existing: false, consumerArns: new Map(), deliveryStreams },
    scenario,
    runId: 'r',
    seed: 1,
    durationSeconds: 10,
    share: { index: 0, count: 1 },
    clock: new RunClock(10),
    recorder: new RunRecorder({ seconds: 10, consumers: [], firehoses: [...deliveryStreams.keys()] }),
    ledger: new IntegrityLedger('r', scenario.producers.length, []),
    stats: new RequestStats(),
    shards: new ShardDirectory(),
    signal: new AbortController().signal,
  };
}

describe('watchDeliveries, the folder', () => {
  it('finds nothing in a folder that does not exist yet', async () => {
    const run = watchingRun(new Map([['logs', 'ds']]));
    const stop = new AbortController();
    stop.abort();
    expect(await watchDeliveries(run, join(tmpdir(), 'shardcast-no-such-folder-7d1e'), stop.signal)).toEqual({
      logs: { objects: 0, objectBytes: 0, records: 0 },
    });
    destroyClients(run.clients);
  });

  it('refuses a --delivery-dir it cannot read with a FileError (exit 2), not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardcast-deliveries-file-'));
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const run = watchingRun(new Map([['logs', 'ds']]));
    try {
      const stop = new AbortController();
      stop.abort();
      const failure = watchDeliveries(run, file, stop.signal);
      await expect(failure).rejects.toBeInstanceOf(FileError);
      await expect(failure).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining('ENOTDIR'),
      });
    } finally {
      destroyClients(run.clients);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const data = mkdtempSync(join(tmpdir(), 'shardcast-deliveries-'));
let serve: RunningServer;
let clients: AwsClients;

beforeAll(async () => {
  // ×10: Firehose's smallest interval, 60 s, passes in 6 s. Limits off: the Direct PUT quota is
  // not what this test is about.
  serve = await startServe({ limits: 'off', timeScale: 10, dataDir: data });
  clients = makeClients(serve.endpoint);
});

afterAll(async () => {
  destroyClients(clients);
  await serve.close();
  rmSync(data, { recursive: true, force: true });
});

async function createDeliveryStream(name: string, gzip: boolean): Promise<void> {
  await clients.firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/firehose',
        BucketARN: 'arn:aws:s3:::bucket',
        Prefix: 'raw/',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        ...(gzip ? { CompressionFormat: 'GZIP' as const } : {}),
      },
    }),
  );
}

/** Sends records `from` … `from + count − 1` of 1 KiB each, with headers, in batches of 400. */
async function send(run: AwsRun, deliveryStream: string, from: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 400) {
    const n = Math.min(400, count - i);
    const response = await clients.firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: deliveryStream,
        Records: Array.from({ length: n }, (_, k) => ({
          Data: encodeRecordData(
            {
              runTag: run.ledger.runTag,
              producer: 1,
              worker: 0,
              sequence: from + i + k,
              scheduledEpochMicros: run.clock.epochMicros(run.clock.seconds()),
            },
            1024,
          ),
        })),
      }),
    );
    expect(response.FailedPutCount).toBe(0);
  }
}

describe('watchDeliveries', () => {
  it('counts the objects of each delivery stream, their bytes, records and delivery latencies', async () => {
    await createStream(clients.kinesis, 'deliveries', 1);
    await createDeliveryStream('ds-plain', false);
    await createDeliveryStream('ds-gzip', true);
    const firehose = { buffer: { size: '1MiB', interval: 60 } };
    const run = await makeRun({
      clients,
      streamName: 'deliveries',
      streamArn: '',
      scenario: scenarioWith({
        firehose: [
          { name: 'logs', source: 'direct-put', ...firehose },
          { name: 'zipped', source: 'direct-put', ...firehose },
        ],
      }),
      deliveryStreams: new Map([
        ['logs', 'ds-plain'],
        ['zipped', 'ds-gzip'],
      ]),
    });
    // ACTIVE after a second of server time (0.1 s).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stop = new AbortController();
    const watching = watchDeliveries(run, data, stop.signal);
    // By hand: 1,200 records of 1,024 bytes to ds-plain. The size hint, 1 MiB = 1,048,576 bytes, is
    // reached by record 1,024 (1,024 × 1,024): one object of 1,024 records at once; the other 176
    // wait for the 60 s interval (6 s here) and make a second object. 300 records to ds-gzip stay
    // under the hint (307,200 bytes): one object after the interval, smaller than its records
    // (zero padding compresses).
    await send(run, 'ds-plain', 0, 1200);
    await send(run, 'ds-gzip', 0, 300);
    const objects = () =>
      [...run.recorder.firehoseObjects.values()].reduce(
        (total, series) => total + series.reduce((a, b) => a + b, 0),
        0,
      );
    await until(() => objects() === 3, 20_000, 'three objects');
    stop.abort();
    const outcome = await watching;
    expect(outcome.logs).toEqual({ objects: 2, objectBytes: 1200 * 1024, records: 1200 });
    expect(outcome.zipped!.objects).toBe(1);
    expect(outcome.zipped!.records).toBe(300);
    expect(outcome.zipped!.objectBytes).toBeGreaterThan(0);
    expect(outcome.zipped!.objectBytes).toBeLessThan(300 * 1024);
    // Latencies: the first object's records within a second (written at once), the second's about
    // the interval (6 s real), by the objects' modification times.
    const logs = run.recorder.firehoseLatency.get('logs')!.encode();
    expect(logs.count).toBe(1200);
    expect(logs.minUs).toBeLessThan(1e6);
    expect(logs.maxUs).toBeGreaterThan(5e6);
    expect(logs.maxUs).toBeLessThan(9e6);
    const zipped = run.recorder.firehoseLatency.get('zipped')!.encode();
    expect(zipped.count).toBe(300);
    expect(zipped.minUs).toBeGreaterThan(5e6);
    // A look after the end finds nothing new: each object is counted once.
    expect(objects()).toBe(3);
  }, 60_000);
});
