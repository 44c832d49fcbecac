/**
 * The end-to-end tests' shared pieces: `shardcast serve` in-process on 127.0.0.1 (port 0) with a
 * data folder, faults and a time scale as a user starts it, `shardcast run … --target aws` through
 * the real command line (`main`) with its artefacts written to a temporary folder, the written
 * `result.json` read back through the result schema, and serve's own counts
 * (`GET /_shardcast/metrics`) and streams read over its wire.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient, ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { KinesisClient, ListStreamConsumersCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { main } from '../../../src/cli/main.js';
import { parseResult } from '../../../src/result/io.js';
import type { RunResult } from '../../../src/result/types.js';
import { createClock, createServices, type RunningServer, startServer } from '../../../src/serve/index.js';
import { SignalIo } from '../../helpers/signal-io.js';

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export interface ServeOptions {
  timeScale?: number;
  faults?: string;
  limits?: 'aws' | 'off';
  /** Serve's `--data DIR`: where Firehose writes its objects. */
  dataDir?: string;
}

/** `shardcast serve --port 0` in-process, as `serve` wires it (the same services and server). */
export async function startLocalServe(options: ServeOptions = {}): Promise<RunningServer> {
  const timeScale = options.timeScale ?? 1;
  const clock = createClock(timeScale);
  return startServer({
    port: 0,
    clock,
    timeScale,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    services: createServices({
      clock,
      limits: options.limits ?? 'aws',
      dataDir: options.dataDir,
      region: 'us-east-1',
      accountId: '000000000000',
    }),
  });
}

/** A temporary folder, removed by `cleanup`. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `shardcast-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface CliRun {
  code: number;
  io: SignalIo;
  /** `result.json` as written, parsed by the result schema (undefined when none was written). */
  result: RunResult | undefined;
}

/**
 * `shardcast run FILE --target aws --endpoint ENDPOINT --out OUT --quiet ARGS…` in-process; files
 * are in-memory scenarios layered over the repository, artefacts go to `out` on disk. `during`
 * gets the io while the run goes (to send it a signal).
 */
export async function runAws(
  file: string,
  endpoint: string,
  out: string,
  args: readonly string[] = [],
  files: Readonly<Record<string, string>> = {},
  during?: (io: SignalIo) => void,
): Promise<CliRun> {
  const io = new SignalIo({ files, writeToDisk: true });
  const running = main(
    ['run', file, '--target', 'aws', '--endpoint', endpoint, '--out', out, '--quiet', ...args],
    io,
  );
  during?.(io);
  const code = await running;
  let text: string | undefined;
  try {
    text = readFileSync(join(out, 'result.json'), 'utf8');
  } catch {
    text = undefined;
  }
  return { code, io, result: text === undefined ? undefined : parseResult(text, 'result.json') };
}

/** What serve holds: its streams, every stream's consumers, its delivery streams. */
export async function serveHolds(
  endpoint: string,
): Promise<{ streams: string[]; consumers: string[]; deliveryStreams: string[] }> {
  const config = { endpoint, region: 'us-east-1', credentials: CREDENTIALS };
  const kinesis = new KinesisClient(config);
  const firehose = new FirehoseClient(config);
  try {
    const streams = (await kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
    const consumers: string[] = [];
    for (const summary of (await kinesis.send(new ListStreamsCommand({}))).StreamSummaries ?? []) {
      // A stream being deleted may be gone between the two calls: it has no consumers left then.
      const listed = await kinesis
        .send(new ListStreamConsumersCommand({ StreamARN: summary.StreamARN }))
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'ResourceNotFoundException') return { Consumers: [] };
          throw error;
        });
      consumers.push(...(listed.Consumers ?? []).map((c) => c.ConsumerName ?? ''));
    }
    const deliveryStreams =
      (await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames ?? [];
    return { streams, consumers, deliveryStreams };
  } finally {
    kinesis.destroy();
    firehose.destroy();
  }
}

export interface ServeStreamCounts {
  streamName: string;
  recordsAccepted: number;
  recordsThrottled: number;
  recordsRead: number;
  openShards: number;
}

export interface ServeMetrics {
  transport: {
    requests: Record<string, Record<string, number>>;
    errors: Record<string, number>;
    faults: Record<string, number>;
  };
  services: { Kinesis_20131202?: { streams: ServeStreamCounts[] } };
}

/** `GET /_shardcast/metrics`. */
export async function serveMetrics(endpoint: string): Promise<ServeMetrics> {
  const response = await fetch(`${endpoint}/_shardcast/metrics`);
  return (await response.json()) as ServeMetrics;
}

/**
 * What serve holds once a deletion has had `withinMs` to finish: DeleteStream answers at once and
 * the stream stays DELETING for a while (as on AWS), so `shardcast cleanup`'s streams go a little
 * after it returns.
 */
export async function serveHoldsAfter(
  endpoint: string,
  withinMs = 15_000,
): Promise<{ streams: string[]; consumers: string[]; deliveryStreams: string[] }> {
  const until = Date.now() + withinMs;
  for (;;) {
    const holds = await serveHolds(endpoint);
    const empty = holds.streams.length + holds.consumers.length + holds.deliveryStreams.length === 0;
    if (empty || Date.now() > until) return holds;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
