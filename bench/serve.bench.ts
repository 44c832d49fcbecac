/**
 * Throughput of `shardcast serve`'s transport (src/serve/server.ts): `npm run bench`, or after
 * `npm run build`, `node --import tsx bench/serve.bench.ts`.
 *
 * One client for both servers, so the ratio is the servers' and not the clients': node:http with a
 * keep-alive agent, CONNECTIONS requests in flight, each a PutRecords of 500 records of 1 KiB
 * (JSON 1.1, base64 data: about 690 KB a request). Against serve, a trivial PutRecords (the
 * transport alone: read the body, decode, encode the answer; no limits, as `--limits off` would
 * serve it) and a ListStreams; against kinesalite (in-process, 8 shards), its real PutRecords and
 * ListStreams; and serve's PutRecords over HTTP/2 (cleartext, prior knowledge: relayed to the
 * HTTP/2 server's loopback port). The issue's bar: serve with limits off at least 3× kinesalite's records/s.
 */
import { Agent, request } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import kinesalite from 'kinesalite';
import type { Operation, Service } from '../dist/serve/protocol.js';
import { startServer } from '../dist/serve/server.js';

const CONNECTIONS = 8;
const SECONDS = 5;
const RECORDS = 500;
const RECORD_BYTES = 1024;
const STREAM = 'bench';

const putBody = Buffer.from(
  JSON.stringify({
    StreamName: STREAM,
    Records: Array.from({ length: RECORDS }, (_, i) => ({
      Data: Buffer.alloc(RECORD_BYTES, i % 251).toString('base64'),
      PartitionKey: `key-${i}`,
    })),
  }),
);

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
  body: Buffer,
  recordsPerCall: number,
): Promise<{ requests: number; records: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const until = performance.now() + SECONDS * 1000;
  let requests = 0;
  let records = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const answer = await call(agent, port, operation, body);
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
const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
await new Promise<void>((resolve) => kinesis.listen(0, '127.0.0.1', resolve));
const kinesalitePort = (kinesis.address() as { port: number }).port;
const setup = new Agent({ keepAlive: false });
await call(
  setup,
  kinesalitePort,
  'CreateStream',
  Buffer.from(JSON.stringify({ StreamName: STREAM, ShardCount: 8 })),
);
await new Promise((resolve) => setTimeout(resolve, 200));

const listBody = Buffer.from('{}');
const rows: [string, { requests: number; records: number }][] = [];
rows.push(['serve (transport, trivial PutRecords)', await load(serve.port, 'PutRecords', putBody, RECORDS)]);
rows.push(['kinesalite PutRecords', await load(kinesalitePort, 'PutRecords', putBody, RECORDS)]);
rows.push(['serve (transport) PutRecords over HTTP/2', await loadHttp2(serve.port, putBody)]);
rows.push(['serve ListStreams', await load(serve.port, 'ListStreams', listBody, 0)]);
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
const listRatio = rows[3]![1].requests / rows[4]![1].requests;
console.log(
  `PutRecords records/s, serve / kinesalite: ${putRatio.toFixed(2)}× (the issue asks at least 3× with --limits off: ${putRatio >= 3 ? 'ok' : 'BELOW'})`,
);
console.log(`ListStreams requests/s, serve / kinesalite: ${listRatio.toFixed(2)}×`);
await serve.close();
await new Promise((resolve) => kinesis.close(resolve));
