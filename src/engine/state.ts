/**
 * The engine's state: what the tick loop (`simulate.ts`) carries from one tick to the next, as one
 * explicit type, `Simulation`, built by `setup.ts` and advanced by the seams of a tick (`write.ts`,
 * `read.ts`, `firehose.ts`, `latency.ts`, `layout.ts`). Plain mutable records of typed arrays: the
 * per-tick loops read them through locals, with no closure or allocation per tick.
 */
import type { PlacedKeys } from '../keys/placement.js';
import type { FlowHistogram } from '../result/flow-histogram.js';
import type { SecondSample } from '../result/live.js';
import type { RecorderTotals, RunRecorder } from '../result/recorder.js';
import type { RunResult } from '../result/types.js';
import type { FirehoseStream, Producer, Scenario } from '../scenario/schema.js';
import type { Rng } from '../workload/random.js';
import type { ArrivalHistory } from './arrival-history.js';

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
  /**
   * Called once per simulated second, in order, with the second as the result's series hold it
   * (the recorder's sample at that index). The last second comes after the run's final Firehose
   * flush, so that its objects are counted.
   */
  onSample?: (sample: SecondSample) => void;
}

/** A place records are written to: the stream's shards, or a Direct PUT Firehose stream (one pseudo-shard with its quota). */
export interface Sink {
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
export interface ProducerState {
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
export interface FirstAttempts {
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

export interface ConsumerState {
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

export interface FirehoseState {
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
  /** The delivery latency histogram and the per-second series: the recorder's, filled in place. */
  latency: FlowHistogram;
  objectsPerSecond: number[];
  /** Bytes in the fullest buffer at the end of each second. */
  fullestPerSecond: number[];
}

/** The stream's per-shard tallies a first-attempt pass adds to (undefined for a Direct PUT sink). */
export interface StreamTallies {
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
 * Everything the tick loop carries: the run's shape, the model's state (sinks, producers,
 * consumers, Firehose buffers), the tick's scratch arrays and the recorder the outputs go to.
 * Arrays sized by the shard count are replaced (not resized) when the layout changes (`layout.ts`).
 */
export interface Simulation {
  scenario: Scenario;
  options: SimulateOptions;
  seed: number;
  /** Virtual seconds run, the tick (seconds), ticks and whole seconds of the run. */
  duration: number;
  dt: number;
  ticks: number;
  seconds: number;
  rng: Rng;
  onDemand: boolean;
  /** An on-demand stream's starting capacity (records and bytes per second). */
  odCapacity: { recordsPerSecond: number; bytesPerSecond: number };
  /** Open shards now. */
  shardCount: number;
  stream: Sink;
  sinks: Map<string, Sink>;
  producers: ProducerState[];
  /** User records per Kinesis record on the stream, over its producers at their peak rates. */
  userPerKinesisRecord: number;
  consumers: ConsumerState[];
  firehoses: FirehoseState[];
  /** When each UpdateShardCount call completes and the count it reaches; `nextChange` is the next to apply. */
  layoutChanges: { at: number; shards: number }[];
  nextChange: number;
  /** Where every output goes: series, histograms, per-shard rows. */
  recorder: RunRecorder;
  /** The recorder's running totals, which the tick loop adds to in place. */
  totals: RecorderTotals;
  /** This second's first attempts per shard, records and bytes (utilisation). */
  secondRecords: Float64Array;
  secondBytes: Float64Array;
  /** Scratch per tick: the stream's demand per shard (retries due and new records) and its admitted fraction. */
  demandRecords: Float64Array;
  demandBytes: Float64Array;
  streamFraction: Float64Array;
  /** Admitted since the consumers last read: user records, bytes, and data bytes alone (what a stream-sourced Firehose writes, see readShards). */
  arrivals: Float64Array;
  arrivalBytes: Float64Array;
  arrivalDataBytes: Float64Array;
  /**
   * What the stream accepted (Direct PUT producers' records go to Firehose, not to its shards):
   * the bytes per record of backlog read in a step with no new arrivals to go by.
   */
  streamAcknowledged: number;
  streamWriteBytes: number;
  acceptedDataBytes: number;
  /** On-demand: the running peak per-second write (to scale capacity 15 minutes later), and this second's. */
  odPeakBytes: number[];
  odPeakRecords: number[];
  odSecondBytes: number;
  odSecondRecords: number;
  progressEvery: number;
  /** Ticks per consumer step (a second). */
  consumerStep: number;
  /** Per sink, the producers writing to it and their first-attempt outcomes of the current tick. */
  firstsBySink: Map<Sink, FirstAttempts[]>;
  /** Scratch reused every tick: each producer's new records per shard. */
  freshBuffers: Float64Array[];
  /**
   * Cumulative arrivals per shard, for the iterator age of every consumer application. (The age
   * was backlog ÷ a 5-second average arrival rate, Little's law: right only at a steady rate. When
   * the input fell it grew without bound, to 2.8e19 s, or Infinity and a crash, once it stopped.)
   */
  history: ArrivalHistory;
  /** The next tick to run (0 … ticks). */
  tick: number;
}
