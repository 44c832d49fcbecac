import { describe, expect, it } from 'vitest';
import { directPutQuota, FIREHOSE } from '../../../src/aws/facts.js';
import { AwsError } from '../../../src/serve/protocol.js';
import { data, directPutInput, harness, KiB, ROLE, START_MS } from './helpers.js';

/** The AwsError a call throws (fails the test when it does not throw one). */
function errorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError');
}

describe('Firehose operations: lifecycle', () => {
  it('creates CREATING, turns ACTIVE a second later, describes, lists in pages, deletes', () => {
    const h = harness();
    const created = h.call('CreateDeliveryStream', directPutInput('b-stream'));
    expect(created).toEqual({
      DeliveryStreamARN: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/b-stream',
    });
    const early = errorOf(() =>
      h.call('PutRecord', { DeliveryStreamName: 'b-stream', Record: { Data: data(1) } }),
    );
    expect([early.type, early.status]).toEqual(['ResourceNotFoundException', 400]);
    expect(errorOf(() => h.call('DeleteDeliveryStream', { DeliveryStreamName: 'b-stream' })).type).toBe(
      'ResourceInUseException',
    );
    h.clock.advanceBy(1000);
    const d = (
      h.call('DescribeDeliveryStream', { DeliveryStreamName: 'b-stream' }) as {
        DeliveryStreamDescription: Record<string, unknown>;
      }
    ).DeliveryStreamDescription;
    expect(d).toMatchObject({
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: START_MS / 1000,
      HasMoreDestinations: false,
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationDescription: {
            BucketARN: 'arn:aws:s3:::bucket',
            // Defaults of an S3 destination (FH-BH): 5 MiB, 300 s, uncompressed.
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
            CompressionFormat: 'UNCOMPRESSED',
          },
        },
      ],
    });
    const again = errorOf(() => h.call('CreateDeliveryStream', directPutInput('b-stream')));
    expect([again.type, again.message]).toEqual([
      'ResourceInUseException',
      'Firehose b-stream under account 000000000000 already exists with status ACTIVE.',
    ]);

    for (const name of ['c-stream', 'a-stream', 'd-stream'])
      h.call('CreateDeliveryStream', directPutInput(name));
    expect(h.call('ListDeliveryStreams', { Limit: 2 })).toEqual({
      DeliveryStreamNames: ['a-stream', 'b-stream'],
      HasMoreDeliveryStreams: true,
    });
    expect(h.call('ListDeliveryStreams', { Limit: 2, ExclusiveStartDeliveryStreamName: 'b-stream' })).toEqual(
      {
        DeliveryStreamNames: ['c-stream', 'd-stream'],
        HasMoreDeliveryStreams: false,
      },
    );
    expect(h.call('ListDeliveryStreams', { DeliveryStreamType: 'KinesisStreamAsSource' })).toEqual({
      DeliveryStreamNames: [],
      HasMoreDeliveryStreams: false,
    });

    expect(h.call('DeleteDeliveryStream', { DeliveryStreamName: 'b-stream' })).toEqual({});
    expect(h.metrics('b-stream').status).toBe('DELETING');
    h.clock.advanceBy(1000);
    expect(errorOf(() => h.call('DescribeDeliveryStream', { DeliveryStreamName: 'b-stream' })).message).toBe(
      'Firehose b-stream under account 000000000000 not found.',
    );
  });

  it('describes an S3DestinationConfiguration both ways, as AWS does', () => {
    const h = harness();
    h.call('CreateDeliveryStream', directPutInput('plain', { Prefix: 'p/' }, 'S3DestinationConfiguration'));
    const d = h.call('DescribeDeliveryStream', { DeliveryStreamName: 'plain' }) as {
      DeliveryStreamDescription: { Destinations: Record<string, { Prefix: string }>[] };
    };
    const dest = d.DeliveryStreamDescription.Destinations[0];
    expect(dest?.S3DestinationDescription?.Prefix).toBe('p/');
    expect(dest?.ExtendedS3DestinationDescription?.Prefix).toBe('p/');
  });
});

describe('Firehose operations: the API model constraints and what serve refuses', () => {
  it('lists every broken constraint of a CreateDeliveryStream in one ValidationException', () => {
    const h = harness();
    const e = errorOf(() =>
      h.call('CreateDeliveryStream', {
        DeliveryStreamName: 'bad name!',
        ExtendedS3DestinationConfiguration: {
          RoleARN: ROLE,
          BucketARN: 'arn:aws:s3:::bucket',
          BufferingHints: { SizeInMBs: 0, IntervalInSeconds: 901 },
        },
      }),
    );
    expect(e.type).toBe('ValidationException');
    expect(e.message).toBe(
      "3 validation errors detected: Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ' +
        "Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: " +
        'Member must have value greater than or equal to 1; ' +
        "Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy " +
        'constraint: Member must have value less than or equal to 900',
    );
  });

  it.each([
    [
      { Prefix: 'a/!{timestamp:yyyy}/' },
      'ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
    ],
    [{ Prefix: '../escape/' }, 'cannot leave its bucket'],
    [{ Prefix: "!{timestamp:'..'}/x/", ErrorOutputPrefix: 'e/' }, 'cannot leave its bucket'],
    [{ Prefix: '!{partitionKeyFromQuery:id}/', ErrorOutputPrefix: 'e/' }, 'dynamic partitioning'],
    [{ Prefix: '!{timestamp:EEE}/', ErrorOutputPrefix: 'e/' }, 'not a timestamp pattern'],
    [{ CompressionFormat: 'Snappy' }, 'CompressionFormat Snappy is not modelled'],
    [{ BufferingHints: { SizeInMBs: 64 } }, 'specify both SizeInMBs and IntervalInSeconds, or neither'],
    [{ BucketARN: 'arn:aws:s3:::Not_A_Bucket' }, 'does not name an S3 bucket'],
  ])('refuses %j with InvalidArgumentException', (s3, words) => {
    const e = errorOf(() => harness().call('CreateDeliveryStream', directPutInput('x', s3)));
    expect(e.type).toBe('InvalidArgumentException');
    expect(e.message).toContain(words);
  });

  it('answers a wrong JSON type with SerializationException, a missing member with ValidationException', () => {
    const h = harness();
    expect(errorOf(() => h.call('DescribeDeliveryStream', { DeliveryStreamName: 7 })).type).toBe(
      'SerializationException',
    );
    expect(
      errorOf(() =>
        h.call('CreateDeliveryStream', { DeliveryStreamName: 'x', ExtendedS3DestinationConfiguration: [] }),
      ).type,
    ).toBe('SerializationException');
    const missing = errorOf(() => h.call('DescribeDeliveryStream', {}));
    expect([missing.type, missing.message]).toEqual([
      'ValidationException',
      "1 validation error detected: Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null",
    ]);
    h.call('CreateDeliveryStream', directPutInput('s'));
    h.clock.advanceBy(1000);
    expect(
      errorOf(() => h.call('PutRecord', { DeliveryStreamName: 's', Record: { Data: 'not base64!' } })).type,
    ).toBe('SerializationException');
  });

  it('holds PutRecordBatch to 500 records, 1,000 KiB a record and 4 MiB a call (FIREHOSE facts)', () => {
    const h = harness({ limits: 'off' });
    h.call('CreateDeliveryStream', directPutInput('s'));
    h.clock.advanceBy(1000);
    const tooMany = errorOf(() =>
      h.call('PutRecordBatch', {
        DeliveryStreamName: 's',
        Records: Array.from({ length: 501 }, () => ({ Data: data(1) })),
      }),
    );
    expect(tooMany.type).toBe('ValidationException');
    expect(tooMany.message).toContain(
      "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
    );
    // 1,000 KiB is 1,024,000 bytes: one more is refused, naming the entry (1-based) and its length.
    const big = errorOf(() =>
      h.call('PutRecordBatch', {
        DeliveryStreamName: 's',
        Records: [{ Data: data(1) }, { Data: data(1_024_001) }],
      }),
    );
    expect(big.message).toContain(
      "Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
    );
    // 5 × 1,000,000 = 5,000,000 bytes > 4 MiB = 4,194,304 bytes.
    const call = errorOf(() =>
      h.call('PutRecordBatch', {
        DeliveryStreamName: 's',
        Records: Array.from({ length: 5 }, () => ({ Data: data(1_000_000) })),
      }),
    );
    expect([call.type, call.message]).toEqual([
      'InvalidArgumentException',
      'Records size 5000000 bytes exceeds the 4194304 bytes (4 MiB) limit of one PutRecordBatch call.',
    ]);
    expect(FIREHOSE.maxRecordBytes.value).toBe(1_024_000);
  });
});

describe('Firehose operations: the Direct PUT quota (FH-Q) with limits aws', () => {
  it('fails only the PutRecordBatch entries over the bytes/s quota, with ServiceUnavailableException entries', () => {
    // us-east-1: 5 MiB/s = 5,242,880 bytes/s, the bucket full at the start. Records of 100 KiB
    // (102,400 bytes), 40 to a call (4,096,000 bytes, under the 4 MiB call limit):
    // - call 1 at t: 40 admitted, 5,242,880 − 4,096,000 = 1,146,880 left;
    // - call 2 at t: 1,146,880 / 102,400 = 11.2 → 11 admitted (1,126,400), 20,480 left, 29 fail;
    // - call 3 at t + 0.5 s: refill 0.5 × 5,242,880 = 2,621,440 → 2,641,920 / 102,400 = 25.8 →
    //   25 admitted, 15 fail.
    expect(directPutQuota('us-east-1').bytesPerSecond).toBe(5_242_880);
    const h = harness();
    h.call('CreateDeliveryStream', directPutInput('q'));
    h.clock.advanceBy(1000);
    const batch = {
      DeliveryStreamName: 'q',
      Records: Array.from({ length: 40 }, () => ({ Data: data(100 * KiB) })),
    };
    type Out = {
      FailedPutCount: number;
      RequestResponses: { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[];
    };
    const first = h.call('PutRecordBatch', batch) as Out;
    const second = h.call('PutRecordBatch', batch) as Out;
    h.clock.advanceBy(500);
    const third = h.call('PutRecordBatch', batch) as Out;
    expect([first.FailedPutCount, second.FailedPutCount, third.FailedPutCount]).toEqual([0, 29, 15]);
    expect(second.RequestResponses.slice(10, 12)).toEqual([
      { RecordId: expect.any(String) },
      { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' },
    ]);
    expect(second.RequestResponses).toHaveLength(40);
    expect(new Set([...first.RequestResponses, ...second.RequestResponses].map((r) => r.RecordId)).size).toBe(
      40 + 11 + 1,
    );
    expect(h.metrics('q')).toMatchObject({
      recordsIn: 40 + 11 + 25,
      throttledRecords: 29 + 15,
      throttledRequests: 0,
    });
  });

  it('fails a whole call over the requests/s quota with a 503, and takes everything with limits off', () => {
    // Other regions: 1,000 requests/s. 1,000 one-byte PutRecords at one instant pass (1,000 bytes of
    // the 1 MiB/s, 1,000 of the 100,000 records/s); the 1,001st is refused whole.
    const quota = directPutQuota('eu-central-1');
    expect(quota.requestsPerSecond).toBe(1000);
    const h = harness({ region: 'eu-central-1' });
    h.call('CreateDeliveryStream', directPutInput('r'));
    h.clock.advanceBy(1000);
    for (let i = 0; i < 1000; i++)
      h.call('PutRecord', { DeliveryStreamName: 'r', Record: { Data: data(1) } });
    const e = errorOf(() => h.call('PutRecord', { DeliveryStreamName: 'r', Record: { Data: data(1) } }));
    expect([e.type, e.status, e.message]).toEqual(['ServiceUnavailableException', 503, 'Slow down.']);
    // 1 ms later one request's token (1,000/s × 1 ms) is back.
    h.clock.advanceBy(1);
    expect(h.call('PutRecord', { DeliveryStreamName: 'r', Record: { Data: data(1) } })).toMatchObject({
      Encrypted: false,
    });
    expect(h.metrics('r')).toMatchObject({ recordsIn: 1001, throttledRequests: 1 });

    const off = harness({ region: 'eu-central-1', limits: 'off' });
    off.call('CreateDeliveryStream', directPutInput('r'));
    off.clock.advanceBy(1000);
    for (let i = 0; i < 3000; i++)
      off.call('PutRecord', { DeliveryStreamName: 'r', Record: { Data: data(1) } });
    expect(off.metrics('r')).toMatchObject({ recordsIn: 3000, throttledRequests: 0 });
  });
});
