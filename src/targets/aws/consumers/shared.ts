/**
 * What every consumer application of one run shares: the stream's shards at the start, one
 * GetRecords pacer per shard (the 5 calls/s are the shard's, not an application's), a seeded
 * generator for backoffs, and how a finished shard's children are found.
 */
import type { ChildShard, ShardIteratorType } from '@aws-sdk/client-kinesis';
import { Rng } from '../../../workload/random.js';
import type { AwsRun } from '../run.js';
import { listAllShards } from '../shards.js';
import { ShardCallPacer } from './pacer.js';
import { type ChildShardRef, pause, readRetryDelaySeconds } from './reading.js';

/** Where a reader starts in a shard: GetShardIterator's and SubscribeToShard's starting position. */
export interface StartPosition {
  Type: ShardIteratorType;
  Timestamp?: Date | undefined;
}

/**
 * Where the run's first shards are read from: the start of a stream shardcast created (every
 * record in it is the run's), and the run's start on an existing stream (its older records are
 * someone else's and may be many).
 */
export function startingPositionOf(run: AwsRun): StartPosition {
  return run.resources.existing
    ? { Type: 'AT_TIMESTAMP', Timestamp: new Date(run.clock.startEpochMs) }
    : { Type: 'TRIM_HORIZON' };
}

/** GetShardIterator's fields for a start position (`ShardIteratorType`, `Timestamp`). */
export function iteratorPosition(start: StartPosition): {
  ShardIteratorType: ShardIteratorType;
  Timestamp?: Date;
} {
  return start.Timestamp === undefined
    ? { ShardIteratorType: start.Type }
    : { ShardIteratorType: start.Type, Timestamp: start.Timestamp };
}

/**
 * How often a reader that cannot tell whether its shard has closed may list the stream to find
 * out: a shard's end is normally in the answer itself (`ChildShards`), so this is only the way
 * through for an implementation that never says (kinesis-local keeps sending empty events on a
 * closed shard), and a listing every few seconds is plenty for that.
 */
export const CLOSED_CHECK_SECONDS = 5;

export class ConsumerContext {
  readonly rng: Rng;
  private readonly pacers = new Map<string, ShardCallPacer>();
  private initial: Promise<string[]> | undefined;
  private listing: Promise<void> | undefined;
  private listedAtSeconds = Number.NEGATIVE_INFINITY;

  constructor(private readonly run: AwsRun) {
    this.rng = new Rng(run.seed).fork('consumers');
  }

  /** The GetRecords pacer of `shardId`, shared by every polling application. */
  pacer(shardId: string): ShardCallPacer {
    let pacer = this.pacers.get(shardId);
    if (pacer === undefined) {
      pacer = new ShardCallPacer(this.run.clock);
      this.pacers.set(shardId, pacer);
    }
    return pacer;
  }

  /**
   * Whether `shardId` is closed, by the run's shard directory, refreshed with a listing when the
   * last one is more than CLOSED_CHECK_SECONDS old (one listing at a time for every reader).
   */
  async isClosed(shardId: string, signal: AbortSignal): Promise<boolean> {
    const known = this.run.shards.get(shardId);
    if (known !== undefined && !known.open) return true;
    if (
      this.listing === undefined &&
      this.run.clock.seconds() - this.listedAtSeconds >= CLOSED_CHECK_SECONDS
    ) {
      this.listedAtSeconds = this.run.clock.seconds();
      this.listing = listAllShards(
        this.run.clients.kinesis,
        { StreamName: this.run.resources.streamName },
        this.run.stats,
        signal,
      )
        .then((listed) => this.run.shards.update(listed))
        .catch(() => undefined)
        .finally(() => {
          this.listing = undefined;
        });
    }
    await this.listing;
    return this.run.shards.get(shardId)?.open === false;
  }

  /**
   * The shards open when reading starts (from the session's listing, or a listing of our own when
   * it has none yet), the same for every application; [] when the run stops first.
   */
  initialShards(signal: AbortSignal): Promise<string[]> {
    this.initial ??= (async () => {
      for (let retry = 0; this.run.shards.openCount === 0 && !signal.aborted; retry++) {
        try {
          this.run.shards.update(
            await listAllShards(
              this.run.clients.kinesis,
              { StreamName: this.run.resources.streamName },
              this.run.stats,
              signal,
            ),
          );
        } catch {
          if (!(await pause(readRetryDelaySeconds(retry, this.rng), signal))) break;
        }
      }
      return this.run.shards
        .all()
        .filter((s) => s.open)
        .map((s) => s.shardId);
    })();
    return this.initial;
  }
}

/**
 * The children of `shardId`, read to its end: as its last response named them (`ChildShards`),
 * or, when it named none (an implementation without them), from a fresh listing: the shards whose
 * parent or adjacent parent it is. The run's shard directory learns any it did not know.
 */
export async function childrenOf(
  run: AwsRun,
  shardId: string,
  named: readonly ChildShard[] | undefined,
  signal: AbortSignal,
  rng: Rng,
): Promise<ChildShardRef[]> {
  const fromResponse = (named ?? [])
    .filter((c) => c.ShardId !== undefined)
    .map((c) => ({ shardId: c.ShardId!, parentShardIds: c.ParentShards ?? [shardId] }));
  if (fromResponse.length > 0 && fromResponse.every((c) => run.shards.get(c.shardId) !== undefined)) {
    return fromResponse;
  }
  for (let retry = 0; !signal.aborted; retry++) {
    try {
      const listing = await listAllShards(
        run.clients.kinesis,
        { StreamName: run.resources.streamName },
        run.stats,
        signal,
      );
      run.shards.update(listing);
      if (fromResponse.length > 0) return fromResponse;
      return listing
        .filter(
          (s) =>
            s.ShardId !== undefined && (s.ParentShardId === shardId || s.AdjacentParentShardId === shardId),
        )
        .map((s) => ({
          shardId: s.ShardId!,
          parentShardIds: [s.ParentShardId, s.AdjacentParentShardId].filter(
            (p): p is string => p !== undefined,
          ),
        }));
    } catch {
      if (!(await pause(readRetryDelaySeconds(retry, rng), signal))) break;
    }
  }
  return fromResponse;
}
