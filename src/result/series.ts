/**
 * Per-second time series: the engine (or a real target) reports values at tick times, and they land
 * in one-second slots, slot i covering [i, i + 1) seconds from the start.
 */
/**
 * Tick times are sums of fractions of a second (0.1 + 0.1 + …) and can fall a hair short of a whole
 * second; a time within this of the next second belongs to it.
 */
const TIME_EPSILON_SECONDS = 1e-9;

/** How a series combines the values reported within one second. */
type SeriesKind = 'sum' | 'last' | 'max';

interface SeriesSlots {
  kind: SeriesKind;
  values: number[];
  /** Seconds that received a value (for `last`, which carries a gauge over seconds with no report). */
  written: boolean[];
}

/**
 * Builds fixed-length per-second series (length ⌈durationSeconds⌉, 0 where nothing was reported).
 * Each name is one kind: {@link SeriesBuilder.add} sums (counts, bytes), {@link SeriesBuilder.set}
 * keeps the last value of the second (gauges such as lag or open shards), {@link SeriesBuilder.max}
 * keeps the largest.
 */
export class SeriesBuilder {
  /** Points per series: ⌈durationSeconds⌉. */
  readonly length: number;
  private readonly durationSeconds: number;
  private readonly series = new Map<string, SeriesSlots>();

  constructor(durationSeconds: number) {
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new RangeError(`durationSeconds must be a positive number, got ${durationSeconds}`);
    }
    this.durationSeconds = durationSeconds;
    this.length = Math.ceil(durationSeconds - TIME_EPSILON_SECONDS);
  }

  /** Adds `value` to the second holding `timeSeconds` (counters: records, bytes, objects). */
  add(name: string, timeSeconds: number, value: number): void {
    const index = this.slotIndex(timeSeconds);
    const slots = this.slots(name, 'sum');
    slots.values[index]! += value;
  }

  /**
   * Sets a gauge at `timeSeconds`: the second keeps the last value set in it, and a second with
   * nothing set keeps the value of the second before (a gauge holds until it changes).
   */
  set(name: string, timeSeconds: number, value: number): void {
    const index = this.slotIndex(timeSeconds);
    const slots = this.slots(name, 'last');
    slots.values[index] = value;
    slots.written[index] = true;
  }

  /** Keeps the largest value reported in the second holding `timeSeconds` (peaks). */
  max(name: string, timeSeconds: number, value: number): void {
    const index = this.slotIndex(timeSeconds);
    const slots = this.slots(name, 'max');
    if (!slots.written[index] || value > slots.values[index]!) slots.values[index] = value;
    slots.written[index] = true;
  }

  /** Whether anything was reported under `name`. */
  has(name: string): boolean {
    return this.series.has(name);
  }

  /** Names reported so far, in the order first seen. */
  names(): string[] {
    return [...this.series.keys()];
  }

  /** A copy of the series `name` (all zeros if nothing was reported under it). */
  get(name: string): number[] {
    const slots = this.series.get(name);
    if (!slots) return new Array<number>(this.length).fill(0);
    if (slots.kind !== 'last') return [...slots.values];
    const out: number[] = [];
    let held = 0;
    for (let i = 0; i < this.length; i++) {
      if (slots.written[i]) held = slots.values[i]!;
      out.push(held);
    }
    return out;
  }

  /** Copies of the series whose names start with `prefix`, keyed by the rest of the name, in the order first seen. */
  group(prefix: string): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const name of this.series.keys()) {
      if (name.startsWith(prefix)) out[name.slice(prefix.length)] = this.get(name);
    }
    return out;
  }

  private slots(name: string, kind: SeriesKind): SeriesSlots {
    let slots = this.series.get(name);
    if (!slots) {
      slots = {
        kind,
        values: new Array<number>(this.length).fill(0),
        written: new Array<boolean>(this.length).fill(false),
      };
      this.series.set(name, slots);
    } else if (slots.kind !== kind) {
      throw new Error(`series "${name}" is a ${slots.kind} series; it cannot also be a ${kind} series`);
    }
    return slots;
  }

  /** The slot of `timeSeconds`; the run's end itself belongs to the last second. */
  private slotIndex(timeSeconds: number): number {
    if (!(timeSeconds >= 0 && timeSeconds <= this.durationSeconds + TIME_EPSILON_SECONDS)) {
      throw new RangeError(`time ${timeSeconds} s is outside the run [0, ${this.durationSeconds}] s`);
    }
    return Math.min(Math.floor(timeSeconds + TIME_EPSILON_SECONDS), this.length - 1);
  }
}

/** How {@link downsample} combines the points of one coarse step. */
export type DownsampleMode = 'max' | 'mean' | 'sum';

/**
 * Combines every `step` points into one: ⌈values.length ÷ step⌉ points, the last possibly from
 * fewer. `max` (the default) keeps the peak, which is what a heatmap of utilisation must not hide.
 */
export function downsample(values: readonly number[], step: number, mode: DownsampleMode = 'max'): number[] {
  if (!Number.isSafeInteger(step) || step < 1) {
    throw new RangeError(`step must be a positive integer, got ${step}`);
  }
  const out: number[] = [];
  for (let start = 0; start < values.length; start += step) {
    const end = Math.min(start + step, values.length);
    let acc = mode === 'max' ? Number.NEGATIVE_INFINITY : 0;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      acc = mode === 'max' ? Math.max(acc, v) : acc + v;
    }
    out.push(mode === 'mean' ? acc / (end - start) : acc);
  }
  return out;
}
