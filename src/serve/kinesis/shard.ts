/**
 * One shard's records and buckets. Records live in parallel arrays (sequence counter, arrival,
 * data, key) from `head` on: reads find a position by binary search on the counters, retention
 * trims from the head, and the arrays are compacted once the trimmed part is half of them, so a
 * trim costs O(1) amortised and memory follows what is kept.
 */

import type { HashKeyRange } from '../../aws/hash.js';
import { lowerBound } from '../../numbers.js';

/**
 * A token bucket refilled continuously at `ratePerSecond` and capped at one second's worth, as the
 * engine's are (docs/engine.md, "Shards and throttling"): it starts with one second's refill and
 * owes it back from its first refills (`debt`). GetRecords' 2 MiB/s uses it: a call may take more
 * than there is (up to 10 MiB) and leave it below zero, and calls are throttled until it refills.
 */
export class TokenBucket {
  private tokens: number;
  private debt: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    nowMs: number,
    /** Tokens at the start (the capacity unless said), owed back from the first refills. */
    start = capacity,
  ) {
    this.tokens = start;
    this.debt = start;
    this.lastMs = nowMs;
  }

  /** Tokens available now. */
  available(nowMs: number): number {
    if (nowMs > this.lastMs) {
      let refill = ((nowMs - this.lastMs) / 1000) * this.ratePerSecond;
      const repaid = Math.min(this.debt, refill);
      this.debt -= repaid;
      refill -= repaid;
      this.tokens = Math.min(this.capacity, this.tokens + refill);
      this.lastMs = nowMs;
    }
    return this.tokens;
  }

  /** Takes `amount` (the caller checked `available`; a read may take more and go below zero). */
  take(amount: number): void {
    this.tokens -= amount;
  }
}

/**
 * What a shard admitted in the last second: at most `limit` (records or bytes) in any 1-s window.
 * This keeps the engine's guarantee for its buckets (docs/engine.md: over any T ≥ 1 s a shard
 * admits at most limit × T) after idle time too: a bucket left full by an idle stream would admit
 * one extra second's worth at the start of a burst (10% over in a 10-s test), a window never does.
 */
export class SlidingWindow implements Admission {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private sum = 0;

  constructor(readonly limit: number) {}

  /** Whether `amount` more fits the window ending at `nowMs`. */
  fits(nowMs: number, amount: number): boolean {
    const cutoff = nowMs - 1000;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      this.sum -= this.amounts[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
    return this.sum + amount <= this.limit;
  }

  add(nowMs: number, amount: number): void {
    this.times.push(nowMs);
    this.amounts.push(amount);
    this.sum += amount;
  }
}

/** How a shard admits bytes: a 1-s window, or a burst bucket on a stream that takes large records. */
export interface Admission {
  fits(nowMs: number, amount: number): boolean;
  add(nowMs: number, amount: number): void;
}

/**
 * The bytes limit of a stream whose records may exceed 1 MiB (MaxRecordSizeInKiB above 1,024): a
 * bucket of 10 MiB refilled at 1 MiB/s (aws-facts KDS 2, B-LR; the engine's `bytesBurst`), which
 * starts with one second's refill as the engine's does, so a 10-MiB record fits once the bucket
 * has filled: the throughput stays 1 MiB/s.
 */
export class BurstBucket implements Admission {
  private readonly bucket: TokenBucket;

  constructor(ratePerSecond: number, capacity: number, nowMs: number) {
    this.bucket = new TokenBucket(ratePerSecond, capacity, nowMs, ratePerSecond);
  }

  fits(nowMs: number, amount: number): boolean {
    return this.bucket.available(nowMs) >= amount;
  }

  add(_nowMs: number, amount: number): void {
    this.bucket.take(amount);
  }
}

export interface Shard {
  id: string;
  index: number;
  range: HashKeyRange;
  parentShardId?: string;
  adjacentParentShardId?: string;
  /** Sequence counter of the first record this shard may hold. */
  startingCounter: number;
  /** Set when the shard is closed by a reshard: the last counter it could hold. */
  endingCounter?: number;
  /** Server time the shard was closed. */
  closedMs?: number;
  createdMs: number;
  counters: number[];
  arrivals: number[];
  data: Buffer[];
  keys: string[];
  head: number;
  /** Bytes held (data + partition key), for the store's budget. */
  storedBytes: number;
  writeRecords: SlidingWindow;
  writeBytes: Admission;
  readBytes: TokenBucket;
  /** Server times of the GetRecords calls in the last second (the 5 calls/s limit). */
  readCalls: number[];
  stats: ShardStats;
}

export interface ShardStats {
  recordsAccepted: number;
  bytesAccepted: number;
  recordsThrottled: number;
  bytesThrottled: number;
  recordsRead: number;
  bytesRead: number;
  getRecordsCalls: number;
  getRecordsThrottled: number;
  /** MillisBehindLatest of the last GetRecords on this shard (the reader's iterator age). */
  lastIteratorAgeMs: number;
  maxIteratorAgeMs: number;
}

export function emptyStats(): ShardStats {
  return {
    recordsAccepted: 0,
    bytesAccepted: 0,
    recordsThrottled: 0,
    bytesThrottled: 0,
    recordsRead: 0,
    bytesRead: 0,
    getRecordsCalls: 0,
    getRecordsThrottled: 0,
    lastIteratorAgeMs: 0,
    maxIteratorAgeMs: 0,
  };
}

/** Number of records held. */
export function heldRecords(shard: Shard): number {
  return shard.counters.length - shard.head;
}

/** Index (into the arrays) of the first held record whose counter is ≥ `counter`. */
export function indexAtCounter(shard: Shard, counter: number): number {
  return lowerBound(shard.counters, counter, shard.head);
}

/** Index of the first held record that arrived at or after `timestampMs`. */
export function indexAtTime(shard: Shard, timestampMs: number): number {
  return lowerBound(shard.arrivals, timestampMs, shard.head);
}

/** Drops held records from the head while `keep(index)` is false; returns the bytes freed. */
export function trimHead(shard: Shard, drop: (index: number) => boolean): number {
  let freed = 0;
  let i = shard.head;
  const end = shard.counters.length;
  while (i < end && drop(i)) {
    freed += shard.data[i]!.length + Buffer.byteLength(shard.keys[i]!, 'utf8');
    // Release the buffer now: the slot stays until compaction.
    shard.data[i] = EMPTY;
    i++;
  }
  shard.head = i;
  shard.storedBytes -= freed;
  // Compact once the dropped prefix is half the arrays (amortised O(1) per record).
  if (shard.head > 1024 && shard.head * 2 > shard.counters.length) {
    shard.counters = shard.counters.slice(shard.head);
    shard.arrivals = shard.arrivals.slice(shard.head);
    shard.data = shard.data.slice(shard.head);
    shard.keys = shard.keys.slice(shard.head);
    shard.head = 0;
  }
  return freed;
}

const EMPTY = Buffer.alloc(0);
