/**
 * The StreamFeed Firehose and enhanced fan-out read through, and the service's metrics.
 */
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../../src/serve/protocol.js';
import { b64, errorOf, type GetRecordsOut, kinesis, type PutRecordsOut } from './helpers.js';

describe('StreamFeed', () => {
  it('names streams by name or ARN, lists shards, reads from a position and pushes appends', () => {
    const { call, clock, feed } = kinesis();
    call('CreateStream', { StreamName: 's', ShardCount: 2 });
    // CREATING: not usable yet.
    expect(feed.streamName('s')).toBeUndefined();
    clock.advance(1000);
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
    expect(feed.streamName(arn)).toBe('s');
    expect(feed.streamArn('s')).toBe(arn);
    expect(feed.shards('s').map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const seen: [string, string[]][] = [];
    const stop = feed.onAppend('s', (shardId, records: readonly StoredRecord[]) =>
      seen.push([shardId, records.map((r) => Buffer.from(r.Data).toString())]),
    );
    // ExplicitHashKey 0 → shard 0 for all three: one batch, in order.
    const records = ['a', 'b', 'c'].map((t) => ({ Data: b64(t), PartitionKey: 'p', ExplicitHashKey: '0' }));
    call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: records });
    expect(seen).toEqual([['shardId-000000000000', ['a', 'b', 'c']]]);
    stop();
    call('PutRecord', { StreamName: 's', Data: b64('d'), PartitionKey: 'p', ExplicitHashKey: '0' });
    expect(seen).toHaveLength(1);
    const first = feed.read('s', 'shardId-000000000000', { type: 'TRIM_HORIZON' }, 2);
    expect(first.records.map((r) => Buffer.from(r.Data).toString())).toEqual(['a', 'b']);
    const rest = feed.read('s', 'shardId-000000000000', first.next, 100);
    expect(rest.records.map((r) => Buffer.from(r.Data).toString())).toEqual(['c', 'd']);
    expect(feed.read('s', 'shardId-000000000000', rest.next, 100).records).toEqual([]);
    // The feed applies no read limits: 10 reads in the same instant all answer.
    for (let i = 0; i < 10; i++) feed.read('s', 'shardId-000000000000', { type: 'LATEST' }, 1);
  });
});

describe('metrics', () => {
  it('counts per stream and shard what was accepted, throttled and read, and iterator ages', () => {
    const { call, clock, stream, service } = kinesis();
    stream('s', 1);
    // 1,200 records of 1 byte + 1-byte key at one instant: 1,000 fit the shard's second, 200 fail.
    for (let i = 0; i < 3; i++) {
      const records = Array.from({ length: 400 }, () => ({ Data: b64('x'), PartitionKey: 'p' }));
      call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: records });
    }
    clock.advance(2000);
    const it = call<{ ShardIterator: string }>('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }).ShardIterator;
    // The same iterator five times (each read returns records 1–100), then a 6th call, throttled.
    for (let i = 0; i < 5; i++) call<GetRecordsOut>('GetRecords', { ShardIterator: it, Limit: 100 });
    expect(errorOf(() => call('GetRecords', { ShardIterator: it, Limit: 100 })).type).toBe(
      'ProvisionedThroughputExceededException',
    );
    const metrics = service.metrics!() as {
      streams: { streamName: string; shards: Record<string, number | string | boolean>[] }[];
    };
    expect(metrics.streams[0]!.streamName).toBe('s');
    // Reads: 6 calls in one instant, the 6th throttled; 5 × 100 records read, each call leaving
    // record 101 unread, written 2,000 ms earlier: an iterator age of 2,000 ms.
    expect(metrics.streams[0]!.shards[0]).toMatchObject({
      shardId: 'shardId-000000000000',
      recordsAccepted: 1000,
      bytesAccepted: 2000,
      recordsThrottled: 200,
      bytesThrottled: 400,
      recordsRead: 500,
      bytesRead: 1000,
      getRecordsCalls: 6,
      getRecordsThrottled: 1,
      lastIteratorAgeMs: 2000,
    });
  });
});
