/**
 * The Firehose model of `shardcast serve` (issue 11, point 3): the Firehose API's delivery-stream
 * operations over JSON 1.1 (`Firehose_20150804.<Operation>`), the Direct PUT quota, and delivery to
 * S3 as files under a data directory.
 *
 * - A delivery stream is CREATING for `CREATE_DELAY_MS` of server time, then ACTIVE; a deleted one
 *   is DELETING for `DELETE_DELAY_MS`, then gone. Its buffered records are dropped on delete (AWS
 *   "doesn't make any guarantees with respect to delivering the data" of a stream being deleted).
 * - Direct PUT: one buffer; the quota (`directPutQuota(region)`) applies with `limits: 'aws'`. A call
 *   over the requests/s quota fails whole with ServiceUnavailableException (503, "Slow down."); a
 *   record over the records/s or bytes/s quota fails alone: PutRecord with that exception,
 *   PutRecordBatch as an entry with `ErrorCode: ServiceUnavailableException` (as AWS answers, see
 *   boto/boto3#2804). `limits: 'off'` takes everything; the API's own bounds (500 records, 1,000 KiB
 *   a record, 4 MiB a call) hold either way: they are the API's, not a quota.
 * - Kinesis source: one buffer per source shard (FH-BH: the hints apply per shard), fed as
 *   `kinesis-source.ts` reads. PutRecord and PutRecordBatch to it are refused, as AWS refuses them.
 * - Tags (`tags.ts`): TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream, up to 50.
 * - `close()` delivers everything still buffered (as the engine model does at the end of a run),
 *   stops every timer and reader, and resolves when every object is written.
 */
import { createHash } from 'node:crypto';
import { flushIntervalSeconds } from '../../aws/defaults.js';
import { FIREHOSE } from '../../aws/facts.js';
import { AwsError, type JsonOperation, type Operation, type ServeClock } from '../protocol.js';
import { applyDestinationUpdate, describe, readCreateInput, STREAM_NAME_RULE } from './config.js';
import { DeliveryBuffer, type FlushedBuffer, ObjectSink } from './delivery.js';
import { blob, type Input, integer, list, string, structure, Violations } from './input.js';
import { KinesisSource } from './kinesis-source.js';
import { objectKey } from './object-key.js';
import { DirectPutQuota } from './quota.js';
import { listTags, tagStream, untagStream } from './tags.js';
import type { DeliveryStream, DeliveryStreamMetrics, FirehoseOptions, FirehoseService } from './types.js';

export type { DeliveryStreamMetrics, FirehoseOptions, FirehoseService } from './types.js';

/**
 * How long a new delivery stream stays CREATING, and a deleted one DELETING, in server time. AWS
 * publishes no figure ("asynchronous … initially CREATING"): short enough that a test waits little,
 * long enough that a client which does not wait for ACTIVE meets the error it would meet on AWS.
 */
export const CREATE_DELAY_MS = 1000;
export const DELETE_DELAY_MS = 1000;

const MiB = 1024 * 1024;
const DIRECT_PUT_BUFFER = 'direct-put';

function notFound(name: string, accountId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Firehose ${name} under account ${accountId} not found.`);
}

function slowDown(): AwsError {
  return new AwsError('ServiceUnavailableException', 'Slow down.', 503);
}

/** The delivery streams and their operations; `createFirehose` exposes them as a `Service`. */
class FirehoseModel {
  readonly streams = new Map<string, DeliveryStream>();
  readonly sink: ObjectSink;
  private readonly clock: ServeClock;
  private readonly region: string;
  private readonly accountId: string;

  constructor(private readonly options: FirehoseOptions) {
    this.clock = options.clock;
    this.region = options.region;
    this.accountId = options.accountId;
    this.sink = new ObjectSink(options.dataDir);
  }

  private active(name: string): DeliveryStream {
    const s = this.streams.get(name);
    if (s === undefined || s.status !== 'ACTIVE') throw notFound(name, this.accountId);
    return s;
  }

  private bufferOf(s: DeliveryStream, key: string): DeliveryBuffer {
    let b = s.buffers.get(key);
    if (b === undefined) {
      b = new DeliveryBuffer(
        s.config.sizeMiB * MiB,
        flushIntervalSeconds(s.config.intervalSeconds) * 1000,
        this.clock,
        (flushed) => this.deliver(s, flushed),
      );
      s.buffers.set(key, b);
    }
    return b;
  }

  private deliver(s: DeliveryStream, flushed: FlushedBuffer): void {
    s.objectCount++;
    const gzip = s.config.compression === 'GZIP';
    const key = objectKey({
      prefix: s.config.prefix,
      streamName: s.config.name,
      version: s.version,
      oldestArrivalMs: flushed.oldestArrivalMs,
      writtenAtMs: flushed.flushedAtMs,
      extension: s.config.fileExtension ?? (gzip ? '.gz' : ''),
      uniqueSeed: `${s.arn}#${s.createdAtMs}#${s.objectCount}`,
    });
    const m = s.metrics;
    this.sink.write(
      s.config.bucket,
      key,
      flushed.chunks,
      gzip,
      (written) => {
        m.objects++;
        m.objectBytes += written.bytes;
        m.recordsDelivered += flushed.records;
        m.bytesDelivered += flushed.bytes;
      },
      (e) => {
        m.deliveryErrors++;
        m.lastDeliveryError = e instanceof Error ? e.message : String(e);
      },
    );
  }

  private accept(s: DeliveryStream, data: Uint8Array): string {
    s.metrics.recordsIn++;
    s.metrics.bytesIn += data.byteLength;
    this.bufferOf(s, DIRECT_PUT_BUFFER).add(data, this.clock.nowMs());
    s.recordCount++;
    // Opaque and unique, as AWS's RecordId is: derived from the stream and the record's number.
    return createHash('sha256').update(`${s.arn}#${s.createdAtMs}#${s.recordCount}`).digest('base64');
  }

  private activate(s: DeliveryStream): void {
    s.status = 'ACTIVE';
    s.deliveryStartMs = this.clock.nowMs();
    if (s.config.source === undefined || this.options.feed === undefined) return;
    const streamName = this.options.feed.streamName(s.config.source.streamArn);
    if (streamName === undefined) return;
    s.sourceStreamName = streamName;
    s.source = new KinesisSource(this.options.feed, streamName, this.clock, (shardId, records) => {
      const buffer = this.bufferOf(s, shardId);
      for (const r of records) {
        s.metrics.recordsIn++;
        s.metrics.bytesIn += r.Data.byteLength;
        buffer.add(r.Data, r.ApproximateArrivalTimestamp);
      }
    });
  }

  createDeliveryStream(input: Input): unknown {
    const config = readCreateInput(input);
    if (input.DeliveryStreamEncryptionConfigurationInput !== undefined) {
      throw new AwsError('InvalidArgumentException', 'serve does not model server-side encryption (SSE)');
    }
    const existing = this.streams.get(config.name);
    if (existing !== undefined) {
      throw new AwsError(
        'ResourceInUseException',
        `Firehose ${config.name} under account ${this.accountId} already exists with status ${existing.status}.`,
      );
    }
    if (config.source !== undefined && this.options.feed?.streamName(config.source.streamArn) === undefined) {
      throw new AwsError(
        'InvalidArgumentException',
        `Kinesis stream ${config.source.streamArn} does not exist or is not ACTIVE`,
      );
    }
    const arn = `arn:aws:firehose:${this.region}:${this.accountId}:deliverystream/${config.name}`;
    const s: DeliveryStream = {
      config,
      arn,
      status: 'CREATING',
      createdAtMs: this.clock.nowMs(),
      version: 1,
      buffers: new Map(),
      ...(config.type === 'DirectPut' && this.options.limits === 'aws'
        ? { quota: new DirectPutQuota(this.region, this.clock.nowMs()) }
        : {}),
      tags: new Map(config.tags.map((t) => [t.Key, t.Value])),
      objectCount: 0,
      recordCount: 0,
      metrics: {
        recordsIn: 0,
        bytesIn: 0,
        throttledRecords: 0,
        throttledRequests: 0,
        objects: 0,
        objectBytes: 0,
        recordsDelivered: 0,
        bytesDelivered: 0,
        deliveryErrors: 0,
      },
    };
    this.streams.set(config.name, s);
    s.cancelTransition = this.clock.after(CREATE_DELAY_MS, () => {
      s.cancelTransition = undefined;
      this.activate(s);
    });
    return { DeliveryStreamARN: arn };
  }

  private streamNameOf(input: Input): string {
    const v = new Violations();
    const name = string(input, 'DeliveryStreamName', STREAM_NAME_RULE, v);
    v.throwIfAny();
    return name as string;
  }

  deleteDeliveryStream(input: Input): unknown {
    const name = this.streamNameOf(input);
    const s = this.streams.get(name);
    if (s === undefined) throw notFound(name, this.accountId);
    if (s.status === 'CREATING') {
      throw new AwsError(
        'ResourceInUseException',
        `Firehose ${name} is in the CREATING state and cannot be deleted yet.`,
      );
    }
    if (s.status === 'DELETING') return {};
    s.status = 'DELETING';
    s.source?.stop();
    for (const b of s.buffers.values()) b.discard();
    s.cancelTransition = this.clock.after(DELETE_DELAY_MS, () => {
      s.cancelTransition = undefined;
      if (this.streams.get(name) === s) this.streams.delete(name);
    });
    return {};
  }

  describeDeliveryStream(input: Input): unknown {
    const v = new Violations();
    const name = string(input, 'DeliveryStreamName', STREAM_NAME_RULE, v);
    integer(input, 'Limit', { min: 1, max: 10_000 }, v);
    string(input, 'ExclusiveStartDestinationId', { min: 1, max: 100 }, v);
    v.throwIfAny();
    const s = this.streams.get(name as string);
    if (s === undefined) throw notFound(name as string, this.accountId);
    return {
      DeliveryStreamDescription: describe(s.config, {
        arn: s.arn,
        status: s.status,
        createdAtMs: s.createdAtMs,
        version: s.version,
        ...(s.lastUpdateMs === undefined ? {} : { lastUpdateMs: s.lastUpdateMs }),
        ...(s.deliveryStartMs === undefined ? {} : { deliveryStartMs: s.deliveryStartMs }),
      }),
    };
  }

  listDeliveryStreams(input: Input): unknown {
    const v = new Violations();
    // The API's default page is 10 names (API-F ListDeliveryStreamsInput.Limit).
    const limit = integer(input, 'Limit', { min: 1, max: 10_000 }, v) ?? 10;
    const type = string(
      input,
      'DeliveryStreamType',
      { oneOf: ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'] },
      v,
    );
    const after = string(input, 'ExclusiveStartDeliveryStreamName', { min: 1, max: 64 }, v);
    v.throwIfAny();
    const names = [...this.streams.values()]
      .filter((s) => type === undefined || s.config.type === type)
      .map((s) => s.config.name)
      .filter((n) => after === undefined || n > after)
      .sort();
    return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
  }

  private directPutTarget(name: string): DeliveryStream {
    const s = this.active(name);
    if (s.config.type !== 'DirectPut') {
      throw new AwsError(
        'InvalidArgumentException',
        'This operation is not permitted on KinesisStreamAsSource delivery stream type.',
      );
    }
    return s;
  }

  putRecord(input: Input): unknown {
    const v = new Violations();
    const name = string(input, 'DeliveryStreamName', STREAM_NAME_RULE, v);
    const record = structure(input, 'Record');
    if (record === undefined) v.add('record', undefined, 'Member must not be null');
    const data =
      record === undefined
        ? undefined
        : blob(record, 'Data', { max: FIREHOSE.maxRecordBytes.value }, v, 'record');
    v.throwIfAny();
    const s = this.directPutTarget(name as string);
    const bytes = data as Uint8Array;
    if (s.quota !== undefined) {
      if (!s.quota.admitRequest(this.clock.nowMs())) {
        s.metrics.throttledRequests++;
        throw slowDown();
      }
      if (!s.quota.admitRecord(bytes.byteLength)) {
        s.metrics.throttledRecords++;
        throw slowDown();
      }
    }
    return { RecordId: this.accept(s, bytes), Encrypted: false };
  }

  putRecordBatch(input: Input): unknown {
    const v = new Violations();
    const name = string(input, 'DeliveryStreamName', STREAM_NAME_RULE, v);
    const records = list(input, 'Records');
    const maxRecords = FIREHOSE.putRecordBatchMaxRecords.value;
    if (records === undefined) v.add('records', undefined, 'Member must not be null');
    else if (records.length < 1) v.add('records', '[]', 'Member must have length greater than or equal to 1');
    else if (records.length > maxRecords) {
      v.add(
        'records',
        `[${records.length} records]`,
        `Member must have length less than or equal to ${maxRecords}`,
      );
    }
    const blobs = (records ?? []).map((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) {
        throw new AwsError('SerializationException', `Expected an object at 'records.${i + 1}.member'`);
      }
      return blob(r as Input, 'Data', { max: FIREHOSE.maxRecordBytes.value }, v, `records.${i + 1}.member`);
    });
    v.throwIfAny();
    const data = blobs as Uint8Array[];
    const totalBytes = data.reduce((sum, d) => sum + d.byteLength, 0);
    if (totalBytes > FIREHOSE.putRecordBatchMaxBytes.value) {
      throw new AwsError(
        'InvalidArgumentException',
        `Records size ${totalBytes} bytes exceeds the ${FIREHOSE.putRecordBatchMaxBytes.value} bytes (4 MiB) limit of one PutRecordBatch call.`,
      );
    }
    const s = this.directPutTarget(name as string);
    if (s.quota !== undefined && !s.quota.admitRequest(this.clock.nowMs())) {
      s.metrics.throttledRequests++;
      throw slowDown();
    }
    let failed = 0;
    const responses = data.map((d) => {
      if (s.quota !== undefined && !s.quota.admitRecord(d.byteLength)) {
        failed++;
        s.metrics.throttledRecords++;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      return { RecordId: this.accept(s, d) };
    });
    return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
  }

  /** A stream that exists (any status), by the input's `DeliveryStreamName`. */
  private existing(input: Input): DeliveryStream {
    const name = this.streamNameOf(input);
    const s = this.streams.get(name);
    if (s === undefined) throw notFound(name, this.accountId);
    return s;
  }

  /**
   * UpdateDestination: what is buffered is delivered under the old configuration and version
   * first, then the new one applies at once (AWS: "usually effective within a few minutes").
   */
  updateDestination(input: Input): unknown {
    const s = this.existing(input);
    if (s.status !== 'ACTIVE') {
      throw new AwsError('ResourceInUseException', `Firehose ${s.config.name} is ${s.status}, not ACTIVE.`);
    }
    const config = applyDestinationUpdate(s.config, s.version, input);
    for (const b of s.buffers.values()) b.flush();
    s.buffers.clear();
    s.config = config;
    s.version++;
    s.lastUpdateMs = this.clock.nowMs();
    return {};
  }

  tagDeliveryStream(input: Input): unknown {
    const s = this.existing(input);
    tagStream(s.tags, input, s.config.name);
    return {};
  }

  untagDeliveryStream(input: Input): unknown {
    untagStream(this.existing(input).tags, input);
    return {};
  }

  listTagsForDeliveryStream(input: Input): unknown {
    return listTags(this.existing(input).tags, input);
  }

  metrics(): { deliveryStreams: Record<string, DeliveryStreamMetrics> } {
    const deliveryStreams: Record<string, DeliveryStreamMetrics> = {};
    for (const s of [...this.streams.values()].sort((a, b) => (a.config.name < b.config.name ? -1 : 1))) {
      let bufferedRecords = s.source?.pendingRecords ?? 0;
      let bufferedBytes = 0;
      for (const b of s.buffers.values()) {
        bufferedRecords += b.bufferedRecords;
        bufferedBytes += b.bufferedBytes;
      }
      deliveryStreams[s.config.name] = { status: s.status, ...s.metrics, bufferedRecords, bufferedBytes };
    }
    return { deliveryStreams };
  }

  async close(): Promise<void> {
    for (const s of this.streams.values()) {
      s.cancelTransition?.();
      s.cancelTransition = undefined;
      s.source?.stop();
      for (const b of s.buffers.values()) b.flush();
    }
    await this.sink.idle();
  }
}

export function createFirehose(options: FirehoseOptions): FirehoseService {
  const model = new FirehoseModel(options);
  const operations = new Map<string, Operation>([
    ['CreateDeliveryStream', (input) => model.createDeliveryStream(input)],
    ['DeleteDeliveryStream', (input) => model.deleteDeliveryStream(input)],
    ['DescribeDeliveryStream', (input) => model.describeDeliveryStream(input)],
    ['ListDeliveryStreams', (input) => model.listDeliveryStreams(input)],
    ['PutRecord', (input) => model.putRecord(input)],
    ['PutRecordBatch', (input) => model.putRecordBatch(input)],
    ['UpdateDestination', (input) => model.updateDestination(input)],
    ['TagDeliveryStream', (input) => model.tagDeliveryStream(input)],
    ['UntagDeliveryStream', (input) => model.untagDeliveryStream(input)],
    ['ListTagsForDeliveryStream', (input) => model.listTagsForDeliveryStream(input)],
  ] as [string, JsonOperation][]);
  return {
    targetPrefix: 'Firehose_20150804',
    operations,
    metrics: () => model.metrics(),
    idle: () => model.sink.idle(),
    close: () => model.close(),
  };
}
