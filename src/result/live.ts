/**
 * One second of a run as a target observed it: what a progress line and streaming gates read while
 * the run goes on, and what the `RunRecorder` appends to the result's per-second series. The
 * fields are the per-second series of `StreamSeries` (result/types.ts) at one index.
 */
export interface SecondSample {
  /** The second's index: it covers [second, second + 1) seconds from the run's start. */
  second: number;
  /** Records the producers offered (first attempts). */
  offered: number;
  acknowledged: number;
  /** Record attempts refused (ProvisionedThroughputExceeded), retries included. */
  throttled: number;
  retried: number;
  /** Records given up after their last attempt. */
  dropped: number;
  /** Bytes accepted (data and partition keys). */
  writeBytes: number;
  /** Kinesis records accepted (a KPL aggregate counts once). */
  writeRecords: number;
  /** Open shards. */
  shards: number;
  /** Per consumer application: its iterator age (seconds) at the end of the second, the oldest over shards. */
  consumerLagSeconds: Record<string, number>;
  /** Per consumer application: records processed. */
  delivered: Record<string, number>;
  /** Per Firehose stream: objects written. */
  firehoseObjects: Record<string, number>;
  /** p50 and p99 (seconds) of the put latency of records acknowledged this second, and of the end-to-end latency of records processed; 0 without records. */
  latency: { put: { p50: number; p99: number }; e2e: { p50: number; p99: number } };
  /** The hottest shard's utilisation this second (the larger of bytes and records over the shard's limit); absent when the target cannot see shards. */
  maxShardUtilization?: number;
}
