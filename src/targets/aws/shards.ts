/**
 * The stream's shards as the run sees them: each shard id gets an index for the run's per-shard
 * series (in the order first seen, sorted by id within one listing: a reshard's new shards get the
 * next indexes, as the result's `shardSeries.all` rows expect), the open shards' hash ranges route
 * a record to its shard before it is sent, and the writes each shard took or refused are summed per
 * second into the utilisation row the recorder keeps (`recordShardLoad`).
 *
 * Per-shard load counts what was *offered* to a shard (accepted and refused), over its write limit
 * (the larger of records over 1,000/s and bytes over 1 MiB/s), as the engine's shard series does.
 */
import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { KINESIS } from '../../aws/facts.js';
import { findShard, type HashKeyRange, routingHashKey } from '../../aws/hash.js';
import { callDetails, type RequestStats } from './run.js';

export interface ShardInfo {
  shardId: string;
  /** Index in the run's per-shard series. */
  index: number;
  range: HashKeyRange;
  parentShardId?: string | undefined;
  adjacentParentShardId?: string | undefined;
  /** Whether the shard is open (takes writes): no EndingSequenceNumber. */
  open: boolean;
}

/** A shard as ListShards describes it (the SDK's `Shard`, the fields used here). */
export interface ListedShard {
  ShardId?: string | undefined;
  ParentShardId?: string | undefined;
  AdjacentParentShardId?: string | undefined;
  HashKeyRange?: { StartingHashKey?: string | undefined; EndingHashKey?: string | undefined } | undefined;
  SequenceNumberRange?: { EndingSequenceNumber?: string | undefined } | undefined;
}

export class ShardDirectory {
  private readonly byId = new Map<string, ShardInfo>();
  /** Open shards sorted by starting hash key: the routing table. */
  private openShards: ShardInfo[] = [];
  private openRanges: HashKeyRange[] = [];
  /** Per run second: per shard index, [records, bytes] offered. */
  private readonly load = new Map<number, Map<number, [number, number]>>();

  /** Takes a full ListShards listing (every page): new shards get indexes, closed ones stop routing. */
  update(listed: readonly ListedShard[]): void {
    const fresh = listed
      .filter((s) => s.ShardId !== undefined && !this.byId.has(s.ShardId))
      .sort((a, b) => (a.ShardId! < b.ShardId! ? -1 : 1));
    for (const s of fresh) {
      this.byId.set(s.ShardId!, {
        shardId: s.ShardId!,
        index: this.byId.size,
        range: {
          startingHashKey: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'),
          endingHashKey: BigInt(s.HashKeyRange?.EndingHashKey ?? '0'),
        },
        parentShardId: s.ParentShardId,
        adjacentParentShardId: s.AdjacentParentShardId,
        open: true,
      });
    }
    for (const s of listed) {
      const info = s.ShardId === undefined ? undefined : this.byId.get(s.ShardId);
      if (info !== undefined) info.open = s.SequenceNumberRange?.EndingSequenceNumber === undefined;
    }
    this.openShards = [...this.byId.values()]
      .filter((s) => s.open)
      .sort((a, b) => (a.range.startingHashKey < b.range.startingHashKey ? -1 : 1));
    this.openRanges = this.openShards.map((s) => s.range);
  }

  /** Every shard seen, by index. */
  all(): readonly ShardInfo[] {
    return [...this.byId.values()];
  }

  get(shardId: string): ShardInfo | undefined {
    return this.byId.get(shardId);
  }

  /** Open shards now. */
  get openCount(): number {
    return this.openShards.length;
  }

  /** The open shard a record with this key (and explicit hash key) goes to, by its hash range; undefined before the first listing. */
  route(partitionKey: string, explicitHashKey?: string): ShardInfo | undefined {
    if (this.openShards.length === 0) return undefined;
    return this.openShards[findShard(this.openRanges, routingHashKey(partitionKey, explicitHashKey))];
  }

  /** Adds a write offered to shard `index` during run second `second` (accepted or refused). */
  addLoad(second: number, index: number, records: number, bytes: number): void {
    let row = this.load.get(second);
    if (row === undefined) {
      row = new Map();
      this.load.set(second, row);
    }
    const cell = row.get(index);
    if (cell === undefined) row.set(index, [records, bytes]);
    else {
      cell[0] += records;
      cell[1] += bytes;
    }
  }

  /**
   * Second `second`'s utilisation row, indexed by shard index over every shard seen so far, and
   * forgets the second: max(records / 1,000, bytes / 1 MiB) per shard; 0 for an open shard without
   * writes, NaN for a closed one without any (it did not exist then: the result shows null).
   */
  takeRow(second: number): Float32Array {
    const row = new Float32Array(this.byId.size).fill(Number.NaN);
    for (const shard of this.openShards) row[shard.index] = 0;
    for (const [index, [records, bytes]] of this.load.get(second) ?? []) {
      row[index] = Math.max(
        records / KINESIS.shardWriteRecordsPerSecond.value,
        bytes / KINESIS.shardWriteBytesPerSecond.value,
      );
    }
    this.load.delete(second);
    return row;
  }
}

/** Every shard of `streamName`, following ListShards' pages (`NextToken`), counted in `stats`. */
export async function listAllShards(
  kinesis: KinesisClient,
  stream: { StreamName?: string; StreamARN?: string },
  stats: RequestStats,
  signal?: AbortSignal,
): Promise<ListedShard[]> {
  const shards: ListedShard[] = [];
  let nextToken: string | undefined;
  do {
    const input = nextToken === undefined ? { ...stream } : { NextToken: nextToken };
    try {
      const page = await kinesis.send(new ListShardsCommand(input), { abortSignal: signal });
      stats.count('ListShards', 'ok', callDetails(page));
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } catch (error) {
      stats.count('ListShards', 'error', callDetails(error));
      throw error;
    }
  } while (nextToken !== undefined);
  return shards;
}
