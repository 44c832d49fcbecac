/**
 * GetRecords' 5 calls per second per shard is shared by every polling application reading the
 * shard (API-K, GetRecords): one pacer per shard, shared by all of them, hands out call times at
 * least 1 / 5 s apart, so the stream is never asked more than its limit and no application's call
 * is throttled by another's.
 *
 * Evenly spaced calls keep any one-second window at 5 calls, whichever window the server counts
 * (a sliding one, as serve's, or AWS's own). A call leaves when its slot comes but reaches the
 * server a network trip later: CALL_JITTER_SECONDS more between slots absorbs a trip that is
 * slower than the previous one by up to that much (at 225 ms apart, 5 calls span 900 ms, and a
 * sixth lands 1.125 s after the first: 125 ms of slack for the window).
 */
import { KINESIS } from '../../../aws/facts.js';
import type { RunClock } from '../../clock.js';

export const CALL_JITTER_SECONDS = 0.025;
/** Seconds between two GetRecords calls on one shard: 1 / 5 + the jitter allowance = 0.225 s. */
export const CALL_SPACING_SECONDS = 1 / KINESIS.getRecordsPerSecondPerShard.value + CALL_JITTER_SECONDS;

export class ShardCallPacer {
  /** Reserved call times (run seconds), ascending; the past ones are dropped as new ones come. */
  private slots: number[] = [];

  constructor(
    private readonly clock: RunClock,
    private readonly spacingSeconds = CALL_SPACING_SECONDS,
  ) {}

  /**
   * Reserves the first time at or after `earliest` (run seconds) that is `spacingSeconds` from
   * every other reservation, and returns it. The caller calls then (`clock.sleepUntil`).
   */
  reserve(earliest: number): number {
    const now = this.clock.seconds();
    this.slots = this.slots.filter((t) => t > now - this.spacingSeconds);
    let t = Math.max(earliest, now);
    // Slots are ascending: walk them once, moving t past each one too close to it.
    for (const slot of this.slots) {
      if (slot - t >= this.spacingSeconds) break;
      if (t - slot < this.spacingSeconds) t = slot + this.spacingSeconds;
    }
    const at = this.slots.findIndex((slot) => slot > t);
    if (at < 0) this.slots.push(t);
    else this.slots.splice(at, 0, t);
    return t;
  }
}
