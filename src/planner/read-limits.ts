/**
 * What a shard's readers let it carry: the write bytes and Kinesis records per second one shard can
 * take while every reader still reads all of it (docs/aws-facts.md, KDS 1 and 3: 2 MiB/s and 5
 * GetRecords calls/s per shard, shared by every polling reader; at most 10,000 records a call;
 * 2 MiB/s per shard for each enhanced fan-out consumer).
 *
 * Polling readers are the polling applications and every stream-sourced Firehose (one GetRecords
 * a second per shard, FH23). Each gets an equal share of the shard's 2 MiB/s, and takes at most
 * (its calls per second) × (its records per call) records a second; GetRecords returns Kinesis
 * records, so an aggregated record counts once.
 */
import { getRecordsCallRates } from '../aws/behaviour.js';
import { FIREHOSE, KINESIS } from '../aws/facts.js';
import type { Scenario } from '../scenario/schema.js';

const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const CALL_MAX_RECORDS = KINESIS.getRecordsMaxRecords.value;
const CALL_MAX_BYTES = KINESIS.getRecordsMaxBytes.value;
const EFO_BYTES = KINESIS.efoBytesPerSecondPerConsumer.value;

/** One application (or Firehose stream) reading every shard. */
export interface ShardReader {
  name: string;
  type: 'polling' | 'enhanced-fan-out' | 'firehose';
  /** GetRecords calls per second it gets on a shard, after the shard's 5 calls/s are shared (polling). */
  callsPerSecond: number;
  /** Records one GetRecords call returns at most (its `Limit`, at most 10,000). */
  maxRecordsPerCall: number;
  /**
   * Write bytes per second it can read from one shard: a polling reader's share of the shard's
   * 2 MiB/s, and no more than 10 MiB a call × its calls (a reader polling every 200 s reads at most
   * 10 MiB ÷ 200 s = 51 KiB/s); an enhanced fan-out consumer's own 2 MiB/s.
   */
  bytesPerSecond: number;
}

/** The most one shard can carry with every reader keeping up. */
export interface ShardReadLimits {
  /** Write bytes per second: each polling reader's share of 2 MiB/s, or an EFO consumer's 2 MiB/s. */
  bytesPerSecond: number;
  /** Kinesis records per second: the slowest polling reader's calls/s × records per call. */
  recordsPerSecond: number;
}

/**
 * The readers of a scenario's stream with the GetRecords calls each gets on a shard. When the
 * polling readers ask for more than 5 calls/s a shard, they share them max-min fairly
 * (`getRecordsCallRates`): a reader that rarely calls keeps its calls. More shards do not change it.
 */
export function shardReaders(scenario: Scenario): ShardReader[] {
  const readers: ShardReader[] = [
    ...scenario.consumers.map(
      (c): ShardReader =>
        c.type === 'polling'
          ? {
              name: c.name,
              type: 'polling',
              callsPerSecond: 1 / Math.max(c.pollInterval, 1e-3),
              maxRecordsPerCall: c.maxRecordsPerCall,
              bytesPerSecond: READ_BYTES, // set below, with the calls it gets
            }
          : {
              name: c.name,
              type: 'enhanced-fan-out',
              callsPerSecond: 0,
              maxRecordsPerCall: CALL_MAX_RECORDS,
              bytesPerSecond: EFO_BYTES,
            },
    ),
    ...scenario.firehose
      .filter((f) => f.source === 'stream')
      .map(
        (f): ShardReader => ({
          name: `firehose:${f.name}`,
          type: 'firehose',
          callsPerSecond: FIREHOSE.streamSourcePollsPerSecond.value,
          maxRecordsPerCall: CALL_MAX_RECORDS,
          bytesPerSecond: READ_BYTES, // set below, with the calls it gets
        }),
      ),
  ];
  const polling = readers.filter((r) => r.type !== 'enhanced-fan-out');
  const rates = getRecordsCallRates(
    polling.map((r) => r.callsPerSecond),
    CALLS_PER_SHARD,
  );
  polling.forEach((r, i) => {
    r.callsPerSecond = rates[i]!;
    r.bytesPerSecond = Math.min(READ_BYTES / polling.length, r.callsPerSecond * CALL_MAX_BYTES);
  });
  return readers;
}

/** The per-shard write rates the readers can keep up with (infinite when nothing reads). */
export function shardReadLimits(readers: readonly ShardReader[]): ShardReadLimits {
  const polling = readers.filter((r) => r.type !== 'enhanced-fan-out');
  let bytesPerSecond = Number.POSITIVE_INFINITY;
  for (const r of readers) bytesPerSecond = Math.min(bytesPerSecond, r.bytesPerSecond);
  let recordsPerSecond = Number.POSITIVE_INFINITY;
  for (const r of polling) {
    recordsPerSecond = Math.min(
      recordsPerSecond,
      r.callsPerSecond * Math.min(r.maxRecordsPerCall, CALL_MAX_RECORDS),
    );
  }
  return { bytesPerSecond, recordsPerSecond };
}
