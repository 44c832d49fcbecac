/**
 * Merging the results of several workers of one run (each driving part of the traffic against the
 * same stream) into the run's result.
 */
import { mergeHistograms } from './histogram.js';
import { runMetrics } from './metrics.js';
import type { EncodedHistogram, RunCounters, RunResult, ShardSeries, StreamSeries } from './types.js';

/** Results that cannot be merged: none given, or results of different runs. */
export class ResultMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultMergeError';
  }
}

type Combine = (a: number, b: number) => number;
const add: Combine = (a, b) => a + b;

/** Element-wise combination, as long as the longest series (a missing point counts as 0). */
function combineSeries(list: readonly (readonly number[])[], combine: Combine): number[] {
  const length = Math.max(0, ...list.map((values) => values.length));
  const out = new Array<number>(length).fill(0);
  for (const values of list) {
    for (const [i, v] of values.entries()) out[i] = combine(out[i]!, v);
  }
  return out;
}

/** Per name (in first-seen order), the values of every record that has it, combined. */
function combineNamed<T, R>(
  records: readonly Record<string, T>[],
  combine: (values: T[]) => R,
): Record<string, R> {
  const grouped = new Map<string, T[]>();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      const values = grouped.get(name);
      if (values) values.push(value);
      else grouped.set(name, [value]);
    }
  }
  const out: Record<string, R> = {};
  for (const [name, values] of grouped) out[name] = combine(values);
  return out;
}

function sumOf<T>(items: readonly T[], pick: (item: T) => number): number {
  let s = 0;
  for (const item of items) s += pick(item);
  return s;
}

function mergeCounters(list: readonly RunCounters[]): RunCounters {
  const total = (pick: (c: RunCounters) => number) => sumOf(list, pick);
  return {
    produced: total((c) => c.produced),
    acknowledged: total((c) => c.acknowledged),
    throttled: total((c) => c.throttled),
    attempts: total((c) => c.attempts),
    retried: total((c) => c.retried),
    dropped: total((c) => c.dropped),
    pendingAtEnd: total((c) => c.pendingAtEnd),
    putRequests: total((c) => c.putRequests),
    delivered: combineNamed(
      list.map((c) => c.delivered),
      (values) => sumOf(values, (v) => v),
    ),
    firehose: combineNamed(
      list.map((c) => c.firehose),
      (values) => ({
        records: sumOf(values, (f) => f.records),
        bytes: sumOf(values, (f) => f.bytes),
        objects: sumOf(values, (f) => f.objects),
        objectBytes: sumOf(values, (f) => f.objectBytes),
        throttled: sumOf(values, (f) => f.throttled),
      }),
    ),
  };
}

type OptionalSeries = Pick<
  StreamSeries,
  'latency' | 'firehoseFullestBufferBytes' | 'writeRecords' | 'requests' | 'scheduled'
>;

/**
 * The series only some results carry: latency percentiles per second (the larger of the workers'
 * figures, an upper bound: percentiles of parts do not add up to the whole's) and Firehose
 * buffer fill (the workers' fullest buffers summed: an upper bound of the stream's fullest), and
 * Kinesis records accepted, requests sent and records scheduled (each worker's share: summed).
 * Present in the merge when every result has them.
 */
function mergeOptionalSeries(list: readonly StreamSeries[]): OptionalSeries {
  const out: OptionalSeries = {};
  const latencies = list.map((s) => s.latency);
  if (latencies.every((l) => l !== undefined)) {
    const max = (pick: (l: NonNullable<StreamSeries['latency']>) => number[]) =>
      combineSeries(latencies.map(pick), Math.max);
    out.latency = {
      put: { p50: max((l) => l.put.p50), p99: max((l) => l.put.p99) },
      e2e: { p50: max((l) => l.e2e.p50), p99: max((l) => l.e2e.p99) },
    };
  }
  const buffered = list.map((s) => s.firehoseFullestBufferBytes);
  if (buffered.every((b) => b !== undefined)) {
    out.firehoseFullestBufferBytes = combineNamed(buffered, (values) => combineSeries(values, add));
  }
  const written = list.map((s) => s.writeRecords);
  if (written.every((w) => w !== undefined)) out.writeRecords = combineSeries(written, add);
  const requests = list.map((s) => s.requests);
  if (requests.every((r) => r !== undefined)) out.requests = combineSeries(requests, add);
  const scheduled = list.map((s) => s.scheduled);
  if (scheduled.every((r) => r !== undefined)) out.scheduled = combineSeries(scheduled, add);
  return out;
}

function mergeStreamSeries(list: readonly StreamSeries[]): StreamSeries {
  const summed = (pick: (s: StreamSeries) => number[]) => combineSeries(list.map(pick), add);
  return {
    offered: summed((s) => s.offered),
    acknowledged: summed((s) => s.acknowledged),
    throttled: summed((s) => s.throttled),
    retried: summed((s) => s.retried),
    dropped: summed((s) => s.dropped),
    writeBytes: summed((s) => s.writeBytes),
    // Every worker sees the same stream: its shard count, not a share of it.
    shards: combineSeries(
      list.map((s) => s.shards),
      Math.max,
    ),
    // The oldest record any worker's consumers had not processed.
    consumerLagSeconds: combineNamed(
      list.map((s) => s.consumerLagSeconds),
      (values) => combineSeries(values, Math.max),
    ),
    delivered: combineNamed(
      list.map((s) => s.delivered),
      (values) => combineSeries(values, add),
    ),
    firehoseObjects: combineNamed(
      list.map((s) => s.firehoseObjects),
      (values) => combineSeries(values, add),
    ),
    ...mergeOptionalSeries(list),
  };
}

/**
 * Shard utilisation is load ÷ limit, so the workers' shares add up: exact when every worker sends
 * the same mix of bytes and records, otherwise an upper bound (each worker's figure is the larger of
 * its bytes and records ratios). A shard that is among the hottest of only some workers gets only
 * their one-second series: a lower bound of its load; `all` has every worker's share, each the
 * maximum of its step, so their sum is an upper bound when the workers peak in different seconds.
 */
function mergeShardSeries(list: readonly ShardSeries[]): ShardSeries {
  const stepSeconds = list[0]!.stepSeconds;
  const shardCount = Math.max(0, ...list.map((s) => s.all.length));
  // A point where no worker saw the shard open stays null (the shard did not exist then).
  const all: (number | null)[][] = [];
  for (let shard = 0; shard < shardCount; shard++) {
    const series = list.map((s) => s.all[shard] ?? []);
    const length = Math.max(0, ...series.map((values) => values.length));
    const out = new Array<number | null>(length).fill(null);
    for (const values of series) {
      for (const [i, v] of values.entries()) if (v !== null) out[i] = (out[i] ?? 0) + v;
    }
    all.push(out);
  }
  const byShard = new Map<number, number[][]>();
  for (const s of list) {
    for (const { shard, utilization } of s.hottest) {
      const values = byShard.get(shard);
      if (values) values.push(utilization);
      else byShard.set(shard, [utilization]);
    }
  }
  const merged = [...byShard].map(([shard, values]) => {
    const utilization = combineSeries(values, add);
    // A loop, not Math.max(...values): a long run's series is too long to spread into arguments.
    let peak = 0;
    for (const v of utilization) peak = Math.max(peak, v);
    return { shard, utilization, peak };
  });
  merged.sort((a, b) => b.peak - a.peak || a.shard - b.shard);
  const hottestCount = Math.max(0, ...list.map((s) => s.hottest.length));
  const hottest = merged.slice(0, hottestCount).map(({ shard, utilization }) => ({ shard, utilization }));
  // checkSameRun made every worker's hottest step the same.
  const hottestStepSeconds = list[0]!.hottestStepSeconds;
  return hottestStepSeconds === undefined
    ? { stepSeconds, all, hottest }
    : { stepSeconds, all, hottest, hottestStepSeconds };
}

function checkSameRun(results: readonly RunResult[]): void {
  const first = results[0]!;
  for (const [i, r] of results.entries()) {
    const mismatch: string[] = [];
    if (r.version !== first.version) mismatch.push(`version ${r.version} ≠ ${first.version}`);
    if (r.scenario.name !== first.scenario.name)
      mismatch.push(`scenario "${r.scenario.name}" ≠ "${first.scenario.name}"`);
    if (r.scenario.target !== first.scenario.target)
      mismatch.push(`target ${r.scenario.target} ≠ ${first.scenario.target}`);
    if (r.scenario.durationSeconds !== first.scenario.durationSeconds) {
      mismatch.push(`duration ${r.scenario.durationSeconds} s ≠ ${first.scenario.durationSeconds} s`);
    }
    if (r.scenario.tickSeconds !== first.scenario.tickSeconds) {
      mismatch.push(`tick ${r.scenario.tickSeconds} s ≠ ${first.scenario.tickSeconds} s`);
    }
    if (r.shardSeries.stepSeconds !== first.shardSeries.stepSeconds) {
      mismatch.push(`shard series step ${r.shardSeries.stepSeconds} s ≠ ${first.shardSeries.stepSeconds} s`);
    }
    const hottestStep = (x: RunResult) => x.shardSeries.hottestStepSeconds ?? 1;
    if (hottestStep(r) !== hottestStep(first)) {
      mismatch.push(`hottest shards' step ${hottestStep(r)} s ≠ ${hottestStep(first)} s`);
    }
    if (mismatch.length > 0) {
      throw new ResultMergeError(
        `result ${i + 1} is not from the same run as result 1: ${mismatch.join(', ')}`,
      );
    }
  }
}

const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);

/**
 * Merges the results of several workers of one run: counters and per-second series summed (open
 * shards and consumer lag: the largest), histograms merged exactly, metrics recomputed. The header
 * keeps the first result's run id and version, the earliest start, the latest finish and the
 * longest wall time; the scenario is the first result's (workers may differ in seed).
 * @throws ResultMergeError when no result is given or they are not of the same scenario, target,
 * duration, tick and shard series step.
 */
export function mergeResults(results: readonly RunResult[]): RunResult {
  if (results.length === 0) throw new ResultMergeError('no results to merge');
  checkSameRun(results);
  const first = results[0]!;
  const starts = results.map((r) => r.header.startedAt).sort(byTime);
  const finishes = results.map((r) => r.header.finishedAt).sort(byTime);
  const histogram = (pick: (r: RunResult) => EncodedHistogram) => mergeHistograms(results.map(pick));
  const merged: Omit<RunResult, 'metrics'> = {
    version: first.version,
    header: {
      runId: first.header.runId,
      startedAt: starts[0]!,
      finishedAt: finishes[finishes.length - 1]!,
      wallSeconds: Math.max(...results.map((r) => r.header.wallSeconds)),
      shardcastVersion: first.header.shardcastVersion,
    },
    scenario: { ...first.scenario },
    counters: mergeCounters(results.map((r) => r.counters)),
    series: mergeStreamSeries(results.map((r) => r.series)),
    shardSeries: mergeShardSeries(results.map((r) => r.shardSeries)),
    histograms: {
      putLatency: histogram((r) => r.histograms.putLatency),
      e2eLatency: histogram((r) => r.histograms.e2eLatency),
      consumerLag: histogram((r) => r.histograms.consumerLag),
      firehoseDeliveryLatency: combineNamed(
        results.map((r) => r.histograms.firehoseDeliveryLatency),
        mergeHistograms,
      ),
    },
  };
  return { ...merged, metrics: runMetrics(merged) };
}
