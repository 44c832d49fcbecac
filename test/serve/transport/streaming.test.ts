/**
 * Streaming responses: backpressure (`write` returns false when the peer's window is full, `onDrain`
 * says when to go on) over HTTP/2 and HTTP/1.1, and `close()` ending open streams. Plus CBOR's
 * `__proto__` key, which must stay a member.
 */
import { request } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { encode as encodeCbor } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent } from '../../../src/serve/event-stream.js';
import type { Operation, Service, StreamingResponse } from '../../../src/serve/protocol.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { decodeBody } from '../../../src/serve/transport/codec.js';

/** 200 events of 64 KiB (12.5 MiB): far more than HTTP/2's 64 KiB window or a socket buffer holds. */
const EVENTS = 200;
const PAYLOAD = 'x'.repeat(64 * 1024);

interface Log {
  refused: number;
  drains: number;
  closed: number;
  ended: boolean;
}

function floodService(log: Log): Service {
  const flood: Operation = {
    streaming: true,
    handle(_input, _context, response: StreamingResponse) {
      response.start({});
      response.onClose(() => {
        log.closed += 1;
      });
      let sent = 0;
      const pump = () => {
        while (sent < EVENTS && !response.closed) {
          sent += 1;
          if (!response.write(encodeEvent('Chunk', { n: sent, payload: PAYLOAD }))) {
            log.refused += 1;
            return; // onDrain calls pump again
          }
        }
        if (sent === EVENTS && !log.ended) {
          log.ended = true;
          response.end();
        }
      };
      response.onDrain(() => {
        log.drains += 1;
        pump();
      });
      pump();
    },
  };
  return { targetPrefix: 'Flood_20250101', operations: new Map([['Flood', flood]]) };
}

const HEADERS = {
  'x-amz-target': 'Flood_20250101.Flood',
  authorization: 'x',
  'content-type': 'application/x-amz-json-1.1',
};

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('backpressure', () => {
  it('over HTTP/2: a slow reader makes write return false; every event arrives once it reads', async () => {
    const log: Log = { refused: 0, drains: 0, closed: 0, ended: false };
    server = await startServer({ services: [floodService(log)], port: 0 });
    const session = connectHttp2(server.endpoint);
    const stream = session.request({ ':method': 'POST', ':path': '/', ...HEADERS });
    stream.end('{}');
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing read yet: the server stopped at the window and waits.
    expect(log.refused).toBeGreaterThanOrEqual(1);
    expect(log.ended).toBe(false);
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.resume();
    await new Promise((resolve) => stream.on('end', resolve));
    session.close();
    expect(log.ended).toBe(true);
    expect(log.drains).toBeGreaterThanOrEqual(log.refused);
    // Each event is the 64 KiB payload plus its JSON and framing, so more than 200 × 64 KiB in all.
    expect(bytes).toBeGreaterThan(EVENTS * PAYLOAD.length);
  });

  it('over HTTP/1.1 (chunked): the same', async () => {
    const log: Log = { refused: 0, drains: 0, closed: 0, ended: false };
    server = await startServer({ services: [floodService(log)], port: 0 });
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server!.endpoint}/`,
        { method: 'POST', headers: HEADERS, agent: false },
        (res) => {
          expect(res.headers['content-type']).toBe('application/vnd.amazon.eventstream');
          expect(res.headers['transfer-encoding']).toBe('chunked');
          res.pause();
          setTimeout(() => {
            expect(log.refused).toBeGreaterThanOrEqual(1);
            expect(log.ended).toBe(false);
            let total = 0;
            res.on('data', (chunk: Buffer) => {
              total += chunk.length;
            });
            res.on('end', () => resolve(total));
            res.resume();
          }, 200);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(log.ended).toBe(true);
    expect(bytes).toBeGreaterThan(EVENTS * PAYLOAD.length);
  });
});

describe('close()', () => {
  it('ends open streams (their onClose runs) and resolves; a second close() is the same promise', async () => {
    const log: Log = { refused: 0, drains: 0, closed: 0, ended: false };
    server = await startServer({ services: [floodService(log)], port: 0 });
    const session = connectHttp2(server.endpoint);
    session.on('error', () => {});
    const stream = session.request({ ':method': 'POST', ':path': '/', ...HEADERS });
    stream.on('error', () => {});
    stream.end('{}');
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    server = undefined;
    expect(log.closed).toBe(1);
    expect(log.ended).toBe(false);
    session.destroy();
  });
});

describe('CBOR input', () => {
  it('a __proto__ key stays a member, as JSON.parse keeps it', () => {
    const body = Buffer.from(
      encodeCbor(
        new Map<string, unknown>([
          ['__proto__', { polluted: true }],
          ['StreamName', 's'],
        ]),
      ),
    );
    const input = decodeBody(body, 'cbor');
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect((input as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(input)).toEqual(['__proto__', 'StreamName']);
  });
});
