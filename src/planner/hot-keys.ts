/**
 * Hot keys and the hottest shard: each shard's write load when the producers' keys are hashed as
 * Kinesis hashes them, the keys no shard count can carry, and the smallest shard count at which
 * every shard stays under its limits.
 */
import { KINESIS } from '../aws/facts.js';
import { hashFraction, hashKeyOf, shardIndexOf } from '../aws/hash.js';
import { meanKeyBytes } from '../keys/distribution.js';
import { heaviestIndices } from '../keys/load.js';
import { type PlacedKeys, placeKeys, shardOfPlaced, sharesOnEvenShards } from '../keys/placement.js';
import type { KeyDistribution, Scenario } from '../scenario/schema.js';
import type { HotKey, HotKeyPlan, HotShard, Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const MAX_SHARDS = KINESIS.maxShardsPerStream.value;
/** Heaviest keys per producer looked at one by one (listed, and checked against a shard's limit). */
const HEAVY_KEYS = 2000;
/**
 * Distributions up to this many keys are hashed one by one; above it the heaviest keys are and the
 * rest spread by range width (its expectation), which costs a constant.
 */
const EXACT_KEY_LIMIT = 1_000_000;
/**
 * Exact checks the search may spend on counts the heavy keys alone do not rule out before it
 * gallops (the remaining keys then decide, and they spread more evenly the more shards there are).
 */
const EXACT_CHECKS = 128;

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
  /** Indices into `placed` of the heaviest keys, heaviest first. */
  heavy: number[];
}

/** Hashes every producer's keys once. */
export function buildKeyModels(scenario: Scenario): Map<string, KeyModel> {
  const models = new Map<string, KeyModel>();
  for (const producer of scenario.producers) {
    const placed = placeKeys(producer.keys, { exactKeyLimit: EXACT_KEY_LIMIT });
    models.set(producer.name, {
      dist: producer.keys,
      meanKeyBytes: meanKeyBytes(producer.keys),
      placed,
      heavy: placed.heaviestFirst
        ? Array.from({ length: Math.min(HEAVY_KEYS, placed.shares.length) }, (_, k) => k)
        : heaviestIndices(placed.shares, HEAVY_KEYS),
    });
  }
  return models;
}

interface Rates {
  name: string;
  /** Kinesis records and bytes per second of the whole producer at the planning instant. */
  records: number;
  bytes: number;
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
    }));

  // The heaviest keys with their load; keys a shard cannot hold even alone.
  type Heavy = HotKey & { placedIndex: number };
  const keys: Heavy[] = [];
  for (const r of rates) {
    const model = keyModels.get(r.name)!;
    for (const k of model.heavy) {
      const share = model.placed.shares[k]!;
      const records = r.records * share;
      const bytes = r.bytes * share;
      const u = utilization(records, bytes);
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
      });
    }
  }
  // Keys that cannot fit a shard with headroom at any count need salting whatever the count (the
  // plan warns about each): the search places them as the advice says, as `saltingFactor` pieces
  // `${key}#${i}` each carrying 1/saltingFactor of the key's load, so that following the advice
  // at the recommended count leaves every shard under its limit.
  const salted: SaltedKey[] = keys
    .filter((k) => k.saltingFactor > 1)
    .map((k) => {
      const name = keyModels.get(k.producer)!.placed.keyOf(k.placedIndex).key;
      return {
        producer: k.producer,
        placedIndex: k.placedIndex,
        recordsPerSecond: k.recordsPerSecond,
        bytesPerSecond: k.bytesPerSecond,
        pieces: Array.from({ length: k.saltingFactor }, (_, i) => hashKeyOf(`${name}#${i}`)),
      };
    });
  const load = (n: number) => hottestShard(rates, keyModels, n, salted);
  const fits = (l: ShardLoad) => l.fitUtilization * h <= 1 + 1e-9;
  const mayFit = heavyKeysMayFit(rates, keyModels, keys, salted, h);

  const atRequired = load(required);
  let recommended = required;
  if (!fits(atRequired)) recommended = searchFittingCount(required, (n) => fits(load(n)), mayFit);
  const atRecommended = recommended === required ? atRequired : load(recommended);
  const fitsAtRecommended = fits(atRecommended);
  const atConfigured = configured === null ? null : configured === required ? atRequired : load(configured);
  for (const k of keys)
    k.shardAtRecommended = shardOfPlaced(keyModels.get(k.producer)!.placed, k.placedIndex, recommended);

  keys.sort((a, b) => b.shardUtilization - a.shardUtilization);
  const listed = keys.filter((k, i) => i < 20 || k.saltingFactor > 1);
  for (const k of listed) k.key = keyModels.get(k.producer)!.placed.keyOf(k.placedIndex).key;
  const methods = [...keyModels.values()].map((m) => m.placed.method);
  return {
    method: rates.length === 0 ? 'none' : methods.includes('analytical') ? 'analytical' : 'exact',
    keys: listed.map(({ placedIndex: _placedIndex, ...k }) => k),
    maxKeyRecordsPerSecond: keys.reduce((a, k) => Math.max(a, k.recordsPerSecond), 0),
    maxKeyBytesPerSecond: keys.reduce((a, k) => Math.max(a, k.bytesPerSecond), 0),
    keysOverShardLimit: keys.filter((k) => k.overShardLimit).length,
    atConfigured: atConfigured && toHotShard(atConfigured),
    atRequired: toHotShard(atRequired),
    atRecommended: toHotShard(atRecommended),
    smallestFittingShardCount: recommended,
    fits: fitsAtRecommended,
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
  /** The hottest shard's utilisation with the keys no count can fix salted as advised. */
  fitUtilization: number;
  /** The shard with that utilisation. */
  fitShard: number;
}

/** A key too hot for one shard, with the hash keys of the pieces the plan advises salting it into. */
interface SaltedKey {
  producer: string;
  placedIndex: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  pieces: bigint[];
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

/** Each shard's load at `n` even shards, with the keys hashed as Kinesis does. */
function hottestShard(
  rates: readonly Rates[],
  models: ReadonlyMap<string, KeyModel>,
  n: number,
  salted: readonly SaltedKey[],
): ShardLoad {
  const records = new Float64Array(n);
  const bytes = new Float64Array(n);
  const shares = new Float64Array(n);
  for (const r of rates) {
    sharesOnEvenShards(models.get(r.name)!.placed, n, shares);
    for (let s = 0; s < n; s++) {
      records[s]! += r.records * shares[s]!;
      bytes[s]! += r.bytes * shares[s]!;
    }
  }
  // The change salting makes: each salted key leaves its shard, its pieces land on theirs.
  const saltRecords = new Float64Array(n);
  const saltBytes = new Float64Array(n);
  for (const k of salted) {
    const s = shardOfPlaced(models.get(k.producer)!.placed, k.placedIndex, n);
    saltRecords[s]! -= k.recordsPerSecond;
    saltBytes[s]! -= k.bytesPerSecond;
    for (const hash of k.pieces) {
      const p = shardIndexOf(hash, n);
      saltRecords[p]! += k.recordsPerSecond / k.pieces.length;
      saltBytes[p]! += k.bytesPerSecond / k.pieces.length;
    }
  }
  let shard = 0;
  let max = -1;
  let fit = -1;
  let fitShard = 0;
  let totalRecords = 0;
  let totalBytes = 0;
  for (let s = 0; s < n; s++) {
    const u = utilization(records[s]!, bytes[s]!);
    if (u > max) {
      max = u;
      shard = s;
    }
    const f = utilization(records[s]! + saltRecords[s]!, bytes[s]! + saltBytes[s]!);
    if (f > fit) {
      fit = f;
      fitShard = s;
    }
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
    fitUtilization: Math.max(0, fit),
    fitShard,
  };
}

/**
 * A necessary condition for `n` shards to fit, cheap enough to try every count: the heavy keys
 * that can have headroom and the salted keys' pieces, with the records spread evenly by range
 * width, already overflow no shard. Every other record only adds load, so a count this rules out cannot fit.
 */
function heavyKeysMayFit(
  rates: readonly Rates[],
  models: ReadonlyMap<string, KeyModel>,
  keys: readonly (HotKey & { placedIndex: number })[],
  salted: readonly SaltedKey[],
  h: number,
): (n: number) => boolean {
  let spreadRecords = 0;
  let spreadBytes = 0;
  for (const r of rates) {
    const share = models.get(r.name)!.placed.spreadShare;
    spreadRecords += r.records * share;
    spreadBytes += r.bytes * share;
  }
  // A little slack, so that floating-point dust never rules out a count the exact check accepts.
  const limit = 1 + 1e-6;
  const fixable = keys.filter((k) => k.saltingFactor === 1);
  // Pieces of salted keys by position in the key space (a fraction): floor(position × n) places
  // them, exactly but for keys within 2^-50 of a boundary, which a prefilter can afford.
  const pieces = salted.flatMap((k) =>
    k.pieces.map((hash) => ({
      position: hashFraction(hash),
      records: k.recordsPerSecond / k.pieces.length,
      bytes: k.bytesPerSecond / k.pieces.length,
    })),
  );
  // Scratch per shard, reset through the list of shards touched (no allocation per count).
  const records = new Float64Array(MAX_SHARDS + 1);
  const bytes = new Float64Array(MAX_SHARDS + 1);
  const marked = new Uint8Array(MAX_SHARDS + 1);
  const touched: number[] = [];
  return (n) => {
    for (const s of touched) marked[s] = 0;
    touched.length = 0;
    const baseRecords = spreadRecords / n;
    const baseBytes = spreadBytes / n;
    if (utilization(baseRecords, baseBytes) * h > limit) return false;
    const add = (s: number, r: number, b: number): boolean => {
      if (marked[s] === 0) {
        marked[s] = 1;
        touched.push(s);
        records[s] = baseRecords;
        bytes[s] = baseBytes;
      }
      records[s]! += r;
      bytes[s]! += b;
      return utilization(records[s]!, bytes[s]!) * h <= limit;
    };
    for (const k of fixable) {
      if (
        !add(
          shardOfPlaced(models.get(k.producer)!.placed, k.placedIndex, n),
          k.recordsPerSecond,
          k.bytesPerSecond,
        )
      ) {
        return false;
      }
    }
    // The salted keys' pieces, as the exact check places them.
    for (const piece of pieces) {
      if (!add(Math.min(n - 1, Math.floor(piece.position * n)), piece.records, piece.bytes)) return false;
    }
    return true;
  };
}

/**
 * The smallest count above `required` that fits. Counts are tried in order, since placement makes
 * fit far from monotone in the count (two heavy keys share a shard at some counts and not at
 * others); `mayFit` rules most of them out cheaply. Only when the exact checks of counts it lets
 * through run out does the search gallop and bisect, which finds a fitting count near the
 * smallest, not always the smallest.
 */
function searchFittingCount(
  required: number,
  fits: (n: number) => boolean,
  mayFit: (n: number) => boolean,
): number {
  let checks = 0;
  for (let n = required + 1; n <= MAX_SHARDS; n++) {
    if (!mayFit(n)) continue;
    if (fits(n)) return n;
    if (++checks >= EXACT_CHECKS) return gallop(n, fits);
  }
  return MAX_SHARDS;
}

/** From a count `bad` that does not fit: doubling steps until one fits, then bisecting back. */
function gallop(bad: number, fits: (n: number) => boolean): number {
  let low = bad;
  let step = 64;
  let good = -1;
  while (low < MAX_SHARDS) {
    const n = Math.min(MAX_SHARDS, low + step);
    if (fits(n)) {
      good = n;
      break;
    }
    low = n;
    step *= 2;
  }
  if (good < 0) return MAX_SHARDS;
  while (good - low > 1) {
    const mid = (good + low) >> 1;
    if (fits(mid)) good = mid;
    else low = mid;
  }
  return good;
}
