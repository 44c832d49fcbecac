/**
 * Any decoded JSON body given to an enhanced fan-out operation gets an answer or an AwsError with a
 * 4xx status, never another exception (which the transport would turn into a 500): members of the
 * right names with values of any JSON type, nested StartingPositions, stray members.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSUMER_TRANSITION_MS, createEnhancedFanOut } from '../../../src/serve/efo/index.js';
import { AwsError, type JsonOperation, type RequestContext } from '../../../src/serve/protocol.js';
import { FakeFeed, FakeResponse, ManualClock, STREAM_ARN } from './fakes.js';

const RUNS = Number(process.env.EFO_FUZZ_RUNS ?? 300);

describe('enhanced fan-out operations over arbitrary inputs', () => {
  it('answer, or throw an AwsError with a 4xx status', () => {
    const clock = new ManualClock();
    const feed = new FakeFeed(clock);
    const efo = createEnhancedFanOut({
      feed,
      clock,
      region: 'us-east-1',
      accountId: '123456789012',
      limits: 'aws',
    });
    const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits: 'aws' };
    const { Consumer } = (efo.operations.get('RegisterStreamConsumer') as JsonOperation)(
      { StreamARN: STREAM_ARN, ConsumerName: 'fuzz' },
      context,
    ) as { Consumer: { ConsumerARN: string } };
    clock.advance(CONSUMER_TRANSITION_MS);
    feed.append('shardId-000000000000', [10, 20]);

    // Plausible values next to arbitrary ones, so inputs get past the first checks often.
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(STREAM_ARN, Consumer.ConsumerARN, 'shardId-000000000000', 'fuzz', 'x', '', 'AQID'),
      fc.integer(),
    );
    const position = fc.oneof(
      value,
      fc.record(
        {
          Type: fc.oneof(
            value,
            fc.constantFrom(
              'TRIM_HORIZON',
              'LATEST',
              'AT_SEQUENCE_NUMBER',
              'AFTER_SEQUENCE_NUMBER',
              'AT_TIMESTAMP',
            ),
          ),
          SequenceNumber: fc.oneof(value, fc.bigInt({ min: 0n, max: 10n ** 50n }).map(String)),
          Timestamp: value,
        },
        { requiredKeys: [] },
      ),
    );
    const input = fc.record(
      {
        StreamARN: value,
        ConsumerName: value,
        ConsumerARN: value,
        ShardId: value,
        StartingPosition: position,
        MaxResults: value,
        NextToken: value,
        StreamCreationTimestamp: value,
        Stray: value,
      },
      { requiredKeys: [] },
    );
    const operation = fc.constantFrom(...efo.operations.keys());

    fc.assert(
      fc.property(operation, input, fc.integer({ min: 0, max: 6_000 }), (name, body, advanceMs) => {
        clock.advance(advanceMs);
        const op = efo.operations.get(name)!;
        try {
          if (typeof op === 'function') op(body as Record<string, unknown>, context);
          else op.handle(body as Record<string, unknown>, context, new FakeResponse(clock));
        } catch (error) {
          expect(error).toBeInstanceOf(AwsError);
          expect((error as AwsError).status).toBeGreaterThanOrEqual(400);
          expect((error as AwsError).status).toBeLessThan(500);
        }
      }),
      { numRuns: RUNS },
    );
    efo.close();
  });
});
