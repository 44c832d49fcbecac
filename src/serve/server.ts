/**
 * `shardcast serve`'s transport: one TCP port for HTTP/1.1 (keep-alive) and cleartext HTTP/2 with
 * prior knowledge (what the SDK's `NodeHttp2Handler` sends to an `http://` endpoint). Node's
 * `http2.createServer` does not take HTTP/1.1 on the same port, so each connection's first bytes
 * decide: the HTTP/2 preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` goes to the HTTP/2 server (through
 * its own loopback port: `relayTo`), anything else to the HTTP/1.1 one. The services are given (`startServer({ services })`); the transport
 * adds AWS's wire protocols (transport/request.ts), faults (faults.ts) and the admin routes
 * (admin.ts).
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import { connect as connectNet, createServer as createNetServer, type Socket } from 'node:net';
import { KINESIS } from '../aws/facts.js';
import { answerAdmin, type TransportCounts } from './admin.js';
import { createClock, type ScaledClock } from './clock.js';
import { FaultInjector, type FaultPlan, NO_FAULTS, parseFaults } from './faults.js';
import type { ServeClock, Service } from './protocol.js';
import { CBOR_CONTENT_TYPE, encodeBody, JSON_CONTENT_TYPE } from './transport/codec.js';
import {
  answer,
  formatOfRequest,
  type Request,
  type Response,
  readBody,
  requestIdHeaders,
  send,
  type Transport,
  tooLargeError,
} from './transport/request.js';

export interface ServerOptions {
  services: readonly Service[];
  /** 127.0.0.1 by default: nothing outside this machine reaches it unless asked. */
  host?: string;
  /** 4567 by default; 0 takes any free port. */
  port?: number;
  /** Seeds the faults' generator (1 by default). */
  seed?: number;
  /** A fault spec (`throttle=5%,…`) or a parsed plan; none by default. */
  faults?: string | FaultPlan;
  limits?: 'aws' | 'off';
  /** Server time runs this many times faster than real time (1 by default). */
  timeScale?: number;
  region?: string;
  accountId?: string;
  /** The clock the services were made with (`createClock`); one at `timeScale` by default. */
  clock?: ScaledClock;
  /**
   * The largest request body taken (DEFAULT_MAX_BODY_BYTES); a longer one is read to its end and
   * dropped (up to 4 times this, then the connection is cut) and answered 413.
   */
  maxBodyBytes?: number;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  host: string;
  port: number;
  clock: ServeClock;
  /** Ends every connection (HTTP/2 sessions too) and stops the services' and the clock's timers. */
  close(): Promise<void>;
}

/**
 * The largest PutRecords, base64-encoded, with room for its JSON: 10 MiB of data is
 * ⌈10,485,760 / 3⌉ × 4 = 13,981,016 base64 characters, plus up to 500 entries × (256 key
 * characters + 1 KiB for names, quotes and an ExplicitHashKey) = 640,000: 14,621,016 bytes (13.9 MiB).
 */
export const DEFAULT_MAX_BODY_BYTES =
  Math.ceil(KINESIS.putRecordsMaxBytes.value / 3) * 4 +
  KINESIS.putRecordsMaxRecords.value * (KINESIS.partitionKeyMaxChars.value + 1024);

/** HTTP/2 flow-control windows (stream and session): the largest request body, at most HTTP/2's 2^31 − 1. */
const HTTP2_WINDOW_BYTES = Math.min(DEFAULT_MAX_BODY_BYTES, 2 ** 31 - 1);

/** How long a new connection may take to send its first bytes (as Node's `headersTimeout`). */
const FIRST_BYTES_TIMEOUT_MS = 60_000;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** A port that cannot be listened on (EADDRINUSE, EACCES): the CLI words it for the user. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    cause: Error,
  ) {
    super(`cannot listen on ${host}:${port}: ${cause.message}`);
    this.name = 'ListenError';
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? createClock(options.timeScale ?? 1);
  const plan =
    typeof options.faults === 'string' ? parseFaults(options.faults) : (options.faults ?? NO_FAULTS);
  const faults = new FaultInjector(options.seed ?? 1, plan);
  const counts: TransportCounts = { requests: {}, errors: {} };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const transport: Transport = {
    services: new Map(options.services.map((s) => [s.targetPrefix, s])),
    context: {
      clock,
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
      limits: options.limits ?? 'aws',
    },
    faults,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    count(key, status, errorType) {
      const byStatus = counts.requests[key] ?? {};
      counts.requests[key] = byStatus;
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
      if (errorType !== undefined) counts.errors[errorType] = (counts.errors[errorType] ?? 0) + 1;
    },
    delay: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
  };
  const admin = { services: options.services, faults, counts };

  const handle = (request: Request, response: Response) => {
    serveOne(transport, admin, request, response).catch(() => {
      // Only a broken socket gets here (a write after the client left): nothing to answer.
    });
  };
  const http1 = createHttpServer({ keepAliveTimeout: 60_000 }, handle);
  // A PutRecords body is up to 14 MB: HTTP/2's default 64 KiB windows would make the client wait
  // for a WINDOW_UPDATE every 64 KiB. Windows of the largest body let it send in one go.
  const http2 = createHttp2Server({ settings: { initialWindowSize: HTTP2_WINDOW_BYTES } }, handle);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.setLocalWindowSize(HTTP2_WINDOW_BYTES);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  // A client that sends garbage gets the parser's 400 and the connection closes: no crash.
  http1.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  http2.on('sessionError', () => {});

  const http2Port = await new Promise<number>((resolve, reject) => {
    http2.once('error', reject);
    http2.listen(0, '127.0.0.1', () => resolve((http2.address() as { port: number }).port));
  });
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    dispatch(socket, (isHttp2, first) => {
      if (isHttp2) {
        relayTo(http2Port, socket, first, sockets);
        return;
      }
      // HTTP/1.1 reads through the socket's stream: the bytes put back are read again.
      socket.unshift(first);
      http1.emit('connection', socket);
      socket.resume();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      http2.close();
      reject(new ListenError(error.code ?? 'ERROR', host, options.port ?? 4567, error));
    });
    server.listen(options.port ?? 4567, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : (options.port ?? 4567));
    });
  });
  server.on('error', () => {});

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    clock,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        http1.close();
        http2.close();
        await stopped;
        for (const service of options.services) await service.close?.();
        clock.close();
      })();
      return closing;
    },
  };
}

/**
 * Reads a connection's first bytes until they are the HTTP/2 preface or cannot be, and hands the
 * connection on with them.
 */
function dispatch(socket: Socket, handOver: (isHttp2: boolean, first: Buffer) => void): void {
  let seen = Buffer.alloc(0);
  // A connection that sends nothing is closed after a while; once handed over, the HTTP servers'
  // own timeouts apply.
  socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => socket.destroy());
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, HTTP2_PREFACE.length);
    const matches = seen.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (matches && seen.length < HTTP2_PREFACE.length) return;
    socket.off('data', onData);
    socket.setTimeout(0);
    socket.pause();
    handOver(matches, seen);
  };
  socket.on('data', onData);
}

/**
 * Relays an HTTP/2 connection to the HTTP/2 server's own loopback port, `first` bytes first. The
 * HTTP/2 server reads a socket's native handle, so bytes already read cannot be put back; and a
 * JavaScript stream in place of the socket stalls its flow control under load (a subscription
 * stopped after 2.8 MB). Two real sockets piped keep both backpressure and speed.
 */
function relayTo(port: number, socket: Socket, first: Buffer, sockets: Set<Socket>): void {
  const upstream = connectNet(port, '127.0.0.1');
  sockets.add(upstream);
  upstream.setNoDelay(true);
  socket.setNoDelay(true);
  upstream.on('close', () => {
    sockets.delete(upstream);
    socket.destroy();
  });
  upstream.on('error', () => {});
  socket.on('close', () => upstream.destroy());
  upstream.write(first);
  socket.pipe(upstream);
  upstream.pipe(socket);
}

async function serveOne(
  transport: Transport,
  admin: Parameters<typeof answerAdmin>[0],
  request: Request,
  response: Response,
): Promise<void> {
  response.on('error', () => {});
  request.on('error', () => {});
  const path = request.url ?? '/';
  const read = await readBody(request, transport.maxBodyBytes);
  if ('aborted' in read) return;
  if ('tooLarge' in read) {
    if (request.readableAborted || response.destroyed) return;
    const error = tooLargeError(transport.maxBodyBytes);
    transport.count('unknown', error.status, error.type);
    const format = formatOfRequest(request);
    // Drained, the connection is clean and carries on; cut short (past DISCARD_FACTOR × the bound),
    // HTTP/1.1 closes after the answer, and HTTP/2 (no Connection header: it throws) resets the
    // one stream (closeAfterAnswer).
    const closing: Record<string, string> =
      read.tooLarge.drained || 'stream' in response ? {} : { Connection: 'close' };
    send(
      response,
      error.status,
      {
        ...requestIdHeaders(),
        ...closing,
        'Content-Type': format === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE,
      },
      encodeBody({ __type: error.type, message: error.message }, format),
    );
    if (!read.tooLarge.drained) response.on('finish', () => closeAfterAnswer(response));
    return;
  }
  const body = read.body;
  if (path.startsWith('/_shardcast/')) {
    const result = answerAdmin(admin, request.method ?? 'GET', path, body.toString('utf8'));
    send(response, result.status, { 'Content-Type': 'application/json' }, JSON.stringify(result.body));
    return;
  }
  await answer(transport, request, response, body);
}

function closeAfterAnswer(response: Response): void {
  if ('stream' in response && response.stream) response.stream.close();
  else response.socket?.destroySoon?.();
}
