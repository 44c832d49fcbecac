/**
 * Throughput of `shardcast serve`'s transport (src/serve/server.ts): `npm run bench`, or after
 * `npm run build`, `node --import tsx bench/serve.bench.ts`.
 *
 * One client for both servers, so the ratio is the servers' and not the clients': node:http with a
 * keep-alive agent, CONNECTIONS requests in flight, each a PutRecords of 500 records of 1 KiB
 * (JSON 1.1, base64 data: about 690 KB a request; keys differ between requests so that they spread
 * over the shards). Against serve with its real services (the Kinesis model storing every record):
 * `--limits off` on 8 shards, like kinesalite, and `--limits aws` on 200 shards, enough that the
 * limits do not bind (1,014 records/s of 1 KiB + key per shard: ~200,000 records/s in all); the
 * transport alone (a PutRecords that stores nothing: read, decode, encode) as a floor; kinesalite
 * (in-process, 8 shards) with its real PutRecords and ListStreams; and serve's PutRecords over
 * HTTP/2 (cleartext, prior knowledge). The issue's bars: serve with limits off at least 3×
 * kinesalite's records/s, and at least 50,000 records/s with limits on.
 */
import { Agent, request } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import kinesalite from 'kinesalite';
import { createClock } from '../dist/serve/clock.js';
import { createServices } from '../dist/serve/index.js';
import type { Operation, Service } from '../dist/serve/protocol.js';
import { type RunningServer, startServer } from '../dist/serve/server.js';

const CONNECTIONS = 8;
const SECONDS = 5;
const RECORDS = 500;
const RECORD_BYTES = 1024;
const STREAM = 'bench';

/** A PutRecords body; `variant` changes the keys, so that successive requests spread over the shards. */
function putRecordsBody(variant: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      StreamName: STREAM,
      Records: Array.from({ length: RECORDS }, (_, i) => ({
        Data: Buffer.alloc(RECORD_BYTES, i % 251).toString('base64'),
        PartitionKey: `key-${variant}-${i}`,
      })),
    }),
  );
}
const putBodies = Array.from({ length: 16 }, (_, v) => putRecordsBody(v));
const putBody = putBodies[0]!;

function headers(operation: string, length: number): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `Kinesis_20131202.${operation}`,
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
    'x-amz-date': '20250101T000000Z',
    'content-length': String(length),
  };
}

function call(
  agent: Agent,
  port: number,
  operation: string,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: headers(operation, body.length) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests/s and accepted records/s over SECONDS with CONNECTIONS in flight. */
async function load(
  port: number,
  operation: string,
  body: Buffer | readonly Buffer[],
  recordsPerCall: number,
): Promise<{ requests: number; records: number }> {
  const bodies = Array.isArray(body) ? body : [body as Buffer];
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const until = performance.now() + SECONDS * 1000;
  let requests = 0;
  let records = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const answer = await call(agent, port, operation, bodies[requests % bodies.length]!);
        if (answer.status !== 200)
          throw new Error(`${operation} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        requests += 1;
        const failed =
          recordsPerCall > 0
            ? (JSON.parse(answer.text) as { FailedRecordCount: number }).FailedRecordCount
            : 0;
        records += recordsPerCall - failed;
      }
    }),
  );
  agent.destroy();
  return { requests: requests / SECONDS, records: records / SECONDS };
}

/** The same over HTTP/2: one session per connection, as the SDK's NodeHttp2Handler opens them. */
async function loadHttp2(port: number, body: Buffer): Promise<{ requests: number; records: number }> {
  const sessions = Array.from({ length: CONNECTIONS }, () => connectHttp2(`http://127.0.0.1:${port}`));
  const until = performance.now() + SECONDS * 1000;
  let requests = 0;
  await Promise.all(
    sessions.map(async (session) => {
      while (performance.now() < until) {
        await new Promise<void>((resolve, reject) => {
          const stream = session.request({
            ':method': 'POST',
            ':path': '/',
            ...headers('PutRecords', body.length),
          });
          stream.on('response', (h) => {
            if (h[':status'] !== 200) reject(new Error(`PutRecords over HTTP/2 answered ${h[':status']}`));
          });
          stream.resume();
          stream.on('end', resolve);
          stream.on('error', reject);
          stream.end(body);
        });
        requests += 1;
      }
    }),
  );
  for (const session of sessions) session.close();
  return { requests: requests / SECONDS, records: (requests * RECORDS) / SECONDS };
}

/** The transport's floor: PutRecords that accepts every record without storing it. */
const trivial: Service = {
  targetPrefix: 'Kinesis_20131202',
  operations: new Map<string, Operation>([
    [
      'PutRecords',
      (input: Record<string, unknown>) => ({
        FailedRecordCount: 0,
        Records: (input.Records as unknown[]).map((_, i) => ({
          SequenceNumber: String(i),
          ShardId: 'shardId-000000000000',
        })),
      }),
    ],
    ['ListStreams', () => ({ StreamNames: [STREAM], HasMoreStreams: false })],
  ]),
};

const serve = await startServer({ services: [trivial], port: 0, limits: 'off' });

/** serve with its own services and a stream of `shards` shards, ACTIVE. */
async function serveWithModel(limits: 'aws' | 'off', shards: number): Promise<RunningServer> {
  const clock = createClock(1);
  const server = await startServer({
    port: 0,
    clock,
    limits,
    services: createServices({
      clock,
      limits,
      dataDir: undefined,
      region: 'us-east-1',
      accountId: '000000000000',
    }),
  });
  const agent = new Agent({ keepAlive: false });
  await call(
    agent,
    server.port,
    'CreateStream',
    Buffer.from(JSON.stringify({ StreamName: STREAM, ShardCount: shards })),
  );
  for (;;) {
    const summary = await call(
      agent,
      server.port,
      'DescribeStreamSummary',
      Buffer.from(JSON.stringify({ StreamName: STREAM })),
    );
    if (summary.text.includes('"ACTIVE"')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return server;
}
const modelOff = await serveWithModel('off', 8);
const modelAws = await serveWithModel('aws', 200);
const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
await new Promise<void>((resolve) => kinesis.listen(0, '127.0.0.1', resolve));
const kinesalitePort = (kinesis.address() as { port: number }).port;
await call(
  new Agent({ keepAlive: false }),
  kinesalitePort,
  'CreateStream',
  Buffer.from(JSON.stringify({ StreamName: STREAM, ShardCount: 8 })),
);
await new Promise((resolve) => setTimeout(resolve, 200));
const listBody = Buffer.from('{}');
const rows: [string, { requests: number; records: number }][] = [];
rows.push([
  'serve --limits off PutRecords (8 shards)',
  await load(modelOff.port, 'PutRecords', putBodies, RECORDS),
]);
rows.push(['kinesalite PutRecords (8 shards)', await load(kinesalitePort, 'PutRecords', putBodies, RECORDS)]);
rows.push([
  'serve --limits aws PutRecords (200 shards)',
  await load(modelAws.port, 'PutRecords', putBodies, RECORDS),
]);
rows.push(['serve transport alone (stores nothing)', await load(serve.port, 'PutRecords', putBody, RECORDS)]);
rows.push(['serve (transport) PutRecords over HTTP/2', await loadHttp2(serve.port, putBody)]);
rows.push(['serve ListStreams', await load(modelOff.port, 'ListStreams', listBody, 0)]);
rows.push(['kinesalite ListStreams', await load(kinesalitePort, 'ListStreams', listBody, 0)]);

console.log(
  `shardcast serve vs kinesalite: ${CONNECTIONS} connections, ${SECONDS} s each, PutRecords of ${RECORDS} × ${RECORD_BYTES} B`,
);
for (const [label, rate] of rows) {
  console.log(
    `${label.padEnd(40)} ${rate.requests.toFixed(0).padStart(7)} requests/s ${rate.records > 0 ? `${rate.records.toFixed(0).padStart(9)} records/s` : ''}`,
  );
}
const putRatio = rows[0]![1].records / rows[1]![1].records;
const withLimits = rows[2]![1].records;
const listRatio = rows[5]![1].requests / rows[6]![1].requests;
console.log(
  `PutRecords records/s, serve --limits off / kinesalite: ${putRatio.toFixed(2)}× (the issue asks at least 3×: ${putRatio >= 3 ? 'ok' : 'BELOW'})`,
);
console.log(
  `PutRecords records/s with --limits aws on 200 shards: ${withLimits.toFixed(0)} (the issue asks at least 50,000: ${withLimits >= 50_000 ? 'ok' : 'BELOW'})`,
);
console.log(`ListStreams requests/s, serve / kinesalite: ${listRatio.toFixed(2)}×`);
await serve.close();
await modelOff.close();
await modelAws.close();
await new Promise((resolve) => kinesis.close(resolve));
