/**
 * Open-loop arrivals: when each record of a producer is due, for every rate profile of the scenario
 * language, so a real target sends on schedule whatever the system under test answers (a closed
 * loop, sending when the last call returns, would slow down with the stream and hide its limits:
 * coordinated omission).
 *
 * Evenly spaced at the instantaneous rate, not Poisson: record k (0-based) is due when the
 * cumulative rate Λ(t) = ∫₀ᵗ rate reaches k + ½. This is the constant-arrival-rate executor of k6
 * and Artillery's arrival rate, followed through ramps and spikes by inverting Λ exactly:
 * - the planner and the engine model the rate the scenario states, not a random process around it;
 *   Poisson gaps would add burstiness (±√n records per window) the plan never accounted for;
 * - every window [t₁, t₂) holds ∫ rate ± 1 records (the ½ centres each record in its unit of Λ), so
 *   a spike of 2 s at 10,000/s sends 20,000 records, not 20,000 ± 141;
 * - the schedule is a pure function of the profile: no generator, identical on every worker, so
 *   worker i of n takes records k ≡ i (mod n) and the n workers send the whole schedule, once.
 * The engine draws each shard's arrivals per tick as Poisson counts. The two agree where it
 * matters: records evenly spaced in time but each sent with a key drawn at random land on a shard
 * as a random thinning of the schedule, whose counts are binomial, close to Poisson when the shard
 * carries a small share of the producer's records. A shard carrying most of them (one key hot
 * enough to fill it) sees counts less variable than the model's Poisson: the model then throttles
 * a little more often near the limit than a real run (docs/engine.md, "Arrivals").
 *
 * Λ is inverted piece by piece: on a piece where the rate is linear, r(τ) = r₀ + bτ, the mass
 * m = r₀τ + bτ²/2 gives τ = 2m / (r₀ + √(r₀² + 2bm)) (the root without cancellation, for b of
 * either sign or 0); the diurnal cosine is inverted by safeguarded Newton. Pieces come lazily from
 * the profile (a trace is walked point by point), so memory is O(1) per producer beyond the
 * scenario itself (a step profile's steps are sorted once: the scenario's own list, copied).
 */
import { rateAt, toRecords } from '../scenario/profiles.js';
import type { RateProfile } from '../scenario/schema.js';

/** Which part of the schedule one worker sends: records k with k mod count = index (a target's `TargetShare`). */
export interface WorkerShare {
  index: number;
  count: number;
}

export interface ArrivalOptions {
  /** Seconds of the run: no arrival at or after it. */
  durationSeconds: number;
  /** Mean data bytes per record, to turn byte rates into records (the size sampler's `mean`). */
  meanRecordBytes: number;
  /** This worker's share (default: the whole schedule). */
  share?: WorkerShare | undefined;
}

/** A stretch of time over which Λ can be inverted in closed form (or by a safeguarded search). */
interface Piece {
  start: number;
  end: number;
  /** ∫ rate over the piece (records). */
  mass: number;
  /** The time in the piece at which the mass since its start reaches `m` (0 ≤ m ≤ mass). */
  timeAt(m: number): number;
}

/**
 * The scheduled send times (seconds from the start) of one producer's records, in order: an
 * iterator that computes each on demand. `for (const t of arrivals(…))`, or `next()` by hand.
 */
export class ArrivalSchedule implements IterableIterator<number> {
  private readonly pieces: Iterator<Piece>;
  private piece: Piece | undefined;
  /** Λ at the start of the current piece. */
  private massBefore = 0;
  /** Λ of this worker's next record: index + ½, then + count each time. */
  private nextMass: number;
  private readonly stride: number;

  constructor(profile: RateProfile, options: ArrivalOptions) {
    const share = options.share ?? { index: 0, count: 1 };
    if (!Number.isInteger(share.count) || share.count < 1 || !Number.isInteger(share.index)) {
      throw new Error(
        `ArrivalSchedule: a share is worker index 0 … count − 1 of count ≥ 1, not ${JSON.stringify(share)}`,
      );
    }
    if (share.index < 0 || share.index >= share.count) {
      throw new Error(`ArrivalSchedule: worker ${share.index} is not one of 0 … ${share.count - 1}`);
    }
    this.pieces = pieces(profile, options.durationSeconds, options.meanRecordBytes);
    this.piece = this.pieces.next().value;
    this.nextMass = share.index + 0.5;
    this.stride = share.count;
  }

  next(): IteratorResult<number, undefined> {
    const m = this.nextMass;
    while (this.piece !== undefined && m >= this.massBefore + this.piece.mass) {
      this.massBefore += this.piece.mass;
      this.piece = this.pieces.next().value;
    }
    if (this.piece === undefined) return { done: true, value: undefined };
    this.nextMass += this.stride;
    const piece = this.piece;
    // Rounding in the last piece could land a hair past its end: keep the order and the bounds.
    return {
      done: false,
      value: Math.min(piece.end, Math.max(piece.start, piece.timeAt(m - this.massBefore))),
    };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** The send times of one producer's records (this worker's share of them). */
export function arrivals(profile: RateProfile, options: ArrivalOptions): ArrivalSchedule {
  return new ArrivalSchedule(profile, options);
}

/** Λ(duration): the records the whole schedule holds, round(Λ) of them (for a progress total). */
export function scheduledRecords(
  profile: RateProfile,
  durationSeconds: number,
  meanRecordBytes: number,
): number {
  let mass = 0;
  for (const piece of iterate(pieces(profile, durationSeconds, meanRecordBytes))) mass += piece.mass;
  // Records k = 0, 1, … with k + ½ < Λ: ⌈Λ − ½⌉ of them.
  return Math.max(0, Math.ceil(mass - 0.5));
}

function* iterate<T>(iterator: Iterator<T>): Generator<T> {
  for (let r = iterator.next(); !r.done; r = iterator.next()) yield r.value;
}

function* pieces(profile: RateProfile, duration: number, meanBytes: number): Generator<Piece> {
  if (!(duration > 0)) return;
  const rate = (t: number) => rateAt(profile, t, meanBytes);
  switch (profile.profile) {
    case 'constant':
      yield* steadyPieces([0, duration], rate);
      return;
    case 'spike':
      yield* steadyPieces(clip([0, profile.at, profile.at + profile.for, duration], duration), rate);
      return;
    case 'step':
      yield* steadyPieces(clip([0, ...profile.steps.map((s) => s.at), duration], duration), rate);
      return;
    case 'ramp':
      yield* linearPieces(clip([0, profile.start, profile.start + profile.over, duration], duration), rate);
      return;
    case 'trace':
      yield* linearPieces(traceBoundaries(profile.points ?? [], duration), rate);
      return;
    case 'diurnal':
      yield diurnalPiece(profile, duration, meanBytes);
      return;
  }
}

/** Boundaries within [0, duration], sorted, each once. */
function clip(times: number[], duration: number): number[] {
  return [...new Set(times.filter((t) => t >= 0 && t <= duration))].sort((a, b) => a - b);
}

/** 0, the trace's point times inside (0, duration), then duration: lazily, without a copy of the points. */
function* traceBoundaries(
  points: readonly (readonly [number, number])[],
  duration: number,
): Generator<number> {
  yield 0;
  let last = 0;
  for (const [t] of points) {
    if (t > last && t < duration) {
      yield t;
      last = t;
    }
  }
  yield duration;
}

/**
 * Pieces of a piecewise-constant rate (constant, step, spike). The rate is read at each piece's
 * midpoint, so which side of a jump a boundary belongs to never matters (rateAt's steps are
 * right-continuous; a step list need not be sorted, and rateAt lets the last listed step win).
 */
function* steadyPieces(boundaries: Iterable<number>, rate: (t: number) => number): Generator<Piece> {
  let previous: number | undefined;
  for (const end of boundaries) {
    if (previous !== undefined && end > previous) {
      const start = previous;
      const r = rate((start + end) / 2);
      yield { start, end, mass: r * (end - start), timeAt: (m) => start + m / r };
    }
    previous = end;
  }
}

/**
 * Pieces of a piecewise-linear rate (ramp, trace). The line is read at the quarter points q₁, q₃
 * (inside the piece, so a trace that jumps at a point time gives the right side's value):
 * r₀ = (3r(q₁) − r(q₃))/2, r₁ = (3r(q₃) − r(q₁))/2, and the mass (r(q₁) + r(q₃))/2 × length.
 */
function* linearPieces(boundaries: Iterable<number>, rate: (t: number) => number): Generator<Piece> {
  let previous: number | undefined;
  for (const end of boundaries) {
    if (previous !== undefined && end > previous) {
      const start = previous;
      const length = end - start;
      const r1 = rate(start + length / 4);
      const r3 = rate(start + (3 * length) / 4);
      // A line through zero can come out a rounding error below it.
      const r0 = Math.max(0, (3 * r1 - r3) / 2);
      const slope = (r3 - r1) / (length / 2);
      const mass = ((r1 + r3) / 2) * length;
      yield {
        start,
        end,
        mass,
        timeAt: (m) => {
          // A record due exactly where the piece starts (where the rate may be 0: 0/0 below).
          if (m <= 0) return start;
          // r₀τ + bτ²/2 = m ⇒ τ = 2m / (r₀ + √(r₀² + 2bm)); rounding can take the root's argument below 0 at the end of a falling ramp.
          const root = Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * m));
          return r0 + root > 0 ? start + Math.min(length, (2 * m) / (r0 + root)) : end;
        },
      };
    }
    previous = end;
  }
}

/**
 * The diurnal cosine over the whole run: rate(t) = min + A(1 + cos ω(t − peakAt)) with
 * A = (max − min)/2, ω = 2π/period, so Λ(t) = min·t + A(t + (sin ω(t − peakAt) + sin ω·peakAt)/ω).
 * Inverted by Newton's method kept inside a bracket [previous arrival, end] (bisecting when a
 * step leaves it or the rate is 0 at a trough of min = 0): a few iterations per record.
 */
function diurnalPiece(
  profile: Extract<RateProfile, { profile: 'diurnal' }>,
  duration: number,
  meanBytes: number,
): Piece {
  const rate = (t: number) => rateAt(profile, t, meanBytes);
  const min = toRecords(profile.min, meanBytes);
  const max = toRecords(profile.max, meanBytes);
  const half = (max - min) / 2;
  const omega = (2 * Math.PI) / profile.period;
  const offset = Math.sin(omega * profile.peakAt);
  const cumulative = (t: number) =>
    min * t + half * (t + (Math.sin(omega * (t - profile.peakAt)) + offset) / omega);
  let hint = 0;
  return {
    start: 0,
    end: duration,
    mass: cumulative(duration),
    timeAt: (m) => {
      let lo = hint;
      let hi = duration;
      if (cumulative(lo) > m) lo = 0;
      let t = lo;
      for (let i = 0; i < 200; i++) {
        const f = cumulative(t) - m;
        if (f > 0) hi = t;
        else lo = t;
        const r = rate(t);
        let next = r > 0 ? t - f / r : Number.NaN;
        if (!(next > lo && next < hi)) next = (lo + hi) / 2;
        if (Math.abs(next - t) <= 1e-12 * Math.max(1, Math.abs(t)) || hi - lo <= 1e-12 * Math.max(1, hi)) {
          t = next;
          break;
        }
        t = next;
      }
      hint = t;
      return t;
    },
  };
}
