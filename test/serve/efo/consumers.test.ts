/**
 * Stream consumers with a manual clock and the in-memory feed: ARNs, CREATING → ACTIVE, the 20
 * consumers per stream, duplicate names, deregistration, paging, and the error shapes.
 */
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import { CONSUMER_TRANSITION_MS, createEnhancedFanOut } from '../../../src/serve/efo/index.js';
import { AwsError, type JsonOperation, type RequestContext } from '../../../src/serve/protocol.js';
import { FakeFeed, ManualClock, STREAM_ARN } from './fakes.js';

interface ConsumerOut {
  ConsumerName: string;
  ConsumerARN: string;
  ConsumerStatus: string;
  ConsumerCreationTimestamp: number;
  StreamARN?: string;
}
/** The outputs these operations return, in one loose shape. */
interface Output {
  Consumer: ConsumerOut;
  ConsumerDescription: ConsumerOut;
  Consumers: ConsumerOut[];
  NextToken?: string;
}

function setup() {
  const clock = new ManualClock(1_700_000_000_250);
  const feed = new FakeFeed(clock);
  const efo = createEnhancedFanOut({
    feed,
    clock,
    region: 'us-east-1',
    accountId: '123456789012',
    limits: 'aws',
  });
  const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits: 'aws' };
  const call = (name: string, input: Record<string, unknown>) =>
    (efo.operations.get(name) as JsonOperation)(input, context) as Output;
  return { clock, feed, efo, call };
}

function awsError(fn: () => unknown): { type: string; message: string; status: number } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return { type: error.type, message: error.message, status: error.status };
    throw error;
  }
  throw new Error('expected an AwsError');
}

describe('RegisterStreamConsumer', () => {
  it('names the consumer <stream ARN>/consumer/<name>:<creation epoch seconds>, CREATING then ACTIVE', () => {
    const { clock, call } = setup();
    const { Consumer } = call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'app-1' });
    // 1,700,000,000,250 ms → floor(1,700,000,000.25) = 1,700,000,000 s.
    expect(Consumer).toEqual({
      ConsumerName: 'app-1',
      ConsumerARN: `${STREAM_ARN}/consumer/app-1:1700000000`,
      ConsumerStatus: 'CREATING',
      ConsumerCreationTimestamp: 1_700_000_000.25,
    });
    clock.advance(CONSUMER_TRANSITION_MS - 1);
    expect(
      call('DescribeStreamConsumer', { ConsumerARN: Consumer.ConsumerARN }).ConsumerDescription,
    ).toMatchObject({ ConsumerStatus: 'CREATING', StreamARN: STREAM_ARN });
    clock.advance(1);
    expect(
      call('DescribeStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'app-1' }).ConsumerDescription
        .ConsumerStatus,
    ).toBe('ACTIVE');
  });

  it('allows efoMaxConsumers per stream, then LimitExceededException; a duplicate name is ResourceInUseException', () => {
    const { call, efo } = setup();
    const max = KINESIS.efoMaxConsumers.value;
    for (let i = 0; i < max; i++)
      call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: `c${i}` });
    expect(efo.consumers.count(STREAM_ARN)).toBe(max);
    expect(
      awsError(() => call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'c0' })).type,
    ).toBe('ResourceInUseException');
    const limit = awsError(() =>
      call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'one-more' }),
    );
    expect(limit.type).toBe('LimitExceededException');
    expect(limit.message).toContain(`limit is ${max}`);
  });

  it('answers bad input with the error AWS gives, naming the member', () => {
    const { call } = setup();
    expect(awsError(() => call('RegisterStreamConsumer', { ConsumerName: 'x' }))).toMatchObject({
      type: 'ValidationException',
      message: expect.stringContaining("'streamARN'"),
    });
    expect(
      awsError(() => call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'bad name!' })),
    ).toMatchObject({ type: 'ValidationException', message: expect.stringContaining("'consumerName'") });
    expect(
      awsError(() => call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 7 })).type,
    ).toBe('SerializationException');
    expect(
      awsError(() => call('RegisterStreamConsumer', { StreamARN: `${STREAM_ARN}-gone`, ConsumerName: 'x' }))
        .type,
    ).toBe('ResourceNotFoundException');
    expect(awsError(() => call('DescribeStreamConsumer', { ConsumerName: 'x' })).type).toBe(
      'InvalidArgumentException',
    );
    expect(
      awsError(() => call('DescribeStreamConsumer', { ConsumerARN: `${STREAM_ARN}/consumer/x:1` })).type,
    ).toBe('ResourceNotFoundException');
  });
});

describe('DeregisterStreamConsumer', () => {
  it('is DELETING for the transition time, still counted, then gone; the name is free again', () => {
    const { clock, call, efo } = setup();
    const { Consumer } = call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'app' });
    clock.advance(CONSUMER_TRANSITION_MS);
    expect(call('DeregisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'app' })).toEqual({});
    expect(
      call('DescribeStreamConsumer', { ConsumerARN: Consumer.ConsumerARN }).ConsumerDescription
        .ConsumerStatus,
    ).toBe('DELETING');
    expect(efo.consumers.count(STREAM_ARN)).toBe(1);
    clock.advance(CONSUMER_TRANSITION_MS);
    expect(awsError(() => call('DescribeStreamConsumer', { ConsumerARN: Consumer.ConsumerARN })).type).toBe(
      'ResourceNotFoundException',
    );
    expect(efo.consumers.count(STREAM_ARN)).toBe(0);
    expect(
      call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'app' }).Consumer.ConsumerStatus,
    ).toBe('CREATING');
  });

  it('drops every consumer of a deleted stream at once', () => {
    const { call, efo } = setup();
    call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'a' });
    call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: 'b' });
    efo.consumers.streamDeleted(STREAM_ARN);
    expect(efo.consumers.count(STREAM_ARN)).toBe(0);
  });
});

describe('ListStreamConsumers', () => {
  it('pages in registration order with MaxResults and NextToken; the token expires after 300 s', () => {
    const { clock, call } = setup();
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      call('RegisterStreamConsumer', { StreamARN: STREAM_ARN, ConsumerName: name });
      clock.advance(1000);
    }
    const names = (page: Output) => page.Consumers.map((c) => c.ConsumerName);
    // 5 consumers, 2 a page: [a b] [c d] [e], the last without a NextToken.
    const first = call('ListStreamConsumers', { StreamARN: STREAM_ARN, MaxResults: 2 });
    expect(names(first)).toEqual(['a', 'b']);
    const second = call('ListStreamConsumers', {
      StreamARN: STREAM_ARN,
      MaxResults: 2,
      NextToken: first.NextToken,
    });
    expect(names(second)).toEqual(['c', 'd']);
    const third = call('ListStreamConsumers', {
      StreamARN: STREAM_ARN,
      MaxResults: 2,
      NextToken: second.NextToken,
    });
    expect(names(third)).toEqual(['e']);
    expect(third.NextToken).toBeUndefined();
    expect(names(call('ListStreamConsumers', { StreamARN: STREAM_ARN }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    clock.advance(300_001);
    expect(
      awsError(() =>
        call('ListStreamConsumers', { StreamARN: STREAM_ARN, MaxResults: 2, NextToken: first.NextToken }),
      ).type,
    ).toBe('ExpiredNextTokenException');
    expect(
      awsError(() => call('ListStreamConsumers', { StreamARN: STREAM_ARN, NextToken: 'garbage' })).type,
    ).toBe('InvalidArgumentException');
    expect(
      awsError(() => call('ListStreamConsumers', { StreamARN: STREAM_ARN, MaxResults: 0 })),
    ).toMatchObject({
      type: 'ValidationException',
      message: expect.stringContaining("'maxResults'"),
    });
  });
});
