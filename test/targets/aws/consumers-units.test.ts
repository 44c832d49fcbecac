/**
 * The consumers' pure parts, by hand: the GetRecords pacer's call times, the KCL's
 * parent-before-child rule, shard leases, the lag of one shard and the processing chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import { CALL_SPACING_SECONDS, ShardCallPacer } from '../../../src/targets/aws/consumers/pacer.js';
import {
  Leases,
  ProcessingPace,
  READ_RETRY_MAX_SECONDS,
  readRetryDelaySeconds,
  ShardLineage,
  shardLagSeconds,
} from '../../../src/targets/aws/consumers/reading.js';
import { RunClock } from '../../../src/targets/clock.js';
import { Rng } from '../../../src/workload/random.js';

/** A run clock whose time the test sets (seconds). */
function manualClock(): { clock: RunClock; set(seconds: number): void } {
  let nowMs = 0;
  return {
    clock: new RunClock(60, { epochMs: 1_000_000, monotonicMs: () => nowMs }),
    set: (seconds) => {
      nowMs = seconds * 1000;
    },
  };
}

describe('ShardCallPacer', () => {
  it('spaces calls 1/5 s + 25 ms apart, filling gaps between reservations', () => {
    // 1 / 5 calls/s = 0.2 s, + 0.025 s of jitter allowance = 0.225 s.
    expect(CALL_SPACING_SECONDS).toBeCloseTo(1 / KINESIS.getRecordsPerSecondPerShard.value + 0.025, 12);
    const { clock } = manualClock();
    const pacer = new ShardCallPacer(clock);
    expect(pacer.reserve(0)).toBe(0);
    expect(pacer.reserve(0)).toBeCloseTo(0.225, 12);
    expect(pacer.reserve(0)).toBeCloseTo(0.45, 12);
    // Far from the others: as asked.
    expect(pacer.reserve(1)).toBe(1);
    // 0.5 is 0.05 after 0.45: moved to 0.675, which is 0.325 before 1 (room enough).
    expect(pacer.reserve(0.5)).toBeCloseTo(0.675, 12);
    // 0.8 is 0.125 after 0.675 → 0.9, which is 0.1 before 1 → 1.225.
    expect(pacer.reserve(0.8)).toBeCloseTo(1.225, 12);
  });

  it('never asks for a time in the past', () => {
    const { clock, set } = manualClock();
    const pacer = new ShardCallPacer(clock);
    set(10);
    expect(pacer.reserve(3)).toBe(10);
  });

  it('keeps every two reservations at least the spacing apart, so no second holds more than 5 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            now: fc.double({ min: 0, max: 0.5, noNaN: true }),
            earliest: fc.double({ min: 0, max: 3, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (asks) => {
          const { clock, set } = manualClock();
          const pacer = new ShardCallPacer(clock);
          let now = 0;
          const slots: number[] = [];
          for (const ask of asks) {
            now += ask.now;
            set(now);
            const slot = pacer.reserve(now + ask.earliest);
            expect(slot).toBeGreaterThanOrEqual(now + ask.earliest - 1e-9);
            slots.push(slot);
          }
          slots.sort((a, b) => a - b);
          for (let i = 1; i < slots.length; i++) {
            expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(CALL_SPACING_SECONDS - 1e-9);
          }
          // Any window of 1 s holds at most ⌈1 / 0.225⌉ = 5 slots.
          for (let i = 0; i < slots.length; i++) {
            expect(slots.filter((t) => t >= slots[i]! && t < slots[i]! + 1).length).toBeLessThanOrEqual(5);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ShardLineage', () => {
  it("starts a merge's child only after both parents were read to their end", () => {
    const lineage = new ShardLineage();
    expect(lineage.start('A')).toBe(true);
    expect(lineage.start('B')).toBe(true);
    const merged = { shardId: 'M', parentShardIds: ['A', 'B'] };
    expect(lineage.finish('A', [merged])).toEqual([]);
    expect(lineage.finish('B', [merged])).toEqual([merged]);
    expect(lineage.start('M')).toBe(true);
    // Named again (both parents name it): not started twice.
    expect(lineage.start('M')).toBe(false);
  });

  it("starts a split's two children as soon as their parent ends", () => {
    const lineage = new ShardLineage();
    lineage.start('A');
    const c = { shardId: 'C', parentShardIds: ['A'] };
    const d = { shardId: 'D', parentShardIds: ['A'] };
    expect(lineage.finish('A', [c, d])).toEqual([c, d]);
  });

  it('does not wait for a parent this application never read (closed before the run)', () => {
    const lineage = new ShardLineage();
    lineage.start('X');
    const merged = { shardId: 'M', parentShardIds: ['X', 'Y'] };
    expect(lineage.finish('X', [merged])).toEqual([merged]);
  });
});

describe('Leases', () => {
  it('gives a new shard to the instance holding the fewest, ties to the lowest index', () => {
    const leases = new Leases(['i0', 'i1', 'i2']);
    const taken = [leases.take(), leases.take(), leases.take(), leases.take()];
    expect(taken.map((l) => l.instance)).toEqual(['i0', 'i1', 'i2', 'i0']);
    // i1 lets its shard go (read to its end): it holds 0, the fewest.
    taken[1]!.release();
    taken[1]!.release();
    expect(leases.take().instance).toBe('i1');
    expect(leases.take().instance).toBe('i1');
  });
});

describe('shardLagSeconds', () => {
  const record = (arrivalEpochMs: number) => ({
    data: new Uint8Array(0),
    sequenceNumber: '1',
    arrivalEpochMs,
  });

  it('is 0 when caught up and nothing waits', () => {
    expect(shardLagSeconds({ millisBehindLatest: 0, respondedAtSeconds: 10, backlog: [] }, 12, 0)).toBe(0);
  });

  it('ages a non-zero MillisBehindLatest by the time since its response', () => {
    // 1.5 s behind at t = 10, no answer since: 1.5 + (12 − 10) = 3.5 s at t = 12.
    expect(shardLagSeconds({ millisBehindLatest: 1500, respondedAtSeconds: 10, backlog: [] }, 12, 0)).toBe(
      3.5,
    );
  });

  it('is the age of the oldest record fetched and not processed when that is older', () => {
    // Head arrived at epoch 1,000,000 ms; now 1,002,500 ms: 2.5 s, above the stream's 0.5 s.
    const progress = {
      millisBehindLatest: 500,
      respondedAtSeconds: 12,
      backlog: [record(1_000_000), record(1_002_000)],
    };
    expect(shardLagSeconds(progress, 12, 1_002_500)).toBe(2.5);
  });
});

describe('ProcessingPace', () => {
  it('processes in chunks of 50 ms of its rate, at least one record', () => {
    const { clock } = manualClock();
    // 100 records/s × 0.05 s = 5 a chunk; 10/s × 0.05 = 0.5 → 1; no rate: everything at once.
    expect(new ProcessingPace(clock, 100).chunk(800)).toBe(5);
    expect(new ProcessingPace(clock, 100).chunk(3)).toBe(3);
    expect(new ProcessingPace(clock, 10).chunk(800)).toBe(1);
    expect(new ProcessingPace(clock, undefined).chunk(800)).toBe(800);
  });

  it('continues from the previous chunk after a late timer, and from now after idleness', async () => {
    const { clock, set } = manualClock();
    const pace = new ProcessingPace(clock, 100);
    const signal = new AbortController().signal;
    // 5 records at 100/s: 0.05 s, done at 0.05.
    await pace.process(5, signal);
    expect(pace.busyUntilSeconds).toBeCloseTo(0.05, 12);
    // The next chunk is asked at 0.08, 30 ms late (under a chunk's 50 ms): it runs 0.05 → 0.10.
    set(0.08);
    const late = pace.process(5, signal);
    expect(pace.busyUntilSeconds).toBeCloseTo(0.1, 12);
    set(0.1);
    await late;
    // Idle from 0.10 to 0.30 (over a chunk): no credit, the next runs 0.30 → 0.35.
    set(0.3);
    const fresh = pace.process(5, signal);
    expect(pace.busyUntilSeconds).toBeCloseTo(0.35, 12);
    set(0.35);
    await fresh;
  });

  it("queues two shards' chunks behind one another at the instance's rate", async () => {
    const { clock, set } = manualClock();
    const pace = new ProcessingPace(clock, 200);
    const signal = new AbortController().signal;
    // Two shards hand over 10 records each at t = 0: 10/200 = 0.05 s each, the second after the
    // first: done at 0.05 and 0.10.
    const first = pace.process(10, signal);
    expect(pace.busyUntilSeconds).toBeCloseTo(0.05, 12);
    const second = pace.process(10, signal);
    expect(pace.busyUntilSeconds).toBeCloseTo(0.1, 12);
    set(0.1);
    await Promise.all([first, second]);
  });
});

describe('readRetryDelaySeconds', () => {
  it('is full jitter under min(5 s, 0.2 s × 2^n)', () => {
    const rng = new Rng(1);
    // Caps: 0.2, 0.4, 0.8, 1.6, 3.2, then 5 (6.4 capped).
    const caps = [0.2, 0.4, 0.8, 1.6, 3.2, READ_RETRY_MAX_SECONDS, READ_RETRY_MAX_SECONDS];
    caps.forEach((cap, n) => {
      for (let i = 0; i < 200; i++) {
        const delay = readRetryDelaySeconds(n, rng);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(cap + 1e-12);
      }
    });
  });
});
