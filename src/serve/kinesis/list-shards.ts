/**
 * ListShards (API-K): shards after an id or by a ShardFilter, in pages with a NextToken that
 * carries the query (valid for 300 s, as AWS's).
 */
import { AwsError } from '../protocol.js';
import { type Input, NAME_OR_ARN, seconds } from './common.js';
import { ITERATOR_LIFETIME_MS, type KinesisModel, type Stream } from './model.js';
import type { Shard } from './shard.js';
import { SHARD_ID, validate } from './validate.js';

export function listShards(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    NextToken: { type: 'string', min: 1, max: 1048576 },
    ExclusiveStartShardId: SHARD_ID,
    MaxResults: { type: 'integer', min: 1, max: 10_000 },
    StreamCreationTimestamp: { type: 'timestamp' },
    ShardFilter: {
      type: 'structure',
      fields: {
        Type: {
          type: 'string',
          required: true,
          enum: [
            'AFTER_SHARD_ID',
            'AT_TRIM_HORIZON',
            'FROM_TRIM_HORIZON',
            'AT_LATEST',
            'AT_TIMESTAMP',
            'FROM_TIMESTAMP',
          ],
        },
        ShardId: SHARD_ID,
        Timestamp: { type: 'timestamp' },
      },
    },
  });
  const limit = (input.MaxResults as number | undefined) ?? 1000;
  let query: ShardQuery;
  if (input.NextToken !== undefined) {
    if (
      input.StreamName !== undefined ||
      input.ExclusiveStartShardId !== undefined ||
      input.ShardFilter !== undefined
    ) {
      throw new AwsError('InvalidArgumentException', 'NextToken and StreamName cannot be provided together.');
    }
    query = decodeListToken(input.NextToken as string, model.clock.nowMs());
  } else {
    const stream = model.require(input);
    const created = input.StreamCreationTimestamp as number | undefined;
    if (created !== undefined && Math.floor(created) !== Math.floor(seconds(stream.createdMs))) {
      throw model.notFound(stream.name);
    }
    const filter = input.ShardFilter as { Type: string; ShardId?: string; Timestamp?: number } | undefined;
    if (filter?.Type === 'AFTER_SHARD_ID' && filter.ShardId === undefined) {
      throw new AwsError(
        'InvalidArgumentException',
        'Must specify ShardId for ShardFilter of type AFTER_SHARD_ID.',
      );
    }
    if (
      (filter?.Type === 'AT_TIMESTAMP' || filter?.Type === 'FROM_TIMESTAMP') &&
      filter.Timestamp === undefined
    ) {
      throw new AwsError(
        'InvalidArgumentException',
        `Must specify Timestamp for ShardFilter of type ${filter.Type}.`,
      );
    }
    query = {
      stream: stream.name,
      tag: stream.tag,
      after:
        (input.ExclusiveStartShardId as string | undefined) ??
        (filter?.Type === 'AFTER_SHARD_ID' ? filter.ShardId : undefined),
      filter: filter?.Type,
      timestampMs: filter?.Timestamp === undefined ? undefined : filter.Timestamp * 1000,
    };
  }
  const stream = model.find(query.stream);
  if (stream === undefined || stream.tag !== query.tag) throw model.notFound(query.stream);
  const shards = stream.shards.filter(
    (s) => (query.after === undefined || s.id > query.after) && keep(stream, s, query, model),
  );
  const page = shards.slice(0, limit);
  const output: Record<string, unknown> = { Shards: page.map((s) => model.view(s, stream)) };
  if (shards.length > limit) {
    output.NextToken = encodeListToken({ ...query, after: page[page.length - 1]!.id }, model.clock.nowMs());
  }
  return output;
}

interface ShardQuery {
  stream: string;
  tag: string;
  after: string | undefined;
  filter: string | undefined;
  timestampMs: number | undefined;
}

/** ListShards' NextToken: the query and where it stopped, valid for 300 s (API-K, ListShards). */
function encodeListToken(query: ShardQuery, nowMs: number): string {
  return Buffer.from(JSON.stringify({ ...query, issuedMs: nowMs }), 'utf8').toString('base64url');
}

function decodeListToken(token: string, nowMs: number): ShardQuery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const q = parsed as Partial<ShardQuery & { issuedMs: number }> | undefined;
  if (
    q === undefined ||
    q === null ||
    typeof q.stream !== 'string' ||
    typeof q.tag !== 'string' ||
    typeof q.issuedMs !== 'number'
  ) {
    throw new AwsError('InvalidArgumentException', 'Invalid NextToken.');
  }
  if (nowMs - q.issuedMs > ITERATOR_LIFETIME_MS) {
    throw new AwsError('ExpiredNextTokenException', 'The NextToken has expired.');
  }
  return { stream: q.stream, tag: q.tag, after: q.after, filter: q.filter, timestampMs: q.timestampMs };
}

/** Whether ListShards' filter keeps a shard (API-K, ShardFilter). */
function keep(stream: Stream, shard: Shard, query: ShardQuery, model: KinesisModel): boolean {
  const openAt = (t: number) =>
    shard.createdMs <= Math.max(t, stream.createdMs) && (shard.closedMs === undefined || shard.closedMs > t);
  const notClosedBefore = (t: number) => shard.closedMs === undefined || shard.closedMs > t;
  const trimHorizon = model.clock.nowMs() - stream.retentionHours * 3600 * 1000;
  switch (query.filter) {
    case 'AT_TRIM_HORIZON':
      return openAt(trimHorizon);
    case 'FROM_TRIM_HORIZON':
      return notClosedBefore(trimHorizon);
    case 'AT_LATEST':
      return shard.closedMs === undefined;
    case 'AT_TIMESTAMP':
      return openAt(query.timestampMs!);
    case 'FROM_TIMESTAMP':
      return notClosedBefore(query.timestampMs!);
    default:
      return true;
  }
}
