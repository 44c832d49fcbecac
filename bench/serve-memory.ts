/**
 * serve's memory bound through HTTP, with the real SDK: `npm run build && node --import tsx
 * bench/serve-memory.ts [--minutes 10]`. Not part of `npm run bench` (it takes the minutes given).
 *
 * The issue's bar: "a 10-minute run at 10,000 records/s of 1 KiB stays under 1 GiB".
 * bench/serve-kinesis.bench.ts measures the model alone; this one goes through the transport: serve
 * (its real services, `limits: 'aws'`, 12 shards = 12,000 records/s of capacity, so MD5's uneven
 * split of random keys leaves little over a shard's 1,000) runs in a child process of its own, so
 * that the RSS sampled is the server's and not the client's; this process drives it with
 * `@aws-sdk/client-kinesis` over HTTP/1.1 (CONNECTIONS keep-alive sockets): one PutRecords of 500
 * records of 1 KiB every 50 ms = 20 calls/s × 500 = 10,000 records/s, paced on the wall clock
 * (a call not yet answered does not hold the next back, up to CONNECTIONS × 2 in flight).
 * 10 minutes × 60 s × 10,000 records/s × 1 KiB = 5.7 GiB offered: what keeps the server under 1 GiB
 * is the store's byte budget (256 MiB by default), which drops the oldest records first.
 * Every 10 s the child reports its RSS and heap; the peak RSS and its ratio to 1 GiB are printed.
 */
import { fork } from 'node:child_process';
import { Agent } from 'node:http';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SHARDS = 12;
const RECORDS_PER_CALL = 500;
const RECORD_BYTES = 1024;
const CALL_INTERVAL_MS = 50;
const SAMPLE_INTERVAL_MS = 10_000;
const CONNECTIONS = 4;
const STREAM = 'memory';

interface Sample {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

type FromChild = { endpoint: string } | { sample: Sample };

if (process.argv[2] === '--serve-child') await serveChild();
else await drive();

/** The child: serve, in-process, answering `sample` with its memory. */
async function serveChild(): Promise<void> {
  const { createServices, startServer, createClock } = await import('../dist/serve/index.js');
  const clock = createClock(1);
  const services = createServices({
    clock,
    limits: 'aws',
    dataDir: undefined,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  const server = await startServer({ services, port: 0, limits: 'aws', clock });
  process.on('message', (message) => {
    if (message === 'sample') {
      const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
      process.send?.({ sample: { rss, heapUsed, arrayBuffers } } satisfies FromChild);
    } else if (message === 'stop') {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ endpoint: server.endpoint } satisfies FromChild);
}

async function drive(): Promise<void> {
  const flag = process.argv.indexOf('--minutes');
  const minutes = flag >= 0 ? Number(process.argv[flag + 1]) : 10;
  if (!(minutes > 0)) throw new Error(`--minutes takes a positive number, not ${process.argv[flag + 1]}`);
  const child = fork(new URL(import.meta.url), ['--serve-child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const samples: Sample[] = [];
  let sampled: (() => void) | undefined;
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    child.on('message', (message: FromChild) => {
      if ('endpoint' in message) resolve(message.endpoint);
      else {
        samples.push(message.sample);
        sampled?.();
      }
    });
  });
  const sample = () =>
    new Promise<Sample>((resolve) => {
      sampled = () => resolve(samples.at(-1)!);
      child.send('sample');
    });

  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: CONNECTIONS }),
    }),
  });
  await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: SHARDS }));
  for (;;) {
    const { StreamDescriptionSummary: s } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: STREAM }),
    );
    if (s?.StreamStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const data = new Uint8Array(RECORD_BYTES).fill(97);
  let key = 0;
  let accepted = 0;
  let throttled = 0;
  let failedCalls = 0;
  let inFlight = 0;
  let skipped = 0;
  const started = Date.now();
  const endAt = started + minutes * 60_000;
  const baseline = await sample();
  console.log(
    `serve-memory: ${minutes} min at ${((RECORDS_PER_CALL * 1000) / CALL_INTERVAL_MS).toLocaleString('en-US')} records/s of ${RECORD_BYTES} B, ${SHARDS} shards, limits aws, real SDK over HTTP/1.1 (${CONNECTIONS} connections)`,
  );
  console.log(`  0 s: server RSS ${(baseline.rss / MiB).toFixed(0)} MiB (before any record)`);

  const put = async () => {
    inFlight++;
    const Records = Array.from({ length: RECORDS_PER_CALL }, () => ({
      Data: data,
      PartitionKey: `k${key++}`,
    }));
    try {
      const out = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records }));
      throttled += out.FailedRecordCount ?? 0;
      accepted += RECORDS_PER_CALL - (out.FailedRecordCount ?? 0);
    } catch {
      failedCalls++;
    } finally {
      inFlight--;
    }
  };

  let nextSampleAt = started + SAMPLE_INTERVAL_MS;
  let calls = 0;
  while (Date.now() < endAt) {
    // Wall-clock pacing: call n is due at started + n × 50 ms; a late loop catches up.
    const dueAt = started + calls * CALL_INTERVAL_MS;
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    calls++;
    if (inFlight >= CONNECTIONS * 2) skipped++;
    else void put();
    if (Date.now() >= nextSampleAt) {
      nextSampleAt += SAMPLE_INTERVAL_MS;
      const s = await sample();
      const elapsedS = (Date.now() - started) / 1000;
      console.log(
        `  ${elapsedS.toFixed(0)} s: server RSS ${(s.rss / MiB).toFixed(0)} MiB, heap ${(s.heapUsed / MiB).toFixed(0)} MiB, buffers ${(s.arrayBuffers / MiB).toFixed(0)} MiB; ${Math.round(accepted / elapsedS).toLocaleString('en-US')} records/s accepted`,
      );
    }
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  const last = await sample();
  const elapsedS = (Date.now() - started) / 1000;
  const peak = samples.reduce((max, s) => (s.rss > max.rss ? s : max), last);
  client.destroy();
  child.send('stop');
  console.log(
    `${elapsedS.toFixed(0)} s: ${accepted.toLocaleString('en-US')} records accepted (${Math.round(accepted / elapsedS).toLocaleString('en-US')}/s), ` +
      `${throttled.toLocaleString('en-US')} throttled, ${failedCalls} calls failed, ${skipped} calls skipped (client behind)`,
  );
  console.log(
    `peak server RSS ${(peak.rss / MiB).toFixed(0)} MiB (heap ${(peak.heapUsed / MiB).toFixed(0)} MiB) = ${((peak.rss / GiB) * 100).toFixed(0)}% of 1 GiB: ${peak.rss < GiB ? 'under' : 'OVER'} the bound`,
  );
}
