/**
 * Record operations (API-K): PutRecord, PutRecords (only the over-limit entries fail), GetShardIterator
 * and GetRecords (5 calls/s and 2 MiB/s per shard, 10,000 records or 10 MiB per call).
 */
import { KINESIS } from '../../aws/facts.js';
import { AwsError } from '../protocol.js';
import {
  type Input,
  LARGEST_RECORD_BYTES,
  NAME_OR_ARN,
  seconds,
  shardOf,
  throttleMessage,
} from './common.js';
import { decodeIterator, encodeIterator } from './iterator.js';
import {
  ITERATOR_LIFETIME_MS,
  type KinesisModel,
  parseSequenceNumber,
  type Stream,
  sequenceNumber,
} from './model.js';
import type { Shard } from './shard.js';
import { blobLength, HASH_KEY, SEQUENCE_NUMBER, SHARD_ID, STREAM_ARN, validate } from './validate.js';

const PUT_RECORDS_MAX = KINESIS.putRecordsMaxRecords.value;
const PUT_RECORDS_MAX_BYTES = KINESIS.putRecordsMaxBytes.value;
const GET_RECORDS_MAX = KINESIS.getRecordsMaxRecords.value;
const GET_RECORDS_MAX_BYTES = KINESIS.getRecordsMaxBytes.value;

interface Entry {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/**
 * A record's bytes and shard. A record larger than the stream takes (1 MiB, or its
 * MaxRecordSizeInKiB) fails the request: data alone over it is shown as Java shows a buffer (as
 * kinesalite words it); data within it but over it with the key names the member without a value
 * (as moto records AWS wording it).
 */
function putOne(model: KinesisModel, stream: Stream, entry: Entry, path: string) {
  const data = Buffer.from(entry.Data, 'base64');
  const bytes = data.length + Buffer.byteLength(entry.PartitionKey, 'utf8');
  const max = stream.maxRecordBytes;
  if (bytes > max) {
    const value =
      data.length > max
        ? `Value 'java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]'`
        : 'Value';
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: ${value} at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return { data, bytes, shard: model.route(stream, entry.PartitionKey, entry.ExplicitHashKey) };
}

export function putRecord(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    Data: { type: 'blob', required: true, max: LARGEST_RECORD_BYTES },
    PartitionKey: { type: 'string', required: true, min: 1, max: KINESIS.partitionKeyMaxChars.value },
    ExplicitHashKey: HASH_KEY,
    SequenceNumberForOrdering: SEQUENCE_NUMBER,
  });
  const stream = model.require(input, true);
  const entry = putOne(model, stream, input as unknown as Entry, 'data');
  if (!model.admit(stream, entry.shard, entry.bytes)) {
    throw new AwsError('ProvisionedThroughputExceededException', throttleMessage(model, stream, entry.shard));
  }
  const counter = model.append(stream, entry.shard, entry.data, input.PartitionKey as string);
  model.appended(stream, new Map([[entry.shard, counter]]));
  return {
    ShardId: entry.shard.id,
    SequenceNumber: sequenceNumber(stream, counter),
    EncryptionType: 'NONE',
  };
}

export function putRecords(model: KinesisModel, input: Input): unknown {
  validate(input, {
    ...NAME_OR_ARN,
    Records: {
      type: 'list',
      required: true,
      min: 1,
      max: PUT_RECORDS_MAX,
      memberText: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
      member: {
        type: 'structure',
        fields: {
          Data: { type: 'blob', required: true, max: LARGEST_RECORD_BYTES },
          PartitionKey: { type: 'string', required: true, min: 1, max: KINESIS.partitionKeyMaxChars.value },
          ExplicitHashKey: HASH_KEY,
        },
      },
    },
  });
  const stream = model.require(input, true);
  const entries = input.Records as { Data: string; PartitionKey: string; ExplicitHashKey?: string }[];
  let total = 0;
  for (const e of entries) total += blobLength(e.Data) + Buffer.byteLength(e.PartitionKey, 'utf8');
  if (total > PUT_RECORDS_MAX_BYTES) {
    throw new AwsError(
      'InvalidArgumentException',
      // AWS's words (moto records them for the former 5 MB): MiB written "MB".
      `Records size exceeds ${PUT_RECORDS_MAX_BYTES / 1024 / 1024} MB limit`,
    );
  }
  // Every entry is checked before any is written: a bad one fails the whole request.
  const routed = entries.map((e, i) => putOne(model, stream, e, `records.${i + 1}.member.data`));
  const firsts = new Map<Shard, number>();
  let failed = 0;
  const results = routed.map((r, i) => {
    if (!model.admit(stream, r.shard, r.bytes)) {
      failed++;
      return {
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: throttleMessage(model, stream, r.shard),
      };
    }
    const counter = model.append(stream, r.shard, r.data, entries[i]!.PartitionKey);
    if (!firsts.has(r.shard)) firsts.set(r.shard, counter);
    return { SequenceNumber: sequenceNumber(stream, counter), ShardId: r.shard.id };
  });
  model.appended(stream, firsts);
  return { FailedRecordCount: failed, Records: results, EncryptionType: 'NONE' };
}

export function getShardIterator(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ...NAME_OR_ARN,
    ShardId: { ...SHARD_ID, required: true },
    ShardIteratorType: {
      type: 'string',
      required: true,
      enum: ['AFTER_SEQUENCE_NUMBER', 'LATEST', 'AT_TIMESTAMP', 'AT_SEQUENCE_NUMBER', 'TRIM_HORIZON'],
    },
    StartingSequenceNumber: SEQUENCE_NUMBER,
    Timestamp: { type: 'timestamp' },
  });
  const stream = model.require(input, true);
  const shard = shardOf(model, stream, input.ShardId as string, 'exist');
  const type = input.ShardIteratorType as string;
  const sequence = input.StartingSequenceNumber as string | undefined;
  const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequence !== (sequence !== undefined)) {
    throw new AwsError(
      'InvalidArgumentException',
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
        `Request specified ${type} and ${sequence === undefined ? 'no' : 'also a'} StartingSequenceNumber.`,
    );
  }
  const now = model.clock.nowMs();
  let from: number;
  if (bySequence) {
    const counter = parseSequenceNumber(stream, sequence!);
    const last = shard.endingCounter ?? stream.nextCounter - 1;
    if (counter === undefined || counter < shard.startingCounter || counter > last) {
      throw new AwsError(
        'InvalidArgumentException',
        `StartingSequenceNumber ${sequence} used in GetShardIterator on shard ${shard.id} in stream ${stream.name} under account ${account} is invalid.`,
      );
    }
    from = model.startCounter(stream, shard, {
      type: type as 'AT_SEQUENCE_NUMBER',
      sequenceNumber: sequence!,
    });
  } else if (type === 'AT_TIMESTAMP') {
    const ts = input.Timestamp as number | undefined;
    if (ts === undefined) {
      throw new AwsError(
        'InvalidArgumentException',
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
      );
    }
    if (ts * 1000 > now) {
      throw new AwsError(
        'InvalidArgumentException',
        `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${Math.round(ts * 1000)}, currentTimestampInMillis: ${now}`,
      );
    }
    from = model.startCounter(stream, shard, { type: 'AT_TIMESTAMP', timestampMs: ts * 1000 });
  } else {
    from = model.startCounter(stream, shard, { type: type as 'LATEST' | 'TRIM_HORIZON' });
  }
  return {
    ShardIterator: encodeIterator({
      stream: stream.name,
      tag: stream.tag,
      shardId: shard.id,
      counter: from,
      issuedMs: now,
    }),
  };
}

export function getRecords(model: KinesisModel, input: Input): unknown {
  const account = model.options.accountId;
  validate(input, {
    ShardIterator: { type: 'string', required: true, min: 1, max: 512 },
    Limit: { type: 'integer', min: 1, max: GET_RECORDS_MAX },
    StreamARN: STREAM_ARN,
  });
  const iterator = decodeIterator(input.ShardIterator as string);
  if (iterator === undefined) throw new AwsError('InvalidArgumentException', 'Invalid ShardIterator.');
  const now = model.clock.nowMs();
  if (now - iterator.issuedMs > ITERATOR_LIFETIME_MS) {
    throw new AwsError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(iterator.issuedMs).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  const stream = model.find(iterator.stream);
  if (
    stream === undefined ||
    stream.tag !== iterator.tag ||
    (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING')
  ) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Shard ${iterator.shardId} in stream ${iterator.stream} under account ${account} does not exist`,
    );
  }
  const shard = shardOf(model, stream, iterator.shardId, 'exist');
  model.checkReadLimits(stream, shard);
  const limit = (input.Limit as number | undefined) ?? GET_RECORDS_MAX;
  const read = model.readAt(stream, shard, iterator.counter, limit, GET_RECORDS_MAX_BYTES);
  // The bytes read come out of the 2 MiB/s bucket; one call may take up to 10 MiB and leave it
  // owing, so the next calls are throttled until it refills (API-K, GetRecords).
  if (model.limited) shard.readBytes.take(read.bytes);
  shard.stats.recordsRead += read.records.length;
  shard.stats.bytesRead += read.bytes;
  shard.stats.lastIteratorAgeMs = read.millisBehindLatest;
  shard.stats.maxIteratorAgeMs = Math.max(shard.stats.maxIteratorAgeMs, read.millisBehindLatest);
  const output: Record<string, unknown> = {
    Records: read.records.map((r) => ({
      SequenceNumber: r.SequenceNumber,
      ApproximateArrivalTimestamp: seconds(r.ApproximateArrivalTimestamp),
      Data: Buffer.from(r.Data.buffer, r.Data.byteOffset, r.Data.byteLength).toString('base64'),
      PartitionKey: r.PartitionKey,
    })),
    MillisBehindLatest: read.millisBehindLatest,
  };
  if (read.childShards !== undefined) {
    // A closed shard read to its end: no next iterator, and its children to continue with.
    output.ChildShards = read.childShards;
  } else {
    output.NextShardIterator = encodeIterator({
      stream: stream.name,
      tag: stream.tag,
      shardId: shard.id,
      counter: read.nextCounter,
      issuedMs: now,
    });
  }
  return output;
}
