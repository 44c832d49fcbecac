/**
 * Enhanced fan-out for `shardcast serve`: the stream-consumer operations and SubscribeToShard, on
 * top of the Kinesis model's `StreamFeed`. The Kinesis service merges `operations` into its own
 * table (all are `Kinesis_20131202` operations) and asks `consumers.count` before DeleteStream.
 */
import {
  AwsError,
  type Operation,
  type ServeClock,
  type ShardPosition,
  type StreamFeed,
} from '../protocol.js';
import { ConsumerRegistry } from './consumers.js';
import { optionalString, requireString } from './input.js';
import { Subscription, type SubscriptionCounts } from './subscription.js';

export { CONSUMER_TRANSITION_MS } from './consumers.js';
export { IDLE_EVENT_MS, SUBSCRIPTION_MS } from './subscription.js';

/**
 * "If you call SubscribeToShard again with the same ConsumerARN and ShardId within 5 seconds of a
 * successful call, you'll get a ResourceInUseException" (API reference); later, the new call takes
 * the subscription over.
 */
export const RESUBSCRIBE_MS = 5_000;

export interface EnhancedFanOutOptions {
  feed: StreamFeed;
  clock: ServeClock;
  region: string;
  accountId: string;
  limits: 'aws' | 'off';
}

/** Enhanced fan-out's part of `GET /_shardcast/metrics`: each consumer and the shards it subscribed to. */
export interface EfoMetrics {
  consumers: {
    streamArn: string;
    consumerName: string;
    consumerArn: string;
    status: string;
    shards: {
      shardId: string;
      /** Whether a subscription is open now. */
      subscribed: boolean;
      /** SubscribeToShard calls that started a stream. */
      subscriptions: number;
      events: number;
      records: number;
      /** Data bytes pushed (what counts against the 2 MiB/s). */
      bytes: number;
      /** As the last event said: how far behind the shard's tip the consumer was. */
      millisBehindLatest: number;
    }[];
  }[];
}

export interface EnhancedFanOut {
  operations: ReadonlyMap<string, Operation>;
  consumers: { count(streamArn: string): number; streamDeleted(streamArn: string): void };
  metrics(): EfoMetrics;
  close(): void;
}

interface ShardEntry {
  consumerArn: string;
  shardId: string;
  subscriptions: number;
  lastStartMs: number;
  active: Subscription | undefined;
  counts: SubscriptionCounts;
}

export function createEnhancedFanOut(options: EnhancedFanOutOptions): EnhancedFanOut {
  const { feed, clock, limits } = options;
  const registry = new ConsumerRegistry(feed, clock);
  /** By `<consumer ARN> <shard id>`. */
  const shards = new Map<string, ShardEntry>();

  registry.onGone((consumer, reason) => {
    for (const [key, entry] of shards) {
      if (entry.consumerArn !== consumer.arn) continue;
      entry.active?.fail('ResourceNotFoundException', reason);
      // Its counts go with it: a consumer registered again under the same name starts afresh.
      shards.delete(key);
    }
  });

  const subscribe: Operation = {
    streaming: true,
    handle(input, _context, response) {
      const consumerArn = requireString(input, 'ConsumerARN', 2048);
      const shardId = requireString(input, 'ShardId', 128);
      const start = startingPosition(input.StartingPosition);
      const consumer = registry.byConsumerArn(consumerArn);
      if (consumer === undefined) {
        throw new AwsError('ResourceNotFoundException', `Consumer ${consumerArn} not found.`);
      }
      if (consumer.status !== 'ACTIVE') {
        throw new AwsError(
          'ResourceInUseException',
          `Consumer ${consumerArn} is not ACTIVE (${consumer.status}).`,
        );
      }
      if (feed.streamName(consumer.streamArn) === undefined) {
        throw new AwsError('ResourceNotFoundException', `Stream ${consumer.streamArn} not found.`);
      }
      if (!feed.shards(consumer.streamName).some((s) => s.ShardId === shardId)) {
        throw new AwsError(
          'ResourceNotFoundException',
          `Shard ${shardId} in stream ${consumer.streamName} under account ${options.accountId} does not exist`,
        );
      }
      const key = `${consumerArn} ${shardId}`;
      const nowMs = clock.nowMs();
      let entry = shards.get(key);
      if (entry !== undefined && limits === 'aws' && nowMs - entry.lastStartMs < RESUBSCRIBE_MS) {
        throw new AwsError(
          'ResourceInUseException',
          `Another active subscription exists for consumer ${consumerArn} and shard ${shardId}: subscribed ${nowMs - entry.lastStartMs} ms ago, less than ${RESUBSCRIBE_MS} ms.`,
        );
      }
      if (entry === undefined) {
        entry = {
          consumerArn,
          shardId,
          subscriptions: 0,
          lastStartMs: nowMs,
          active: undefined,
          counts: { events: 0, records: 0, bytes: 0, millisBehindLatest: 0 },
        };
        shards.set(key, entry);
      }
      const owner = entry;
      // Set once the constructor returns; a subscription that ends inside it (its client already
      // gone) is never made the active one.
      let current: Subscription | undefined;
      let endedAtStart = false;
      current = new Subscription({
        feed,
        clock,
        limits,
        streamName: consumer.streamName,
        shardId,
        start,
        response,
        counts: owner.counts,
        onEnd: () => {
          if (current === undefined) endedAtStart = true;
          else if (owner.active === current) owner.active = undefined;
        },
      });
      // Started: the new call takes the subscription over, and the previous connection fails.
      owner.active?.fail(
        'ResourceInUseException',
        `Subscription to shard ${shardId} taken over by a newer one.`,
      );
      owner.lastStartMs = nowMs;
      owner.subscriptions++;
      if (!endedAtStart) owner.active = current;
    },
  };

  const operations = new Map<string, Operation>([
    ['RegisterStreamConsumer', registry.register],
    ['DeregisterStreamConsumer', registry.deregister],
    ['DescribeStreamConsumer', registry.describe],
    ['ListStreamConsumers', registry.list],
    ['SubscribeToShard', subscribe],
  ]);

  return {
    operations,
    consumers: {
      count: (streamArn) => registry.count(streamArn),
      streamDeleted: (streamArn) => registry.streamDeleted(streamArn),
    },
    metrics: (): EfoMetrics => ({
      consumers: registry.all().map((c) => ({
        streamArn: c.streamArn,
        consumerName: c.name,
        consumerArn: c.arn,
        status: c.status,
        shards: [...shards.values()]
          .filter((e) => e.consumerArn === c.arn)
          .map((e) => ({
            shardId: e.shardId,
            subscribed: e.active !== undefined,
            subscriptions: e.subscriptions,
            events: e.counts.events,
            records: e.counts.records,
            bytes: e.counts.bytes,
            millisBehindLatest: e.counts.millisBehindLatest,
          })),
      })),
    }),
    close: () => {
      for (const entry of shards.values()) entry.active?.end();
      registry.close();
    },
  };
}

const POSITION_TYPES = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

/** SubscribeToShard's StartingPosition, checked as AWS checks it. */
function startingPosition(value: unknown): ShardPosition {
  if (value === undefined || value === null) {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsError('SerializationException', 'StartingPosition must be a structure.');
  }
  const position = value as Record<string, unknown>;
  const type = optionalString(position, 'Type');
  if (type === undefined || !POSITION_TYPES.includes(type)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${type ?? 'null'}' at 'startingPosition.type' failed to satisfy constraint: Member must satisfy enum value set: [${POSITION_TYPES.join(', ')}]`,
    );
  }
  if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
    const sequenceNumber = optionalString(position, 'SequenceNumber');
    if (sequenceNumber === undefined || !/^(0|[1-9]\d{0,128})$/.test(sequenceNumber)) {
      throw new AwsError(
        'InvalidArgumentException',
        `StartingPosition.SequenceNumber must be a sequence number when the type is ${type}.`,
      );
    }
    return { type, sequenceNumber };
  }
  if (type === 'AT_TIMESTAMP') {
    const timestamp = position.Timestamp;
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      throw new AwsError(
        'InvalidArgumentException',
        'StartingPosition.Timestamp must be a timestamp (epoch seconds) when the type is AT_TIMESTAMP.',
      );
    }
    return { type, timestampMs: timestamp * 1000 };
  }
  return { type: type as 'TRIM_HORIZON' | 'LATEST' };
}
