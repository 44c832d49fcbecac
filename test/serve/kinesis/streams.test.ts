/**
 * Stream operations and their errors, worded as the Kinesis API reference (and kinesalite, which
 * mirrors AWS's messages) words them.
 */
import { describe, expect, it } from 'vitest';
import { b64, type DescribeOut, errorOf, kinesis } from './helpers.js';

describe('CreateStream, DescribeStream, ListStreams, DeleteStream', () => {
  it('creates a stream CREATING, then ACTIVE, with evenly split hash ranges', () => {
    const { call, clock } = kinesis();
    call('CreateStream', { StreamName: 's', ShardCount: 3 });
    const creating = call<DescribeOut>('DescribeStream', { StreamName: 's' }).StreamDescription;
    expect(creating.StreamStatus).toBe('CREATING');
    expect(creating.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/s');
    // Writes need an ACTIVE stream: a CREATING one is not found.
    expect(errorOf(() => call('PutRecord', { StreamName: 's', Data: b64('x'), PartitionKey: 'p' }))).toEqual({
      type: 'ResourceNotFoundException',
      message: 'Stream s under account 000000000000 not found.',
      status: 400,
    });
    clock.advance(500);
    const active = call<DescribeOut>('DescribeStream', { StreamName: 's' }).StreamDescription;
    expect(active.StreamStatus).toBe('ACTIVE');
    // floor(2^128 / 3) = 113427455640312821154458202477256070485 (a real 3-shard stream's shard 1).
    expect(active.Shards.map((s) => s.HashKeyRange.StartingHashKey)).toEqual([
      '0',
      '113427455640312821154458202477256070485',
      '226854911280625642308916404954512140970',
    ]);
    expect(active.Shards[2]!.HashKeyRange.EndingHashKey).toBe('340282366920938463463374607431768211455');
    expect(active.Shards.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(errorOf(() => call('CreateStream', { StreamName: 's', ShardCount: 1 }))).toEqual({
      type: 'ResourceInUseException',
      message: 'Stream s under account 000000000000 already exists.',
      status: 400,
    });
  });

  it('pages DescribeStream shards and ListStreams names', () => {
    const { call, stream } = kinesis();
    for (const name of ['c', 'a', 'b']) stream(name, 3);
    const page = call<DescribeOut>('DescribeStream', { StreamName: 'a', Limit: 2 }).StreamDescription;
    expect(page.Shards.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(page.HasMoreShards).toBe(true);
    const rest = call<DescribeOut>('DescribeStream', {
      StreamName: 'a',
      ExclusiveStartShardId: 'shardId-000000000001',
    }).StreamDescription;
    expect(rest.Shards.map((s) => s.ShardId)).toEqual(['shardId-000000000002']);
    expect(rest.HasMoreShards).toBe(false);
    const first = call<{ StreamNames: string[]; HasMoreStreams: boolean; NextToken?: string }>(
      'ListStreams',
      {
        Limit: 2,
      },
    );
    expect(first.StreamNames).toEqual(['a', 'b']);
    expect(first.HasMoreStreams).toBe(true);
    const second = call<{ StreamNames: string[]; HasMoreStreams: boolean }>('ListStreams', {
      NextToken: first.NextToken,
    });
    expect(second).toMatchObject({ StreamNames: ['c'], HasMoreStreams: false });
    expect(
      call<{ StreamNames: string[] }>('ListStreams', { ExclusiveStartStreamName: 'a' }).StreamNames,
    ).toEqual(['b', 'c']);
  });

  it('creates an on-demand stream with the 4 shards its 4 MiB/s and 4,000 records/s need', () => {
    const { call, clock } = kinesis();
    call('CreateStream', { StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    clock.advance(500);
    // max(4,000 ÷ 1,000, 4 MiB ÷ 1 MiB) = 4 shards.
    const summary = call<{
      StreamDescriptionSummary: { OpenShardCount: number; StreamModeDetails: unknown };
    }>('DescribeStreamSummary', { StreamName: 'od' }).StreamDescriptionSummary;
    expect(summary.OpenShardCount).toBe(4);
    expect(summary.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
  });

  it('deletes a stream: DELETING, then gone; refuses while consumers are registered', () => {
    let consumers = 2;
    const deleted: string[] = [];
    const { call, clock, stream } = kinesis({
      consumers: { count: () => consumers, streamDeleted: (arn) => deleted.push(arn) },
    });
    stream('s', 1);
    expect(errorOf(() => call('DeleteStream', { StreamName: 's' })).type).toBe('ResourceInUseException');
    call('DeleteStream', { StreamName: 's', EnforceConsumerDeletion: true });
    expect(deleted).toEqual(['arn:aws:kinesis:us-east-1:000000000000:stream/s']);
    expect(call<DescribeOut>('DescribeStream', { StreamName: 's' }).StreamDescription.StreamStatus).toBe(
      'DELETING',
    );
    clock.advance(500);
    expect(errorOf(() => call('DescribeStream', { StreamName: 's' }))).toEqual({
      type: 'ResourceNotFoundException',
      message: 'Stream s under account 000000000000 not found.',
      status: 400,
    });
    consumers = 0;
    expect(
      errorOf(() => call('DeleteStream', { StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' }))
        .type,
    ).toBe('ResourceNotFoundException');
  });
});

describe('validation', () => {
  it('words constraint violations as AWS does, all of them in one ValidationException', () => {
    const { call } = kinesis();
    expect(errorOf(() => call('CreateStream', { StreamName: 'bad name!', ShardCount: 0 }))).toEqual({
      type: 'ValidationException',
      message:
        "2 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
    expect(errorOf(() => call('CreateStream', { ShardCount: 1 })).message).toBe(
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    );
    expect(errorOf(() => call('CreateStream', { StreamName: 'x'.repeat(129), ShardCount: 1 })).message).toBe(
      `1 validation error detected: Value '${'x'.repeat(129)}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it('names the entry of PutRecords that is wrong, and checks blobs and keys', () => {
    const { call, stream } = kinesis();
    stream('s', 1);
    const e = errorOf(() =>
      call('PutRecords', {
        StreamName: 's',
        Records: [
          { Data: b64('ok'), PartitionKey: 'p' },
          { Data: b64('ok'), PartitionKey: 'k'.repeat(257) },
        ],
      }),
    );
    expect(e.type).toBe('ValidationException');
    expect(e.message).toBe(
      `1 validation error detected: Value '${'k'.repeat(257)}' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    // 1 MiB + 1 byte of data: the blob is shown as Java shows a buffer.
    const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
    expect(errorOf(() => call('PutRecord', { StreamName: 's', Data: big, PartitionKey: 'p' })).message).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    // Data within 1 MiB but data + key over it: the data member is named, without its value.
    const edge = Buffer.alloc(1024 * 1024 - 2).toString('base64');
    expect(
      errorOf(() => call('PutRecords', { StreamName: 's', Records: [{ Data: edge, PartitionKey: 'key' }] }))
        .message,
    ).toBe(
      "1 validation error detected: Value at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    // 11 records of 1 MiB − 1 byte + a 1-byte key = 11 MiB > the request's 10 MiB.
    const full = Buffer.alloc(1024 * 1024 - 1).toString('base64');
    const eleven = Array.from({ length: 11 }, () => ({ Data: full, PartitionKey: 'k' }));
    expect(errorOf(() => call('PutRecords', { StreamName: 's', Records: eleven }))).toEqual({
      type: 'InvalidArgumentException',
      message: 'Records size exceeds 10 MB limit',
      status: 400,
    });
    expect(errorOf(() => call('PutRecords', { StreamName: 's', Records: [] })).message).toBe(
      "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(
      errorOf(() =>
        call('PutRecord', { StreamName: 's', Data: b64('x'), PartitionKey: 'p', ExplicitHashKey: '0123' }),
      ).message,
    ).toBe(
      "1 validation error detected: Value '0123' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    );
    // 2^128 passes the pattern (39 digits) but not the range.
    expect(
      errorOf(() =>
        call('PutRecord', {
          StreamName: 's',
          Data: b64('x'),
          PartitionKey: 'p',
          ExplicitHashKey: '340282366920938463463374607431768211456',
        }),
      ),
    ).toEqual({
      type: 'InvalidArgumentException',
      message:
        'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456',
      status: 400,
    });
  });

  it('rejects a value of the wrong JSON type as SerializationException', () => {
    const { call } = kinesis();
    expect(errorOf(() => call('CreateStream', { StreamName: 's', ShardCount: 'two' })).type).toBe(
      'SerializationException',
    );
    expect(errorOf(() => call('CreateStream', { StreamName: { a: 1 }, ShardCount: 1 }))).toEqual({
      type: 'SerializationException',
      message: 'Start of structure or map found where not expected.',
      status: 400,
    });
  });
});

describe('tags and retention', () => {
  it('adds, pages, removes tags, and stops at 50 a stream', () => {
    const { call, stream } = kinesis();
    stream('s', 1);
    call('AddTagsToStream', { StreamName: 's', Tags: { b: '2', a: '1', c: '' } });
    expect(call('ListTagsForStream', { StreamName: 's', Limit: 2 })).toEqual({
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
      ],
      HasMoreTags: true,
    });
    expect(call('ListTagsForStream', { StreamName: 's', ExclusiveStartTagKey: 'b' })).toEqual({
      Tags: [{ Key: 'c', Value: '' }],
      HasMoreTags: false,
    });
    call('RemoveTagsFromStream', { StreamName: 's', TagKeys: ['a', 'c'] });
    expect(call('ListTagsForStream', { StreamName: 's' })).toEqual({
      Tags: [{ Key: 'b', Value: '2' }],
      HasMoreTags: false,
    });
    // 'b' and 4 calls of 10 new keys (10 is a call's most): 41; 10 more would be 51 > 50.
    const ten = (call_: number) =>
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${call_}-${i}`, 'v']));
    for (let c = 0; c < 4; c++) call('AddTagsToStream', { StreamName: 's', Tags: ten(c) });
    expect(errorOf(() => call('AddTagsToStream', { StreamName: 's', Tags: ten(4) })).type).toBe(
      'InvalidArgumentException',
    );
  });

  it('changes the retention period within 24–8,760 hours, only in the direction asked', () => {
    const { call, stream } = kinesis();
    stream('s', 1);
    call('IncreaseStreamRetentionPeriod', { StreamName: 's', RetentionPeriodHours: 48 });
    expect(
      errorOf(() => call('IncreaseStreamRetentionPeriod', { StreamName: 's', RetentionPeriodHours: 24 }))
        .type,
    ).toBe('InvalidArgumentException');
    expect(
      errorOf(() => call('DecreaseStreamRetentionPeriod', { StreamName: 's', RetentionPeriodHours: 23 }))
        .message,
    ).toBe(
      "1 validation error detected: Value '23' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value greater than or equal to 24",
    );
    call('DecreaseStreamRetentionPeriod', { StreamName: 's', RetentionPeriodHours: 24 });
  });
});
