/**
 * Local endpoints the aws target's control-plane tests run against, on 127.0.0.1 and port 0:
 * `shardcast serve` in-process (its clock at a high time scale, so creations, reshards and
 * deletions take their documented time in a blink), kinesalite (an independent Kinesis) and
 * kinesis-local (another, with enhanced fan-out consumers and UpdateShardCount).
 */

import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { createClock, createServices, startServer } from '../../../src/serve/index.js';
import { type AwsOptions, awsOptionsSchema } from '../../../src/targets/aws/options.js';
import { startKinesisLocal as startLocal } from '../../helpers/kinesis-local.js';

export interface LocalEndpoint {
  endpoint: string;
  close(): Promise<void>;
}

/** `shardcast serve` with AWS's limits, its time `timeScale` times faster than real time. */
export async function startServe(timeScale = 100, faults?: string): Promise<LocalEndpoint> {
  const clock = createClock(timeScale);
  const server = await startServer({
    port: 0,
    clock,
    timeScale,
    ...(faults === undefined ? {} : { faults }),
    services: createServices({
      clock,
      limits: 'aws',
      dataDir: undefined,
      region: 'us-east-1',
      accountId: '000000000000',
    }),
  });
  return { endpoint: server.endpoint, close: () => server.close() };
}

const require = createRequire(import.meta.url);

/** kinesalite, creating and deleting streams at once. */
export async function startKinesalite(): Promise<LocalEndpoint> {
  const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server;
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The aws target's options as the CLI's flags would give them. */
export function awsOptions(given: Record<string, unknown>): AwsOptions {
  return awsOptionsSchema.parse(given);
}

/** A free TCP port on 127.0.0.1 (taken and released: kinesis-local needs one named up front). */
async function _freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * kinesis-local (kinesis-mock), a child process on 127.0.0.1 (test/helpers/kinesis-local.ts): an
 * independent Kinesis with RegisterStreamConsumer and UpdateShardCount, each transition taking
 * `transitionMs`.
 */
export async function startKinesisLocal(transitionMs = 100): Promise<LocalEndpoint> {
  const local = await startLocal({ transition: `${transitionMs}ms` });
  return { endpoint: local.endpoint, close: () => local.stop() };
}
