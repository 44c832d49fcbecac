/**
 * The write and read limits serve enforces (`limits: 'aws'`), on a hand-driven clock: writes of at
 * most 1,000 records and 1 MiB in any 1-s window per shard, PutRecords failing only the over-limit
 * entries, and GetRecords' 5 calls/s and 2 MiB/s (a bucket a 10-MiB call may overdraw) per shard.
 */
import { describe, expect, it } from 'vitest';
import { MAX_HASH_KEY } from '../../../src/aws/hash.js';
import { b64, errorOf, type GetRecordsOut, kinesis, type PutRecordsOut } from './helpers.js';

/** ExplicitHashKeys that land on shard 0 and shard 1 of a 2-shard stream (0 and 2^128 − 1). */
const SHARD0 = '0';
const SHARD1 = String(MAX_HASH_KEY);

describe('write limits', () => {
  it('accepts 2,000 records/s ± 2% on a 2-shard stream offered 4,000 records/s for 10 s', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 2);
    // 40 records every 10 ms = 4,000 records/s, keys spread by MD5 over both shards, for 10 s.
    // Each shard admits at most 1,000 records in any 1-s window: the calls at 10 ms … 10,000 ms
    // span ten windows, 10 × 1,000 = 10,000 a shard, 20,000 in all, i.e. 2,000 records/s. Both
    // shards are over their limit (MD5 spreads the keys: ~2,000/s offered to each).
    let accepted = 0;
    let throttled = 0;
    let key = 0;
    for (let tick = 1; tick <= 1000; tick++) {
      clock.advance(10);
      const records = Array.from({ length: 40 }, () => ({ Data: b64('x'), PartitionKey: `key-${key++}` }));
      const out = call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: records });
      accepted += records.length - out.FailedRecordCount;
      throttled += out.Records.filter((r) => r.ErrorCode === 'ProvisionedThroughputExceededException').length;
    }
    expect(accepted + throttled).toBe(40_000);
    expect(accepted / 10).toBeGreaterThanOrEqual(2000 * 0.98);
    expect(accepted / 10).toBeLessThanOrEqual(2000 * 1.02);
  });

  it('admits 1 MiB/s of bytes, partition keys included', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 1);
    // 100 KiB of data + a 1-byte key = 102,401 bytes a record, one every 10 ms (10 MB/s offered).
    // A 1-s window holds ⌊1,048,576 ÷ 102,401⌋ = 10 records (11 would be 1,126,411 bytes); ten
    // windows in 10 s: 100 records (the records limit, 1,000, is never reached).
    const data = Buffer.alloc(100 * 1024, 7).toString('base64');
    let accepted = 0;
    for (let tick = 1; tick <= 1000; tick++) {
      clock.advance(10);
      const out = call<PutRecordsOut>('PutRecords', {
        StreamName: 's',
        Records: [{ Data: data, PartitionKey: 'k' }],
      });
      accepted += 1 - out.FailedRecordCount;
    }
    expect(accepted).toBe(100);
  });

  it('fails only the over-limit entries of a PutRecords call, with AWS error codes and messages', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 2);
    const batch = (n: number, hashKey: string) =>
      Array.from({ length: n }, (_, i) => ({
        Data: b64(`r${i}`),
        PartitionKey: 'p',
        ExplicitHashKey: hashKey,
      }));
    // 500 + 300 records to shard 0 now: 800 in its window.
    expect(
      call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: batch(500, SHARD0) }).FailedRecordCount,
    ).toBe(0);
    expect(
      call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: batch(300, SHARD0) }).FailedRecordCount,
    ).toBe(0);
    // 600 ms later the window still holds those 800: 200 more fit on shard 0.
    clock.advance(600);
    const mixed = [...batch(150, SHARD0), ...batch(100, SHARD1), ...batch(150, SHARD0)];
    const out = call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: mixed });
    // Shard 0 gets 300 entries for 200 places: its first 150 and the next 50 pass, its last 100
    // fail; shard 1's 100 all pass. FailedRecordCount = 100, entries 300–399.
    expect(out.FailedRecordCount).toBe(100);
    expect(
      out.Records.slice(0, 300).every((r) => r.SequenceNumber !== undefined && r.ErrorCode === undefined),
    ).toBe(true);
    expect(out.Records.slice(0, 150).every((r) => r.ShardId === 'shardId-000000000000')).toBe(true);
    expect(out.Records.slice(150, 250).every((r) => r.ShardId === 'shardId-000000000001')).toBe(true);
    expect(out.Records.slice(250, 300).every((r) => r.ShardId === 'shardId-000000000000')).toBe(true);
    expect(out.Records[300]).toEqual({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    });
    expect(
      out.Records.slice(300).every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException'),
    ).toBe(true);
    // PutRecord over the limit throws the exception itself.
    const e = errorOf(() =>
      call('PutRecord', { StreamName: 's', Data: b64('x'), PartitionKey: 'p', ExplicitHashKey: SHARD0 }),
    );
    expect(e).toEqual({
      type: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
      status: 400,
    });
    // 1,000 ms after the first calls their 800 records leave the window: 800 places again.
    clock.advance(400);
    expect(
      call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: batch(500, SHARD0) }).FailedRecordCount,
    ).toBe(0);
  });

  it('accepts everything with limits off', () => {
    const { call, stream } = kinesis({ limits: 'off' });
    stream('s', 1);
    // 10 × 500 = 5,000 records at one instant: 5× a shard's second, all accepted.
    for (let i = 0; i < 10; i++) {
      const records = Array.from({ length: 500 }, () => ({ Data: b64('x'), PartitionKey: 'p' }));
      expect(call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: records }).FailedRecordCount).toBe(
        0,
      );
    }
  });
});

describe('read limits', () => {
  const iterator = (call: ReturnType<typeof kinesis>['call']) =>
    call<{ ShardIterator: string }>('GetShardIterator', {
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }).ShardIterator;

  it('throttles the 6th GetRecords call within a second, shared by all readers', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 1);
    // Six readers, each with its own iterator, calling 100 ms apart: calls at 0, 100, …, 400 ms
    // are the shard's 5; the 6th at 500 ms is the 6th within a second.
    const iterators = Array.from({ length: 6 }, () => iterator(call));
    for (let i = 0; i < 5; i++) {
      expect(call<GetRecordsOut>('GetRecords', { ShardIterator: iterators[i] }).Records).toEqual([]);
      clock.advance(100);
    }
    const e = errorOf(() => call('GetRecords', { ShardIterator: iterators[5] }));
    expect(e.type).toBe('ProvisionedThroughputExceededException');
    expect(e.message).toBe(
      'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    );
    // At 1,000 ms the call made at 0 ms has left the 1-s window (it counts calls after now − 1 s).
    clock.advance(500);
    expect(call<GetRecordsOut>('GetRecords', { ShardIterator: iterators[5] }).Records).toEqual([]);
  });

  it('lets one call read up to 10 MiB and then throttles until 2 MiB/s has paid it back', () => {
    const { call, clock, stream, model } = kinesis();
    stream('s', 1);
    // Write 4 MiB: 4 records of 1 MiB − 1 byte of data + a 1-byte key, one a second (the write
    // bucket refills 1 MiB/s; the first second's refill pays its debt, so start after 1 s).
    const data = Buffer.alloc(1024 * 1024 - 1, 1).toString('base64');
    clock.advance(1000);
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      call('PutRecord', { StreamName: 's', Data: data, PartitionKey: 'k' });
    }
    expect(model.storedBytes).toBe(4 * 1024 * 1024);
    // The read bucket (2 MiB, its 2 MiB debt paid after the first second) is full: the call reads
    // all 4 MiB (under 10 MiB) and leaves it at 2 MiB − 4 MiB = −2 MiB.
    const first = call<GetRecordsOut>('GetRecords', { ShardIterator: iterator(call) });
    expect(first.Records).toHaveLength(4);
    // −2 MiB + 2 MiB/s × 1 s = 0: still nothing to read with, throttled at exactly 1 s.
    clock.advance(1000);
    expect(errorOf(() => call('GetRecords', { ShardIterator: first.NextShardIterator })).type).toBe(
      'ProvisionedThroughputExceededException',
    );
    // 100 ms later the bucket holds 0.2 MiB: the call is allowed (and finds nothing new).
    clock.advance(100);
    expect(call<GetRecordsOut>('GetRecords', { ShardIterator: first.NextShardIterator }).Records).toEqual([]);
  });
});

describe('large records', () => {
  it('takes records up to MaxRecordSizeInKiB, the bytes limit a 10-MiB bucket refilled at 1 MiB/s', () => {
    const { call, clock } = kinesis();
    call('CreateStream', { StreamName: 'big', ShardCount: 1, MaxRecordSizeInKiB: 10_240 });
    clock.advance(1000);
    expect(
      call<{ StreamDescriptionSummary: { MaxRecordSizeInKiB: number } }>('DescribeStreamSummary', {
        StreamName: 'big',
      }).StreamDescriptionSummary.MaxRecordSizeInKiB,
    ).toBe(10_240);
    // 5 MiB − 1 byte of data + a 1-byte key = 5 MiB. The bucket starts with one second's 1 MiB
    // (owed back over the first second) and fills at 1 MiB/s up to 10 MiB: at 1 s it holds
    // 1 MiB (its debt just paid), too little; at 5 s it holds 5 MiB, enough.
    const five = Buffer.alloc(5 * 1024 * 1024 - 1).toString('base64');
    const put = () => call('PutRecord', { StreamName: 'big', Data: five, PartitionKey: 'k' });
    expect(errorOf(put).type).toBe('ProvisionedThroughputExceededException');
    clock.advance(4000);
    expect(put()).toMatchObject({ ShardId: 'shardId-000000000000' });
    // Empty again: the next 5 MiB needs 5 more seconds, at 1 MiB/s.
    clock.advance(4000);
    expect(errorOf(put).type).toBe('ProvisionedThroughputExceededException');
    clock.advance(1000);
    put();
    // A stream left at 1 MiB refuses the same record, naming its limit.
    call('CreateStream', { StreamName: 'small', ShardCount: 1 });
    clock.advance(1000);
    expect(
      errorOf(() => call('PutRecord', { StreamName: 'small', Data: five, PartitionKey: 'k' })).message,
    ).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=5242879 cap=5242879]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    // UpdateMaxRecordSize raises it (and gives the shard the burst bucket).
    call('UpdateMaxRecordSize', { StreamName: 'small', MaxRecordSizeInKiB: 8192 });
    clock.advance(6000);
    expect(call('PutRecord', { StreamName: 'small', Data: five, PartitionKey: 'k' })).toMatchObject({
      ShardId: 'shardId-000000000000',
    });
    expect(
      errorOf(() => call('UpdateMaxRecordSize', { StreamName: 'small', MaxRecordSizeInKiB: 10_241 })).message,
    ).toBe(
      "1 validation error detected: Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240",
    );
  });
});
