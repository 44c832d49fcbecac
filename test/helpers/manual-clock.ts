/**
 * A `ServeClock` that moves only when the test says so: `advanceTo` / `advanceBy` run every timer
 * that falls due on the way, in time order, with `nowMs()` set to each timer's own time (so a timer
 * scheduled by another timer runs too when it falls inside the step). One for every serve test
 * (Kinesis, enhanced fan-out, Firehose).
 */
import type { ServeClock } from '../../src/serve/protocol.js';

interface Timer {
  atMs: number;
  order: number;
  fn: () => void;
}

export class ManualClock implements ServeClock {
  readonly timeScale = 1;
  private now: number;
  private timers: Timer[] = [];
  private order = 0;

  constructor(startMs: number) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  after(serverMs: number, fn: () => void): () => void {
    const timer: Timer = { atMs: this.now + serverMs, order: this.order++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      const due = this.timers
        .filter((t) => t.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs || a.order - b.order)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = Math.max(this.now, due.atMs);
      due.fn();
    }
    this.now = Math.max(this.now, targetMs);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** The same as `advanceBy`. */
  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** Timers still waiting (a service that stopped them leaves none). */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
