/**
 * Shard layouts and a fast lookup from a hash key to its shard.
 *
 * A layout is either the even split CreateStream and UpdateShardCount(UNIFORM_SCALING) aim for, or
 * the open shards' hash-key ranges as DescribeStream/ListShards report them (in any order), e.g.
 * halfway through a reshard. Shard numbers in results are positions in `ranges` as given.
 *
 * The lookup works on the top 64 bits of a hash key as a double: that is enough to place a key
 * unless it lies within ~2^80 of a range boundary (a chance of about 2^−47 per boundary), and such
 * keys are placed by exact BigInt comparison instead.
 */
import { evenShardRanges, findShard, HASH_SPACE, type HashKeyRange, MAX_HASH_KEY } from '../aws/hash.js';

/** Where the stream's shards sit in the hash-key space. */
export type ShardLayout =
  /** `shardCount` shards splitting 0 … 2^128−1 evenly. */
  | { shardCount: number }
  /** The open shards' ranges; together they must cover 0 … 2^128−1 once, in any order. */
  | { ranges: readonly HashKeyRange[] };

/** 2^64 as a double: key positions are hash keys in units of 2^64, in [0, 2^64). */
const TWO_POW_64 = 2 ** 64;
/**
 * Keys closer than this (in units of 2^64) to a boundary are placed exactly. A position carries
 * at most 2^10 + 1 of error (rounding 64 bits to a double's 53, plus the dropped low 64 bits), a
 * boundary at most 2^11; 2^16 leaves a wide margin.
 */
const BOUNDARY_MARGIN = 2 ** 16;
/** Most buckets in the position → shard index table. */
const MAX_BUCKETS = 2 ** 22;

/** A layout prepared for lookups. Positions ("sorted") number the shards by hash key. */
export interface RangeTable {
  shardCount: number;
  /** The ranges sorted by starting hash key. */
  sorted: HashKeyRange[];
  /** The layout's shard number of each sorted position. */
  shardAt: Int32Array;
  /** Starting hash key of each sorted position, in units of 2^64. */
  starts: Float64Array;
  /** Each sorted position's share of the hash-key space (its width / 2^128). */
  widths: Float64Array;
  /** buckets[k]: the sorted position holding k·2^64/bucketCount; buckets[bucketCount] = last. */
  buckets: Int32Array;
  bucketCount: number;
}

/** Checks a layout and prepares it for lookups. Throws a RangeError when ranges overlap or leave gaps. */
export function resolveLayout(layout: ShardLayout): RangeTable {
  let sorted: HashKeyRange[];
  let shardAt: Int32Array;
  if ('shardCount' in layout) {
    sorted = evenShardRanges(layout.shardCount);
    shardAt = Int32Array.from(sorted, (_, i) => i);
  } else {
    if (layout.ranges.length === 0) throw new RangeError('a shard layout needs at least one range');
    const order = layout.ranges.map((_, i) => i);
    order.sort((x, y) => compareBigInt(layout.ranges[x]!.startingHashKey, layout.ranges[y]!.startingHashKey));
    sorted = order.map((i) => layout.ranges[i]!);
    shardAt = Int32Array.from(order);
    checkCoverage(sorted, order);
  }
  const n = sorted.length;
  const starts = Float64Array.from(sorted, (r) => Number(r.startingHashKey) / TWO_POW_64);
  const widths = Float64Array.from(
    sorted,
    (r) => Number(r.endingHashKey - r.startingHashKey + 1n) / Number(HASH_SPACE),
  );
  let bucketCount = 1;
  while (bucketCount < 2 * n && bucketCount < MAX_BUCKETS) bucketCount *= 2;
  const buckets = new Int32Array(bucketCount + 1);
  const bucketWidth = TWO_POW_64 / bucketCount; // a power of two: bucket edges are exact
  for (let k = 0, j = 0; k < bucketCount; k++) {
    const edge = k * bucketWidth;
    while (j + 1 < n && starts[j + 1]! <= edge) j++;
    buckets[k] = j;
  }
  buckets[bucketCount] = n - 1;
  return { shardCount: n, sorted, shardAt, starts, widths, buckets, bucketCount };
}

function checkCoverage(sorted: readonly HashKeyRange[], order: readonly number[]): void {
  let expected = 0n;
  sorted.forEach((range, i) => {
    const label = `ranges[${order[i]}]`;
    if (range.startingHashKey > range.endingHashKey) {
      throw new RangeError(`${label} starts after it ends`);
    }
    if (range.startingHashKey !== expected) {
      throw new RangeError(
        range.startingHashKey < expected
          ? `${label} overlaps the range before it: it starts at ${range.startingHashKey}, expected ${expected}`
          : `hash keys ${expected} … ${range.startingHashKey - 1n} belong to no range (before ${label})`,
      );
    }
    expected = range.endingHashKey + 1n;
  });
  if (expected !== HASH_SPACE) {
    throw new RangeError(`hash keys ${expected} … ${MAX_HASH_KEY} belong to no range`);
  }
}

function compareBigInt(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Each shard's share of the hash-key space, in the layout's shard order (sums to 1). */
export function hashRangeWidths(layout: ShardLayout): Float64Array {
  const table = resolveLayout(layout);
  return inLayoutOrder(table, table.widths);
}

/** Reorders per-position values (sorted by hash key) into the layout's shard order. */
export function inLayoutOrder(table: RangeTable, bySortedPosition: Float64Array): Float64Array {
  const out = new Float64Array(table.shardCount);
  for (let j = 0; j < table.shardCount; j++) out[table.shardAt[j]!] = bySortedPosition[j]!;
  return out;
}

/**
 * The sorted position of the shard holding the key whose top 64 bits are `high·2^32 + low`, or −1
 * when the key is too close to a boundary to tell from 64 bits (then use `positionOfHashKey`).
 */
export function positionOfTopBits(table: RangeTable, high: number, low: number): number {
  const position = high * 4294967296 + low;
  const starts = table.starts;
  let k = Math.floor((position * table.bucketCount) / TWO_POW_64);
  if (k >= table.bucketCount) k = table.bucketCount - 1;
  // The owner is the last position whose start ≤ position, between buckets[k] and buckets[k + 1].
  let lo = table.buckets[k]!;
  let hi = table.buckets[k + 1]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= position) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0 && position - starts[lo]! < BOUNDARY_MARGIN) return -1;
  if (lo + 1 < table.shardCount && starts[lo + 1]! - position < BOUNDARY_MARGIN) return -1;
  return lo;
}

/** The sorted position of the shard holding `hashKey`, by exact comparison. */
export function positionOfHashKey(table: RangeTable, hashKey: bigint): number {
  return findShard(table.sorted, hashKey);
}

/** The 128-bit hash key from four big-endian 32-bit words. */
export function hashKeyOfWords(words: Uint32Array): bigint {
  return (
    (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!)
  );
}
