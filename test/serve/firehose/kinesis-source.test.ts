import { describe, expect, it } from 'vitest';
import type {
  ShardPosition,
  ShardRead,
  ShardView,
  StoredRecord,
  StreamFeed,
} from '../../../src/serve/protocol.js';
import { AwsError } from '../../../src/serve/protocol.js';
import { harness, KiB, ROLE } from './helpers.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

/** A stream of named shards whose appends the test makes; it counts its listeners. */
class FakeFeed implements StreamFeed {
  private readonly listeners = new Set<(shardId: string, records: readonly StoredRecord[]) => void>();
  private sequence = 0;

  constructor(private readonly nowMs: () => number) {}

  streamName(nameOrArn: string): string | undefined {
    return nameOrArn === STREAM_ARN || nameOrArn === 'orders' ? 'orders' : undefined;
  }
  streamArn(name: string): string | undefined {
    return name === 'orders' ? STREAM_ARN : undefined;
  }
  shards(): ShardView[] {
    return [];
  }
  read(_stream: string, _shard: string, position: ShardPosition): ShardRead {
    return { records: [], next: position, millisBehindLatest: 0 };
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

  append(shardId: string, count: number, bytes: number): void {
    const records = Array.from({ length: count }, () => ({
      SequenceNumber: String(++this.sequence),
      ApproximateArrivalTimestamp: this.nowMs(),
      Data: new Uint8Array(bytes),
      PartitionKey: 'k',
    }));
    for (const l of this.listeners) l(shardId, records);
  }
}

function kinesisSourced(): { h: ReturnType<typeof harness>; feed: FakeFeed } {
  let clockNow = () => 0;
  const feed = new FakeFeed(() => clockNow());
  const h = harness({ feed });
  clockNow = () => h.clock.nowMs();
  h.call('CreateDeliveryStream', {
    DeliveryStreamName: 'from-orders',
    DeliveryStreamType: 'KinesisStreamAsSource',
    KinesisStreamSourceConfiguration: { KinesisStreamARN: STREAM_ARN, RoleARN: ROLE },
    ExtendedS3DestinationConfiguration: {
      RoleARN: ROLE,
      BucketARN: 'arn:aws:s3:::bucket',
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
    },
  });
  return { h, feed };
}

describe('Firehose with a Kinesis stream source (FH-Q, FH23)', () => {
  it('starts at LATEST when ACTIVE, reads each shard once a second, buffers per shard', async () => {
    const { h, feed } = kinesisSourced();
    const t0 = h.clock.nowMs();
    // While CREATING nothing listens: these records are before LATEST and never delivered.
    feed.append('shardId-000000000000', 5, 100);
    expect(feed.listenerCount).toBe(0);
    h.clock.advanceTo(t0 + 1000); // ACTIVE: reads fall at t0 + 2 s, t0 + 3 s, …
    h.clock.advanceTo(t0 + 1200);
    feed.append('shardId-000000000000', 3, 100);
    feed.append('shardId-000000000001', 2, 100);
    h.clock.advanceTo(t0 + 1999);
    expect(h.metrics('from-orders')).toMatchObject({ recordsIn: 0, bufferedRecords: 5 });
    h.clock.advanceTo(t0 + 2000);
    expect(h.metrics('from-orders')).toMatchObject({ recordsIn: 5, bytesIn: 500 });
    // Each shard's buffer started at t0 + 2 s: two objects at t0 + 62 s, one per shard.
    h.clock.advanceTo(t0 + 61_999);
    await h.firehose.idle();
    expect(h.metrics('from-orders').objects).toBe(0);
    h.clock.advanceTo(t0 + 62_000);
    await h.firehose.idle();
    expect(h.metrics('from-orders')).toMatchObject({ objects: 2, recordsDelivered: 5, objectBytes: 500 });
    await h.firehose.close?.();
    expect(feed.listenerCount).toBe(0);
  });

  it("takes at most one second of a shard's read throughput per read (2 MiB)", () => {
    // 30 records of 100 KiB = 3,072,000 bytes wait. One read takes what fits 2 MiB = 2,097,152
    // bytes: 20 records (2,048,000; 21 would be 2,150,400). The other 10 come a second later.
    const { h, feed } = kinesisSourced();
    const t0 = h.clock.nowMs();
    h.clock.advanceTo(t0 + 1000);
    feed.append('shardId-000000000000', 30, 100 * KiB);
    h.clock.advanceTo(t0 + 2000);
    expect(h.metrics('from-orders').recordsIn).toBe(20);
    h.clock.advanceTo(t0 + 3000);
    expect(h.metrics('from-orders').recordsIn).toBe(30);
  });

  it('refuses PutRecord and PutRecordBatch, and a source stream that does not exist', () => {
    const { h } = kinesisSourced();
    h.clock.advanceBy(1000);
    for (const [op, input] of [
      ['PutRecord', { DeliveryStreamName: 'from-orders', Record: { Data: 'YQ==' } }],
      ['PutRecordBatch', { DeliveryStreamName: 'from-orders', Records: [{ Data: 'YQ==' }] }],
    ] as const) {
      let error: unknown;
      try {
        h.call(op, input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AwsError);
      expect((error as AwsError).type).toBe('InvalidArgumentException');
      expect((error as AwsError).message).toBe(
        'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
      );
    }
    expect(() =>
      h.call('CreateDeliveryStream', {
        DeliveryStreamName: 'nowhere',
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { KinesisStreamARN: `${STREAM_ARN}-missing`, RoleARN: ROLE },
        S3DestinationConfiguration: { RoleARN: ROLE, BucketARN: 'arn:aws:s3:::bucket' },
      }),
    ).toThrow(/does not exist/);
    const described = h.call('DescribeDeliveryStream', { DeliveryStreamName: 'from-orders' }) as {
      DeliveryStreamDescription: { Source: unknown };
    };
    expect(described.DeliveryStreamDescription.Source).toEqual({
      KinesisStreamSourceDescription: {
        KinesisStreamARN: STREAM_ARN,
        RoleARN: ROLE,
        DeliveryStartTimestamp: h.clock.nowMs() / 1000,
      },
    });
  });
});
