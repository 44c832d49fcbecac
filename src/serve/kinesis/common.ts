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
/** Tags (API-K): at most 50 a stream (and in CreateStream), 10 an AddTagsToStream call; keys 1–128, values 0–256 characters. */
export const MAX_TAGS = KINESIS.tagsPerStreamMax.value;
export const MAX_TAGS_PER_ADD = KINESIS.tagsPerAddTagsToStreamMax.value;
export const TAG_KEY_MAX = KINESIS.tagKeyMaxChars.value;
export const TAG_VALUE_MAX = KINESIS.tagValueMaxChars.value;

/**
 * The tag key prefix AWS keeps for itself (the Kinesis and general tagging guides: "aws:" is
 * reserved, a tag key may not start with it, in any case). Refused as AddTagsToStream's documented
 * InvalidArgumentException ("a specified parameter … can't be used").
 */
const RESERVED_TAG_PREFIX = 'aws:';

/**
 * What a Kinesis tag key or value may hold (AWS::Kinesis::Stream Tag: "Valid characters: Unicode
 * letters, digits, white space, _ . / = + - % @"): no ':' — unlike EFS or S3 tags — as kinesalite
 * also recorded AWS answering.
 */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_./=+\-%@]*$/u;

/**
 * A request's `Tags` map as entries, its keys checked. Entries, not an object read with `in` or
 * property access: a key such as `__proto__` or `constructor` is a tag like any other.
 */
export function tagEntries(tags: unknown, streamName: string, accountId: string): [string, string][] {
  const entries = Object.entries((tags ?? {}) as Record<string, string>);
  const reserved = entries.find(([key]) => key.toLowerCase().startsWith(RESERVED_TAG_PREFIX));
  if (reserved !== undefined) {
    throw new AwsError(
      'InvalidArgumentException',
      `Failed to add tags to stream ${streamName} under account ${accountId} because the tag key ${reserved[0]} uses the prefix '${RESERVED_TAG_PREFIX}', which is reserved for AWS use.`,
    );
  }
  if (entries.some(([key, value]) => !TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(String(value)))) {
    throw new AwsError(
      'InvalidArgumentException',
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
    );
  }
  return entries;
}

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
