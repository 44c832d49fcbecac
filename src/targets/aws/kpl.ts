/**
 * KPL aggregation as a real producer does it: user records bound for the same shard are packed
 * into one Kinesis record of at most `maxBytes` (the scenario's `aggregation.maxBytes`, the KPL's
 * AggregationMaxSize), in the format `encodeAggregatedRecord` writes (src/aws/aggregation.ts).
 *
 * As the KPL (aws/kinesis/core/aggregator.h, reducer.h):
 * - one open aggregate per predicted shard (the shard the directory routes the user record's key
 *   to): the aggregate's ExplicitHashKey is its first user record's hash key, so every user record
 *   in it lands on the shard its own key would have chosen;
 * - an aggregate is closed when the next user record would take it past `maxBytes`; a user record
 *   larger than `maxBytes` by itself bypasses aggregation and goes as a plain record;
 * - an aggregate of one user record is sent as that plain record, with its own key.
 *
 * The size is tracked exactly as the record is added (the protobuf's field sizes), so no aggregate
 * is encoded twice; `encodeAggregatedRecord`'s output has that length (test/targets/aws/kpl.test.ts).
 */
import {
  encodeAggregatedRecord,
  KPL_AGGREGATE_PARTITION_KEY,
  KPL_FIXED_OVERHEAD_BYTES,
  varintBytes,
} from '../../aws/aggregation.js';
import { routingHashKey } from '../../aws/hash.js';
import { encodeRecordData, type RecordHeader } from '../../workload/record-header.js';
import { type Entry, plainEntry, type UserRecord } from './entries.js';

/** Bytes of a length-delimited protobuf field: tag (1 byte here) + length varint + payload. */
function delimited(payloadBytes: number): number {
  return 1 + varintBytes(payloadBytes) + payloadBytes;
}

interface OpenAggregate {
  users: UserRecord[];
  keys: Map<string, number>;
  explicitHashKeys: Map<string, number>;
  /** Bytes of the protobuf message so far. */
  protobufBytes: number;
}

/** The header fields common to a producer's records; the sequence and schedule come per record. */
export type HeaderBase = Omit<RecordHeader, 'sequence' | 'scheduledEpochMicros' | 'recordBytes'>;

export class KplAggregator {
  private readonly open = new Map<number, OpenAggregate>();
  /** User records in open aggregates. */
  users = 0;

  /**
   * @param maxBytes the largest aggregate (magic + protobuf + MD5)
   * @param header the producer's header fields, and its run-time conversion of scheduled seconds
   *   to epoch µs: each user record inside an aggregate carries its own header
   */
  constructor(
    private readonly maxBytes: number,
    private readonly header: HeaderBase,
    private readonly epochMicros: (seconds: number) => number,
  ) {}

  /**
   * Adds a user record bound for shard `shard` (its index; −1 when unknown). Returns the entries
   * this closes: the shard's previous aggregate when the record does not fit it, or the record
   * itself when it is too large to aggregate.
   */
  add(user: UserRecord, shard: number): Entry[] {
    const alone = KPL_FIXED_OVERHEAD_BYTES + this.addedBytes(undefined, user);
    if (alone > this.maxBytes) return [plainEntry(user, true)];
    const closed: Entry[] = [];
    let aggregate = this.open.get(shard);
    if (
      aggregate !== undefined &&
      KPL_FIXED_OVERHEAD_BYTES + aggregate.protobufBytes + this.addedBytes(aggregate, user) > this.maxBytes
    ) {
      closed.push(this.close(aggregate));
      this.open.delete(shard);
      aggregate = undefined;
    }
    if (aggregate === undefined) {
      aggregate = { users: [], keys: new Map(), explicitHashKeys: new Map(), protobufBytes: 0 };
      this.open.set(shard, aggregate);
    }
    aggregate.protobufBytes += this.addedBytes(aggregate, user);
    if (!aggregate.keys.has(user.partitionKey)) aggregate.keys.set(user.partitionKey, aggregate.keys.size);
    if (user.explicitHashKey !== undefined && !aggregate.explicitHashKeys.has(user.explicitHashKey)) {
      aggregate.explicitHashKeys.set(user.explicitHashKey, aggregate.explicitHashKeys.size);
    }
    aggregate.users.push(user);
    this.users += 1;
    return closed;
  }

  /** The scheduled time of the oldest user record in an open aggregate (Infinity when none): where its linger started. */
  oldestAt(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const aggregate of this.open.values()) oldest = Math.min(oldest, aggregate.users[0]!.at);
    return oldest;
  }

  /** Closes every open aggregate (a flush: the linger expired, or the producer is done). */
  drain(): Entry[] {
    const entries = [...this.open.values()].map((aggregate) => this.close(aggregate));
    this.open.clear();
    return entries;
  }

  /**
   * Protobuf bytes `user` adds to `aggregate` (undefined: a new one): its key in the table when new
   * there, its explicit hash key likewise, and its Record message — the key index (tag + varint),
   * the hash key index when it has one, and the data (tag + length + bytes).
   */
  private addedBytes(aggregate: OpenAggregate | undefined, user: UserRecord): number {
    let keyIndex = aggregate?.keys.get(user.partitionKey);
    let bytes = 0;
    if (keyIndex === undefined) {
      keyIndex = aggregate?.keys.size ?? 0;
      bytes += delimited(user.keyBytes);
    }
    let message = 1 + varintBytes(keyIndex) + delimited(user.dataBytes);
    if (user.explicitHashKey !== undefined) {
      let hashIndex = aggregate?.explicitHashKeys.get(user.explicitHashKey);
      if (hashIndex === undefined) {
        hashIndex = aggregate?.explicitHashKeys.size ?? 0;
        bytes += delimited(Buffer.byteLength(user.explicitHashKey));
      }
      message += 1 + varintBytes(hashIndex);
    }
    return bytes + delimited(message);
  }

  private close(aggregate: OpenAggregate): Entry {
    this.users -= aggregate.users.length;
    const first = aggregate.users[0]!;
    if (aggregate.users.length === 1) return plainEntry(first, true);
    const data = encodeAggregatedRecord(
      aggregate.users.map((user) => ({
        partitionKey: user.partitionKey,
        ...(user.explicitHashKey === undefined ? {} : { explicitHashKey: user.explicitHashKey }),
        data: encodeRecordData(
          { ...this.header, sequence: user.sequence, scheduledEpochMicros: this.epochMicros(user.at) },
          user.dataBytes,
        ),
      })),
    );
    return {
      users: aggregate.users,
      partitionKey: KPL_AGGREGATE_PARTITION_KEY,
      // The first user record's hash key routes the aggregate (the KPL's choice), as a decimal.
      explicitHashKey: routingHashKey(first.partitionKey, first.explicitHashKey).toString(),
      data,
      dataBytes: data.length,
      bytes: data.length + KPL_AGGREGATE_PARTITION_KEY.length,
      attempt: 1,
      dueAt: 0,
    };
  }
}
