/**
 * The run's clock closes seconds on time: never before the run's own clock has reached them, even
 * when timers fire ahead of it (Node's timers count from the event loop's cached time, up to a
 * loop turn early against `performance.now()`; an answer handled in that gap was counted in a
 * second already closed, and its shard load lost).
 */
import { describe, expect, it } from 'vitest';
import { RunClock } from '../../src/targets/clock.js';

/**
 * A clock whose milliseconds run at 0.9× the timers': a 100 ms timer ends when it reads 90 ms,
 * 10 ms early, as a timer firing ahead of `performance.now()` does (only more so, every time).
 */
function slowClock(): RunClock {
  const origin = performance.now();
  return new RunClock(10, { monotonicMs: () => (performance.now() - origin) * 0.9 });
}

describe('RunClock', () => {
  it('sleepUntil can end before its time when the timers run ahead of the clock', async () => {
    const clock = slowClock();
    await clock.sleepUntil(0.1, new AbortController().signal);
    // 100 ms of timer is 90 ms of this clock: 0.09 s, short of 0.1.
    expect(clock.seconds()).toBeLessThan(0.1);
  });

  it('sleepPast ends only once the clock has reached its time', async () => {
    const clock = slowClock();
    const signal = new AbortController().signal;
    // Each wait is what is still missing: 100 ms → 0.09 s; 10 ms → 0.099 s; 1 ms → 0.0999 s; the
    // next timer takes at least 1 ms (0.9 ms of clock): past 0.1 after four or five waits.
    for (const t of [0.1, 0.15, 0.2]) {
      await clock.sleepPast(t, signal);
      expect(clock.seconds()).toBeGreaterThanOrEqual(t);
      // And not much later: within the last timer's few milliseconds.
      expect(clock.seconds()).toBeLessThan(t + 0.02);
    }
  });

  it('sleepPast still ends at once on an abort', async () => {
    const clock = slowClock();
    const stop = new AbortController();
    const waiting = clock.sleepPast(5, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow();
  });
});
