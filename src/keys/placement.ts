/**
 * Keys hashed once, placed on any number of evenly split shards cheaply. The planner's search for
 * the smallest shard count that fits evaluates many counts; hashing millions of keys for each would
 * cost seconds a count, while hashed keys kept in hash order give any shard's load by two binary
 * searches.
 *
 * The keys are held in hash order as the top 32 bits of their hash keys, with a running sum of
 * their shares. At n even shards, shard i starts at b_i = floor(i·2^128/n), whose top 32 bits are
 * B_i = floor(floor(i·2^128/n)/2^96) = floor(i·2^32/n) (an exact double for n < 2^20). A key whose
 * top 32 bits are below B_i hashes below b_i; one above B_i hashes at or above (B_i + 1)·2^96 > b_i.
 * Only keys whose top 32 bits equal B_i (about K·2^−32 a boundary: 0.002 for 10 million keys) need
 * their full hash key, which decides them exactly as `shardIndexOf` does. Placement is therefore
 * exact, and shard i's share is prefix(below b_{i+1}) − prefix(below b_i): O(log K) a shard.
 *
 * Memory: 16 bytes a key (top bits, key number, running share), typed arrays only, so 10 million
 * keys take 160 MB; the sort needs 80 MB more while it runs.
 */

import { hashKeyOf, parseExplicitHashKey, shardIndexOf } from '../aws/hash.js';
import { lowerBound } from '../numbers.js';
import type { KeyDistribution } from '../scenario/schema.js';
import { generatedKeys, routingIdentity } from './distribution.js';
import { Md5 } from './md5.js';
import { keyName, TemplateEncoder } from './template.js';

const TWO_POW_32 = 2 ** 32;
const TWO_POW_64 = 2 ** 64;
/** Positions this close (as a fraction of a shard) to a boundary are placed by the full hash key. */
const BOUNDARY_EPSILON = 1e-6;

export interface PlacedKeys {
  /** Keys placed one by one (numbered 0 … count − 1; heaviest first for generated distributions). */
  count: number;
  /** Top 32 bits of each placed key's hash key, ascending: the keys in hash order. */
  top: Uint32Array;
  /** The key number at each hash-order position. */
  order: Int32Array;
  /** prefix[j]: Σ shares of the first j keys in hash order (a compensated sum: exact to an ulp). */
  prefix: Float64Array;
  /** Share of the producer's records carried by placed key k. */
  shareOf(k: number): number;
  /** Share carried by keys not placed one by one (unique keys, or the tail of a huge distribution), spread by range width. */
  spreadShare: number;
  /**
   * Σ w² over the spread keys' shares w (0 for unique keys, whose every record is a new key): each
   * such key lands on shard j of n with probability 1/n, so shard j's spread share has variance
   * spreadSumSquaredShares · (1/n)(1 − 1/n).
   */
  spreadSumSquaredShares: number;
  /** The name and full hash key of placed key k (memoised). */
  keyOf(k: number): { key: string; hashKey: bigint };
  method: 'exact' | 'analytical';
  /** True when key numbers follow the heaviest first (generated distributions). */
  heaviestFirst: boolean;
}

export interface PlaceOptions {
  /** Distributions with more keys than this place only their heaviest `headKeys` (default 10,000,000). */
  exactKeyLimit?: number;
  /** Keys placed one by one above the limit (default 1,000,000). */
  headKeys?: number;
}

/**
 * Distributions up to this many keys are hashed one by one (10 million plan in about 4 s:
 * bench/run.ts); above it the heaviest `HEAD_KEYS` are, and the rest is estimated.
 */
export const EXACT_KEY_LIMIT = 10_000_000;
/** Keys hashed one by one in a distribution above the limit. */
export const HEAD_KEYS = 1_000_000;

/**
 * Every producer's keys placed once, by producer name. Placement is pure and costs ~0.35 µs a
 * key, so a run plans and simulates with one placement instead of hashing every key twice.
 */
export function placeProducerKeys(
  producers: readonly { name: string; keys: KeyDistribution }[],
  options: PlaceOptions = {},
): Map<string, PlacedKeys> {
  return new Map(producers.map((p) => [p.name, placeKeys(p.keys, options)]));
}

/** Hashes a distribution's keys (all of them, or the heaviest when there are too many). */
export function placeKeys(dist: KeyDistribution, options: PlaceOptions = {}): PlacedKeys {
  const exactKeyLimit = options.exactKeyLimit ?? EXACT_KEY_LIMIT;
  const headKeys = options.headKeys ?? HEAD_KEYS;
  if (dist.dist === 'unique') {
    return {
      count: 0,
      top: new Uint32Array(0),
      order: new Int32Array(0),
      prefix: new Float64Array(1),
      shareOf: () => 0,
      spreadShare: 1,
      spreadSumSquaredShares: 0,
      keyOf: () => {
        throw new RangeError('unique keys are not placed one by one');
      },
      method: 'analytical',
      heaviestFirst: true,
    };
  }
  if (dist.dist === 'weighted') {
    const merged = new Map<string, number>();
    const names: string[] = [];
    const hashes: bigint[] = [];
    const weights: number[] = [];
    let total = 0;
    for (const entry of dist.keys) {
      total += entry.weight;
      const identity = routingIdentity(entry.key, entry.explicitHashKey);
      const known = merged.get(identity);
      if (known !== undefined) {
        weights[known]! += entry.weight;
        continue;
      }
      merged.set(identity, names.length);
      names.push(entry.key);
      hashes.push(
        entry.explicitHashKey === undefined
          ? hashKeyOf(entry.key)
          : parseExplicitHashKey(entry.explicitHashKey),
      );
      weights.push(entry.weight);
    }
    const shares = Float64Array.from(weights, (w) => w / total);
    const top = Uint32Array.from(hashes, (h) => Number(h >> 96n));
    const { order, prefix } = hashOrder(top, (k) => shares[k]!);
    return {
      count: names.length,
      top,
      order,
      prefix,
      shareOf: (k) => shares[k]!,
      spreadShare: 0,
      spreadSumSquaredShares: 0,
      keyOf: (k) => ({ key: names[k]!, hashKey: hashes[k]! }),
      method: 'exact',
      heaviestFirst: false,
    };
  }
  const keys = generatedKeys(dist);
  const exact = keys.count <= exactKeyLimit;
  const placed = exact ? keys.count : Math.min(keys.count, headKeys);
  // Key number k is the k-th index of these ranges (heaviest first, at most two ranges).
  const ranges = keys.heaviest(placed).filter(([from, to]) => to > from);
  const firstKey: number[] = [];
  let count = 0;
  for (const [from, to] of ranges) {
    firstKey.push(count);
    count += to - from;
  }
  const indexOf = (k: number): number => {
    let r = ranges.length - 1;
    while (r > 0 && k < firstKey[r]!) r--;
    return ranges[r]![0] + (k - firstKey[r]!);
  };
  const top = new Uint32Array(count);
  const encoder = new TemplateEncoder(keys.template);
  const hasher = new Md5(encoder.bytesOf(Math.max(0, keys.count - 1)));
  let k = 0;
  for (const [from, to] of ranges) {
    hasher.reserve(encoder.bytesOf(to - 1));
    const buffer = hasher.buffer;
    const words = hasher.words;
    for (let i = from; i < to; i++, k++) {
      hasher.digest(encoder.encode(i, buffer));
      top[k] = words[0]!;
    }
  }
  // One share for every key (uniform, or a hot set's equal keys) makes the running sum j × share.
  const first = count > 0 ? keys.shareOf(indexOf(0)) : 0;
  const equal = count > 0 && keys.shareOf(indexOf(count - 1)) === first;
  const shareOf = equal ? () => first : (j: number) => keys.shareOf(indexOf(j));
  const { order, prefix } = hashOrder(top, shareOf, equal ? first : undefined);
  const rest = exact ? { share: 0, sumSquaredShares: 0 } : keys.tail(placed);
  const known = new Map<number, { key: string; hashKey: bigint }>();
  return {
    count,
    top,
    order,
    prefix,
    shareOf,
    spreadShare: rest.share,
    spreadSumSquaredShares: rest.sumSquaredShares,
    keyOf: (j) => {
      let entry = known.get(j);
      if (entry === undefined) {
        const key = keyName(keys.template, indexOf(j));
        entry = { key, hashKey: hashKeyOf(key) };
        known.set(j, entry);
      }
      return entry;
    },
    method: exact ? 'exact' : 'analytical',
    heaviestFirst: true,
  };
}

/**
 * Sorts keys by their top 32 bits in place (two stable counting passes of 16 bits: O(K) whatever
 * the keys, ExplicitHashKeys bunched together included) and returns each position's key number and
 * the running share in that order.
 */
function hashOrder(
  top: Uint32Array,
  shareOf: (k: number) => number,
  equalShare?: number,
): { order: Int32Array; prefix: Float64Array } {
  const count = top.length;
  let order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  let keys: Uint32Array = top;
  let spareKeys: Uint32Array = new Uint32Array(count);
  let spareOrder = new Int32Array(count);
  const counts = new Int32Array(65_537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let k = 0; k < count; k++) counts[((keys[k]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65_536; d++) counts[d + 1]! += counts[d]!;
    for (let k = 0; k < count; k++) {
      const j = counts[(keys[k]! >>> shift) & 0xffff]!++;
      spareKeys[j] = keys[k]!;
      spareOrder[j] = order[k]!;
    }
    [keys, spareKeys] = [spareKeys, keys];
    [order, spareOrder] = [spareOrder, order];
  }
  // Two passes: the sorted keys are back in the caller's array.
  const prefix = new Float64Array(count + 1);
  if (equalShare !== undefined) {
    for (let j = 1; j <= count; j++) prefix[j] = j * equalShare;
  } else {
    // Neumaier's compensated sum, so that a shard's share (a difference of two running sums of up
    // to millions of terms) keeps its digits.
    let sum = 0;
    let compensation = 0;
    for (let j = 0; j < count; j++) {
      const share = shareOf(order[j]!);
      const t = sum + share;
      compensation += Math.abs(sum) >= Math.abs(share) ? sum - t + share : share - t + sum;
      sum = t;
      prefix[j + 1] = sum + compensation;
    }
  }
  return { order, prefix };
}

/**
 * The top 32 bits of shard i's first hash key at n even shards: floor(i·2^32/n). In doubles the
 * quotient (below 2^32) is off by at most 2^−21, while its fraction r/n is at least 1/n from the
 * next integer: exact below 2^20 shards; BigInt division above.
 */
function boundaryTop(i: number, n: number): number {
  if (n < 2 ** 20) return Math.floor((i * TWO_POW_32) / n);
  return Number((BigInt(i) << 32n) / BigInt(n));
}

/**
 * Share of the placed keys hashing below shard i's first hash key at n even shards (0 for i = 0,
 * all of them for i = n), and the hash-order position past the keys this looked at. `from` is a
 * position no key below the boundary's window lies past (0, or the previous boundary's `next`).
 */
function shareBelow(placed: PlacedKeys, i: number, n: number, from = 0): { share: number; next: number } {
  const { top, prefix, count } = placed;
  if (i <= 0) return { share: 0, next: 0 };
  if (i >= n) return { share: prefix[count]!, next: count };
  const b = boundaryTop(i, n);
  const lo = lowerBound(top, b, from);
  let share = prefix[lo]!;
  let hi = lo;
  // Keys sharing the boundary's top 32 bits: their full hash key decides.
  while (hi < count && top[hi] === b) {
    const k = placed.order[hi]!;
    if (shardIndexOf(placed.keyOf(k).hashKey, n) < i) share += placed.shareOf(k);
    hi++;
  }
  return { share, next: lo };
}

/**
 * Each shard's share of the producer's records when `n` shards split the key space evenly; the
 * keys not placed one by one spread evenly (their expectation). O(n log K) with K placed keys.
 */
export function sharesOnEvenShards(placed: PlacedKeys, n: number, out = new Float64Array(n)): Float64Array {
  const next = shardShareWalker(placed, n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

/**
 * The shares of shards 0, 1, … of n in turn, one per call: `sharesOnEvenShards` a shard at a time,
 * for checks that stop at the first shard over its limit.
 */
export function shardShareWalker(placed: PlacedKeys, n: number): () => number {
  const even = placed.spreadShare / n;
  let below = 0;
  let from = 0;
  let i = 0;
  return () => {
    i++;
    const next = shareBelow(placed, i, n, from);
    const share = next.share - below + even;
    below = next.share;
    from = next.next;
    return share;
  };
}

/** Shard j's share at n even shards: O(log K). */
export function shareOfShard(placed: PlacedKeys, j: number, n: number): number {
  const low = shareBelow(placed, j, n);
  return shareBelow(placed, j + 1, n, low.next).share - low.share + placed.spreadShare / n;
}

/** A hash key's position as a fraction of the key space from its top 64 bits (for `shardOfPosition`). */
export function positionOfHash(hashKey: bigint): number {
  return Number(hashKey >> 64n) / TWO_POW_64;
}

/**
 * The shard of a key at n even shards from its position (`positionOfHash`), exactly as
 * `shardIndexOf`: floor(position × n), except within a hair of a boundary, where the full hash key
 * decides.
 */
export function shardOfPosition(position: number, hashKey: bigint, n: number): number {
  const x = position * n;
  const shard = Math.floor(x);
  const frac = x - shard;
  if (frac < BOUNDARY_EPSILON || frac > 1 - BOUNDARY_EPSILON || shard >= n) return shardIndexOf(hashKey, n);
  return shard;
}

/** The shard of placed key k at n even shards (exactly as `shardIndexOf`). */
export function shardOfPlaced(placed: PlacedKeys, k: number, n: number): number {
  const { hashKey } = placed.keyOf(k);
  return shardOfPosition(positionOfHash(hashKey), hashKey, n);
}
