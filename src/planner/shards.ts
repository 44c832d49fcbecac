/**
 * Shards needed by write bytes, write records and polling reads at the planning instant, with
 * headroom (docs/aws-facts.md, KDS 1: 1 MiB/s and 1,000 records/s written, 2 MiB/s and 5 GetRecords
 * calls/s read per shard).
 */
import { FIREHOSE, KINESIS } from '../aws/facts.js';
import type { Scenario } from '../scenario/schema.js';
import { pollingReaderCount } from './traffic.js';
import type { Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;

/** ceil that forgives floating-point dust: 3.0000000000004 shards is 3. */
export function ceilShards(x: number): number {
  return Math.max(1, Math.ceil(x - 1e-9));
}

export interface ShardCounts {
  byWriteBytes: number;
  byWriteRecords: number;
  byRead: number;
  required: number;
}

/** Shards each limit needs for `traffic` × (1 + headroom). */
export function shardCounts(traffic: Traffic, pollingReaders: number): ShardCounts {
  const h = 1 + traffic.headroom;
  const byWriteBytes = ceilShards((traffic.writeBytesPerSecond * h) / WRITE_BYTES);
  const byWriteRecords = ceilShards((traffic.writeRecordsPerSecond * h) / WRITE_RECORDS);
  // Every polling reader reads everything written: readers × write bytes against 2 MiB/s per shard.
  const byRead = ceilShards((pollingReaders * traffic.writeBytesPerSecond * h) / READ_BYTES);
  return { byWriteBytes, byWriteRecords, byRead, required: Math.max(byWriteBytes, byWriteRecords, byRead) };
}

/** GetRecords calls per second on each shard: every polling application and stream-sourced Firehose. */
export function getRecordsCallsPerShard(scenario: Scenario): number {
  let calls = 0;
  for (const c of scenario.consumers) if (c.type === 'polling') calls += 1 / Math.max(c.pollInterval, 1e-3);
  calls +=
    scenario.firehose.filter((f) => f.source === 'stream').length * FIREHOSE.streamSourcePollsPerSecond.value;
  return calls;
}

export { pollingReaderCount };
