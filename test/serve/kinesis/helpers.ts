/**
 * A Kinesis service on a hand-driven clock: time moves only when a test calls `advance`, and the
 * timers (`after`) due by then run in order, so reshards and stream creation are exact.
 */

import { createKinesis, type KinesisOptions } from '../../../src/serve/kinesis/index.js';
import type { JsonOperation, RequestContext } from '../../../src/serve/protocol.js';
import { ManualClock as SharedManualClock } from '../../helpers/manual-clock.js';

/** The shared hand-driven clock, starting at Date.UTC(2026, 11, 6, 10, 0, 0) by default. */
export class ManualClock extends SharedManualClock {
  constructor(startMs = Date.UTC(2026, 11, 6, 10, 0, 0)) {
    super(startMs);
  }
}

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

/** A Kinesis service and a `call(operation, input)` that runs operations as the transport would. */
export function kinesis(options: Partial<KinesisOptions> = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const created = createKinesis({ limits: 'aws', region: REGION, accountId: ACCOUNT, clock, ...options });
  const context: RequestContext = {
    clock,
    region: REGION,
    accountId: ACCOUNT,
    limits: options.limits ?? 'aws',
  };
  const call = <T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): T => {
    const op = created.service.operations.get(operation) as JsonOperation | undefined;
    if (op === undefined) throw new Error(`no operation ${operation}`);
    return op(input, context) as T;
  };
  /** Creates a stream and lets it become ACTIVE. */
  const stream = (name: string, shards: number) => {
    call('CreateStream', { StreamName: name, ShardCount: shards });
    clock.advance(1000);
  };
  return { ...created, clock, call, stream };
}

/** The error an operation throws, as `{ type, message, status }`. */
export function errorOf(fn: () => unknown): { type: string; message: string; status: number } {
  try {
    fn();
  } catch (error) {
    const e = error as { type: string; message: string; status: number };
    return { type: e.type, message: e.message, status: e.status };
  }
  throw new Error('expected an AwsError, nothing was thrown');
}

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The outputs the tests read (as the operations return them, JSON-shaped). */
export interface PutRecordsOut {
  FailedRecordCount: number;
  Records: { SequenceNumber?: string; ShardId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}
export interface RecordOut {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number;
  Data: string;
  PartitionKey: string;
}
export interface GetRecordsOut {
  Records: RecordOut[];
  NextShardIterator?: string;
  MillisBehindLatest: number;
  ChildShards?: {
    ShardId: string;
    ParentShards: string[];
    HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  }[];
}
export interface ShardOut {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}
export interface ListShardsOut {
  Shards: ShardOut[];
  NextToken?: string;
}
export interface DescribeOut {
  StreamDescription: { StreamStatus: string; Shards: ShardOut[]; HasMoreShards: boolean; StreamARN: string };
}
