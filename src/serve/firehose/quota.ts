/**
 * The Direct PUT quota of one delivery stream (FH-Q: records/s, requests/s and bytes/s for the
 * region, PutRecord and PutRecordBatch combined; `directPutQuota` in aws/facts.ts) as three token
 * buckets on the server clock. Each bucket holds one second of its rate and refills continuously:
 * a producer may burst a second's worth at once and then sustains the rate, which is how a
 * per-second quota looks from outside (AWS does not publish its bucket depth; one second is the
 * smallest that lets a full second's quota through in one burst).
 */
import { directPutQuota } from '../../aws/facts.js';

class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = perSecond;
    this.lastMs = nowMs;
  }

  refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    // tokens += rate × elapsed, capped at one second's worth.
    this.tokens = Math.min(this.perSecond, this.tokens + (this.perSecond * elapsedMs) / 1000);
    this.lastMs = nowMs;
  }

  has(amount: number): boolean {
    return this.tokens >= amount;
  }

  take(amount: number): void {
    this.tokens -= amount;
  }
}

export class DirectPutQuota {
  private readonly records: TokenBucket;
  private readonly requests: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(region: string, nowMs: number) {
    const q = directPutQuota(region);
    this.records = new TokenBucket(q.recordsPerSecond, nowMs);
    this.requests = new TokenBucket(q.requestsPerSecond, nowMs);
    this.bytes = new TokenBucket(q.bytesPerSecond, nowMs);
  }

  /** Takes one request's token; false when the stream is over its requests/s (the whole call fails). */
  admitRequest(nowMs: number): boolean {
    this.requests.refill(nowMs);
    this.records.refill(nowMs);
    this.bytes.refill(nowMs);
    if (!this.requests.has(1)) return false;
    this.requests.take(1);
    return true;
  }

  /**
   * Takes one record of `dataBytes` (after `admitRequest` in the same call); false when the
   * records/s or bytes/s bucket cannot hold it. Each record is judged on its own, so a small record
   * after a rejected large one may still fit, as each entry of PutRecordBatch succeeds or fails alone.
   */
  admitRecord(dataBytes: number): boolean {
    if (!this.records.has(1) || !this.bytes.has(dataBytes)) return false;
    this.records.take(1);
    this.bytes.take(dataBytes);
    return true;
  }
}
