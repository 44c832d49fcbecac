/**
 * What a plan-only report draws: the stream's demand over the scenario's time against the shards in
 * force, and each shard's load at the counts the plan names. Bounded in size whatever the scenario:
 * at most `PROFILE_POINTS` points in time and `SHARD_LOAD_GROUPS` values per count (a 10,000-shard
 * plan carries 128 values a count, not 10,000).
 */

import { KINESIS } from '../aws/facts.js';
import { round6 } from '../numbers.js';
import { rateAt } from '../scenario/profiles.js';
import type { Scenario } from '../scenario/schema.js';
import type { ShardLoads } from './shard-loads.js';
import type { PlanProfile, PlanShardLoads, RunShardCount, Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;

/** Points in time of the demand series, at most. */
export const PROFILE_POINTS = 400;
/** Values per count of the per-shard loads, at most: more shards are grouped (the group's hottest). */
export const SHARD_LOAD_GROUPS = 128;

/**
 * Shards' worth of load at time `t`, without headroom (not rounded up): the larger of write bytes
 * over 1 MiB/s, Kinesis records (after aggregation, packed as at the planning instant) over
 * 1,000/s, and what the polling readers read (each reads every byte) over 2 MiB/s.
 */
export function shardDemandFunction(
  scenario: Scenario,
  traffic: Traffic,
  pollingReaders: number,
): (t: number) => number {
  const producers = scenario.producers.map((p, i) => ({ producer: p, traffic: traffic.producers[i]! }));
  return (t) => {
    let bytes = 0;
    let records = 0;
    for (const { producer, traffic: pt } of producers) {
      if (producer.destination !== 'stream') continue;
      const r = rateAt(producer.rate, t, pt.meanDataBytes);
      const kinesis = r / pt.aggregation.userRecordsPerKinesisRecord;
      records += kinesis;
      bytes += kinesis * pt.aggregation.kinesisRecordBytes;
    }
    return Math.max(bytes / WRITE_BYTES, records / WRITE_RECORDS, (pollingReaders * bytes) / READ_BYTES);
  };
}

/**
 * `demandAt` over `times` (the planner's sample times: every breakpoint and a grid), in at most
 * `points` buckets of equal length, each the largest demand sampled in it, so that a one-second
 * spike of a trace stays as high on the chart as the planner saw it. A bucket without a sample
 * (times sparser than buckets) is left out.
 */
export function demandSeries(
  demandAt: (t: number) => number,
  times: readonly number[],
  durationSeconds: number,
  points = PROFILE_POINTS,
): { t: number[]; demandShards: number[] } {
  const width = Math.max(1, durationSeconds / points);
  const buckets = new Map<number, number>();
  for (const t of times) {
    const b = Math.min(Math.floor(t / width), Math.max(0, Math.ceil(durationSeconds / width) - 1));
    const d = demandAt(t);
    buckets.set(b, Math.max(buckets.get(b) ?? 0, d));
  }
  const order = [...buckets.keys()].sort((a, b) => a - b);
  return {
    t: order.map((b) => round6(b * width)),
    demandShards: order.map((b) => round6(buckets.get(b)!)),
  };
}

/**
 * Each shard's write utilisation, max(records ÷ 1,000, bytes ÷ 1 MiB) per second at the planning
 * instant without headroom, in groups of consecutive shards (each the group's hottest) when there
 * are more than `groups` shards: 10,000 shards in 128 groups of ⌈10,000 ÷ 128⌉ = 79.
 */
export function groupedShardLoads(
  loads: Pick<ShardLoads, 'shardCount' | 'records' | 'bytes'> & { saltedKeys?: number },
  countIs: RunShardCount,
  groups = SHARD_LOAD_GROUPS,
): PlanShardLoads {
  const n = loads.shardCount;
  const groupSize = Math.max(1, Math.ceil(n / groups));
  const utilization: number[] = [];
  for (let first = 0; first < n; first += groupSize) {
    let hottest = 0;
    for (let s = first; s < Math.min(n, first + groupSize); s++) {
      hottest = Math.max(hottest, loads.records[s]! / WRITE_RECORDS, loads.bytes[s]! / WRITE_BYTES);
    }
    utilization.push(round6(hottest));
  }
  const saltedKeys = loads.saltedKeys ?? 0;
  return { shardCount: n, countIs, groupSize, utilization, ...(saltedKeys > 0 ? { saltedKeys } : {}) };
}

/** The plan's profile: demand over time, the shards in force, and the per-shard loads given. */
export function planProfile(input: {
  demandAt: (t: number) => number;
  times: readonly number[];
  durationSeconds: number;
  inForce: { at: number; shards: number }[] | null;
  shardLoads: PlanShardLoads[];
}): PlanProfile {
  return {
    ...demandSeries(input.demandAt, input.times, input.durationSeconds),
    shardsInForce: input.inForce,
    shardLoads: input.shardLoads,
  };
}
