/**
 * The safety rails through the CLI, with `shardcast serve` listening: `--dry-run` prints the plan
 * of calls and the estimate without opening a socket (serve sees no request), and `--max-cost` below
 * the estimate refuses the run with exit 2 before anything is created (serve's ListStreams empty,
 * and not one Kinesis or Firehose request reached it).
 */
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { runAws, serveHolds, serveMetrics, startLocalServe, tempDir } from './e2e-helpers.js';

const YAML = `
name: guarded
duration: 20s
stream: { shards: 2 }
producers: [{ name: web, rate: 1000/s, recordSize: 1KiB }]
consumers:
  - { name: efo-app, type: enhanced-fan-out }
`;

let server: RunningServer;
const out = tempDir('e2e-guards');
beforeAll(async () => {
  server = await startLocalServe();
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await server?.close();
  out.cleanup();
});

/** Every request serve has seen, all operations together. */
async function requestsSeen(): Promise<number> {
  const { requests } = (await serveMetrics(server.endpoint)).transport;
  return Object.values(requests).reduce(
    (n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0),
    0,
  );
}

describe('the safety rails, against serve', () => {
  it('--dry-run prints the calls and the estimate, and opens no socket', async () => {
    const before = await requestsSeen();
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const dir = join(out.path, 'dry');
    const { code, io, result } = await runAws('guarded.yaml', server.endpoint, dir, ['--dry-run'], {
      'guarded.yaml': YAML,
    });
    expect(connect).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(code).toBe(ExitCode.ok);
    expect(io.out).toMatch(/CreateStream StreamName=shardcast-guarded-\S+ ShardCount=2/);
    expect(io.out).toContain('RegisterStreamConsumer');
    expect(io.out).toMatch(/estimated cost/);
    expect(result).toBeUndefined();
    expect(await requestsSeen()).toBe(before);
  });

  it('--dry-run --max-cost below the estimate: exit 2, still no socket', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const { code, io } = await runAws(
      'guarded.yaml',
      server.endpoint,
      join(out.path, 'dry-refused'),
      ['--dry-run', '--max-cost', '0.0001'],
      { 'guarded.yaml': YAML },
    );
    expect(connect).not.toHaveBeenCalled();
    expect(code).toBe(ExitCode.invalidInput);
    expect(`${io.out}${io.err}`).toMatch(/is above --max-cost \$0\.0001/);
  });

  it('--max-cost 0.0001 refuses the run with exit 2 before creating anything', async () => {
    const before = await requestsSeen();
    const dir = join(out.path, 'refused');
    const { code, io, result } = await runAws(
      'guarded.yaml',
      server.endpoint,
      dir,
      ['--max-cost', '0.0001'],
      {
        'guarded.yaml': YAML,
      },
    );
    expect(code).toBe(ExitCode.invalidInput);
    // The estimate, then the refusal naming the limit: one error line, no trace.
    expect(io.err).toMatch(/estimated cost if AWS ran it: \$0\.\d+/);
    expect(io.err).toMatch(
      /error: the run's estimated cost, \$0\.\d+, is above --max-cost \$0\.0001; nothing was created/,
    );
    expect(io.err).not.toMatch(/\n\s+at /);
    expect(result).toBeUndefined();
    // Not one request reached serve, and it holds nothing.
    expect(await requestsSeen()).toBe(before);
    expect(await serveHolds(server.endpoint)).toEqual({ streams: [], consumers: [], deliveryStreams: [] });
  });
});
