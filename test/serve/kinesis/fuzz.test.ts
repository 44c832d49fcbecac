/**
 * Any decoded body, however wrong, gets an answer or an `AwsError` (a 4xx the SDK understands),
 * never another exception (the transport would turn it into a 500): fields of every JSON type,
 * names the operations know among unknown ones, on streams that exist and ones that do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/serve/protocol.js';
import { kinesis } from './helpers.js';

const FIELDS = [
  'StreamName',
  'StreamARN',
  'ShardCount',
  'StreamModeDetails',
  'Tags',
  'TagKeys',
  'Limit',
  'ExclusiveStartShardId',
  'ExclusiveStartStreamName',
  'ExclusiveStartTagKey',
  'NextToken',
  'MaxResults',
  'ShardFilter',
  'StreamCreationTimestamp',
  'Data',
  'PartitionKey',
  'ExplicitHashKey',
  'SequenceNumberForOrdering',
  'Records',
  'ShardId',
  'ShardIteratorType',
  'StartingSequenceNumber',
  'Timestamp',
  'ShardIterator',
  'TargetShardCount',
  'ScalingType',
  'ShardToSplit',
  'NewStartingHashKey',
  'ShardToMerge',
  'AdjacentShardToMerge',
  'RetentionPeriodHours',
  'EnforceConsumerDeletion',
];

// Values that are near-misses as often as nonsense: the stream's name, shard ids, numbers at the
// limits, base64 and iterator-like strings, nested objects and lists.
const value = fc.oneof(
  fc.constantFrom(
    's',
    'shardId-000000000000',
    'shardId-000000000001',
    'AT_LATEST',
    'TRIM_HORIZON',
    'UNIFORM_SCALING',
  ),
  fc.constantFrom(0, 1, 2, 24, 500, 10_001, -1, 1.5, 2 ** 53),
  fc.string(),
  fc.base64String(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.record({ Data: fc.base64String(), PartitionKey: fc.string() }, { requiredKeys: [] }), {
    maxLength: 3,
  }),
  fc.record(
    {
      Type: fc.constantFrom('AT_TIMESTAMP', 'AFTER_SHARD_ID', 'x'),
      ShardId: fc.string(),
      Timestamp: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

const body = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 5 })), value, {
  maxKeys: 6,
});

describe('fuzzed inputs', () => {
  it('always answer or throw an AwsError', () => {
    const k = kinesis();
    k.stream('s', 2);
    const operations = [...k.service.operations.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        body,
        fc.integer({ min: 0, max: 2000 }),
        (operation, input, ms) => {
          k.clock.advance(ms);
          try {
            k.call(operation, input);
          } catch (error) {
            if (!(error instanceof AwsError)) throw error;
            expect(error.status).toBeGreaterThanOrEqual(400);
            expect(error.status).toBeLessThan(500);
          }
          // The stream 's' comes back if a fuzzed call deleted it, so later calls meet a stream.
          if (!k.model.streams.has('s')) k.call('CreateStream', { StreamName: 's', ShardCount: 2 });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
