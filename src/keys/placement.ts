/**
 * Keys hashed once, placed on any number of evenly split shards cheaply. The planner's search
 * for the smallest shard count whose hottest shard fits evaluates many counts; hashing a million
 * keys for each would cost ~300 ms a count, while re-placing hashed keys costs a few ms.
 *
 * Placement is exact: a key's shard at n shards is floor(position × n) from the top 64 bits of
 * its hash key, except within a hair of a boundary, where the full hash key decides
 * (`shardIndexOf` in src/aws/hash.ts).
 */
import { hashKeyOf, parseExplicitHashKey, shardIndexOf } from '../aws/hash.js';
import type { KeyDistribution } from '../scenario/schema.js';
import { generatedKeys, routingIdentity } from './distribution.js';
import { Md5 } from './md5.js';
import { keyName, TemplateEncoder } from './template.js';

const TWO_POW_64 = 2 ** 64;
/** Positions this close (as a fraction of a shard) to a boundary are placed by the full hash key. */
const BOUNDARY_EPSILON = 1e-6;

export interface PlacedKeys {
  /** Each placed key's hash key, top 64 bits, as a fraction of the key space in [0, 1). */
  positions: Float64Array;
  /** Each placed key's share of the producer's records. */
  shares: Float64Array;
  /** Share carried by keys not placed one by one (unique keys, or the tail of a huge distribution), spread by range width. */
  spreadShare: number;
  /** The name and full hash key of placed key k. */
  keyOf(k: number): { key: string; hashKey: bigint };
  method: 'exact' | 'analytical';
  /**
   * Placed keys in hash order: their indices, positions, and running share (prefix[j] = Σ shares
   * of the first j). Built on first use and kept: it pays off once a layout is evaluated many times.
   */
  byPosition(): ByPosition;
  /** Layouts evaluated so far (the hash-order view is built once this passes a threshold). */
  evaluations: number;
  /** True when `positions` lists the heaviest keys first (generated distributions). */
  heaviestFirst: boolean;
}

export interface PlaceOptions {
  /** Distributions with more keys than this place only their heaviest `headKeys` (default 2,000,000). */
  exactKeyLimit?: number;
  headKeys?: number;
}

export interface ByPosition {
  order: Int32Array;
  positions: Float64Array;
  prefix: Float64Array;
}

/** Memoises the hash-order view of a set of keys. */
function lazyByPosition(positions: Float64Array, shares: Float64Array): () => ByPosition {
  let built: ByPosition | undefined;
  return () => {
    built ??= sortByPosition(positions, shares);
    return built;
  };
}

/** Hashes a distribution's keys (all of them, or the heaviest when there are too many). */
export function placeKeys(dist: KeyDistribution, options: PlaceOptions = {}): PlacedKeys {
  const exactKeyLimit = options.exactKeyLimit ?? 2_000_000;
  const headKeys = options.headKeys ?? 10_000;
  if (dist.dist === 'unique') {
    return {
      positions: new Float64Array(0),
      shares: new Float64Array(0),
      spreadShare: 1,
      keyOf: () => {
        throw new RangeError('unique keys are not placed one by one');
      },
      method: 'analytical',
      byPosition: lazyByPosition(new Float64Array(0), new Float64Array(0)),
      evaluations: 0,
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
    const positions = Float64Array.from(hashes, (h) => Number(h >> 64n) / TWO_POW_64);
    const shares = Float64Array.from(weights, (w) => w / total);
    return {
      positions,
      shares,
      spreadShare: 0,
      keyOf: (k) => ({ key: names[k]!, hashKey: hashes[k]! }),
      method: 'exact',
      byPosition: lazyByPosition(positions, shares),
      evaluations: 0,
      heaviestFirst: false,
    };
  }
  const keys = generatedKeys(dist);
  const exact = keys.count <= exactKeyLimit;
  const placed = exact ? keys.count : Math.min(keys.count, headKeys);
  const ranges = keys.heaviest(placed);
  const count = ranges.reduce((a, [from, to]) => a + (to - from), 0);
  const positions = new Float64Array(count);
  const shares = new Float64Array(count);
  const indices = new Float64Array(count);
  const encoder = new TemplateEncoder(keys.template);
  const hasher = new Md5(encoder.bytesOf(Math.max(0, keys.count - 1)));
  let k = 0;
  for (const [from, to] of ranges) {
    if (to <= from) continue;
    hasher.reserve(encoder.bytesOf(to - 1));
    const buffer = hasher.buffer;
    const words = hasher.words;
    for (let i = from; i < to; i++, k++) {
      hasher.digest(encoder.encode(i, buffer));
      positions[k] = (words[0]! * 2 ** 32 + words[1]!) / TWO_POW_64;
      shares[k] = keys.shareOf(i);
      indices[k] = i;
    }
  }
  const spreadShare = exact ? 0 : keys.tail(placed).share;
  return {
    positions,
    shares,
    spreadShare,
    keyOf: (j) => {
      const key = keyName(keys.template, indices[j]!);
      return { key, hashKey: hashKeyOf(key) };
    },
    method: exact ? 'exact' : 'analytical',
    byPosition: lazyByPosition(positions, shares),
    evaluations: 0,
    // heaviest(n) gives index ranges heaviest first, each range in falling (or equal) share.
    heaviestFirst: true,
  };
}

/**
 * Sorts placed keys by position: one bucket per key (positions are uniform, so buckets hold about
 * one key each), scattered into contiguous arrays, then insertion sort within each bucket.
 */
function sortByPosition(positions: Float64Array, shares: Float64Array): ByPosition {
  const count = positions.length;
  const buckets = Math.max(1, count);
  const bucketOf = (p: number) => Math.min(buckets - 1, Math.floor(p * buckets));
  const starts = new Int32Array(buckets + 1);
  for (let k = 0; k < count; k++) starts[bucketOf(positions[k]!) + 1]!++;
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  const fill = starts.slice(0, buckets);
  const order = new Int32Array(count);
  const sorted = new Float64Array(count);
  const sortedShares = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const j = fill[bucketOf(positions[k]!)]!++;
    order[j] = k;
    sorted[j] = positions[k]!;
    sortedShares[j] = shares[k]!;
  }
  for (let b = 0; b < buckets; b++) {
    const lo = starts[b]!;
    for (let j = lo + 1; j < starts[b + 1]!; j++) {
      const p = sorted[j]!;
      const share = sortedShares[j]!;
      const k = order[j]!;
      let i = j - 1;
      while (i >= lo && sorted[i]! > p) {
        sorted[i + 1] = sorted[i]!;
        sortedShares[i + 1] = sortedShares[i]!;
        order[i + 1] = order[i]!;
        i--;
      }
      sorted[i + 1] = p;
      sortedShares[i + 1] = share;
      order[i + 1] = k;
    }
  }
  const prefix = new Float64Array(count + 1);
  for (let j = 0; j < count; j++) prefix[j + 1] = prefix[j]! + sortedShares[j]!;
  return { order, positions: sorted, prefix };
}

/**
 * Each shard's share of the producer's records when `n` shards split the key space evenly; the
 * keys not placed one by one spread evenly (their expectation). O(n log K) with K placed keys:
 * shard i's keys are those between its boundaries in hash order.
 */
export function sharesOnEvenShards(placed: PlacedKeys, n: number, out = new Float64Array(n)): Float64Array {
  // Sorting costs about as much as 20 direct passes; a search that evaluates more layouts gets it.
  placed.evaluations++;
  if (placed.evaluations <= DIRECT_EVALUATIONS) return sharesByDirectPass(placed, n, out);
  const { positions, prefix, order } = placed.byPosition();
  const count = positions.length;
  const even = placed.spreadShare / n;
  // Keys within a hair of boundary i (a window in hash order) are split by their full hash key:
  // those below it end shard i − 1, the rest (`carry`) start shard i.
  let start = 0;
  let carry = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n) {
      out[n - 1] = prefix[count]! - prefix[start]! + carry + even;
      break;
    }
    const boundary = i / n;
    const lo = lowerBound(positions, boundary - BOUNDARY_EPSILON / n, start);
    const hi = lowerBound(positions, boundary + BOUNDARY_EPSILON / n, lo);
    let below = 0;
    let above = 0;
    for (let j = lo; j < hi; j++) {
      const k = order[j]!;
      const share = placed.shares[k]!;
      if (shardIndexOf(placed.keyOf(k).hashKey, n) < i) below += share;
      else above += share;
    }
    out[i - 1] = prefix[lo]! - prefix[start]! + carry + below + even;
    start = hi;
    carry = above;
  }
  return out;
}

/** Evaluations done key by key before the hash-order view is built. */
const DIRECT_EVALUATIONS = 16;

/** O(K): every placed key to its shard. */
function sharesByDirectPass(placed: PlacedKeys, n: number, out: Float64Array): Float64Array {
  out.fill(placed.spreadShare / n);
  const { positions, shares } = placed;
  for (let k = 0; k < positions.length; k++) {
    const x = positions[k]! * n;
    let shard = Math.floor(x);
    const frac = x - shard;
    if (frac < BOUNDARY_EPSILON || frac > 1 - BOUNDARY_EPSILON || shard >= n)
      shard = shardIndexOf(placed.keyOf(k).hashKey, n);
    out[shard]! += shares[k]!;
  }
  return out;
}

/** The first index at or after `from` whose value is ≥ x in an ascending array. */
function lowerBound(values: Float64Array, x: number, from: number): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The shard of placed key k at n even shards (exactly as `shardIndexOf`). */
export function shardOfPlaced(placed: PlacedKeys, k: number, n: number): number {
  const x = placed.positions[k]! * n;
  const shard = Math.floor(x);
  const frac = x - shard;
  if (frac < BOUNDARY_EPSILON || frac > 1 - BOUNDARY_EPSILON || shard >= n)
    return shardIndexOf(placed.keyOf(k).hashKey, n);
  return shard;
}
