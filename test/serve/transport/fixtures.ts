/**
 * Services of our own for the transport's tests (the Kinesis, Firehose and enhanced fan-out models
 * are built elsewhere): a few operations shaped as AWS's, so the real SDK clients parse their
 * answers, and a streaming operation that writes a few event-stream messages.
 */
import { encodeEvent, encodeException, encodeInitialResponse } from '../../../src/serve/event-stream.js';
import {
  AwsError,
  type Operation,
  type Service,
  type StreamingOperation,
} from '../../../src/serve/protocol.js';

/** 2025-01-01T00:00:00Z, in ms: the arrival time of every fixture record. */
export const ARRIVAL_MS = Date.UTC(2025, 0, 1);

export interface FixtureKinesis extends Service {
  /** Inputs each operation was called with, in order. */
  calls: { operation: string; input: Record<string, unknown> }[];
}

function record(sequence: number, text: string) {
  return {
    SequenceNumber: String(sequence),
    ApproximateArrivalTimestamp: new Date(ARRIVAL_MS),
    Data: new TextEncoder().encode(text),
    PartitionKey: `key-${sequence}`,
  };
}

/**
 * A Kinesis-shaped service: ListStreams, PutRecords (entries keyed `fail` fail with AWS's
 * per-record error), DescribeStreamSummary (`missing` is ResourceNotFound), GetRecords (two
 * records), Boom (a bug: throws a plain Error), SubscribeToShard (`events` events of one record
 * each, then the end of the stream; shard `bad` fails before it starts, `late` after one event).
 */
export function fixtureKinesis(options: { events?: number } = {}): FixtureKinesis {
  const calls: FixtureKinesis['calls'] = [];
  const seen =
    (operation: string, fn: (input: Record<string, unknown>) => unknown): Operation =>
    (input) => {
      calls.push({ operation, input });
      return fn(input);
    };
  const subscribe: StreamingOperation = {
    streaming: true,
    handle(input, _context, response) {
      calls.push({ operation: 'SubscribeToShard', input });
      if (input.ShardId === 'bad')
        throw new AwsError('ResourceInUseException', 'Another subscription is active.');
      response.start({});
      response.write(encodeInitialResponse());
      const events = input.ShardId === 'late' ? 1 : (options.events ?? 3);
      for (let i = 1; i <= events; i++) {
        response.write(
          encodeEvent('SubscribeToShardEvent', {
            Records: [record(i, `event ${i}`)],
            ContinuationSequenceNumber: String(i),
            MillisBehindLatest: 0,
          }),
        );
      }
      if (input.ShardId === 'late')
        response.write(encodeException('InternalFailureException', 'The shard went away.'));
      response.end();
    },
  };
  const operations = new Map<string, Operation>([
    [
      'ListStreams',
      seen('ListStreams', () => ({ StreamNames: ['orders', 'clicks'], HasMoreStreams: false })),
    ],
    [
      'PutRecords',
      seen('PutRecords', (input) => {
        const entries = input.Records;
        if (!Array.isArray(entries)) {
          throw new AwsError(
            'ValidationException',
            "1 validation error detected: Value null at 'records' failed to satisfy constraint: Member must not be null",
          );
        }
        const results = entries.map((entry: { PartitionKey?: string }, i) =>
          entry.PartitionKey === 'fail'
            ? {
                ErrorCode: 'ProvisionedThroughputExceededException',
                ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${String(input.StreamName)} under account 000000000000.`,
              }
            : { SequenceNumber: String(1000 + i), ShardId: 'shardId-000000000000' },
        );
        return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
      }),
    ],
    [
      'DescribeStreamSummary',
      seen('DescribeStreamSummary', (input) => {
        throw new AwsError(
          'ResourceNotFoundException',
          `Stream ${String(input.StreamName)} under account 000000000000 not found.`,
        );
      }),
    ],
    [
      'GetRecords',
      seen('GetRecords', () => ({
        Records: [record(1, 'one'), record(2, 'two')],
        NextShardIterator: 'next',
        MillisBehindLatest: 0,
      })),
    ],
    [
      'Boom',
      seen('Boom', () => {
        throw new Error('a bug in a service');
      }),
    ],
    ['SubscribeToShard', subscribe],
  ]);
  return { targetPrefix: 'Kinesis_20131202', operations, calls, metrics: () => ({ calls: calls.length }) };
}

/** A Firehose-shaped service: PutRecordBatch (records whose data is `fail` fail), DescribeDeliveryStream (not found). */
export function fixtureFirehose(): Service {
  const operations = new Map<string, Operation>([
    [
      'PutRecordBatch',
      (input) => {
        const entries = (input.Records ?? []) as { Data: string }[];
        const responses = entries.map((entry) =>
          Buffer.from(entry.Data, 'base64').toString() === 'fail'
            ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' }
            : { RecordId: `id-${entry.Data}` },
        );
        return {
          FailedPutCount: responses.filter((r) => 'ErrorCode' in r).length,
          Encrypted: false,
          RequestResponses: responses,
        };
      },
    ],
    [
      'DescribeDeliveryStream',
      (input) => {
        throw new AwsError(
          'ResourceNotFoundException',
          `Firehose ${String(input.DeliveryStreamName)} under account 000000000000 not found.`,
        );
      },
    ],
  ]);
  return { targetPrefix: 'Firehose_20150804', operations };
}

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
