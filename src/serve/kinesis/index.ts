/**
 * The Kinesis Data Streams service of `shardcast serve`: its operations (`Kinesis_20131202`), its
 * metrics, and the `StreamFeed` Firehose (Kinesis-stream source) and enhanced fan-out read through.
 */
import type { ServeClock, Service, ShardPosition, StreamFeed } from '../protocol.js';
import { KinesisModel } from './model.js';
import { type ConsumerHooks, kinesisOperations } from './operations.js';
import { heldRecords } from './shard.js';

export interface KinesisOptions {
  limits: 'aws' | 'off';
  region: string;
  accountId: string;
  clock: ServeClock;
  consumers?: ConsumerHooks;
  /** Server ms a stream stays CREATING or DELETING (500 by default). */
  transitionMs?: number;
  /** Bytes of records (data + keys) kept across all streams; the oldest go first past it (256 MiB by default, see `ModelOptions`). */
  maxStoredBytes?: number;
}

export function createKinesis(options: KinesisOptions): {
  service: Service;
  feed: StreamFeed;
  model: KinesisModel;
} {
  const model = new KinesisModel(options);
  const service: Service = {
    targetPrefix: 'Kinesis_20131202',
    operations: kinesisOperations(model, options.consumers),
    metrics: () => kinesisMetrics(model),
    close: () => {
      for (const stream of model.streams.values()) {
        for (const cancel of stream.timers) cancel();
        stream.timers = [];
        stream.listeners.clear();
      }
    },
  };
  const usable = (nameOrArn: string) => {
    const stream = model.find(nameOrArn);
    return stream !== undefined && (stream.status === 'ACTIVE' || stream.status === 'UPDATING')
      ? stream
      : undefined;
  };
  const feed: StreamFeed = {
    streamName: (nameOrArn) => usable(nameOrArn)?.name,
    streamArn: (name) => model.find(name)?.arn,
    shards: (name) => {
      const stream = model.find(name);
      return stream === undefined ? [] : stream.shards.map((s) => model.view(s, stream));
    },
    read: (name, shardId, position: ShardPosition, maxRecords) => {
      const stream = model.find(name);
      const shard = stream?.shards.find((s) => s.id === shardId);
      if (stream === undefined || shard === undefined) {
        return { records: [], next: position, millisBehindLatest: 0 };
      }
      const from = model.startCounter(stream, shard, position);
      const read = model.readAt(stream, shard, from, maxRecords, Number.POSITIVE_INFINITY);
      const { nextCounter: _n, bytes: _b, ...shardRead } = read;
      return shardRead;
    },
    onAppend: (name, listener) => {
      const stream = model.find(name);
      if (stream === undefined) return () => {};
      stream.listeners.add(listener);
      return () => stream.listeners.delete(listener);
    },
  };
  return { service, feed, model };
}

/** Per stream and shard: records and bytes accepted, throttled, read; GetRecords calls and throttles; iterator ages. */
export function kinesisMetrics(model: KinesisModel) {
  return {
    storedBytes: model.storedBytes,
    maxStoredBytes: model.maxStoredBytes,
    streams: [...model.streams.values()].map((stream) => {
      const shards = stream.shards.map((s) => ({
        shardId: s.id,
        open: s.endingCounter === undefined,
        heldRecords: heldRecords(s),
        heldBytes: s.storedBytes,
        ...s.stats,
      }));
      const sum = (
        key:
          | 'recordsAccepted'
          | 'bytesAccepted'
          | 'recordsThrottled'
          | 'bytesThrottled'
          | 'recordsRead'
          | 'bytesRead'
          | 'getRecordsCalls'
          | 'getRecordsThrottled',
      ) => shards.reduce((total, s) => total + s[key], 0);
      return {
        streamName: stream.name,
        streamArn: stream.arn,
        status: stream.status,
        mode: stream.mode,
        openShards: stream.open.length,
        recordsAccepted: sum('recordsAccepted'),
        bytesAccepted: sum('bytesAccepted'),
        recordsThrottled: sum('recordsThrottled'),
        bytesThrottled: sum('bytesThrottled'),
        recordsRead: sum('recordsRead'),
        bytesRead: sum('bytesRead'),
        getRecordsCalls: sum('getRecordsCalls'),
        getRecordsThrottled: sum('getRecordsThrottled'),
        maxIteratorAgeMs: shards.reduce((m, s) => Math.max(m, s.maxIteratorAgeMs), 0),
        shards,
      };
    }),
  };
}

export { KinesisModel } from './model.js';
export type { ConsumerHooks } from './operations.js';
