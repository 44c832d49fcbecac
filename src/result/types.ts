/**
 * RunResult: what a run measured, the same schema for every target (model, aws, http). Versioned
 * JSON. Times are in seconds except inside histograms, which hold integer microseconds.
 */

export const RESULT_VERSION = 1;

/** An HDR histogram (hdr-histogram-js), encoded so histograms of several runs or workers merge exactly. */
export interface EncodedHistogram {
  /** `encodeIntoCompressedBase64` of a histogram of integer microseconds. */
  encoded: string;
  /** Values recorded. */
  count: number;
  /** Exact minimum and maximum in microseconds (a decoded histogram only knows its buckets). */
  minUs: number;
  maxUs: number;
  /**
   * Values above the histogram's highest trackable value (7 days), recorded at that value; `maxUs`
   * still holds the exact maximum.
   */
  clamped: number;
}

/** The run's identity and clock: the only part that differs between two runs of the same scenario and seed. */
export interface RunHeader {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Wall-clock seconds the run took. */
  wallSeconds: number;
  shardcastVersion: string;
}

export interface RunCounters {
  /** User records the producers generated. */
  produced: number;
  /** User records the stream accepted. */
  acknowledged: number;
  /** Record attempts rejected with ProvisionedThroughputExceeded (each retry counts again). */
  throttled: number;
  /** Record attempts made: first attempts and retries. */
  attempts: number;
  /** Record attempts that were retries. */
  retried: number;
  /** Records given up after the last attempt: lost. */
  dropped: number;
  /** Records still waiting for a retry when the run ended (neither acknowledged nor dropped). */
  pendingAtEnd: number;
  /** PutRecords requests sent. */
  putRequests: number;
  /** Records each consumer application processed. */
  delivered: Record<string, number>;
  /** Per Firehose stream: records and bytes taken in, objects written, bytes written. */
  firehose: Record<
    string,
    { records: number; bytes: number; objects: number; objectBytes: number; throttled: number }
  >;
}

/** Per-second series of the stream (index i covers [i, i+1) seconds). */
export interface StreamSeries {
  /** Records offered by the producers (first attempts). */
  offered: number[];
  acknowledged: number[];
  throttled: number[];
  retried: number[];
  dropped: number[];
  /** Bytes accepted (data and partition keys). */
  writeBytes: number[];
  /**
   * Kinesis records accepted: a KPL aggregate counts once, as the 1,000 records/s limit counts it
   * (`acknowledged` counts the user records in it). Absent from results made before it was added.
   */
  writeRecords?: number[];
  /** Open shards. */
  shards: number[];
  /** Per consumer application: its iterator age (seconds) at the end of each second, the oldest over shards. */
  consumerLagSeconds: Record<string, number[]>;
  /** Per consumer application: records processed. */
  delivered: Record<string, number[]>;
  /** Per Firehose stream: objects written. */
  firehoseObjects: Record<string, number[]>;
  /**
   * Per second: the 50th and 99th percentile (seconds) of the put latency of the records
   * acknowledged that second, and of the end-to-end latency of the records consumers processed
   * that second; 0 for a second without records. (Absent from results of version 1 before these
   * were added; merged over workers as the larger of the two, an upper bound.)
   */
  latency?: { put: PercentileSeries; e2e: PercentileSeries };
  /**
   * Per Firehose stream: bytes in its fullest buffer (a shard's, a partition's, or the stream's
   * one) at the end of each second: what a size flush compares with the buffer size hint.
   */
  firehoseFullestBufferBytes?: Record<string, number[]>;
  /**
   * Requests sent to the target (first sends and retries), for targets that send requests (the
   * `http` target); a request carries a batch of records, so records/s ÷ records per request.
   * Absent from the model's and the aws target's results; summed over workers.
   */
  requests?: number[];
  /**
   * Records the scenario's schedule put in each second (this worker's share): the target rate.
   * `offered` (records first sent that second) lags it when the target fell behind (every
   * connection busy: the records waited, and their put latency shows it). Present with `requests`.
   */
  scheduled?: number[];
}

export interface PercentileSeries {
  p50: number[];
  p99: number[];
}

/** Per-shard utilisation (the larger of bytes and records offered over the shard's limit). */
export interface ShardSeries {
  /** Seconds per point of `all`. */
  stepSeconds: number;
  /**
   * Every shard index that was open, at `stepSeconds` resolution: all[shard][point]; null where
   * the shard did not exist in any second of the point (before a reshard added it, after one
   * removed it). Results written before nulls were kept hold 0 there.
   */
  all: (number | null)[][];
  /** The hottest shards at `hottestStepSeconds` resolution (one second unless downsampled). */
  hottest: { shard: number; utilization: number[] }[];
  /**
   * Seconds per point of `hottest`, present when the run was long and wide enough that the
   * engine kept its per-shard rows at a coarser step to bound memory (each point the maximum of
   * its seconds: peaks are exact, their second within the step). Absent: one second.
   */
  hottestStepSeconds?: number;
}

export interface RunResult {
  version: typeof RESULT_VERSION;
  header: RunHeader;
  scenario: {
    name: string;
    seed: number;
    durationSeconds: number;
    tickSeconds: number;
    target: string;
    /**
     * `sha256:<hex>` of the resolved scenario, set by `shardcast run`: `compare` warns when two
     * results of one name ran different scenarios. Absent from results written before it was added.
     */
    hash?: string;
    /** The shard count the run started with when the scenario set none (the plan's recommended count). */
    shardsFromPlan?: number;
    /** The `--set PATH=VALUE` arguments the scenario was loaded with. */
    overrides?: string[];
  };
  counters: RunCounters;
  series: StreamSeries;
  shardSeries: ShardSeries;
  histograms: {
    putLatency: EncodedHistogram;
    e2eLatency: EncodedHistogram;
    consumerLag: EncodedHistogram;
    /** Per Firehose stream: time from a record entering the stream to its object being written. */
    firehoseDeliveryLatency: Record<string, EncodedHistogram>;
  };
  /** Flat metrics for gates (README, "Run metrics"); times in seconds. */
  metrics: Record<string, number>;
  /** What a real target adds: where it ran, what it measures, its own metrics, what it created. Absent for the model. */
  target?: TargetSection;
  /** Present when the run stopped early (a signal, `--abort-on-fail`): what it covers is partial. */
  aborted?: AbortedRun;
}

export interface TargetSection {
  name: string;
  /** Where it ran, for people: `endpoint`, `region`, `stream`, … */
  details: Record<string, string>;
  /** The run metrics it measures, as the Target's `measures` patterns; the others are not in `metrics`' meaning. */
  measures: string[];
  /** Its own metrics (`integrity.app.missing`, `requests.PutRecords.ok`), also in `metrics`. */
  metrics: Record<string, number>;
  /** One line per resource it created, kept or deleted (`created stream x`, `deleted stream x`). */
  resources: string[];
}

export interface AbortedRun {
  /** Why: `SIGINT`, `a gate failed beyond recovery: throttledRatio < 0.01`. */
  reason: string;
  /** Seconds of the run completed; the series cover these (`scenario.durationSeconds` is the same count). */
  secondsDone: number;
  /** Seconds the run was to last. Absent from results written before it was added. */
  durationSeconds?: number;
}
