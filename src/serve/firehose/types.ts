/** The Firehose model's options, metrics and state (see index.ts). */
import type { ServeClock, Service, StreamFeed } from '../protocol.js';
import type { DeliveryStreamConfig, DeliveryStreamStatus } from './config.js';
import type { DeliveryBuffer } from './delivery.js';
import type { KinesisSource } from './kinesis-source.js';
import type { DirectPutQuota } from './quota.js';
import type { Tags } from './tags.js';

export interface FirehoseOptions {
  feed?: StreamFeed;
  /** Where objects are written (`<dataDir>/<bucket>/<key>`); without it only counts are kept. */
  dataDir?: string;
  clock: ServeClock;
  region: string;
  accountId: string;
  limits: 'aws' | 'off';
}

/** Per delivery stream, for `GET /_shardcast/metrics`. */
export interface DeliveryStreamMetrics {
  status: DeliveryStreamStatus;
  recordsIn: number;
  bytesIn: number;
  /** Records refused by the Direct PUT quota, and whole calls refused by its requests/s. */
  throttledRecords: number;
  throttledRequests: number;
  objects: number;
  /** Bytes of the objects as stored (after compression). */
  objectBytes: number;
  /** Records and their bytes in the objects written. */
  recordsDelivered: number;
  bytesDelivered: number;
  bufferedRecords: number;
  bufferedBytes: number;
  /** Objects that could not be written (the error of the last one beside). */
  deliveryErrors: number;
  lastDeliveryError?: string;
}

/** The Firehose service, plus `idle()`: resolves when every object flushed so far is written. */
export interface FirehoseService extends Service {
  idle(): Promise<void>;
}

/** A delivery stream as the model holds it. */
export interface DeliveryStream {
  config: DeliveryStreamConfig;
  arn: string;
  status: DeliveryStreamStatus;
  createdAtMs: number;
  /** The configuration version (`VersionId`): 1, then one more per UpdateDestination. */
  version: number;
  lastUpdateMs?: number;
  deliveryStartMs?: number;
  buffers: Map<string, DeliveryBuffer>;
  quota?: DirectPutQuota;
  source?: KinesisSource;
  sourceStreamName?: string;
  cancelTransition?: () => void;
  tags: Tags;
  objectCount: number;
  recordCount: number;
  metrics: Omit<DeliveryStreamMetrics, 'status' | 'bufferedRecords' | 'bufferedBytes'>;
}
