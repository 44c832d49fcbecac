/**
 * The consumer applications of an AWS run: one reader per scenario consumer, polling or enhanced
 * fan-out, each reading every shard, following reshards, and accounting for every record it
 * processes (the integrity ledger, deliveries, end-to-end latency, lag).
 */
import { setMaxListeners } from 'node:events';
import type { AwsRun } from '../run.js';
import { runFanOutApplication } from './fan-out.js';
import { runPollingApplication } from './polling.js';
import { ConsumerContext } from './shared.js';

/**
 * Starts every consumer application of `run.scenario` and reads until `signal` aborts; resolves
 * when every reader has stopped (their requests cancelled and subscriptions closed). Rejects only
 * when an application cannot start at all (an enhanced fan-out application without a registered
 * consumer): a failed call is counted and retried, not thrown.
 */
export async function startConsumers(run: AwsRun, signal: AbortSignal): Promise<void> {
  // Every shard reader, sleep and request listens to one signal: a stream of many shards has
  // many more than Node's default of 10 listeners, on purpose.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const forward = () => stop.abort();
  if (signal.aborted) stop.abort();
  else signal.addEventListener('abort', forward, { once: true });
  const context = new ConsumerContext(run);
  try {
    await Promise.all(
      run.scenario.consumers.map((app) =>
        app.type === 'polling'
          ? runPollingApplication(run, app, context, stop.signal)
          : runFanOutApplication(run, app, context, stop.signal),
      ),
    );
  } finally {
    signal.removeEventListener('abort', forward);
    stop.abort();
  }
}
