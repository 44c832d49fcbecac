/**
 * The `http` target: a scenario's records sent as HTTP requests to an ingestion front (an API
 * Gateway Kinesis proxy, a collector service, a load balancer before a fleet) with autocannon's
 * connections, open loop at the scenario's rate (driver.ts), bodies in one of three formats
 * (formats.ts). It measures what a client of the front sees: requests, statuses, put latency,
 * throughput. With `--verify-endpoint` and `--verify-stream` it also reads the stream behind the
 * front (verify.ts): integrity, end-to-end latency, per-shard load. It creates nothing, so its
 * cleanup has nothing to delete.
 */
import { connect } from 'node:net';
import { asTargetFailure, ExitCode, RunAbortedError, ShardcastError } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Target, TargetContext, TargetSession } from '../target.js';
import { HTTP_FLAGS, type HttpOptions, httpOptionsSchema } from './options.js';
import { createHttpSession } from './session.js';
import { prepareVerifier } from './verify.js';

/** What the http target measures alone (README, "Run metrics"), as `measures` patterns. */
export const HTTP_MEASURES: readonly string[] = [
  'records.*',
  'putRequests',
  'lostRecords',
  'throttledRatio',
  'throughput.*',
  'putLatency.*',
];

/** What it measures reading the stream behind the front too (`--verify-stream`). */
export const HTTP_VERIFY_MEASURES: readonly string[] = [
  ...HTTP_MEASURES,
  'e2eLatency.*',
  'consumers.*.lagSeconds.max',
  'consumers.*.delivered',
  'consumerLag.*',
  'shards.*',
];

/** What it measures with these options: the stream's side too when it reads it back. */
export function httpMeasures(options: HttpOptions): readonly string[] {
  return verifies(options) ? HTTP_VERIFY_MEASURES : HTTP_MEASURES;
}

/** Its own metrics for a scenario (README, "Target metrics"): known before the run. */
export function httpOwnMetrics(scenario: Scenario): string[] {
  return [
    'requests.**',
    'http.**',
    'entries.**',
    'verify.**',
    ...scenario.consumers.flatMap((c) =>
      ['delivered', 'missing', 'duplicates', 'outOfOrder'].map((m) => `integrity.${c.name}.${m}`),
    ),
  ];
}

/** Whether a run reads the stream behind the front. */
export function verifies(options: HttpOptions): boolean {
  return options.verifyEndpoint !== undefined && options.verifyStream !== undefined;
}

/**
 * One TCP connection to the URL's host and port before the run: a front that is not there is
 * one line and exit 3 before the clock starts, not a run of refused connections.
 */
export async function checkReachable(url: string, signal: AbortSignal, timeoutMs = 5_000): Promise<void> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port, signal });
    const timer = setTimeout(() => done(`no connection after ${timeoutMs / 1000} s`), timeoutMs);
    function done(why: string | undefined): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    }
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
  if (signal.aborted) throw new RunAbortedError();
  if (problem !== undefined) {
    throw new ShardcastError(
      'target-failed',
      `cannot connect to ${parsed.host} (--url ${url}): ${problem}`,
      ExitCode.targetFailed,
      'check that the front is up and listening there, and the URL (scheme, host, port)',
    );
  }
}

async function prepareHttp(context: TargetContext<HttpOptions>): Promise<TargetSession> {
  const { options } = context;
  await checkReachable(options.url, context.signal);
  const details: Record<string, string> = {
    url: options.url,
    format: options.format,
    method: options.method,
    connections: String(options.connections),
    pipelining: String(options.pipelining),
  };
  const verifier = verifies(options) ? await prepareVerifier(context) : undefined;
  if (verifier !== undefined) {
    details.verifyEndpoint = options.verifyEndpoint ?? '';
    details.verifyStream = options.verifyStream ?? '';
    details.verifyApplications = verifier.applications.join(', ');
  }
  const session = createHttpSession(context, { details, measures: httpMeasures(options), verifier });
  return {
    run: () => session.run().catch((error: unknown) => Promise.reject(asTargetFailure(error))),
    partial: () => session.partial(),
    // It created nothing; the verifying consumers stop with the run (or here, when it never ran).
    cleanup: async () => {
      await verifier?.stop().catch(() => undefined);
      return [];
    },
  };
}

export const httpTarget: Target<HttpOptions> = {
  name: 'http',
  describe: () =>
    'an HTTP ingestion front (API Gateway Kinesis proxy, a collector) loaded with autocannon (--url); creates nothing',
  options: httpOptionsSchema,
  flags: HTTP_FLAGS,
  measures: HTTP_MEASURES,
  measuresWith: httpMeasures,
  // Each worker sends its share with its own connections; nothing needs the whole run in one process.
  supportsShares: true,
  ownMetrics: httpOwnMetrics,
  prepare: prepareHttp,
};
