/**
 * The Plan: what the analytical planner concludes about a scenario. Plain data, versioned, written
 * next to run results and read by gates and reports. Quantities are in base units: seconds, bytes,
 * records, USD; rates per second; costs per 730-hour month.
 */

import type { Finding } from './findings.js';

/**
 * 2: consumers carry `lag` and `lagAtRecommended`, Firehose streams `shardCount`, `countIs` and
 * `atRecommended` (a report of a version-1 plan would have none of them to show).
 * 3: `findings` (code, severity, figures) replace the `warnings` and `recommendations` strings, and
 * a Firehose stream's `findings` its `warnings` (a report of a version-2 plan has none to show);
 * also new in 3: `shards.sizedByPlan`, `cost.chosen` and `cost.monthlyTotal`, `profile` (what a
 * plan-only report charts) and `scenario.overrides` (the `--set` arguments planned with).
 */
export const PLAN_VERSION = 3;

/** Traffic of one producer at the planning instant and on average. */
export interface ProducerTraffic {
  name: string;
  /** `stream` or the name of a direct-put Firehose stream. */
  destination: string;
  meanDataBytes: number;
  meanKeyBytes: number;
  maxRecordBytes: number;
  /** User records per second at the planning instant (the stream's peak). */
  recordsPerSecond: number;
  /** The producer's own peak, which may come at another time. */
  ownPeakRecordsPerSecond: number;
  averageRecordsPerSecond: number;
  /** Bytes written per second at the planning instant: data and partition keys (after aggregation when on). */
  writeBytesPerSecond: number;
  /** Kinesis records per second at the planning instant (after aggregation when on). */
  kinesisRecordsPerSecond: number;
  aggregation: {
    enabled: boolean;
    /** User records packed into one Kinesis record (1 without aggregation). */
    userRecordsPerKinesisRecord: number;
    kinesisRecordBytes: number;
  };
  /** Share of records above 1 MiB (drawing on the large-record burst bucket). */
  largeRecordShare: number;
}

export interface Traffic {
  /** Seconds from the start at which the stream needs the most shards. */
  peakAt: number;
  producers: ProducerTraffic[];
  /** Stream totals at the planning instant. */
  writeBytesPerSecond: number;
  writeRecordsPerSecond: number;
  userRecordsPerSecond: number;
  /** Data bytes per second (no keys), what consumers and Firehose receive. */
  dataBytesPerSecond: number;
  /** Time averages over the scenario, used for monthly costs. */
  average: {
    writeBytesPerSecond: number;
    writeRecordsPerSecond: number;
    userRecordsPerSecond: number;
    dataBytesPerSecond: number;
  };
  headroom: number;
}

/**
 * Which count a figure is planned at: the configured count the run starts with, the count the
 * scenario's reshard events reach by the planning instant, or the recommended count.
 */
export type RunShardCount = 'configured' | 'after reshards' | 'recommended';

export type ShardConstraint = 'writeBytes' | 'writeRecords' | 'read' | 'hotShard' | 'configured';

export interface ShardPlan {
  configured: number | null;
  /**
   * A provisioned stream whose scenario sets no `stream.shards`: the plan sizes it, and a run
   * starts at `recommended` (its reshard events, if any, apply from there).
   */
  sizedByPlan: boolean;
  byWriteBytes: number;
  byWriteRecords: number;
  byRead: number;
  /** max(byWriteBytes, byWriteRecords, byRead). */
  required: number;
  /** The smallest count ≥ required at which every shard keeps its headroom, leaving out keys no count can give it (salt those). */
  recommended: number;
  binding: ShardConstraint;
  /** Without and with KPL aggregation, whichever the scenario uses. */
  aggregation: {
    enabled: boolean;
    requiredWithout: number;
    requiredWith: number;
    byWriteRecordsWithout: number;
    byWriteRecordsWith: number;
  };
  /** Polling readers per shard (applications plus Firehose streams reading the stream). */
  pollingReaders: number;
  getRecordsCallsPerShardPerSecond: number;
  /** True when the polling readers call GetRecords more than 5 times a second per shard: more shards don't help. */
  getRecordsOverLimit: boolean;
  /** Average utilisation of a shard's write limits at the configured count (max of bytes, records). */
  configuredUtilization: number | null;
}

export interface HotKey {
  producer: string;
  key: string;
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** max(records/1,000, bytes/1 MiB) of one shard at peak (without headroom). */
  shardUtilization: number;
  /** True when this key alone exceeds one shard's write limit: no shard count fixes it. */
  overShardLimit: boolean;
  /** Suffixes to spread the key over (key#0 … key#n−1) so each part fits a shard with headroom. */
  saltingFactor: number;
  shardAtConfigured: number | null;
  shardAtRecommended: number;
}

export interface HotShard {
  shardCount: number;
  shard: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** max(records/limit, bytes/limit) at peak, without headroom; above 1 means it throttles. */
  utilization: number;
  /** The average shard's utilisation at the same count, for comparison. */
  averageUtilization: number;
  /**
   * The hottest shard's utilisation with the keys no shard count can carry salted as the plan
   * advises (key `k` salted ×f becomes `k#0` … `k#(f−1)`, each with 1/f of its load).
   */
  utilizationWithoutOversizedKeys: number;
  /** The shard with that utilisation. */
  shardAfterSalting: number;
}

export interface HotKeyPlan {
  method: 'exact' | 'analytical' | 'none';
  /** The 20 heaviest keys, and every key that needs salting to have headroom. */
  keys: HotKey[];
  maxKeyRecordsPerSecond: number;
  maxKeyBytesPerSecond: number;
  keysOverShardLimit: number;
  atConfigured: HotShard | null;
  atRequired: HotShard;
  atRecommended: HotShard;
  /**
   * The smallest count at which the hottest shard fits, with keys no count can fix salted as
   * advised; 10,000 (the most UpdateShardCount reaches) when no count up to it fits.
   */
  smallestFittingShardCount: number;
  /** False when even `smallestFittingShardCount` leaves a shard over its limit with headroom. */
  fits: boolean;
  /** True when that count had to go beyond what the average load needs. */
  raisedByHotShard: boolean;
  /**
   * True when the count also keeps every shard within what its readers take (each polling reader's
   * share of 2 MiB/s and its GetRecords calls × records per call; 2 MiB/s per enhanced fan-out
   * consumer). False when no count can (a key alone, or the average shard at 10,000, is beyond
   * them): the consumer findings say so (`consumer-read-short`).
   */
  readLimitsApplied: boolean;
  /** True when the readers' limits raised the count above what the write limits need. */
  raisedByReads: boolean;
  /**
   * Set when a distribution has more keys than are hashed one by one: the hottest shard is then
   * estimated (the heaviest keys hashed, the rest by a normal model of where they hash).
   */
  estimate: {
    /** Keys hashed one by one (the most of any producer). */
    hashedKeys: number;
    /** How far the 5% and 95% quantiles of the estimate lie from it at the recommended count, relatively. */
    relativeError: number;
  } | null;
}

export interface ConsumerPlan {
  name: string;
  type: 'polling' | 'enhanced-fan-out' | 'firehose';
  instances: number;
  /** Read throughput per shard available to this application. */
  readBytesPerSecondPerShard: number;
  /** Bytes per second per shard it must read at peak (the hottest shard's write bytes). */
  demandBytesPerSecondPerShard: number;
  propagationDelaySeconds: number;
  /** Interval between GetRecords calls per shard it asks for (polling; Firehose calls every second). */
  pollIntervalSeconds: number | null;
  /** Effective interval between GetRecords calls per shard (polling), after its max-min fair share of the 5 calls/s. */
  effectivePollIntervalSeconds: number | null;
  /** Kinesis records per second per shard its calls can return: effective calls/s × records a call (null: enhanced fan-out, no such cap). */
  readRecordsPerSecondPerShard: number | null;
  /** Records per second it can process (instances × processingRate), null if unbounded. */
  processingRecordsPerSecond: number | null;
  /** User records per second its lag grows by at peak at the count the run uses (`lag.shardCount`); 0 when it keeps up. */
  lagGrowthRecordsPerSecond: number;
  /** Lag growth at the count the run uses: the configured count (provisioned), else the recommended one. */
  lag: ConsumerLag;
  /** The same at the recommended count, when the run uses the configured one (provisioned streams). */
  lagAtRecommended: ConsumerLag | null;
  monthlyCost: { provisioned: number; onDemand: number; onDemandAdvantage: number };
  recommendation: string;
}

/**
 * What holds a consumer back on a shard: its share of the shard's 2 MiB/s read bytes, the records
 * its GetRecords calls return (calls × records a call, calls at the rate it asks for), the same
 * with its calls cut by the shard's 5 calls/s shared with other readers, or its processing rate.
 */
export type LagCap = 'readBytes' | 'recordsPerCall' | 'getRecordsCalls' | 'processing';

export interface ConsumerLag {
  shardCount: number;
  /** How the count was chosen: the one the run uses (configured) or the plan's recommendation. */
  countIs: RunShardCount;
  /** User records per second the backlog grows by at peak, summed over the shards that fall behind. */
  recordsPerSecond: number;
  /** Shards on which the backlog grows (every shard when processing binds). */
  shardsBehind: number;
  /** The cap that holds it back most (the largest lag by itself), null when it keeps up. */
  binding: LagCap | null;
  /** Lag growth each cap would cause by itself (records/s). */
  byCap: Record<LagCap, number>;
}

export interface FanOutPlan {
  consumers: ConsumerPlan[];
  /** Polling applications a shard can feed at the recommended count before reads need more shards. */
  pollingAppsBeforeReadBinds: number;
  /** Monthly cost of one enhanced fan-out consumer at the recommended count (provisioned). */
  efoConsumerMonthlyCost: number;
  /** Monthly cost of the extra shards one more polling application would need, if any (provisioned). */
  extraPollingAppMonthlyCost: number;
  crossover: string;
}

/** A Firehose stream's buffers, flushes and objects at peak: at one shard count for a stream source. */
export interface FirehoseBufferFigures {
  /** Buffers filled in parallel: shards (stream source), dynamic partitions, or 1. */
  buffers: number;
  /** What triggers a flush at peak: the size hint or the interval. */
  flushTrigger: 'size' | 'interval';
  flushIntervalSeconds: number;
  /** Bytes of one delivered object (after compression). */
  objectBytes: number;
  objectsPerHour: number;
  objectsPerHourPerBuffer: number;
  meanDeliveryLatencySeconds: number;
  maxDeliveryLatencySeconds: number;
}

export interface FirehosePlan extends FirehoseBufferFigures {
  name: string;
  source: 'stream' | 'direct-put';
  destination: string;
  bufferSizeBytes: number;
  bufferIntervalSeconds: number;
  bufferScope: 'shard' | 'partition' | 'stream';
  /** Data bytes and records per second at peak: the stream's planning instant (stream source) or the Firehose stream's own peak (Direct PUT). */
  inputBytesPerSecond: number;
  inputRecordsPerSecond: number;
  /**
   * Shards whose buffers these figures are for (stream source without dynamic partitions: hints
   * apply per shard): the count the run uses, configured when set. Null when the buffers do not
   * depend on the shard count.
   */
  shardCount: number | null;
  countIs: RunShardCount | null;
  /** The per-shard figures again at the recommended count, when the run uses the configured one (provisioned). */
  atRecommended: FirehoseAtShards | null;
  /** Direct PUT only: the largest of records, requests and bytes as a fraction of the quota. */
  directPutQuotaUtilization: number | null;
  s3PutRequestsPerObject: number;
  monthly: {
    ingestion: number;
    formatConversion: number;
    dynamicPartitioning: number;
    s3Requests: number;
    total: number;
    objects: number;
    billedGb: number;
  };
  /** Quota, object size and upload findings for this stream (also in the Plan's `findings`). */
  findings: Finding[];
}

/** A stream-sourced Firehose stream's per-shard figures at one shard count. */
export interface FirehoseAtShards extends FirehoseBufferFigures {
  shardCount: number;
  monthlyTotal: number;
}

export interface ReshardStep {
  /** Seconds from the start, or null for configured → recommended. */
  at: number | null;
  from: number;
  to: number;
  /** The counts after each UpdateShardCount call. */
  calls: number[];
  updateShardCountCalls: number;
  /** Rolling 24-hour windows needed for the calls (10 calls per window). */
  days: number;
  splits: number;
  merges: number;
  shardOperations: number;
  durationSeconds: number;
  /** True when the new capacity is needed before the reshard can finish. */
  completesAfterNeed: boolean;
  /** When traffic first needs more than `from` shards (no headroom), if before the reshard completes. */
  neededFrom?: number;
  /**
   * For a scale-down: when traffic (no headroom) first needs more than `to` shards after the
   * reshard completes, before the next event or the end of the run.
   */
  tooFewFrom?: number;
}

/**
 * A shard count at or above the recommended one and how soon the configured count reshards to it
 * (by the fastest UpdateShardCount route). Listed only if it reshards sooner than every smaller
 * count listed: more shards, sooner.
 */
export interface FriendlyShardCount {
  shards: number;
  /** The counts after each UpdateShardCount call from the configured count. */
  calls: number[];
  shardOperations: number;
  durationSeconds: number;
  /** Provisioned monthly cost at this count minus that at the recommended count (USD). */
  monthlyCostDelta: number;
}

export interface OnDemandPlan {
  /** Write capacity available without scaling: max(4 MiB/s, 2 × previous peak) and records likewise. */
  capacityBytesPerSecond: number;
  capacityRecordsPerSecond: number;
  peakBytesPerSecond: number;
  peakRecordsPerSecond: number;
  /** Seconds the traffic spends above the capacity while the stream scales (≤ 15 min per excursion). */
  throttledSeconds: number;
  /** Share of the run's records offered while above capacity that are over it. */
  throttledRecordShare: number;
  /** Hot keys above 1 MiB/s or 1,000 records/s throttle on-demand too (counted in the throttled figures). */
  keysOverShardLimit: number;
  /** Whether the scenario gave the previous 30-day peak (else a new stream's capacity applies). */
  previousPeakGiven: boolean;
}

export interface CostLine {
  item: string;
  usd: number;
  detail: string;
}

export interface CostOption {
  option: 'provisioned' | 'onDemand' | 'onDemandAdvantage';
  label: string;
  /** Stream cost per 730-hour month at the scenario's average traffic. */
  monthly: number;
  /** The same if the planning instant's rate held all month. */
  monthlyAtPeak: number;
  lines: CostLine[];
  notes: string[];
}

export interface CostPlan {
  options: CostOption[];
  firehoseMonthly: number;
  /** The option the scenario runs under (its `stream.mode`; Advantage when `onDemand.advantage`). */
  chosen: CostOption['option'];
  /** The chosen option's stream cost (enhanced fan-out included) plus every Firehose stream, per month. */
  monthlyTotal: number;
  /**
   * The same total at the count the scenario configures: a provisioned stream priced at
   * `stream.shards` (the recommended count when it has none), Firehose at that count too; on-demand,
   * `monthlyTotal`. What a search over shard counts compares (absent from plans made before it).
   */
  monthlyConfigured?: number;
  cheapest: CostOption['option'];
  /** Prices used that are not confirmed from an AWS source. */
  unconfirmedPrices: string[];
}

export interface Plan {
  version: typeof PLAN_VERSION;
  scenario: {
    name: string;
    description?: string;
    region: string;
    mode: 'provisioned' | 'on-demand';
    durationSeconds: number;
    /** The `--set PATH=VALUE` arguments the scenario was loaded with (set by the CLI). */
    overrides?: string[];
  };
  traffic: Traffic;
  shards: ShardPlan;
  hotKeys: HotKeyPlan;
  fanOut: FanOutPlan;
  firehose: FirehosePlan[];
  reshard: {
    steps: ReshardStep[];
    toRecommended: ReshardStep | null;
    /**
     * Provisioned with a configured count: the recommended count first, then each larger count (up
     * to 2× recommended) that reshards from the configured count sooner than every smaller one.
     * Empty otherwise.
     */
    friendlyCounts: FriendlyShardCount[];
  };
  onDemand: OnDemandPlan | null;
  cost: CostPlan;
  /** The constraint that sets the shard count, in words. */
  binding: string;
  /**
   * What is wrong or worth changing, as data: code, severity (`error`: the scenario as configured
   * throttles, loses or delays records; `warning`; `info`: advice) and figures. `findingText`
   * words them.
   */
  findings: Finding[];
  /** Flat metrics for gates, in base units. */
  metrics: Record<string, number>;
  /** What the report charts without a run (`planScenario` always sets it; hand-built plans may omit it). */
  profile?: PlanProfile;
}

/**
 * The stream's demand over the scenario's time and its per-shard load, for the plan-only report's
 * charts; bounded in size (src/planner/profile.ts).
 */
export interface PlanProfile {
  /** Seconds from the start: each point the start of a bucket of equal length. */
  t: number[];
  /**
   * Per point, the largest demand in its bucket in shards' worth, without headroom and not
   * rounded up: max(write bytes ÷ 1 MiB/s, Kinesis records ÷ 1,000/s, polling readers × bytes ÷ 2 MiB/s).
   */
  demandShards: number[];
  /**
   * The count in force from each `at` on: the configured count, then each UpdateShardCount call's
   * count when it completes. Null without a configured count (on-demand, or none given).
   */
  shardsInForce: { at: number; shards: number }[] | null;
  /** Per-shard load at the planning instant at the configured, after-reshards and recommended counts (those that differ). */
  shardLoads: PlanShardLoads[];
}

export interface PlanShardLoads {
  shardCount: number;
  countIs: RunShardCount;
  /** Consecutive shards per value of `utilization` (1 up to 128 shards). */
  groupSize: number;
  /** Per group, its hottest shard's max(records ÷ 1,000, bytes ÷ 1 MiB) per second at the planning instant, without headroom. */
  utilization: number[];
  /** Keys salted as the plan advises before these loads were taken (the recommended count's); absent when none. */
  saltedKeys?: number;
}
