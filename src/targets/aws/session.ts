/**
 * One run against Kinesis and Firehose, once `prepare` has the resources: the parts started
 * together on one clock, one second closed per second, the drain, and the RunResult.
 *
 *   t = 0          consumers, Firehose deliveries, reshards and producers start
 *   t = i + 1      second i closes: open shards, the shards' load row, the recorder's sample
 *   t = duration   the producers have sent every scheduled record; they go on retrying what
 *                  failed until each record is acknowledged or given up
 *   drain          consumers catch up until every acknowledged record is read (and Firehose has
 *                  delivered what it took, with --delivery-dir); the producers' retries and the
 *                  drain both stop at duration + `drain` at the latest
 *   end            every part stops; the last second closes (the drain's observations land in it);
 *                  the result gets the target's own metrics: integrity per application,
 *                  requests by operation and outcome, HTTP statuses, errors, the
 *                  SDK's retries, each reshard's time to ACTIVE
 *
 * An abort (SIGINT, `--abort-on-fail`) stops every part at once and rejects with
 * `RunAbortedError`; `partial()` then builds the result over the seconds closed so far.
 */
import { setMaxListeners } from 'node:events';
import { RunAbortedError } from '../../errors.js';
import type { FirehoseTotals } from '../../result/recorder.js';
import { RunRecorder } from '../../result/recorder.js';
import type { RunResult } from '../../result/types.js';
import { IntegrityLedger } from '../../workload/integrity.js';
import { RunClock, sleep } from '../clock.js';
import type { TargetContext } from '../target.js';
import { startConsumers } from './consumers/index.js';
import { type DeliverySource, watchDeliveries } from './deliveries.js';
import type { AwsOptions } from './options.js';
import { runProducers } from './producer.js';
import { runReshards } from './reshard.js';
import { firehoseDestination } from './resource-rules.js';
import {
  type AwsClients,
  type AwsRun,
  type DeliveriesOutcome,
  type ProducersOutcome,
  RequestStats,
  type ReshardOutcome,
  type RunResources,
} from './run.js';
import { s3Source } from './s3-deliveries.js';
import { listAllShards, ShardDirectory } from './shards.js';

/** The least time after the duration the producers' requests in flight have to be answered. */
const ANSWER_GRACE_SECONDS = 5;
/** How often the drain looks whether every consumer has caught up. */
const DRAIN_POLL_MS = 100;
/** How long a part may take to stop once told to, before the session goes on without it. */
const STOP_GRACE_MS = 5_000;

export interface AwsSession {
  run(): Promise<RunResult>;
  /** The result over the seconds closed so far, after an abort or a failure; undefined before the run started. */
  partial(): RunResult | undefined;
}

/** What the session says about where it ran and what it created (for `result.target`). */
export interface SessionAbout {
  details: Record<string, string>;
  /** The target's `measures` patterns. */
  measures: readonly string[];
  resourceLines: () => string[];
}

interface Running {
  run: AwsRun;
  /** Seconds closed so far (0 … n). */
  closed: number;
  producers?: ProducersOutcome | undefined;
  deliveries?: DeliveriesOutcome | undefined;
  reshards?: ReshardOutcome[] | undefined;
}

/** The parts a session starts: the real ones, or a test's. */
export interface SessionParts {
  startConsumers: typeof startConsumers;
  watchDeliveries: typeof watchDeliveries;
  runReshards: typeof runReshards;
  runProducers: typeof runProducers;
}

const REAL_PARTS: SessionParts = { startConsumers, watchDeliveries, runReshards, runProducers };

/**
 * Where Firehose's objects are read back: `--delivery-dir` (a local endpoint's folder) first, else
 * `--firehose-bucket` through S3 under each delivery stream's prefix; undefined reads nothing.
 */
function deliverySourceOf(run: AwsRun, options: AwsOptions): string | DeliverySource | undefined {
  if (options.deliveryDir !== undefined) return options.deliveryDir;
  const bucket = options.firehoseBucket;
  if (bucket === undefined || run.clients.s3 === undefined) return undefined;
  const prefixes = run.scenario.firehose.map((f) => firehoseDestination(options, run.runId, f.name).prefix);
  return s3Source(run.clients.s3, bucket, prefixes);
}

export function createAwsSession(
  context: TargetContext<AwsOptions>,
  clients: AwsClients,
  resources: RunResources,
  about: SessionAbout,
  parts: SessionParts = REAL_PARTS,
): AwsSession {
  let running: Running | undefined;
  return {
    run: async () => {
      const run = await startRun(context, clients, resources);
      running = { run, closed: 0 };
      return runSession(context, running, about, parts);
    },
    partial: () => (running === undefined ? undefined : buildResult(context, running, about, true)),
  };
}

async function startRun(
  context: TargetContext<AwsOptions>,
  clients: AwsClients,
  resources: RunResources,
): Promise<AwsRun> {
  const { scenario, durationSeconds } = context;
  const seconds = Math.max(1, Math.ceil(durationSeconds));
  const stats = new RequestStats();
  const shards = new ShardDirectory();
  // A scenario whose producers all send to Direct PUT Firehose streams has no stream to list.
  if (resources.streamArn !== '') {
    shards.update(
      // By name, as every other listing of the run: kinesalite's ListShards predates StreamARN
      // ("Either NextToken or StreamName should be provided").
      await listAllShards(clients.kinesis, { StreamName: resources.streamName }, stats, context.signal),
    );
  }

  const applications = scenario.consumers.map((c) => c.name);
  return {
    clients,
    resources,
    scenario,
    runId: context.header.runId,
    seed: context.seed,
    durationSeconds,
    share: context.share,
    // The clock starts once the stream is listed: t = 0 is when the first record may go.
    clock: new RunClock(seconds),
    recorder: new RunRecorder({
      seconds,
      consumers: applications,
      firehoses: scenario.firehose.map((f) => f.name),
    }),
    ledger: new IntegrityLedger(
      context.header.runId,
      scenario.producers.length,
      applications,
      context.share.index,
    ),
    stats,
    shards,
    signal: context.signal,
  };
}

async function runSession(
  context: TargetContext<AwsOptions>,
  running: Running,
  about: SessionAbout,
  the: SessionParts,
): Promise<RunResult> {
  const { run } = running;
  const { options } = context;
  const seconds = run.recorder.seconds;
  // One controller per part, so the producers can finish while the consumers drain; each also
  // stops on the run's signal.
  const controllers = {
    producers: linked(context.signal),
    consumers: linked(context.signal),
    deliveries: linked(context.signal),
    reshards: linked(context.signal),
    clock: linked(context.signal),
  };
  const stopAll = () => {
    for (const controller of Object.values(controllers)) controller.abort();
  };
  let failure: unknown;
  const failed = (error: unknown) => {
    failure ??= error;
    stopAll();
  };

  const consumers = the.startConsumers(run, controllers.consumers.signal).catch(failed);
  // What Firehose has delivered so far, read back from the objects (with --delivery-dir, or
  // --firehose-bucket through S3).
  const dir = deliverySourceOf(run, options);
  const delivering: DeliveriesOutcome = {};
  const deliveries =
    dir === undefined || run.scenario.firehose.length === 0
      ? Promise.resolve(undefined)
      : the.watchDeliveries(run, dir, controllers.deliveries.signal, delivering).then((outcome) => {
          running.deliveries = outcome;
        }, failed);
  const reshards = the.runReshards(run, controllers.reshards.signal).then((outcome) => {
    running.reshards = outcome;
  }, failed);
  const producers = the
    .runProducers(run, controllers.producers.signal, { maxInFlight: options.maxInFlight })
    .then((outcome) => {
      running.producers = outcome;
    }, failed);
  const ticker = closeSecondsAsTheyPass(context, running, controllers.clock.signal).catch(
    (error: unknown) => {
      if (!(error instanceof RunAbortedError)) failed(error);
    },
  );

  try {
    await ticker;
    // The run's end: the duration, then at most `drain` more for everything — the producers'
    // last retries (what is left then is pending at the end, as the estimate priced no more) and
    // the consumers catching up.
    const deadline = run.durationSeconds + options.drain;
    // The last requests sent at the duration get their answers even with `--drain 0s`: stopping
    // them mid-flight would leave records the stream took uncounted (seen: 10 of 10,000).
    const producersDeadline = run.durationSeconds + Math.max(options.drain, ANSWER_GRACE_SECONDS);
    void run.clock.sleepUntil(producersDeadline, controllers.clock.signal).then(
      () => controllers.producers.abort(),
      () => undefined,
    );
    await producers;
    if (failure === undefined && !context.signal.aborted)
      await drain(
        run,
        deadline,
        controllers.clock.signal,
        dir === undefined ? () => false : () => firehoseBehind(run, running, delivering),
      );
  } catch (error) {
    if (!(error instanceof RunAbortedError)) failed(error);
  }
  // Everything stops now: the reshards that had not come, the consumers, the Firehose watch (it
  // scans once more as it stops).
  stopAll();
  await settle([consumers, deliveries, reshards, producers]);
  if (context.signal.aborted) throw new RunAbortedError();
  if (failure !== undefined) throw failure;
  if (running.closed < seconds) closeSecond(context, running, seconds - 1);
  return buildResult(context, running, about);
}

/** Closes second i once the clock passes i + 1, for every second but the last (closed after the drain). */
async function closeSecondsAsTheyPass(
  context: TargetContext<AwsOptions>,
  running: Running,
  signal: AbortSignal,
): Promise<void> {
  const { run } = running;
  const seconds = run.recorder.seconds;
  for (let i = running.closed; i < seconds - 1; i++) {
    // Past i + 1 by the run's clock, not by the timer: an answer handled later counts in i + 1.
    await run.clock.sleepPast(i + 1, signal);
    closeSecond(context, running, i);
  }
  // The scheduled part of the run ends at its duration (the last second's records go at most then).
  await run.clock.sleepPast(run.durationSeconds, signal);
}

function closeSecond(context: TargetContext<AwsOptions>, running: Running, i: number): void {
  const { run } = running;
  run.recorder.setShards(i, run.shards.openCount);
  run.recorder.recordShardLoad(i, run.shards.takeRow(i));
  const sample = run.recorder.endSecond(i);
  running.closed = i + 1;
  context.onSample?.(sample);
  context.onProgress?.(Math.min(1, (i + 1) / run.recorder.seconds));
}

/**
 * Waits until every consumer application has read every acknowledged record and Firehose has
 * delivered what it took (`firehoseBehind` false), or run time `until`.
 */
async function drain(
  run: AwsRun,
  until: number,
  signal: AbortSignal,
  firehoseBehind: () => boolean,
): Promise<void> {
  const applications = run.scenario.consumers.map((c) => c.name);
  while (
    (applications.some((app) => run.ledger.outstanding(app) > 0) || firehoseBehind()) &&
    run.clock.seconds() < until
  ) {
    await sleep(DRAIN_POLL_MS, signal);
  }
}

/**
 * Whether a Firehose stream has delivered fewer records than it took: a stream-sourced one reads
 * every record the stream acknowledged (this worker's, as the objects are counted), a Direct PUT one
 * every record PutRecordBatch accepted. Its buffer flushes when its interval passes after the
 * producers stop, so without this wait the last interval's records would go uncounted.
 */
function firehoseBehind(run: AwsRun, running: Running, delivering: DeliveriesOutcome): boolean {
  return run.scenario.firehose.some((f) => {
    const took =
      f.source === 'direct-put'
        ? (running.producers?.firehose[f.name]?.records ?? 0)
        : run.ledger.acknowledgedTotal;
    return (delivering[f.name]?.records ?? 0) < took;
  });
}

/** Waits for every part to end, for at most STOP_GRACE_MS: a part that does not stop is left behind, not waited for forever. */
async function settle(promises: readonly Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_GRACE_MS);
  });
  await Promise.race([Promise.allSettled(promises), grace]);
  clearTimeout(timer);
}

function linked(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  // Every producer instance, shard reader and pending wait listens on its part's signal at once
  // (20 producers waiting out a backoff are 20 listeners): past Node's default of 10, a
  // MaxListenersExceededWarning went to the user's terminal mid-run, about no leak at all.
  setMaxListeners(0, controller.signal);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}

/**
 * The RunResult with the target's own metrics and section: of the whole run, or (`partial`) of the
 * seconds closed before an abort (undefined when none was), its integrity counts as they stood.
 */
function buildResult(
  context: TargetContext<AwsOptions>,
  running: Running,
  about: SessionAbout,
  partial: true,
): RunResult | undefined;
function buildResult(context: TargetContext<AwsOptions>, running: Running, about: SessionAbout): RunResult;
function buildResult(
  context: TargetContext<AwsOptions>,
  running: Running,
  about: SessionAbout,
  partial = false,
): RunResult | undefined {
  const { run } = running;
  const integrity = run.ledger.counts();
  const firehose: Record<string, FirehoseTotals> = {};
  for (const f of run.scenario.firehose) {
    const sent = running.producers?.firehose[f.name];
    const delivered = running.deliveries?.[f.name];
    firehose[f.name] = {
      records: sent?.records ?? delivered?.records ?? 0,
      bytes: sent?.bytes ?? 0,
      objects: delivered?.objects ?? 0,
      objectBytes: delivered?.objectBytes ?? 0,
      throttled: sent?.throttled ?? 0,
    };
  }
  const pendingAtEnd = running.producers?.pendingAtEnd ?? 0;
  const result = (
    partial ? run.recorder.buildPartial.bind(run.recorder) : run.recorder.build.bind(run.recorder)
  )({
    header: context.header,
    scenario: {
      name: run.scenario.name,
      seed: run.seed,
      durationSeconds: run.durationSeconds,
      // Observations are kept per second: the series' resolution.
      tickSeconds: 1,
      target: 'aws',
    },
    pendingAtEnd,
    delivered: Object.fromEntries(Object.entries(integrity).map(([app, c]) => [app, c.delivered])),
    firehose,
  });
  if (result === undefined) return undefined;
  const own: Record<string, number> = {};
  for (const [app, c] of Object.entries(integrity)) {
    own[`integrity.${app}.delivered`] = c.delivered;
    own[`integrity.${app}.missing`] = c.missing;
    own[`integrity.${app}.duplicates`] = c.duplicates;
    own[`integrity.${app}.outOfOrder`] = c.outOfOrder;
  }
  Object.assign(own, run.stats.metrics());
  (running.reshards ?? []).forEach((r, i) => {
    if (r.activeAfterSeconds !== undefined) own[`reshards.${i}.activeAfterSeconds`] = r.activeAfterSeconds;
  });
  result.metrics = { ...result.metrics, ...own };
  result.target = {
    name: 'aws',
    details: about.details,
    measures: [...about.measures],
    metrics: own,
    resources: about.resourceLines(),
  };
  return result;
}
