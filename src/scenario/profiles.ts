/**
 * Rate profiles as functions of time, shared by the planner and the engine. A profile's rates may
 * be records or bytes per second; `toRecords` converts bytes with the producer's mean record size.
 */
import type { RateProfile } from './schema.js';
import type { Rate } from './units.js';

/** Records per second of a rate, given the mean record size (data bytes) for byte rates. */
export function toRecords(rate: Rate, meanRecordBytes: number): number {
  return rate.kind === 'records' ? rate.perSecond : rate.perSecond / meanRecordBytes;
}

/** The profile's records per second at `t` seconds from the start. */
export function rateAt(profile: RateProfile, t: number, meanRecordBytes: number): number {
  const r = (rate: Rate) => toRecords(rate, meanRecordBytes);
  switch (profile.profile) {
    case 'constant':
      return r(profile.rate);
    case 'ramp': {
      if (t <= profile.start) return r(profile.from);
      if (profile.over === 0 || t >= profile.start + profile.over) return r(profile.to);
      const f = (t - profile.start) / profile.over;
      return r(profile.from) + (r(profile.to) - r(profile.from)) * f;
    }
    case 'step': {
      let current = r(profile.initial);
      for (const step of profile.steps) if (t >= step.at) current = r(step.rate);
      return current;
    }
    case 'spike':
      return t >= profile.at && t < profile.at + profile.for ? r(profile.peak) : r(profile.base);
    case 'diurnal': {
      // A cosine between min and max with its peak at `peakAt` within each period.
      const phase = (2 * Math.PI * (t - profile.peakAt)) / profile.period;
      const min = r(profile.min);
      const max = r(profile.max);
      return min + ((max - min) * (1 + Math.cos(phase))) / 2;
    }
    case 'trace':
      return traceAt(profile.points ?? [], t) * profile.scale;
  }
}

/** Linear interpolation between trace points; the first and last values hold outside. */
function traceAt(points: readonly (readonly [number, number])[], t: number): number {
  if (points.length === 0) return 0;
  const first = points[0]!;
  if (t <= first[0]) return first[1];
  let lo = 0;
  let hi = points.length - 1;
  if (t >= points[hi]![0]) return points[hi]![1];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= t) lo = mid;
    else hi = mid;
  }
  const [t0, r0] = points[lo]!;
  const [t1, r1] = points[hi]!;
  return r0 + ((r1 - r0) * (t - t0)) / (t1 - t0);
}

/**
 * Times where the profile can reach an extreme within [0, duration]: its breakpoints and the
 * instants just before steps and spikes end. Sampling these together with a regular grid finds
 * the exact peak of every profile shape.
 */
export function profileBreakpoints(profile: RateProfile, duration: number): number[] {
  const times = [0, duration];
  const justBefore = (t: number) => Math.max(0, t - 1e-6);
  switch (profile.profile) {
    case 'ramp':
      times.push(profile.start, profile.start + profile.over);
      break;
    case 'step':
      for (const step of profile.steps) times.push(step.at, justBefore(step.at));
      break;
    case 'spike':
      // Both edges are steps: sample either side of each, or a trapezoid bridges the jump.
      times.push(
        justBefore(profile.at),
        profile.at,
        justBefore(profile.at + profile.for),
        profile.at + profile.for,
      );
      break;
    case 'diurnal': {
      // Peaks at peakAt + k·period: from the phase within a period, so a peakAt of 10^155 s does
      // not count k up from −10^151 (where k++ no longer changes k: the loop never ended).
      const phase = ((profile.peakAt % profile.period) + profile.period) % profile.period;
      for (let k = -1; k * profile.period + phase <= duration; k++) {
        times.push(k * profile.period + phase, k * profile.period + phase + profile.period / 2);
      }
      break;
    }
    case 'trace':
      for (const [t] of profile.points ?? []) times.push(t);
      break;
    case 'constant':
      break;
  }
  return times.filter((t) => t >= 0 && t <= duration);
}

/** Sample times covering [0, duration]: every breakpoint plus a grid of at most `maxSamples`. */
export function sampleTimes(
  profiles: readonly RateProfile[],
  duration: number,
  maxSamples = 20_000,
): number[] {
  const step = Math.max(1, duration / maxSamples);
  const times = new Set<number>();
  for (let t = 0; t <= duration; t += step) times.add(t);
  times.add(duration);
  for (const profile of profiles) for (const t of profileBreakpoints(profile, duration)) times.add(t);
  return [...times].sort((a, b) => a - b);
}
