/**
 * Local endpoints the aws target's control-plane tests run against, on 127.0.0.1 and port 0:
 * `shardcast serve` in-process (its clock at a high time scale, so creations, reshards and
 * deletions take their documented time in a blink), kinesalite (an independent Kinesis) and
 * kinesis-local (another, with enhanced fan-out consumers and UpdateShardCount).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { type AddressInfo, connect, createServer as createNetServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClock, createServices, startServer } from '../../../src/serve/index.js';
import { type AwsOptions, awsOptionsSchema } from '../../../src/targets/aws/options.js';

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
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * kinesis-local (kinesis-mock), a child process on 127.0.0.1: an independent Kinesis with
 * RegisterStreamConsumer and UpdateShardCount, each transition taking `transitionMs`.
 */
export async function startKinesisLocal(transitionMs = 100): Promise<LocalEndpoint> {
  const root = dirname(require.resolve('kinesis-local/package.json'));
  const [plain, tls] = [await freePort(), await freePort()];
  const duration = `${transitionMs}ms`;
  // Pinned to 127.0.0.1 by a preload: kinesis-local itself listens on every interface.
  const loopback = join(dirname(fileURLToPath(import.meta.url)), 'loopback.cjs');
  const child = spawn(process.execPath, ['--require', loopback, join(root, 'main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      KINESIS_MOCK_PLAIN_PORT: String(plain),
      KINESIS_MOCK_TLS_PORT: String(tls),
      KINESIS_MOCK_CERT_PATH: join(root, 'server.json'),
      CREATE_STREAM_DURATION: duration,
      DELETE_STREAM_DURATION: duration,
      REGISTER_STREAM_CONSUMER_DURATION: duration,
      DEREGISTER_STREAM_CONSUMER_DURATION: duration,
      UPDATE_SHARD_COUNT_DURATION: duration,
      SHOULD_PERSIST_DATA: 'false',
      LOG_LEVEL: 'WARN',
    },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${plain}`;
  const started = Date.now();
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(plain, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() - started > 30_000) {
      child.kill();
      throw new Error(`kinesis-local did not start on ${endpoint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
