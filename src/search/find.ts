/**
 * `shardcast find`: a capacity answer by search over model runs, pure over a `PointRunner` (the
 * worker pool, or this thread). Three searches:
 *
 * - `maximize`: the largest value (a producer's rate, or the load multiplier) at which every gate
 *   passes. From the planner's estimate, it doubles (or halves) until a passing and a failing run
 *   bracket the edge, then bisects until (high − low) ÷ low ≤ the resolution. From a bracket of ×2
 *   to 1 % that is ⌈log2(1 ÷ 0.01)⌉ = 7 runs; with at most ⌈log2(1e4)⌉ = 14 doublings or
 *   halvings to find the bracket, a search stays under 1 + 14 + 7 + 1 (the check past the edge)
 *   = 23 runs.
 * - `minimizeCount`: the smallest shard count at which every gate passes: from the plan's
 *   `shards.required`, then `shards.recommended`, doubling or halving to a bracket, then integer
 *   bisection until the failing and the passing counts are 1 apart.
 * - `minimizeOver`: every listed option run, the passing one with the least metric (ties to the
 *   earlier option).
 *
 * Pass→fail is assumed monotonic (more load never helps). One run past the failing edge checks it:
 * a pass there contradicts the assumption (gates near their threshold flipping with the seed, or a
 * scenario whose throttling is not monotonic in load); the answer stays the conservative one and
 * `closeness` says so.
 */
import { formatQuantity, metricQuantity } from '../gates/metrics.js';
import { formatPercent } from '../scenario/units.js';
import type { FindAnswer, GateOutcome, GridPoint, PointOutcome, PointRunner } from './types.js';

/** The search's limits: a search that never finds its edge ends, and says why. */
export interface FindLimits {
  /** Runs at most (each with every seed of the rule). */
  maxRuns: number;
  /** How far from the starting value the bracket search goes, either way (×maxFactor or ÷maxFactor). */
  maxFactor: number;
}

/**
 * 40 runs; ×10,000 either way. An edge 10,000 times the planner's estimate of where the fullest
 * shard reaches its limit is past anything a shard carries (the model throttles 99.99 % of
 * records at ×8,192 of a records-bound scenario's edge), and runs that far over their limit grow
 * slow: 30 s of 8 shards took 1.9 s at ×16,384 and 66 s at ×131,072 (measured with find on the
 * records-bound scenario of test/cli/find.test.ts).
 */
export const FIND_LIMITS: FindLimits = { maxRuns: 40, maxFactor: 1e4 };

/** A find's outcome: the answer, every point run in run order, and what to tell the user besides. */
export interface FindOutcome {
  answer: FindAnswer;
  points: PointOutcome[];
  /** Why the search ended without an answer, or short of its resolution; undefined when it did not. */
  message?: string | undefined;
}

/** Makes the point of one value (`index` is its place in run order). */
export type PointAt = (value: number, index: number) => GridPoint;

export interface MaximizeInput {
  subject: string;
  unit: string;
  /** The first value run: the planner's estimate of the edge. */
  start: number;
  /** Relative: 0.01 stops when (high − low) ÷ low ≤ 1 %. */
  resolution: number;
  /** The largest value a point may take (the scenario bounds'), and why, in words. */
  max?: number | undefined;
  maxWhy?: string | undefined;
  pointAt: PointAt;
  /** Describes a value in the closeness words: `load 1.012`, `8,104 records/s`. */
  describe?: (value: number) => string;
  limits?: FindLimits;
  /** Asked before each run: true stops the search (a signal), with what was run so far. */
  stopped?: () => boolean;
}

/** Runs points one at a time, in order, keeping each with its value. */
class Trail {
  readonly points: PointOutcome[] = [];
  readonly values: number[] = [];
  constructor(
    private readonly runner: PointRunner,
    private readonly pointAt: PointAt,
    private readonly stopped: (() => boolean) | undefined,
  ) {}

  get interrupted(): boolean {
    return this.stopped?.() === true;
  }

  async run(value: number): Promise<PointOutcome> {
    return (await this.runMany([value]))[0]!;
  }

  /** Runs `values` at once (the runner spreads them over its workers); kept in the order given. */
  async runMany(values: readonly number[]): Promise<PointOutcome[]> {
    const first = this.points.length;
    const outcomes = await Promise.all(values.map((v, j) => this.runner.run(this.pointAt(v, first + j))));
    this.points.push(...outcomes);
    this.values.push(...values);
    return outcomes;
  }

  /** Points the runner runs at once. */
  get width(): number {
    return Math.max(1, Math.floor(this.runner.size ?? 1));
  }

  indexOf(value: number | null): number | null {
    if (value === null) return null;
    const i = this.values.lastIndexOf(value);
    return i < 0 ? null : i;
  }
}

/** The largest value at which every gate passes (`find --maximize`). */
export async function maximize(runner: PointRunner, input: MaximizeInput): Promise<FindOutcome> {
  const limits = input.limits ?? FIND_LIMITS;
  if (!(input.start > 0 && Number.isFinite(input.start)))
    throw new RangeError(`the starting value must be a positive number, not ${input.start}`);
  const trail = new Trail(runner, input.pointAt, input.stopped);
  const describe = input.describe ?? ((v: number) => String(v));
  // The most the model takes (its bounds) caps the doubling: past it a point cannot even load.
  const cap = input.max ?? Number.POSITIVE_INFINITY;
  const capped = cap < input.start * limits.maxFactor;
  const highest = Math.min(input.start * limits.maxFactor, cap);
  const lowest = input.start / limits.maxFactor;
  let low: number | null = null;
  let high: number | null = null;
  let message: string | undefined;
  let contradiction: string | undefined;
  let value = Math.min(input.start, highest);
  // The bracket: double from a pass until a fail, or halve from a fail until a pass.
  for (;;) {
    if (trail.interrupted) return finish('interrupted');
    if (trail.points.length >= limits.maxRuns) {
      message = `no bracket within ${limits.maxRuns} runs`;
      break;
    }
    const outcome = await trail.run(value);
    if (outcome.passed) {
      low = value;
      if (high !== null) break;
      if (value >= highest) {
        const limit = capped
          ? `the most the model takes${input.maxWhy === undefined ? '' : `, ${input.maxWhy}`}`
          : `×${limits.maxFactor.toLocaleString('en-US')} the planner's estimate`;
        message = `every value up to ${describe(value)} (${limit}) passed: no edge found`;
        break;
      }
      value = Math.min(value * 2, highest);
    } else {
      high = value;
      if (low !== null) break;
      if (value / 2 < lowest) {
        message = `no value down to ${describe(value)} (÷${limits.maxFactor.toLocaleString('en-US')} the planner's estimate) passed`;
        break;
      }
      value /= 2;
    }
  }
  // Bisection: the midpoint of a bracket at most ×2 wide, until it is within the resolution.
  while (low !== null && high !== null && (high - low) / low > input.resolution) {
    if (trail.interrupted) return finish('interrupted');
    if (trail.points.length >= limits.maxRuns) {
      message = `stopped at ${limits.maxRuns} runs, short of the resolution: the bracket is ${describe(low)} … ${describe(high)}`;
      break;
    }
    // k points at once, one per worker, cutting the bracket into k + 1 equal parts (k = 1: the
    // midpoint): each round divides it by k + 1, so the rounds fall from log₂ to log_(k+1).
    const k = Math.min(trail.width, limits.maxRuns - trail.points.length);
    const lo = low;
    const hi = high;
    const values = Array.from({ length: k }, (_, j) => lo + ((hi - lo) * (j + 1)) / (k + 1));
    const outcomes = await trail.runMany(values);
    const firstFail = outcomes.findIndex((o) => !o.passed);
    if (firstFail < 0) low = values[k - 1]!;
    else {
      high = values[firstFail]!;
      if (firstFail > 0) low = values[firstFail - 1]!;
      const later = outcomes.findIndex((o, j) => j > firstFail && o.passed);
      if (later > 0)
        contradiction ??= `${describe(values[later]!)} passed although ${describe(values[firstFail]!)} failed: pass and fail do not follow the value monotonically near the edge (gates near their threshold flip with the seed: try --seeds); the answer is the lower edge`;
    }
  }
  // One run past the failing edge, by twice the resolution: a pass there contradicts monotonicity.
  if (low !== null && high !== null && !trail.interrupted && trail.points.length < limits.maxRuns) {
    const past = high * (1 + 2 * input.resolution);
    const check = await trail.run(past);
    if (check.passed)
      contradiction = `${describe(past)} passed although ${describe(high)} failed: pass and fail do not follow the value monotonically near the edge (gates near their threshold flip with the seed: try --seeds); the answer is the lower edge`;
  }
  return finish(undefined);

  function finish(stop: 'interrupted' | undefined): FindOutcome {
    const bracket: [number | null, number | null] = [low, high];
    const bracketPoints: [number | null, number | null] = [trail.indexOf(low), trail.indexOf(high)];
    const closeness = [
      closenessOfIndexes(trail.points, bracketPoints, (i) => describe(trail.values[i]!)),
      contradiction,
    ]
      .filter((t) => t !== undefined && t !== '')
      .join('; ');
    return {
      answer: {
        goal: 'maximize',
        subject: input.subject,
        unit: input.unit,
        value: low !== null && high !== null ? low : null,
        bracket,
        binding: bindingOf(trail.points, bracketPoints),
        resolution: input.resolution,
        bracketPoints,
        closeness: closeness === '' ? undefined : closeness,
      },
      points: trail.points,
      message: stop === 'interrupted' ? 'interrupted: the search stopped before its answer' : message,
    };
  }
}

export interface MinimizeCountInput {
  subject: string;
  unit: string;
  /** The first count run (the plan's `shards.required`). */
  start: number;
  /** The count run next when `start` fails (the plan's `shards.recommended`), before doubling. */
  next?: number | undefined;
  /** The fewest and the most the count may be (1 and the most shards the model takes). */
  min: number;
  max: number;
  pointAt: PointAt;
  describe?: (value: number) => string;
  limits?: FindLimits;
  stopped?: () => boolean;
}

/** The smallest whole count at which every gate passes (`find --minimize shards`). */
export async function minimizeCount(runner: PointRunner, input: MinimizeCountInput): Promise<FindOutcome> {
  const limits = input.limits ?? FIND_LIMITS;
  const trail = new Trail(runner, input.pointAt, input.stopped);
  const describe = input.describe ?? ((v: number) => String(v));
  const clamp = (n: number) => Math.min(input.max, Math.max(input.min, Math.round(n)));
  // [fails, passes]: the largest count that failed, the smallest that passed.
  let fails: number | null = null;
  let passes: number | null = null;
  let message: string | undefined;
  let count = clamp(input.start);
  for (;;) {
    if (trail.interrupted) return finish('interrupted');
    if (trail.points.length >= limits.maxRuns) {
      message = `no bracket within ${limits.maxRuns} runs`;
      break;
    }
    if ((await trail.run(count)).passed) {
      passes = count;
      if (fails !== null) break;
      if (count === input.min) break;
      count = clamp(count / 2);
    } else {
      fails = count;
      if (passes !== null) break;
      if (count === input.max) {
        message = `${describe(count)}, the most the model takes, failed too`;
        break;
      }
      const next = input.next !== undefined && input.next > count ? clamp(input.next) : clamp(count * 2);
      count = next;
    }
  }
  while (fails !== null && passes !== null && passes - fails > 1) {
    if (trail.interrupted) return finish('interrupted');
    if (trail.points.length >= limits.maxRuns) {
      message = `stopped at ${limits.maxRuns} runs: the answer lies between ${describe(fails)} and ${describe(passes)}`;
      break;
    }
    const mid = Math.floor((fails + passes) / 2);
    if ((await trail.run(mid)).passed) passes = mid;
    else fails = mid;
  }
  return finish(undefined);

  function finish(stop: 'interrupted' | undefined): FindOutcome {
    const bracketPoints: [number | null, number | null] = [trail.indexOf(fails), trail.indexOf(passes)];
    // The passing side first for the words, as `maximize` has it.
    const closeness = closenessOfIndexes(trail.points, [bracketPoints[1], bracketPoints[0]], (i) =>
      describe(trail.values[i]!),
    );
    // Both below and above the passing count failed: more is not always better here.
    const above =
      passes === null ? [] : trail.values.filter((v, i) => v > passes! && !trail.points[i]!.passed);
    const contradiction =
      above.length > 0
        ? `${describe(above[0]!)} failed although ${describe(passes!)} passed: more is not always better here; the answer is the smallest passing count`
        : undefined;
    const words = [closeness, contradiction].filter((t) => t !== undefined && t !== '').join('; ');
    return {
      answer: {
        goal: 'minimize',
        subject: input.subject,
        unit: input.unit,
        value: passes,
        bracket: [fails, passes],
        binding: bindingOf(trail.points, [bracketPoints[1], bracketPoints[0]]),
        resolution: 1,
        bracketPoints,
        closeness: words === '' ? undefined : words,
      },
      points: trail.points,
      message: stop === 'interrupted' ? 'interrupted: the search stopped before its answer' : message,
    };
  }
}

export interface MinimizeOverInput {
  /** The metric minimized: `cost.monthly.total`. */
  metric: string;
  unit: string;
  /** Every option, in the order listed (the `--vary` grid). */
  points: readonly GridPoint[];
  /** Describes an option in words: `stream.mode=on-demand, stream.shards=8`. */
  describe?: (point: GridPoint) => string;
  stopped?: () => boolean;
}

/** The passing option with the least `metric` (`find --minimize METRIC --vary …`). */
export async function minimizeOver(runner: PointRunner, input: MinimizeOverInput): Promise<FindOutcome> {
  const points: PointOutcome[] = [];
  const describe = input.describe ?? ((p: GridPoint) => optionText(p));
  let interrupted = false;
  // As many options at once as the runner has workers, kept in the order listed.
  const width = Math.max(1, Math.floor(runner.size ?? 1));
  for (let at = 0; at < input.points.length; at += width) {
    if (input.stopped?.() === true) {
      interrupted = true;
      break;
    }
    const chunk = input.points.slice(at, at + width);
    points.push(...(await Promise.all(chunk.map((point, j) => runner.run({ ...point, index: at + j })))));
  }
  const metricOf = (o: PointOutcome) => o.metrics[input.metric];
  // The best passing option: the least metric, the earlier on a tie (strictly less replaces).
  let best: number | null = null;
  points.forEach((o, i) => {
    const v = metricOf(o);
    if (!o.passed || v === undefined) return;
    if (best === null || v < metricOf(points[best]!)!) best = i;
  });
  // The failing option that would have beaten it: the cheapest of those below it (or any, with no answer).
  let beaten: number | null = null;
  points.forEach((o, i) => {
    const v = metricOf(o);
    if (o.passed || v === undefined) return;
    if (best !== null && !(v < metricOf(points[best]!)!)) return;
    if (beaten === null || v < metricOf(points[beaten]!)!) beaten = i;
  });
  const metricAt = (i: number | null) => (i === null ? null : (metricOf(points[i]!) ?? null));
  const bracketPoints: [number | null, number | null] = [beaten, best];
  const describeIndex = (i: number) => describe(points[i]!.point);
  const closeness = closenessOfIndexes(points, [best, beaten], describeIndex);
  const missing = points.filter((o) => o.error === undefined && metricOf(o) === undefined).length;
  let message: string | undefined;
  if (interrupted) message = 'interrupted: not every option ran';
  else if (best === null) {
    const none =
      points.length === 1 ? 'the one option did not pass' : `none of the ${points.length} options passed`;
    message = `${none} every gate${missing > 0 ? ` (${missing} had no ${input.metric})` : ''}`;
  }
  return {
    answer: {
      goal: 'minimize',
      subject: input.metric,
      unit: input.unit,
      value: metricAt(best),
      bracket: [metricAt(beaten), metricAt(best)],
      binding: bindingOf(points, [best, beaten]),
      resolution: 0,
      bracketPoints,
      closeness: closeness === '' ? undefined : closeness,
    },
    points,
    message,
  };
}

/** An option in words: its axes' values (`stream.mode=on-demand, stream.shards=8`). */
export function optionText(point: GridPoint): string {
  const parts = Object.entries(point.at).map(([path, value]) => `${path}=${value}`);
  return parts.length === 0 ? `point ${point.index + 1}` : parts.join(', ');
}

/**
 * The gate that binds at the edge: the one the failing side failed with the least margin (its
 * `binding`), or the passing side's least margin when nothing failed.
 */
function bindingOf(
  points: readonly PointOutcome[],
  [pass, fail]: [number | null, number | null],
): string | undefined {
  const failing = fail === null ? undefined : points[fail];
  if (failing?.binding !== undefined) return failing.binding;
  return pass === null ? undefined : points[pass]?.binding;
}

/**
 * How close the bracket's points came to flipping, in words: "the passing point (load 1.012)
 * passed throttledRatio <= 0.001 with 0.00082 (18 % margin) in 3 of 3 seeds; the failing one
 * (load 1.022) failed it with 0.0013 in 3 of 3".
 */
function closenessOfIndexes(
  points: readonly PointOutcome[],
  [pass, fail]: [number | null, number | null],
  describe: (index: number) => string,
): string {
  const parts: string[] = [];
  const passing = pass === null ? undefined : points[pass];
  const failing = fail === null ? undefined : points[fail];
  if (passing !== undefined && passing.binding !== undefined) {
    const g = gateOverSeeds(passing, passing.binding);
    parts.push(
      `the passing point (${describe(pass!)}) passed ${passing.binding} with ${measuredText(g)}${marginText(g)} in ${seedsText(passing, true)}`,
    );
  }
  if (failing !== undefined) {
    if (failing.error !== undefined)
      parts.push(`the failing one (${describe(fail!)}) could not run: ${failing.error}`);
    else if (failing.binding !== undefined) {
      const g = gateOverSeeds(failing, failing.binding);
      const same = failing.binding === passing?.binding;
      parts.push(
        `${parts.length > 0 ? 'the failing one' : 'the failing point'} (${describe(fail!)}) failed ${same ? 'it' : failing.binding} with ${measuredText(g)}${marginText(g)} in ${failedSeeds(failing, failing.binding)} of ${failing.runs.length} ${failing.runs.length === 1 ? 'seed' : 'seeds'}`,
      );
    }
  }
  return parts.join('; ');
}

/** A gate over a point's seeds: the mean measured value and the least margin. */
function gateOverSeeds(outcome: PointOutcome, gate: string): GateOverSeeds {
  const seen = outcome.runs.flatMap((r) => r.gates.filter((g: GateOutcome) => g.gate === gate));
  const measured = seen.map((g) => g.measured).filter((m): m is number => m !== null);
  const margins = seen.map((g) => g.margin).filter((m): m is number => m !== null);
  return {
    metric: seen[0]?.metric ?? '',
    measured: measured.length === 0 ? null : measured.reduce((a, b) => a + b, 0) / measured.length,
    margin: margins.length === 0 ? null : Math.min(...margins),
  };
}

interface GateOverSeeds {
  metric: string;
  measured: number | null;
  margin: number | null;
}

/** The measured value in its metric's unit: a ratio as a percentage, seconds as ms or s. */
function measuredText(g: GateOverSeeds): string {
  return g.measured === null ? 'nothing measured' : formatQuantity(g.measured, metricQuantity(g.metric), 1);
}

function marginText(g: { margin: number | null }): string {
  if (g.margin === null) return '';
  return ` (${formatPercent(Math.abs(g.margin))} ${g.margin >= 0 ? 'margin' : 'over'})`;
}

function seedsText(outcome: PointOutcome, passed: boolean): string {
  const n = outcome.runs.length;
  const k = outcome.runs.filter((r) => r.passed === passed).length;
  return `${k} of ${n} ${n === 1 ? 'seed' : 'seeds'}`;
}

function failedSeeds(outcome: PointOutcome, gate: string): number {
  return outcome.runs.filter((r) => r.gates.some((g) => g.gate === gate && !g.passed)).length;
}

/** Three significant figures, without a trailing exponent for everyday values: 0.000823 → `0.000823`. */
export function significant(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}
