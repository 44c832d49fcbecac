/**
 * Stream operations (API-K): CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary,
 * ListStreams, the tag operations and the retention period.
 */
import { KINESIS } from '../../aws/facts.js';
import { AwsError } from '../protocol.js';
import {
  type ConsumerHooks,
  type Input,
  MAX_SHARDS,
  MAX_TAGS,
  MAX_TAGS_PER_ADD,
  NAME_OR_ARN,
  RECORD_SIZE_KIB,
  requireActive,
  seconds,
  TAG_KEY_MAX,
  TAG_VALUE_MAX,
  tagEntries,
} from './common.js';
import type { KinesisModel, Stream } from './model.js';
import { SHARD_ID, STREAM_NAME, validate } from './validate.js';

const RETENTION_MIN_HOURS = KINESIS.retentionDefaultSeconds.value / 3600;
const RETENTION_MAX_HOURS = KINESIS.retentionMaxSeconds.value / 3600;

function modeDetails(stream: Stream) {
  return { StreamMode: stream.mode };
}

function streamBase(stream: Stream) {
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: stream.status,
    StreamModeDetails: modeDetails(stream),
    RetentionPeriodHours: stream.retentionHours,
    StreamCreationTimestamp: seconds(stream.createdMs),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
  };
}

export function createStream(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    StreamName: { ...STREAM_NAME, required: true },
    ShardCount: { type: 'integer', min: 1, max: MAX_SHARDS },
    StreamModeDetails: {
      type: 'structure',
      fields: { StreamMode: { type: 'string', required: true, enum: ['PROVISIONED', 'ON_DEMAND'] } },
    },
    Tags: { type: 'map', max: MAX_TAGS, keyMax: TAG_KEY_MAX, valueMax: TAG_VALUE_MAX },
    MaxRecordSizeInKiB: RECORD_SIZE_KIB,
  });
  const name = input.StreamName as string;
  const mode = ((input.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode ??
    'PROVISIONED') as Stream['mode'];
  const count = input.ShardCount as number | undefined;
  if (mode === 'PROVISIONED' && count === undefined) {
    throw new AwsError('ValidationException', 'ShardCount is required for PROVISIONED streams.');
  }
  if (mode === 'ON_DEMAND' && count !== undefined) {
    throw new AwsError('ValidationException', 'ShardCount cannot be specified for ON_DEMAND streams.');
  }
  if (model.streams.has(name)) {
    throw new AwsError('ResourceInUseException', `Stream ${name} under account ${account} already exists.`);
  }
  const tags = tagEntries(input.Tags, name, account);
  // On-demand starts at 4 MiB/s and 4,000 records/s (KDS 5), as the shards that carry it.
  const shards =
    count ??
    Math.ceil(
      Math.max(
        KINESIS.onDemandInitialWriteRecordsPerSecond.value / KINESIS.shardWriteRecordsPerSecond.value,
        KINESIS.onDemandInitialWriteBytesPerSecond.value / KINESIS.shardWriteBytesPerSecond.value,
      ),
    );
  const kib = input.MaxRecordSizeInKiB as number | undefined;
  const stream = model.createStream(name, shards, mode, kib === undefined ? undefined : kib * 1024);
  for (const [k, v] of tags) stream.tags.set(k, v);
  return {};
}

export function deleteStream(model: KinesisModel, input: Input, consumers?: ConsumerHooks): unknown {
  const account = model.options.accountId;
  validate(input, { ...NAME_OR_ARN, EnforceConsumerDeletion: { type: 'boolean' } });
  const stream = model.require(input);
  if (stream.status === 'DELETING') throw model.notFound(stream.name);
  const registered = consumers?.count(stream.arn) ?? 0;
  if (registered > 0 && input.EnforceConsumerDeletion !== true) {
    throw new AwsError(
      'ResourceInUseException',
      `Stream ${stream.name} under account ${account} has ${registered} registered consumers; set EnforceConsumerDeletion to delete them with the stream.`,
    );
  }
  model.deleteStream(stream);
  consumers?.streamDeleted(stream.arn);
  return {};
}

export function describeStream(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    Limit: { type: 'integer', min: 1, max: 10_000 },
    ExclusiveStartShardId: SHARD_ID,
  });
  const stream = model.require(input);
  const limit = (input.Limit as number | undefined) ?? 100;
  const after = input.ExclusiveStartShardId as string | undefined;
  const from = after === undefined ? 0 : stream.shards.findIndex((s) => s.id > after);
  const rest = from < 0 ? [] : stream.shards.slice(from);
  return {
    StreamDescription: {
      ...streamBase(stream),
      Shards: rest.slice(0, limit).map((s) => model.view(s, stream)),
      HasMoreShards: rest.length > limit,
    },
  };
}

export function describeStreamSummary(model: KinesisModel, input: Input, consumers?: ConsumerHooks): unknown {
  validate(input, NAME_OR_ARN);
  const stream = model.require(input);
  return {
    StreamDescriptionSummary: {
      ...streamBase(stream),
      OpenShardCount: stream.open.length,
      MaxRecordSizeInKiB: stream.maxRecordBytes / 1024,
      ConsumerCount: consumers?.count(stream.arn) ?? 0,
    },
  };
}

export function listStreams(model: KinesisModel, input: Input): unknown {
  validate(input, {
    Limit: { type: 'integer', min: 1, max: 10_000 },
    ExclusiveStartStreamName: STREAM_NAME,
    NextToken: { type: 'string', min: 1, max: 1048576 },
  });
  const limit = (input.Limit as number | undefined) ?? 100;
  let after = input.ExclusiveStartStreamName as string | undefined;
  if (input.NextToken !== undefined) {
    after = Buffer.from(input.NextToken as string, 'base64url').toString('utf8');
    if (!/^[a-zA-Z0-9_.-]+$/.test(after))
      throw new AwsError('InvalidArgumentException', 'Invalid NextToken.');
  }
  const names = [...model.streams.keys()].sort().filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  const more = names.length > limit;
  const output: Record<string, unknown> = {
    StreamNames: page,
    HasMoreStreams: more,
    StreamSummaries: page.map((n) => {
      const s = model.streams.get(n)!;
      return {
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: modeDetails(s),
        StreamCreationTimestamp: seconds(s.createdMs),
      };
    }),
  };
  if (more) output.NextToken = Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url');
  return output;
}

export function addTagsToStream(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ...NAME_OR_ARN,
    Tags: {
      type: 'map',
      required: true,
      min: 1,
      max: MAX_TAGS_PER_ADD,
      keyMax: TAG_KEY_MAX,
      valueMax: TAG_VALUE_MAX,
    },
  });
  const stream = model.require(input);
  const tags = tagEntries(input.Tags, stream.name, account);
  const after = new Set([...stream.tags.keys(), ...tags.map(([k]) => k)]);
  // More than 50 in all: InvalidArgumentException, as kinesalite recorded AWS answering it.
  if (after.size > MAX_TAGS) {
    throw new AwsError(
      'InvalidArgumentException',
      `Failed to add tags to stream ${stream.name} under account ${account} because a given stream cannot have more than ${MAX_TAGS} tags.`,
    );
  }
  for (const [k, v] of tags) stream.tags.set(k, v);
  return {};
}

export function listTagsForStream(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    ExclusiveStartTagKey: { type: 'string', min: 1, max: TAG_KEY_MAX },
    Limit: { type: 'integer', min: 1, max: MAX_TAGS },
  });
  const stream = model.require(input);
  const limit = (input.Limit as number | undefined) ?? MAX_TAGS;
  const after = input.ExclusiveStartTagKey as string | undefined;
  const keys = [...stream.tags.keys()].sort().filter((k) => after === undefined || k > after);
  return {
    Tags: keys.slice(0, limit).map((Key) => ({ Key, Value: stream.tags.get(Key)! })),
    HasMoreTags: keys.length > limit,
  };
}

export function removeTagsFromStream(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    TagKeys: {
      type: 'list',
      required: true,
      min: 1,
      max: MAX_TAGS,
      member: { type: 'string', min: 1, max: TAG_KEY_MAX },
    },
  });
  const stream = model.require(input);
  for (const key of input.TagKeys as string[]) stream.tags.delete(key);
  return {};
}

/** IncreaseStreamRetentionPeriod (`increase`) or DecreaseStreamRetentionPeriod. */
export function changeRetention(model: KinesisModel, input: Input, increase: boolean): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    RetentionPeriodHours: {
      type: 'integer',
      required: true,
      min: RETENTION_MIN_HOURS,
      max: RETENTION_MAX_HOURS,
    },
  });
  const stream = model.require(input);
  requireActive(model, stream);
  const hours = input.RetentionPeriodHours as number;
  if (increase ? hours < stream.retentionHours : hours > stream.retentionHours) {
    throw new AwsError(
      'InvalidArgumentException',
      `Requested retention period (${hours} hours) for stream ${stream.name} can not be ${increase ? 'shorter' : 'longer'} than existing retention period (${stream.retentionHours} hours). Use ${increase ? 'DecreaseRetentionPeriod' : 'IncreaseRetentionPeriod'} API.`,
    );
  }
  stream.retentionHours = hours;
  return {};
}

/** UpdateMaxRecordSize (API-K): the largest record the stream takes, 1,024 … 10,240 KiB. */
export function updateMaxRecordSize(model: KinesisModel, input: Input): unknown {
  validate(input, { ...NAME_OR_ARN, MaxRecordSizeInKiB: { ...RECORD_SIZE_KIB, required: true } });
  const stream = model.require(input);
  requireActive(model, stream);
  model.setMaxRecordBytes(stream, (input.MaxRecordSizeInKiB as number) * 1024);
  return {};
}
