/**
 * kinesis-local (kinesis-mock, a dev dependency): an independent Kinesis implementation with
 * SubscribeToShard and UpdateShardCount, in a child process on 127.0.0.1 (a preloaded script moves
 * its listeners off 0.0.0.0) on free ports, waited for until it answers, and stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const here = dirname(fileURLToPath(import.meta.url));
const KINESIS_LOCAL = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));

/** A port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface KinesisLocal {
  /** `http://127.0.0.1:PORT` (plain HTTP: HTTP/1.1, SubscribeToShard included). */
  endpoint: string;
  /** What it printed, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface KinesisLocalOptions {
  /** Its delay before a stream, a consumer or a reshard is ACTIVE (its default is 500 ms). */
  transition?: string;
  /** How long to wait for it to answer (it takes a few seconds to start). */
  startTimeoutMs?: number;
}

export async function startKinesisLocal(options: KinesisLocalOptions = {}): Promise<KinesisLocal> {
  const [plain, tls] = [await freePort(), await freePort()];
  const transition = options.transition ?? '100ms';
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', join(here, 'kinesis-local-loopback.cjs'), join(KINESIS_LOCAL, 'main.js')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        KINESIS_MOCK_PLAIN_PORT: String(plain),
        KINESIS_MOCK_TLS_PORT: String(tls),
        KINESIS_MOCK_CERT_PATH: join(KINESIS_LOCAL, 'server.json'),
        CREATE_STREAM_DURATION: transition,
        DELETE_STREAM_DURATION: transition,
        REGISTER_STREAM_CONSUMER_DURATION: transition,
        DEREGISTER_STREAM_CONSUMER_DURATION: transition,
        UPDATE_SHARD_COUNT_DURATION: transition,
        LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const endpoint = `http://127.0.0.1:${plain}`;
  const probe = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    // Kinesis' client defaults to HTTP/2; kinesis-local speaks HTTP/1.1.
    requestHandler: new NodeHttpHandler({ requestTimeout: 5_000 }),
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      try {
        await probe.send(new ListShardsCommand({ StreamName: 'probe' }));
        break;
      } catch (error) {
        // An answer, even "no such stream", means it is up.
        if ((error as { name?: string }).name === 'ResourceNotFoundException') break;
        if (child.exitCode !== null || Date.now() > deadline) {
          await stop();
          throw new Error(`kinesis-local did not start: ${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    probe.destroy();
  }
  return { endpoint, log: () => output, stop };
}
