/**
 * Firehose's deliveries read back from S3 (`--firehose-bucket`, src/targets/aws/s3-deliveries.ts):
 * serve in process writes a delivery stream's objects under `--data` at `<bucket>/<key>`, an S3
 * stand-in (s3-stand-in.ts) serves that folder as S3 does, and the real `@aws-sdk/client-s3` (made
 * by `createClients`, path-style against an endpoint) lists and reads them: the counts must be
 * those the folder watcher (`--delivery-dir`) finds. Also the two flags on the command line.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDeliveryStreamCommand, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, InvalidInputError } from '../../../src/errors.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { createClients } from '../../../src/targets/aws/clients.js';
import { watchDeliveries } from '../../../src/targets/aws/deliveries.js';
import { firehoseDestination } from '../../../src/targets/aws/resource-rules.js';
import type { AwsClients, AwsRun, DeliveriesOutcome } from '../../../src/targets/aws/run.js';
import { s3Source } from '../../../src/targets/aws/s3-deliveries.js';
import { encodeRecordData } from '../../../src/workload/record-header.js';
import { FakeIo } from '../../helpers/fake-io.js';
import {
  createStream,
  destroyClients,
  makeClients,
  makeRun,
  scenarioWith,
  startServe,
  until,
} from './consumers-harness.js';
import { type S3StandIn, startS3StandIn } from './s3-stand-in.js';
import { awsOptions } from './servers.js';

const ROLE = 'arn:aws:iam::123456789012:role/firehose-to-s3';
const BUCKET = 'loadtests';
const RUN_ID = 'run-s3';

const data = mkdtempSync(join(tmpdir(), 'shardcast-s3-deliveries-'));
let serve: RunningServer;
let clients: AwsClients;
let s3: S3StandIn;

beforeAll(async () => {
  // ×10: Firehose's smallest interval, 60 s, passes in 6 s. Limits off: not about quotas.
  serve = await startServe({ limits: 'off', timeScale: 10, dataDir: data });
  clients = makeClients(serve.endpoint);
  // The bucket exists before the run, as the user's does on AWS (shardcast never creates one).
  mkdirSync(join(data, BUCKET));
  // One key a listing page: three objects take three pages, so paging is exercised.
  s3 = await startS3StandIn(data, 1);
});

afterAll(async () => {
  destroyClients(clients);
  await serve.close();
  await s3.close();
  rmSync(data, { recursive: true, force: true });
});

/** A run reading the delivery stream `ds-s3` of scenario Firehose `logs`; `runId` fixes the records' tag. */
async function runFor(): Promise<AwsRun> {
  return makeRun({
    clients,
    streamName: 's3-deliveries',
    streamArn: '',
    runId: RUN_ID,
    scenario: scenarioWith({
      firehose: [{ name: 'logs', source: 'direct-put', buffer: { size: '1MiB', interval: 60 } }],
    }),
    deliveryStreams: new Map([['logs', 'ds-s3']]),
  });
}

describe('watchDeliveries from S3', () => {
  it('finds, pages and counts the objects under the run prefix as --delivery-dir counts them', async () => {
    await createStream(clients.kinesis, 's3-deliveries', 1);
    const options = awsOptions({ endpoint: s3.endpoint, firehoseRole: ROLE, firehoseBucket: BUCKET });
    const to = firehoseDestination(options, RUN_ID, 'logs');
    expect(to.prefix).toBe('shardcast/run-s3/logs/');
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'ds-s3',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: to.roleArn,
          BucketARN: to.bucketArn,
          Prefix: to.prefix,
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        },
      }),
    );
    // The sending run, and a second one with the same run id (same record tag) for the folder,
    // so the two watchers record into separate recorders.
    const [fromS3, fromFolder] = [await runFor(), await runFor()];
    const s3Client = createClients(options).s3!;
    const stop = new AbortController();
    const live: DeliveriesOutcome = {};
    const watchingS3 = watchDeliveries(fromS3, s3Source(s3Client, BUCKET, [to.prefix]), stop.signal, live);
    const watchingFolder = watchDeliveries(fromFolder, data, stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // By hand: 2,100 records of 1,024 B. The 1 MiB hint (1,048,576 B = 1,024 records) is reached
    // twice at once: objects of 1,024 and 1,024 records; the other 52 wait for the interval (6 s
    // here): a third object. 3 objects, 2,100 × 1,024 = 2,150,400 bytes.
    for (let i = 0; i < 2100; i += 300) {
      const response = await clients.firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'ds-s3',
          Records: Array.from({ length: Math.min(300, 2100 - i) }, (_, k) => ({
            Data: encodeRecordData(
              {
                runTag: fromS3.ledger.runTag,
                producer: 1,
                worker: 0,
                sequence: i + k,
                scheduledEpochMicros: fromS3.clock.epochMicros(fromS3.clock.seconds()),
              },
              1024,
            ),
          })),
        }),
      );
      expect(response.FailedPutCount).toBe(0);
    }
    await until(() => (live.logs?.objects ?? 0) === 3, 20_000, 'three objects in S3');
    stop.abort();
    const [viaS3, viaFolder] = await Promise.all([watchingS3, watchingFolder]);
    s3Client.destroy();
    expect(viaS3).toEqual({ logs: { objects: 3, objectBytes: 2100 * 1024, records: 2100 } });
    expect(viaFolder).toEqual(viaS3);
    // Every record's delivery latency, from LastModified as from the file's mtime: the first two
    // objects within a second, the third about the interval (6 s real).
    const latency = fromS3.recorder.firehoseLatency.get('logs')!.encode();
    expect(latency.count).toBe(2100);
    expect(latency.minUs).toBeLessThan(1e6);
    expect(latency.maxUs).toBeGreaterThan(5e6);
    expect(latency.maxUs).toBeLessThan(9e6);
    // Listed only under the run's prefix, path-style, page after page by continuation token.
    const lists = s3.requests
      .filter((r) => r.includes('list-type=2'))
      .map((r) => new URL(r.slice('GET '.length), 'http://s3'));
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const list of lists) {
      expect(list.pathname).toBe(`/${BUCKET}/`);
      expect(list.searchParams.get('prefix')).toBe('shardcast/run-s3/logs/');
    }
    expect(lists.some((l) => l.searchParams.has('continuation-token'))).toBe(true);
    // Each object read once: three GetObjects.
    expect(s3.requests.filter((r) => r.startsWith(`GET /${BUCKET}/shardcast/run-s3/logs/`))).toHaveLength(3);
  }, 40_000);

  it('a bucket that does not exist is the user’s --firehose-bucket: exit 2 naming it', async () => {
    const run = await runFor();
    const s3Client = createClients(
      awsOptions({ endpoint: s3.endpoint, firehoseRole: ROLE, firehoseBucket: 'no-such-bucket' }),
    ).s3!;
    const stop = new AbortController();
    stop.abort();
    const failure = await watchDeliveries(
      run,
      s3Source(s3Client, 'no-such-bucket', ['shardcast/x/logs/']),
      stop.signal,
    ).catch((e: unknown) => e);
    s3Client.destroy();
    expect(failure).toBeInstanceOf(InvalidInputError);
    const [problem] = (failure as InvalidInputError).problems;
    expect(problem!.location.path).toBe('--firehose-bucket');
    expect(problem!.message).toMatch(/^ListObjectsV2 on bucket "no-such-bucket" failed \(NoSuchBucket: /);
  });
});

/** A Direct PUT Firehose, 20 s. */
const YAML = `
name: fh
duration: 20s
producers:
  - { name: logs, rate: 100/s, recordSize: 988B, destination: fh }
firehose:
  - { name: fh, source: direct-put }
`;

describe('--firehose-role and --firehose-bucket on the command line', () => {
  const run = async (...args: string[]) => {
    const io = new FakeIo({ files: { 'fh.yaml': YAML } });
    const { main } = await import('../../../src/cli/main.js');
    const code = await main(['run', 'fh.yaml', '--target', 'aws', '--region', 'eu-west-1', ...args], io);
    return { code, err: io.err, out: io.out };
  };

  it('against AWS without them: exit 2 naming both flags, before any call', async () => {
    const { code, err } = await run('--yes');
    expect(code).toBe(ExitCode.invalidInput);
    expect(err).toContain('give --firehose-role ARN and --firehose-bucket NAME');
    expect(err).not.toMatch(/internal error|at .*\.ts:/);
  });

  it('one without the other: exit 2 naming the missing one', async () => {
    const { code, err } = await run('--yes', '--firehose-bucket', BUCKET);
    expect(code).toBe(ExitCode.invalidInput);
    expect(err).toContain('--firehose-bucket needs --firehose-role too');
  });

  it('a role that is not an IAM role ARN, a bucket that is not a bucket name: exit 2 at the flag', async () => {
    const role = await run('--firehose-role', 'firehose-role', '--firehose-bucket', BUCKET);
    expect(role.code).toBe(ExitCode.invalidInput);
    expect(role.err).toContain('--firehose-role: expected an IAM role ARN');
    const bucket = await run('--firehose-role', ROLE, '--firehose-bucket', 'My_Bucket');
    expect(bucket.code).toBe(ExitCode.invalidInput);
    expect(bucket.err).toContain('--firehose-bucket: expected an S3 bucket name');
  });

  it('with both, the dry run creates the delivery stream with them', async () => {
    const { code, out } = await run('--dry-run', '--firehose-role', ROLE, '--firehose-bucket', BUCKET);
    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(
        `CreateDeliveryStream DeliveryStreamName=shardcast-fh-[^ ]+ DeliveryStreamType=DirectPut ExtendedS3DestinationConfiguration=\\{RoleARN=${ROLE}, BucketARN=arn:aws:s3:::${BUCKET}, Prefix=shardcast/[^/]+/fh/,`,
      ),
    );
  });
});
