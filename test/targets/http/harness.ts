/**
 * A local HTTP server started by each test (127.0.0.1, port 0) and the http target's session run
 * against it in-process: what the server saw (requests, bodies, arrival times) beside the result.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecondSample } from '../../../src/result/live.js';
import type { RunResult } from '../../../src/result/types.js';
import { scenarioSchema } from '../../../src/scenario/schema.js';
import { HTTP_MEASURES } from '../../../src/targets/http/index.js';
import { type HttpOptions, httpOptionsSchema } from '../../../src/targets/http/options.js';
import { createHttpSession } from '../../../src/targets/http/session.js';
import { type TargetContext, WHOLE_RUN } from '../../../src/targets/target.js';

export interface Seen {
  /** Monotonic ms (performance.now()) when the request's body had arrived. */
  atMs: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface TestServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Answers with `answer(request number from 0, the request)`: a status and a body, `destroy` to cut the connection, `hold` to never answer. */
export type Answer = (
  n: number,
  seen: Seen,
  res: ServerResponse,
) => { status: number; body?: string } | 'destroy' | 'hold';

export async function startTestServer(answer: Answer = () => ({ status: 200 })): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { atMs: performance.now(), headers: req.headers, body: Buffer.concat(chunks) };
      const n = seen.length;
      seen.push(s);
      const a = answer(n, s, res);
      if (a === 'destroy') {
        req.socket.destroy();
        return;
      }
      // No answer: the client's timeout ends it (the server's close at the end cuts the socket).
      if (a === 'hold') return;
      res.writeHead(a.status, { 'Content-Type': 'application/json' });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpRun {
  result: RunResult;
  samples: SecondSample[];
  startedMs: number;
}

/** Runs `scenario` (scenario-file shape) against `options.url` for its duration. */
export async function runHttp(
  scenario: Record<string, unknown>,
  options: Record<string, unknown>,
  signal = new AbortController().signal,
): Promise<HttpRun> {
  const parsed = scenarioSchema.parse(scenario);
  const samples: SecondSample[] = [];
  const context: TargetContext<HttpOptions> = {
    scenario: parsed,
    options: httpOptionsSchema.parse(options),
    seed: parsed.seed,
    durationSeconds: parsed.duration,
    header: { runId: 'r1', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: 'test' },
    share: WHOLE_RUN,
    signal,
    onSample: (sample) => samples.push(sample),
  };
  const session = createHttpSession(context, { details: {}, measures: HTTP_MEASURES });
  const startedMs = performance.now();
  const result = await session.run();
  return { result, samples, startedMs };
}
