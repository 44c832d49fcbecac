/**
 * The aws target's lifecycle through the real command line and run pipeline, against `shardcast
 * serve`, with the run itself stood in for (`makeAwsTarget(session)`: the session is the lead's
 * part; here it waits for the signal, or fails): whatever ends the run — SIGINT mid-run, a target
 * failure — cleanup deletes everything prepare created (serve's ListStreams is empty after), and
 * `--keep` keeps it for `shardcast cleanup`.
 */
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExitCode, RunAbortedError, ShardcastError } from '../../../src/errors.js';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { type AwsSessionFactory, makeAwsTarget } from '../../../src/targets/aws/index.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { modelTarget } from '../../../src/targets/model.js';
import type { Target } from '../../../src/targets/target.js';
import { SignalIo } from '../../helpers/signal-io.js';
import { awsOptions, type LocalEndpoint, startServe } from './servers.js';

const YAML = `
name: life
duration: 60s
stream: { shards: 2 }
producers: [{ name: p, rate: 100/s, recordSize: 1KiB }]
consumers: [{ name: fraud, type: enhanced-fan-out }]
`;

let serve: LocalEndpoint;
let clients: AwsClients;
beforeAll(async () => {
  serve = await startServe(100);
  clients = createClients(awsOptions({ endpoint: serve.endpoint }));
});
afterAll(async () => {
  destroyClients(clients);
  await serve.close();
});

const streams = async () => (await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];

/** A registry whose aws target runs `session` in place of the real run. */
function registry(session: AwsSessionFactory) {
  return new Map<string, Target<unknown>>([
    ['model', modelTarget as Target<unknown>],
    ['aws', makeAwsTarget(session) as Target<unknown>],
  ]);
}

/** Sessions that record which resources they were given and when their run started. */
function standIn(run: (signal: AbortSignal) => Promise<never>) {
  const seen: { stream?: string; consumers?: string[] } = {};
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const factory: AwsSessionFactory = (context, _clients, resources) => ({
    run: () => {
      seen.stream = resources.streamName;
      seen.consumers = [...resources.consumerArns.keys()];
      started();
      return run(context.signal);
    },
    partial: () => undefined,
  });
  return { factory, seen, running };
}

describe('the run lifecycle', () => {
  it('SIGINT mid-run: cleanup deletes the stream and consumer prepare created, exit 130', async () => {
    const { factory, seen, running } = standIn(
      (signal) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new RunAbortedError('stopped by SIGINT')), {
            once: true,
          });
        }),
    );
    const io = new SignalIo({ files: { 'life.yaml': YAML } });
    const exit = main(
      ['run', 'life.yaml', '--target', 'aws', '--endpoint', serve.endpoint, '--out', 'out', '--quiet'],
      io,
      { targets: registry(factory) },
    );
    await running;
    expect(seen.consumers).toEqual(['fraud']);
    expect(await streams()).toEqual([seen.stream]);
    io.send('SIGINT');
    expect(await exit).toBe(ExitCode.interrupted);
    expect(io.err).toContain(
      `cleanup: deregistered consumer shardcast-fraud\ncleanup: deleted stream ${seen.stream}\n`,
    );
    expect(await streams()).toEqual([]);
  });

  it('SIGINT while CreateStream is on the wire: the stream it creates is deleted, not left behind (review)', async () => {
    // serve holds CreateStream 600 ms; SIGINT comes 150 ms after the call went out. Had the call
    // been cut by the signal, serve would still create the stream and no ledger would know it.
    const slow = await startServe(100, 'CreateStream:latency=600ms');
    const slowClients = createClients(awsOptions({ endpoint: slow.endpoint }));
    try {
      const { factory } = standIn(() => Promise.reject(new Error('never reached')));
      const io = new SignalIo({ files: { 'life.yaml': YAML } });
      const exit = main(
        ['run', 'life.yaml', '--target', 'aws', '--endpoint', slow.endpoint, '--out', 'out', '--quiet'],
        io,
        { targets: registry(factory) },
      );
      for (let i = 0; i < 200 && !io.err.includes('estimated cost'); i++)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((resolve) => setTimeout(resolve, 150));
      io.send('SIGINT');
      expect(await exit).toBe(ExitCode.interrupted);
      expect(io.err).toMatch(/deleted stream shardcast-life-/);
      expect((await slowClients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? []).toEqual([]);
    } finally {
      destroyClients(slowClients);
      await slow.close();
    }
  });

  it('a target failure mid-run: cleanup still deletes everything, and the failure is exit 3', async () => {
    const { factory, seen } = standIn(() =>
      Promise.reject(new ShardcastError('target', 'the endpoint went away', ExitCode.targetFailed)),
    );
    const io = new SignalIo({ files: { 'life.yaml': YAML } });
    const code = await main(
      ['run', 'life.yaml', '--target', 'aws', '--endpoint', serve.endpoint, '--out', 'out', '--quiet'],
      io,
      { targets: registry(factory) },
    );
    expect(code).toBe(ExitCode.targetFailed);
    expect(io.err).toContain(`cleanup: deleted stream ${seen.stream}\n`);
    expect(io.err).toContain('error: the endpoint went away');
    expect(await streams()).toEqual([]);
  });

  it('--keep: the run keeps what it created and says how to delete it; cleanup --yes does', async () => {
    const { factory, seen } = standIn(() =>
      Promise.reject(new ShardcastError('target', 'the endpoint went away', ExitCode.targetFailed)),
    );
    const io = new SignalIo({ files: { 'life.yaml': YAML } });
    const code = await main(
      [
        'run',
        'life.yaml',
        '--target',
        'aws',
        '--endpoint',
        serve.endpoint,
        '--keep',
        '--out',
        'out',
        '--quiet',
      ],
      io,
      { targets: registry(factory) },
    );
    expect(code).toBe(ExitCode.targetFailed);
    expect(io.err).toContain(
      `cleanup: kept stream ${seen.stream} (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)\n`,
    );
    expect(await streams()).toEqual([seen.stream]);
    const after = new SignalIo();
    expect(await main(['cleanup', '--endpoint', serve.endpoint, '--yes'], after)).toBe(ExitCode.ok);
    expect(after.out).toContain(`deleted stream ${seen.stream} (deregistered shardcast-fraud)\n`);
  });
});
