/**
 * Resharding: UpdateShardCount's limits and timing (shard operations × 30 s, `shardOperationSeconds`),
 * SplitShard and MergeShards, lineage (parents closed with EndingSequenceNumber, children naming
 * them), reading a closed parent to its end (ChildShards, no NextShardIterator), ListShards' filters
 * and pages, and on-demand capacity following the peak.
 */
import { describe, expect, it } from 'vitest';
import { HASH_SPACE } from '../../../src/aws/hash.js';
import {
  b64,
  type DescribeOut,
  errorOf,
  type GetRecordsOut,
  kinesis,
  type ListShardsOut,
} from './helpers.js';

const id = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

describe('UpdateShardCount', () => {
  it('takes the documented time, then closes the parents and opens the children with lineage', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 2);
    const before = call<{ SequenceNumber: string }>('PutRecord', {
      StreamName: 's',
      Data: b64('x'),
      PartitionKey: 'p',
    });
    expect(
      call('UpdateShardCount', { StreamName: 's', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    ).toEqual({
      StreamName: 's',
      StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
      CurrentShardCount: 2,
      TargetShardCount: 3,
    });
    // 2 → 3 even shards: gcd(2, 3) = 1, so 3 − 1 = 2 splits and 2 − 1 = 1 merge, 3 operations of
    // 30 s = 90 s UPDATING.
    clock.advance(89_999);
    expect(call<DescribeOut>('DescribeStream', { StreamName: 's' }).StreamDescription.StreamStatus).toBe(
      'UPDATING',
    );
    // Writes go on while UPDATING.
    call('PutRecord', { StreamName: 's', Data: b64('y'), PartitionKey: 'p' });
    clock.advance(1);
    const d = call<DescribeOut>('DescribeStream', { StreamName: 's' }).StreamDescription;
    expect(d.StreamStatus).toBe('ACTIVE');
    // As AWS does it, by splits then merges, so no shard has more than two parents: shard 0
    // ([0, S/2 − 1]) splits at ⌊S/3⌋ into 2 and 3, shard 1 ([S/2, S − 1]) at ⌊2S/3⌋ into 4 and 5,
    // and 3 ([⌊S/3⌋, S/2 − 1]) and 4 ([S/2, ⌊2S/3⌋ − 1]) merge into 6. Open: 2, 6, 5.
    const S = HASH_SPACE;
    const lineage = d.Shards.map((s) => [
      s.ShardId,
      s.ParentShardId,
      s.AdjacentParentShardId,
      s.HashKeyRange.StartingHashKey,
      s.SequenceNumberRange.EndingSequenceNumber === undefined ? 'open' : 'closed',
    ]);
    expect(lineage).toEqual([
      [id(0), undefined, undefined, '0', 'closed'],
      [id(1), undefined, undefined, String(S / 2n), 'closed'],
      [id(2), id(0), undefined, '0', 'open'],
      [id(3), id(0), undefined, String(S / 3n), 'closed'],
      [id(4), id(1), undefined, String(S / 2n), 'closed'],
      [id(5), id(1), undefined, String((2n * S) / 3n), 'open'],
      [id(6), id(3), id(4), String(S / 3n), 'open'],
    ]);
    expect(d.Shards[6]!.HashKeyRange.EndingHashKey).toBe(String((2n * S) / 3n - 1n));
    // Parents closed: an EndingSequenceNumber at or after their last record, before the children's start.
    for (const parent of d.Shards) {
      const ending = parent.SequenceNumberRange.EndingSequenceNumber;
      if (ending === undefined) continue;
      const end = BigInt(ending);
      expect(end >= BigInt(parent.SequenceNumberRange.StartingSequenceNumber)).toBe(true);
      if (parent.ShardId === id(0) || parent.ShardId === id(1))
        expect(end >= BigInt(before.SequenceNumber)).toBe(true);
      for (const child of d.Shards.filter(
        (c) => c.ParentShardId === parent.ShardId || c.AdjacentParentShardId === parent.ShardId,
      )) {
        expect(end < BigInt(child.SequenceNumberRange.StartingSequenceNumber)).toBe(true);
      }
    }
    const open = call<ListShardsOut>('ListShards', { StreamName: 's', ShardFilter: { Type: 'AT_LATEST' } });
    expect(open.Shards.map((s) => s.ShardId)).toEqual([id(2), id(5), id(6)]);
  });

  it('reads a closed parent to its end, then gives its children and no next iterator', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 1);
    call('PutRecord', { StreamName: 's', Data: b64('a'), PartitionKey: 'p' });
    call('PutRecord', { StreamName: 's', Data: b64('b'), PartitionKey: 'p' });
    call('UpdateShardCount', { StreamName: 's', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' });
    clock.advance(30_000); // 1 → 2: one split, 30 s
    const it = call<{ ShardIterator: string }>('GetShardIterator', {
      StreamName: 's',
      ShardId: id(0),
      ShardIteratorType: 'TRIM_HORIZON',
    }).ShardIterator;
    const first = call<GetRecordsOut>('GetRecords', { ShardIterator: it, Limit: 1 });
    expect(first.Records).toHaveLength(1);
    // The read that reaches the end of the closed shard returns its last records with ChildShards.
    const end = call<GetRecordsOut>('GetRecords', { ShardIterator: first.NextShardIterator });
    expect(end.Records.map((r) => Buffer.from(r.Data, 'base64').toString())).toEqual(['b']);
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards!.map((c) => [c.ShardId, c.ParentShards])).toEqual([
      [id(1), [id(0)]],
      [id(2), [id(0)]],
    ]);
  });

  it('allows ½× to 2× of the open count and 10 calls per rolling 24 h', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 4);
    const update = (target: number) =>
      call('UpdateShardCount', { StreamName: 's', TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' });
    // 4 shards: 2 … 8 allowed.
    expect(errorOf(() => update(9)).type).toBe('LimitExceededException');
    expect(errorOf(() => update(1)).type).toBe('LimitExceededException');
    // Ten calls 4 → 8 → 4 → …, each waiting for the stream to be ACTIVE again (4 ↔ 8: 4 operations, 120 s).
    for (let call = 0; call < 10; call++) {
      update(call % 2 === 0 ? 8 : 4);
      expect(errorOf(() => update(4)).type).toBe('ResourceInUseException'); // UPDATING
      clock.advance(120_000);
    }
    const e = errorOf(() => update(8));
    expect(e.type).toBe('LimitExceededException');
    // The first call was 10 × 120 s = 1,200 s ago: 24 h after it, one more is allowed.
    clock.advance(24 * 3600 * 1000 - 1_200_000);
    update(8);
  });
});

describe('SplitShard and MergeShards', () => {
  it('splits at a hash key and merges adjacent shards back, each after 30 s', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 1);
    const key = String(HASH_SPACE / 4n);
    expect(
      errorOf(() => call('SplitShard', { StreamName: 's', ShardToSplit: id(0), NewStartingHashKey: '0' }))
        .type,
    ).toBe('InvalidArgumentException');
    call('SplitShard', { StreamName: 's', ShardToSplit: id(0), NewStartingHashKey: key });
    clock.advance(30_000);
    const split = call<ListShardsOut>('ListShards', { StreamName: 's' }).Shards;
    expect(split.map((s) => [s.ShardId, s.ParentShardId, s.HashKeyRange.StartingHashKey])).toEqual([
      [id(0), undefined, '0'],
      [id(1), id(0), '0'],
      [id(2), id(0), key],
    ]);
    expect(split[1]!.HashKeyRange.EndingHashKey).toBe(String(HASH_SPACE / 4n - 1n));
    expect(
      errorOf(() =>
        call('MergeShards', { StreamName: 's', ShardToMerge: id(0), AdjacentShardToMerge: id(1) }),
      ).type,
    ).toBe('ResourceInUseException');
    call('MergeShards', { StreamName: 's', ShardToMerge: id(2), AdjacentShardToMerge: id(1) });
    clock.advance(30_000);
    const merged = call<ListShardsOut>('ListShards', { StreamName: 's' }).Shards[3]!;
    expect(merged).toMatchObject({
      ShardId: id(3),
      ParentShardId: id(2),
      AdjacentParentShardId: id(1),
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(HASH_SPACE - 1n) },
    });
  });

  it('refuses to merge shards that are not adjacent', () => {
    const { call, stream } = kinesis();
    stream('s', 3);
    expect(
      errorOf(() =>
        call('MergeShards', { StreamName: 's', ShardToMerge: id(0), AdjacentShardToMerge: id(2) }),
      ),
    ).toEqual({
      type: 'InvalidArgumentException',
      message: `Shards ${id(0)} and ${id(2)} in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging`,
      status: 400,
    });
  });
});

describe('ListShards', () => {
  it('filters by ShardFilter type and pages with NextToken', () => {
    const { call, clock, stream } = kinesis();
    stream('s', 2);
    const created = clock.nowMs();
    clock.advance(60_000);
    call('UpdateShardCount', { StreamName: 's', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' });
    clock.advance(60_000); // 2 → 4: 2 splits, 60 s; shards 0, 1 closed, 2–5 open
    const ids = (input: Record<string, unknown>) =>
      call<ListShardsOut>('ListShards', { StreamName: 's', ...input }).Shards.map((s) => s.ShardId);
    expect(ids({})).toEqual([id(0), id(1), id(2), id(3), id(4), id(5)]);
    expect(ids({ ShardFilter: { Type: 'AT_LATEST' } })).toEqual([id(2), id(3), id(4), id(5)]);
    // The stream is younger than its retention: the trim horizon is its creation, when 0 and 1 were open.
    expect(ids({ ShardFilter: { Type: 'AT_TRIM_HORIZON' } })).toEqual([id(0), id(1)]);
    expect(ids({ ShardFilter: { Type: 'FROM_TRIM_HORIZON' } })).toHaveLength(6);
    expect(ids({ ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: id(3) } })).toEqual([id(4), id(5)]);
    // 30 s after creation only the first two were open; the reshard completed at creation + 120 s.
    expect(ids({ ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: (created + 30_000) / 1000 } })).toEqual([
      id(0),
      id(1),
    ]);
    expect(ids({ ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: (clock.nowMs() + 1) / 1000 } })).toEqual([
      id(2),
      id(3),
      id(4),
      id(5),
    ]);
    const page = call<ListShardsOut>('ListShards', { StreamName: 's', MaxResults: 4 });
    expect(page.Shards).toHaveLength(4);
    const next = call<ListShardsOut>('ListShards', { NextToken: page.NextToken });
    expect(next.Shards.map((s) => s.ShardId)).toEqual([id(4), id(5)]);
    expect(next.NextToken).toBeUndefined();
    expect(errorOf(() => call('ListShards', { StreamName: 's', NextToken: page.NextToken })).type).toBe(
      'InvalidArgumentException',
    );
    expect(errorOf(() => call('ListShards', { NextToken: 'garbage' })).type).toBe('InvalidArgumentException');
  });
});

describe('on-demand capacity', () => {
  it('doubles from the previous peak 15 minutes after it', () => {
    const { call, clock } = kinesis();
    call('CreateStream', { StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    clock.advance(1000);
    // 3,000 records in one second over 4 shards (below their 4,000): the peak is 3,000 records/s,
    // so capacity becomes 2 × 3,000 = 6,000 records/s = 6 shards, 900 s later.
    for (let i = 0; i < 6; i++) {
      const records = Array.from({ length: 500 }, (_, j) => ({ Data: b64('x'), PartitionKey: `k${i}-${j}` }));
      call('PutRecords', { StreamName: 'od', Records: records });
    }
    const open = () =>
      call<{ StreamDescriptionSummary: { OpenShardCount: number } }>('DescribeStreamSummary', {
        StreamName: 'od',
      }).StreamDescriptionSummary.OpenShardCount;
    clock.advance(899_999);
    expect(open()).toBe(4);
    clock.advance(1);
    expect(open()).toBe(6);
  });
});
