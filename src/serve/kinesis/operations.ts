/**
 * The Kinesis Data Streams operations by name (API-K): each takes the decoded JSON 1.1 input
 * (blobs as base64, timestamps as epoch seconds) and returns its JSON-shaped output, or throws an
 * `AwsError` with the type and wording the API reference uses.
 */
import type { JsonOperation } from '../protocol.js';
import type { ConsumerHooks } from './common.js';
import { listShards } from './list-shards.js';
import type { KinesisModel } from './model.js';
import { getRecords, getShardIterator, putRecord, putRecords } from './records.js';
import { mergeShards, splitShard, updateShardCount } from './resharding.js';
import {
  addTagsToStream,
  changeRetention,
  createStream,
  deleteStream,
  describeStream,
  describeStreamSummary,
  listStreams,
  listTagsForStream,
  removeTagsFromStream,
  updateMaxRecordSize,
} from './streams.js';

export type { ConsumerHooks } from './common.js';

/**
 * The input with JSON null members left out, at every depth (null list entries stay, for
 * validation to name): AWS reads a null member as an absent one.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === null) continue;
    // `out.__proto__ = …` would set the prototype and lose a `__proto__` tag key: that one key is
    // defined (the others assigned: PutRecords copies 1,000+ members a call).
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: withoutNulls(member),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = withoutNulls(member);
  }
  return out;
}

/** The operations over one model. */
export function kinesisOperations(
  model: KinesisModel,
  consumers?: ConsumerHooks,
): Map<string, JsonOperation> {
  const operations = new Map<string, JsonOperation>([
    ['CreateStream', (input) => createStream(model, input)],
    ['DeleteStream', (input) => deleteStream(model, input, consumers)],
    ['DescribeStream', (input) => describeStream(model, input)],
    ['DescribeStreamSummary', (input) => describeStreamSummary(model, input, consumers)],
    ['ListStreams', (input) => listStreams(model, input)],
    ['ListShards', (input) => listShards(model, input)],
    ['PutRecord', (input) => putRecord(model, input)],
    ['PutRecords', (input) => putRecords(model, input)],
    ['GetShardIterator', (input) => getShardIterator(model, input)],
    ['GetRecords', (input) => getRecords(model, input)],
    ['UpdateShardCount', (input) => updateShardCount(model, input)],
    ['SplitShard', (input) => splitShard(model, input)],
    ['MergeShards', (input) => mergeShards(model, input)],
    ['AddTagsToStream', (input) => addTagsToStream(model, input)],
    ['ListTagsForStream', (input) => listTagsForStream(model, input)],
    ['RemoveTagsFromStream', (input) => removeTagsFromStream(model, input)],
    ['IncreaseStreamRetentionPeriod', (input) => changeRetention(model, input, true)],
    ['DecreaseStreamRetentionPeriod', (input) => changeRetention(model, input, false)],
    ['UpdateMaxRecordSize', (input) => updateMaxRecordSize(model, input)],
  ]);
  return new Map(
    [...operations].map(([name, op]): [string, JsonOperation] => [
      name,
      (input, context) => op(withoutNulls(input ?? {}) as Record<string, unknown>, context),
    ]),
  );
}
