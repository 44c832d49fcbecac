/**
 * The Kinesis Data Streams model `shardcast serve` answers from: streams, their shards (open and
 * closed, with lineage), records, iterators and the documented limits, all on the server clock.
 * Limits come from `aws/facts.ts` (`KINESIS`), routing from `aws/hash.ts`, reshard operation counts
 * from `aws/reshard-calls.ts`: the same definitions the engine model uses.
 */
import { KINESIS } from '../../aws/facts.js';
import { evenShardRanges, findShard, type HashKeyRange, routingHashKey } from '../../aws/hash.js';
import { shardOperations } from '../../aws/reshard-calls.js';
import {
  AwsError,
  type ServeClock,
  type ShardPosition,
  type ShardRead,
  type ShardView,
  type StoredRecord,
} from '../protocol.js';
import {
  type Admission,
  BurstBucket,
  emptyStats,
  indexAtCounter,
  indexAtTime,
  type Shard,
  SlidingWindow,
  TokenBucket,
  trimHead,
} from './shard.js';

const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const READ_CALLS = KINESIS.getRecordsPerSecondPerShard.value;
/** A shard iterator is valid for 5 minutes after GetShardIterator returns it (API-K, GetShardIterator). */
export const ITERATOR_LIFETIME_MS = 5 * 60 * 1000;
/** What the store keeps by default (see `ModelOptions.maxStoredBytes`). */
export const DEFAULT_MAX_STORED_BYTES = 256 * 1024 * 1024;
/** Rolling window of UpdateShardCount's call limit (API-K: "10 times per rolling 24-hour period"). */
const DAY_MS = 24 * 3600 * 1000;

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

export interface Stream {
  name: string;
  arn: string;
  status: StreamStatus;
  mode: 'PROVISIONED' | 'ON_DEMAND';
  createdMs: number;
  /** 14 digits of the creation time: sequence numbers and iterators of a recreated stream differ. */
  tag: string;
  shards: Shard[];
  /** Open shards in hash-key order (routing), rebuilt on reshards. */
  open: Shard[];
  openRanges: HashKeyRange[];
  nextCounter: number;
  retentionHours: number;
  /** The largest record (data + key) it takes: 1 MiB, or up to 10 MiB (MaxRecordSizeInKiB). */
  maxRecordBytes: number;
  tags: Map<string, string>;
  /** Server times of UpdateShardCount calls (the rolling 24-h limit). */
  shardCountCalls: number[];
  timers: (() => void)[];
  listeners: Set<(shardId: string, records: readonly StoredRecord[]) => void>;
  /** On-demand: this second's writes and the peak so far (capacity follows it, KDS 5). */
  od: { second: number; records: number; bytes: number; peakShards: number };
}

export interface ModelOptions {
  limits: 'aws' | 'off';
  region: string;
  accountId: string;
  clock: ServeClock;
  /** Server ms a stream spends CREATING or DELETING (AWS takes seconds; short so tests need not wait). */
  transitionMs?: number;
  /**
   * Bytes (data + partition keys) all streams may hold together; past it the oldest records go
   * first, whatever their retention. This, not retention, bounds memory: 24 h at even 1 MiB/s is
   * 84 GiB. 256 MiB by default: ~25 s of history at 10,000 records/s of 1 KiB, ~4 min at 1 MiB/s.
   * The process holds about 1.7× the records' bytes (buffer slabs, per-record arrays, heap): with
   * 512 MiB a 10-minute run at 10,000 records/s of 1 KiB peaked at 922 MiB RSS for the model alone
   * (bench/serve-kinesis.bench.ts), too close to the issue's 1 GiB once HTTP is added.
   */
  maxStoredBytes?: number;
}

/** 56-digit sequence numbers: "49", the stream's 14-digit tag, a 40-digit counter (monotonic per stream). */
export function sequenceNumber(stream: Stream, counter: number): string {
  return `49${stream.tag}${String(counter).padStart(40, '0')}`;
}

/** The counter a sequence number of this stream encodes, or undefined if it is not one of its. */
export function parseSequenceNumber(stream: Stream, text: string): number | undefined {
  if (text.length !== 56 || !text.startsWith(`49${stream.tag}`)) return undefined;
  const counter = Number(text.slice(16));
  return Number.isSafeInteger(counter) ? counter : undefined;
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

export class KinesisModel {
  readonly streams = new Map<string, Stream>();
  storedBytes = 0;
  readonly maxStoredBytes: number;
  private readonly transitionMs: number;

  constructor(readonly options: ModelOptions) {
    this.transitionMs = options.transitionMs ?? 500;
    this.maxStoredBytes = options.maxStoredBytes ?? DEFAULT_MAX_STORED_BYTES;
  }

  get clock(): ServeClock {
    return this.options.clock;
  }

  get limited(): boolean {
    return this.options.limits === 'aws';
  }

  arnOf(name: string): string {
    return `arn:aws:kinesis:${this.options.region}:${this.options.accountId}:stream/${name}`;
  }

  notFound(name: string): AwsError {
    return new AwsError(
      'ResourceNotFoundException',
      `Stream ${name} under account ${this.options.accountId} not found.`,
    );
  }

  notActive(stream: Stream): AwsError {
    return new AwsError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${this.options.accountId} not ACTIVE, instead in state ${stream.status}`,
    );
  }

  /** The stream a name or ARN names (any status). */
  find(nameOrArn: string): Stream | undefined {
    const name = nameOrArn.startsWith('arn:')
      ? nameOrArn.slice(nameOrArn.indexOf(':stream/') + 8)
      : nameOrArn;
    const stream = this.streams.get(name);
    if (stream === undefined || (nameOrArn.startsWith('arn:') && stream.arn !== nameOrArn)) return undefined;
    return stream;
  }

  /** The stream for an input's StreamName or StreamARN, or ResourceNotFoundException. */
  require(input: Record<string, unknown>, usable = false): Stream {
    // JSON null is an absent member, as AWS reads it.
    const name = (input.StreamName ?? input.StreamARN ?? undefined) as string | undefined;
    if (name === undefined) {
      throw new AwsError('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
    }
    const stream = this.find(name);
    if (stream === undefined)
      throw this.notFound(name.startsWith('arn:') ? name.slice(name.indexOf(':stream/') + 8) : name);
    // Reads and writes need an ACTIVE or UPDATING stream; a CREATING or DELETING one is not found.
    if (usable && stream.status !== 'ACTIVE' && stream.status !== 'UPDATING')
      throw this.notFound(stream.name);
    return stream;
  }

  newShard(stream: Stream, range: HashKeyRange, parents: string[] = []): Shard {
    const now = this.clock.nowMs();
    const shard: Shard = {
      id: shardIdOf(stream.shards.length),
      index: stream.shards.length,
      range,
      startingCounter: stream.nextCounter,
      createdMs: now,
      counters: [],
      arrivals: [],
      data: [],
      keys: [],
      head: 0,
      storedBytes: 0,
      writeRecords: new SlidingWindow(WRITE_RECORDS),
      writeBytes: this.bytesAdmission(stream, now),
      readBytes: new TokenBucket(READ_BYTES, READ_BYTES, now),
      readCalls: [],
      stats: emptyStats(),
    };
    if (parents[0] !== undefined) shard.parentShardId = parents[0];
    if (parents[1] !== undefined) shard.adjacentParentShardId = parents[1];
    stream.shards.push(shard);
    return shard;
  }

  /** A shard's bytes limit: a 1-s window, or the 10-MiB burst bucket on a large-record stream. */
  bytesAdmission(stream: Stream, nowMs: number): Admission {
    return stream.maxRecordBytes > KINESIS.defaultMaxRecordBytes.value
      ? new BurstBucket(WRITE_BYTES, KINESIS.largeRecordBurstBytes.value, nowMs)
      : new SlidingWindow(WRITE_BYTES);
  }

  /** UpdateMaxRecordSize: the new largest record, and the open shards' bytes limit to match. */
  setMaxRecordBytes(stream: Stream, bytes: number): void {
    const large = (n: number) => n > KINESIS.defaultMaxRecordBytes.value;
    const changes = large(bytes) !== large(stream.maxRecordBytes);
    stream.maxRecordBytes = bytes;
    if (changes)
      for (const shard of stream.open) shard.writeBytes = this.bytesAdmission(stream, this.clock.nowMs());
  }

  createStream(
    name: string,
    shardCount: number,
    mode: Stream['mode'],
    maxRecordBytes = KINESIS.defaultMaxRecordBytes.value,
  ): Stream {
    const now = this.clock.nowMs();
    const stream: Stream = {
      name,
      arn: this.arnOf(name),
      status: 'CREATING',
      mode,
      createdMs: now,
      tag: String(now).padStart(14, '0').slice(-14),
      shards: [],
      open: [],
      openRanges: [],
      nextCounter: 1,
      retentionHours: KINESIS.retentionDefaultSeconds.value / 3600,
      maxRecordBytes,
      tags: new Map(),
      shardCountCalls: [],
      timers: [],
      listeners: new Set(),
      od: { second: Math.floor(now / 1000), records: 0, bytes: 0, peakShards: shardCount },
    };
    for (const range of evenShardRanges(shardCount)) this.newShard(stream, range);
    this.reindex(stream);
    this.streams.set(name, stream);
    this.later(stream, this.transitionMs, () => {
      if (stream.status === 'CREATING') stream.status = 'ACTIVE';
    });
    return stream;
  }

  deleteStream(stream: Stream): void {
    stream.status = 'DELETING';
    for (const cancel of stream.timers) cancel();
    stream.timers = [];
    stream.listeners.clear();
    const cancel = this.clock.after(this.transitionMs, () => {
      if (this.streams.get(stream.name) === stream) this.streams.delete(stream.name);
      for (const shard of stream.shards) this.storedBytes -= shard.storedBytes;
    });
    stream.timers.push(cancel);
  }

  /** Runs `fn` after `serverMs`, cancelled if the stream is deleted. */
  later(stream: Stream, serverMs: number, fn: () => void): void {
    const cancel = this.clock.after(serverMs, () => {
      stream.timers = stream.timers.filter((c) => c !== cancel);
      fn();
    });
    stream.timers.push(cancel);
  }

  reindex(stream: Stream): void {
    stream.open = stream.shards
      .filter((s) => s.endingCounter === undefined)
      .sort((a, b) => (a.range.startingHashKey < b.range.startingHashKey ? -1 : 1));
    stream.openRanges = stream.open.map((s) => s.range);
  }

  /** Closes `parents` and opens one child per range with the parents given (a split or a merge). */
  reshard(stream: Stream, parents: Shard[], children: { range: HashKeyRange; parents: string[] }[]): Shard[] {
    const now = this.clock.nowMs();
    // The parents end at a counter of their own (≥ their start even if they got no record), and
    // the children start after it: ranges never overlap and never run backwards.
    const end = stream.nextCounter++;
    for (const parent of parents) {
      parent.endingCounter = end;
      parent.closedMs = now;
    }
    const opened = children.map((c) => this.newShard(stream, c.range, c.parents));
    this.reindex(stream);
    return opened;
  }

  /**
   * Moves the open shards to an even split of `target` as UpdateShardCount does, by splits then
   * merges, so every child has at most two parents (ParentShardId, AdjacentParentShardId) and a
   * reader following ChildShards meets every shard: each open shard is split at the new boundaries
   * inside it, then the pieces of each new range are merged two at a time, left to right. A shard
   * whose range stays is kept open. 2 → 3: shard 0 splits at S/3 into 2 and 3, shard 1 at 2S/3 into
   * 4 and 5, and 3 and 4 merge into 6; open: 2, 6, 5.
   */
  reshardEven(stream: Stream, target: number): void {
    const ranges = evenShardRanges(target);
    const starts = ranges.map((r) => r.startingHashKey);
    const pieces: Shard[] = [];
    for (const shard of [...stream.open]) {
      const cuts = starts.filter((b) => b > shard.range.startingHashKey && b <= shard.range.endingHashKey);
      if (cuts.length === 0) {
        pieces.push(shard);
        continue;
      }
      const bounds = [shard.range.startingHashKey, ...cuts, shard.range.endingHashKey + 1n];
      const children = Array.from({ length: cuts.length + 1 }, (_, k) => k);
      pieces.push(
        ...this.reshard(
          stream,
          [shard],
          children.map((k) => ({
            range: { startingHashKey: bounds[k]!, endingHashKey: bounds[k + 1]! - 1n },
            parents: [shard.id],
          })),
        ),
      );
    }
    for (const range of ranges) {
      const group = pieces.filter(
        (p) =>
          p.range.startingHashKey >= range.startingHashKey && p.range.endingHashKey <= range.endingHashKey,
      );
      let merged = group[0]!;
      for (const next of group.slice(1)) {
        const child = {
          range: { startingHashKey: merged.range.startingHashKey, endingHashKey: next.range.endingHashKey },
          parents: [merged.id, next.id],
        };
        merged = this.reshard(stream, [merged, next], [child])[0]!;
      }
    }
  }

  /** Shard operations UpdateShardCount needs from the open layout to `target` even shards. */
  operationsTo(stream: Stream, target: number): number {
    const ops = shardOperations(stream.open.length, target);
    return ops.splits + ops.merges;
  }

  /** Trims records past retention and, over the store's budget, the oldest anywhere. */
  trim(stream: Stream, shard: Shard): void {
    const cutoff = this.clock.nowMs() - stream.retentionHours * 3600 * 1000;
    if (shard.head < shard.arrivals.length && shard.arrivals[shard.head]! < cutoff) {
      this.storedBytes -= trimHead(shard, (i) => shard.arrivals[i]! < cutoff);
    }
  }

  /**
   * Over budget: drops the oldest records of the whole store until 1/64 of the budget is free
   * (so trims come in chunks, not one per append). Oldest first across every shard: the shard with
   * the oldest record gives up its records no newer than the next-oldest shard's first one.
   */
  enforceBudget(): void {
    if (this.storedBytes <= this.maxStoredBytes) return;
    const goal = this.maxStoredBytes - this.maxStoredBytes / 64;
    while (this.storedBytes > goal) {
      let oldest: Shard | undefined;
      let next = Number.POSITIVE_INFINITY;
      for (const stream of this.streams.values()) {
        for (const shard of stream.shards) {
          if (shard.head >= shard.arrivals.length) continue;
          const first = shard.arrivals[shard.head]!;
          if (oldest === undefined || first < oldest.arrivals[oldest.head]!) {
            if (oldest !== undefined) next = Math.min(next, oldest.arrivals[oldest.head]!);
            oldest = shard;
          } else {
            next = Math.min(next, first);
          }
        }
      }
      if (oldest === undefined) return;
      const target = oldest;
      let excess = this.storedBytes - goal;
      this.storedBytes -= trimHead(target, (i) => {
        if (excess <= 0 || target.arrivals[i]! > next) return false;
        excess -= target.data[i]!.length + Buffer.byteLength(target.keys[i]!, 'utf8');
        return true;
      });
    }
  }

  /** Routes a record to its open shard. */
  route(stream: Stream, partitionKey: string, explicitHashKey: string | undefined): Shard {
    let hashKey: bigint;
    try {
      hashKey = routingHashKey(partitionKey, explicitHashKey);
    } catch {
      throw new AwsError(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`,
      );
    }
    return stream.open[findShard(stream.openRanges, hashKey)]!;
  }

  /** Admits one record if the shard's buckets hold it (always with limits off); false when throttled. */
  admit(stream: Stream, shard: Shard, bytes: number): boolean {
    if (this.limited) {
      const now = this.clock.nowMs();
      if (!shard.writeRecords.fits(now, 1) || !shard.writeBytes.fits(now, bytes)) {
        shard.stats.recordsThrottled++;
        shard.stats.bytesThrottled += bytes;
        return false;
      }
      shard.writeRecords.add(now, 1);
      shard.writeBytes.add(now, bytes);
    }
    if (stream.mode === 'ON_DEMAND') this.trackOnDemand(stream, bytes);
    return true;
  }

  /** Appends an admitted record; returns its counter. */
  append(stream: Stream, shard: Shard, data: Buffer, partitionKey: string): number {
    const counter = stream.nextCounter++;
    const now = this.clock.nowMs();
    shard.counters.push(counter);
    shard.arrivals.push(now);
    shard.data.push(data);
    shard.keys.push(partitionKey);
    const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
    shard.storedBytes += bytes;
    this.storedBytes += bytes;
    shard.stats.recordsAccepted++;
    shard.stats.bytesAccepted += bytes;
    return counter;
  }

  /** After a request's appends: retention, the budget, and the listeners (per shard, in order). */
  appended(stream: Stream, byShard: Map<Shard, number>): void {
    for (const [shard, from] of byShard) {
      this.trim(stream, shard);
      if (stream.listeners.size > 0) {
        const records = this.recordsBetween(
          stream,
          shard,
          indexAtCounter(shard, from),
          shard.counters.length,
        );
        for (const listener of stream.listeners) listener(shard.id, records);
      }
    }
    this.enforceBudget();
  }

  /**
   * On-demand capacity (KDS 5, engine "On-demand capacity"): a stream starts at 4 MiB/s and
   * 4,000 records/s as 4 shards; a second's write becomes the new peak, and 15 minutes later the
   * stream has 2 × that peak, as more even shards. Capacity never falls.
   */
  private trackOnDemand(stream: Stream, bytes: number): void {
    const second = Math.floor(this.clock.nowMs() / 1000);
    const od = stream.od;
    if (second !== od.second) {
      od.second = second;
      od.records = 0;
      od.bytes = 0;
    }
    od.records++;
    od.bytes += bytes;
    const multiple = KINESIS.onDemandPeakMultiple.value;
    const wanted = Math.ceil(
      Math.max((multiple * od.records) / WRITE_RECORDS, (multiple * od.bytes) / WRITE_BYTES) - 1e-9,
    );
    if (wanted > od.peakShards) {
      od.peakShards = wanted;
      this.later(stream, KINESIS.onDemandScaleSeconds.value * 1000, () => {
        if (wanted > stream.open.length)
          this.reshardEven(stream, Math.min(wanted, KINESIS.maxShardsPerStream.value));
      });
    }
  }

  recordsBetween(stream: Stream, shard: Shard, from: number, to: number): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (let i = from; i < to; i++) {
      records.push({
        SequenceNumber: sequenceNumber(stream, shard.counters[i]!),
        ApproximateArrivalTimestamp: shard.arrivals[i]!,
        Data: shard.data[i]!,
        PartitionKey: shard.keys[i]!,
      });
    }
    return records;
  }

  /** The counter a position starts reading at. */
  startCounter(stream: Stream, shard: Shard, position: ShardPosition): number {
    switch (position.type) {
      case 'TRIM_HORIZON':
        return shard.startingCounter;
      case 'LATEST':
        return shard.endingCounter !== undefined ? shard.endingCounter + 1 : stream.nextCounter;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const counter = parseSequenceNumber(stream, position.sequenceNumber) ?? shard.startingCounter;
        return position.type === 'AT_SEQUENCE_NUMBER' ? counter : counter + 1;
      }
      case 'AT_TIMESTAMP': {
        this.trim(stream, shard);
        const i = indexAtTime(shard, position.timestampMs);
        if (i < shard.counters.length) return shard.counters[i]!;
        return shard.endingCounter !== undefined ? shard.endingCounter + 1 : stream.nextCounter;
      }
    }
  }

  /** Reads from `fromCounter`: at most `maxRecords` and `maxBytes` (at least one record if any). */
  readAt(
    stream: Stream,
    shard: Shard,
    fromCounter: number,
    maxRecords: number,
    maxBytes: number,
  ): ShardRead & { nextCounter: number; bytes: number } {
    this.trim(stream, shard);
    const start = indexAtCounter(shard, fromCounter);
    let end = start;
    let bytes = 0;
    while (end < shard.counters.length && end - start < maxRecords) {
      const size = shard.data[end]!.length + Buffer.byteLength(shard.keys[end]!, 'utf8');
      if (end > start && bytes + size > maxBytes) break;
      bytes += size;
      end++;
    }
    const records = this.recordsBetween(stream, shard, start, end);
    const nextCounter =
      end > start
        ? shard.counters[end - 1]! + 1
        : Math.max(
            fromCounter,
            shard.counters[start - 1] !== undefined ? shard.counters[start - 1]! + 1 : fromCounter,
          );
    // How far behind the tip the reader is: the age of the oldest record it has not read yet.
    const now = this.clock.nowMs();
    const millisBehindLatest = end < shard.counters.length ? Math.max(0, now - shard.arrivals[end]!) : 0;
    const read: ShardRead & { nextCounter: number; bytes: number } = {
      records,
      next: { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: sequenceNumber(stream, nextCounter) },
      millisBehindLatest,
      nextCounter,
      bytes,
    };
    if (shard.endingCounter !== undefined && end >= shard.counters.length) {
      read.childShards = this.childrenOf(stream, shard);
    }
    return read;
  }

  childrenOf(stream: Stream, shard: Shard): NonNullable<ShardRead['childShards']> {
    return stream.shards
      .filter((s) => s.parentShardId === shard.id || s.adjacentParentShardId === shard.id)
      .map((s) => ({
        ShardId: s.id,
        ParentShards: [s.parentShardId, s.adjacentParentShardId].filter((p): p is string => p !== undefined),
        HashKeyRange: rangeView(s.range),
      }));
  }

  /** GetRecords' limits on one shard: 5 calls/s shared by all readers and 2 MiB/s of reads. */
  checkReadLimits(stream: Stream, shard: Shard): void {
    const now = this.clock.nowMs();
    shard.stats.getRecordsCalls++;
    if (!this.limited) return;
    const calls = shard.readCalls;
    while (calls.length > 0 && calls[0]! <= now - 1000) calls.shift();
    if (calls.length >= READ_CALLS || shard.readBytes.available(now) <= 0) {
      shard.stats.getRecordsThrottled++;
      throw new AwsError(
        'ProvisionedThroughputExceededException',
        `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${this.options.accountId}.`,
      );
    }
    calls.push(now);
  }

  view(shard: Shard, stream: Stream): ShardView {
    const view: ShardView = {
      ShardId: shard.id,
      HashKeyRange: rangeView(shard.range),
      SequenceNumberRange: { StartingSequenceNumber: sequenceNumber(stream, shard.startingCounter) },
    };
    if (shard.parentShardId !== undefined) view.ParentShardId = shard.parentShardId;
    if (shard.adjacentParentShardId !== undefined) view.AdjacentParentShardId = shard.adjacentParentShardId;
    if (shard.endingCounter !== undefined) {
      view.SequenceNumberRange.EndingSequenceNumber = sequenceNumber(stream, shard.endingCounter);
    }
    return view;
  }

  /** UpdateShardCount calls in the rolling 24 h before now. */
  recentShardCountCalls(stream: Stream): number {
    const now = this.clock.nowMs();
    stream.shardCountCalls = stream.shardCountCalls.filter((t) => t > now - DAY_MS);
    return stream.shardCountCalls.length;
  }
}

export function rangeView(range: HashKeyRange): ShardView['HashKeyRange'] {
  return { StartingHashKey: String(range.startingHashKey), EndingHashKey: String(range.endingHashKey) };
}
