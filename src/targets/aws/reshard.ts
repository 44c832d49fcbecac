/**
 * The scenario's reshard events against a real stream: at each event's time, UpdateShardCount
 * (UNIFORM_SCALING) to the event's count, then DescribeStreamSummary until the stream is ACTIVE
 * again, then the new shards into the run's shard directory. The time from the call to ACTIVE is
 * the event's `activeAfterSeconds` (the run metric `reshards.<i>.activeAfterSeconds`).
 *
 * One call moves between ½× and 2× the open count (API-K, KINESIS.updateShardCountMinFactor and
 * MaxFactor): an event further away is reached by halving or doubling, one call after the other,
 * each waiting for ACTIVE (`greedySequence`, the fewest calls), as an operator would. A refused call
 * (LimitExceededException: the 10 calls a rolling 24 h; ValidationException…) is recorded on its
 * event and counted in the requests, not thrown: the run goes on at the count it has.
 */
import { DescribeStreamSummaryCommand, UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { greedySequence } from '../../aws/reshard-calls.js';
import { RunAbortedError } from '../../errors.js';
import { sleep } from '../clock.js';
import type { AwsRun, ReshardOutcome } from './run.js';
import { callDetails } from './run.js';
import { listAllShards } from './shards.js';

/** How often the stream's status is polled while it reshards: often enough for a second's precision. */
const POLL_MS = 250;

/** What `runReshards` uses of a run. */
export type ReshardRun = Pick<
  AwsRun,
  'clients' | 'resources' | 'scenario' | 'durationSeconds' | 'clock' | 'stats' | 'shards'
>;

/**
 * Runs every reshard event of the scenario due before the run's end, in order, and resolves with
 * how each went. The signal (the run's end) stops the waits: an event whose stream was not ACTIVE
 * again by then has no `activeAfterSeconds`, and events not yet due are left out.
 */
export async function runReshards(run: ReshardRun, signal: AbortSignal): Promise<ReshardOutcome[]> {
  const outcomes: ReshardOutcome[] = [];
  // An existing stream is never resharded (a scenario with events is refused before the run).
  if (run.resources.existing) return outcomes;
  const stream = { StreamName: run.resources.streamName };
  for (const event of run.scenario.events) {
    if (event.at >= run.durationSeconds) break;
    const outcome: ReshardOutcome = { at: event.at, shards: event.reshard.shards };
    try {
      await run.clock.sleepUntil(event.at, signal);
      // When it was called: a timer may fire a hair before the clock reads `at`.
      outcome.at = Math.max(event.at, run.clock.seconds());
      outcomes.push(outcome);
      const started = performance.now();
      const from = run.shards.openCount;
      for (const count of greedySequence(from, event.reshard.shards)) {
        const error = await updateShardCount(run, count, signal);
        if (error !== undefined) {
          outcome.error = error;
          break;
        }
        await waitActive(run, stream, signal);
        run.shards.update(await listAllShards(run.clients.kinesis, stream, run.stats, signal));
      }
      if (outcome.error === undefined) outcome.activeAfterSeconds = (performance.now() - started) / 1000;
    } catch (error) {
      if (error instanceof RunAbortedError || signal.aborted) return outcomes;
      // A failure while waiting (a broken connection, a refused DescribeStreamSummary): recorded.
      outcome.error = error instanceof Error ? error.name : String(error);
    }
  }
  return outcomes;
}

/** One UpdateShardCount call; the error's name when it was refused. */
async function updateShardCount(
  run: ReshardRun,
  count: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const out = await run.clients.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: run.resources.streamName,
        TargetShardCount: count,
        ScalingType: 'UNIFORM_SCALING',
      }),
      { abortSignal: signal },
    );
    run.stats.count('UpdateShardCount', 'ok', callDetails(out));
    return undefined;
  } catch (error) {
    if (signal.aborted) throw new RunAbortedError();
    const details = callDetails(error);
    run.stats.count(
      'UpdateShardCount',
      details.error === 'LimitExceededException' ? 'throttled' : 'error',
      details,
    );
    return details.error ?? 'Error';
  }
}

/** Polls DescribeStreamSummary until the stream is ACTIVE; each call counted. */
async function waitActive(
  run: ReshardRun,
  stream: { StreamName: string },
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    try {
      const out = await run.clients.kinesis.send(new DescribeStreamSummaryCommand(stream), {
        abortSignal: signal,
      });
      run.stats.count('DescribeStreamSummary', 'ok', callDetails(out));
      if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (error) {
      if (signal.aborted) throw new RunAbortedError();
      const details = callDetails(error);
      run.stats.count(
        'DescribeStreamSummary',
        details.error === 'LimitExceededException' ? 'throttled' : 'error',
        details,
      );
      // DescribeStreamSummary allows 20 calls/s per account: a throttle waits and tries again.
      if (details.error !== 'LimitExceededException') throw error;
    }
    await sleep(POLL_MS, signal);
  }
}
