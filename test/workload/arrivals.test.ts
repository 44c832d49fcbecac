/**
 * Open-loop arrivals: the schedule follows the profile's cumulative rate (KS, and counts per window
 * by hand), and worker shares partition it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateAt } from '../../src/scenario/profiles.js';
import type { RateProfile } from '../../src/scenario/schema.js';
import { arrivals, scheduledRecords } from '../../src/workload/arrivals.js';
import { ksCritical, ksDistance } from './stats.js';

const perSecond = (n: number) => ({ kind: 'records' as const, perSecond: n });
const MEAN = 1024;

/** Λ(t) by the trapezoid rule on rateAt over a 1 ms grid: independent of the scheduler's pieces. */
function cumulativeByGrid(profile: RateProfile, duration: number): (t: number) => number {
  const step = 0.001;
  const n = Math.ceil(duration / step);
  const table = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) {
    const t0 = (i - 1) * step;
    const t1 = Math.min(duration, i * step);
    table[i] = table[i - 1]! + ((rateAt(profile, t0, MEAN) + rateAt(profile, t1, MEAN)) / 2) * (t1 - t0);
  }
  return (t) => {
    const i = Math.min(n - 1, Math.floor(t / step));
    const f = (t - i * step) / step;
    return table[i]! + (table[i + 1]! - table[i]!) * f;
  };
}

function schedule(
  profile: RateProfile,
  duration: number,
  share?: { index: number; count: number },
): number[] {
  return [...arrivals(profile, { durationSeconds: duration, meanRecordBytes: MEAN, share })];
}

function countIn(times: readonly number[], from: number, to: number): number {
  return times.filter((t) => t >= from && t < to).length;
}

describe('arrivals follow the cumulative rate (KS against Λ(t)/Λ(T), α = 0.001)', () => {
  const ramp: RateProfile = {
    profile: 'ramp',
    from: perSecond(100),
    to: perSecond(2000),
    over: 20,
    start: 5,
  };
  const spike: RateProfile = {
    profile: 'spike',
    base: perSecond(200),
    peak: perSecond(3000),
    at: 10,
    for: 3,
  };
  for (const [name, profile] of [
    ['ramp 100 → 2,000/s over 20 s from 5 s', ramp],
    ['spike 200/s, 3,000/s from 10 s for 3 s', spike],
  ] as const) {
    it(name, () => {
      const duration = 30;
      const times = schedule(profile, duration);
      const lambda = cumulativeByGrid(profile, duration);
      const total = lambda(duration);
      const d = ksDistance(times, (t) => lambda(t) / total);
      // Evenly spaced at the rate: record k sits at Λ = k + ½, so the distance is ½/N plus the grid's
      // trapezoid error at the spike's edges (≤ 3,000 × 0.001 / 2 = 1.5 records): far inside the KS
      // critical 1.9495/√N, and inside 3/N, which a Poisson schedule (distance ~ 1/√N) would not meet.
      expect(d).toBeLessThan(ksCritical(times.length));
      expect(d).toBeLessThan(3 / times.length);
    });
  }

  it('ramp by hand: 0 → 100/s over 10 s from 5 s, for 20 s', () => {
    const profile: RateProfile = {
      profile: 'ramp',
      from: perSecond(0),
      to: perSecond(100),
      over: 10,
      start: 5,
    };
    const times = schedule(profile, 20);
    // Λ(20) = 0 × 5 + (0 + 100)/2 × 10 + 100 × 5 = 500 + 500 = 1,000 records.
    expect(times).toHaveLength(1000);
    expect(scheduledRecords(profile, 20, MEAN)).toBe(1000);
    // In the ramp, rate 10τ/s τ seconds in, Λ = 5τ²: the first record (Λ = ½) at τ = √0.1 = 0.31623.
    expect(times[0]).toBeCloseTo(5 + Math.sqrt(0.1), 12);
    // Record 499 (Λ = 499.5) at 5τ² = 499.5, τ = √99.9 = 9.99500; record 500 (Λ = 500.5) 0.005 s after 15 s.
    expect(times[499]).toBeCloseTo(5 + Math.sqrt(99.9), 10);
    expect(times[500]).toBeCloseTo(15.005, 10);
    expect(times[999]).toBeCloseTo(19.995, 10);
  });

  it('spike by hand: 10/s, 1,000/s from 5 s for 2 s, for 10 s', () => {
    const profile: RateProfile = {
      profile: 'spike',
      base: perSecond(10),
      peak: perSecond(1000),
      at: 5,
      for: 2,
    };
    const times = schedule(profile, 10);
    // 10 × 5 + 1,000 × 2 + 10 × 3 = 50 + 2,000 + 30 = 2,080 records, 2,000 of them in the spike.
    expect(times).toHaveLength(2080);
    expect(countIn(times, 5, 7)).toBe(2000);
    expect(times[0]).toBeCloseTo(0.05, 12);
    expect(times[50]).toBeCloseTo(5.0005, 12);
  });

  it('step: the last listed step that has started sets the rate, as rateAt says (an unsorted list)', () => {
    const profile: RateProfile = {
      profile: 'step',
      initial: perSecond(10),
      steps: [
        { at: 10, rate: perSecond(50) },
        { at: 4, rate: perSecond(20) },
      ],
    };
    const times = schedule(profile, 12);
    // rateAt: 10/s before 4 s; from 4 s the second step (20/s), and from 10 s both have started and
    // the later-listed one (20/s) still wins: 10 × 4 + 20 × 8 = 200 records.
    expect(times).toHaveLength(200);
    expect(countIn(times, 10, 12)).toBe(40);
  });

  it('a record due exactly where a piece starts at rate 0 is sent there, in order', () => {
    // Trace 3/s → 0 over [0, 1), then 0 → 2/s over [1, 2): Λ(1) = (3 + 0)/2 = 1.5 exactly, so
    // record 1 (Λ = 1.5) is due at 1 s, where the rate is 0; Λ(2) = 1.5 + 1 = 2.5: two records.
    // Record 0: 3τ − 1.5τ² = ½ ⇒ τ = 1 − √(2/3) = 0.18350.
    const profile: RateProfile = {
      profile: 'trace',
      points: [
        [0, 3],
        [1, 0],
        [2, 2],
      ],
      scale: 1,
    };
    const times = schedule(profile, 2);
    expect(times).toHaveLength(2);
    expect(times[0]).toBeCloseTo(1 - Math.sqrt(2 / 3), 12);
    expect(times[1]).toBe(1);
  });

  it('byte rates become records at the mean record size: 5 KiB/s of 1 KiB records is 5 records/s', () => {
    const profile: RateProfile = { profile: 'constant', rate: { kind: 'bytes', perSecond: 5120 } };
    expect(schedule(profile, 60)).toHaveLength(300);
  });

  it('trace (with a jump at a repeated time) and diurnal: every 1-second window holds ∫ rate ± 1 records', () => {
    const trace: RateProfile = {
      profile: 'trace',
      points: [
        [0, 100],
        [10, 300],
        [10, 50],
        [20, 50],
        [25, 400],
      ],
      scale: 2,
    };
    const diurnal: RateProfile = {
      profile: 'diurnal',
      min: perSecond(0),
      max: perSecond(500),
      period: 40,
      peakAt: 7,
    };
    for (const profile of [trace, diurnal]) {
      const duration = 60;
      const times = schedule(profile, duration);
      const lambda = cumulativeByGrid(profile, duration);
      for (let t = 0; t < duration; t++) {
        // The grid's trapezoid error is below 0.001 × 800/2 = 0.4 records at the trace's jump.
        expect(Math.abs(countIn(times, t, t + 1) - (lambda(t + 1) - lambda(t)))).toBeLessThan(1.5);
      }
      expect(Math.abs(times.length - lambda(duration))).toBeLessThan(1.5);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    }
  });

  it('is lazy: an hour at a million records a second (3.6 × 10⁹ records) starts at once', () => {
    const profile: RateProfile = { profile: 'constant', rate: perSecond(1_000_000) };
    const schedule = arrivals(profile, { durationSeconds: 3600, meanRecordBytes: MEAN });
    const first = [schedule.next().value, schedule.next().value];
    // Record k at (k + ½) / 10⁶ s.
    expect(first).toEqual([0.5e-6, 1.5e-6]);
    expect(scheduledRecords(profile, 3600, MEAN)).toBe(3_600_000_000);
  });

  it('refuses a share that is not one of count workers', () => {
    const profile: RateProfile = { profile: 'constant', rate: perSecond(1) };
    expect(() => schedule(profile, 10, { index: 3, count: 3 })).toThrow('worker 3 is not one of 0 … 2');
    expect(() => schedule(profile, 10, { index: 0, count: 0 })).toThrow('a share is worker index');
  });
});

describe('any trace', () => {
  it('sends ⌈Λ − ½⌉ records, in order, inside the run, Λ summed by hand from the points (property)', () => {
    const traces = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 50 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((points) => points.sort((a, b) => a[0] - b[0]));
    fc.assert(
      fc.property(traces, fc.integer({ min: 1, max: 25 }), (points, duration) => {
        const profile: RateProfile = { profile: 'trace', points, scale: 1 };
        const times = schedule(profile, duration);
        // Λ(duration): the first value before the first point, trapezoids between points, the last
        // value after the last, each clipped to [0, duration].
        const [t0, r0] = points[0]!;
        let lambda = Math.min(t0, duration) * r0;
        for (let i = 1; i < points.length; i++) {
          const [a, ra] = points[i - 1]!;
          const [b, rb] = points[i]!;
          if (b <= a || a >= duration) continue;
          const end = Math.min(b, duration);
          const rEnd = ra + ((rb - ra) * (end - a)) / (b - a);
          lambda += ((ra + rEnd) / 2) * (end - a);
        }
        const [tn, rn] = points[points.length - 1]!;
        lambda += Math.max(0, duration - Math.max(tn, 0)) * rn;
        expect(times).toHaveLength(Math.max(0, Math.ceil(lambda - 0.5 - 1e-9)));
        for (let i = 0; i < times.length; i++) {
          expect(times[i]).toBeGreaterThanOrEqual(i === 0 ? 0 : times[i - 1]!);
          expect(times[i]).toBeLessThanOrEqual(duration);
        }
      }),
    );
  });
});

describe('worker shares', () => {
  const profiles = fc.oneof(
    fc.record({
      profile: fc.constant('ramp' as const),
      from: fc.integer({ min: 0, max: 200 }).map(perSecond),
      to: fc.integer({ min: 0, max: 200 }).map(perSecond),
      over: fc.integer({ min: 0, max: 20 }),
      start: fc.integer({ min: 0, max: 10 }),
    }),
    fc.record({
      profile: fc.constant('spike' as const),
      base: fc.integer({ min: 0, max: 100 }).map(perSecond),
      peak: fc.integer({ min: 0, max: 500 }).map(perSecond),
      at: fc.integer({ min: 0, max: 20 }),
      for: fc.integer({ min: 0, max: 10 }),
    }),
  );

  it('n workers together send the whole schedule, each record once: worker i sends records i, i + n, … (property)', () => {
    fc.assert(
      fc.property(profiles, fc.integer({ min: 1, max: 6 }), (profile, n) => {
        const whole = schedule(profile, 25);
        const shares = Array.from({ length: n }, (_, index) => schedule(profile, 25, { index, count: n }));
        expect(shares.reduce((a, s) => a + s.length, 0)).toBe(whole.length);
        shares.forEach((share, index) => {
          expect(share).toEqual(whole.filter((_, k) => k % n === index));
        });
      }),
    );
  });
});
