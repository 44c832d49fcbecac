/**
 * Resharding (API-K): UpdateShardCount (½×–2× of the open count, 10 calls per rolling 24 h),
 * SplitShard and MergeShards. The stream is UPDATING for the shard operations' documented time
 * (`shardOperationSeconds` each, on the server clock so `--time-scale` shortens it), then the
 * parents close with an EndingSequenceNumber and the children open with their lineage.
 */
import { KINESIS } from '../../aws/facts.js';
import { AwsError } from '../protocol.js';
import { type Input, MAX_SHARDS, NAME_OR_ARN, requireActive, shardOf, tooManyShards } from './common.js';
import type { KinesisModel } from './model.js';
import { SHARD_ID, validate } from './validate.js';

export function updateShardCount(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ...NAME_OR_ARN,
    TargetShardCount: { type: 'integer', required: true, min: 1, max: MAX_SHARDS },
    ScalingType: { type: 'string', required: true, enum: ['UNIFORM_SCALING'] },
  });
  const stream = model.require(input);
  requireActive(model, stream);
  if (stream.mode === 'ON_DEMAND') {
    throw new AwsError(
      'ValidationException',
      'UpdateShardCount is not supported for streams in ON_DEMAND mode.',
    );
  }
  const current = stream.open.length;
  const target = input.TargetShardCount as number;
  const most = current * KINESIS.updateShardCountMaxFactor.value;
  const least = current * KINESIS.updateShardCountMinFactor.value;
  if (target > most || target < least) {
    throw new AwsError(
      'LimitExceededException',
      `UpdateShardCount cannot scale stream ${stream.name} under account ${account} from ${current} to ${target} shards: the target must be between ${Math.ceil(least)} and ${most} (half to double the current count).`,
    );
  }
  const perDay = KINESIS.updateShardCountCallsPer24h.value;
  if (model.recentShardCountCalls(stream) >= perDay) {
    throw new AwsError(
      'LimitExceededException',
      `Stream ${stream.name} under account ${account} has already been scaled ${perDay} times in the last 24 hours.`,
    );
  }
  stream.shardCountCalls.push(model.clock.nowMs());
  if (target !== current) {
    stream.status = 'UPDATING';
    const ms = model.operationsTo(stream, target) * KINESIS.shardOperationSeconds.value * 1000;
    model.later(stream, ms, () => {
      model.reshardEven(stream, target);
      stream.status = 'ACTIVE';
    });
  }
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    CurrentShardCount: current,
    TargetShardCount: target,
  };
}

export function splitShard(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ...NAME_OR_ARN,
    ShardToSplit: { ...SHARD_ID, required: true },
    NewStartingHashKey: { type: 'string', required: true, pattern: '0|([1-9]\\d{0,38})' },
  });
  const stream = model.require(input);
  const shard = shardOf(model, stream, input.ShardToSplit as string);
  requireActive(model, stream);
  if (shard.endingCounter !== undefined) {
    throw new AwsError(
      'ResourceInUseException',
      `Shard ${shard.id} in stream ${stream.name} under account ${account} has already been merged or split, and thus is not eligible for merging or splitting.`,
    );
  }
  const key = BigInt(input.NewStartingHashKey as string);
  if (key <= shard.range.startingHashKey || key > shard.range.endingHashKey) {
    throw new AwsError(
      'InvalidArgumentException',
      `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shard.id} in stream ${stream.name} under account ${account} is not both greater than one plus the shard's StartingHashKey ${shard.range.startingHashKey} and less than the shard's EndingHashKey ${shard.range.endingHashKey}.`,
    );
  }
  tooManyShards(model, stream, stream.open.length + 1);
  stream.status = 'UPDATING';
  model.later(stream, KINESIS.shardOperationSeconds.value * 1000, () => {
    model.reshard(
      stream,
      [shard],
      [
        {
          range: { startingHashKey: shard.range.startingHashKey, endingHashKey: key - 1n },
          parents: [shard.id],
        },
        { range: { startingHashKey: key, endingHashKey: shard.range.endingHashKey }, parents: [shard.id] },
      ],
    );
    stream.status = 'ACTIVE';
  });
  return {};
}

export function mergeShards(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ...NAME_OR_ARN,
    ShardToMerge: { ...SHARD_ID, required: true },
    AdjacentShardToMerge: { ...SHARD_ID, required: true },
  });
  const stream = model.require(input);
  const a = shardOf(model, stream, input.ShardToMerge as string);
  const b = shardOf(model, stream, input.AdjacentShardToMerge as string);
  requireActive(model, stream);
  for (const s of [a, b]) {
    if (s.endingCounter !== undefined) {
      throw new AwsError(
        'ResourceInUseException',
        `Shard ${s.id} in stream ${stream.name} under account ${account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
  }
  const [low, high] = a.range.startingHashKey < b.range.startingHashKey ? [a, b] : [b, a];
  if (low.range.endingHashKey + 1n !== high.range.startingHashKey) {
    throw new AwsError(
      'InvalidArgumentException',
      `Shards ${a.id} and ${b.id} in stream ${stream.name} under account ${account} are not an adjacent pair of shards eligible for merging`,
    );
  }
  stream.status = 'UPDATING';
  model.later(stream, KINESIS.shardOperationSeconds.value * 1000, () => {
    model.reshard(
      stream,
      [a, b],
      [
        {
          range: { startingHashKey: low.range.startingHashKey, endingHashKey: high.range.endingHashKey },
          parents: [a.id, b.id],
        },
      ],
    );
    stream.status = 'ACTIVE';
  });
  return {};
}
