/**
 * An enhanced fan-out application, as the KCL's fan-out mode reads a stream: per shard one
 * SubscribeToShard over HTTP/2 with its registered consumer's ARN, the pushed events read in order,
 * and a new subscription from the last event's `ContinuationSequenceNumber`
 * (`AFTER_SEQUENCE_NUMBER`) whenever one ends: after its 5 minutes, or on an error after a short
 * backoff. A shard's end (an event with `ChildShards`) hands over to its children, each once every
 * parent it was reading has ended (`ShardLineage`).
 *
 * Processing paces the reading: the next event is read only when the previous event's records are
 * processed (the KCL asks its subscription for the next batch the same way), so HTTP/2's flow
 * control holds the server back and a slow application's lag shows in `MillisBehindLatest` and in
 * the age of the records it still holds.
 */
import {
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
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
  type ProcessingPace,
  pause,
  pendingRecords,
  processAll,
  readRetryDelaySeconds,
} from './reading.js';
import { type ConsumerContext, childrenOf, type StartPosition } from './shared.js';

type FanOutConsumer = Extract<Consumer, { type: 'enhanced-fan-out' }>;

/**
 * "If you call SubscribeToShard again with the same ConsumerARN and ShardId within 5 seconds of a
 * successful call, you'll get a ResourceInUseException" (API-K, SubscribeToShard): a resubscription
 * refused so waits this long after the last successful one before it tries again.
 */
export const RESUBSCRIBE_AFTER_SECONDS = 5;

/** Reads the stream as `app` until `signal` aborts; never rejects. */
export async function runFanOutApplication(
  run: AwsRun,
  app: FanOutConsumer,
  context: ConsumerContext,
  signal: AbortSignal,
): Promise<void> {
  const consumerArn = run.resources.consumerArns.get(app.name);
  if (consumerArn === undefined) {
    throw new Error(`no registered consumer for enhanced fan-out application "${app.name}"`);
  }
  await readApplication(run, app, context, 'fan-out', signal, (shardId, position, task) =>
    subscribeShard(run, app.name, consumerArn, shardId, position, {
      context,
      pace: task.pace,
      lag: task.lag,
      rng: task.rng,
      signal,
    }),
  );
}

interface ShardSubscriber {
  context: ConsumerContext;
  pace: ProcessingPace;
  lag: LagTracker;
  rng: Rng;
  signal: AbortSignal;
}

/** The event of a stream's union, or throws the exception event it is (named as AWS names it). */
function eventOf(member: SubscribeToShardEventStream): SubscribeToShardEvent | undefined {
  if (member.SubscribeToShardEvent !== undefined) return member.SubscribeToShardEvent;
  for (const [name, value] of Object.entries(member)) {
    if (value === undefined || name === '$unknown') continue;
    const error = new Error((value as { message?: string }).message ?? name);
    error.name = name;
    throw error;
  }
  return undefined;
}

/**
 * Subscribes to one shard again and again until its end (returns its children) or until `signal`
 * aborts (returns undefined). Each SubscribeToShard is counted once, when it ends: `ok` when the
 * server ended it (its 5 minutes, the shard's end), `error` (or `throttled`) when it failed, at
 * the call or in the middle of its events.
 */
async function subscribeShard(
  run: AwsRun,
  app: string,
  consumerArn: string,
  shardId: string,
  start: StartPosition,
  subscriber: ShardSubscriber,
): Promise<ChildShardRef[] | undefined> {
  const { signal, pace, lag, rng, context } = subscriber;
  const clock = run.clock;
  let position: StartingPosition = start;
  let lastSubscribedSeconds = Number.NEGATIVE_INFINITY;
  let retry = 0;
  /** A listing showed the shard closed (only looked at when events come without ChildShards). */
  let closedSeen = false;
  while (!signal.aborted) {
    // Each subscription has its own signal, so ending one (its events read, the run stopping)
    // closes its HTTP/2 stream.
    const subscription = new AbortController();
    const forward = () => subscription.abort();
    signal.addEventListener('abort', forward, { once: true });
    let children: ChildShardRef[] | undefined;
    let endedAtShardEnd = false;
    let response: unknown;
    try {
      const out = await run.clients.kinesisStreaming.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: shardId,
          StartingPosition: position,
        }),
        { abortSignal: subscription.signal },
      );
      response = out;
      lastSubscribedSeconds = clock.seconds();
      retry = 0;
      for await (const member of out.EventStream ?? []) {
        const event = eventOf(member);
        if (event === undefined) continue;
        const records = pendingRecords(event.Records);
        lag.responded(shardId, event.MillisBehindLatest, records);
        await processAll(run, app, shardId, records, pace, signal);
        if (event.ContinuationSequenceNumber) {
          position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: event.ContinuationSequenceNumber };
        }
        if (event.ChildShards !== undefined && event.ChildShards.length > 0) {
          children = await childrenOf(run, shardId, event.ChildShards, signal, rng);
          endedAtShardEnd = true;
          break;
        }
        // An implementation that never names the children (kinesis-local) keeps sending empty
        // events on a closed shard: once a listing has shown it closed, the next empty event that
        // is caught up (sent after the close, nothing behind it) proves the shard was read to its end.
        if (
          records.length === 0 &&
          event.ChildShards === undefined &&
          (event.MillisBehindLatest ?? 0) === 0
        ) {
          if (closedSeen) {
            children = await childrenOf(run, shardId, undefined, signal, rng);
            endedAtShardEnd = true;
            break;
          }
          closedSeen = await context.isClosed(shardId, signal);
        }
      }
      // Closed by the run stopping (the stream then ends quietly): a subscription the server had
      // answered is an ok request all the same (the run's subscriptions mostly end so).
      run.stats.count('SubscribeToShard', 'ok', callDetails(response));
      if (signal.aborted) return undefined;
      if (endedAtShardEnd) return children;
      // Ended by the server: resubscribe, but never sooner than AWS allows after the last one
      // (a subscription the server ends at once would otherwise be retried in a tight loop).
      if (
        !(await pause(
          Math.max(0, lastSubscribedSeconds + RESUBSCRIBE_AFTER_SECONDS - clock.seconds()),
          signal,
        ))
      ) {
        return undefined;
      }
    } catch (error) {
      if (signal.aborted) {
        // Stopped by the run: answered (200, events read until now) is ok; never answered, nothing.
        if (response !== undefined) run.stats.count('SubscribeToShard', 'ok', callDetails(response));
        return undefined;
      }
      // A failure in the middle of the events came after the call's own answer (HTTP 200): the
      // error's status when it has one, else the answer's.
      const failed = callDetails(error);
      const answered = callDetails(response);
      run.stats.count('SubscribeToShard', isThrottle(error) ? 'throttled' : 'error', {
        httpStatus: failed.httpStatus ?? answered.httpStatus,
        attempts: failed.attempts ?? answered.attempts,
        error: failed.error,
      });
      const wait =
        errorName(error) === 'ResourceInUseException'
          ? Math.max(
              lastSubscribedSeconds + RESUBSCRIBE_AFTER_SECONDS - clock.seconds(),
              readRetryDelaySeconds(retry, rng),
            )
          : readRetryDelaySeconds(retry, rng);
      retry += 1;
      if (!(await pause(wait, signal))) return undefined;
    } finally {
      signal.removeEventListener('abort', forward);
      subscription.abort();
    }
  }
  return undefined;
}
