/**
 * What both kinds of consumer application share: the records they read, unpacked and accounted
 * (integrity ledger, deliveries, end-to-end latency), a processing rate per instance, the lag each
 * application reports, the lease of shards to instances, the KCL's parent-before-child rule, and
 * the backoff after a failed call.
 */
import { userRecordsOf } from '../../../aws/deaggregation.js';
import type { Rng } from '../../../workload/random.js';
import { readRecordHeader } from '../../../workload/record-header.js';
import { type RunClock, sleep } from '../../clock.js';
import type { AwsRun } from '../run.js';

/** A user record waiting to be processed (a KPL aggregate's records share one sequence number). */
export interface PendingRecord {
  data: Uint8Array;
  sequenceNumber: string;
  /** When the stream took it (`ApproximateArrivalTimestamp`), epoch ms. */
  arrivalEpochMs: number;
}

/** A Kinesis record as GetRecords and SubscribeToShard return it (the SDK's `_Record`, the fields used). */
export interface WireRecord {
  Data?: Uint8Array | undefined;
  SequenceNumber?: string | undefined;
  PartitionKey?: string | undefined;
  ApproximateArrivalTimestamp?: Date | undefined;
}

/** The user records of a response's records, in order, ready to process. */
export function pendingRecords(records: readonly WireRecord[] | undefined): PendingRecord[] {
  const out: PendingRecord[] = [];
  for (const r of records ?? []) {
    const sequenceNumber = r.SequenceNumber ?? '';
    const arrivalEpochMs = r.ApproximateArrivalTimestamp?.getTime() ?? Number.NaN;
    for (const user of userRecordsOf(r.Data ?? new Uint8Array(0), r.PartitionKey ?? '')) {
      out.push({ data: user.data, sequenceNumber, arrivalEpochMs });
    }
  }
  return out;
}

/**
 * Processes `record` for application `app`: the ledger decides whether it is a first read, a
 * duplicate or another writer's record; a first read counts as delivered in the current second
 * and its end-to-end latency runs from the header's scheduled time to now (so a record scheduled
 * while the producer was stalled shows the stall).
 */
export function processRecord(run: AwsRun, app: string, shardId: string, record: PendingRecord): void {
  const header = readRecordHeader(record.data);
  const verdict = run.ledger.read(app, header, shardId, record.sequenceNumber);
  if (verdict !== 'first' || header === undefined) return;
  const now = run.clock.seconds();
  run.recorder.countDelivered(app, run.clock.second(), 1);
  run.recorder.recordEndToEndLatency(Math.max(0, now - run.clock.secondsAt(header.scheduledEpochMicros)));
}

/**
 * Processing chunks last about this long: a rate-limited instance hands records over in slices,
 * so deliveries and latencies fall in the second they are processed, not at the end of a batch.
 */
const CHUNK_SECONDS = 0.05;

/**
 * One instance's processing rate, shared by every shard it holds (the scenario's `processingRate`
 * is per instance): each chunk of n records takes n / rate seconds, queued behind the chunks
 * already reserved. An idle instance earns no credit: a chunk starts no earlier than now, unless
 * the instance was busy until less than a chunk's time ago. Then it continues from where the
 * previous chunk ended: the gap is a timer that fired late (a loaded machine), not idleness, and
 * an instance with work waiting must not lose its rate to it.
 */
export class ProcessingPace {
  private busyUntil = 0;

  constructor(
    private readonly clock: RunClock,
    /** Records per second; undefined: processing takes no time. */
    readonly recordsPerSecond: number | undefined,
  ) {}

  /** Run seconds when the records handed over so far are processed. */
  get busyUntilSeconds(): number {
    return this.busyUntil;
  }

  /** How many records make one chunk: CHUNK_SECONDS of processing, at least 1 (all of them when unpaced). */
  chunk(available: number): number {
    if (this.recordsPerSecond === undefined) return available;
    return Math.min(available, Math.max(1, Math.floor(this.recordsPerSecond * CHUNK_SECONDS)));
  }

  /** Resolves when `records` more records have been processed by this instance. */
  async process(records: number, signal: AbortSignal): Promise<void> {
    if (this.recordsPerSecond === undefined || records <= 0) return;
    const now = this.clock.seconds();
    const start = this.busyUntil >= now - CHUNK_SECONDS ? this.busyUntil : now;
    this.busyUntil = start + records / this.recordsPerSecond;
    await this.clock.sleepUntil(this.busyUntil, signal);
  }
}

/**
 * Processes `records` in chunks at the instance's pace, oldest first, removing each from the
 * front of the array as it is processed (so the lag tracker sees the oldest unprocessed record).
 */
export async function processAll(
  run: AwsRun,
  app: string,
  shardId: string,
  records: PendingRecord[],
  pace: ProcessingPace,
  signal: AbortSignal,
): Promise<void> {
  while (records.length > 0) {
    const n = pace.chunk(records.length);
    await pace.process(n, signal);
    for (const record of records.splice(0, n)) processRecord(run, app, shardId, record);
  }
}

/**
 * One shard's reader state, as the lag sees it: the `MillisBehindLatest` of the last response and
 * when it came, and the records fetched but not processed yet (oldest first).
 */
export interface ShardProgress {
  millisBehindLatest: number;
  respondedAtSeconds: number;
  backlog: readonly PendingRecord[];
}

/**
 * An application's lag on one shard, in seconds, as the engine defines it: how long ago the oldest
 * record it has not processed arrived. When records wait in its own backlog, that is the backlog's
 * head; otherwise the stream's `MillisBehindLatest` (the age of the next record it has not read),
 * aged by the time since that response when it was not 0 (a reader held back by throttling falls
 * further behind while it waits).
 */
export function shardLagSeconds(progress: ShardProgress, nowSeconds: number, nowEpochMs: number): number {
  const behind = progress.millisBehindLatest / 1000;
  const stale = behind > 0 ? behind + Math.max(0, nowSeconds - progress.respondedAtSeconds) : 0;
  const head = progress.backlog[0];
  const headAge =
    head !== undefined && Number.isFinite(head.arrivalEpochMs)
      ? Math.max(0, nowEpochMs - head.arrivalEpochMs) / 1000
      : 0;
  return Math.max(stale, headAge);
}

/** How often an application's lag is sampled between responses (the recorder keeps each second's largest). */
const LAG_SAMPLE_SECONDS = 0.25;

/**
 * Reports an application's lag: the largest over its shards, every LAG_SAMPLE_SECONDS until
 * `signal` aborts, and at once whenever a response comes (`report`).
 */
export class LagTracker {
  readonly shards = new Map<string, ShardProgress>();

  constructor(
    private readonly run: AwsRun,
    private readonly app: string,
  ) {}

  /** A response's MillisBehindLatest for `shardId` (and the record of it now). */
  responded(
    shardId: string,
    millisBehindLatest: number | undefined,
    backlog: readonly PendingRecord[],
  ): void {
    const progress: ShardProgress = {
      millisBehindLatest: millisBehindLatest ?? 0,
      respondedAtSeconds: this.run.clock.seconds(),
      backlog,
    };
    this.shards.set(shardId, progress);
    this.run.recorder.recordConsumerLag(
      this.app,
      this.run.clock.second(),
      progress.millisBehindLatest / 1000,
    );
    this.sample();
  }

  /** A shard read to its end: it no longer holds the application back. */
  finished(shardId: string): void {
    this.shards.delete(shardId);
  }

  /** Records the application's lag now: the largest over its shards. */
  sample(): void {
    const clock = this.run.clock;
    const nowSeconds = clock.seconds();
    const nowEpochMs = clock.startEpochMs + nowSeconds * 1000;
    let lag = 0;
    for (const progress of this.shards.values()) {
      lag = Math.max(lag, shardLagSeconds(progress, nowSeconds, nowEpochMs));
    }
    this.run.recorder.recordConsumerLag(this.app, clock.second(), lag);
  }

  /** Samples until `signal` aborts; never rejects. */
  async watch(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.sample();
      try {
        await sleep(LAG_SAMPLE_SECONDS * 1000, signal);
      } catch {
        return;
      }
    }
  }
}

/**
 * Shards leased to an application's instances, as the KCL's lease table spreads them: each shard
 * is read by one instance, a new shard goes to the instance holding the fewest, ties to the
 * lowest index.
 */
export class Leases<Instance> {
  private readonly held: number[];

  constructor(private readonly instances: readonly Instance[]) {
    this.held = instances.map(() => 0);
  }

  /** Takes a lease for a new shard; returns the instance and the release. */
  take(): { instance: Instance; release: () => void } {
    let best = 0;
    for (let i = 1; i < this.held.length; i++) if (this.held[i]! < this.held[best]!) best = i;
    this.held[best]! += 1;
    let released = false;
    return {
      instance: this.instances[best]!,
      release: () => {
        if (released) return;
        released = true;
        this.held[best]! -= 1;
      },
    };
  }
}

/** A child shard as the end of its parent names it (`ChildShards`), or as a listing shows it. */
export interface ChildShardRef {
  shardId: string;
  parentShardIds: readonly string[];
}

/**
 * The KCL's rule for reshards: a shard is read only after every parent this application was
 * reading has been read to its end, so records of one key come out in order across the reshard
 * (a merge's child waits for both parents). A parent the application never read (closed before
 * the run) does not hold a child back.
 */
export class ShardLineage {
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly waiting = new Map<string, ChildShardRef>();

  /** Marks `shardId` as read from now on; false when it already was (a child named by both parents). */
  start(shardId: string): boolean {
    if (this.started.has(shardId)) return false;
    this.started.add(shardId);
    this.waiting.delete(shardId);
    return true;
  }

  /** `shardId` was read to its end: the children that may start now (every parent read to its end). */
  finish(shardId: string, children: readonly ChildShardRef[]): ChildShardRef[] {
    this.finished.add(shardId);
    for (const child of children) {
      if (!this.started.has(child.shardId)) this.waiting.set(child.shardId, child);
    }
    const ready: ChildShardRef[] = [];
    for (const child of [...this.waiting.values()]) {
      const blocked = child.parentShardIds.some((p) => this.started.has(p) && !this.finished.has(p));
      if (!blocked) {
        this.waiting.delete(child.shardId);
        ready.push(child);
      }
    }
    return ready;
  }

  /** Whether `shardId` has been started. */
  has(shardId: string): boolean {
    return this.started.has(shardId);
  }
}

/**
 * The wait before retrying a read that failed: full jitter, u × min(cap, base × 2^n) for the n-th
 * retry in a row (the AWS SDK's and the KCL's shape). A throttled GetRecords starts at the 200 ms
 * a call's share of the 5 calls/s is worth; the cap keeps a reader from sleeping through the run.
 */
export const READ_RETRY_BASE_SECONDS = 0.2;
export const READ_RETRY_MAX_SECONDS = 5;

export function readRetryDelaySeconds(retry: number, rng: Rng): number {
  return rng.uniform() * Math.min(READ_RETRY_MAX_SECONDS, READ_RETRY_BASE_SECONDS * 2 ** retry);
}

/** The error's name (`ProvisionedThroughputExceededException`), or undefined for a non-error. */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Whether a failed call was refused for throughput (the shard's or the account's limits). */
export function isThrottle(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'LimitExceededException' ||
    name === 'ThrottlingException'
  );
}

/** Sleeps `seconds`; false when `signal` aborted first (the loop then ends). */
export async function pause(seconds: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(seconds * 1000, signal);
    return true;
  } catch {
    return false;
  }
}
