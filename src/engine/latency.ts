/**
 * Latency: the put latency of the records each attempt class admitted (batch wait, service times,
 * backoff) and the end-to-end latency of records processed (put latency, then the wait to be
 * read), as weighted points into the recorder's histograms, with their exact extremes.
 */
import type { FlowHistogram } from '../result/flow-histogram.js';
import type { SecondQuantiles } from '../result/second-quantiles.js';
import { inverseNormalCdf } from '../scenario/record-size.js';
import type { ProducerState, Sink } from './state.js';

/**
 * Spreads `delivered` records over the put latencies of the records the stream took this second,
 * each followed by `after` seconds to be processed; none longer than `atMostSeconds` (the time
 * they are processed: no record was produced before the run started).
 */
export function recordEndToEnd(
  producers: readonly ProducerState[],
  stream: Sink,
  after: number,
  delivered: number,
  histogram: FlowHistogram,
  second: SecondQuantiles,
  atMostSeconds: number,
): void {
  const record = (seconds: number, count: number) => {
    const bounded = Math.min(seconds, atMostSeconds);
    histogram.record(bounded, count);
    second.add(bounded, count);
  };
  let admitted = 0;
  for (const p of producers) {
    if (p.sink !== stream) continue;
    for (let a = 1; a < p.admittedByAttempt.length; a++) admitted += p.admittedByAttempt[a]!;
  }
  if (admitted <= 0) {
    record(meanPutLatency(producers, stream) + after, delivered);
    return;
  }
  for (const p of producers) {
    if (p.sink !== stream) continue;
    for (let a = 1; a < p.admittedByAttempt.length; a++) {
      const share = p.admittedByAttempt[a]! / admitted;
      if (share <= 0) continue;
      putLatencyPoints(p, a, (seconds, weight) => record(seconds + after, delivered * share * weight));
      const [low, high] = putLatencyExtent(p, a, p.admittedBefore[a]! + p.admittedByAttempt[a]!);
      // The extremes obey the same bound as every point: no record waits longer than it can.
      histogram.extend(Math.min(low + after, atMostSeconds), Math.min(high + after, atMostSeconds));
    }
  }
}

/** The mean put latency of the stream's producers (for a second whose records all came earlier). */
export function meanPutLatency(producers: readonly ProducerState[], stream: Sink): number {
  let total = 0;
  let weight = 0;
  for (const p of producers) {
    if (p.sink !== stream) continue;
    const mean = p.batchWaitSeconds / 2 + p.serviceMedian * Math.exp((p.serviceSigma * p.serviceSigma) / 2);
    total += mean;
    weight++;
  }
  return weight > 0 ? total / weight : 0;
}

/**
 * A second's put latencies: for each attempt class, the batch wait (four points of its uniform
 * spread), the service time of each attempt (lognormal quantiles, denser in the tail so p99 and
 * p99.9 show) and the backoff waited before the attempt.
 */
const SERVICE_POINTS: readonly { z: number; weight: number }[] = [
  ...[0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85].map((p) => ({
    z: inverseNormalCdf(p),
    weight: 0.1,
  })),
  { z: inverseNormalCdf(0.925), weight: 0.05 },
  { z: inverseNormalCdf(0.97), weight: 0.03 },
  { z: inverseNormalCdf(0.99), weight: 0.015 },
  { z: inverseNormalCdf(0.999), weight: 0.005 },
];
const WAIT_Q = [0.125, 0.375, 0.625, 0.875];

/** The put latencies of `count` records admitted at attempt `a`, as (seconds, weight) points whose weights sum to 1. */
function putLatencyPoints(
  p: ProducerState,
  a: number,
  visit: (seconds: number, weight: number) => void,
): void {
  // The points depend on the producer and the attempt only: computed once (an exponential each,
  // 52 an attempt class, for every consumer every second, were a tenth of a long run).
  let points = p.latencyPoints[a];
  if (points === undefined) {
    const backoff = p.backoffWaited[a] ?? 0;
    const seconds: number[] = [];
    const weights: number[] = [];
    for (const q of WAIT_Q) {
      for (const { z, weight } of SERVICE_POINTS) {
        const service = p.serviceMedian * Math.exp(p.serviceSigma * z);
        seconds.push(p.batchWaitSeconds * q + a * service + backoff);
        weights.push(weight / WAIT_Q.length);
      }
    }
    points = { seconds: Float64Array.from(seconds), weights: Float64Array.from(weights) };
    p.latencyPoints[a] = points;
  }
  for (let i = 0; i < points.seconds.length; i++) visit(points.seconds[i]!, points.weights[i]!);
}

/**
 * The smallest and largest put latency among `records` records admitted at attempt `a`, for the
 * exact `.min` and `.max` beside the histogram (whose points stop at the service time's p99.9 and
 * the batch wait's ⅞, so `.max` was p99.9). A batch's first record waits the whole batch time
 * (its last none); the service time is heavy-tailed, so the largest of a sum of `a` draws is
 * taken as one extreme draw and a − 1 at the mean: the largest of n lognormal draws at its median,
 * the quantile 0.5^(1/n) (the smallest, 1 − 0.5^(1/n)); the backoff at its mean. For n = 60,000
 * records, median 20 ms and p99 120 ms (σ = ln 6 ÷ 2.3263 = 0.7702): z = 4.233, 0.02 ×
 * e^(0.7702 × 4.233) = 0.521 s of service time.
 */
function putLatencyExtent(p: ProducerState, a: number, records: number): [number, number] {
  // 1 − 0.5^(1/n) without cancellation for large n; z of the largest draw's quantile.
  const tail = -Math.expm1(-Math.LN2 / Math.max(1, records));
  const z = -inverseNormalCdf(tail);
  const mean = p.serviceMedian * Math.exp((p.serviceSigma * p.serviceSigma) / 2);
  const others = (a - 1) * mean + (p.backoffWaited[a] ?? 0);
  return [
    others + p.serviceMedian * Math.exp(-p.serviceSigma * z),
    p.batchWaitSeconds + others + p.serviceMedian * Math.exp(p.serviceSigma * z),
  ];
}

/** Closes a second of producer `p`: its admitted records' put latencies into the run's histogram and the second's quantiles. */
export function recordPutLatency(p: ProducerState, histogram: FlowHistogram, second: SecondQuantiles): void {
  for (let a = 1; a < p.admittedByAttempt.length; a++) {
    const count = p.admittedByAttempt[a]!;
    if (count <= 0) continue;
    putLatencyPoints(p, a, (seconds, weight) => {
      histogram.record(seconds, count * weight);
      second.add(seconds, count * weight);
    });
    p.admittedBefore[a]! += count;
    const [low, high] = putLatencyExtent(p, a, p.admittedBefore[a]!);
    histogram.extend(low, high);
    p.admittedByAttempt[a] = 0;
  }
}
