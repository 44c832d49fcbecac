/**
 * Every shard's write load at one shard count, with the producers' keys placed as Kinesis hashes
 * them: what the hot-key search and the plan's readers work from.
 */
import type { PlacedKeys } from '../keys/placement.js';
import { sharesOnEvenShards } from '../keys/placement.js';
import type { KeyModel } from './hot-keys.js';
import type { Traffic } from './types.js';

/** A producer writing to the stream at the planning instant, with its keys placed. */
export interface ProducerLoad {
  name: string;
  placed: PlacedKeys;
  /** Kinesis records, write bytes and user records per second of the whole producer. */
  records: number;
  bytes: number;
  userRecords: number;
}

export interface ShardLoads {
  shardCount: number;
  /** Per shard at the planning instant, offered (before any throttling): Kinesis records, write bytes, user records per second. */
  records: Float64Array;
  bytes: Float64Array;
  userRecords: Float64Array;
  /** The stream's user records per second (Σ userRecords, without its floating-point dust). */
  totalUserRecordsPerSecond: number;
}

/** The producers that write to the stream, with their rates at the planning instant and placed keys. */
export function producerLoads(traffic: Traffic, keyModels: ReadonlyMap<string, KeyModel>): ProducerLoad[] {
  return traffic.producers
    .filter((p) => p.destination === 'stream' && keyModels.has(p.name))
    .map((p) => ({
      name: p.name,
      placed: keyModels.get(p.name)!.placed,
      records: p.kinesisRecordsPerSecond,
      bytes: p.writeBytesPerSecond,
      userRecords: p.recordsPerSecond,
    }));
}

/** Each of `n` even shards' load: Σ over the producers of their rates × the shard's share of their keys. */
export function shardLoadsOf(
  producers: readonly ProducerLoad[],
  n: number,
  totalUserRecordsPerSecond: number,
): ShardLoads {
  const records = new Float64Array(n);
  const bytes = new Float64Array(n);
  const userRecords = new Float64Array(n);
  const shares = new Float64Array(n);
  for (const p of producers) {
    sharesOnEvenShards(p.placed, n, shares);
    for (let s = 0; s < n; s++) {
      records[s]! += p.records * shares[s]!;
      bytes[s]! += p.bytes * shares[s]!;
      userRecords[s]! += p.userRecords * shares[s]!;
    }
  }
  return { shardCount: n, records, bytes, userRecords, totalUserRecordsPerSecond };
}

/** Each of `n` even shards' load for the scenario's traffic. */
export function shardLoads(
  traffic: Traffic,
  keyModels: ReadonlyMap<string, KeyModel>,
  n: number,
): ShardLoads {
  return shardLoadsOf(producerLoads(traffic, keyModels), n, traffic.userRecordsPerSecond);
}
