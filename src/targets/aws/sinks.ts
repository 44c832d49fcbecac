/**
 * Where a producer's requests go: Kinesis PutRecords to the run's stream, or Firehose
 * PutRecordBatch to a direct-put delivery stream. A sink builds one request from entries, sends it
 * through the session's SDK client and reads the answer entry by entry; the producer loop
 * (`producer.ts`) is the same for both.
 */
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { FIREHOSE, KINESIS } from '../../aws/facts.js';
import type { Producer } from '../../scenario/schema.js';
import { type RecordHeader, writeRecordHeader } from '../../workload/record-header.js';
import type { Entry } from './entries.js';
import type { HeaderBase } from './kpl.js';
import type { AwsRun } from './run.js';

/** How one entry of a request ended. */
export type EntryResult =
  | { ok: true; shardId?: string | undefined }
  | { ok: false; code: string; throttled: boolean };

export interface Sink {
  /** The operation, as request counts name it. */
  operation: 'PutRecords' | 'PutRecordBatch';
  /** Whether the partition key counts against the byte limits (Kinesis) or there is none (Firehose). */
  countsKey: boolean;
  /** The most entries and bytes (`Entry.bytes`) one request carries. */
  maxRecords: number;
  maxBytes: number;
  /**
   * Sends `entries` as one request; resolves with each entry's result in order and the command's
   * output (for its `$metadata`), rejects with the SDK's error when the whole request failed.
   */
  send(entries: readonly Entry[], signal: AbortSignal): Promise<{ results: EntryResult[]; output: unknown }>;
}

/**
 * Writes a request's entries' data: each entry's own blob (an aggregate), or its one user record's
 * header and zeros, as a view on one zeroed buffer for the request's plain records — one
 * allocation a request instead of one a record, and one header object reused (the SDK
 * base64-encodes each view as it serializes the request, before `send` returns its promise).
 */
function requestData(entries: readonly Entry[], base: HeaderBase, run: AwsRun): Uint8Array[] {
  const buffer = requestBuffer(entries);
  const header: RecordHeader = { ...base, sequence: 0, scheduledEpochMicros: 0, recordBytes: 0 };
  const out: Uint8Array[] = new Array(entries.length);
  let offset = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.data !== undefined) {
      out[i] = entry.data;
      continue;
    }
    const user = entry.users[0]!;
    header.sequence = user.sequence;
    header.scheduledEpochMicros = run.clock.epochMicros(user.at);
    header.recordBytes = user.dataBytes;
    writeRecordHeader(buffer, offset, header);
    out[i] = buffer.subarray(offset, offset + user.dataBytes);
    offset += user.dataBytes;
  }
  return out;
}

/**
 * One buffer for a request's plain records (zeros: the padding), each record a view on it: one
 * allocation a request instead of one a record; the SDK base64-encodes each view.
 */
function requestBuffer(entries: readonly Entry[]): Uint8Array {
  let bytes = 0;
  for (const entry of entries) if (entry.data === undefined) bytes += entry.dataBytes;
  return new Uint8Array(bytes);
}

export function kinesisSink(run: AwsRun, producer: Producer, header: HeaderBase): Sink {
  const streamName = run.resources.streamName;
  return {
    operation: 'PutRecords',
    countsKey: true,
    maxRecords: Math.min(producer.batching.maxRecords, KINESIS.putRecordsMaxRecords.value),
    maxBytes: Math.min(producer.batching.maxBytes, KINESIS.putRecordsMaxBytes.value),
    async send(entries, signal) {
      const data = requestData(entries, header, run);
      const records = entries.map((entry, i) =>
        entry.explicitHashKey === undefined
          ? { Data: data[i], PartitionKey: entry.partitionKey }
          : { Data: data[i], PartitionKey: entry.partitionKey, ExplicitHashKey: entry.explicitHashKey },
      );
      const output = await (run.clients.kinesisWrite ?? run.clients.kinesis).send(
        new PutRecordsCommand({ StreamName: streamName, Records: records }),
        { abortSignal: signal },
      );
      const answered = output.Records ?? [];
      if (answered.length !== entries.length) {
        throw new Error(`PutRecords answered ${answered.length} entries for ${entries.length} sent`);
      }
      const results = answered.map(
        (r): EntryResult =>
          r.ErrorCode === undefined || r.ErrorCode === null
            ? { ok: true, shardId: r.ShardId }
            : {
                ok: false,
                code: r.ErrorCode,
                throttled: r.ErrorCode === 'ProvisionedThroughputExceededException',
              },
      );
      return { results, output };
    },
  };
}

export function firehoseSink(run: AwsRun, producer: Producer, header: HeaderBase): Sink {
  const deliveryStream = run.resources.deliveryStreams.get(producer.destination);
  if (deliveryStream === undefined) {
    throw new Error(`no delivery stream was created for Firehose "${producer.destination}"`);
  }
  return {
    operation: 'PutRecordBatch',
    countsKey: false,
    maxRecords: Math.min(producer.batching.maxRecords, FIREHOSE.putRecordBatchMaxRecords.value),
    maxBytes: Math.min(producer.batching.maxBytes, FIREHOSE.putRecordBatchMaxBytes.value),
    async send(entries, signal) {
      const records = requestData(entries, header, run).map((data) => ({ Data: data }));
      const output = await (run.clients.firehoseWrite ?? run.clients.firehose).send(
        new PutRecordBatchCommand({ DeliveryStreamName: deliveryStream, Records: records }),
        { abortSignal: signal },
      );
      const answered = output.RequestResponses ?? [];
      if (answered.length !== entries.length) {
        throw new Error(`PutRecordBatch answered ${answered.length} entries for ${entries.length} sent`);
      }
      const results = answered.map(
        (r): EntryResult =>
          r.ErrorCode === undefined || r.ErrorCode === null
            ? { ok: true }
            : {
                ok: false,
                code: r.ErrorCode,
                // Firehose refuses a record over its stream's throughput with this code (API-F,
                // PutRecordBatch: "ServiceUnavailableException ... exceeds the throughput limits").
                throttled: r.ErrorCode === 'ServiceUnavailableException',
              },
      );
      return { results, output };
    },
  };
}
