/**
 * Whatever JSON a client sends, each operation answers or throws an `AwsError` (which the transport
 * turns into AWS's error response): never another exception, which would be a 500 and a bug.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/serve/protocol.js';
import { data, directPutInput, harness } from './helpers.js';

const MEMBERS = [
  'DeliveryStreamName',
  'DeliveryStreamType',
  'Record',
  'Records',
  'Data',
  'Limit',
  'ExclusiveStartDeliveryStreamName',
  'ExtendedS3DestinationConfiguration',
  'S3DestinationConfiguration',
  'KinesisStreamSourceConfiguration',
  'BufferingHints',
  'SizeInMBs',
  'IntervalInSeconds',
  'Prefix',
  'ErrorOutputPrefix',
  'BucketARN',
  'RoleARN',
  'CompressionFormat',
  'Tags',
  'Key',
  'Value',
] as const;

/** JSON values whose objects use the API's member names, so the fuzz reaches past the first check. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('s', 'GZIP', 'DirectPut', 'arn:aws:s3:::bucket', '!{timestamp:yyyy}/', '../', 'YQ==', ''),
    fc.string(),
    fc.integer({ min: -2, max: 1000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom(...MEMBERS), tie('value'), { maxKeys: 5 }),
}));

describe('the Firehose model under random input', () => {
  it('answers or throws an AwsError for any JSON object, for every operation (property)', () => {
    const h = harness();
    h.call('CreateDeliveryStream', directPutInput('s'));
    h.clock.advanceBy(1000);
    h.call('PutRecord', { DeliveryStreamName: 's', Record: { Data: data(3) } });
    const operations = [...h.firehose.operations.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...operations), json.object, (operation, input) => {
        try {
          h.call(operation, input as Record<string, unknown>);
        } catch (e) {
          expect(e).toBeInstanceOf(AwsError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
