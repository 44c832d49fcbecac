/**
 * Streaming gates: which gates have already failed, beyond recovery, while a run goes on. Fed one
 * `SecondSample` per second (the target's live observations), it tells the progress line (and
 * later `--abort-on-fail`) of a gate that no remaining second can save.
 *
 * Honest by construction: a gate is decided early only when the samples seen so far give a lower
 * bound of the metric's final value that the rest of the run cannot lower, and that bound already
 * breaks the gate. Two kinds of metric have one:
 * - a count that only grows: `records.dropped` (Σ dropped), `records.throttled`, `records.retried`,
 *   `records.produced` (Σ offered: a record generated is offered or still waiting, so ≥),
 *   `records.acknowledged`, `records.attempts` (Σ offered + retried), `lostRecords`,
 *   `consumers.<name>.delivered`, `firehose.<name>.objects`;
 * - a maximum over the run's seconds: `shards.maxUtilization` (when the target sees shards),
 *   `shards.max`, `consumers.<name>.lagSeconds.max`, `consumerLag.max`,
 *   `throughput.peakOfferedRecordsPerSecond`, `throughput.peakWriteBytesPerSecond`,
 *   `throughput.peakRecordsPerSecond` (the stream's acknowledged records; Direct PUT Firehose
 *   only adds to it).
 * With a lower bound L of the final value, `M < v` has failed once L ≥ v, and `M <= v` and
 * `M == v` once L > v. A sum's bound allows for rounding: a sample's fractional counts (the model
 * carries flows, not records) are rounded to a thousandth each second while the final counter is
 * the exact total rounded once, so Σ of the samples can exceed the final value by up to 0.0005
 * per fractional sample (and 0.0005 for the final rounding): that much is taken off the bound.
 * Whole counts, what a target counting records reports, are exact and lose nothing; `>`, `>=` and `!=` may still pass later, so they wait for the run's end.
 * Ratios (`throttledRatio`: a quiet end lowers it), percentiles and means can move either way and
 * are never decided early; nor is `putLatency.max` from a second's p99, which comes from a
 * histogram bucket that may sit a little above the exact maximum.
 */
import type { SecondSample } from '../result/live.js';
import type { Gate } from './expression.js';
import { formatQuantity, metricQuantity } from './metrics.js';

/** A gate that has failed beyond recovery, and why. */
export interface LiveGateFailure {
  gate: Gate;
  /** The lower bound of the metric's final value when it failed. */
  atLeast: number;
  /** The second (0-based) whose sample decided it. */
  second: number;
  /** `records.dropped is already 12, allowed == 0`. */
  message: string;
}

type Bound = { kind: 'sum' | 'max'; of: (sample: SecondSample) => number | undefined };

const SUMS: Readonly<Record<string, (s: SecondSample) => number>> = {
  'records.produced': (s) => s.offered,
  'records.acknowledged': (s) => s.acknowledged,
  'records.throttled': (s) => s.throttled,
  'records.retried': (s) => s.retried,
  'records.dropped': (s) => s.dropped,
  lostRecords: (s) => s.dropped,
  'records.attempts': (s) => s.offered + s.retried,
};

const MAXES: Readonly<Record<string, (s: SecondSample) => number | undefined>> = {
  'shards.maxUtilization': (s) => s.maxShardUtilization,
  'shards.max': (s) => s.shards,
  'consumerLag.max': (s) => {
    const lags = Object.values(s.consumerLagSeconds);
    return lags.length === 0 ? undefined : Math.max(...lags);
  },
  'throughput.peakOfferedRecordsPerSecond': (s) => s.offered,
  'throughput.peakWriteBytesPerSecond': (s) => s.writeBytes,
  'throughput.peakRecordsPerSecond': (s) => s.acknowledged,
};

/** The name between `prefix` and `suffix` (names may contain dots), or undefined. */
function named(metric: string, prefix: string, suffix: string): string | undefined {
  if (!metric.startsWith(prefix) || !metric.endsWith(suffix)) return undefined;
  const name = metric.slice(prefix.length, metric.length - suffix.length);
  return name === '' ? undefined : name;
}

/** How the samples bound `metric` from below, or undefined when they cannot (see the module comment). */
export function liveBound(metric: string): Bound | undefined {
  const sum = SUMS[metric];
  if (sum !== undefined) return { kind: 'sum', of: sum };
  const max = MAXES[metric];
  if (max !== undefined) return { kind: 'max', of: max };
  const delivered = named(metric, 'consumers.', '.delivered');
  if (delivered !== undefined) return { kind: 'sum', of: (s) => s.delivered[delivered] };
  const lag = named(metric, 'consumers.', '.lagSeconds.max');
  if (lag !== undefined) return { kind: 'max', of: (s) => s.consumerLagSeconds[lag] };
  const objects = named(metric, 'firehose.', '.objects');
  if (objects !== undefined) return { kind: 'sum', of: (s) => s.firehoseObjects[objects] };
  return undefined;
}

/** Half of the thousandth samples and counters are rounded to (`result/recorder.ts` `round`). */
const HALF_ROUNDING = 0.0005;

/** Whether a lower bound `atLeast` of the final value already breaks `gate`, whatever comes next. */
export function failedBeyondRecovery(gate: Gate, atLeast: number): boolean {
  switch (gate.op) {
    case '<':
      return atLeast >= gate.value;
    case '<=':
    case '==':
      return atLeast > gate.value;
    default:
      return false;
  }
}

/** Gates watched over a run's samples. */
export class LiveGates {
  /** The gates a sample can decide, with their bound so far (undefined before any value). */
  private readonly watched: {
    gate: Gate;
    bound: Bound;
    /** The sum or maximum of the samples so far (undefined before any value). */
    seen: number | undefined;
    /** What rounding may have added to a sum: HALF_ROUNDING per fractional sample, and once more. */
    slack: number;
    failed: boolean;
  }[];
  private readonly failures: LiveGateFailure[] = [];

  constructor(gates: readonly Gate[]) {
    this.watched = gates.flatMap((gate) => {
      const bound = liveBound(gate.metric);
      return bound === undefined ? [] : [{ gate, bound, seen: undefined, slack: 0, failed: false }];
    });
  }

  /** How many gates the samples can decide early. */
  get watching(): number {
    return this.watched.length;
  }

  /** The gates failed so far, in the order they failed. */
  get failed(): readonly LiveGateFailure[] {
    return this.failures;
  }

  /** Takes one second's sample; returns the gates it failed (each gate fails once). */
  observe(sample: SecondSample): LiveGateFailure[] {
    const failedNow: LiveGateFailure[] = [];
    for (const w of this.watched) {
      const value = w.bound.of(sample);
      if (value === undefined || !Number.isFinite(value)) continue;
      if (w.bound.kind === 'sum') {
        w.seen = (w.seen ?? 0) + value;
        if (!Number.isInteger(value)) w.slack += w.slack === 0 ? 2 * HALF_ROUNDING : HALF_ROUNDING;
      } else w.seen = w.seen === undefined ? value : Math.max(w.seen, value);
      if (w.failed) continue;
      const atLeast = w.seen - w.slack;
      if (!failedBeyondRecovery(w.gate, atLeast)) continue;
      w.failed = true;
      const quantity = metricQuantity(w.gate.metric);
      const failure: LiveGateFailure = {
        gate: w.gate,
        atLeast,
        second: sample.second,
        message: `${w.gate.metric} is already ${w.bound.kind === 'sum' ? '' : 'at least '}${formatQuantity(atLeast, quantity)}, allowed ${w.gate.op} ${formatQuantity(w.gate.value, quantity)}`,
      };
      this.failures.push(failure);
      failedNow.push(failure);
    }
    return failedNow;
  }
}
