/**
 * Records in and out: sequence numbers, the five iterator types, GetRecords' paging, limits and
 * MillisBehindLatest, iterator expiry, retention and the store's byte budget.
 */
import { describe, expect, it } from 'vitest';
import { b64, errorOf, type GetRecordsOut, kinesis, type PutRecordsOut } from './helpers.js';

const SHARD = 'shardId-000000000000';

function setup() {
  const k = kinesis();
  k.stream('s', 1);
  const put = (text: string) =>
    k.call<{ SequenceNumber: string; ShardId: string }>('PutRecord', {
      StreamName: 's',
      Data: b64(text),
      PartitionKey: 'p',
    });
  const iterator = (type: string, extra: Record<string, unknown> = {}) =>
    k.call<{ ShardIterator: string }>('GetShardIterator', {
      StreamName: 's',
      ShardId: SHARD,
      ShardIteratorType: type,
      ...extra,
    }).ShardIterator;
  const read = (it: string, limit?: number) =>
    k.call<GetRecordsOut>(
      'GetRecords',
      limit === undefined ? { ShardIterator: it } : { ShardIterator: it, Limit: limit },
    );
  const texts = (out: GetRecordsOut) =>
    out.Records.map((r) => Buffer.from(r.Data, 'base64').toString('utf8'));
  return { ...k, put, iterator, read, texts };
}

describe('sequence numbers and iterators', () => {
  it('gives 56-digit sequence numbers, increasing per shard', () => {
    const { put, clock } = setup();
    const a = put('a');
    clock.advance(10);
    const b = put('b');
    expect(a.SequenceNumber).toMatch(/^49\d{54}$/);
    expect(a.ShardId).toBe(SHARD);
    expect(BigInt(b.SequenceNumber) > BigInt(a.SequenceNumber)).toBe(true);
  });

  it('starts reading where each iterator type says', () => {
    const { put, iterator, read, texts, clock } = setup();
    const a = put('a');
    clock.advance(1000);
    const b = put('b');
    const latest = iterator('LATEST');
    put('c');
    expect(texts(read(iterator('TRIM_HORIZON')))).toEqual(['a', 'b', 'c']);
    expect(texts(read(latest))).toEqual(['c']);
    expect(texts(read(iterator('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: b.SequenceNumber })))).toEqual(
      ['b', 'c'],
    );
    expect(
      texts(read(iterator('AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: a.SequenceNumber }))),
    ).toEqual(['b', 'c']);
    // 'a' arrived 1 s before 'b': a timestamp 500 ms after 'a' starts at 'b' (epoch seconds in).
    clock.advance(200);
    const aAt = clock.nowMs() - 1200;
    expect(texts(read(iterator('AT_TIMESTAMP', { Timestamp: (aAt + 500) / 1000 })))).toEqual(['b', 'c']);
  });

  it('pages with Limit and NextShardIterator, and reports MillisBehindLatest', () => {
    const { put, iterator, read, texts, clock } = setup();
    put('a');
    clock.advance(1000);
    put('b');
    clock.advance(1000);
    put('c');
    clock.advance(500);
    const first = read(iterator('TRIM_HORIZON'), 1);
    expect(texts(first)).toEqual(['a']);
    // The oldest unread record, 'b', arrived 1,500 ms ago.
    expect(first.MillisBehindLatest).toBe(1500);
    const rest = read(first.NextShardIterator!);
    expect(texts(rest)).toEqual(['b', 'c']);
    expect(rest.MillisBehindLatest).toBe(0);
    // Nothing new: an empty read keeps its place.
    const empty = read(rest.NextShardIterator!);
    expect(empty.Records).toEqual([]);
    put('d');
    expect(texts(read(empty.NextShardIterator!))).toEqual(['d']);
  });

  it('rejects bad iterator requests with the API reference errors', () => {
    const { put, iterator, read, call, clock } = setup();
    const a = put('a');
    expect(errorOf(() => iterator('AT_SEQUENCE_NUMBER')).message).toBe(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.',
    );
    expect(errorOf(() => iterator('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: '12345' }))).toEqual({
      type: 'InvalidArgumentException',
      message: `StartingSequenceNumber 12345 used in GetShardIterator on shard ${SHARD} in stream s under account 000000000000 is invalid.`,
      status: 400,
    });
    expect(errorOf(() => iterator('AT_TIMESTAMP', { Timestamp: clock.nowMs() / 1000 + 60 })).type).toBe(
      'InvalidArgumentException',
    );
    expect(
      errorOf(() =>
        call('GetShardIterator', {
          StreamName: 's',
          ShardId: 'shardId-000000000009',
          ShardIteratorType: 'LATEST',
        }),
      ),
    ).toEqual({
      type: 'ResourceNotFoundException',
      message: 'Shard shardId-000000000009 in stream s under account 000000000000 does not exist',
      status: 400,
    });
    expect(errorOf(() => iterator('SOMEWHERE')).message).toBe(
      "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
    );
    expect(errorOf(() => read('not-an-iterator'))).toEqual({
      type: 'InvalidArgumentException',
      message: 'Invalid ShardIterator.',
      status: 400,
    });
    // An iterator lives 5 minutes: at 300,000 ms it still reads, at 300,001 it has expired.
    const it = iterator('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: a.SequenceNumber });
    clock.advance(300_000);
    expect(read(it).Records).toHaveLength(1);
    const late = iterator('TRIM_HORIZON');
    clock.advance(300_001);
    expect(errorOf(() => read(late)).type).toBe('ExpiredIteratorException');
  });

  it('refuses an iterator of a deleted and recreated stream', () => {
    const { iterator, read, call, clock } = setup();
    const it = iterator('TRIM_HORIZON');
    call('DeleteStream', { StreamName: 's' });
    clock.advance(1000);
    call('CreateStream', { StreamName: 's', ShardCount: 1 });
    clock.advance(1000);
    expect(errorOf(() => read(it)).type).toBe('ResourceNotFoundException');
  });
});

describe('blobs', () => {
  it('refuses Data that is not base64, rather than store what Node would skip of it', () => {
    const { call } = setup();
    // '!!!' decodes to no bytes at all with Node's lenient decoder: the record would be stored empty.
    for (const Data of ['!!!', 'aGk', 'a GVsbG8=']) {
      expect(errorOf(() => call('PutRecord', { StreamName: 's', PartitionKey: 'k', Data }))).toEqual({
        type: 'SerializationException',
        message: 'Base64 encoded value could not be decoded',
        status: 400,
      });
    }
    // 'aGk=' is "hi": accepted.
    expect(call('PutRecord', { StreamName: 's', PartitionKey: 'k', Data: 'aGk=' })).toMatchObject({
      ShardId: SHARD,
    });
  });
});

describe('retention and memory', () => {
  it('trims records older than the retention period', () => {
    const { put, iterator, read, texts, clock, model } = setup();
    put('old');
    clock.advance(12 * 3600 * 1000);
    put('new');
    // 24 h after 'old' (and 12 h after 'new'), plus 1 ms: only 'new' is within 24 h.
    clock.advance(12 * 3600 * 1000 + 1);
    expect(texts(read(iterator('TRIM_HORIZON')))).toEqual(['new']);
    expect(model.storedBytes).toBe(4); // 'new' (3 bytes) + key 'p' (1 byte)
  });

  it('keeps the store under its byte budget by dropping the oldest records anywhere', () => {
    // Budget 64 KiB; 2 streams, records of 1,023 bytes + a 1-byte key = 1 KiB each, limits off.
    const k = kinesis({ maxStoredBytes: 64 * 1024, limits: 'off' });
    k.stream('a', 1);
    k.stream('b', 1);
    const data = Buffer.alloc(1023, 1).toString('base64');
    for (let i = 0; i < 100; i++) {
      for (const name of ['a', 'b']) {
        k.call<PutRecordsOut>('PutRecords', {
          StreamName: name,
          Records: [{ Data: data, PartitionKey: 'p' }],
        });
      }
      k.clock.advance(1);
    }
    // 200 KiB written; over 64 KiB the oldest go until 64 − 64/64 = 63 KiB remain, so at most
    // 64 records are held at any time, at least 63 after a trim.
    expect(k.model.storedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(k.model.storedBytes).toBeGreaterThanOrEqual(63 * 1024);
    // Oldest first across both streams: each keeps about half, its newest.
    const held = [...k.model.streams.values()].map((s) => s.shards[0]!.counters.length - s.shards[0]!.head);
    expect(Math.abs(held[0]! - held[1]!)).toBeLessThanOrEqual(1);
  });
});
