/**
 * Service behaviours both the planner and the engine model use (they never import each other):
 * on-demand capacity, polling propagation delay, how the KPL packs records, PutRecords batching
 * and how a shard's GetRecords calls are shared. Each follows docs/aws-facts.md, cited per function.
 * Resharding (UpdateShardCount routes and their timing) is in `reshard.ts`.
 */
import {
  aggregatedRecordStats,
  KPL_AGGREGATE_PARTITION_KEY,
  KPL_FIXED_OVERHEAD_BYTES,
} from './aggregation.js';
import { KINESIS } from './facts.js';

export interface OnDemandCapacityInput {
  previousPeakBytesPerSecond?: number | undefined;
  previousPeakRecordsPerSecond?: number | undefined;
}

/** On-demand write capacity available at once: max(a new stream's 4 MiB/s and 4,000 records/s, 2 × the previous peak) (FAQ, SIZE). */
export function onDemandInitialCapacity(input: OnDemandCapacityInput): {
  bytesPerSecond: number;
  recordsPerSecond: number;
} {
  const multiple = KINESIS.onDemandPeakMultiple.value;
  return {
    bytesPerSecond: Math.max(
      KINESIS.onDemandInitialWriteBytesPerSecond.value,
      multiple * (input.previousPeakBytesPerSecond ?? 0),
    ),
    recordsPerSecond: Math.max(
      KINESIS.onDemandInitialWriteRecordsPerSecond.value,
      multiple * (input.previousPeakRecordsPerSecond ?? 0),
    ),
  };
}

/**
 * Average propagation delay of polling readers: ~200 ms with one reader, ~1 s with five (KDS22),
 * a straight line through both (0.2 s × readers), and never less than half the poll interval,
 * the average wait for the next call.
 */
export function pollingPropagationSeconds(readers: number, pollIntervalSeconds: number): number {
  const one = KINESIS.pollingPropagationOneConsumerSeconds.value;
  const five = KINESIS.pollingPropagationFiveConsumersSeconds.value;
  const documented = one + ((five - one) / 4) * (Math.max(1, readers) - 1);
  return Math.max(documented, pollIntervalSeconds / 2);
}

export interface KplPackingInput {
  enabled: boolean;
  /** Largest aggregated record (aggregation.maxBytes). */
  maxBytes: number;
  meanDataBytes: number;
  meanKeyBytes: number;
  userRecordsPerSecond: number;
  lingerSeconds: number;
  instances: number;
  shardCount: number;
}

/**
 * How the KPL packs a producer's records: user records per Kinesis record and that record's
 * bytes (data and partition key). It aggregates records bound for one shard within one producer
 * process and sends what it has after the linger time, so an aggregate holds at most
 * rate × linger ÷ (instances × shards) user records, and at most what fits `maxBytes`.
 */
export function kplPacking(input: KplPackingInput): {
  userRecordsPerKinesisRecord: number;
  kinesisRecordBytes: number;
} {
  const plain = {
    userRecordsPerKinesisRecord: 1,
    kinesisRecordBytes: input.meanDataBytes + input.meanKeyBytes,
  };
  if (!input.enabled) return plain;
  const stats = aggregatedRecordStats(input.meanDataBytes, input.meanKeyBytes, input.maxBytes);
  const available =
    (input.userRecordsPerSecond * input.lingerSeconds) / (input.instances * Math.max(1, input.shardCount));
  const perRecord = Math.max(1, Math.min(stats.userRecordsPerAggregate, available));
  if (perRecord <= 1) return plain;
  // A partly filled aggregate carries the same header, MD5 and key as a full one.
  const fixed = KPL_FIXED_OVERHEAD_BYTES + KPL_AGGREGATE_PARTITION_KEY.length;
  const perUser = (stats.kinesisRecordBytes - fixed) / stats.userRecordsPerAggregate;
  return { userRecordsPerKinesisRecord: perRecord, kinesisRecordBytes: fixed + perRecord * perUser };
}

export interface Batching {
  /** Records per request the producer allows. */
  maxRecords: number;
  /** Bytes per request the producer allows. */
  maxBytes: number;
  /** How long a batch may wait to fill; 0 sends every record at once. */
  linger: number;
}

/**
 * PutRecords (or PutRecordBatch) requests per second for `recordsPerSecond` records of
 * `recordBytes` from `instances` processes: a batch leaves when it is full (the producer's and the
 * API's record and byte limits) or after the linger time, whichever comes first, so each process
 * sends at least one request per linger time while it has records.
 */
export function putRequestsPerSecond(
  batching: Batching,
  instances: number,
  recordsPerSecond: number,
  recordBytes: number,
  api: { maxRecords: number; maxBytes: number },
): number {
  if (recordsPerSecond <= 0) return 0;
  if (batching.linger <= 0) return recordsPerSecond;
  const maxBytes = Math.min(batching.maxBytes, api.maxBytes);
  const perBatch = Math.max(
    1,
    Math.min(batching.maxRecords, api.maxRecords, Math.floor(maxBytes / Math.max(1, recordBytes))),
  );
  return Math.min(recordsPerSecond, Math.max(recordsPerSecond / perBatch, instances / batching.linger));
}

/**
 * Each polling reader's GetRecords calls per second on one shard when together they want more
 * than the shard's 5 (KDS 1): a max-min fair share. Readers that want no more than an equal share
 * get what they want; the others split what is left equally, again and again. Why not scale every
 * reader by 5 ÷ Σ wanted: a throttled call (ProvisionedThroughputExceededException) is retried a
 * moment later, so a reader calling often loses calls in proportion to how often it calls, while a
 * reader calling once every 200 s almost never meets a throttle and keeps its one call. Readers
 * wanting 10 and 0.005 calls/s get 4.995 and 0.005 (not 4.9975 and 0.0025, a 400-s interval).
 * Σ result = min(limit, Σ wanted); no reader gets more than it wants.
 */
export function getRecordsCallRates(
  desiredCallsPerSecond: readonly number[],
  limit: number = KINESIS.getRecordsPerSecondPerShard.value,
): number[] {
  const wanted = desiredCallsPerSecond.map((d) => (d > 0 ? d : 0)); // NaN and negatives want nothing
  const order = wanted
    .map((_, i) => i)
    .sort((a, b) => (wanted[a]! < wanted[b]! ? -1 : wanted[a]! > wanted[b]! ? 1 : 0));
  const rates = new Array<number>(wanted.length).fill(0);
  let left = Math.max(0, limit);
  order.forEach((i, k) => {
    // The least demanding reader not yet served takes what it wants, or an equal share of what is left.
    const give = Math.min(wanted[i]!, left / (order.length - k));
    rates[i] = give;
    left -= give;
  });
  return rates;
}
