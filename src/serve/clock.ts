/**
 * The server's clock (`--time-scale X`): server time starts at the real time the server started and
 * runs X times faster, so a reshard AWS documents as taking seconds to minutes finishes in a test's
 * seconds. With X = 60, one real second is a server minute: `nowMs() = start + realElapsed × 60`, and
 * `after(60_000)` fires after 60,000 / 60 = 1,000 real ms.
 */
import type { ServeClock } from './protocol.js';

export interface ScaledClock extends ServeClock {
  /** Cancels every pending `after` (the server is closing). */
  close(): void;
}

/** A clock `timeScale` times faster than `realNowMs` (the wall clock by default). */
export function createClock(timeScale = 1, realNowMs: () => number = Date.now): ScaledClock {
  if (!(Number.isFinite(timeScale) && timeScale > 0)) {
    throw new RangeError(`time scale must be a positive number, got ${timeScale}`);
  }
  const startRealMs = realNowMs();
  const pending = new Set<ReturnType<typeof setTimeout>>();
  return {
    timeScale,
    nowMs: () => startRealMs + (realNowMs() - startRealMs) * timeScale,
    after(serverMs, fn) {
      const timer = setTimeout(
        () => {
          pending.delete(timer);
          fn();
        },
        Math.max(0, serverMs / timeScale),
      );
      pending.add(timer);
      return () => {
        clearTimeout(timer);
        pending.delete(timer);
      };
    },
    close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
