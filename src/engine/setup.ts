/**
 * Setup: the engine's state from a scenario, before the first tick. Sinks (the stream, and each
 * Direct PUT Firehose as one pseudo-shard with its quota), producers (key weights, KPL packing,
 * retry schedule), consumers (read caps, propagation), Firehose buffers, the reshard schedule and
 * the recorder the outputs go to.
 */
import {
  getRecordsCallRates,
  kplPacking,
  onDemandInitialCapacity,
  pollingPropagationSeconds,
} from '../aws/behaviour.js';
import { bufferHints, flushIntervalSeconds } from '../aws/defaults.js';
import { directPutQuota, FIREHOSE, KINESIS } from '../aws/facts.js';
import { shardCountCalls } from '../aws/reshard.js';
import { meanKeyBytes } from '../keys/distribution.js';
import { type PlacedKeys, placeKeys } from '../keys/placement.js';
import { RunRecorder } from '../result/recorder.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import { lognormalParams, meanRecordBytes } from '../scenario/record-size.js';
import type { Producer, Scenario } from '../scenario/schema.js';
import { backoffCapSeconds, meanBackoffSeconds } from '../workload/backoff.js';
import { Rng } from '../workload/random.js';
import { ArrivalHistory } from './arrival-history.js';
import { keyWeights } from './layout.js';
import type {
  ConsumerState,
  FirehoseState,
  FirstAttempts,
  ProducerState,
  SimulateOptions,
  Simulation,
  Sink,
} from './state.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const EFO_BYTES = KINESIS.efoBytesPerSecondPerConsumer.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const CALL_MAX_BYTES = KINESIS.getRecordsMaxBytes.value;
const CALL_MAX_RECORDS = KINESIS.getRecordsMaxRecords.value;

/** The state of a run of `scenario` before its first tick. */
export function setupSimulation(scenario: Scenario, options: SimulateOptions): Simulation {
  const seed = options.seed ?? scenario.seed;
  const duration = options.durationSeconds ?? scenario.duration;
  const dt = scenario.engine.tick;
  const ticks = Math.max(1, Math.round(duration / dt));
  const seconds = Math.max(1, Math.ceil(duration));
  const rng = new Rng(seed);
  const onDemand = scenario.stream.mode === 'on-demand';
  const odCapacity = onDemandInitialCapacity({
    previousPeakBytesPerSecond: scenario.stream.onDemand.previousPeak?.bytesPerSecond,
    previousPeakRecordsPerSecond: scenario.stream.onDemand.previousPeak?.recordsPerSecond,
  });
  // A provisioned stream without a count is sized by the plan; the caller runs it at that count
  // (`shardcast run` sets the recommended one). The engine does not plan, so it cannot guess one.
  if (!onDemand && scenario.stream.shards === undefined) {
    throw new Error(
      'simulateScenario: stream.shards is not set; run the scenario at planScenario(scenario).shards.recommended, as `shardcast run` does',
    );
  }
  const shardCount = onDemand
    ? onDemandShards(odCapacity.recordsPerSecond, odCapacity.bytesPerSecond)
    : scenario.stream.shards!;
  const sinks = createSinks(scenario, shardCount);
  const stream = sinks.get('stream')!;
  const producers = scenario.producers.map((producer) =>
    createProducer(scenario, producer, sinks, shardCount, duration, options.placedKeys),
  );
  // User records per Kinesis record on the stream, over its producers at their peak rates.
  const streamProducers = producers.filter((p) => p.sink === stream);
  const peakUser = streamProducers.reduce((a, p) => a + p.peakUserRate, 0);
  const peakKinesis = streamProducers.reduce((a, p) => a + p.peakUserRate / p.userPerKinesis, 0);
  const recorder = new RunRecorder({
    seconds,
    consumers: scenario.consumers.map((c) => c.name),
    firehoses: scenario.firehose.map((f) => f.name),
    shardRowBudgetValues: options.shardRowBudgetValues,
  });
  const { consumers, firehoses } = createReaders(scenario, sinks, shardCount, recorder);
  return {
    scenario,
    options,
    seed,
    duration,
    dt,
    ticks,
    seconds,
    rng,
    onDemand,
    odCapacity,
    shardCount,
    stream,
    sinks,
    producers,
    userPerKinesisRecord: peakKinesis > 0 ? peakUser / peakKinesis : 1,
    consumers,
    firehoses,
    // Each UpdateShardCount call completes after its shard operations, one after another; the new
    // even layout takes effect when a call completes.
    layoutChanges: onDemand ? [] : reshardSchedule(scenario, shardCount),
    nextChange: 0,
    recorder,
    totals: recorder.totals,
    secondRecords: new Float64Array(shardCount),
    secondBytes: new Float64Array(shardCount),
    demandRecords: new Float64Array(shardCount),
    demandBytes: new Float64Array(shardCount),
    streamFraction: new Float64Array(shardCount),
    arrivals: new Float64Array(shardCount),
    arrivalBytes: new Float64Array(shardCount),
    arrivalDataBytes: new Float64Array(shardCount),
    streamAcknowledged: 0,
    streamWriteBytes: 0,
    acceptedDataBytes: 0,
    odPeakBytes: [],
    odPeakRecords: [],
    odSecondBytes: 0,
    odSecondRecords: 0,
    progressEvery: Math.max(1, Math.floor(ticks / 100)),
    consumerStep: Math.max(1, Math.round(1 / dt)),
    firstsBySink: firstAttemptsBySink(sinks, producers),
    freshBuffers: producers.map((p) => new Float64Array(p.sink.shards)),
    history: new ArrivalHistory(shardCount),
    tick: 0,
  };
}

/**
 * An on-demand stream is modelled as the shards its capacity implies, each with the usual
 * per-shard limits: a single key still cannot exceed one shard (B-ODA), and the stream's total
 * is its capacity, max(4 MiB/s, 2 × the previous peak), which follows new peaks 15 minutes later.
 */
export function onDemandShards(recordsPerSecond: number, bytesPerSecond: number): number {
  return Math.max(
    1,
    Math.ceil(Math.max(recordsPerSecond / WRITE_RECORDS, bytesPerSecond / WRITE_BYTES) - 1e-9),
  );
}

/** The stream's shards, and each Direct PUT Firehose stream as one pseudo-shard with its quota. */
function createSinks(scenario: Scenario, shardCount: number): Map<string, Sink> {
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
      // The records limit follows the records each request carries, set every tick (write.ts); the
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
  return sinks;
}

/** A producer's state: its sink, KPL packing, key weights, retry schedule and latency parameters. */
function createProducer(
  scenario: Scenario,
  producer: Producer,
  sinks: ReadonlyMap<string, Sink>,
  shardCount: number,
  duration: number,
  placedKeys: ReadonlyMap<string, PlacedKeys> | undefined,
): ProducerState {
  const dt = scenario.engine.tick;
  const sink = sinks.get(producer.destination === 'stream' ? 'stream' : producer.destination)!;
  const meanData = meanRecordBytes(producer.recordSize);
  const keyBytes = meanKeyBytes(producer.keys);
  // Keys hashed once per run (only where a stream routes by them); each layout's weights are then
  // a pass over the shard boundaries.
  const placed = sink.kind === 'stream' ? (placedKeys?.get(producer.name) ?? placeKeys(producer.keys)) : null;
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
    // Full jitter before attempt a: uniform in [0, min(cap, base × 2^(a−2))] (src/workload/backoff.ts).
    backoffTicks[a] = Math.max(1, Math.round(backoffCapSeconds(producer.retry, a) / dt));
    backoffWaited[a] = (backoffWaited[a - 1] ?? 0) + meanBackoffSeconds(producer.retry, a);
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
}

/** Consumers (polling, enhanced fan-out, and Firehose reading the stream) and every Firehose stream's buffers. */
function createReaders(
  scenario: Scenario,
  sinks: ReadonlyMap<string, Sink>,
  shardCount: number,
  recorder: RunRecorder,
): { consumers: ConsumerState[]; firehoses: FirehoseState[] } {
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
      // The delivery histogram and the per-second series are the recorder's, filled in place.
      latency: recorder.firehoseLatency.get(f.name)!,
      objectsPerSecond: recorder.firehoseObjects.get(f.name)!,
      fullestPerSecond: recorder.firehoseFullestBytes.get(f.name)!,
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
  return { consumers, firehoses };
}

/** Per sink, the producers writing to it, each with its first-attempt record reused every tick. */
function firstAttemptsBySink(
  sinks: ReadonlyMap<string, Sink>,
  producers: readonly ProducerState[],
): Map<Sink, FirstAttempts[]> {
  return new Map<Sink, FirstAttempts[]>(
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

/** The producer's highest rate: sampled at every breakpoint of its profile (a spike's start), as the planner does. */
function peakRate(producer: Producer, duration: number, meanData: number): number {
  let peak = 0;
  for (const t of sampleTimes([producer.rate], duration))
    peak = Math.max(peak, rateAt(producer.rate, t, meanData));
  return peak;
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
