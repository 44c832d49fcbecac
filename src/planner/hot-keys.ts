/**
 * Hot keys and the hottest shard: each shard's write load when the producers' keys are hashed as
 * Kinesis hashes them, the keys no shard count can carry, and the smallest shard count at which
 * every shard stays under its write limits and its readers' limits.
 */
import { KINESIS } from '../aws/facts.js';
import { hashFraction, hashKeyOf } from '../aws/hash.js';
import { meanKeyBytes } from '../keys/distribution.js';
import { logNormalCdf } from '../keys/estimate.js';
import { heaviestIndices } from '../keys/load.js';
import {
  type PlacedKeys,
  type PlaceOptions,
  placeKeys,
  positionOfHash,
  shardOfPlaced,
  shardOfPosition,
  shardShareWalker,
  shareOfShard,
} from '../keys/placement.js';
import type { KeyDistribution, Scenario } from '../scenario/schema.js';
import type { ShardReadLimits } from './read-limits.js';
import { type ProducerLoad, producerLoads, type ShardLoads, shardLoadsOf } from './shard-loads.js';
import type { HotKey, HotKeyPlan, HotShard, Traffic } from './types.js';

/** Keys the plan lists: the heaviest this many, and every key that needs salting. */
export const HOT_KEYS_LISTED = 20;

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const MAX_SHARDS = KINESIS.maxShardsPerStream.value;
/** Heaviest keys per producer looked at one by one (listed, and checked against a shard's limit). */
const HEAVY_KEYS = 2000;
/**
 * An estimated hottest shard is the median of the hottest shard's utilisation under the normal
 * model; the error the plan states is the distance to its 5% and 95% quantiles.
 */
const ESTIMATE_QUANTILE = 0.5;
const ERROR_QUANTILES = [0.05, 0.95] as const;
/** Heaviest keys the search's cheap necessary condition places for every count it tries. */
const PREFILTER_KEYS = 256;
/** Failure points the search keeps and tries before walking a layout. */
const WITNESSES = 16;
/** Standard deviations above which a shard's chance of exceeding a level is below 1e−17. */
const REACH = 8.5;

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

/** A stream producer's rates at the planning instant with its placed keys. */
type Rates = ProducerLoad;

export interface HotKeyInput {
  scenario: Scenario;
  traffic: Traffic;
  keyModels: ReadonlyMap<string, KeyModel>;
  required: number;
  configured: number | null;
  /** What the stream's readers let a shard carry (none: only the write limits count). */
  readLimits?: ShardReadLimits;
}

/** Records and bytes per second a shard may carry: its limits, write or read. */
interface Limits {
  records: number;
  bytes: number;
}

const WRITE_LIMITS: Limits = { records: WRITE_RECORDS, bytes: WRITE_BYTES };

const utilizationOf = (records: number, bytes: number, limits: Limits) =>
  Math.max(records / limits.records, bytes / limits.bytes);
const utilization = (records: number, bytes: number) => utilizationOf(records, bytes, WRITE_LIMITS);

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

  // The heaviest keys with their load; keys a shard cannot hold even alone.
  type Heavy = HotKey & { placedIndex: number; position: number; hashKey: bigint };
  const keys: Heavy[] = [];
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
  // Keys that cannot fit a shard with headroom at any count need salting whatever the count (the
  // plan warns about each): the search places them as the advice says, as `saltingFactor` pieces
  // `${key}#${i}` each carrying 1/saltingFactor of the key's load, so that following the advice
  // at the recommended count leaves every shard under its limit.
  const salted: SaltedKey[] = keys
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
  const model = new LoadModel(rates, salted, h);

  // Reads count in the fit where more shards can satisfy them: not when one key (or one salted
  // piece) alone already asks more of a shard than its readers take, nor when even 10,000 shards
  // of average load would (then the plan's consumer findings say what to do instead).
  const read = input.readLimits;
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

  const search = (from: number, to: number, limits: Limits): number | null => {
    const mayFit = heavyKeysMayFit(rates, keys, salted, h, limits);
    // Where recent counts failed, as fractions of the key space: keys bunched there overflow the
    // shard holding that point at the next counts too, which one shard's check finds in O(log K)
    // before the layout is walked. The latest failure is tried first.
    const witnesses: number[] = [];
    for (let n = Math.max(1, from); n <= to; n++) {
      if (!mayFit(n)) continue;
      let ruledOut = false;
      for (let w = 0; w < witnesses.length && !ruledOut; w++) {
        const j = Math.min(n - 1, Math.floor(witnesses[w]! * n));
        if (!model.shardFits(n, j, limits)) {
          ruledOut = true;
          if (w > 0) witnesses.unshift(...witnesses.splice(w, 1));
        }
      }
      if (ruledOut) continue;
      const check = model.fit(n, limits);
      if (check.fits) return n;
      witnesses.unshift((check.worstShard + 0.5) / n);
      if (witnesses.length > WITNESSES) witnesses.pop();
    }
    return null;
  };

  let recommended: number | null = null;
  let readsApplied = false;
  let raisedByReads = false;
  if (readsFixable) {
    recommended = search(Math.max(required, readFloor), MAX_SHARDS, both);
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

/**
 * Moves each salted key's load off its shard and onto its pieces' shards at n shards, in place:
 * the change following the plan's advice makes (each piece takes 1/pieces of the key).
 */
function applySalting(
  salted: readonly SaltedKey[],
  n: number,
  records: Float64Array,
  bytes: Float64Array,
): void {
  for (const k of salted) {
    const s = shardOfPosition(k.position, k.hashKey, n);
    records[s]! -= k.recordsPerSecond;
    bytes[s]! -= k.bytesPerSecond;
    for (const piece of k.pieces) {
      const p = shardOfPosition(piece.position, piece.hashKey, n);
      records[p]! += k.recordsPerSecond / k.pieces.length;
      bytes[p]! += k.bytesPerSecond / k.pieces.length;
    }
  }
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
  /** For an estimate: how far the 5% and 95% quantiles of `utilization` lie from it, relatively. */
  relativeError: number;
}

/** A key too hot for one shard, with the hash keys of the pieces the plan advises salting it into. */
interface SaltedKey {
  position: number;
  hashKey: bigint;
  recordsPerSecond: number;
  bytesPerSecond: number;
  pieces: { hashKey: bigint; position: number }[];
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

/**
 * Each shard's load at n even shards. Keys hashed one by one are placed exactly; keys beyond the
 * exact limit (the tail of a huge distribution) are spread: shard j's tail share is a sum of
 * independent terms, key i landing there with probability 1/n, so it has mean tail/n and variance
 * Σ w_i² · (1/n)(1 − 1/n), the same for every shard. With thousands of tail keys a shard that sum
 * is close to normal; shards are taken as independent (they are slightly negatively correlated,
 * summing to 1, so the model errs a little high). Then P(every shard ≤ x) = Π_j Φ((x − μ_j)/σ),
 * and the hottest shard is reported at the median of that distribution, with its 5%–95% range.
 */
class LoadModel {
  private readonly sdRecordsPerShard: (n: number) => number;
  private readonly sdBytesPerShard: (n: number) => number;
  readonly estimating: boolean;

  constructor(
    private readonly rates: readonly Rates[],
    private readonly salted: readonly SaltedKey[],
    private readonly h: number,
  ) {
    let varRecords = 0;
    let varBytes = 0;
    for (const r of rates) {
      varRecords += r.records * r.records * r.placed.spreadSumSquaredShares;
      varBytes += r.bytes * r.bytes * r.placed.spreadSumSquaredShares;
    }
    this.estimating = varRecords > 0 || varBytes > 0;
    this.sdRecordsPerShard = (n) => Math.sqrt(varRecords * (1 / n) * (1 - 1 / n));
    this.sdBytesPerShard = (n) => Math.sqrt(varBytes * (1 / n) * (1 - 1 / n));
  }

  /** Mean records and bytes of every shard, unsalted and with the salted keys' pieces. */
  private means(n: number) {
    const { records, bytes } = shardLoadsOf(this.rates, n, 0);
    const saltedRecords = Float64Array.from(records);
    const saltedBytes = Float64Array.from(bytes);
    // The change salting makes: each salted key leaves its shard, its pieces land on theirs.
    applySalting(this.salted, n, saltedRecords, saltedBytes);
    return { records, bytes, saltedRecords, saltedBytes };
  }

  /** What salting changes at n: shard → [records, bytes] added (negative where a salted key leaves). */
  private saltDeltas(n: number): Map<number, [number, number]> {
    const deltas = new Map<number, [number, number]>();
    const add = (s: number, records: number, bytes: number) => {
      const d = deltas.get(s);
      if (d === undefined) deltas.set(s, [records, bytes]);
      else {
        d[0] += records;
        d[1] += bytes;
      }
    };
    for (const k of this.salted) {
      add(shardOfPosition(k.position, k.hashKey, n), -k.recordsPerSecond, -k.bytesPerSecond);
      for (const piece of k.pieces) {
        add(
          shardOfPosition(piece.position, piece.hashKey, n),
          k.recordsPerSecond / k.pieces.length,
          k.bytesPerSecond / k.pieces.length,
        );
      }
    }
    return deltas;
  }

  /** Salted shard j alone: does its mean load fit `limits` with headroom? O(producers × log K). */
  shardFits(n: number, j: number, limits: Limits): boolean {
    let records = 0;
    let bytes = 0;
    for (const r of this.rates) {
      const share = shareOfShard(r.placed, j, n);
      records += r.records * share;
      bytes += r.bytes * share;
    }
    for (const k of this.salted) {
      if (shardOfPosition(k.position, k.hashKey, n) === j) {
        records -= k.recordsPerSecond;
        bytes -= k.bytesPerSecond;
      }
      for (const piece of k.pieces) {
        if (shardOfPosition(piece.position, piece.hashKey, n) === j) {
          records += k.recordsPerSecond / k.pieces.length;
          bytes += k.bytesPerSecond / k.pieces.length;
        }
      }
    }
    return utilizationOf(records, bytes, limits) * this.h <= 1 + 1e-9;
  }

  /**
   * Whether every shard, salted as advised, fits `limits` with headroom (for an estimate: whether
   * the median hottest shard does), and the worst shard.
   */
  fit(n: number, limits: Limits): { fits: boolean; worstShard: number } {
    // Shard by shard, stopping at the first over the limit: counts that fail (nearly all the
    // search sees) rarely need the whole layout.
    const walkers = this.rates.map((r) => ({ rate: r, next: shardShareWalker(r.placed, n) }));
    const deltas = this.saltDeltas(n);
    const level = (1 + 1e-9) / this.h;
    for (let s = 0; s < n; s++) {
      let records = 0;
      let bytes = 0;
      for (const w of walkers) {
        const share = w.next();
        records += w.rate.records * share;
        bytes += w.rate.bytes * share;
      }
      const d = deltas.get(s);
      if (d !== undefined) {
        records += d[0];
        bytes += d[1];
      }
      if (utilizationOf(records, bytes, limits) > level) return { fits: false, worstShard: s };
    }
    if (!this.estimating) return { fits: true, worstShard: 0 };
    const { saltedRecords, saltedBytes } = this.means(n);
    let worstShard = 0;
    let worst = -1;
    for (let s = 0; s < n; s++) {
      const u = utilizationOf(saltedRecords[s]!, saltedBytes[s]!, limits);
      if (u > worst) {
        worst = u;
        worstShard = s;
      }
    }
    if (worst > level) return { fits: false, worstShard };
    const logP = this.logProbabilityAllUnder(saltedRecords, saltedBytes, limits, level, n);
    return { fits: logP >= Math.log(ESTIMATE_QUANTILE), worstShard };
  }

  /**
   * ln P(every shard's utilisation ≤ x) under the normal model. A shard is under x when both its
   * records and its bytes are; for one producer the two move together (bytes = records × record
   * bytes), so the chance is that of the tighter one, Φ(min(z_records, z_bytes)).
   */
  private logProbabilityAllUnder(
    records: Float64Array,
    bytes: Float64Array,
    limits: Limits,
    x: number,
    n: number,
  ): number {
    const sdR = this.sdRecordsPerShard(n);
    const sdB = this.sdBytesPerShard(n);
    let sum = 0;
    for (let s = 0; s < n; s++) {
      const zR =
        sdR > 0
          ? (x * limits.records - records[s]!) / sdR
          : records[s]! <= x * limits.records
            ? Infinity
            : -Infinity;
      const zB =
        sdB > 0 ? (x * limits.bytes - bytes[s]!) / sdB : bytes[s]! <= x * limits.bytes ? Infinity : -Infinity;
      const z = Math.min(zR, zB);
      if (z === Number.NEGATIVE_INFINITY) return z;
      if (z < REACH) sum += logNormalCdf(z);
    }
    return sum;
  }

  /** The quantile q of the hottest shard's utilisation (bisection: P(max ≤ x) grows with x). */
  private quantileOfMax(
    records: Float64Array,
    bytes: Float64Array,
    n: number,
    q: number,
    meanMax: number,
  ): number {
    const reach =
      REACH * Math.max(this.sdRecordsPerShard(n) / WRITE_RECORDS, this.sdBytesPerShard(n) / WRITE_BYTES);
    let lo = meanMax - reach;
    let hi = meanMax + reach + 1e-12;
    const target = Math.log(q);
    for (let i = 0; i < 60 && hi - lo > 1e-12 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (this.logProbabilityAllUnder(records, bytes, WRITE_LIMITS, mid, n) < target) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** The hottest shard at n, as the plan reports it. */
  load(n: number): ShardLoad {
    const { records, bytes, saltedRecords, saltedBytes } = this.means(n);
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
      const f = utilization(saltedRecords[s]!, saltedBytes[s]!);
      if (f > fit) {
        fit = f;
        fitShard = s;
      }
      totalRecords += records[s]!;
      totalBytes += bytes[s]!;
    }
    let hot = Math.max(0, max);
    let hotSalted = Math.max(0, fit);
    let relativeError = 0;
    // The shard with the heaviest mean stands for whichever turns out hottest; its records and
    // bytes are scaled to the estimated utilisation.
    let scale = 1;
    if (this.estimating) {
      const median = this.quantileOfMax(records, bytes, n, ESTIMATE_QUANTILE, hot);
      const [low, high] = ERROR_QUANTILES.map((q) => this.quantileOfMax(records, bytes, n, q, hot)) as [
        number,
        number,
      ];
      relativeError = median > 0 ? Math.max(high - median, median - low) / median : 0;
      scale = hot > 0 ? median / hot : 1;
      hot = median;
      hotSalted = this.quantileOfMax(saltedRecords, saltedBytes, n, ESTIMATE_QUANTILE, hotSalted);
    }
    return {
      shardCount: n,
      shard,
      records: records[shard]! * scale,
      bytes: bytes[shard]! * scale,
      utilization: hot,
      average: utilization(totalRecords / n, totalBytes / n),
      fitUtilization: hotSalted,
      fitShard,
      relativeError,
    };
  }
}

/**
 * A necessary condition for `n` shards to fit, cheap enough to try every count: the heavy keys
 * that can have headroom and the salted keys' pieces, with the records spread evenly by range
 * width, already overflow no shard. Every other record only adds load, so a count this rules out cannot fit.
 */
function heavyKeysMayFit(
  rates: readonly Rates[],
  keys: readonly (HotKey & { position: number; hashKey: bigint })[],
  salted: readonly SaltedKey[],
  h: number,
  limits: Limits,
): (n: number) => boolean {
  let spreadRecords = 0;
  let spreadBytes = 0;
  for (const r of rates) {
    spreadRecords += r.records * r.placed.spreadShare;
    spreadBytes += r.bytes * r.placed.spreadShare;
  }
  // A little slack, so that floating-point dust never rules out a count the exact check accepts.
  const limit = 1 + 1e-6;
  // The heaviest keys that can have headroom. Any subset keeps the condition necessary; a few
  // hundred rule out as many counts as all 2,000 do in practice, at a tenth of the cost (the exact
  // check, with its witnesses, rules out the rest).
  const fixable = keys
    .filter((k) => k.saltingFactor === 1)
    .sort((a, b) => b.shardUtilization - a.shardUtilization)
    .slice(0, PREFILTER_KEYS);
  // Pieces of salted keys by position in the key space (a fraction): floor(position × n) places
  // them, exactly but for keys within 2^-50 of a boundary, which a prefilter can afford.
  const pieces = salted.flatMap((k) =>
    k.pieces.map((piece) => ({
      position: hashFraction(piece.hashKey),
      records: k.recordsPerSecond / k.pieces.length,
      bytes: k.bytesPerSecond / k.pieces.length,
    })),
  );
  // The keys and pieces in typed arrays, heaviest keys first (this runs for every count the search
  // tries, up to ~10,000 of them, over up to 2,000 keys: keep it a tight loop). utilisation × h =
  // max(records × h ÷ record limit, bytes × h ÷ byte limit).
  const keyCount = fixable.length;
  const count = keyCount + pieces.length;
  const positions = new Float64Array(count);
  const keyRecords = new Float64Array(count);
  const keyBytes = new Float64Array(count);
  const hashKeys = fixable.map((k) => k.hashKey);
  fixable.forEach((k, i) => {
    positions[i] = k.position;
    keyRecords[i] = k.recordsPerSecond;
    keyBytes[i] = k.bytesPerSecond;
  });
  pieces.forEach((piece, i) => {
    positions[keyCount + i] = piece.position;
    keyRecords[keyCount + i] = piece.records;
    keyBytes[keyCount + i] = piece.bytes;
  });
  const perRecord = h / limits.records;
  const perByte = h / limits.bytes;
  // Scratch per shard, valid where its stamp is this call's (no clearing, no allocation per count).
  const records = new Float64Array(MAX_SHARDS + 1);
  const bytes = new Float64Array(MAX_SHARDS + 1);
  const stamps = new Int32Array(MAX_SHARDS + 1);
  let stamp = 0;
  return (n) => {
    stamp++;
    const baseRecords = spreadRecords / n;
    const baseBytes = spreadBytes / n;
    if (baseRecords * perRecord > limit || baseBytes * perByte > limit) return false;
    for (let i = 0; i < count; i++) {
      // Keys exactly as the exact check places them; salted pieces by floor(position × n).
      const s =
        i < keyCount
          ? shardOfPosition(positions[i]!, hashKeys[i]!, n)
          : Math.min(n - 1, Math.floor(positions[i]! * n));
      if (stamps[s] !== stamp) {
        stamps[s] = stamp;
        records[s] = baseRecords;
        bytes[s] = baseBytes;
      }
      const r = records[s]! + keyRecords[i]!;
      const b = bytes[s]! + keyBytes[i]!;
      records[s] = r;
      bytes[s] = b;
      if (r * perRecord > limit || b * perByte > limit) return false;
    }
    return true;
  };
}
