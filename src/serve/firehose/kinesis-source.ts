/**
 * A delivery stream's Kinesis source (FH-Q, FH23 writing-with-kinesis-streams): Firehose reads each
 * shard with GetRecords once per second (`FIREHOSE.streamSourcePollsPerSecond`), starting from
 * LATEST when the delivery stream becomes ACTIVE: records already in the stream then are not
 * delivered, records appended after are.
 *
 * The stream tells us what it appends (`StreamFeed.onAppend`, which also follows new shards after a
 * reshard); each shard's records wait for that shard's next read. Reads fall on a one-second grid
 * from the start, as a poller's would, so a record waits half a second on average. A read takes at
 * most what one GetRecords returns (`KINESIS.getRecordsMaxRecords`) and one second of the shard's
 * read throughput (`KINESIS.shardReadBytesPerSecond` × 1 s: a read of more would hold the next ones
 * back until the average fell to it), and always at least one record, so a large record gets through.
 * What is left waits for the next read.
 *
 * Firehose's reads are not counted against the shard's shared 5 reads/s here: `StreamFeed` has no
 * way to tell the Kinesis model about a reader.
 */
import { FIREHOSE, KINESIS } from '../../aws/facts.js';
import type { ServeClock, StoredRecord, StreamFeed } from '../protocol.js';

interface ShardQueue {
  pending: StoredRecord[];
  cancelRead: (() => void) | undefined;
}

export class KinesisSource {
  private readonly shards = new Map<string, ShardQueue>();
  private readonly stopListening: () => void;
  private readonly startMs: number;
  private readonly readIntervalMs = 1000 / FIREHOSE.streamSourcePollsPerSecond.value;

  constructor(
    feed: StreamFeed,
    streamName: string,
    private readonly clock: ServeClock,
    private readonly deliver: (shardId: string, records: StoredRecord[]) => void,
  ) {
    this.startMs = clock.nowMs();
    this.stopListening = feed.onAppend(streamName, (shardId, records) => this.appended(shardId, records));
  }

  private appended(shardId: string, records: readonly StoredRecord[]): void {
    let shard = this.shards.get(shardId);
    if (shard === undefined) {
      shard = { pending: [], cancelRead: undefined };
      this.shards.set(shardId, shard);
    }
    for (const r of records) shard.pending.push(r);
    this.scheduleRead(shardId, shard);
  }

  private scheduleRead(shardId: string, shard: ShardQueue): void {
    if (shard.cancelRead !== undefined || shard.pending.length === 0) return;
    // The next read on the grid start + k × interval strictly after now.
    const sinceStartMs = this.clock.nowMs() - this.startMs;
    const delayMs = this.readIntervalMs - (sinceStartMs % this.readIntervalMs);
    shard.cancelRead = this.clock.after(delayMs, () => {
      shard.cancelRead = undefined;
      this.read(shardId, shard);
    });
  }

  private read(shardId: string, shard: ShardQueue): void {
    const maxRecords = KINESIS.getRecordsMaxRecords.value;
    const maxBytes = Math.min(
      KINESIS.getRecordsMaxBytes.value,
      (KINESIS.shardReadBytesPerSecond.value * this.readIntervalMs) / 1000,
    );
    let count = 0;
    let bytes = 0;
    for (const r of shard.pending) {
      if (count >= maxRecords || (count > 0 && bytes + r.Data.byteLength > maxBytes)) break;
      count++;
      bytes += r.Data.byteLength;
    }
    const taken = shard.pending.splice(0, count);
    if (taken.length > 0) this.deliver(shardId, taken);
    this.scheduleRead(shardId, shard);
  }

  /** Records waiting for their shard's next read. */
  get pendingRecords(): number {
    let n = 0;
    for (const s of this.shards.values()) n += s.pending.length;
    return n;
  }

  /** Stops listening and reading; what was not read yet is dropped. */
  stop(): void {
    this.stopListening();
    for (const s of this.shards.values()) {
      s.cancelRead?.();
      s.cancelRead = undefined;
      s.pending = [];
    }
  }
}
