/**
 * Time for the targets that run in real time (aws, http): the run's clock and an abortable sleep.
 * Neither target's own module: both import it from here.
 */
import { RunAbortedError } from '../errors.js';

/**
 * The run's clock: seconds since the run started, from a monotonic source, and the epoch time of
 * the start, for the records' scheduled times. Injected so tests can drive it.
 */
export class RunClock {
  readonly startEpochMs: number;
  private readonly startMonotonicMs: number;
  private readonly monotonicMs: () => number;

  constructor(
    readonly durationSeconds: number,
    options: { epochMs?: number; monotonicMs?: () => number } = {},
  ) {
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.startMonotonicMs = this.monotonicMs();
    this.startEpochMs = options.epochMs ?? Date.now();
  }

  /** Seconds since the start. */
  seconds(): number {
    return (this.monotonicMs() - this.startMonotonicMs) / 1000;
  }

  /** The run second observations made now belong to: floor(seconds), at most the last one. */
  second(): number {
    return Math.min(this.durationSeconds - 1, Math.max(0, Math.floor(this.seconds())));
  }

  /** Epoch microseconds of run time `seconds`. */
  epochMicros(seconds: number): number {
    return Math.round(this.startEpochMs * 1000 + seconds * 1e6);
  }

  /** Run seconds of epoch microseconds `epochMicros` (a record header's scheduled time). */
  secondsAt(epochMicros: number): number {
    return (epochMicros - this.startEpochMs * 1000) / 1e6;
  }

  /** Resolves at run time `seconds` (at once when it has passed); rejects with RunAbortedError on `signal`. */
  sleepUntil(seconds: number, signal: AbortSignal): Promise<void> {
    return sleep(Math.max(0, (seconds - this.seconds()) * 1000), signal);
  }

  /**
   * Resolves once this clock has reached run time `seconds`, never before. `sleepUntil` alone may
   * end early: Node's timers count from the event loop's cached whole-millisecond time, not from
   * `performance.now()`, and fire up to a loop turn early against it (measured on Node 20: 135
   * of 200 waits, by up to 1.5 ms on an idle machine, more when a turn is long). A second closed
   * that early loses what is counted in it afterwards (an answer handled in its last
   * millisecond), so closing waits out the rest: each further wait is the time still missing.
   */
  async sleepPast(seconds: number, signal: AbortSignal): Promise<void> {
    await this.sleepUntil(seconds, signal);
    while (this.seconds() < seconds) await this.sleepUntil(seconds, signal);
  }
}

/** Waits `ms` milliseconds; rejects with a RunAbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new RunAbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunAbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
