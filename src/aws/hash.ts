/**
 * Partition key → hash key → shard, exactly as Kinesis does it (docs/aws-facts.md, KDS 2 "Key → shard
 * mapping", source API-K): the MD5 digest of the partition key's UTF-8 bytes, read as an unsigned
 * 128-bit big-endian integer, is matched against the shards' hash-key ranges over 0 … 2^128−1.
 * An ExplicitHashKey (decimal string) replaces the digest.
 */
import { createHash } from 'node:crypto';

/** 2^128: the size of the hash-key space. */
export const HASH_SPACE = 1n << 128n;
/** The largest hash key, 2^128 − 1. */
export const MAX_HASH_KEY = HASH_SPACE - 1n;

/** MD5 of the UTF-8 partition key as an unsigned 128-bit big-endian integer. */
export function hashKeyOf(partitionKey: string): bigint {
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

/** The hash key a record is routed by: its ExplicitHashKey if given, else the MD5 of its key. */
export function routingHashKey(partitionKey: string, explicitHashKey?: string): bigint {
  if (explicitHashKey !== undefined) return parseExplicitHashKey(explicitHashKey);
  return hashKeyOf(partitionKey);
}

const EXPLICIT_HASH_KEY = /^(0|[1-9]\d{0,38})$/;

/** Parses an ExplicitHashKey: a decimal string `0|([1-9]\d{0,38})` within 0 … 2^128−1 (API-K). */
export function parseExplicitHashKey(text: string): bigint {
  if (!EXPLICIT_HASH_KEY.test(text)) {
    throw new RangeError(`ExplicitHashKey must be a decimal integer without leading zeros, got "${text}"`);
  }
  const value = BigInt(text);
  if (value > MAX_HASH_KEY) throw new RangeError(`ExplicitHashKey ${text} is above 2^128 − 1`);
  return value;
}

/** A shard's inclusive hash-key range. */
export interface HashKeyRange {
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/**
 * The ranges CreateStream gives `shardCount` shards: an even split of 0 … 2^128−1, shard i owning
 * [floor(i·2^128/n), floor((i+1)·2^128/n) − 1]. This matches DescribeStream output of a real 3-shard
 * stream: shard 1 starts at 113427455640312821154458202477256070485 = floor(2^128/3).
 */
export function evenShardRanges(shardCount: number): HashKeyRange[] {
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new RangeError(`shard count must be a positive integer, got ${shardCount}`);
  }
  const n = BigInt(shardCount);
  const ranges: HashKeyRange[] = [];
  for (let i = 0n; i < n; i++) {
    ranges.push({ startingHashKey: (i * HASH_SPACE) / n, endingHashKey: ((i + 1n) * HASH_SPACE) / n - 1n });
  }
  return ranges;
}

/** Index of the shard owning `hashKey` when the stream has `shardCount` evenly split shards. */
export function shardIndexOf(hashKey: bigint, shardCount: number): number {
  // Shard i starts at floor(i·S/n). The owner is the largest i with floor(i·S/n) ≤ h, and for
  // integer h: floor(i·S/n) ≤ h ⇔ i·S/n < h + 1 ⇔ i < (h+1)·n/S, so i = ceil((h+1)·n/S) − 1
  // = floor(((h+1)·n − 1)/S).
  return Number(((hashKey + 1n) * BigInt(shardCount) - 1n) / HASH_SPACE);
}

/** Index of the range holding `hashKey` in sorted, contiguous `ranges` (binary search). */
export function findShard(ranges: readonly HashKeyRange[], hashKey: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hashKey > ranges[mid]!.endingHashKey) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A hash key's position in the key space as a fraction in [0, 1). */
export function hashFraction(hashKey: bigint): number {
  // 2^128 is exact in a double; keep 53 significant bits of the key.
  return Number(hashKey >> 75n) / 2 ** 53;
}
