/**
 * Every shard's write load at one shard count, with the producers' keys placed as Kinesis hashes
 * them (the same placement the hot-key plan searches with): what readers have to read from each.
 */
import { sharesOnEvenShards } from '../keys/placement.js';
import type { KeyModel } from './hot-keys.js';
import type { Traffic } from './types.js';

export interface ShardLoads {
  shardCount: number;
  /** Per shard at the planning instant, offered (before any throttling): Kinesis records, write bytes, user records per second. */
  records: Float64Array;
  bytes: Float64Array;
  userRecords: Float64Array;
  /** The stream's user records per second (Σ userRecords, without its floating-point dust). */
  totalUserRecordsPerSecond: number;
}

/** Each of `n` even shards' load: Σ over the stream's producers of their rates × the shard's share of their keys. */
export function shardLoads(
  traffic: Traffic,
  keyModels: ReadonlyMap<string, KeyModel>,
  n: number,
): ShardLoads {
  const records = new Float64Array(n);
  const bytes = new Float64Array(n);
  const userRecords = new Float64Array(n);
  const shares = new Float64Array(n);
  for (const p of traffic.producers) {
    if (p.destination !== 'stream') continue;
    const model = keyModels.get(p.name);
    if (model === undefined) continue;
    sharesOnEvenShards(model.placed, n, shares);
    for (let s = 0; s < n; s++) {
      records[s]! += p.kinesisRecordsPerSecond * shares[s]!;
      bytes[s]! += p.writeBytesPerSecond * shares[s]!;
      userRecords[s]! += p.recordsPerSecond * shares[s]!;
    }
  }
  return {
    shardCount: n,
    records,
    bytes,
    userRecords,
    totalUserRecordsPerSecond: traffic.userRecordsPerSecond,
  };
}
