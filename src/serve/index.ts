/**
 * The services `shardcast serve` serves, assembled: the Kinesis model (`kinesis/`) with enhanced
 * fan-out (`efo/`: the consumer operations and SubscribeToShard, under the same Kinesis target) and
 * Firehose (`firehose/`); both read streams through the Kinesis model's `StreamFeed`.
 */
import { createEnhancedFanOut, type EnhancedFanOut } from './efo/index.js';
import { createFirehose } from './firehose/index.js';
import { createKinesis } from './kinesis/index.js';
import type { ServeClock, Service } from './protocol.js';

export interface ServicesOptions {
  clock: ServeClock;
  limits: 'aws' | 'off';
  /** Where Firehose writes its objects (`--data DIR`); undefined: Firehose keeps counts only. */
  dataDir: string | undefined;
  region: string;
  accountId: string;
}

export type CreateServices = (options: ServicesOptions) => Service[];

export const createServices: CreateServices = (options) => {
  const { clock, limits, region, accountId } = options;
  // The Kinesis model asks fan-out about a stream's consumers (DeleteStream refuses a stream that
  // has some unless EnforceConsumerDeletion), and fan-out reads the model's feed: bound late.
  let efo: EnhancedFanOut | undefined;
  const kinesis = createKinesis({
    clock,
    limits,
    region,
    accountId,
    consumers: {
      count: (streamArn) => efo?.consumers.count(streamArn) ?? 0,
      streamDeleted: (streamArn) => efo?.consumers.streamDeleted(streamArn),
    },
  });
  efo = createEnhancedFanOut({ feed: kinesis.feed, clock, limits, region, accountId });
  const fanOut = efo;
  const kinesisService: Service = {
    ...kinesis.service,
    operations: new Map([...kinesis.service.operations, ...fanOut.operations]),
    metrics: () => ({ ...(kinesis.service.metrics?.() as object), enhancedFanOut: fanOut.metrics() }),
    close: async () => {
      fanOut.close();
      await kinesis.service.close?.();
    },
  };
  const firehose = createFirehose({
    clock,
    limits,
    region,
    accountId,
    feed: kinesis.feed,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  return [kinesisService, firehose];
};

export { createClock, type ScaledClock } from './clock.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
