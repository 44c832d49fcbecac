/**
 * Hot keys and the hottest shard: each shard's write load when the producers' keys are hashed as
 * Kinesis hashes them, the keys no shard count can carry, and the smallest shard count at which
 * every shard stays under its write limits and its readers' limits.
 */
import { hashKeyOf } from '../aws/hash.js';
import { meanKeyBytes } from '../keys/distribution.js';
import { heaviestIndices } from '../keys/load.js';
import {
  type PlacedKeys,
  type PlaceOptions,
  placeKeys,
  positionOfHash,
  shardOfPlaced,
  shardOfPosition,
} from '../keys/placement.js';
import type { KeyDistribution, Scenario } from '../scenario/schema.js';
import {
  applySalting,
  type Limits,
  LoadModel,
  type Rates,
  type SaltedKey,
  type ShardLoad,
  utilization,
  utilizationOf,
  WRITE_BYTES,
  WRITE_LIMITS,
  WRITE_RECORDS,
} from './hot-shard-model.js';
import { heavyKeysMayFit, MAX_SHARDS, searchFittingCount } from './hot-shard-search.js';
import type { ShardReadLimits } from './read-limits.js';
import { producerLoads, type ShardLoads } from './shard-loads.js';
import type { HotKey, HotKeyPlan, HotShard, Traffic } from './types.js';

/** Keys the plan lists: the heaviest this many, and every key that needs salting. */
export const HOT_KEYS_LISTED = 20;

/** Heaviest keys per producer looked at one by one (listed, and checked against a shard's limit). */
const HEAVY_KEYS = 2000;

/**
 * Keys to spread a key over when it cannot have a shard with headroom (load × (1 + headroom) > one
 * shard's limit): enough pieces that each takes at most half a shard's limit with headroom, so
 * the pieces share shards with the rest of the traffic (pieces of nearly a whole shard each would
 * need almost empty shards: many more of them). 1 when the key fits.
 */
export function saltingFactor(utilization: number, h: number): number {
  if (utilization * h <= 1 + 1e-12) return 1;
  return Math.ceil(2 * utilization * h - 1e-9);
}

export interface KeyModel {
  dist: KeyDistribution;
  meanKeyBytes: number;
  /** The keys hashed once, as Kinesis hashes them. */
  placed: PlacedKeys;
  /** Key numbers in `placed` of the heaviest keys, heaviest first. */
  heavy: number[];
}

/** How many keys are hashed one by one (tests and benchmarks lower them to compare with exact hashing). */
export type KeyHashingOptions = PlaceOptions;

/**
 * Hashes every producer's keys once, or takes them as `placed` (from `placeProducerKeys`, when a
 * run shares one placement between the plan and the engine).
 */
export function buildKeyModels(
  scenario: Scenario,
  options: KeyHashingOptions = {},
  placedKeys?: ReadonlyMap<string, PlacedKeys>,
): Map<string, KeyModel> {
  const models = new Map<string, KeyModel>();
  for (const producer of scenario.producers) {
    const placed = placedKeys?.get(producer.name) ?? placeKeys(producer.keys, options);
    models.set(producer.name, {
      dist: producer.keys,
      meanKeyBytes: meanKeyBytes(producer.keys),
      placed,
      heavy: placed.heaviestFirst
        ? Array.from({ length: Math.min(HEAVY_KEYS, placed.count) }, (_, k) => k)
        : heaviestIndices(
            Float64Array.from({ length: placed.count }, (_, k) => placed.shareOf(k)),
            HEAVY_KEYS,
          ),
    });
  }
  return models;
}

export interface HotKeyInput {
  scenario: Scenario;
  traffic: Traffic;
  keyModels: ReadonlyMap<string, KeyModel>;
  required: number;
  configured: number | null;
  /** What the stream's readers let a shard carry (none: only the write limits count). */
  readLimits?: ShardReadLimits;
}

/** The plan's hot keys, and the per-shard loads at any count with its oversized keys salted as it advises. */
export interface HotKeyAnalysis {
  plan: HotKeyPlan;
  /**
   * `loads` (each shard's offered records and bytes at `loads.shardCount`) after salting the keys
   * the plan says to salt, as the plan's fit assumes: what its recommended count is sized for.
   */
  saltAsAdvised(loads: Pick<ShardLoads, 'shardCount' | 'records' | 'bytes'>): SaltedShardLoads;
}

/** Each shard's records and bytes per second, and how many keys were salted to get there. */
export interface SaltedShardLoads {
  shardCount: number;
  records: Float64Array;
  bytes: Float64Array;
  saltedKeys: number;
}

export function planHotKeys(input: HotKeyInput): HotKeyAnalysis {
  const { traffic, keyModels, required, configured } = input;
  const h = 1 + traffic.headroom;
  const rates: Rates[] = producerLoads(traffic, keyModels);
  const keys = heavyKeys(rates, keyModels, configured, h);
  const salted = saltedKeys(keys, keyModels);
  const model = new LoadModel(rates, salted, h);
  const reads = readFit(input.readLimits, rates, keys, h);
  const search = (from: number, to: number, limits: Limits) =>
    searchFittingCount(model, heavyKeysMayFit(rates, keys, salted, h, limits), from, to, limits);

  let recommended: number | null = null;
  let readsApplied = false;
  let raisedByReads = false;
  if (reads.fixable) {
    recommended = search(Math.max(required, reads.floor), MAX_SHARDS, reads.limits);
    if (recommended !== null) {
      readsApplied = true;
      // Reads raised the count when the write limits alone are met below it.
      raisedByReads = recommended > required && search(required, recommended - 1, WRITE_LIMITS) !== null;
    }
  }
  recommended ??= search(required, MAX_SHARDS, WRITE_LIMITS);
  const fitsAtRecommended = recommended !== null;
  recommended ??= MAX_SHARDS;

  const atRequired = model.load(required);
  const atRecommended = recommended === required ? atRequired : model.load(recommended);
  const atConfigured =
    configured === null ? null : configured === required ? atRequired : model.load(configured);
  for (const k of keys) k.shardAtRecommended = shardOfPosition(k.position, k.hashKey, recommended);

  keys.sort((a, b) => b.shardUtilization - a.shardUtilization);
  const listed = keys.filter((k, i) => i < HOT_KEYS_LISTED || k.saltingFactor > 1);
  for (const k of listed) k.key = keyModels.get(k.producer)!.placed.keyOf(k.placedIndex).key;
  const methods = [...keyModels.values()].map((m) => m.placed.method);
  const plan: HotKeyPlan = {
    method: rates.length === 0 ? 'none' : methods.includes('analytical') ? 'analytical' : 'exact',
    keys: listed.map(
      ({ placedIndex: _placedIndex, position: _position, hashKey: _hashKey, ...k }): HotKey => k,
    ),
    maxKeyRecordsPerSecond: keys.reduce((a, k) => Math.max(a, k.recordsPerSecond), 0),
    maxKeyBytesPerSecond: keys.reduce((a, k) => Math.max(a, k.bytesPerSecond), 0),
    keysOverShardLimit: keys.filter((k) => k.overShardLimit).length,
    atConfigured: atConfigured && toHotShard(atConfigured),
    atRequired: toHotShard(atRequired),
    atRecommended: toHotShard(atRecommended),
    smallestFittingShardCount: recommended,
    fits: fitsAtRecommended,
    raisedByHotShard: recommended > required,
    readLimitsApplied: readsApplied,
    raisedByReads,
    estimate: model.estimating
      ? {
          hashedKeys: Math.max(...rates.map((r) => r.placed.count)),
          relativeError: atRecommended.relativeError,
        }
      : null,
  };
  return {
    plan,
    saltAsAdvised: (loads) => {
      const records = Float64Array.from(loads.records);
      const bytes = Float64Array.from(loads.bytes);
      applySalting(salted, loads.shardCount, records, bytes);
      return { shardCount: loads.shardCount, records, bytes, saltedKeys: salted.length };
    },
  };
}

/** A heavy key with its load, and where it was placed (its name is looked up only if listed). */
type HeavyKey = HotKey & { placedIndex: number; position: number; hashKey: bigint };

/** The heaviest keys of every producer with their load; keys a shard cannot hold even alone. */
function heavyKeys(
  rates: readonly Rates[],
  keyModels: ReadonlyMap<string, KeyModel>,
  configured: number | null,
  h: number,
): HeavyKey[] {
  const keys: HeavyKey[] = [];
  for (const r of rates) {
    const model = keyModels.get(r.name)!;
    for (const k of model.heavy) {
      const share = model.placed.shareOf(k);
      const records = r.records * share;
      const bytes = r.bytes * share;
      const u = utilization(records, bytes);
      const { hashKey } = model.placed.keyOf(k);
      keys.push({
        producer: r.name,
        key: '',
        recordsPerSecond: records,
        bytesPerSecond: bytes,
        shardUtilization: u,
        overShardLimit: u > 1 + 1e-12,
        saltingFactor: saltingFactor(u, h),
        shardAtConfigured: configured === null ? null : shardOfPlaced(model.placed, k, configured),
        shardAtRecommended: 0,
        placedIndex: k,
        position: positionOfHash(hashKey),
        hashKey,
      });
    }
  }
  return keys;
}

/**
 * Keys that cannot fit a shard with headroom at any count need salting whatever the count (the
 * plan warns about each): the search places them as the advice says, as `saltingFactor` pieces
 * `${key}#${i}` each carrying 1/saltingFactor of the key's load, so that following the advice
 * at the recommended count leaves every shard under its limit.
 */
function saltedKeys(keys: readonly HeavyKey[], keyModels: ReadonlyMap<string, KeyModel>): SaltedKey[] {
  return keys
    .filter((k) => k.saltingFactor > 1)
    .map((k) => {
      const name = keyModels.get(k.producer)!.placed.keyOf(k.placedIndex).key;
      return {
        position: k.position,
        hashKey: k.hashKey,
        recordsPerSecond: k.recordsPerSecond,
        bytesPerSecond: k.bytesPerSecond,
        pieces: Array.from({ length: k.saltingFactor }, (_, i) => {
          const hashKey = hashKeyOf(`${name}#${i}`);
          return { hashKey, position: positionOfHash(hashKey) };
        }),
      };
    });
}

/**
 * Reads count in the fit where more shards can satisfy them: not when one key (or one salted
 * piece) alone already asks more of a shard than its readers take, nor when even 10,000 shards
 * of average load would (then the plan's consumer findings say what to do instead).
 */
function readFit(
  read: ShardReadLimits | undefined,
  rates: readonly Rates[],
  keys: readonly HeavyKey[],
  h: number,
): { limits: Limits; fixable: boolean; floor: number } {
  const both: Limits = {
    records: Math.min(WRITE_RECORDS, read?.recordsPerSecond ?? Number.POSITIVE_INFINITY),
    bytes: Math.min(WRITE_BYTES, read?.bytesPerSecond ?? Number.POSITIVE_INFINITY),
  };
  const fitsAlone = (records: number, bytes: number) => utilizationOf(records, bytes, both) * h <= 1 + 1e-9;
  const readsTighter = both.records < WRITE_RECORDS || both.bytes < WRITE_BYTES;
  const totalRecords = rates.reduce((a, r) => a + r.records, 0);
  const totalBytes = rates.reduce((a, r) => a + r.bytes, 0);
  // The hottest shard carries at least the average: no count below this can fit the reads.
  const readFloor = Math.max(
    1,
    Math.ceil((utilizationOf(totalRecords, totalBytes, both) * h) / (1 + 1e-9) - 1e-9),
  );
  const readsFixable =
    readsTighter &&
    readFloor <= MAX_SHARDS &&
    keys.every((k) =>
      k.saltingFactor > 1
        ? fitsAlone(k.recordsPerSecond / k.saltingFactor, k.bytesPerSecond / k.saltingFactor)
        : fitsAlone(k.recordsPerSecond, k.bytesPerSecond),
    );
  return { limits: both, fixable: readsFixable, floor: readFloor };
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
    shardAfterSalting: load.fitShard,
  };
}
