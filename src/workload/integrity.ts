/**
 * Every record accountable: what the producers had acknowledged, what each consumer application
 * read, and from those, per application, what was delivered, what is missing, what was read more
 * than once and what came out of order.
 *
 * - **delivered**: records of this run read at least once (acknowledged or not: an entry whose
 *   request timed out may still have been written).
 * - **missing**: acknowledged and never read (after the drain, a record the stream lost or the
 *   consumer skipped).
 * - **duplicates**: reads beyond the first of one record (a retried request whose first attempt
 *   had been written, a re-read after a resubscription or a reshard).
 * - **outOfOrder**: first reads whose Kinesis sequence number is below the last one the
 *   application read from the same shard. Kinesis orders records per shard by sequence number,
 *   so per-shard order implies the per-partition-key order it promises; tracking it per shard
 *   keeps memory bounded by shards, not keys.
 *
 * Memory: one bit per record and producer for the acknowledgements, and one per record, producer
 * and application for the reads (6 million records: 750 KB a set), grown as sequences grow.
 */
import { type RecordHeader, runTag } from './record-header.js';

export interface IntegrityCounts {
  delivered: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
}

/** What a read of one record was: its first read, another read of it, or a record not of this run. */
export type ReadVerdict = 'first' | 'duplicate' | 'foreign';

/** A set of non-negative integers, one bit each, grown on demand. */
class BitSet {
  private words = new Uint32Array(1024);

  has(i: number): boolean {
    const word = i >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (i & 31))) !== 0;
  }

  /** Adds `i`; returns false when it was there already. */
  add(i: number): boolean {
    const word = i >>> 5;
    if (word >= this.words.length) {
      let length = this.words.length * 2;
      while (length <= word) length *= 2;
      const grown = new Uint32Array(length);
      grown.set(this.words);
      this.words = grown;
    }
    const bit = 1 << (i & 31);
    if ((this.words[word]! & bit) !== 0) return false;
    this.words[word]! |= bit;
    return true;
  }
}

interface ApplicationLedger {
  /** Per producer: the sequences read. */
  read: BitSet[];
  delivered: number;
  /** Reads of acknowledged records (first reads only): missing = acknowledged − this. */
  deliveredAcknowledged: number;
  duplicates: number;
  outOfOrder: number;
  /** Per shard id: the highest sequence number read (decimal string). */
  lastSequence: Map<string, string>;
}

export class IntegrityLedger {
  readonly runTag: number;
  readonly worker: number;
  private readonly acknowledgedSets: BitSet[];
  private acknowledgedCount = 0;
  private readonly applications = new Map<string, ApplicationLedger>();
  /** Records read that carried no header of this run and worker (another writer's, another run's). */
  foreign = 0;

  /**
   * @param runId the run's id (its tag is what the records carry)
   * @param producers how many producers the scenario has
   * @param applications the consumer applications that read the stream (and Firehose streams, if counted)
   * @param worker this process's share index: records of other workers are foreign here
   */
  constructor(runId: string, producers: number, applications: readonly string[], worker = 0) {
    this.runTag = runTag(runId);
    this.worker = worker;
    this.acknowledgedSets = Array.from({ length: producers }, () => new BitSet());
    for (const name of applications) {
      this.applications.set(name, {
        read: Array.from({ length: producers }, () => new BitSet()),
        delivered: 0,
        deliveredAcknowledged: 0,
        duplicates: 0,
        outOfOrder: 0,
        lastSequence: new Map(),
      });
    }
  }

  /** Producer `producer`'s record `sequence` was acknowledged by the stream (once; again is a no-op). */
  acknowledged(producer: number, sequence: number): void {
    const set = this.acknowledgedSets[producer];
    if (set === undefined || !set.add(sequence)) return;
    this.acknowledgedCount += 1;
    // A consumer may have read it before the acknowledgement came back.
    for (const app of this.applications.values()) {
      if (app.read[producer]!.has(sequence)) app.deliveredAcknowledged += 1;
    }
  }

  /** Records acknowledged so far. */
  get acknowledgedTotal(): number {
    return this.acknowledgedCount;
  }

  /**
   * Application `application` read a record: its header (undefined when the data carried none),
   * the shard it came from and its Kinesis sequence number.
   */
  read(
    application: string,
    header: RecordHeader | undefined,
    shardId: string,
    sequenceNumber: string,
  ): ReadVerdict {
    const app = this.application(application);
    if (
      header === undefined ||
      header.runTag !== this.runTag ||
      header.worker !== this.worker ||
      header.producer >= this.acknowledgedSets.length
    ) {
      this.foreign += 1;
      return 'foreign';
    }
    if (!app.read[header.producer]!.add(header.sequence)) {
      app.duplicates += 1;
      return 'duplicate';
    }
    app.delivered += 1;
    if (this.acknowledgedSets[header.producer]!.has(header.sequence)) app.deliveredAcknowledged += 1;
    const last = app.lastSequence.get(shardId);
    if (last !== undefined && compareSequenceNumbers(sequenceNumber, last) < 0) app.outOfOrder += 1;
    else app.lastSequence.set(shardId, sequenceNumber);
    return 'first';
  }

  /** Acknowledged records `application` has not read yet (0: it has caught up with every acknowledgement). */
  outstanding(application: string): number {
    return this.acknowledgedCount - this.application(application).deliveredAcknowledged;
  }

  /** The counts of every application, by name. */
  counts(): Record<string, IntegrityCounts> {
    return Object.fromEntries(
      [...this.applications].map(([name, app]) => [
        name,
        {
          delivered: app.delivered,
          missing: this.acknowledgedCount - app.deliveredAcknowledged,
          duplicates: app.duplicates,
          outOfOrder: app.outOfOrder,
        },
      ]),
    );
  }

  private application(name: string): ApplicationLedger {
    const app = this.applications.get(name);
    if (app === undefined) throw new RangeError(`no consumer application named "${name}" in this ledger`);
    return app;
  }
}

/** Orders two Kinesis sequence numbers (decimal strings without leading zeros): by length, then digits. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
