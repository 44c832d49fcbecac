/**
 * The built-in engine model (docs/engine.md): a seeded, virtual-time simulation of a scenario's
 * producers, shards, consumers, resharding and Firehose delivery. It carries flows, not records:
 * each tick and shard holds counts and bytes, so its cost grows with shards × ticks, not with the
 * record rate. Hot keys need no special case: every enumerable key is hashed onto its shard, so a
 * shard's demand includes exactly the keys it owns.
 *
 * Limits and behaviours come from src/aws (facts, behaviours); nothing here imports the planner.
 */
import {
  getRecordsCallRates,
  kplPacking,
  onDemandInitialCapacity,
  pollingPropagationSeconds,
  putRequestsPerSecond,
} from '../aws/behaviour.js';
import { bufferHints, flushIntervalSeconds } from '../aws/defaults.js';
import { directPutQuota, FIREHOSE, KINESIS } from '../aws/facts.js';
import { shardCountCalls } from '../aws/reshard.js';
import { meanKeyBytes } from '../keys/distribution.js';
import { type PlacedKeys, placeKeys, sharesOnEvenShards } from '../keys/placement.js';
import { FlowHistogram } from '../result/flow-histogram.js';
import { runMetrics } from '../result/metrics.js';
import { SecondQuantiles } from '../result/second-quantiles.js';
import { ShardRows } from '../result/shard-rows.js';
import { RESULT_VERSION, type RunResult } from '../result/types.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import { inverseNormalCdf, lognormalParams, meanRecordBytes } from '../scenario/record-size.js';
import type { FirehoseStream, Producer, Scenario } from '../scenario/schema.js';
import { ArrivalHistory } from './arrival-history.js';
import { Rng } from './random.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const EFO_BYTES = KINESIS.efoBytesPerSecondPerConsumer.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const CALL_MAX_RECORDS = KINESIS.getRecordsMaxRecords.value;
const CALL_MAX_BYTES = KINESIS.getRecordsMaxBytes.value;
const SCALE_SECONDS = KINESIS.onDemandScaleSeconds.value;
/** Shards shown at one-second resolution in the result (coarser only past ShardRows' budget). */
const HOTTEST_SHARDS = 10;
/** Points per shard in the coarse all-shards series, at most. */
const COARSE_POINTS = 360;

export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's duration (seconds). */
  durationSeconds?: number;
  /** Called now and then with the fraction of virtual time done. */
  onProgress?: (fraction: number) => void;
  /** Run identity and clock: the header is the only part of a result that may differ between runs. */
  header?: RunResult['header'];
  /** Per-shard utilisation values kept before the rows are downsampled (default SHARD_ROW_BUDGET; for tests). */
  shardRowBudgetValues?: number;
  /**
   * Every producer's keys already placed (`placeProducerKeys`), so a run that planned first hashes
   * them once; placed here otherwise.
   */
  placedKeys?: ReadonlyMap<string, PlacedKeys>;
}

/** A place records are written to: the stream's shards, or a Direct PUT Firehose stream (one pseudo-shard with its quota). */
interface Sink {
  kind: 'stream' | 'direct-put';
  name: string;
  shards: number;
  /** Per-shard limits per second. */
  recordsPerSecond: number;
  bytesPerSecond: number;
  /**
   * Most byte tokens a shard holds: one second's worth, or the 10 MiB large-record burst bucket
   * when the stream takes records above 1 MiB ("each shard temporarily bursts up to 10 MiB/s,
   * eventually averaging out to 1 MiB per second", B-LR).
   */
  bytesBurst: number;
  tokensRecords: Float64Array;
  tokensBytes: Float64Array;
  /**
   * Refill each shard's buckets still owe for the full buckets they started with (records, bytes):
   * paid from the first refills, so that a run's start adds only `engine.initialBurst` of a bucket
   * beyond the limit (see `startingBuckets`).
   */
  owedRecords: number;
  owedBytes: number;
  /** Scratch for a tick's per-shard noise (grows with the shard count). */
  noise: Float64Array;
  /** The write API's limits per request: PutRecords for the stream, PutRecordBatch for Direct PUT. */
  api: { maxRecords: number; maxBytes: number };
  /** Direct PUT only: the Firehose stream it feeds. */
  firehose?: FirehoseState;
  /** Direct PUT only: the quota's records and requests per second (the request quota binds through the batch size). */
  quota?: { recordsPerSecond: number; requestsPerSecond: number };
}

/** A producer's state: its key weights on the current layout, and its retry schedule. */
interface ProducerState {
  producer: Producer;
  sink: Sink;
  /** Its keys as Kinesis places them (null for a Direct PUT producer: Firehose does not route by key). */
  placed: PlacedKeys | null;
  meanDataBytes: number;
  meanKeyBytes: number;
  /** The producer's highest user-record rate over the run. */
  peakUserRate: number;
  userPerKinesis: number;
  kinesisBytes: number;
  weights: Float64Array;
  /** √weight per shard, for the normal approximation of Poisson arrivals without a square root per shard. */
  sqrtWeights: Float64Array;
  /** Retries waiting, per attempt class a (2 … maxAttempts): a uniform spread is a step in `rate`, removed later via `ring`. */
  retryRate: Float64Array[];
  retryRing: Float64Array[];
  ringLength: number;
  /** Maximum backoff (ticks) before attempt a. */
  backoffTicks: number[];
  /** Mean backoff waited before attempt a (seconds, cumulative over earlier attempts). */
  backoffWaited: number[];
  batchWaitSeconds: number;
  serviceMedian: number;
  serviceSigma: number;
  /** Per attempt class, records admitted this second (for the put-latency histogram). */
  admittedByAttempt: Float64Array;
  /** Per attempt class, user records admitted in the seconds before this one (for the latency extremes). */
  admittedBefore: Float64Array;
  /** Per attempt class, the put latency points (seconds and weights) once computed. */
  latencyPoints: ({ seconds: Float64Array; weights: Float64Array } | undefined)[];
  /** Kinesis records scheduled for a retry and not yet resent (exact: added when rejected, removed when resent). */
  pending: number;
  /**
   * Last tick the retry machinery must run: a retry scheduled at tick k starts and stops within
   * the next `ringLength` ticks, so after k + ringLength every rate is back to zero and every ring
   * slot empty. Gating on `pending` instead left the last stop entries unapplied: stale rates that
   * came back as phantom retries when throttling resumed.
   */
  retryActiveUntil: number;
  /**
   * Shards with retry activity, and the last tick each needs the retry machinery: throttling is
   * usually local (a hot shard), so retry work runs over these, not over every shard.
   */
  shardRetryUntil: Int32Array;
  activeShards: Int32Array;
  activeCount: number;
  listed: Uint8Array;
}

/** A producer's first attempts on one sink during a tick (reused from tick to tick). */
interface FirstAttempts {
  p: ProducerState;
  index: number;
  /** Kinesis records expected this tick (before the per-shard weights), and its square root. */
  perTick: number;
  sqrtPerTick: number;
  weights: Float64Array;
  sqrtWeights: Float64Array;
  /** New records drawn this tick, all shards. */
  total: number;
  fresh: Float64Array;
  ring: Float64Array | undefined;
  D: number;
  start: number;
  stop: number;
  u: number;
  kb: number;
  /** Data bytes per Kinesis record: its user records' data blobs, without partition keys or KPL framing. */
  db: number;
  attempted: number;
  admitted: number;
  rejected: number;
  dropped: number;
}

interface ConsumerState {
  name: string;
  kind: 'polling' | 'enhanced-fan-out' | 'firehose';
  /** Read caps per shard per second. */
  readBytesPerSecond: number;
  readRecordsPerSecond: number;
  /** Records per second the whole application processes (Infinity when unbounded). */
  processingPerSecond: number;
  propagation: number;
  backlog: Float64Array;
  delivered: number;
  firehose?: FirehoseState;
}

interface FirehoseState {
  stream: FirehoseStream;
  sizeBytes: number;
  intervalSeconds: number;
  buffers: number;
  bufferBytes: Float64Array;
  bufferRecords: Float64Array;
  bufferStart: Float64Array;
  records: number;
  bytes: number;
  objects: number;
  objectBytes: number;
  throttled: number;
  latency: FlowHistogram;
  objectsPerSecond: number[];
  /** Bytes in the fullest buffer at the end of each second. */
  fullestPerSecond: number[];
}

/** Runs the scenario in virtual time and returns its RunResult. Deterministic for a given seed. */
export function simulateScenario(scenario: Scenario, options: SimulateOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const duration = options.durationSeconds ?? scenario.duration;
  const dt = scenario.engine.tick;
  const ticks = Math.max(1, Math.round(duration / dt));
  const seconds = Math.max(1, Math.ceil(duration));
  const rng = new Rng(seed);

  // ---- Sinks: the stream, and each Direct PUT Firehose as one pseudo-shard with its quota.
  const onDemand = scenario.stream.mode === 'on-demand';
  const odCapacity = onDemandInitialCapacity({
    previousPeakBytesPerSecond: scenario.stream.onDemand.previousPeak?.bytesPerSecond,
    previousPeakRecordsPerSecond: scenario.stream.onDemand.previousPeak?.recordsPerSecond,
  });
  // An on-demand stream is modelled as the shards its capacity implies, each with the usual
  // per-shard limits: a single key still cannot exceed one shard (B-ODA), and the stream's total
  // is its capacity, max(4 MiB/s, 2 × the previous peak), which follows new peaks 15 minutes later.
  const onDemandShards = (recordsPerSecond: number, bytesPerSecond: number) =>
    Math.max(1, Math.ceil(Math.max(recordsPerSecond / WRITE_RECORDS, bytesPerSecond / WRITE_BYTES) - 1e-9));
  // A provisioned stream without a count is sized by the plan; the caller runs it at that count
  // (`shardcast run` sets the recommended one). The engine does not plan, so it cannot guess one.
  if (!onDemand && scenario.stream.shards === undefined) {
    throw new Error(
      'simulateScenario: stream.shards is not set; run the scenario at planScenario(scenario).shards.recommended, as `shardcast run` does',
    );
  }
  let shardCount = onDemand
    ? onDemandShards(odCapacity.recordsPerSecond, odCapacity.bytesPerSecond)
    : scenario.stream.shards!;
  const streamBurst =
    scenario.stream.maxRecordSize > KINESIS.defaultMaxRecordBytes.value
      ? KINESIS.largeRecordBurstBytes.value
      : WRITE_BYTES;
  const initialBurst = scenario.engine.initialBurst;
  const stream: Sink = {
    kind: 'stream',
    name: 'stream',
    shards: shardCount,
    recordsPerSecond: WRITE_RECORDS,
    bytesPerSecond: WRITE_BYTES,
    bytesBurst: streamBurst,
    noise: new Float64Array(shardCount),
    ...startingBuckets(
      {
        recordsPerSecond: WRITE_RECORDS,
        bytesPerSecond: WRITE_BYTES,
        bytesBurst: streamBurst,
        shards: shardCount,
      },
      initialBurst,
    ),
    api: { maxRecords: KINESIS.putRecordsMaxRecords.value, maxBytes: KINESIS.putRecordsMaxBytes.value },
  };
  const quota = directPutQuota(scenario.region);
  const sinks = new Map<string, Sink>([['stream', stream]]);
  for (const f of scenario.firehose.filter((x) => x.source === 'direct-put')) {
    sinks.set(f.name, {
      kind: 'direct-put',
      name: f.name,
      shards: 1,
      // The records limit follows the records each request carries, set every tick (below); the
      // bucket starts at the records quota, which the first tick caps.
      recordsPerSecond: quota.recordsPerSecond,
      bytesPerSecond: quota.bytesPerSecond,
      bytesBurst: quota.bytesPerSecond,
      ...startingBuckets(
        {
          recordsPerSecond: quota.recordsPerSecond,
          bytesPerSecond: quota.bytesPerSecond,
          bytesBurst: quota.bytesPerSecond,
          shards: 1,
        },
        initialBurst,
      ),
      noise: new Float64Array(1),
      api: {
        maxRecords: FIREHOSE.putRecordBatchMaxRecords.value,
        maxBytes: FIREHOSE.putRecordBatchMaxBytes.value,
      },
      quota: { recordsPerSecond: quota.recordsPerSecond, requestsPerSecond: quota.requestsPerSecond },
    });
  }

  // ---- Producers
  const producers: ProducerState[] = scenario.producers.map((producer) => {
    const sink = sinks.get(producer.destination === 'stream' ? 'stream' : producer.destination)!;
    const meanData = meanRecordBytes(producer.recordSize);
    const keyBytes = meanKeyBytes(producer.keys);
    // Keys hashed once per run (only where a stream routes by them); each layout's weights are then
    // a pass over the shard boundaries.
    const placed =
      sink.kind === 'stream' ? (options.placedKeys?.get(producer.name) ?? placeKeys(producer.keys)) : null;
    const peak = peakRate(producer, duration, meanData);
    const packing =
      sink.kind === 'stream'
        ? kplPacking({
            enabled: producer.aggregation.enabled,
            maxBytes: producer.aggregation.maxBytes,
            meanDataBytes: meanData,
            meanKeyBytes: keyBytes,
            userRecordsPerSecond: peak,
            lingerSeconds: producer.batching.linger,
            instances: producer.instances,
            shardCount: shardCount,
          })
        : { userRecordsPerKinesisRecord: 1, kinesisRecordBytes: meanData };
    const attempts = producer.retry.maxAttempts;
    const backoffTicks: number[] = [];
    const backoffWaited: number[] = [0, 0];
    for (let a = 2; a <= attempts; a++) {
      // Full jitter before attempt a: uniform in [0, min(cap, base × 2^(a−2))] (SMITHY).
      const cap = Math.min(producer.retry.maxDelay, producer.retry.baseDelay * 2 ** (a - 2));
      backoffTicks[a] = Math.max(1, Math.round(cap / dt));
      backoffWaited[a] = (backoffWaited[a - 1] ?? 0) + cap / 2;
    }
    const ringLength = Math.max(2, ...backoffTicks.filter((x) => x !== undefined)) + 2;
    // A batch is full at maxRecords Kinesis records or maxBytes, whichever comes first.
    const perInstance = peak / packing.userRecordsPerKinesisRecord / producer.instances;
    const batchRecords = Math.max(
      1,
      Math.min(
        producer.batching.maxRecords,
        Math.floor(producer.batching.maxBytes / Math.max(1, packing.kinesisRecordBytes)),
      ),
    );
    const fillSeconds = perInstance > 0 ? batchRecords / perInstance : producer.batching.linger;
    const service = lognormalParams(scenario.engine.serviceTime.median, scenario.engine.serviceTime.p99);
    return {
      producer,
      sink,
      meanDataBytes: meanData,
      meanKeyBytes: keyBytes,
      peakUserRate: peak,
      userPerKinesis: packing.userRecordsPerKinesisRecord,
      kinesisBytes: sink.kind === 'stream' ? packing.kinesisRecordBytes : meanData,
      placed,
      weights: placed === null ? new Float64Array([1]) : keyWeights(placed, shardCount),
      sqrtWeights: new Float64Array(0),
      retryRate: Array.from({ length: attempts + 1 }, () => new Float64Array(sink.shards)),
      retryRing: Array.from({ length: attempts + 1 }, () => new Float64Array(ringLength * sink.shards)),
      ringLength,
      backoffTicks,
      backoffWaited,
      // A batch leaves when full or after the linger time: a record waits half of that on average.
      batchWaitSeconds: Math.min(producer.batching.linger, fillSeconds),
      serviceMedian: Math.exp(service.mu),
      serviceSigma: service.sigma,
      admittedByAttempt: new Float64Array(attempts + 1),
      admittedBefore: new Float64Array(attempts + 1),
      latencyPoints: [],
      pending: 0,
      shardRetryUntil: new Int32Array(sink.shards).fill(-1),
      activeShards: new Int32Array(sink.shards),
      activeCount: 0,
      listed: new Uint8Array(sink.shards),
      retryActiveUntil: -1,
    };
  });

  // User records per Kinesis record on the stream, over its producers at their peak rates.
  const streamProducers = producers.filter((p) => p.sink === stream);
  const peakUser = streamProducers.reduce((a, p) => a + p.peakUserRate, 0);
  const peakKinesis = streamProducers.reduce((a, p) => a + p.peakUserRate / p.userPerKinesis, 0);
  const userPerKinesisRecord = peakKinesis > 0 ? peakUser / peakKinesis : 1;

  // ---- Consumers (polling, enhanced fan-out, and Firehose reading the stream)
  const pollers = scenario.consumers.filter((c) => c.type === 'polling');
  const streamFirehoses = scenario.firehose.filter((f) => f.source === 'stream');
  const pollingReaders = pollers.length + streamFirehoses.length;
  // Each polling reader's GetRecords calls on a shard: a max-min fair share of the shard's 5/s
  // (pollers first, then stream-sourced Firehose streams, in that order).
  const callRates = getRecordsCallRates(
    [
      ...pollers.map((c) => 1 / Math.max(c.pollInterval, 1e-3)),
      ...streamFirehoses.map(() => FIREHOSE.streamSourcePollsPerSecond.value),
    ],
    CALLS_PER_SHARD,
  );
  const consumers: ConsumerState[] = [];
  for (const c of scenario.consumers) {
    const polling = c.type === 'polling';
    const calls = polling ? callRates[pollers.indexOf(c)]! : Number.POSITIVE_INFINITY;
    consumers.push({
      name: c.name,
      kind: c.type,
      // A polling reader's share of 2 MiB/s, and at most 10 MiB a call × its calls.
      readBytesPerSecond: polling
        ? Math.min(READ_BYTES / Math.max(1, pollingReaders), calls * CALL_MAX_BYTES)
        : EFO_BYTES,
      readRecordsPerSecond: polling
        ? calls * Math.min(c.maxRecordsPerCall, CALL_MAX_RECORDS)
        : Number.POSITIVE_INFINITY,
      processingPerSecond:
        c.processingRate === undefined ? Number.POSITIVE_INFINITY : c.processingRate * c.instances,
      propagation: polling
        ? pollingPropagationSeconds(pollingReaders, 1 / calls)
        : KINESIS.efoPropagationSeconds.value,
      backlog: new Float64Array(shardCount),
      delivered: 0,
    });
  }
  const firehoses: FirehoseState[] = scenario.firehose.map((f) => {
    const buffers = f.dynamicPartitions ?? (f.source === 'stream' ? shardCount : 1);
    return {
      stream: f,
      sizeBytes: bufferHints(f).sizeBytes,
      intervalSeconds: flushIntervalSeconds(bufferHints(f).intervalSeconds),
      buffers,
      bufferBytes: new Float64Array(buffers),
      bufferRecords: new Float64Array(buffers),
      bufferStart: new Float64Array(buffers).fill(-1),
      records: 0,
      bytes: 0,
      objects: 0,
      objectBytes: 0,
      throttled: 0,
      latency: new FlowHistogram(),
      objectsPerSecond: new Array<number>(seconds).fill(0),
      fullestPerSecond: new Array<number>(seconds).fill(0),
    };
  });
  for (const fh of firehoses) {
    const sink = sinks.get(fh.stream.name);
    if (fh.stream.source === 'direct-put' && sink) sink.firehose = fh;
  }
  for (const [i, fh] of firehoses.filter((x) => x.stream.source === 'stream').entries()) {
    const calls = callRates[pollers.length + i]!;
    consumers.push({
      name: `firehose:${fh.stream.name}`,
      kind: 'firehose',
      readBytesPerSecond: Math.min(READ_BYTES / Math.max(1, pollingReaders), calls * CALL_MAX_BYTES),
      readRecordsPerSecond: calls * CALL_MAX_RECORDS,
      processingPerSecond: Number.POSITIVE_INFINITY,
      propagation: pollingPropagationSeconds(pollingReaders, 1 / calls),
      backlog: new Float64Array(shardCount),
      delivered: 0,
      firehose: fh,
    });
  }

  // ---- Reshard schedule: each UpdateShardCount call completes after its shard operations, one
  // after another; the new even layout takes effect when a call completes.
  const layoutChanges = onDemand ? [] : reshardSchedule(scenario, shardCount);

  // ---- Output accumulators
  const counters = {
    produced: 0,
    acknowledged: 0,
    throttled: 0,
    attempts: 0,
    retried: 0,
    dropped: 0,
    putRequests: 0,
    /** Bytes accepted (the sum of `perSecond.writeBytes`, kept as it goes). */
    writeBytes: 0,
  };
  const perSecond = {
    offered: new Array<number>(seconds).fill(0),
    acknowledged: new Array<number>(seconds).fill(0),
    throttled: new Array<number>(seconds).fill(0),
    retried: new Array<number>(seconds).fill(0),
    dropped: new Array<number>(seconds).fill(0),
    writeBytes: new Array<number>(seconds).fill(0),
    writeRecords: new Array<number>(seconds).fill(0),
    shards: new Array<number>(seconds).fill(0),
  };
  const lagSeries = new Map(
    consumers.filter((c) => c.kind !== 'firehose').map((c) => [c.name, new Array<number>(seconds).fill(0)]),
  );
  const deliveredSeries = new Map(
    consumers.filter((c) => c.kind !== 'firehose').map((c) => [c.name, new Array<number>(seconds).fill(0)]),
  );
  const putLatency = new FlowHistogram();
  const e2eLatency = new FlowHistogram();
  const lagHistogram = new FlowHistogram();
  // Per second: the put and end-to-end latency percentiles of that second's records.
  const putSecond = new SecondQuantiles();
  const e2eSecond = new SecondQuantiles();
  const latencySeries = {
    put: { p50: new Array<number>(seconds).fill(0), p99: new Array<number>(seconds).fill(0) },
    e2e: { p50: new Array<number>(seconds).fill(0), p99: new Array<number>(seconds).fill(0) },
  };
  // Per second, each open shard's offered load over its limit (rows grow when shards are added),
  // kept at a coarser step beyond a budget so memory does not grow with shards × seconds.
  const utilization = new ShardRows(options.shardRowBudgetValues);
  let secondRecords: Float64Array = new Float64Array(shardCount);
  let secondBytes: Float64Array = new Float64Array(shardCount);

  // Scratch per tick
  let demandRecords: Float64Array = new Float64Array(shardCount);
  let demandBytes: Float64Array = new Float64Array(shardCount);
  let arrivals: Float64Array = new Float64Array(shardCount);
  let arrivalBytes: Float64Array = new Float64Array(shardCount);
  // The same arrivals' data blobs alone: what a stream-sourced Firehose writes (see readShards).
  let arrivalDataBytes: Float64Array = new Float64Array(shardCount);
  // Data bytes and user records the stream accepted so far (a shard's bytes per record when it had no arrivals).
  // What the stream accepted (Direct PUT producers' records go to Firehose, not to its shards):
  // the bytes per record of backlog read in a step with no new arrivals to go by.
  let streamAcknowledged = 0;
  let streamWriteBytes = 0;
  let acceptedDataBytes = 0;
  // On-demand: the highest per-second write seen, to scale capacity 15 minutes later.
  const odPeakBytes: number[] = [];
  const odPeakRecords: number[] = [];
  let odSecondBytes = 0;
  let odSecondRecords = 0;
  let nextChange = 0;
  const progressEvery = Math.max(1, Math.floor(ticks / 100));
  const consumerStep = Math.max(1, Math.round(1 / dt));
  // Per sink, the producers writing to it and their first-attempt outcomes of the current tick.
  const firstsBySink = new Map<Sink, FirstAttempts[]>(
    [...sinks.values()].map((sink) => [
      sink,
      producers
        .map((p, index) => ({ p, index }))
        .filter(({ p }) => p.sink === sink)
        .map(({ p, index }) => ({
          p,
          index,
          perTick: 0,
          sqrtPerTick: 0,
          weights: new Float64Array(0),
          sqrtWeights: new Float64Array(0),
          total: 0,
          fresh: new Float64Array(0),
          ring: undefined,
          D: 1,
          start: 0,
          stop: 0,
          u: 1,
          kb: 0,
          db: 0,
          attempted: 0,
          admitted: 0,
          rejected: 0,
          dropped: 0,
        })),
    ]),
  );
  // Scratch reused every tick: each producer's new records per shard, and the stream's admitted fraction.
  const freshBuffers: Float64Array[] = producers.map((p) => new Float64Array(p.sink.shards));
  let streamFraction: Float64Array = new Float64Array(shardCount);
  // Cumulative arrivals per shard, for the iterator age of every consumer application. (The age
  // was backlog ÷ a 5-second average arrival rate, Little's law: right only at a steady rate. When
  // the input fell it grew without bound, to 2.8e19 s, or Infinity and a crash, once it stopped.)
  const history = new ArrivalHistory(shardCount);

  for (let k = 0; k < ticks; k++) {
    const t = k * dt;
    const second = Math.min(seconds - 1, Math.floor(t + 1e-9));

    // Reshard completions
    while (nextChange < layoutChanges.length && layoutChanges[nextChange]!.at <= t + 1e-9) {
      const next = layoutChanges[nextChange]!.shards;
      relayout(shardCount, next);
      shardCount = next;
      secondRecords = remap(secondRecords, secondRecords.length, shardCount);
      secondBytes = remap(secondBytes, secondBytes.length, shardCount);
      demandRecords = new Float64Array(shardCount);
      streamFraction = new Float64Array(shardCount);
      demandBytes = new Float64Array(shardCount);
      arrivals = remap(arrivals, arrivals.length, shardCount);
      arrivalBytes = remap(arrivalBytes, arrivalBytes.length, shardCount);
      arrivalDataBytes = remap(arrivalDataBytes, arrivalDataBytes.length, shardCount);
      nextChange++;
    }

    // Per sink: new records (Poisson) and retries due now make each shard's demand; each shard
    // admits what its token buckets hold (refilled every tick at limit × tick, capped at one
    // second's worth, docs/engine.md) and rejects the rest.
    const newByProducer = freshBuffers;
    for (const sink of sinks.values()) {
      const n = sink.shards;
      const dR = sink === stream ? demandRecords : new Float64Array(n);
      const dB = sink === stream ? demandBytes : new Float64Array(n);
      dR.fill(0);
      dB.fill(0);
      // Reused every tick: one entry per producer writing to this sink (no allocation in the loop).
      const firsts = firstsBySink.get(sink)!;
      let expectedRecords = 0;
      let expectedRequests = 0;
      for (const first of firsts) {
        const p = first.p;
        const attempts = p.retryRate.length - 1;
        const slot = k % p.ringLength;
        if (newByProducer[first.index]!.length !== n) newByProducer[first.index] = new Float64Array(n);
        if (p.sqrtWeights.length !== p.weights.length) p.sqrtWeights = p.weights.map(Math.sqrt);
        const userRate = rateAt(p.producer.rate, t, p.meanDataBytes);
        first.perTick = (userRate / p.userPerKinesis) * dt;
        first.sqrtPerTick = Math.sqrt(first.perTick);
        first.weights = p.weights;
        first.sqrtWeights = p.sqrtWeights;
        first.total = 0;
        first.fresh = newByProducer[first.index]!;
        first.ring = attempts > 1 ? p.retryRing[2]! : undefined;
        first.D = attempts > 1 ? p.backoffTicks[2]! : 1;
        first.start = (slot + 1) % p.ringLength;
        first.stop = (slot + 1 + first.D) % p.ringLength;
        first.u = p.userPerKinesis;
        first.kb = p.kinesisBytes;
        first.db = p.userPerKinesis * p.meanDataBytes;
        first.attempted = 0;
        first.admitted = 0;
        first.rejected = 0;
        first.dropped = 0;
        expectedRecords += first.perTick;
        expectedRequests += requestsFor(p.producer, sink, first.perTick, p.kinesisBytes, dt);
        // Retries: advance each attempt class's ring; the retries due now are demand too.
        if (k > p.retryActiveUntil) continue;
        dropIdleShards(p, k);
        const kb = p.kinesisBytes;
        for (let a = 2; a < p.retryRate.length; a++) {
          const rate = p.retryRate[a]!;
          const ring = p.retryRing[a]!;
          for (let j = 0; j < p.activeCount; j++) {
            const s = p.activeShards[j]!;
            const r = Math.max(0, rate[s]! + ring[slot * n + s]!);
            rate[s] = r;
            ring[slot * n + s] = 0;
            dR[s]! += r * dt;
            dB[s]! += r * dt * kb;
          }
        }
      }
      if (sink.quota) {
        // Direct PUT: 2,000 (or 1,000) requests/s become a records limit through the records each
        // request carries this tick (full batches, or what one linger time collects).
        const perRequest =
          expectedRequests > 0 ? expectedRecords / expectedRequests : FIREHOSE.putRecordBatchMaxRecords.value;
        sink.recordsPerSecond = Math.min(
          sink.quota.recordsPerSecond,
          sink.quota.requestsPerSecond * perRequest,
        );
      }
      const fraction = sink === stream ? streamFraction : new Float64Array(n);
      const toStream = sink === stream;
      // One pass per shard: new records (Poisson), the shard's token buckets (refilled every tick at
      // limit × tick, capped at one second's worth, docs/engine.md), and the first attempts' outcomes.
      admitFirstAttempts(
        sink,
        firsts,
        dR,
        dB,
        fraction,
        toStream
          ? { records: secondRecords, bytes: secondBytes, arrivals, arrivalBytes, arrivalDataBytes }
          : undefined,
        rng,
        k,
        dt,
      );
      for (const first of firsts) {
        const produced = first.total * first.u;
        counters.produced += produced;
        perSecond.offered[second]! += produced;
        counters.putRequests += requestsFor(first.p.producer, sink, first.total, first.kb, dt);
        // On-demand capacity follows the peak write seen 15 minutes earlier (docs/engine.md, aws-facts
        // KDS 5): the records producers offer, not the retries a throttled second adds to them.
        if (onDemand && toStream) {
          odSecondRecords += first.total;
          odSecondBytes += first.total * first.kb;
        }
      }
      // Retries, on the shards that have them, then the counters (local sums, added once a tick).
      for (const first of firsts) {
        const p = first.p;
        const attempts = p.retryRate.length - 1;
        const classes = k <= p.retryActiveUntil ? attempts : 1;
        const slot = k % p.ringLength;
        const start = (slot + 1) % p.ringLength;
        const kb = p.kinesisBytes;
        const u = p.userPerKinesis;
        let attempted = first.attempted;
        let retried = 0;
        let admittedAll = first.admitted;
        let rejectedAll = first.rejected;
        let dropped = first.dropped;
        p.admittedByAttempt[1]! += first.admitted * u;
        for (let a = 2; a <= classes; a++) {
          const rate = p.retryRate[a];
          const nextRing = a < attempts ? p.retryRing[a + 1]! : undefined;
          const D = a < attempts ? p.backoffTicks[a + 1]! : 1;
          const stop = (slot + 1 + D) % p.ringLength;
          let admittedClass = 0;
          for (let j = 0; j < p.activeCount; j++) {
            const s = p.activeShards[j]!;
            const count = rate![s]! * dt;
            if (count <= 0) continue;
            const admitted = count * fraction[s]!;
            const rejected = count - admitted;
            attempted += count;
            retried += count;
            admittedClass += admitted;
            if (toStream) {
              arrivals[s]! += admitted * u;
              arrivalBytes[s]! += admitted * kb;
              arrivalDataBytes[s]! += admitted * first.db;
            }
            if (rejected <= 0) continue;
            rejectedAll += rejected;
            if (nextRing === undefined) {
              dropped += rejected;
              continue;
            }
            // Resend after a full-jitter backoff: spread evenly over the next D ticks, as a rate
            // that starts next tick and stops D ticks later.
            const perSecondRate = rejected / D / dt;
            nextRing[start * n + s]! += perSecondRate;
            nextRing[stop * n + s]! -= perSecondRate;
            markRetrying(p, s, k + p.ringLength);
          }
          admittedAll += admittedClass;
          p.admittedByAttempt[a]! += admittedClass * p.userPerKinesis;
        }
        p.pending += rejectedAll - dropped - retried;
        if (rejectedAll > dropped) p.retryActiveUntil = k + p.ringLength;
        if (sink.firehose) {
          firehoseShardIn(sink.firehose, 0, admittedAll * u, admittedAll * kb, t);
          sink.firehose.throttled += rejectedAll * u;
        }
        counters.attempts += attempted * u;
        counters.retried += retried * u;
        counters.acknowledged += admittedAll * u;
        counters.throttled += rejectedAll * u;
        counters.dropped += dropped * u;
        perSecond.retried[second]! += retried * u;
        perSecond.acknowledged[second]! += admittedAll * u;
        perSecond.writeBytes[second]! += admittedAll * kb;
        perSecond.writeRecords[second]! += admittedAll;
        counters.writeBytes += admittedAll * kb;
        if (toStream) {
          streamAcknowledged += admittedAll * u;
          streamWriteBytes += admittedAll * kb;
          acceptedDataBytes += admittedAll * first.db;
        }
        perSecond.throttled[second]! += rejectedAll * u;
        perSecond.dropped[second]! += dropped * u;
      }
    }

    // Consumers read what arrived, within their read caps and processing rate, once per consumer
    // step (a second: polling applications call every second or so, and the lag is in seconds).
    const consumerTurn = (k + 1) % consumerStep === 0 || k === ticks - 1;
    const now = t + dt;
    if (consumerTurn && consumers.length > 0) history.append(now, arrivals);
    // The oldest record some application still has to process: older history is not needed.
    let oldestNeeded = now;
    for (const c of consumerTurn ? consumers : []) {
      const stepDt = ((k % consumerStep) + 1) * dt;
      // GetRecords returns at most 10,000 Kinesis records a call: with KPL aggregation each carries
      // several user records, and the backlog counts user records.
      const capR = c.readRecordsPerSecond * stepDt * userPerKinesisRecord;
      const capB = c.readBytesPerSecond * stepDt;
      const read = readShards(c, arrivals, arrivalBytes, arrivalDataBytes, history, {
        capR,
        capB,
        processPerStep: c.processingPerSecond * stepDt,
        now,
        t,
        fallbackBytesPerRecord: streamAcknowledged > 0 ? streamWriteBytes / streamAcknowledged : 1000,
        fallbackDataBytesPerRecord: streamAcknowledged > 0 ? acceptedDataBytes / streamAcknowledged : 1000,
        endSeconds: ticks * dt,
        stepSeconds: stepDt,
      });
      const { delivered, maxAge } = read;
      oldestNeeded = Math.min(oldestNeeded, read.oldestArrival);
      c.delivered += delivered;
      if (c.kind !== 'firehose') {
        deliveredSeries.get(c.name)![second]! += delivered;
        lagSeries.get(c.name)![second] = Math.max(lagSeries.get(c.name)![second]!, maxAge);
        if (read.processedByEnd > 0) {
          // End to end: the put latency of this second's records (every attempt class, retries and
          // backoff included), then the wait to be read: propagation, or the time queued in the
          // backlog when that is longer (it includes the propagation). No record is processed later
          // than now (plus the propagation of one that just arrived), nor produced before 0 s, so
          // none waited longer than that: the put-latency points' tail (long backoffs) describes
          // records of later seconds.
          recordEndToEnd(
            producers,
            stream,
            read.waitWeighted / read.processedByEnd,
            read.processedByEnd,
            e2eLatency,
            e2eSecond,
            Math.min(ticks * dt, now + c.propagation),
          );
          // The record that waited longest (on a shard behind): its wait and a mean put latency.
          if (read.longestWait > 0)
            e2eLatency.extend(
              Number.POSITIVE_INFINITY,
              Math.min(ticks * dt, now + c.propagation, meanPutLatency(producers, stream) + read.longestWait),
            );
        }
      }
    }
    if (consumerTurn) {
      history.trimBefore(oldestNeeded);
      arrivals.fill(0);
      arrivalBytes.fill(0);
      arrivalDataBytes.fill(0);
    }

    // Firehose buffers flush on size or interval, whichever comes first.
    for (const fh of firehoses) flushDue(fh, t + dt, second);

    // End of a second: utilisation, latency histograms, lag histogram, on-demand scaling.
    const endOfSecond = Math.floor(t + dt + 1e-9) > Math.floor(t + 1e-9) || k === ticks - 1;
    if (endOfSecond) {
      perSecond.shards[second] = shardCount;
      utilization.add(second, utilizationRow(secondRecords, secondBytes));
      secondRecords = new Float64Array(shardCount);
      secondBytes = new Float64Array(shardCount);
      for (const p of producers) recordPutLatency(p, putLatency, putSecond);
      for (const [series, quantiles] of [
        [latencySeries.put, putSecond],
        [latencySeries.e2e, e2eSecond],
      ] as const) {
        const [p50, p99] = quantiles.take([0.5, 0.99]);
        series.p50[second] = round6(p50!);
        series.p99[second] = round6(p99!);
      }
      for (const fh of firehoses) {
        let fullest = 0;
        for (let b = 0; b < fh.buffers; b++) fullest = Math.max(fullest, fh.bufferBytes[b]!);
        fh.fullestPerSecond[second] = round(fullest);
      }
      for (const c of consumers) {
        if (c.kind === 'firehose') continue;
        lagHistogram.record(lagSeries.get(c.name)![second]!, 1);
      }
      if (onDemand) {
        odPeakBytes.push(Math.max(odSecondBytes, odPeakBytes[odPeakBytes.length - 1] ?? 0));
        odPeakRecords.push(Math.max(odSecondRecords, odPeakRecords[odPeakRecords.length - 1] ?? 0));
        odSecondBytes = 0;
        odSecondRecords = 0;
        const past = odPeakBytes.length - 1 - SCALE_SECONDS;
        if (past >= 0) {
          const target = onDemandShards(
            Math.max(odCapacity.recordsPerSecond, KINESIS.onDemandPeakMultiple.value * odPeakRecords[past]!),
            Math.max(odCapacity.bytesPerSecond, KINESIS.onDemandPeakMultiple.value * odPeakBytes[past]!),
          );
          if (target > shardCount) {
            relayout(shardCount, target);
            shardCount = target;
            secondRecords = new Float64Array(shardCount);
            secondBytes = new Float64Array(shardCount);
            demandRecords = new Float64Array(shardCount);
            streamFraction = new Float64Array(shardCount);
            demandBytes = new Float64Array(shardCount);
            arrivals = remap(arrivals, arrivals.length, shardCount);
            arrivalBytes = remap(arrivalBytes, arrivalBytes.length, shardCount);
            arrivalDataBytes = remap(arrivalDataBytes, arrivalDataBytes.length, shardCount);
          }
        }
      }
    }
    if (options.onProgress && k % progressEvery === 0) options.onProgress(k / ticks);
  }
  // Anything still buffered in Firehose is delivered at the end.
  for (const fh of firehoses) flushAll(fh, ticks * dt, seconds - 1);
  options.onProgress?.(1);

  // Exact: records rejected and scheduled for a retry not yet sent. (An estimate from the retry
  // rates, half a backoff each, missed retries scheduled but not yet started.)
  const pendingAtEnd = producers.reduce((sum, p) => sum + Math.max(0, p.pending) * p.userPerKinesis, 0);

  const shardSeries = utilization.build(seconds, COARSE_POINTS, HOTTEST_SHARDS);
  const partial: Omit<RunResult, 'metrics'> = {
    version: RESULT_VERSION,
    header: options.header ?? {
      runId: 'model',
      startedAt: '',
      finishedAt: '',
      wallSeconds: 0,
      shardcastVersion: '',
    },
    scenario: { name: scenario.name, seed, durationSeconds: duration, tickSeconds: dt, target: 'model' },
    counters: {
      produced: round(counters.produced),
      acknowledged: round(counters.acknowledged),
      throttled: round(counters.throttled),
      attempts: round(counters.attempts),
      retried: round(counters.retried),
      dropped: round(counters.dropped),
      pendingAtEnd: round(pendingAtEnd),
      putRequests: round(counters.putRequests),
      delivered: Object.fromEntries(
        consumers.filter((c) => c.kind !== 'firehose').map((c) => [c.name, round(c.delivered)]),
      ),
      firehose: Object.fromEntries(
        firehoses.map((f) => [
          f.stream.name,
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
      offered: perSecond.offered.map(round),
      acknowledged: perSecond.acknowledged.map(round),
      throttled: perSecond.throttled.map(round),
      retried: perSecond.retried.map(round),
      dropped: perSecond.dropped.map(round),
      writeBytes: perSecond.writeBytes.map(round),
      writeRecords: perSecond.writeRecords.map(round),
      shards: perSecond.shards,
      consumerLagSeconds: Object.fromEntries([...lagSeries].map(([name, v]) => [name, v.map(round6)])),
      delivered: Object.fromEntries([...deliveredSeries].map(([name, v]) => [name, v.map(round)])),
      firehoseObjects: Object.fromEntries(firehoses.map((f) => [f.stream.name, f.objectsPerSecond])),
      latency: latencySeries,
      firehoseFullestBufferBytes: Object.fromEntries(
        firehoses.map((f) => [f.stream.name, f.fullestPerSecond]),
      ),
    },
    shardSeries,
    histograms: {
      putLatency: putLatency.encode(),
      e2eLatency: e2eLatency.encode(),
      consumerLag: lagHistogram.encode(),
      firehoseDeliveryLatency: Object.fromEntries(firehoses.map((f) => [f.stream.name, f.latency.encode()])),
    },
  };
  return { ...partial, metrics: runMetrics(partial) };

  // ---- helpers closing over the state

  function relayout(from: number, to: number): void {
    for (const p of producers) {
      if (p.sink !== stream) continue;
      p.weights = keyWeights(p.placed!, to);
      p.sqrtWeights = p.weights.map(Math.sqrt);
      p.retryRate = p.retryRate.map((rate) => remap(rate, from, to));
      const rings: Float64Array[] = [];
      for (const ring of p.retryRing) {
        const next = new Float64Array(p.ringLength * to);
        for (let slot = 0; slot < p.ringLength; slot++)
          next.set(remap(ring.subarray(slot * from, (slot + 1) * from), from, to), slot * to);
        rings.push(next);
      }
      p.retryRing = rings;
      // Every new shard may have inherited retries: track them all until the retry window closes.
      p.shardRetryUntil = new Int32Array(to).fill(p.retryActiveUntil);
      p.activeShards = Int32Array.from({ length: to }, (_, s) => s);
      p.activeCount = to;
      p.listed = new Uint8Array(to).fill(1);
    }
    // A child inherits its share of its parents' backlog.
    stream.shards = to;
    // Children inherit their share of their parents' tokens (a split halves a bucket, a merge adds
    // two), so a reshard adds no burst of capacity beyond what the shards had.
    stream.tokensRecords = remap(stream.tokensRecords, from, to);
    stream.tokensBytes = remap(stream.tokensBytes, from, to);
    // Children refill at once: what their parents still owed from the start is forgiven (a
    // reshard completes many seconds in, after any debt of a one-second bucket is paid).
    stream.owedRecords = 0;
    stream.owedBytes = 0;
    for (const c of consumers) c.backlog = remap(c.backlog, from, to);
    history.relayout((values) => remap(values, from, to));
    for (const fh of firehoses) {
      if (fh.stream.source !== 'stream' || fh.stream.dynamicPartitions !== undefined) continue;
      // Buffers are per shard: each new shard starts an empty buffer; the old ones flush.
      flushAll(fh, 0, 0, true);
      fh.buffers = to;
      fh.bufferBytes = new Float64Array(to);
      fh.bufferRecords = new Float64Array(to);
      fh.bufferStart = new Float64Array(to).fill(-1);
    }
  }
}

/** What one consumer step read from the shards. */
interface ShardsRead {
  delivered: number;
  /** Of those, the records processed by the end of the run (the rest are read within its last propagation delay). */
  processedByEnd: number;
  /** Sum of `processedByEnd` × their wait from arrival in the shard to processing (for the mean wait). */
  waitWeighted: number;
  maxAge: number;
  /** The longest wait of a record read now, on a shard left behind (0 when every shard keeps up). */
  longestWait: number;
  /** Arrival time of the oldest record still in some backlog (`now` when every backlog is empty). */
  oldestArrival: number;
}

/**
 * One consumer step over every shard: what arrived joins each shard's backlog, and the consumer
 * takes what its processing share, read records cap and read bytes cap allow. Its iterator age
 * on a shard is how long ago the oldest record still in the backlog arrived (records are read in
 * order, so it is the one after the first total − backlog). Top-level for the same reason as
 * `admitFirstAttempts`.
 */
function readShards(
  c: ConsumerState,
  arrivals: Float64Array,
  arrivalBytes: Float64Array,
  arrivalDataBytes: Float64Array,
  history: ArrivalHistory,
  step: {
    capR: number;
    capB: number;
    processPerStep: number;
    now: number;
    t: number;
    fallbackBytesPerRecord: number;
    fallbackDataBytesPerRecord: number;
    /** When the run ends, and the length of this consumer step (seconds). */
    endSeconds: number;
    stepSeconds: number;
  },
): ShardsRead {
  const n = c.backlog.length;
  const backlog = c.backlog;
  let readable = 0;
  for (let s = 0; s < n; s++) {
    backlog[s]! += arrivals[s]!;
    readable += backlog[s]!;
  }
  const processShare = readable > 0 ? Math.min(1, step.processPerStep / readable) : 1;
  let delivered = 0;
  let processedByEnd = 0;
  let waitWeighted = 0;
  let maxAge = 0;
  let longestWait = 0;
  let oldestArrival = step.now;
  for (let s = 0; s < n; s++) {
    const b = backlog[s]!;
    if (b <= 0) continue;
    const bytesPerRecord = arrivals[s]! > 0 ? arrivalBytes[s]! / arrivals[s]! : step.fallbackBytesPerRecord;
    const take = Math.min(b * processShare, step.capR, step.capB / Math.max(1, bytesPerRecord), b);
    backlog[s] = b - take;
    delivered += take;
    let age = 0;
    if (backlog[s]! > 1e-9) {
      const arrived = history.arrivalTime(s, history.total(s) - backlog[s]!);
      age = Math.max(0, step.now - arrived);
      oldestArrival = Math.min(oldestArrival, arrived);
      // The oldest record read now, at the head before the read, waited longer than `age` (the
      // age of the record left at the head): the exact top of the waits, for e2eLatency.max.
      if (take > 0) {
        const head = Math.max(0, step.now - history.arrivalTime(s, history.total(s) - b));
        longestWait = Math.max(longestWait, c.propagation, head);
      }
    }
    // A record waits for the propagation delay (which for polling includes half the poll interval),
    // or longer when it queued behind others; the backlog age already holds the propagation, so the
    // two are not added (they were: a 600 s run reported 740 s end to end, 540 s of backlog + 200 s).
    const wait = Math.max(c.propagation, age);
    // Records read now arrived within the last step, or by now − age: those that arrived less than
    // the propagation delay before the end are not processed within the run.
    const inRun =
      age >= c.propagation
        ? 1
        : Math.min(
            1,
            Math.max(
              0,
              (step.endSeconds - c.propagation - (step.now - age - step.stepSeconds)) / step.stepSeconds,
            ),
          );
    processedByEnd += take * inRun;
    waitWeighted += take * inRun * wait;
    maxAge = Math.max(maxAge, age);
    // Firehose writes the data blobs: partition keys are not part of the object, and it
    // de-aggregates KPL records before delivering them ("Firehose de-aggregates the records before it
    // delivers them to the destination", https://docs.aws.amazon.com/streams/latest/dev/kpl-with-firehose.html,
    // and FH23 writing-with-kinesis-streams.md), so neither keys nor aggregation framing fill its buffers.
    if (c.firehose) {
      const dataBytesPerRecord =
        arrivals[s]! > 0 ? arrivalDataBytes[s]! / arrivals[s]! : step.fallbackDataBytesPerRecord;
      firehoseShardIn(c.firehose, s, take, take * dataBytesPerRecord, step.t);
    }
  }
  return { delivered, processedByEnd, waitWeighted, maxAge, longestWait, oldestArrival };
}

function firehoseShardIn(fh: FirehoseState, shard: number, records: number, bytes: number, t: number): void {
  if (records <= 0) return;
  if (fh.stream.dynamicPartitions !== undefined) {
    for (let b = 0; b < fh.buffers; b++) addToBuffer(fh, b, records / fh.buffers, bytes / fh.buffers, t);
  } else addToBuffer(fh, Math.min(shard, fh.buffers - 1), records, bytes, t);
}

function addToBuffer(fh: FirehoseState, b: number, records: number, bytes: number, t: number): void {
  if (records <= 0) return;
  if (fh.bufferStart[b]! < 0) fh.bufferStart[b] = t;
  fh.bufferRecords[b]! += records;
  fh.bufferBytes[b]! += bytes;
  fh.records += records;
  fh.bytes += bytes;
}

/** Flushes every buffer whose size hint is reached or whose oldest record is `interval` old. */
function flushDue(fh: FirehoseState, now: number, second: number): void {
  for (let b = 0; b < fh.buffers; b++) {
    if (fh.bufferStart[b]! < 0) continue;
    const age = now - fh.bufferStart[b]!;
    if (fh.bufferBytes[b]! >= fh.sizeBytes || age >= fh.intervalSeconds - 1e-9) flush(fh, b, now, second);
  }
}

/**
 * Flushes every buffer: now (the run's end), or, with `keepTime` (a reshard closed the shards),
 * when each buffer's interval runs out, counted in that second. (Those were counted in second 0.)
 */
function flushAll(fh: FirehoseState, now: number, second: number, keepTime = false): void {
  for (let b = 0; b < fh.buffers; b++) {
    if (fh.bufferStart[b]! < 0 || fh.bufferRecords[b]! <= 0) continue;
    const at = keepTime ? fh.bufferStart[b]! + fh.intervalSeconds : now;
    flush(fh, b, at, keepTime ? Math.floor(at + 1e-9) : second);
  }
}

/**
 * The waits of a flushed buffer's records, as fractions of its age: the midpoints of 64 equal
 * slices of the uniform spread. With 4 (0.125 … 0.875) the p99 and the maximum were ⅞ of the flush
 * period: 57 s instead of 64 s for a 64 s period.
 */
const FLUSH_WAIT_Q = Array.from({ length: 64 }, (_, i) => (i + 0.5) / 64);

function flush(fh: FirehoseState, b: number, now: number, second: number): void {
  const waited = Math.max(0, now - fh.bufferStart[b]!);
  const records = fh.bufferRecords[b]!;
  fh.objects++;
  fh.objectBytes += fh.bufferBytes[b]! * fh.stream.compressionRatio;
  fh.objectsPerSecond[Math.max(0, Math.min(fh.objectsPerSecond.length - 1, second))]!++;
  // Records arrived evenly while the buffer filled: they waited between 0 and `waited`, then the
  // object took `deliveryTime` to write (and dynamic partitioning adds up to half again, FH-DPB).
  const stretch =
    fh.stream.dynamicPartitions !== undefined ? FIREHOSE.dynamicPartitioningLatencyFactor.value : 1;
  for (const q of FLUSH_WAIT_Q)
    fh.latency.record(waited * q * stretch + fh.stream.deliveryTime, records / FLUSH_WAIT_Q.length);
  // The buffer's first record waited the whole time, its last none: the exact extremes.
  fh.latency.extend(fh.stream.deliveryTime, waited * stretch + fh.stream.deliveryTime);
  fh.bufferBytes[b] = 0;
  fh.bufferRecords[b] = 0;
  fh.bufferStart[b] = -1;
}

/** The stream's per-shard tallies a first-attempt pass adds to (undefined for a Direct PUT sink). */
interface StreamTallies {
  /** This second's first attempts per shard, records and bytes (utilisation). */
  records: Float64Array;
  bytes: Float64Array;
  /** Admitted since the consumers last read, user records and bytes. */
  arrivals: Float64Array;
  arrivalBytes: Float64Array;
  /** The same arrivals' data blobs alone (no partition keys, no KPL framing). */
  arrivalDataBytes: Float64Array;
}

/**
 * One pass over a sink's shards: each producer's new records (Poisson), the shard's token buckets
 * (refilled every tick at limit × tick, capped at one second's worth, docs/engine.md), the admitted
 * fraction of its demand (`dR`, `dB`: retries due now, plus the new records), and the first
 * attempts' outcomes, rejected records scheduled for a retry. A top-level function with its state
 * passed in, so that V8 optimises this loop on its own (inside the run's closure it was compiled
 * on-stack with the whole run, and a second run in the same process was ten times slower).
 */
function admitFirstAttempts(
  sink: Sink,
  firsts: readonly FirstAttempts[],
  dR: Float64Array,
  dB: Float64Array,
  fraction: Float64Array,
  tallies: StreamTallies | undefined,
  rng: Rng,
  k: number,
  dt: number,
): void {
  const n = sink.shards;
  const tR = sink.tokensRecords;
  const tB = sink.tokensBytes;
  const capR = sink.recordsPerSecond;
  const capB = sink.bytesBurst;
  // The refill, less what the buckets still owe for starting full (see `startingBuckets`); never
  // more than a bucket holds (a Direct PUT records limit follows the batch size, set every tick).
  if (sink.owedRecords > capR) sink.owedRecords = capR;
  if (sink.owedBytes > capB) sink.owedBytes = capB;
  const owedR = Math.min(sink.owedRecords, sink.recordsPerSecond * dt);
  const owedB = Math.min(sink.owedBytes, sink.bytesPerSecond * dt);
  sink.owedRecords -= owedR;
  sink.owedBytes -= owedB;
  const addR = sink.recordsPerSecond * dt - owedR;
  const addB = sink.bytesPerSecond * dt - owedB;
  // New records, producer by producer: Poisson(λ) per shard, λ = per tick × weight; above 30 the
  // normal approximation, with √λ = √(per tick) × √weight so that no square root is taken per shard.
  for (let q = 0; q < firsts.length; q++) {
    const first = firsts[q]!;
    const fresh = first.fresh;
    const weights = first.weights;
    const sqrtWeights = first.sqrtWeights;
    // A KPL producer's aggregates are not independent arrivals: each instance sends one per shard
    // every linger time, holding the user records that came in meanwhile. So the user records are
    // drawn (Poisson) and the Kinesis records are their count ÷ u. (Drawing the aggregates as Poisson
    // arrivals gave a shard's bytes the noise of 40 arrivals a second instead of 5,000: ±16%, and
    // 152% of the write limit in seconds the bucket absorbed, with nothing throttled.)
    const u = first.u;
    const perTick = first.perTick * u;
    const sqrtPerTick = u === 1 ? first.sqrtPerTick : Math.sqrt(perTick);
    const kb = first.kb;
    if (sink.noise.length < n) sink.noise = new Float64Array(n);
    const noise = sink.noise;
    rng.fillNormals(noise, n);
    let total = 0;
    for (let s = 0; s < n; s++) {
      const lambda = perTick * weights[s]!;
      const d =
        lambda < 30
          ? rng.poisson(lambda)
          : Math.max(0, Math.round(lambda + sqrtPerTick * sqrtWeights[s]! * noise[s]!));
      const records = u === 1 ? d : d / u;
      fresh[s] = records;
      total += records;
      dR[s]! += records;
      dB[s]! += records * kb;
    }
    first.total += total;
    if (tallies) {
      // Utilisation counts first attempts: the load the producers offer, not the retry storm.
      const records = tallies.records;
      const bytes = tallies.bytes;
      for (let s = 0; s < n; s++) {
        records[s]! += fresh[s]!;
        bytes[s]! += fresh[s]! * kb;
      }
    }
  }
  // Each shard admits what its buckets hold: everything (the common case: no division), or the
  // scarcer bucket sets the admitted fraction of the whole demand, retries included.
  for (let s = 0; s < n; s++) {
    const r = dR[s]!;
    const b = dB[s]!;
    const tokensR = Math.min(capR, tR[s]! + addR);
    const tokensB = Math.min(capB, tB[s]! + addB);
    const f = r <= tokensR && b <= tokensB ? 1 : Math.min(tokensR / r, b > 0 ? tokensB / b : 1);
    fraction[s] = f;
    tR[s] = tokensR - r * f;
    tB[s] = tokensB - b * f;
  }
  // The first attempts' outcomes: admitted records arrive; rejected ones wait for a retry.
  for (let q = 0; q < firsts.length; q++) {
    const first = firsts[q]!;
    const fresh = first.fresh;
    const u = first.u;
    const kb = first.kb;
    let attempted = 0;
    let admittedAll = 0;
    if (tallies) {
      const arrivals = tallies.arrivals;
      const arrivalBytes = tallies.arrivalBytes;
      const arrivalDataBytes = tallies.arrivalDataBytes;
      const db = first.db;
      for (let s = 0; s < n; s++) {
        const admitted = fresh[s]! * fraction[s]!;
        arrivals[s]! += admitted * u;
        arrivalBytes[s]! += admitted * kb;
        arrivalDataBytes[s]! += admitted * db;
      }
    }
    for (let s = 0; s < n; s++) {
      const count = fresh[s]!;
      if (count <= 0) continue;
      const admitted = count * fraction[s]!;
      const rejected = count - admitted;
      attempted += count;
      admittedAll += admitted;
      if (rejected <= 0) continue;
      first.rejected += rejected;
      if (first.ring === undefined) {
        first.dropped += rejected;
        continue;
      }
      // Resend after a full-jitter backoff: spread evenly over the next D ticks, as a rate that
      // starts next tick and stops D ticks later.
      const perSecondRate = rejected / first.D / dt;
      first.ring[first.start * n + s]! += perSecondRate;
      first.ring[first.stop * n + s]! -= perSecondRate;
      markRetrying(first.p, s, k + first.p.ringLength);
    }
    first.attempted += attempted;
    first.admitted += admittedAll;
  }
}

/**
 * How a sink's buckets start. AWS documents a per-second limit and no initial credit, so a shard
 * may take its limit and no more in its first second; but it may take it at any moment of that
 * second, as it can later (a Poisson tick above a tenth of the limit is no throttle at 83% load).
 * So a bucket starts with one second's refill (at most its capacity) plus `initialBurst` of its
 * capacity, and owes back all of that but the `initialBurst` part from its first refills: over
 * the first T ≥ 1 seconds a shard admits at most initialBurst × capacity + limit × T. A 1-second
 * bucket with `initialBurst` 0 starts full and owes a full bucket; the 10 MiB large-record bucket
 * starts at 1 MiB, owed, so a large-record stream too takes 1 MiB in its first second, not 10.
 * (Buckets started full and refilled at once: a shard at 110% of its limit throttled 7.6% of
 * 66,000 records over 60 s instead of 1 − 1/1.1 = 9.1%; a 5 MiB/s Direct PUT quota took 9.5 MiB
 * in its first second; a large-record stream took 10 MiB.)
 */
function startingBucket(
  perSecond: number,
  capacity: number,
  initialBurst: number,
): { start: number; owed: number } {
  const start = Math.min(capacity, Math.min(capacity, perSecond) + initialBurst * capacity);
  return { start, owed: start - initialBurst * capacity };
}

function startingBuckets(
  sink: { recordsPerSecond: number; bytesPerSecond: number; bytesBurst: number; shards: number },
  initialBurst: number,
): { tokensRecords: Float64Array; tokensBytes: Float64Array; owedRecords: number; owedBytes: number } {
  const records = startingBucket(sink.recordsPerSecond, sink.recordsPerSecond, initialBurst);
  const bytes = startingBucket(sink.bytesPerSecond, sink.bytesBurst, initialBurst);
  return {
    tokensRecords: new Float64Array(sink.shards).fill(records.start),
    tokensBytes: new Float64Array(sink.shards).fill(bytes.start),
    owedRecords: records.owed,
    owedBytes: bytes.owed,
  };
}

/** Each shard's load offered this second over its write limit: the larger of records and bytes. */
function utilizationRow(records: Float64Array, bytes: Float64Array): Float32Array {
  const row = new Float32Array(records.length);
  for (let s = 0; s < row.length; s++)
    row[s] = Math.max(records[s]! / WRITE_RECORDS, bytes[s]! / WRITE_BYTES);
  return row;
}

/** Notes that shard s has retries to carry until tick `until`. */
function markRetrying(p: ProducerState, s: number, until: number): void {
  if (until > p.shardRetryUntil[s]!) p.shardRetryUntil[s] = until;
  if (p.listed[s] === 0) {
    p.listed[s] = 1;
    p.activeShards[p.activeCount++] = s;
  }
}

/** Forgets shards whose retries are all done: their rates are back to zero and their ring slots empty. */
function dropIdleShards(p: ProducerState, k: number): void {
  let kept = 0;
  for (let j = 0; j < p.activeCount; j++) {
    const s = p.activeShards[j]!;
    if (k > p.shardRetryUntil[s]!) p.listed[s] = 0;
    else p.activeShards[kept++] = s;
  }
  p.activeCount = kept;
}

/** Moves per-shard quantities from an even split of `from` shards to one of `to`, by hash-range overlap. */
export function remap(values: Float64Array, from: number, to: number): Float64Array {
  const out = new Float64Array(to);
  if (from === to) {
    out.set(values);
    return out;
  }
  // Walk both sets of boundaries (fractions of the key space) in order.
  let i = 0;
  let j = 0;
  let position = 0;
  while (i < from && j < to) {
    const endOld = (i + 1) / from;
    const endNew = (j + 1) / to;
    const end = Math.min(endOld, endNew);
    out[j]! += values[i]! * ((end - position) * from);
    position = end;
    if (endOld <= end + 1e-15) i++;
    if (endNew <= end + 1e-15) j++;
  }
  return out;
}

/** The producer's share of records on each of `shards` even shards, its keys placed as Kinesis hashes them. */
function keyWeights(placed: PlacedKeys, shards: number): Float64Array {
  return sharesOnEvenShards(placed, shards);
}

/** The producer's highest rate: sampled at every breakpoint of its profile (a spike's start), as the planner does. */
function peakRate(producer: Producer, duration: number, meanData: number): number {
  let peak = 0;
  for (const t of sampleTimes([producer.rate], duration))
    peak = Math.max(peak, rateAt(producer.rate, t, meanData));
  return peak;
}

/**
 * Write requests (PutRecords, or PutRecordBatch for Direct PUT) in a tick of `dt` seconds for
 * `kinesisRecords` records of `recordBytes`, within the sink's API limits (see `putRequestsPerSecond`).
 */
function requestsFor(
  producer: Producer,
  sink: Sink,
  kinesisRecords: number,
  recordBytes: number,
  dt: number,
): number {
  return (
    putRequestsPerSecond(producer.batching, producer.instances, kinesisRecords / dt, recordBytes, sink.api) *
    dt
  );
}

/**
 * When each UpdateShardCount call of the scenario's reshard events completes, and the count it
 * reaches. Calls count towards the rolling 24-hour window across events; an event waits for the
 * one before it to finish.
 */
function reshardSchedule(scenario: Scenario, initial: number): { at: number; shards: number }[] {
  const changes: { at: number; shards: number }[] = [];
  const callStarts: number[] = [];
  let current = initial;
  let busyUntil = 0;
  for (const event of scenario.events) {
    const calls = shardCountCalls(
      current,
      event.reshard.shards,
      Math.max(event.at, busyUntil),
      scenario.stream.shardOperationTime,
      callStarts,
    );
    for (const call of calls) changes.push({ at: call.end, shards: call.shards });
    if (calls.length > 0) busyUntil = calls[calls.length - 1]!.end;
    current = event.reshard.shards;
  }
  return changes;
}

/**
 * Spreads `delivered` records over the put latencies of the records the stream took this second,
 * each followed by `after` seconds to be processed; none longer than `atMostSeconds` (the time
 * they are processed: no record was produced before the run started).
 */
function recordEndToEnd(
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
function meanPutLatency(producers: readonly ProducerState[], stream: Sink): number {
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

function recordPutLatency(p: ProducerState, histogram: FlowHistogram, second: SecondQuantiles): void {
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

/** Counts rounded to a thousandth of a record: flows are fractional; results stay readable and stable. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
