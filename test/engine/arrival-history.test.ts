/**
 * The iterator age behind `consumers.<name>.lagSeconds`: ArrivalHistory against a slow exact
 * oracle, a FIFO queue of (arrival interval, count) buckets that is consumed from the front. Records
 * that arrived during a step are spread evenly over it (the engine's flows), so the oldest
 * unprocessed record of a partly consumed bucket [t0, t1] with a fraction f gone arrived at
 * t0 + f·(t1 − t0).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalHistory } from '../../src/engine/arrival-history.js';

class FifoOracle {
  private readonly buckets: { t0: number; t1: number; count: number; left: number }[] = [];

  arrive(t0: number, t1: number, count: number): void {
    if (count > 0) this.buckets.push({ t0, t1, count, left: count });
  }

  take(count: number): void {
    let rest = count;
    while (rest > 1e-12 && this.buckets.length > 0) {
      const b = this.buckets[0]!;
      const used = Math.min(rest, b.left);
      b.left -= used;
      rest -= used;
      if (b.left <= 1e-12) this.buckets.shift();
    }
  }

  clear(): void {
    this.buckets.length = 0;
  }

  /** Arrival time of the oldest record not taken, or undefined when none is left. */
  oldest(): number | undefined {
    const b = this.buckets[0];
    if (b === undefined) return undefined;
    return b.t0 + ((b.count - b.left) / b.count) * (b.t1 - b.t0);
  }
}

/**
 * Steps of one second: arrivals (0 sometimes, to have gaps; otherwise at least 1/1,000 of a record,
 * so the engine's 1e-9 "nothing left" threshold moves an age by at most 1e-6 s) and what the
 * application takes.
 */
const stepsArb = fc.array(
  fc.record({
    arrivals: fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1000, noNaN: true })),
    capacity: fc.double({ min: 0, max: 1200, noNaN: true }),
  }),
  { minLength: 1, maxLength: 300 },
);

function replay(steps: { arrivals: number; capacity: number }[], maxPoints: number) {
  const history = new ArrivalHistory(1, maxPoints);
  const oracle = new FifoOracle();
  let backlog = 0;
  const ages: { model: number; exact: number; now: number }[] = [];
  steps.forEach(({ arrivals, capacity }, i) => {
    const now = i + 1;
    history.append(now, Float64Array.of(arrivals));
    oracle.arrive(i, now, arrivals);
    backlog += arrivals;
    const take = Math.min(backlog, capacity);
    backlog -= take;
    oracle.take(take);
    // As the engine does: below 1e-9 of a record the backlog counts as empty.
    if (backlog > 1e-9) {
      const arrived = history.arrivalTime(0, history.total(0) - backlog);
      ages.push({ model: now - arrived, exact: now - oracle.oldest()!, now });
      history.trimBefore(arrived);
    } else {
      history.trimBefore(now);
      oracle.clear();
    }
  });
  return { ages, history };
}

describe('ArrivalHistory: the oldest unprocessed record, in flow form', () => {
  it('matches a FIFO of buckets exactly while it keeps every point (property)', () => {
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const { ages } = replay(steps, 10_000);
        for (const { model, exact } of ages) expect(Math.abs(model - exact)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 300 },
    );
  });

  it('thinned to a few points, is off by at most the spacing of what it kept (property)', () => {
    // With 16 points over up to 300 s of backlog, points are ≤ 2 × 300/16 ≈ 38 s apart at worst;
    // the age is between the two neighbouring points' times, so within that spacing.
    fc.assert(
      fc.property(stepsArb, (steps) => {
        const { ages, history } = replay(steps, 16);
        expect(history.length).toBeLessThanOrEqual(16);
        for (const { model, exact } of ages)
          expect(Math.abs(model - exact)).toBeLessThanOrEqual(2 * (300 / 16) + 1);
      }),
      { numRuns: 200 },
    );
  });

  it('a steady lag: 1,000/s in, 800/s out → age 0.2 T', () => {
    const { ages } = replay(
      Array.from({ length: 100 }, () => ({ arrivals: 1000, capacity: 800 })),
      10_000,
    );
    // After T s: 800 T taken, which arrived by 0.8 T, so 0.2 T old.
    for (const { model, now } of ages) expect(model).toBeCloseTo(0.2 * now, 9);
  });

  it('the input stops: the age keeps growing at 1 s/s minus what is read, and stays finite', () => {
    // 100/s for 30 s, then nothing; read 51/s. The last record to arrive (at 30 s) is read at
    // 3,000/51 = 58.8 s; until then the oldest arrived at 51t/100, so the age is 0.49 t: 28.8 s
    // at 58.8 s (Little's law, backlog ÷ a decaying arrival rate, went to 626 s here).
    const steps = Array.from({ length: 70 }, (_, i) => ({ arrivals: i < 30 ? 100 : 0, capacity: 51 }));
    const { ages } = replay(steps, 10_000);
    for (const { model, now } of ages) expect(model).toBeCloseTo(0.49 * now, 6);
    expect(Math.max(...ages.map((a) => a.model))).toBeLessThan(29);
  });

  it('moves its points with a reshard as the backlogs move', () => {
    // 2 shards → 4: each child gets half its parent's arrivals, so a child's backlog of half the
    // parent's has the same age.
    const history = new ArrivalHistory(2);
    history.append(1, Float64Array.of(100, 300));
    history.append(2, Float64Array.of(100, 300));
    const before = history.arrivalTime(1, history.total(1) - 450);
    history.relayout((v) => Float64Array.of(v[0]! / 2, v[0]! / 2, v[1]! / 2, v[1]! / 2));
    expect(history.arrivalTime(3, history.total(3) - 225)).toBeCloseTo(before, 12);
    // Shard 1 had 300 + 300 arrivals; with 450 left, 150 of the first second's 300 are taken, so
    // the oldest left arrived halfway through it, at 0.5 s.
    expect(before).toBeCloseTo(0.5, 12);
  });

  it('keeps its values within a budget over all shards, and the age exact for a steady rate', () => {
    // 1,000 shards and a budget of 64,000 values: 64 points at most (4,096 would be 4.1 million
    // values; at 10,000 shards the default 4,096 points held 328 MB). After 1,000 one-second steps
    // of 10 arrivals a shard with nothing read, thinning keeps at most 64 points, and the age stays
    // exact: arrivals are steady, so the cumulative count is linear between any kept points.
    // Taken 2,500 of 10,000 on a shard: that record arrived at 250 s.
    const shards = 1000;
    const history = new ArrivalHistory(shards, 4096, 64_000);
    const arrivals = new Float64Array(shards).fill(10);
    for (let t = 1; t <= 1000; t++) {
      history.append(t, arrivals);
      expect(history.length).toBeLessThanOrEqual(64);
    }
    expect(history.arrivalTime(7, 2500)).toBeCloseTo(250, 9);
    expect(history.arrivalTime(999, 9_999)).toBeCloseTo(999.9, 9);
  });
});
