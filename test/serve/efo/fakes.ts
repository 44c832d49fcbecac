/**
 * Small stand-ins for enhanced fan-out's tests: a manual server clock, an in-memory StreamFeed with
 * one stream, and a StreamingResponse that keeps what was written (decoded back with the codec).
 */

import { decodeMessage } from '../../../src/serve/event-stream.js';
import type {
  ServeClock,
  ShardPosition,
  ShardRead,
  ShardView,
  StoredRecord,
  StreamFeed,
  StreamingResponse,
} from '../../../src/serve/protocol.js';
import { ManualClock as SharedManualClock } from '../../helpers/manual-clock.js';

/** The shared hand-driven clock, starting at 1_700_000_000_000 by default. */
export class ManualClock extends SharedManualClock {
  constructor(startMs = 1_700_000_000_000) {
    super(startMs);
  }
}

export const STREAM = 'orders';
export const STREAM_ARN = `arn:aws:kinesis:us-east-1:123456789012:stream/${STREAM}`;

/** Sequence numbers: the shard's start is `1000…0` + 0; record i gets start + i + 1. */
const SHARD_START = 10n ** 40n;

export class FakeFeed implements StreamFeed {
  readonly records = new Map<string, StoredRecord[]>();
  private listeners = new Set<(shardId: string, records: readonly StoredRecord[]) => void>();
  closed = new Set<string>();
  deleted = false;
  /**
   * How a LATEST read names where it ends: AFTER the tip, or AT the number the next record will
   * reach (as serve's Kinesis model does), or LATEST itself (pinned by the first append).
   */
  latestAs: 'after' | 'at' | 'latest' = 'after';
  constructor(
    private readonly clock: ServeClock,
    readonly shardIds: string[] = ['shardId-000000000000'],
  ) {
    for (const id of shardIds) this.records.set(id, []);
  }
  streamName(nameOrArn: string): string | undefined {
    if (this.deleted) return undefined;
    return nameOrArn === STREAM || nameOrArn === STREAM_ARN ? STREAM : undefined;
  }
  streamArn(name: string): string | undefined {
    return name === STREAM && !this.deleted ? STREAM_ARN : undefined;
  }
  shards(): ShardView[] {
    return this.shardIds.map((id) => ({
      ShardId: id,
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(2n ** 128n - 1n) },
      SequenceNumberRange: { StartingSequenceNumber: String(SHARD_START) },
    }));
  }
  /** Appends records of the given sizes (Data bytes filled with the record's index mod 251). */
  append(shardId: string, sizes: number[]): StoredRecord[] {
    const shard = this.records.get(shardId)!;
    const added = sizes.map((size) => {
      const index = shard.length;
      const record: StoredRecord = {
        SequenceNumber: String(SHARD_START + BigInt(index + 1)),
        ApproximateArrivalTimestamp: this.clock.nowMs(),
        Data: new Uint8Array(size).fill(index % 251),
        PartitionKey: `pk-${index}`,
      };
      shard.push(record);
      return record;
    });
    for (const listener of this.listeners) listener(shardId, added);
    return added;
  }
  read(_stream: string, shardId: string, position: ShardPosition, maxRecords: number): ShardRead {
    const shard = this.records.get(shardId)!;
    let from: number;
    switch (position.type) {
      case 'TRIM_HORIZON':
        from = 0;
        break;
      case 'LATEST': {
        const tip = shard[shard.length - 1];
        const next: ShardPosition =
          this.latestAs === 'at'
            ? { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: String(SHARD_START + BigInt(shard.length + 1)) }
            : this.latestAs === 'after' && tip !== undefined
              ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: tip.SequenceNumber }
              : position;
        return { records: [], next, millisBehindLatest: 0 };
      }
      case 'AT_TIMESTAMP':
        from = shard.findIndex((r) => r.ApproximateArrivalTimestamp >= position.timestampMs);
        if (from < 0) from = shard.length;
        break;
      default: {
        const at = Number(BigInt(position.sequenceNumber) - SHARD_START - 1n);
        from = position.type === 'AT_SEQUENCE_NUMBER' ? at : at + 1;
      }
    }
    const records = shard.slice(Math.max(0, from), Math.max(0, from) + maxRecords);
    const last = records[records.length - 1];
    const tip = shard[shard.length - 1];
    const done = from + records.length >= shard.length;
    const read: ShardRead = {
      records,
      next:
        last === undefined
          ? position
          : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last.SequenceNumber },
      millisBehindLatest:
        done || tip === undefined
          ? 0
          : tip.ApproximateArrivalTimestamp - shard[from + records.length]!.ApproximateArrivalTimestamp,
    };
    if (done && this.closed.has(shardId)) {
      read.childShards = [
        {
          ShardId: 'shardId-000000000009',
          ParentShards: [shardId],
          HashKeyRange: this.shards()[0]!.HashKeyRange,
        },
      ];
    }
    return read;
  }
  onAppend(
    _stream: string,
    listener: (shardId: string, records: readonly StoredRecord[]) => void,
  ): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export interface DecodedMessage {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export class FakeResponse implements StreamingResponse {
  started: Record<string, string> | undefined;
  readonly messages: DecodedMessage[] = [];
  ended = false;
  private closeListeners: (() => void)[] = [];
  /** Server time of each message, when a clock is given. */
  readonly times: number[] = [];
  constructor(private readonly clock?: ServeClock) {}
  get closed(): boolean {
    return this.ended;
  }
  start(headers: Record<string, string>): void {
    this.started = headers;
  }
  write(chunk: Uint8Array): boolean {
    const message = decodeMessage(chunk);
    // Every header of ours is a string (`:message-type`, `:event-type`, `:content-type`).
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)]));
    this.messages.push({ headers, body: message.body as Record<string, unknown> });
    this.times.push(this.clock?.nowMs() ?? 0);
    return true;
  }
  onDrain(): void {}
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.closeListeners) listener();
  }
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
  /** The client goes away. */
  disconnect(): void {
    this.end();
  }
  events(): Record<string, unknown>[] {
    return this.messages
      .filter((m) => m.headers[':event-type'] === 'SubscribeToShardEvent')
      .map((m) => m.body);
  }
}
