/**
 * Hot keys and the hottest shard: each shard's write load when the producers' keys are hashed as
 * Kinesis hashes them, the keys no shard count can carry, and the smallest shard count at which
 * every shard stays under its limits.
 */
import { KINESIS } from '../aws/facts.js';
import { shardIndexOf } from '../aws/hash.js';
import { type KeyLoad, keyLoad } from '../keys/load.js';
import type { KeyDistribution, Scenario } from '../scenario/schema.js';
import type { HotKey, HotKeyPlan, HotShard, Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const MAX_SHARDS = KINESIS.maxShardsPerStream.value;
/** Heaviest keys tracked one by one in the shard-count search. */
const SEARCH_KEYS = 2000;
/** Exact verifications after the search proposes a count. */
const MAX_EXACT_CHECKS = 12;

export interface KeyModel {
  dist: KeyDistribution;
  meanKeyBytes: number;
  /** The load at the first layout computed, with the heaviest keys and their hash keys. */
  probe: KeyLoad;
}

/** Key models per producer, probed once on one shard (for key bytes and the heaviest keys). */
export function buildKeyModels(scenario: Scenario): Map<string, KeyModel> {
  const models = new Map<string, KeyModel>();
  for (const producer of scenario.producers) {
    const probe = keyLoad(
      producer.keys,
      { shardCount: 1 },
      { topKeys: SEARCH_KEYS, hotKeyShareThreshold: 1e-4 },
    );
    models.set(producer.name, { dist: producer.keys, meanKeyBytes: probe.meanKeyBytes, probe });
  }
  return models;
}

interface Rates {
  name: string;
  /** Kinesis records and bytes per second of the whole producer at the planning instant. */
  records: number;
  bytes: number;
  /** Per user record: Kinesis records and bytes. */
  recordsPerUser: number;
  bytesPerUser: number;
  userRecords: number;
}

export interface HotKeyInput {
  scenario: Scenario;
  traffic: Traffic;
  keyModels: ReadonlyMap<string, KeyModel>;
  required: number;
  configured: number | null;
}

const utilization = (records: number, bytes: number) =>
  Math.max(records / WRITE_RECORDS, bytes / WRITE_BYTES);

export function planHotKeys(input: HotKeyInput): HotKeyPlan {
  const { traffic, keyModels, required, configured } = input;
  const h = 1 + traffic.headroom;
  const rates: Rates[] = traffic.producers
    .filter((p) => p.destination === 'stream')
    .map((p) => ({
      name: p.name,
      records: p.kinesisRecordsPerSecond,
      bytes: p.writeBytesPerSecond,
      userRecords: p.recordsPerSecond,
      recordsPerUser: p.recordsPerSecond > 0 ? p.kinesisRecordsPerSecond / p.recordsPerSecond : 0,
      bytesPerUser: p.recordsPerSecond > 0 ? p.writeBytesPerSecond / p.recordsPerSecond : 0,
    }));

  // Every key heavy enough to list, with its load; keys a shard cannot hold even alone.
  const keys: (HotKey & { hashKey: bigint })[] = [];
  for (const r of rates) {
    const model = keyModels.get(r.name)!;
    for (const k of model.probe.hotKeys) {
      const records = r.userRecords * k.share * r.recordsPerUser;
      const bytes = r.userRecords * k.share * r.bytesPerUser;
      const u = utilization(records, bytes);
      keys.push({
        producer: r.name,
        key: k.key,
        recordsPerSecond: records,
        bytesPerSecond: bytes,
        shardUtilization: u,
        overShardLimit: u > 1 + 1e-12,
        saltingFactor: Math.max(1, Math.ceil(u * h - 1e-9)),
        shardAtConfigured: configured === null ? null : shardIndexOf(k.hashKey, configured),
        shardAtRecommended: 0,
        hashKey: k.hashKey,
      });
    }
  }
  keys.sort((a, b) => b.shardUtilization - a.shardUtilization);
  // Keys that cannot fit a shard with headroom at any count are left out of the search.
  const unfixable = new Set(
    keys.filter((k) => k.shardUtilization * h > 1 + 1e-12).map((k) => `${k.producer}\u0000${k.key}`),
  );

  const exact = (n: number) => hottestShard(rates, keyModels, n, unfixable);
  const atRequired = exact(required);
  let smallest = required;
  let fitting = atRequired.fitUtilization * h <= 1 + 1e-9;
  if (!fitting) {
    // Search with the heavy keys placed one by one and the tail spread evenly, then confirm exactly.
    let n = searchCount(rates, keyModels, keys, unfixable, required + 1, h);
    for (let checks = 0; checks < MAX_EXACT_CHECKS && n <= MAX_SHARDS; checks++) {
      const load = exact(n);
      if (load.fitUtilization * h <= 1 + 1e-9) {
        fitting = true;
        smallest = n;
        break;
      }
      n = Math.max(n + 1, searchCount(rates, keyModels, keys, unfixable, n + 1, h));
    }
    if (!fitting) smallest = Math.min(MAX_SHARDS, Math.max(n, required));
  }
  const recommended = smallest;
  const atRecommended = recommended === required ? atRequired : exact(recommended);
  const atConfigured = configured === null ? null : configured === required ? atRequired : exact(configured);
  for (const k of keys) k.shardAtRecommended = shardIndexOf(k.hashKey, recommended);

  const methods = [...keyModels.values()].map((m) => m.probe.method);
  return {
    method: rates.length === 0 ? 'none' : methods.includes('analytical') ? 'analytical' : 'exact',
    keys: keys.filter((k, i) => i < 20 || k.overShardLimit).map(({ hashKey: _hashKey, ...k }) => k),
    maxKeyRecordsPerSecond: keys.reduce((a, k) => Math.max(a, k.recordsPerSecond), 0),
    maxKeyBytesPerSecond: keys.reduce((a, k) => Math.max(a, k.bytesPerSecond), 0),
    keysOverShardLimit: keys.filter((k) => k.overShardLimit).length,
    atConfigured: atConfigured && toHotShard(atConfigured),
    atRequired: toHotShard(atRequired),
    atRecommended: toHotShard(atRecommended),
    smallestFittingShardCount: recommended,
    raisedByHotShard: recommended > required,
  };
}

interface ShardLoad {
  shardCount: number;
  shard: number;
  records: number;
  bytes: number;
  utilization: number;
  average: number;
  /** The hottest shard's utilisation without the keys no count can fix. */
  fitUtilization: number;
}

function toHotShard(load: ShardLoad): HotShard {
  return {
    shardCount: load.shardCount,
    shard: load.shard,
    recordsPerSecond: load.records,
    bytesPerSecond: load.bytes,
    utilization: load.utilization,
    averageUtilization: load.average,
    utilizationWithoutOversizedKeys: load.fitUtilization,
  };
}

/** The exact per-shard load at `n` shards (keys hashed as Kinesis does, via the keys module). */
function hottestShard(
  rates: readonly Rates[],
  models: ReadonlyMap<string, KeyModel>,
  n: number,
  unfixable: ReadonlySet<string>,
): ShardLoad {
  const records = new Float64Array(n);
  const bytes = new Float64Array(n);
  const fixedRecords = new Float64Array(n);
  const fixedBytes = new Float64Array(n);
  for (const r of rates) {
    const load = keyLoad(
      models.get(r.name)!.dist,
      { shardCount: n },
      { topKeys: Math.max(10, unfixable.size) },
    );
    for (let s = 0; s < n; s++) {
      records[s]! += r.records * load.shardShares[s]!;
      bytes[s]! += r.bytes * load.shardShares[s]!;
    }
    for (const k of load.hotKeys) {
      if (!unfixable.has(`${r.name}\u0000${k.key}`)) continue;
      fixedRecords[k.shard]! += r.records * k.share;
      fixedBytes[k.shard]! += r.bytes * k.share;
    }
  }
  let shard = 0;
  let max = -1;
  let fit = 0;
  let totalRecords = 0;
  let totalBytes = 0;
  for (let s = 0; s < n; s++) {
    const u = utilization(records[s]!, bytes[s]!);
    if (u > max) {
      max = u;
      shard = s;
    }
    fit = Math.max(fit, utilization(records[s]! - fixedRecords[s]!, bytes[s]! - fixedBytes[s]!));
    totalRecords += records[s]!;
    totalBytes += bytes[s]!;
  }
  return {
    shardCount: n,
    shard,
    records: records[shard]!,
    bytes: bytes[shard]!,
    utilization: Math.max(0, max),
    average: utilization(totalRecords / n, totalBytes / n),
    fitUtilization: fit,
  };
}

/**
 * The smallest count ≥ `from` whose hottest shard fits, estimated from the heaviest keys placed
 * one by one and the rest of each producer's records spread evenly (which is what the tail
 * converges to). The caller confirms the answer with the exact load.
 */
function searchCount(
  rates: readonly Rates[],
  models: ReadonlyMap<string, KeyModel>,
  keys: readonly (HotKey & { hashKey: bigint })[],
  unfixable: ReadonlySet<string>,
  from: number,
  h: number,
): number {
  const tail = rates.map((r) => {
    const listed = models.get(r.name)!.probe.hotKeys.reduce((a, k) => a + k.share, 0);
    return { records: r.records * (1 - listed), bytes: r.bytes * (1 - listed) };
  });
  const tailRecords = tail.reduce((a, t) => a + t.records, 0);
  const tailBytes = tail.reduce((a, t) => a + t.bytes, 0);
  const fixable = keys.filter((k) => !unfixable.has(`${k.producer}\u0000${k.key}`));
  const byShard = new Map<number, { records: number; bytes: number }>();
  for (let n = from; n <= MAX_SHARDS; n++) {
    byShard.clear();
    const base = { records: tailRecords / n, bytes: tailBytes / n };
    if (utilization(base.records, base.bytes) * h > 1) continue;
    let fits = true;
    for (const k of fixable) {
      const s = shardIndexOf(k.hashKey, n);
      const load = byShard.get(s) ?? { records: base.records, bytes: base.bytes };
      load.records += k.recordsPerSecond;
      load.bytes += k.bytesPerSecond;
      byShard.set(s, load);
      if (utilization(load.records, load.bytes) * h > 1 + 1e-9) {
        fits = false;
        break;
      }
    }
    if (fits) return n;
  }
  return MAX_SHARDS + 1;
}
