/**
 * One SubscribeToShard stream: an `initial-response` event, then `SubscribeToShardEvent`s pushed as
 * records arrive, paced to `KINESIS.efoBytesPerSecondPerConsumer` per consumer and shard, with an
 * empty event when idle so the client sees the subscription alive and its MillisBehindLatest, and
 * the end after `SUBSCRIPTION_MS` (5 minutes, server clock) as AWS ends it.
 *
 * Records are not copied into the subscription: an append only wakes it, and it reads the shard
 * from its own position through the feed, so a slow subscriber holds no memory of its own and a
 * reader that falls behind the retention sees what the feed says of trimmed records.
 */
import { KINESIS } from '../../aws/facts.js';
import { encodeEvent, encodeException } from '../event-stream.js';
import {
  AwsError,
  type ServeClock,
  type ShardPosition,
  type ShardRead,
  type StoredRecord,
  type StreamFeed,
  type StreamingResponse,
} from '../protocol.js';

/** "events of type SubscribeToShardEvent … for up to 5 minutes" (SubscribeToShard, API reference). */
export const SUBSCRIPTION_MS = 5 * 60_000;
/**
 * An idle subscription still sends an event this often (no records, the continuation and
 * MillisBehindLatest), so a client can tell a quiet shard from a dead connection. AWS documents
 * no interval: this one is ours.
 */
export const IDLE_EVENT_MS = 5_000;

/** Counts a subscription adds to its consumer-and-shard metrics. */
export interface SubscriptionCounts {
  events: number;
  records: number;
  bytes: number;
  millisBehindLatest: number;
}

export interface SubscriptionOptions {
  feed: StreamFeed;
  clock: ServeClock;
  limits: 'aws' | 'off';
  streamName: string;
  shardId: string;
  start: ShardPosition;
  response: StreamingResponse;
  counts: SubscriptionCounts;
  /** Called once when the subscription ends, however it ends. */
  onEnd: () => void;
}

/** The bytes a record costs against the 2 MiB/s: its data blob, the payload the consumer receives. */
function recordBytes(record: StoredRecord): number {
  return record.Data.byteLength;
}

function eventRecord(r: StoredRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    SequenceNumber: r.SequenceNumber,
    // JSON 1.1: timestamps in epoch seconds, blobs in base64.
    ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp / 1000,
    Data: Buffer.from(r.Data.buffer, r.Data.byteOffset, r.Data.byteLength).toString('base64'),
    PartitionKey: r.PartitionKey,
  };
  if (r.EncryptionType !== undefined) out.EncryptionType = r.EncryptionType;
  return out;
}

export class Subscription {
  private position: ShardPosition;
  /** The last sequence number delivered (or known to be behind the position): the continuation. */
  private continuation: string | undefined;
  private ended = false;
  private waitingForDrain = false;
  private pumpAt: { atMs: number; cancel: () => void } | undefined;
  private readonly cancelEnd: () => void;
  private readonly stopAppends: () => void;
  private lastEventMs: number;
  /** The byte bucket: `efoBytesPerSecondPerConsumer` per second, holding at most one second's worth. */
  private tokens: number;
  private tokensAtMs: number;

  constructor(private readonly o: SubscriptionOptions) {
    this.position = o.start;
    if (o.start.type === 'AFTER_SEQUENCE_NUMBER') this.continuation = o.start.sequenceNumber;
    this.tokens = KINESIS.efoBytesPerSecondPerConsumer.value;
    this.tokensAtMs = o.clock.nowMs();
    this.lastEventMs = o.clock.nowMs();
    // Before the response starts: a read that throws is answered as an error, not a broken stream.
    if (o.start.type === 'LATEST') this.pinLatest();
    o.response.start({ 'content-type': 'application/vnd.amazon.eventstream' });
    o.response.onClose(() => this.finish());
    o.response.onDrain(() => {
      this.waitingForDrain = false;
      this.schedule(0);
    });
    this.stopAppends = o.feed.onAppend(o.streamName, (shardId, records) => this.appended(shardId, records));
    this.cancelEnd = o.clock.after(SUBSCRIPTION_MS, () => this.end());
    this.send(encodeEvent('initial-response', {}));
    // A client gone before `onClose` was registered is not reported again: stop listening now.
    if (o.response.closed) this.finish();
    else this.schedule(0);
  }

  /** Ends the subscription with a modelled exception event (`ResourceInUseException` on takeover, …). */
  fail(type: string, message: string): void {
    if (this.ended) return;
    this.send(encodeException(type, message));
    this.end();
  }

  /** Ends the stream normally (5 minutes passed, or the shard is closed and read to its end). */
  end(): void {
    if (this.ended) return;
    this.finish();
    this.o.response.end();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelEnd();
    this.stopAppends();
    this.pumpAt?.cancel();
    this.pumpAt = undefined;
    this.o.onEnd();
  }

  /**
   * LATEST starts after the record the shard ends with now. The feed may answer a LATEST read with
   * that position pinned (AFTER the tip, or AT the number the next record will reach); if it keeps
   * LATEST, the first append pins it.
   */
  private pinLatest(): void {
    const read = this.o.feed.read(this.o.streamName, this.o.shardId, { type: 'LATEST' }, 1);
    if (read.next.type === 'AFTER_SEQUENCE_NUMBER') {
      this.position = read.next;
      this.continuation = read.next.sequenceNumber;
    } else if (read.next.type === 'AT_SEQUENCE_NUMBER') {
      this.position = read.next;
    }
  }

  private appended(shardId: string, records: readonly StoredRecord[]): void {
    if (shardId !== this.o.shardId || records.length === 0 || this.ended) return;
    if (this.position.type === 'LATEST') {
      this.position = { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: records[0]!.SequenceNumber };
    }
    // Records reach enhanced fan-out consumers "typically within 70 milliseconds" (FAQ).
    this.schedule(this.o.limits === 'aws' ? KINESIS.efoPropagationSeconds.value * 1000 : 0);
  }

  /** Runs `pump` after `ms` of server time, unless it is already due sooner. */
  private schedule(ms: number): void {
    if (this.ended) return;
    const atMs = this.o.clock.nowMs() + ms;
    if (this.pumpAt !== undefined && this.pumpAt.atMs <= atMs) return;
    this.pumpAt?.cancel();
    this.pumpAt = { atMs, cancel: this.o.clock.after(ms, () => this.pump()) };
  }

  private send(message: Uint8Array): void {
    if (this.o.response.closed) return;
    if (!this.o.response.write(message)) this.waitingForDrain = true;
  }

  private refill(nowMs: number): void {
    const rate = KINESIS.efoBytesPerSecondPerConsumer.value;
    this.tokens = Math.min(rate, this.tokens + ((nowMs - this.tokensAtMs) / 1000) * rate);
    this.tokensAtMs = nowMs;
  }

  private pump(): void {
    this.pumpAt = undefined;
    if (this.ended || this.waitingForDrain) return;
    const nowMs = this.o.clock.nowMs();
    const limited = this.o.limits === 'aws';
    const rate = KINESIS.efoBytesPerSecondPerConsumer.value;
    if (limited) this.refill(nowMs);
    let read: ShardRead | undefined;
    if (this.position.type !== 'LATEST') {
      try {
        read = this.o.feed.read(
          this.o.streamName,
          this.o.shardId,
          this.position,
          KINESIS.getRecordsMaxRecords.value,
        );
      } catch (error) {
        if (error instanceof AwsError) this.fail(error.type, error.message);
        else this.fail('InternalFailureException', 'Internal service failure.');
        return;
      }
    }
    const records = read?.records ?? [];
    const taken = limited ? this.withinBudget(records) : records.length;
    const sent = records.slice(0, taken);
    const all = taken === records.length;
    const closedAndRead = all && read?.childShards !== undefined;
    if (sent.length > 0 || closedAndRead || nowMs - this.lastEventMs >= IDLE_EVENT_MS) {
      this.emit(sent, records[taken], read, closedAndRead, nowMs);
    }
    if (closedAndRead) {
      this.end();
      return;
    }
    const next = records[taken];
    if (next !== undefined) {
      // More is waiting: go on when the bucket holds the next record, or is full for one larger than
      // it (a 10 MiB record borrows). e.g. 128 KiB short at 2 MiB/s: 128 / 2,048 × 1000 = 62.5 → 63 ms.
      const wantedBytes = Math.min(recordBytes(next), rate);
      this.schedule(Math.max(0, Math.ceil(((wantedBytes - this.tokens) / rate) * 1000)));
    } else if (records.length === KINESIS.getRecordsMaxRecords.value) {
      this.schedule(0);
    } else {
      this.schedule(Math.max(0, this.lastEventMs + IDLE_EVENT_MS - nowMs));
    }
  }

  /**
   * How many of `records` the bucket holds. A record larger than the bucket goes when the bucket is
   * full, leaving it in debt, so a 10 MiB record still goes at 2 MiB/s on average.
   */
  private withinBudget(records: readonly StoredRecord[]): number {
    const full = this.tokens >= KINESIS.efoBytesPerSecondPerConsumer.value;
    let bytes = 0;
    let n = 0;
    for (const record of records) {
      const size = recordBytes(record);
      if (bytes + size > this.tokens && !(n === 0 && full)) break;
      bytes += size;
      n++;
    }
    this.tokens -= bytes;
    return n;
  }

  private emit(
    sent: readonly StoredRecord[],
    firstUnsent: StoredRecord | undefined,
    read: ShardRead | undefined,
    closedAndRead: boolean,
    nowMs: number,
  ): void {
    const last = sent[sent.length - 1];
    if (last !== undefined) {
      this.continuation = last.SequenceNumber;
      this.position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last.SequenceNumber };
    } else if (read !== undefined && read.next.type === 'AFTER_SEQUENCE_NUMBER') {
      this.continuation ??= read.next.sequenceNumber;
    }
    // Held back by the 2 MiB/s, the consumer is as far behind as the oldest record it has not got.
    const millisBehindLatest =
      firstUnsent !== undefined
        ? Math.max(0, nowMs - firstUnsent.ApproximateArrivalTimestamp)
        : (read?.millisBehindLatest ?? 0);
    const event: Record<string, unknown> = {
      Records: sent.map(eventRecord),
      ContinuationSequenceNumber: this.continuation ?? this.shardStart(),
      MillisBehindLatest: millisBehindLatest,
    };
    if (closedAndRead && read?.childShards !== undefined) event.ChildShards = read.childShards;
    this.send(encodeEvent('SubscribeToShardEvent', event));
    this.lastEventMs = nowMs;
    const counts = this.o.counts;
    counts.events++;
    counts.records += sent.length;
    for (const record of sent) counts.bytes += recordBytes(record);
    counts.millisBehindLatest = millisBehindLatest;
  }

  /** Before any record: the shard's starting sequence number, which no record precedes. */
  private shardStart(): string {
    const shard = this.o.feed.shards(this.o.streamName).find((s) => s.ShardId === this.o.shardId);
    return shard?.SequenceNumberRange.StartingSequenceNumber ?? '0';
  }
}
