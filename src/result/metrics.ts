/**
 * A run's flat metrics: the names gates use (README, "Run metrics"). Base units: seconds, records,
 * bytes; rates per second; utilisation as a fraction of a shard's limit.
 */
import { emptyHistogram, maxSeconds, meanSeconds, percentilesSeconds } from './histogram.js';
import type { EncodedHistogram, RunResult } from './types.js';

/**
 * Percentiles reported for every latency histogram (put, end-to-end, consumer lag, Firehose
 * delivery), with their metric suffixes: the same set everywhere, p95 included as k6 reports it.
 */
const LATENCY_PERCENTILES: readonly { suffix: string; percentile: number }[] = [
  { suffix: 'p50', percentile: 50 },
  { suffix: 'p90', percentile: 90 },
  { suffix: 'p95', percentile: 95 },
  { suffix: 'p99', percentile: 99 },
  { suffix: 'p999', percentile: 99.9 },
];

/** The largest value (0 for none); a null (a shard that did not exist then) is no value. */
function peak(values: readonly (number | null)[]): number {
  let m = 0;
  for (const v of values) if (v !== null && v > m) m = v;
  return m;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** `<prefix>.p50 … .p999` in seconds; all 0 for an empty histogram. */
function percentileMetrics(m: Record<string, number>, prefix: string, h: EncodedHistogram): void {
  const values = percentilesSeconds(
    h,
    LATENCY_PERCENTILES.map(({ percentile }) => percentile),
  );
  LATENCY_PERCENTILES.forEach(({ suffix }, i) => {
    m[`${prefix}.${suffix}`] = values[i]!;
  });
}

/** `<prefix>.p50 … .p999`, `.max` (exact) and `.mean`, in seconds; all 0 for an empty histogram. */
function latencyMetrics(m: Record<string, number>, prefix: string, h: EncodedHistogram): void {
  percentileMetrics(m, prefix, h);
  m[`${prefix}.max`] = maxSeconds(h);
  m[`${prefix}.mean`] = meanSeconds(h);
}

/** Names in first-seen order over several records. */
function namesOf(...records: readonly Record<string, unknown>[]): string[] {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record)) names.add(name);
  return [...names];
}

/** The flat metrics of a run, computed from its counters, series and histograms. */
export function runMetrics(result: Omit<RunResult, 'metrics'>): Record<string, number> {
  const { counters: c, series: s, shardSeries, histograms: h, scenario } = result;
  const m: Record<string, number> = {};

  m['records.produced'] = c.produced;
  m['records.acknowledged'] = c.acknowledged;
  m['records.throttled'] = c.throttled;
  m['records.attempts'] = c.attempts;
  m['records.retried'] = c.retried;
  m['records.dropped'] = c.dropped;
  m['records.pendingAtEnd'] = c.pendingAtEnd;
  m.putRequests = c.putRequests;
  // Dropped records were given up after the last retry: the data is lost.
  m.lostRecords = c.dropped;
  // Per attempt, not per record: a record throttled twice and then accepted counts 2 of 3 attempts.
  m.throttledRatio = c.attempts > 0 ? c.throttled / c.attempts : 0;

  m['throughput.peakRecordsPerSecond'] = peak(s.acknowledged);
  m['throughput.peakOfferedRecordsPerSecond'] = peak(s.offered);
  m['throughput.peakWriteBytesPerSecond'] = peak(s.writeBytes);
  m['throughput.averageRecordsPerSecond'] =
    scenario.durationSeconds > 0 ? c.acknowledged / scenario.durationSeconds : 0;

  latencyMetrics(m, 'putLatency', h.putLatency);
  latencyMetrics(m, 'e2eLatency', h.e2eLatency);

  const consumers = namesOf(c.delivered, s.consumerLagSeconds);
  let lagMax = 0;
  for (const name of consumers) {
    const lag = peak(s.consumerLagSeconds[name] ?? []);
    lagMax = Math.max(lagMax, lag);
    m[`consumers.${name}.lagSeconds.max`] = lag;
    m[`consumers.${name}.delivered`] = c.delivered[name] ?? sum(s.delivered[name] ?? []);
  }
  // The largest iterator age any consumer application showed at the end of a second.
  m['consumerLag.max'] = lagMax;
  percentileMetrics(m, 'consumerLag', h.consumerLag);

  let utilization = 0;
  for (const { utilization: values } of shardSeries.hottest)
    utilization = Math.max(utilization, peak(values));
  // `all` is downsampled; its peaks never pass the one-second ones, but it covers the shards
  // outside `hottest` too.
  for (const values of shardSeries.all) utilization = Math.max(utilization, peak(values));
  m['shards.maxUtilization'] = utilization;
  m['shards.max'] = peak(s.shards);

  for (const name of namesOf(c.firehose, h.firehoseDeliveryLatency, s.firehoseObjects)) {
    const f = c.firehose[name];
    m[`firehose.${name}.records`] = f?.records ?? 0;
    m[`firehose.${name}.bytes`] = f?.bytes ?? 0;
    m[`firehose.${name}.objects`] = f?.objects ?? sum(s.firehoseObjects[name] ?? []);
    // Not `objectBytes`: the plan's `firehose.<name>.objectBytes` is one object's size, and a run's
    // gates see the plan's metrics too, so one name meaning the total here made a gate pass in
    // `plan` and fail in `run` (README, "Run metrics": a name is never in both tables).
    const deliveredBytes = f?.objectBytes ?? 0;
    const objects = m[`firehose.${name}.objects`]!;
    m[`firehose.${name}.deliveredBytes`] = deliveredBytes;
    m[`firehose.${name}.averageObjectBytes`] = objects > 0 ? deliveredBytes / objects : 0;
    m[`firehose.${name}.throttled`] = f?.throttled ?? 0;
    const latency = h.firehoseDeliveryLatency[name];
    percentileMetrics(m, `firehose.${name}.deliveryLatency`, latency ?? emptyHistogram());
    m[`firehose.${name}.deliveryLatency.max`] = latency ? maxSeconds(latency) : 0;
  }
  return m;
}
