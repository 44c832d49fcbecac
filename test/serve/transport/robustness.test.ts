/**
 * The server survives what clients throw at it: random bodies, headers and bytes (fast-check, the
 * project's fixed seed), requests cut off mid-body, and clients that leave in the middle of an
 * event stream. Every complete request gets an HTTP answer; nothing crashes or rejects unhandled
 * (vitest fails a run on an unhandled error), and the server answers normally afterwards.
 */
import { connect as connectHttp2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, encodeInitialResponse } from '../../../src/serve/event-stream.js';
import type { Operation, Service, StreamingResponse } from '../../../src/serve/protocol.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { fixtureKinesis } from './fixtures.js';
import { awsHeaders, raw } from './raw.js';

/** A streaming operation that writes an event every 5 ms, honouring backpressure, until the client leaves. */
function tickingService(log: { closed: number; written: number }): Service {
  const ticking: Operation = {
    streaming: true,
    handle(_input, _context, response: StreamingResponse) {
      response.start({});
      response.write(encodeInitialResponse());
      let waiting = false;
      const timer = setInterval(() => {
        if (response.closed || waiting) return;
        log.written += 1;
        const ok = response.write(
          encodeEvent('SubscribeToShardEvent', {
            Records: [],
            ContinuationSequenceNumber: String(log.written),
            MillisBehindLatest: 0,
          }),
        );
        if (!ok) {
          waiting = true;
          response.onDrain(() => {
            waiting = false;
          });
        }
      }, 5);
      response.onClose(() => {
        clearInterval(timer);
        log.closed += 1;
      });
    },
  };
  return { targetPrefix: 'Ticker_20250101', operations: new Map([['Tick', ticking]]) };
}

let server: RunningServer;
const log = { closed: 0, written: 0 };
beforeAll(async () => {
  server = await startServer({
    services: [fixtureKinesis(), tickingService(log)],
    port: 0,
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(() => server.close());

/** Sends `bytes` on a fresh connection; resolves with what came back once the server closes or `waitMs` pass. */
function exchange(bytes: Buffer, options: { waitMs: number; endAfterSend?: boolean }): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, options.waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is all a complete request gets: stop once its headers and body are in.
      const text = Buffer.concat(chunks).toString('latin1');
      const length = /content-length: (\d+)/i.exec(text);
      const head = text.indexOf('\r\n\r\n');
      if (length && head >= 0 && text.length >= head + 4 + Number(length[1])) done();
    });
    socket.on('error', () => {});
    socket.on('close', done);
    socket.write(bytes);
    if (options.endAfterSend) socket.end();
  });
}

async function healthy(): Promise<void> {
  const answer = await raw(server.endpoint, {
    headers: awsHeaders('Kinesis_20131202.ListStreams'),
    body: '{}',
  });
  expect(answer.status).toBe(200);
}

const printable = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._ /;=:{}"\''),
  maxLength: 40,
});
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }).map((j) => Buffer.from(j)),
  fc
    .constantFrom('{"Records":[{"Data":"@@","PartitionKey":1}]}', '{"StreamName":', '', 'null')
    .map((t) => Buffer.from(t)),
);
const request = fc.record({
  method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'BREW'),
  path: fc.constantFrom('/', '/x?y=1', '/_shardcast/metrics', '/_shardcast/faults', '/_shardcast/zzz'),
  target: fc.oneof(
    fc.constantFrom(
      'Kinesis_20131202.ListStreams',
      'Kinesis_20131202.PutRecords',
      'Kinesis_20131202.Boom',
      'Ticker_20250101.Tick',
      'Kinesis_20131202.',
      '.',
    ),
    printable,
  ),
  contentType: fc.constantFrom(
    'application/x-amz-json-1.1',
    'application/x-amz-cbor-1.1',
    'application/json',
    'text/plain',
    '',
  ),
  extra: fc.array(fc.tuple(fc.constantFrom('x-amz-date', 'authorization', 'x-random', 'accept'), printable), {
    maxLength: 3,
  }),
  body,
});

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function httpRequest(r: FuzzRequest): Buffer {
  const lines = [
    `${r.method} ${r.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `X-Amz-Target: ${r.target}`,
    `Authorization: x`,
    `Content-Length: ${r.body.length}`,
  ];
  if (r.contentType) lines.push(`Content-Type: ${r.contentType}`);
  for (const [name, value] of r.extra) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), r.body]);
}

describe('fuzz', () => {
  it('every complete request with random headers and body gets an HTTP answer', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const answer = await exchange(httpRequest(r), { waitMs: 1000 });
        const statusLine = answer.toString('latin1').split('\r\n')[0] ?? '';
        // The ticking stream answers 200 and keeps going until we hang up; everything else ends.
        expect(statusLine).toMatch(/^HTTP\/1\.1 \d{3} /);
        const status = Number(statusLine.split(' ')[1]);
        expect(status === 200 || (status >= 400 && status < 600)).toBe(true);
      }),
      { numRuns: 150 },
    );
    await healthy();
  });

  it('random bytes, requests cut short and bodies left unfinished: the server closes or waits, and lives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.tuple(request, fc.double({ min: 0, max: 1, noNaN: true })).map(([r, cut]) => {
            const bytes = httpRequest(r);
            return bytes.subarray(0, Math.floor(bytes.length * cut));
          }),
          // The HTTP/2 preface followed by garbage frames.
          fc
            .uint8Array({ maxLength: 100 })
            .map((b) => Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from(b)])),
        ),
        async (bytes) => {
          await exchange(bytes, { waitMs: 50, endAfterSend: true });
        },
      ),
      { numRuns: 100 },
    );
    await healthy();
  });
});

describe('clients that leave', () => {
  it('mid-body: the half-read request is dropped and the server carries on', async () => {
    const head = `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\nAuthorization: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{"Records":[`;
    for (let i = 0; i < 20; i++) await exchange(Buffer.from(head), { waitMs: 5 });
    await healthy();
  });

  it('mid-stream over HTTP/1.1 and HTTP/2: the operation hears onClose and stops writing', async () => {
    const closedBefore = log.closed;
    // HTTP/1.1: read a little of the chunked answer, then hang up.
    const answer = await exchange(
      Buffer.from(
        `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Ticker_20250101.Tick\r\nAuthorization: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}`,
      ),
      { waitMs: 60 },
    );
    expect(answer.toString('latin1')).toMatch(
      /^HTTP\/1\.1 200 .*\r\n[\s\S]*content-type: application\/vnd\.amazon\.eventstream/i,
    );
    // HTTP/2: open the stream, take a few events, reset it.
    const session = connectHttp2(server.endpoint);
    session.on('error', () => {});
    const stream = session.request({
      ':method': 'POST',
      ':path': '/',
      'x-amz-target': 'Ticker_20250101.Tick',
      authorization: 'x',
      'content-type': 'application/x-amz-json-1.1',
    });
    stream.on('error', () => {});
    stream.end('{}');
    await new Promise<void>((resolve) => {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > 500) resolve();
      });
    });
    stream.close();
    session.destroy();
    for (let i = 0; i < 100 && log.closed < closedBefore + 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(log.closed).toBe(closedBefore + 2);
    const written = log.written;
    await new Promise((r) => setTimeout(r, 50));
    expect(log.written).toBe(written);
    await healthy();
  });
});
