/**
 * Per-shard load of a key distribution: which fraction of a producer's records each shard gets,
 * and which keys are heavy enough to matter on their own.
 *
 * Enumerable keys are named, hashed as Kinesis hashes them (MD5 of the UTF-8 name, or the
 * ExplicitHashKey) and placed in their shard, so the load is the one the real stream would see.
 * Above `exactKeyLimit` keys, only the heaviest keys are placed one by one and the rest (the tail)
 * is spread over the shards in proportion to their hash-range widths, with the variance that
 * spreading has (see `TailEstimate`). Unique keys (a new random key per record) spread exactly by
 * range width.
 */
import { parseExplicitHashKey } from '../aws/hash.js';
import type { KeyDistribution } from '../scenario/schema.js';
import {
  type GeneratedKeyDistribution,
  type GeneratedKeys,
  generatedKeys,
  generatedMeanKeyBytes,
  maxKeyBytes,
  routingIdentity,
  type UniqueKeys,
  type WeightedKeys,
} from './distribution.js';
import {
  hashKeyOfWords,
  inLayoutOrder,
  positionOfHashKey,
  positionOfTopBits,
  type RangeTable,
  resolveLayout,
  type ShardLayout,
} from './layout.js';
import { Md5 } from './md5.js';
import { keyName, TemplateEncoder } from './template.js';

/** Options of `keyLoad`. */
export interface KeyLoadOptions {
  /** Every key above this share of the producer's records is listed in `hotKeys` (default 0.01). */
  hotKeyShareThreshold?: number;
  /** `hotKeys` lists at least this many of the heaviest keys (default 10). */
  topKeys?: number;
  /** Distributions with more keys than this are estimated instead of enumerated (default 2,000,000). */
  exactKeyLimit?: number;
  /**
   * For an estimate: how many of the heaviest keys are still placed one by one (default 10,000;
   * more if `topKeys` or the threshold ask for more, at most `exactKeyLimit`).
   */
  analyticalHeadKeys?: number;
}

const DEFAULTS = {
  hotKeyShareThreshold: 0.01,
  topKeys: 10,
  exactKeyLimit: 2_000_000,
  analyticalHeadKeys: 10_000,
} as const satisfies Required<KeyLoadOptions>;

/** A key heavy enough to be looked at on its own. */
export interface HotKey {
  /** The partition key. */
  key: string;
  /** Its index: from the template, or its first position in a weighted list. */
  index: number;
  /** Its share of the producer's records. */
  share: number;
  /** The shard it lands on (a position in the layout's shard order). */
  shard: number;
  /** The hash key it is routed by: MD5 of its name, or its ExplicitHashKey. */
  hashKey: bigint;
}

/**
 * The part of an estimated load that was spread by hash-range width. Each tail key lands on shard
 * j with probability width_j, so shard j's tail share has mean share·width_j and variance
 * Σ_i w_i²·width_j·(1 − width_j) over the tail keys' shares w_i.
 */
export interface TailEstimate {
  /** Keys in the tail. */
  keyCount: number | 'unbounded';
  /** Their combined share. */
  share: number;
  /** Σ w_i² over the tail keys (0 for unique keys: each record is its own key). */
  sumSquaredShares: number;
  /** Variance of each shard's share, in the layout's shard order. */
  shardVariance: Float64Array;
}

/** How a producer's records spread over the shards. */
export interface KeyLoad {
  /** Fraction of the producer's records landing on each shard (layout order); sums to 1. */
  shardShares: Float64Array;
  /** The heaviest keys, heaviest first (ties by index): the top `topKeys` and all above the threshold. */
  hotKeys: HotKey[];
  /** The share of the heaviest key (0 for unique keys). */
  maxKeyShare: number;
  /** Mean UTF-8 bytes of the partition key per record. */
  meanKeyBytes: number;
  /** UTF-8 bytes of the longest key that carries records. */
  maxKeyBytes: number;
  /** `exact`: every key placed; `analytical`: the tail (or every unique key) spread by range width. */
  method: 'exact' | 'analytical';
  /** Distinct keys carrying records. */
  distinctKeys: number | 'unbounded';
  /** For `analytical`: what was spread, and how uncertain each shard's share is. */
  tail?: TailEstimate;
}

/**
 * How the records of one producer's key distribution spread over a stream's shards.
 *
 * @param layout `{ shardCount }` for an even split, or `{ ranges }` for any set of open shards.
 * @throws RangeError when the layout's ranges overlap or leave gaps, or an option is out of range.
 */
export function keyLoad(dist: KeyDistribution, layout: ShardLayout, options: KeyLoadOptions = {}): KeyLoad {
  const settings = resolveOptions(options);
  const table = resolveLayout(layout);
  switch (dist.dist) {
    case 'unique':
      return uniqueLoad(dist, table);
    case 'weighted':
      return weightedLoad(dist, table, settings);
    default:
      return generatedLoad(dist, table, settings);
  }
}

function resolveOptions(options: KeyLoadOptions): Required<KeyLoadOptions> {
  // `??` rather than a spread: an option passed as undefined keeps its default.
  const settings = {
    hotKeyShareThreshold: options.hotKeyShareThreshold ?? DEFAULTS.hotKeyShareThreshold,
    topKeys: options.topKeys ?? DEFAULTS.topKeys,
    exactKeyLimit: options.exactKeyLimit ?? DEFAULTS.exactKeyLimit,
    analyticalHeadKeys: options.analyticalHeadKeys ?? DEFAULTS.analyticalHeadKeys,
  };
  if (!(settings.hotKeyShareThreshold >= 0)) {
    throw new RangeError(`hotKeyShareThreshold must be ≥ 0, got ${settings.hotKeyShareThreshold}`);
  }
  for (const name of ['topKeys', 'exactKeyLimit', 'analyticalHeadKeys'] as const) {
    const value = settings[name];
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------

function generatedLoad(
  dist: GeneratedKeyDistribution,
  table: RangeTable,
  settings: Required<KeyLoadOptions>,
): KeyLoad {
  const keys = generatedKeys(dist);
  const encoder = new TemplateEncoder(keys.template);
  const hasher = new Md5(encoder.bytesOf(keys.count - 1));
  const exact = keys.count <= settings.exactKeyLimit;
  const listed = Math.max(settings.topKeys, keys.countAbove(settings.hotKeyShareThreshold));
  const placed = exact
    ? keys.count
    : Math.min(keys.count, settings.exactKeyLimit, Math.max(settings.analyticalHeadKeys, listed));

  const shares = new Float64Array(table.shardCount);
  for (const [from, to] of keys.heaviest(placed)) {
    const positions = placeGeneratedKeys(encoder, hasher, table, from, to);
    addShares(shares, positions, keys, from);
  }

  let tail: TailEstimate | undefined;
  if (!exact) {
    const rest = keys.tail(placed);
    const variance = new Float64Array(table.shardCount);
    for (let j = 0; j < table.shardCount; j++) {
      const width = table.widths[j]!;
      shares[j] = shares[j]! + rest.share * width;
      variance[j] = rest.sumSquaredShares * width * (1 - width);
    }
    tail = {
      keyCount: keys.count - placed,
      share: rest.share,
      sumSquaredShares: rest.sumSquaredShares,
      shardVariance: inLayoutOrder(table, variance),
    };
  }

  const hotKeys: HotKey[] = [];
  const hashOf = createKeyHasher();
  for (const [from, to] of keys.heaviest(Math.min(listed, placed))) {
    for (let i = from; i < to; i++) {
      const share = keys.shareOf(i);
      if (share > 0) hotKeys.push(hotKeyOf(keyName(keys.template, i), i, share, undefined, table, hashOf));
    }
  }
  hotKeys.sort(heaviestFirst);

  const heaviestIndex = keys.heaviest(1)[0]![0];
  return {
    shardShares: inLayoutOrder(table, shares),
    hotKeys,
    maxKeyShare: keys.shareOf(heaviestIndex),
    meanKeyBytes: generatedMeanKeyBytes(keys, encoder),
    maxKeyBytes: maxKeyBytes(dist),
    method: exact ? 'exact' : 'analytical',
    distinctKeys: keys.activeKeys,
    ...(tail === undefined ? {} : { tail }),
  };
}

/** The sorted shard position of every key with index in [from, to). The hot loop of the module. */
function placeGeneratedKeys(
  encoder: TemplateEncoder,
  hasher: Md5,
  table: RangeTable,
  from: number,
  to: number,
): Int32Array {
  const positions = new Int32Array(Math.max(0, to - from));
  if (to <= from) return positions;
  // Indices grow, so the last name is the longest: reserve once, and the buffer stays put.
  hasher.reserve(encoder.bytesOf(to - 1));
  const buffer = hasher.buffer;
  const words = hasher.words;
  for (let i = from; i < to; i++) {
    hasher.digest(encoder.encode(i, buffer));
    let position = positionOfTopBits(table, words[0]!, words[1]!);
    if (position < 0) position = positionOfHashKey(table, hashKeyOfWords(words));
    positions[i - from] = position;
  }
  return positions;
}

function addShares(shares: Float64Array, positions: Int32Array, keys: GeneratedKeys, from: number): void {
  for (let k = 0; k < positions.length; k++) {
    const position = positions[k]!;
    shares[position] = shares[position]! + keys.shareOf(from + k);
  }
}

// ---------------------------------------------------------------------------------------------

function weightedLoad(dist: WeightedKeys, table: RangeTable, settings: Required<KeyLoadOptions>): KeyLoad {
  // Entries naming the same key routed the same way are one key: their weights add.
  const merged = new Map<string, number>();
  const names: string[] = [];
  const explicit: (string | undefined)[] = [];
  const firstIndex: number[] = [];
  const weights: number[] = [];
  let totalWeight = 0;
  dist.keys.forEach((entry, index) => {
    totalWeight += entry.weight;
    const identity = routingIdentity(entry.key, entry.explicitHashKey);
    const known = merged.get(identity);
    if (known !== undefined) {
      weights[known]! += entry.weight;
      return;
    }
    merged.set(identity, names.length);
    names.push(entry.key);
    explicit.push(entry.explicitHashKey);
    firstIndex.push(index);
    weights.push(entry.weight);
  });

  const count = names.length;
  const keyShares = Float64Array.from(weights, (w) => w / totalWeight);
  const shares = new Float64Array(table.shardCount);
  const hasher = new Md5();
  const utf8 = new TextEncoder();
  let meanBytes = 0;
  let longest = 0;
  for (let k = 0; k < count; k++) {
    const name = names[k]!;
    const explicitHashKey = explicit[k];
    hasher.reserve(name.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const bytes = utf8.encodeInto(name, hasher.buffer).written;
    let position: number;
    if (explicitHashKey !== undefined) {
      position = positionOfHashKey(table, parseExplicitHashKey(explicitHashKey));
    } else {
      hasher.digest(bytes);
      position = positionOfTopBits(table, hasher.words[0]!, hasher.words[1]!);
      if (position < 0) position = positionOfHashKey(table, hashKeyOfWords(hasher.words));
    }
    shares[position] = shares[position]! + keyShares[k]!;
    meanBytes += keyShares[k]! * bytes;
    longest = Math.max(longest, bytes);
  }

  const listed = Math.min(
    count,
    Math.max(settings.topKeys, countAbove(keyShares, settings.hotKeyShareThreshold)),
  );
  const hashOf = createKeyHasher();
  const hotKeys = heaviestIndices(keyShares, listed).map((k) =>
    hotKeyOf(names[k]!, firstIndex[k]!, keyShares[k]!, explicit[k], table, hashOf),
  );

  return {
    shardShares: inLayoutOrder(table, shares),
    hotKeys,
    maxKeyShare: keyShares.reduce((max, share) => Math.max(max, share), 0),
    meanKeyBytes: meanBytes,
    maxKeyBytes: longest,
    method: 'exact',
    distinctKeys: count,
  };
}

function countAbove(shares: Float64Array, threshold: number): number {
  let n = 0;
  for (const share of shares) if (share > threshold) n++;
  return n;
}

/** Indices of the `n` largest shares, heaviest first, ties by index. */
/** Indices of the `n` largest shares, heaviest first (ties by index); fewer when there are fewer. */
export function heaviestIndices(shares: Float64Array, wanted: number): number[] {
  const n = Math.min(wanted, shares.length);
  if (n <= 0) return [];
  // The n-th largest share by a numeric sort, then one pass: no comparator sort over every key.
  const cut = Float64Array.from(shares).sort()[shares.length - n]!;
  const chosen: number[] = [];
  for (let k = 0; k < shares.length; k++) if (shares[k]! > cut) chosen.push(k);
  for (let k = 0; k < shares.length && chosen.length < n; k++) if (shares[k] === cut) chosen.push(k);
  return chosen.sort((x, y) => shares[y]! - shares[x]! || x - y);
}

// ---------------------------------------------------------------------------------------------

function uniqueLoad(dist: UniqueKeys, table: RangeTable): KeyLoad {
  // A new random key per record: the hash keys are uniform over the space, so each shard gets its
  // range's width. No key repeats, so none is hot, and the spread has no key-level variance.
  return {
    shardShares: inLayoutOrder(table, table.widths),
    hotKeys: [],
    maxKeyShare: 0,
    meanKeyBytes: dist.length,
    maxKeyBytes: dist.length,
    method: 'analytical',
    distinctKeys: 'unbounded',
    tail: {
      keyCount: 'unbounded',
      share: 1,
      sumSquaredShares: 0,
      shardVariance: new Float64Array(table.shardCount),
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** Hashes one key at a time, exactly as `hashKeyOf` in src/aws/hash.ts, without its per-call cost. */
function createKeyHasher(): (key: string) => bigint {
  const hasher = new Md5();
  const utf8 = new TextEncoder();
  return (key) => {
    hasher.reserve(key.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    hasher.digest(utf8.encodeInto(key, hasher.buffer).written);
    return hashKeyOfWords(hasher.words);
  };
}

function hotKeyOf(
  key: string,
  index: number,
  share: number,
  explicitHashKey: string | undefined,
  table: RangeTable,
  hashOf: (key: string) => bigint,
): HotKey {
  const hashKey = explicitHashKey === undefined ? hashOf(key) : parseExplicitHashKey(explicitHashKey);
  return { key, index, share, shard: table.shardAt[positionOfHashKey(table, hashKey)]!, hashKey };
}

function heaviestFirst(x: HotKey, y: HotKey): number {
  return y.share - x.share || x.index - y.index;
}
