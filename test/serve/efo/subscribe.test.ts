/**
 * SubscribeToShard with a manual clock, the in-memory feed and a response that decodes what it is
 * sent: the initial response, order and continuation numbers, the 2 MiB/s per consumer and shard,
 * the idle events, the 5-second resubscription rule, takeover, child shards and the 5-minute end.
 */
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import {
  CONSUMER_TRANSITION_MS,
  createEnhancedFanOut,
  IDLE_EVENT_MS,
  RESUBSCRIBE_MS,
  SUBSCRIPTION_MS,
} from '../../../src/serve/efo/index.js';
import {
  AwsError,
  type JsonOperation,
  type RequestContext,
  type StreamingOperation,
} from '../../../src/serve/protocol.js';
import { FakeFeed, FakeResponse, ManualClock, STREAM_ARN } from './fakes.js';

const SHARD = 'shardId-000000000000';
const MiB = 1024 * 1024;

interface EventBody {
  Records: {
    SequenceNumber: string;
    Data: string;
    PartitionKey: string;
    ApproximateArrivalTimestamp: number;
  }[];
  ContinuationSequenceNumber: string;
  MillisBehindLatest: number;
  ChildShards?: unknown[];
}

function setup(limits: 'aws' | 'off' = 'aws') {
  const clock = new ManualClock();
  const feed = new FakeFeed(clock);
  const efo = createEnhancedFanOut({ feed, clock, region: 'us-east-1', accountId: '123456789012', limits });
  const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits };
  const register = efo.operations.get('RegisterStreamConsumer') as JsonOperation;
  const { Consumer } = register({ StreamARN: STREAM_ARN, ConsumerName: 'app' }, context) as {
    Consumer: { ConsumerARN: string };
  };
  const subscribeOp = efo.operations.get('SubscribeToShard') as StreamingOperation;
  const subscribe = (
    startingPosition: Record<string, unknown>,
    shardId = SHARD,
    response = new FakeResponse(clock),
  ): FakeResponse => {
    subscribeOp.handle(
      { ConsumerARN: Consumer.ConsumerARN, ShardId: shardId, StartingPosition: startingPosition },
      context,
      response,
    );
    return response;
  };
  return { clock, feed, efo, subscribe, consumerArn: Consumer.ConsumerARN };
}

function events(response: FakeResponse): EventBody[] {
  return response.events() as unknown as EventBody[];
}

function awsError(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('expected an AwsError');
}

describe('SubscribeToShard', () => {
  it('refuses a consumer that is not ACTIVE yet, an unknown shard and a bad starting position', () => {
    const { clock, subscribe } = setup();
    expect(awsError(() => subscribe({ Type: 'TRIM_HORIZON' })).type).toBe('ResourceInUseException');
    clock.advance(CONSUMER_TRANSITION_MS);
    expect(awsError(() => subscribe({ Type: 'TRIM_HORIZON' }, 'shardId-000000000042')).type).toBe(
      'ResourceNotFoundException',
    );
    expect(awsError(() => subscribe({ Type: 'SOMEWHERE' })).message).toContain("'startingPosition.type'");
    expect(awsError(() => subscribe({ Type: 'AT_SEQUENCE_NUMBER' })).type).toBe('InvalidArgumentException');
    expect(awsError(() => subscribe({ Type: 'AT_TIMESTAMP', Timestamp: 'noon' })).type).toBe(
      'InvalidArgumentException',
    );
  });

  it('starts with initial-response, then pushes records in order with the continuation after the last', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const before = feed.append(SHARD, [10, 20, 30]);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    expect(response.started).toEqual({ 'content-type': 'application/vnd.amazon.eventstream' });
    expect(response.messages[0]).toEqual({
      headers: {
        ':message-type': 'event',
        ':event-type': 'initial-response',
        ':content-type': 'application/json',
      },
      body: {},
    });
    clock.advance(0);
    const [first] = events(response);
    expect(first!.Records.map((r) => r.SequenceNumber)).toEqual(before.map((r) => r.SequenceNumber));
    expect(first!.ContinuationSequenceNumber).toBe(before[2]!.SequenceNumber);
    expect(Buffer.from(first!.Records[1]!.Data, 'base64')).toEqual(Buffer.alloc(20, 1));
    // Appended later: delivered after the 70 ms propagation, continuing after the last one sent.
    clock.advance(1000);
    const after = feed.append(SHARD, [5]);
    clock.advance(KINESIS.efoPropagationSeconds.value * 1000 - 1);
    expect(events(response)).toHaveLength(1);
    clock.advance(1);
    const second = events(response)[1]!;
    expect(second.Records.map((r) => r.SequenceNumber)).toEqual([after[0]!.SequenceNumber]);
    expect(second.ContinuationSequenceNumber).toBe(after[0]!.SequenceNumber);
  });

  it('starts LATEST after the tip and AFTER_SEQUENCE_NUMBER after the number; idle, it sends an empty event every 5 s', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const old = feed.append(SHARD, [1, 1, 1]);
    const latest = subscribe({ Type: 'LATEST' });
    clock.advance(IDLE_EVENT_MS);
    // No record yet: the continuation is the tip, so resubscribing AFTER it misses nothing.
    expect(events(latest)).toEqual([
      { Records: [], ContinuationSequenceNumber: old[2]!.SequenceNumber, MillisBehindLatest: 0 },
    ]);
    const fresh = feed.append(SHARD, [2]);
    clock.advance(100);
    expect(events(latest)[1]!.Records.map((r) => r.SequenceNumber)).toEqual([fresh[0]!.SequenceNumber]);

    clock.advance(RESUBSCRIBE_MS);
    const after = subscribe({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: old[0]!.SequenceNumber });
    clock.advance(0);
    expect(events(after)[0]!.Records.map((r) => r.SequenceNumber)).toEqual([
      old[1]!.SequenceNumber,
      old[2]!.SequenceNumber,
      fresh[0]!.SequenceNumber,
    ]);
  });

  for (const latestAs of ['at', 'latest'] as const) {
    it(`starts LATEST after the tip when the feed answers LATEST ${latestAs === 'at' ? 'AT the next number' : 'unpinned'}`, () => {
      const { clock, feed, subscribe } = setup();
      feed.latestAs = latestAs;
      clock.advance(CONSUMER_TRANSITION_MS);
      feed.append(SHARD, [1, 1]);
      const response = subscribe({ Type: 'LATEST' });
      clock.advance(1000);
      const fresh = feed.append(SHARD, [2, 3]);
      clock.advance(1000);
      expect(events(response).flatMap((e) => e.Records.map((r) => r.SequenceNumber))).toEqual(
        fresh.map((r) => r.SequenceNumber),
      );
    });
  }

  it('caps each consumer and shard at 2 MiB/s: 6 MiB appended at once arrives over 2 s of server time', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    // 48 records of 128 KiB = 6 MiB; 16 records make 2 MiB.
    feed.append(
      SHARD,
      Array.from({ length: 48 }, () => 128 * 1024),
    );
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    const received = (): number =>
      events(response).reduce(
        (sum, e) => sum + e.Records.reduce((s, r) => s + Buffer.from(r.Data, 'base64').length, 0),
        0,
      );
    // The bucket holds one second's worth (2 MiB) at the start: 2 MiB at t = 0, then 2 MiB more
    // each second: 4 MiB by t = 1 s, 6 MiB by t = 2 s, never more than 2 MiB + 2 MiB/s × t.
    clock.advance(0);
    expect(received()).toBe(2 * MiB);
    for (let ms = 100; ms <= 2000; ms += 100) {
      clock.advance(100);
      expect(received()).toBeLessThanOrEqual(2 * MiB + (2 * MiB * ms) / 1000);
    }
    expect(received()).toBe(6 * MiB);
    // Held back, the consumer is as far behind as the oldest record it has not got: the first
    // event left 32 records, appended at t = 0, when it was sent at t = 0.
    expect(events(response)[0]!.MillisBehindLatest).toBe(0);
    const last = events(response)[events(response).length - 1]!;
    expect(last.ContinuationSequenceNumber).toBe(feed.records.get(SHARD)![47]!.SequenceNumber);
  });

  it('lets a record larger than the bucket go when the bucket is full, then repays it at 2 MiB/s', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    feed.append(SHARD, [5 * MiB, MiB]);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    clock.advance(0);
    // t = 0: the full bucket (2 MiB) sends the 5 MiB record and owes 3 MiB. The 1 MiB record waits
    // for the bucket to reach 1 MiB again: (3 + 1) MiB / 2 MiB/s = 2 s.
    expect(events(response).map((e) => e.Records.length)).toEqual([1]);
    clock.advance(1999);
    expect(events(response).map((e) => e.Records.length)).toEqual([1]);
    clock.advance(1);
    expect(events(response).map((e) => e.Records.length)).toEqual([1, 1]);
  });

  it('with limits off, sends all 6 MiB at once', () => {
    const { clock, feed, subscribe } = setup('off');
    clock.advance(CONSUMER_TRANSITION_MS);
    feed.append(
      SHARD,
      Array.from({ length: 48 }, () => 128 * 1024),
    );
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    clock.advance(0);
    expect(events(response)).toHaveLength(1);
    expect(events(response)[0]!.Records).toHaveLength(48);
  });

  it('refuses a second subscription within 5 s; later, the new one takes over and the old one fails', () => {
    const { clock, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const first = subscribe({ Type: 'LATEST' });
    clock.advance(RESUBSCRIBE_MS - 1);
    expect(awsError(() => subscribe({ Type: 'LATEST' })).type).toBe('ResourceInUseException');
    clock.advance(1);
    const second = subscribe({ Type: 'LATEST' });
    expect(first.ended).toBe(true);
    expect(first.messages[first.messages.length - 1]!.headers).toMatchObject({
      ':message-type': 'exception',
      ':exception-type': 'ResourceInUseException',
    });
    expect(second.ended).toBe(false);
  });

  it('ends after 5 minutes of server time and stops listening to the feed', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    expect(feed.listenerCount).toBe(1);
    clock.advance(SUBSCRIPTION_MS - 1);
    expect(response.ended).toBe(false);
    // Idle for 5 minutes: one empty event each 5 s, 300 s / 5 s = 60, the 60th due exactly at the end.
    expect(events(response)).toHaveLength(59);
    clock.advance(1);
    expect(response.ended).toBe(true);
    expect(feed.listenerCount).toBe(0);
  });

  it('stops listening when the client goes away', () => {
    const { clock, feed, subscribe, efo } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    response.disconnect();
    expect(feed.listenerCount).toBe(0);
    feed.append(SHARD, [1]);
    clock.advance(IDLE_EVENT_MS * 2);
    expect(events(response)).toHaveLength(0);
    expect(efo.metrics().consumers).toMatchObject([
      {
        consumerName: 'app',
        status: 'ACTIVE',
        shards: [{ shardId: SHARD, subscribed: false, subscriptions: 1 }],
      },
    ]);
  });

  it('stops listening at once when the client went away before the subscription started', () => {
    const { clock, feed, subscribe, efo } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const gone = new FakeResponse(clock);
    gone.disconnect();
    subscribe({ Type: 'TRIM_HORIZON' }, SHARD, gone);
    expect(feed.listenerCount).toBe(0);
    expect(efo.metrics().consumers[0]!.shards[0]!.subscribed).toBe(false);
  });

  it('on a closed shard read to its end, sends ChildShards and ends the subscription', () => {
    const { clock, feed, subscribe } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    feed.append(SHARD, [3, 4]);
    feed.closed.add(SHARD);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    clock.advance(0);
    const [event] = events(response);
    expect(event!.Records).toHaveLength(2);
    expect(event!.ChildShards).toEqual([
      expect.objectContaining({ ShardId: 'shardId-000000000009', ParentShards: [SHARD] }),
    ]);
    expect(response.ended).toBe(true);
  });

  it('ends the subscriptions of a deregistered consumer with ResourceNotFoundException', () => {
    const { clock, subscribe, efo, consumerArn } = setup();
    clock.advance(CONSUMER_TRANSITION_MS);
    const response = subscribe({ Type: 'TRIM_HORIZON' });
    const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits: 'aws' };
    (efo.operations.get('DeregisterStreamConsumer') as JsonOperation)({ ConsumerARN: consumerArn }, context);
    expect(response.ended).toBe(true);
    expect(response.messages[response.messages.length - 1]!.headers[':exception-type']).toBe(
      'ResourceNotFoundException',
    );
  });
});
