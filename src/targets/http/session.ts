/**
 * One run of the `http` target: the driver (driver.ts) on one clock, one second closed per second
 * (`recorder.endSecond` → `onSample`), and the RunResult with the target's own metrics.
 *
 *   t = 0          the driver opens its connections; the first records are due
 *   t = i + 1      second i closes: the recorder's sample
 *   t = duration   every scheduled record has been sent; the driver goes on retrying what was
 *                  throttled or failed until each record is acknowledged or given up
 *   end            the last second closes (what happened after the duration lands in it); the
 *                  result gets the target's own metrics: requests by outcome, HTTP statuses,
 *                  connection errors, refused PutRecords entries, requests per second
 *
 * With `--verify-stream` (verify.ts) the stream behind the front is read back too: integrity per
 * consumer application, end-to-end latency and the per-shard load.
 *
 * An abort (SIGINT, `--abort-on-fail`) stops the driver at once and rejects with
 * `RunAbortedError`; `partial()` then builds the result over the seconds closed so far.
 */
import { RunAbortedError } from '../../errors.js';
import { RunRecorder } from '../../result/recorder.js';
import type { RunResult } from '../../result/types.js';
import { runTag } from '../../workload/record-header.js';
import { RunClock } from '../clock.js';
import type { TargetContext } from '../target.js';
import { type DriverOutcome, HttpDriver } from './driver.js';
import type { HttpOptions } from './options.js';
import type { Verifier } from './verify.js';

export interface HttpSession {
  run(): Promise<RunResult>;
  partial(): RunResult | undefined;
}

/** What the session says about where it ran (for `result.target`). */
export interface HttpAbout {
  details: Record<string, string>;
  measures: readonly string[];
  /** Reads the stream behind the front, when verifying. */
  verifier?: Verifier | undefined;
}

interface Running {
  clock: RunClock;
  recorder: RunRecorder;
  closed: number;
  outcome?: DriverOutcome | undefined;
  driver: HttpDriver;
}

export function createHttpSession(context: TargetContext<HttpOptions>, about: HttpAbout): HttpSession {
  let running: Running | undefined;
  return {
    run: async () => {
      running = await start(context, about);
      return runSession(context, running, about);
    },
    partial: () => (running === undefined ? undefined : buildResult(context, running, about, true)),
  };
}

async function start(context: TargetContext<HttpOptions>, about: HttpAbout): Promise<Running> {
  const { scenario, options, durationSeconds } = context;
  const seconds = Math.max(1, Math.ceil(durationSeconds));
  const clock = new RunClock(seconds);
  const recorder = new RunRecorder({
    seconds,
    consumers: about.verifier?.applications ?? [],
    firehoses: [],
  });
  about.verifier?.start(clock, recorder);
  const driver = new HttpDriver({
    url: options.url,
    method: options.method,
    headers: options.header,
    connections: options.connections,
    pipelining: options.pipelining,
    timeoutSeconds: options.timeout,
    format: options.format,
    scenario,
    seed: context.seed,
    durationSeconds,
    share: context.share,
    clock,
    body: {
      runTag: runTag(context.header.runId),
      worker: context.share.index,
      streamName: options.streamName ?? scenario.stream.name ?? scenario.name,
      producerNames: scenario.producers.map((p) => p.name),
    },
    sink: {
      countWrites: (second, counts) => recorder.countWrites(second, counts),
      countPutRequests: (n) => recorder.countPutRequests(n),
      acknowledged: (record, latencySeconds, second) => {
        recorder.recordPutLatency(latencySeconds);
        about.verifier?.acknowledged(record, second);
      },
    },
    signal: context.signal,
  });
  return { clock, recorder, closed: 0, driver };
}

async function runSession(
  context: TargetContext<HttpOptions>,
  running: Running,
  about: HttpAbout,
): Promise<RunResult> {
  const { recorder, clock } = running;
  const seconds = recorder.seconds;
  const ticker = new AbortController();
  const stopTicker = () => ticker.abort();
  context.signal.addEventListener('abort', stopTicker, { once: true });
  const closing = (async () => {
    for (let i = 0; i < seconds - 1; i++) {
      // Past, not until: a timer may fire before the clock reaches i + 1, and a second closed
      // early loses what is counted in its last millisecond (the aws session closes alike).
      await clock.sleepPast(i + 1, ticker.signal);
      closeSecond(context, running, about, i);
    }
    await clock.sleepPast(context.durationSeconds, ticker.signal);
  })().catch((error: unknown) => {
    if (!(error instanceof RunAbortedError)) throw error;
  });
  try {
    running.outcome = await running.driver.run();
    await closing;
    if (!context.signal.aborted) await about.verifier?.drain(context.options.drain, context.signal);
  } finally {
    stopTicker();
    context.signal.removeEventListener('abort', stopTicker);
    await about.verifier?.stop();
  }
  if (context.signal.aborted) throw new RunAbortedError();
  for (let i = running.closed; i < seconds; i++) closeSecond(context, running, about, i);
  return buildResult(context, running, about);
}

function closeSecond(
  context: TargetContext<HttpOptions>,
  running: Running,
  about: HttpAbout,
  i: number,
): void {
  about.verifier?.closeSecond(i, running.recorder);
  const sample = running.recorder.endSecond(i);
  running.closed = i + 1;
  context.onSample?.(sample);
  context.onProgress?.(Math.min(1, (i + 1) / running.recorder.seconds));
}

function buildResult(
  context: TargetContext<HttpOptions>,
  running: Running,
  about: HttpAbout,
  partial: true,
): RunResult | undefined;
function buildResult(context: TargetContext<HttpOptions>, running: Running, about: HttpAbout): RunResult;
function buildResult(
  context: TargetContext<HttpOptions>,
  running: Running,
  about: HttpAbout,
  partial = false,
): RunResult | undefined {
  const { recorder } = running;
  const integrity = about.verifier?.counts() ?? {};
  const args = {
    header: context.header,
    scenario: {
      name: context.scenario.name,
      seed: context.seed,
      durationSeconds: context.durationSeconds,
      tickSeconds: 1,
      target: 'http',
    },
    pendingAtEnd: running.outcome?.pendingAtEnd ?? 0,
    delivered: Object.fromEntries(Object.entries(integrity).map(([app, c]) => [app, c.delivered])),
    firehose: {},
  };
  const result = partial ? recorder.buildPartial(args) : recorder.build(args);
  if (result === undefined) return undefined;
  const own: Record<string, number> = { ...(running.outcome?.counts ?? running.driver.countsSoFar()) };
  // Requests sent per second (first sends and retries), over the seconds the result covers.
  const perSecond = (running.outcome?.requestsPerSecond ?? running.driver.requestsSoFar()).slice(
    0,
    result.series.offered.length,
  );
  // The schedule's records per second, over the same seconds: the target rate the chart draws
  // requests and records sent against.
  const scheduled = running.driver.scheduledPerSecond.slice(0, result.series.offered.length);
  result.series.requests = [...perSecond];
  result.series.scheduled = scheduled;
  if (perSecond.length > 0) {
    own['http.requestsPerSecond.mean'] = perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
    own['http.requestsPerSecond.max'] = Math.max(...perSecond);
  }
  for (const [app, c] of Object.entries(integrity)) {
    own[`integrity.${app}.delivered`] = c.delivered;
    own[`integrity.${app}.missing`] = c.missing;
    own[`integrity.${app}.duplicates`] = c.duplicates;
    own[`integrity.${app}.outOfOrder`] = c.outOfOrder;
  }
  Object.assign(own, about.verifier?.requestMetrics());
  result.metrics = { ...result.metrics, ...own };
  result.target = {
    name: 'http',
    details: about.details,
    measures: [...about.measures],
    metrics: own,
    resources: [],
  };
  return result;
}
