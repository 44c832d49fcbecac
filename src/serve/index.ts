/**
 * The services `shardcast serve` serves, assembled: the Kinesis model (`kinesis/`) and Firehose
 * (`firehose/`), which reads Kinesis-sourced streams through the Kinesis model's `StreamFeed`.
 */
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
  const kinesis = createKinesis({ clock, limits, region, accountId });
  const firehose = createFirehose({
    clock,
    limits,
    region,
    accountId,
    feed: kinesis.feed,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  return [kinesis.service, firehose];
};

export { type RunningServer, type ServerOptions, startServer } from './server.js';
