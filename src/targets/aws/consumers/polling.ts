/**
 * A polling consumer application, as the KCL's polling mode reads a stream: its instances share
 * the shards (one lease per shard), and per shard it asks GetShardIterator once, then GetRecords
 * with the scenario's `Limit` every `pollInterval`, following `NextShardIterator`, within the
 * shard's 5 calls/s shared by every polling application (`ShardCallPacer`).
 *
 * Fetching and processing run side by side per shard, as the KCL's prefetching reader does: the
 * fetcher stops asking for more while the records it fetched and the instance has not processed
 * yet are a call's worth (`Limit`) or more, so an instance slower than its shard falls behind
 * on the stream (its lag grows) instead of holding an ever longer queue.
 *
 * At a shard's end (no `NextShardIterator`) the reader follows its children (`ChildShards`, or a
 * fresh listing when the answer has none, as kinesalite's), each once every parent it was reading
 * is finished (`ShardLineage`).
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-kinesis';
import type { Consumer } from '../../../scenario/schema.js';
import type { Rng } from '../../../workload/random.js';
import { type AwsRun, callDetails } from '../run.js';
import { readApplication } from './application.js';
import {
  type ChildShardRef,
  errorName,
  isThrottle,
  type LagTracker,
  type PendingRecord,
  type ProcessingPace,
  pause,
  pendingRecords,
  processAll,
  readRetryDelaySeconds,
} from './reading.js';
import { type ConsumerContext, childrenOf, iteratorPosition, type StartPosition } from './shared.js';

type PollingConsumer = Extract<Consumer, { type: 'polling' }>;

/** Reads the stream as `app` until `signal` aborts; never rejects. */
export async function runPollingApplication(
  run: AwsRun,
  app: PollingConsumer,
  context: ConsumerContext,
  signal: AbortSignal,
): Promise<void> {
  await readApplication(run, app, context, 'polling', signal, (shardId, position, task) =>
    pollShard(run, app, shardId, position, {
      pace: task.pace,
      pacer: context.pacer(shardId),
      lag: task.lag,
      rng: task.rng,
      signal,
    }),
  );
}

interface ShardReader {
  pace: ProcessingPace;
  pacer: { reserve(earliest: number): number };
  lag: LagTracker;
  rng: Rng;
  signal: AbortSignal;
}

/**
 * Reads one shard until its end (returns its children) or until `signal` aborts (returns
 * undefined). Every call is counted in the run's stats.
 */
async function pollShard(
  run: AwsRun,
  app: PollingConsumer,
  shardId: string,
  start: StartPosition,
  reader: ShardReader,
): Promise<ChildShardRef[] | undefined> {
  const { signal, pace, lag } = reader;
  const clock = run.clock;
  const backlog: PendingRecord[] = [];
  /** The last sequence number fetched: where a fresh iterator resumes after one expired. */
  let lastFetched: string | undefined;
  let iterator: string | undefined;
  let ended = false;
  let children: ChildShardRef[] | undefined;
  // Wakes the processor when records arrive, and the fetcher when the backlog shrinks.
  let waiters: (() => void)[] = [];
  const wakeUp = () => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  const waitForWake = () => new Promise<void>((resolve) => waiters.push(resolve));
  const onAbort = () => wakeUp();
  signal.addEventListener('abort', onAbort, { once: true });

  const position = (): GetShardIteratorCommandInput => {
    const base = { StreamName: run.resources.streamName, ShardId: shardId };
    return lastFetched === undefined
      ? { ...base, ...iteratorPosition(start) }
      : { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastFetched };
  };

  /** A shard iterator from `position()`, retried until it comes or the run stops. */
  const freshIterator = async (): Promise<string | undefined> => {
    for (let retry = 0; !signal.aborted; retry++) {
      try {
        const out = await (run.clients.kinesisRead ?? run.clients.kinesis).send(
          new GetShardIteratorCommand(position()),
          {
            abortSignal: signal,
          },
        );
        run.stats.count('GetShardIterator', 'ok', callDetails(out));
        return out.ShardIterator;
      } catch (error) {
        if (signal.aborted) return undefined;
        run.stats.count('GetShardIterator', isThrottle(error) ? 'throttled' : 'error', callDetails(error));
        if (!(await pause(readRetryDelaySeconds(retry, reader.rng), signal))) return undefined;
      }
    }
    return undefined;
  };

  const fetcher = async (): Promise<void> => {
    iterator = await freshIterator();
    let nextCallSeconds = 0;
    let retry = 0;
    while (!signal.aborted && iterator !== undefined) {
      if (backlog.length >= app.maxRecordsPerCall) {
        await waitForWake();
        continue;
      }
      const slot = reader.pacer.reserve(nextCallSeconds);
      if (!(await pause(Math.max(0, slot - clock.seconds()), signal))) return;
      nextCallSeconds = slot + app.pollInterval;
      let out: GetRecordsCommandOutput;
      try {
        out = await (run.clients.kinesisRead ?? run.clients.kinesis).send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: app.maxRecordsPerCall }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (signal.aborted) return;
        const throttled = isThrottle(error);
        run.stats.count('GetRecords', throttled ? 'throttled' : 'error', callDetails(error));
        if (error instanceof ExpiredIteratorException || errorName(error) === 'ExpiredIteratorException') {
          iterator = await freshIterator();
          continue;
        }
        if (!(await pause(readRetryDelaySeconds(retry++, reader.rng), signal))) return;
        continue;
      }
      retry = 0;
      run.stats.count('GetRecords', 'ok', callDetails(out));
      const records = out.Records ?? [];
      const last = records[records.length - 1];
      if (last?.SequenceNumber !== undefined) lastFetched = last.SequenceNumber;
      // One by one: a call of 10,000 KPL aggregates can hold more user records than a spread's arguments.
      for (const record of pendingRecords(records)) backlog.push(record);
      lag.responded(shardId, out.MillisBehindLatest, backlog);
      wakeUp();
      iterator = out.NextShardIterator ?? undefined;
      if (iterator === undefined) {
        children = await childrenOf(run, shardId, out.ChildShards, signal, reader.rng);
        ended = true;
      }
    }
  };

  const processor = async (): Promise<void> => {
    while (!signal.aborted) {
      if (backlog.length === 0) {
        if (ended) return;
        await waitForWake();
        continue;
      }
      // One chunk at a time, so the fetcher can refill as soon as the backlog drops below a call's worth.
      const n = pace.chunk(backlog.length);
      try {
        await processAll(run, app.name, shardId, backlog.slice(0, n), pace, signal);
      } catch {
        return;
      }
      backlog.splice(0, n);
      wakeUp();
    }
  };

  try {
    await Promise.all([fetcher().finally(() => wakeUp()), processor()]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return ended && !signal.aborted ? children : undefined;
}
