/**
 * What a producer sends, as the AWS target holds it between the schedule and the response: user
 * records (the scenario's records, each accountable by its producer sequence) and the Kinesis or
 * Firehose entries that carry them — one user record each, or many packed into one KPL aggregate.
 *
 * Entries hold no data bytes for plain records: a record's data is its header and zeros, written
 * again into the request's buffer at each attempt (the header is a function of the record), so
 * what waits for a response or a retry is a few numbers per record, not its bytes.
 */

import { DueQueue } from '../due-queue.js';

/** One record of the scenario, as scheduled. */
export interface UserRecord {
  /** The producer's record number in this worker, from 0 (the header's sequence). */
  sequence: number;
  /** Scheduled send time, run seconds: latency is measured from here. */
  at: number;
  partitionKey: string;
  explicitHashKey?: string | undefined;
  /** Data bytes sent (at least the header's). */
  dataBytes: number;
  /** UTF-8 bytes of the partition key (what counts against the limits beside the data). */
  keyBytes: number;
}

/** One entry of a PutRecords (or PutRecordBatch) request: a record as the service sees it. */
export interface Entry {
  /** The user records it carries: one, or an aggregate's. */
  users: UserRecord[];
  partitionKey: string;
  explicitHashKey?: string | undefined;
  /** The data blob when it is not a plain user record (an aggregate's encoding), kept for retries. */
  data?: Uint8Array | undefined;
  /** Data bytes of the entry. */
  dataBytes: number;
  /**
   * What the entry counts against a request's and a shard's byte limits: data + partition key
   * for Kinesis, data alone for Firehose (set by the sink that takes it).
   */
  bytes: number;
  /** The attempt this entry is on (1 for its first send). */
  attempt: number;
  /** When a failed entry is due again, run seconds. */
  dueAt: number;
}

/** A plain entry for one user record. */
export function plainEntry(user: UserRecord, countsKey: boolean): Entry {
  return {
    users: [user],
    partitionKey: user.partitionKey,
    explicitHashKey: user.explicitHashKey,
    dataBytes: user.dataBytes,
    bytes: user.dataBytes + (countsKey ? user.keyBytes : 0),
    attempt: 1,
    dueAt: 0,
  };
}

/** Entries waiting for their retry, by due time, with the user records they hold. */
export class RetryQueue extends DueQueue<Entry> {
  /** User records in the queue. */
  users = 0;

  override push(entry: Entry): void {
    super.push(entry);
    this.users += entry.users.length;
  }

  override popDue(now: number): Entry | undefined {
    const entry = super.popDue(now);
    if (entry !== undefined) this.users -= entry.users.length;
    return entry;
  }
}
