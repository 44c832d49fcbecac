/**
 * End to end: the http target against a small front (a test server that forwards the
 * api-gateway-kinesis bodies to `shardcast serve` with the SDK's PutRecords, and answers with the
 * SDK's output, as API Gateway's Kinesis proxy passes Kinesis's answer through), reading the
 * stream behind it with `--verify-endpoint` and `--verify-stream`: nothing missing, and each
 * shard's load as the plan predicts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { parseResult } from '../../../src/result/io.js';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import { FakeIo } from '../../helpers/fake-io.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
let serve: RunningServer;
let kinesis: KinesisClient;
let front: Server;
let frontUrl: string;
let root: string;

beforeAll(async () => {
  const clock = createClock(1);
  serve = await startServer({
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
  kinesis = new KinesisClient({ endpoint: serve.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  await createActive('behind', 2);
  // The front: a PutRecords body in, the SDK's PutRecords to the stream, its answer out.
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        StreamName: string;
        Records: { Data: string; PartitionKey: string }[];
      };
      kinesis
        .send(
          new PutRecordsCommand({
            StreamName: body.StreamName,
            Records: body.Records.map((r) => ({
              Data: Buffer.from(r.Data, 'base64'),
              PartitionKey: r.PartitionKey,
            })),
          }),
        )
        .then(
          ({ $metadata: _, ...output }) => {
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(output));
          },
          (error: Error) => {
            res.writeHead(500, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ message: error.message }));
          },
        );
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/streams/behind/records`;
  root = mkdtempSync(join(tmpdir(), 'shardcast-http-verify-'));
}, 30_000);

afterAll(async () => {
  kinesis.destroy();
  front.closeAllConnections();
  await new Promise<void>((resolve) => front.close(() => resolve()));
  await serve.close();
  rmSync(root, { recursive: true, force: true });
});

/** Creates `name` on serve and waits until it is ACTIVE. */
async function createActive(name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const SCENARIO = `name: behind
duration: 3s
stream:
  name: behind
  shards: 2
producers:
  - name: web
    rate: 400/s
    recordSize: 300B
    keys: { dist: uniform, count: 16 }
    batching: { maxRecords: 50, linger: 50ms }
consumers:
  - name: app
    type: polling
    pollInterval: 200ms
`;

describe('run --target http --verify-endpoint --verify-stream', () => {
  it('reads the stream behind the front: nothing missing, each shard loaded as the plan predicts', async () => {
    const io = new FakeIo({ files: { 'behind.yaml': SCENARIO }, cwd: root, writeToDisk: true });
    const code = await main(
      [
        'run',
        'behind.yaml',
        '--target',
        'http',
        '--url',
        frontUrl,
        '--verify-endpoint',
        serve.endpoint,
        '--verify-stream',
        'behind',
        '--drain',
        '10s',
        '--gate',
        'integrity.app.missing == 0',
        '--gate',
        'shards.maxUtilization < 1',
        '--out',
        'out',
        '--quiet',
      ],
      io,
    );
    expect(io.err).not.toContain('    at ');
    expect(code).toBe(0);
    const result = parseResult(readFileSync(join(root, 'out', 'result.json'), 'utf8'), 'result.json');
    // 400/s × 3 s = 1,200 records, every one read back once, in order.
    expect(result.counters.acknowledged).toBe(1200);
    const own = result.target!.metrics;
    expect(own['integrity.app.delivered']).toBe(1200);
    expect(own['integrity.app.missing']).toBe(0);
    expect(own['integrity.app.duplicates']).toBe(0);
    expect(result.metrics['e2eLatency.p50']).toBeGreaterThan(0);
    expect(result.target!.measures).toContain('shards.*');
    // The plan's per-shard utilisation at 2 shards (records ÷ 1,000/s: 400/s split by the keys'
    // hashes) against the run's mean over its 3 seconds, per shard, within 10 % of the plan's
    // rate (binomial noise of 1,200 records over 2 shards is about 1.5 %).
    const plan = JSON.parse(readFileSync(join(root, 'out', 'plan.json'), 'utf8')) as {
      profile: { shardLoads: { shardCount: number; groupSize: number; utilization: number[] }[] };
    };
    const loads = plan.profile.shardLoads.find((l) => l.shardCount === 2)!;
    expect(loads.groupSize).toBe(1);
    const all = result.shardSeries.all;
    expect(all).toHaveLength(2);
    for (let shard = 0; shard < 2; shard++) {
      const series = all[shard]!.map((v) => v ?? 0);
      const mean = series.reduce((a, b) => a + b, 0) / series.length;
      expect(Math.abs(mean - loads.utilization[shard]!)).toBeLessThanOrEqual(0.1 * (400 / 1000));
    }
  }, 60_000);

  it('a stream that is not there fails before any request goes to the front (exit 3, what to check)', async () => {
    const io = new FakeIo({ files: { 'behind.yaml': SCENARIO }, cwd: root, writeToDisk: true });
    const args = [
      'run',
      'behind.yaml',
      '--target',
      'http',
      '--url',
      frontUrl,
      '--verify-endpoint',
      serve.endpoint,
    ];
    const code = await main([...args, '--verify-stream', 'elsewhere', '--out', 'out2'], io);
    expect(io.err).toContain('--verify-stream elsewhere');
    expect(io.err).toContain('ResourceNotFoundException');
    expect(io.err).not.toContain('    at ');
    expect(code).toBe(3);
  }, 30_000);
  it('a stream deleted under the verifying readers: their failed calls counted, the records missing, no crash', async () => {
    await createActive('doomed', 1);
    const io = new FakeIo({
      files: {
        'doomed.yaml': SCENARIO.replace('name: behind\n', 'name: doomed\n').replace('shards: 2', 'shards: 1'),
      },
      cwd: root,
      writeToDisk: true,
    });
    const url = frontUrl.replace('/behind/', '/doomed/');
    const args = ['run', 'doomed.yaml', '--target', 'http', '--url', url, '--stream-name', 'doomed'];
    const verify = ['--verify-endpoint', serve.endpoint, '--verify-stream', 'doomed', '--drain', '2s'];
    // Deleted 1 s into the 3 s run: from then on the front's PutRecords fail (500, retried) and
    // the readers' GetRecords get ResourceNotFoundException. A reader counts a failed call and
    // tries again (a stream behind a front may come back); the run ends after its drain.
    const deleted = new Promise<void>((resolve) => setTimeout(resolve, 1000)).then(() =>
      kinesis.send(new DeleteStreamCommand({ StreamName: 'doomed' })),
    );
    const code = await main([...args, ...verify, '--out', 'out3'], io);
    await deleted;
    expect(io.err).not.toContain('    at ');
    expect(code).toBe(0);
    const result = parseResult(readFileSync(join(root, 'out3', 'result.json'), 'utf8'), 'result.json');
    const m = result.metrics;
    // The readers' calls are the target's own metrics under verify.: those that failed for the
    // missing stream are counted by outcome and by AWS's error name.
    expect(m['verify.requests.GetRecords.ok']).toBeGreaterThan(0);
    expect(m['verify.errors.ResourceNotFoundException']).toBeGreaterThan(0);
    expect(
      (m['verify.requests.GetRecords.error'] ?? 0) + (m['verify.requests.GetShardIterator.error'] ?? 0),
    ).toBeGreaterThan(0);
    // 400/s for about 1 s went in before the delete, the rest cannot (the front answers 500): every
    // record the front acknowledged is either read or missing, whichever the readers managed
    // before the stream went (they poll every 200 ms: on a quiet machine they may have read all).
    expect(m['http.status.500']).toBeGreaterThan(0);
    expect(result.counters.acknowledged).toBeLessThan(1200);
    expect(m['integrity.app.delivered']! + m['integrity.app.missing']!).toBe(result.counters.acknowledged);
  }, 60_000);
});
