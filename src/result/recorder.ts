/**
 * One recorder for every target: what a target observes goes in, the RunResult comes out. A real
 * target feeds it observation by observation — writes counted per second (`countWrites`), each
 * record's put and end-to-end latency (`recordPutLatency`, `recordEndToEndLatency`), iterator ages,
 * per-shard load, Firehose deliveries — and closes each second (`endSecond`, which returns the
 * second's `SecondSample` for a progress line and streaming gates); or it hands over whole seconds
 * (`addSecond`). The engine adds its flows (fractional counts, latencies as weighted points) to the
 * same series and histograms in place. Either way the recorder owns the result's shape: the
 * per-second series, the shard series (one builder, `buildShardSeries`), the HDR histograms, the
 * rounding of counters and the run metrics.
 *
 * Per-second values accumulate unrounded and are rounded once, when a second's sample or the
 * result is read (counts to a thousandth of a record, lags and latencies to a microsecond), so a
 * sample and the result's series at the same index are the same numbers.
 */
import { round6 } from '../numbers.js';
import { FlowHistogram } from './flow-histogram.js';
import type { SecondSample } from './live.js';
import { runMetrics } from './metrics.js';
import { SecondQuantiles } from './second-quantiles.js';
import { ShardRows } from './shard-rows.js';
import { RESULT_VERSION, type RunCounters, type RunHeader, type RunResult } from './types.js';

/** Shards shown at one-second resolution in the result (coarser only past ShardRows' budget). */
const HOTTEST_SHARDS = 10;
/** Points per shard in the coarse all-shards series, at most. */
const COARSE_POINTS = 360;

/** What a run is made of, known before it starts. */
export interface RecorderShape {
  /** Whole seconds of the run: the length of every per-second series. */
  seconds: number;
  /** Consumer applications with a lag and a delivered series (not Firehose reading the stream). */
  consumers: readonly string[];
  /** Firehose streams (delivery latency, objects and fullest buffer per second). */
  firehoses: readonly string[];
  /** Per-shard utilisation values kept before the rows are downsampled (default SHARD_ROW_BUDGET). */
  shardRowBudgetValues?: number | undefined;
}

/** The run's totals as they accumulate; rounded into the result's counters by `build`. */
export type RecorderTotals = Pick<
  RunCounters,
  'produced' | 'acknowledged' | 'throttled' | 'attempts' | 'retried' | 'dropped' | 'putRequests'
> & {
  /** Bytes accepted (the sum of the per-second `writeBytes`, kept as it goes). */
  writeBytes: number;
};

/** One Firehose stream's totals at the end of the run. */
export interface FirehoseTotals {
  records: number;
  bytes: number;
  objects: number;
  objectBytes: number;
  throttled: number;
}

/** A second's writes, in user records unless named otherwise (see {@link RunRecorder.countWrites}): the write fields of a `SecondSample`. */
export type WriteCounts = Pick<
  SecondSample,
  'offered' | 'acknowledged' | 'throttled' | 'retried' | 'dropped' | 'writeBytes' | 'writeRecords'
>;

/** Per-second counters of the stream (user records unless named otherwise). */
export interface StreamSeconds {
  offered: number[];
  acknowledged: number[];
  throttled: number[];
  retried: number[];
  dropped: number[];
  writeBytes: number[];
  writeRecords: number[];
  shards: number[];
}

export class RunRecorder {
  readonly seconds: number;
  /** Unrounded per-second counters, added to in place. */
  readonly perSecond: StreamSeconds;
  readonly totals: RecorderTotals = {
    produced: 0,
    acknowledged: 0,
    throttled: 0,
    attempts: 0,
    retried: 0,
    dropped: 0,
    putRequests: 0,
    writeBytes: 0,
  };
  /** Per consumer application: its iterator age (seconds) per second, the largest seen in the second. */
  readonly lagSeconds: ReadonlyMap<string, number[]>;
  /** Per consumer application: records processed per second. */
  readonly delivered: ReadonlyMap<string, number[]>;
  /** Per Firehose stream: objects written, and bytes in its fullest buffer at the end of each second. */
  readonly firehoseObjects: ReadonlyMap<string, number[]>;
  readonly firehoseFullestBytes: ReadonlyMap<string, number[]>;
  /** The run's latency histograms (flows: fractional counts allowed). */
  readonly putLatency = new FlowHistogram();
  readonly e2eLatency = new FlowHistogram();
  /** One count per consumer application and second: its lag at the end of the second. */
  readonly consumerLag = new FlowHistogram();
  readonly firehoseLatency: ReadonlyMap<string, FlowHistogram>;
  /** This second's put and end-to-end latencies, for the per-second p50 and p99. */
  readonly putSecond = new SecondQuantiles();
  readonly e2eSecond = new SecondQuantiles();
  /** Per second, each open shard's offered load over its limit, in bounded memory. */
  readonly shardRows: ShardRows;
  private readonly latency = {
    put: { p50: [] as number[], p99: [] as number[] },
    e2e: { p50: [] as number[], p99: [] as number[] },
  };
  /** The hottest shard's utilisation per second (NaN where no row was recorded). */
  private readonly hottestPerSecond: Float64Array;
  /** Seconds closed by `endSecond` (1), in order. */
  private readonly closed: Uint8Array;

  constructor(shape: RecorderShape) {
    const seconds = shape.seconds;
    if (!Number.isSafeInteger(seconds) || seconds < 1) {
      throw new RangeError(`seconds must be a positive integer, got ${seconds}`);
    }
    this.seconds = seconds;
    const zeros = () => new Array<number>(seconds).fill(0);
    this.perSecond = {
      offered: zeros(),
      acknowledged: zeros(),
      throttled: zeros(),
      retried: zeros(),
      dropped: zeros(),
      writeBytes: zeros(),
      writeRecords: zeros(),
      shards: zeros(),
    };
    this.lagSeconds = new Map(shape.consumers.map((name) => [name, zeros()]));
    this.delivered = new Map(shape.consumers.map((name) => [name, zeros()]));
    this.firehoseObjects = new Map(shape.firehoses.map((name) => [name, zeros()]));
    this.firehoseFullestBytes = new Map(shape.firehoses.map((name) => [name, zeros()]));
    this.firehoseLatency = new Map(shape.firehoses.map((name) => [name, new FlowHistogram()]));
    for (const series of [this.latency.put, this.latency.e2e]) {
      series.p50 = zeros();
      series.p99 = zeros();
    }
    this.shardRows = new ShardRows(shape.shardRowBudgetValues);
    this.hottestPerSecond = new Float64Array(seconds).fill(Number.NaN);
    this.closed = new Uint8Array(seconds);
  }

  // ---- One observation at a time (a real target: one record, one response)

  /** A record acknowledged after `seconds` (from the first attempt's send to the acknowledgement). */
  recordPutLatency(seconds: number, count = 1): void {
    this.putLatency.record(seconds, count);
    this.putSecond.add(seconds, count);
  }

  /** A record processed `seconds` after it was produced. */
  recordEndToEndLatency(seconds: number, count = 1): void {
    this.e2eLatency.record(seconds, count);
    this.e2eSecond.add(seconds, count);
  }

  /** A record written to S3 (or another destination) by Firehose stream `stream`, `seconds` after it was sent. */
  recordFirehoseDelivery(stream: string, seconds: number, count = 1): void {
    this.firehoseLatencyOf(stream).record(seconds, count);
  }

  /** A consumer application's iterator age seen during second `second`: the second keeps the largest. */
  recordConsumerLag(consumer: string, second: number, seconds: number): void {
    const series = this.seriesOf(this.lagSeconds, consumer, 'consumer');
    const i = this.index(second);
    series[i] = Math.max(series[i]!, seconds);
  }

  /**
   * Second `second`'s load on every open shard, over its write limit (the larger of records and
   * bytes): `row[shard]`. The row may be kept as it is.
   */
  recordShardLoad(second: number, row: Float32Array): void {
    const i = this.index(second);
    // Read before the row is kept: merging rows to bound memory may fold older maxima into it.
    let hottest = 0;
    for (let s = 0; s < row.length; s++) if (row[s]! > hottest) hottest = row[s]!;
    this.shardRows.add(i, row);
    this.hottestPerSecond[i] = Number.isNaN(this.hottestPerSecond[i]!)
      ? hottest
      : Math.max(this.hottestPerSecond[i]!, hottest);
  }

  /**
   * Writes during second `second`, in user records (bytes and `writeRecords` as the stream counts
   * them): added to the second's series and to the run's totals, where `attempts` is the first
   * attempts (`offered`) and the retries.
   */
  countWrites(second: number, counts: Partial<WriteCounts>): void {
    const i = this.index(second);
    const s = this.perSecond;
    const t = this.totals;
    const offered = counts.offered ?? 0;
    const retried = counts.retried ?? 0;
    s.offered[i]! += offered;
    s.acknowledged[i]! += counts.acknowledged ?? 0;
    s.throttled[i]! += counts.throttled ?? 0;
    s.retried[i]! += retried;
    s.dropped[i]! += counts.dropped ?? 0;
    s.writeBytes[i]! += counts.writeBytes ?? 0;
    s.writeRecords[i]! += counts.writeRecords ?? 0;
    t.produced += offered;
    t.acknowledged += counts.acknowledged ?? 0;
    t.throttled += counts.throttled ?? 0;
    t.attempts += offered + retried;
    t.retried += retried;
    t.dropped += counts.dropped ?? 0;
    t.writeBytes += counts.writeBytes ?? 0;
  }

  /** Write requests sent (PutRecords, PutRecordBatch): a run total. */
  countPutRequests(requests: number): void {
    this.totals.putRequests += requests;
  }

  /** The stream's open shards during second `second` (a gauge: the last value set in the second). */
  setShards(second: number, shards: number): void {
    this.perSecond.shards[this.index(second)] = shards;
  }

  /** Records consumer application `consumer` processed during second `second`. */
  countDelivered(consumer: string, second: number, records: number): void {
    this.seriesOf(this.delivered, consumer, 'consumer')[this.index(second)]! += records;
  }

  /** Objects Firehose stream `stream` wrote during second `second`. */
  countFirehoseObjects(stream: string, second: number, objects: number): void {
    this.seriesOf(this.firehoseObjects, stream, 'Firehose stream')[this.index(second)]! += objects;
  }

  /**
   * Closes second `second`: its put and end-to-end percentiles from the latencies recorded since
   * the last second closed, and each consumer application's lag of the second into the lag
   * histogram. Returns the second as a sample (what lands in the result's series at that index).
   */
  endSecond(second: number): SecondSample {
    const i = this.index(second);
    // Closing a second twice would record its lags again and lose its percentiles (the quantiles
    // were taken); closing them out of order would give one second's latencies to another.
    if (this.closed[i] === 1) throw new RangeError(`second ${i} is already closed`);
    if (i > 0 && this.closed[i - 1] === 0)
      throw new RangeError(`second ${i - 1} is not closed yet: close seconds in order`);
    this.closed[i] = 1;
    for (const [series, quantiles] of [
      [this.latency.put, this.putSecond],
      [this.latency.e2e, this.e2eSecond],
    ] as const) {
      const [p50, p99] = quantiles.take([0.5, 0.99]);
      series.p50[i] = round6(p50!);
      series.p99[i] = round6(p99!);
    }
    for (const lag of this.lagSeconds.values()) this.consumerLag.record(lag[i]!, 1);
    return this.sample(i);
  }

  // ---- A second at a time (a target that aggregates its own observations)

  /**
   * A whole second as a target observed it, instead of counting and closing it here (a worker's
   * live samples, a target that aggregates its own observations): adds its counts to the series
   * and the totals (`attempts` = first attempts + retries), sets its gauges (open shards, lags),
   * and records each lag into the lag histogram. Its latency percentiles are taken as they are:
   * the run's latency histograms need the latencies themselves (`recordPutLatency`, …).
   */
  addSecond(sample: SecondSample): void {
    const i = this.index(sample.second);
    // A whole second: closed as it comes (a partial result covers it).
    this.closed[i] = 1;
    this.countWrites(i, sample);
    this.setShards(i, sample.shards);
    for (const [name, lag] of Object.entries(sample.consumerLagSeconds)) {
      this.recordConsumerLag(name, i, lag);
      this.consumerLag.record(lag, 1);
    }
    for (const [name, records] of Object.entries(sample.delivered)) this.countDelivered(name, i, records);
    for (const [name, objects] of Object.entries(sample.firehoseObjects))
      this.countFirehoseObjects(name, i, objects);
    this.latency.put.p50[i] = round6(sample.latency.put.p50);
    this.latency.put.p99[i] = round6(sample.latency.put.p99);
    this.latency.e2e.p50[i] = round6(sample.latency.e2e.p50);
    this.latency.e2e.p99[i] = round6(sample.latency.e2e.p99);
    if (sample.maxShardUtilization !== undefined) {
      const h = this.hottestPerSecond[i]!;
      this.hottestPerSecond[i] = Number.isNaN(h)
        ? sample.maxShardUtilization
        : Math.max(h, sample.maxShardUtilization);
    }
  }

  // ---- Reading back

  /** Second `second` as the result's series show it (rounded as they are). */
  sample(second: number): SecondSample {
    const i = this.index(second);
    const s = this.perSecond;
    const at = (series: ReadonlyMap<string, number[]>, rounding: (x: number) => number) =>
      Object.fromEntries([...series].map(([name, values]) => [name, rounding(values[i]!)]));
    const hottest = this.hottestPerSecond[i]!;
    return {
      second: i,
      offered: round(s.offered[i]!),
      acknowledged: round(s.acknowledged[i]!),
      throttled: round(s.throttled[i]!),
      retried: round(s.retried[i]!),
      dropped: round(s.dropped[i]!),
      writeBytes: round(s.writeBytes[i]!),
      writeRecords: round(s.writeRecords[i]!),
      shards: s.shards[i]!,
      consumerLagSeconds: at(this.lagSeconds, round6),
      delivered: at(this.delivered, round),
      firehoseObjects: at(this.firehoseObjects, (x) => x),
      latency: {
        put: { p50: this.latency.put.p50[i]!, p99: this.latency.put.p99[i]! },
        e2e: { p50: this.latency.e2e.p50[i]!, p99: this.latency.e2e.p99[i]! },
      },
      ...(Number.isNaN(hottest) ? {} : { maxShardUtilization: round6(hottest) }),
    };
  }

  /**
   * The RunResult: the series (rounded), the shard series, the encoded histograms, the totals
   * rounded into counters with what only the target knows at the end (records still waiting for
   * a retry, per application and Firehose stream totals), and the metrics computed from them all.
   */
  build(run: {
    header: RunHeader;
    scenario: RunResult['scenario'];
    pendingAtEnd: number;
    delivered: Readonly<Record<string, number>>;
    firehose: Readonly<Record<string, FirehoseTotals>>;
  }): RunResult {
    return this.assemble(run, this.seconds, this.totals, run.delivered);
  }

  /**
   * The result of a run stopped early (a signal, `--abort-on-fail`) over the seconds closed so
   * far, or undefined before the first second closed. It covers those seconds and nothing else:
   * every series is cut to them, `scenario.durationSeconds` is their count (so a mean per second
   * is over the seconds run, not diluted by seconds that never came), and the counters are the
   * sums of the series over them (what the unclosed second had counted is left out, so Σ of a
   * series is its counter, as in a whole run). The latency histograms keep every latency
   * recorded: they are not per second. `putRequests` is a run total without a series: as counted.
   */
  buildPartial(run: {
    header: RunHeader;
    scenario: RunResult['scenario'];
    pendingAtEnd: number;
    /** Ignored: each application's delivered count is its series' sum over the seconds covered. */
    delivered?: Readonly<Record<string, number>>;
    firehose: Readonly<Record<string, FirehoseTotals>>;
    /**
     * At most this many seconds, when the run was stopped at a known second (a gate failed in
     * it) but went on closing seconds before it saw the stop (the model, between slices of work).
     */
    maxSeconds?: number;
  }): RunResult | undefined {
    const done = this.closed.indexOf(0);
    const seconds = Math.min(done === -1 ? this.seconds : done, run.maxSeconds ?? Number.POSITIVE_INFINITY);
    if (seconds === 0) return undefined;
    const s = this.perSecond;
    const sum = (values: readonly number[]) => values.slice(0, seconds).reduce((a, b) => a + b, 0);
    const retried = sum(s.retried);
    const totals: RecorderTotals = {
      produced: sum(s.offered),
      acknowledged: sum(s.acknowledged),
      throttled: sum(s.throttled),
      attempts: sum(s.offered) + retried,
      retried,
      dropped: sum(s.dropped),
      putRequests: this.totals.putRequests,
      writeBytes: sum(s.writeBytes),
    };
    const delivered = Object.fromEntries([...this.delivered].map(([name, values]) => [name, sum(values)]));
    return this.assemble(
      { ...run, scenario: { ...run.scenario, durationSeconds: seconds } },
      seconds,
      totals,
      delivered,
    );
  }

  /** The RunResult over the first `seconds` seconds, with these totals. */
  private assemble(
    run: {
      header: RunHeader;
      scenario: RunResult['scenario'];
      pendingAtEnd: number;
      firehose: Readonly<Record<string, FirehoseTotals>>;
    },
    seconds: number,
    t: RecorderTotals,
    delivered: Readonly<Record<string, number>>,
  ): RunResult {
    const s = this.perSecond;
    // A whole run keeps its arrays as they are; a partial one is cut to the seconds it covers.
    const cut = <T>(values: T[]): T[] => (seconds === this.seconds ? values : values.slice(0, seconds));
    const rounded = (series: ReadonlyMap<string, number[]>, rounding: (x: number) => number) =>
      Object.fromEntries([...series].map(([name, values]) => [name, cut(values).map(rounding)]));
    const latency =
      seconds === this.seconds
        ? this.latency
        : {
            put: { p50: cut(this.latency.put.p50), p99: cut(this.latency.put.p99) },
            e2e: { p50: cut(this.latency.e2e.p50), p99: cut(this.latency.e2e.p99) },
          };
    const partial: Omit<RunResult, 'metrics'> = {
      version: RESULT_VERSION,
      header: run.header,
      scenario: run.scenario,
      counters: {
        produced: round(t.produced),
        acknowledged: round(t.acknowledged),
        throttled: round(t.throttled),
        attempts: round(t.attempts),
        retried: round(t.retried),
        dropped: round(t.dropped),
        pendingAtEnd: round(run.pendingAtEnd),
        putRequests: round(t.putRequests),
        delivered: Object.fromEntries(Object.entries(delivered).map(([name, n]) => [name, round(n)])),
        firehose: Object.fromEntries(
          Object.entries(run.firehose).map(([name, f]) => [
            name,
            {
              records: round(f.records),
              bytes: round(f.bytes),
              objects: f.objects,
              objectBytes: round(f.objectBytes),
              throttled: round(f.throttled),
            },
          ]),
        ),
      },
      series: {
        offered: cut(s.offered).map(round),
        acknowledged: cut(s.acknowledged).map(round),
        throttled: cut(s.throttled).map(round),
        retried: cut(s.retried).map(round),
        dropped: cut(s.dropped).map(round),
        writeBytes: cut(s.writeBytes).map(round),
        writeRecords: cut(s.writeRecords).map(round),
        shards: cut(s.shards),
        consumerLagSeconds: rounded(this.lagSeconds, round6),
        delivered: rounded(this.delivered, round),
        firehoseObjects: rounded(this.firehoseObjects, (x) => x),
        latency,
        firehoseFullestBufferBytes: rounded(this.firehoseFullestBytes, round),
      },
      shardSeries: this.shardRows.build(seconds, COARSE_POINTS, HOTTEST_SHARDS),
      histograms: {
        putLatency: this.putLatency.encode(),
        e2eLatency: this.e2eLatency.encode(),
        consumerLag: this.consumerLag.encode(),
        firehoseDeliveryLatency: Object.fromEntries(
          [...this.firehoseLatency].map(([name, histogram]) => [name, histogram.encode()]),
        ),
      },
    };
    return { ...partial, metrics: runMetrics(partial) };
  }

  private index(second: number): number {
    if (!Number.isSafeInteger(second) || second < 0 || second >= this.seconds) {
      throw new RangeError(`second ${second} is outside the run's [0, ${this.seconds - 1}]`);
    }
    return second;
  }

  private seriesOf(series: ReadonlyMap<string, number[]>, name: string, what: string): number[] {
    const values = series.get(name);
    if (values === undefined) throw new RangeError(`no ${what} named "${name}" in this run`);
    return values;
  }

  private firehoseLatencyOf(stream: string): FlowHistogram {
    const histogram = this.firehoseLatency.get(stream);
    if (histogram === undefined) throw new RangeError(`no Firehose stream named "${stream}" in this run`);
    return histogram;
  }
}

/** Counts rounded to a thousandth of a record: flows are fractional; results stay readable and stable. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
