/**
 * What the Kinesis operations share: input shapes, the limits they check (from `KINESIS`), and the
 * lookups and messages worded as the API reference (and kinesalite, which mirrors it) words them.
 */
import { KINESIS } from '../../aws/facts.js';
import { AwsError } from '../protocol.js';
import type { KinesisModel, Stream } from './model.js';
import type { Shard } from './shard.js';
import { type Shape, STREAM_ARN, STREAM_NAME } from './validate.js';

/** An operation's decoded input. */
export type Input = Record<string, unknown>;

export const MAX_RECORD_BYTES = KINESIS.defaultMaxRecordBytes.value;
/** The largest record a stream may be set to take (MaxRecordSizeInKiB ≤ 10,240, API-K, LR). */
export const LARGEST_RECORD_BYTES = KINESIS.largestMaxRecordBytes.value;
/** MaxRecordSizeInKiB's range: 1,024 … 10,240. */
export const RECORD_SIZE_KIB = {
  type: 'integer',
  min: MAX_RECORD_BYTES / 1024,
  max: LARGEST_RECORD_BYTES / 1024,
} as const;
export const MAX_SHARDS = KINESIS.maxShardsPerStream.value;
/** Tags: at most 50 per stream and per call, keys 1–128 and values 0–256 characters (API-K, AddTagsToStream). */
export const MAX_TAGS = 50;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;

export const NAME_OR_ARN: Shape = { StreamName: STREAM_NAME, StreamARN: STREAM_ARN };

export interface ConsumerHooks {
  count(streamArn: string): number;
  streamDeleted(streamArn: string): void;
}

/** Timestamps go out as epoch seconds (JSON 1.1). */
export const seconds = (ms: number) => ms / 1000;

/** A shard by id: "Could not find shard …" (SplitShard, MergeShards) or "Shard … does not exist" (reads). */
export function shardOf(
  model: KinesisModel,
  stream: Stream,
  shardId: string,
  verb: 'find' | 'exist' = 'find',
): Shard {
  const account = model.options.accountId;
  const shard = stream.shards.find((s) => s.id === shardId);
  if (shard === undefined) {
    throw new AwsError(
      'ResourceNotFoundException',
      verb === 'find'
        ? `Could not find shard ${shardId} in stream ${stream.name} under account ${account}.`
        : `Shard ${shardId} in stream ${stream.name} under account ${account} does not exist`,
    );
  }
  return shard;
}

export function requireActive(model: KinesisModel, stream: Stream): void {
  if (stream.status !== 'ACTIVE') throw model.notActive(stream);
}

export function throttleMessage(model: KinesisModel, stream: Stream, shard: Shard): string {
  return `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${model.options.accountId}.`;
}

export function tooManyShards(model: KinesisModel, stream: Stream, count: number): void {
  if (count > MAX_SHARDS) {
    throw new AwsError(
      'LimitExceededException',
      `Stream ${stream.name} under account ${model.options.accountId} would exceed ${MAX_SHARDS} shards.`,
    );
  }
}
