/**
 * `shardcast sweep --target aws` (issue 14, point 5) against `shardcast serve` on 127.0.0.1: the
 * points run one at a time through the real SDK v3 clients, each creating its stream and deleting
 * it before the next; the whole sweep is priced once and held to `--max-cost` as one sum; against
 * AWS it needs `--yes` or one yes at the terminal, refused before a single socket is opened.
 */

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/errors.js';
import type { SearchTable } from '../../../src/search/types.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { SignalIo } from '../../helpers/signal-io.js';
import { serveHolds, serveHoldsAfter, serveMetrics, startLocalServe, tempDir } from './e2e-helpers.js';

/** A few seconds a point: 40 records/s of 256 B into one or two shards, read back by a poller. */
const YAML = `
name: tiny-sweep
duration: 3s
stream: { shards: 1 }
producers: [{ name: web, rate: 40/s, recordSize: 256B }]
consumers:
  - { name: poller, type: polling, pollInterval: 250ms }
`;

/** The same load without a consumer: its estimate is the stream's billed hour and its PUT units. */
const BARE = `
name: bare-sweep
duration: 3s
stream: { shards: 1 }
producers: [{ name: web, rate: 40/s, recordSize: 256B }]
`;

const FILES = { 'tiny.yaml': YAML, 'bare.yaml': BARE };

let server: RunningServer;
const out = tempDir('e2e-sweep');
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

async function sweep(args: readonly string[], answers?: string[]): Promise<{ code: number; io: SignalIo }> {
  const io = new SignalIo({ files: FILES, writeToDisk: true, ...(answers === undefined ? {} : { answers }) });
  const code = await main(['sweep', ...args, '--quiet'], io);
  return { code, io };
}

describe('sweep --target aws, against serve', () => {
  it('runs 2 points one after the other, each measured by the aws target, and leaves nothing on serve', async () => {
    const dir = join(out.path, 'two');
    const { code, io } = await sweep([
      'tiny.yaml',
      '--vary',
      'stream.shards=1,2',
      '--target',
      'aws',
      '--endpoint',
      server.endpoint,
      '--drain',
      '3s',
      '--out',
      dir,
    ]);
    expect(io.err).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(ExitCode.ok);
    // The whole sweep's estimate first, once, before any point's own lines.
    expect(io.err).toMatch(/^estimated cost of the search: \$0\.\d+ for 2 runs\n/);
    expect(io.err).toMatch(
      /the most expensive point, point 1 \(stream\.shards=2\): estimated cost if AWS ran it/,
    );
    // Each point created its stream and deleted it (its cleanup's lines, prefixed with the point).
    expect(io.err).toMatch(/point 0 \(stream\.shards=1\): cleanup: deleted stream shardcast-tiny-sweep-/);
    expect(io.err).toMatch(/point 1 \(stream\.shards=2\): cleanup: deleted stream shardcast-tiny-sweep-/);
    // One at a time: point 0's cleanup is printed before point 1's stream is created.
    expect(io.err.indexOf('point 0 (stream.shards=1): cleanup:')).toBeLessThan(
      io.err.indexOf('point 1 (stream.shards=2): created stream'),
    );

    const table = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.header.target).toBe('aws');
    expect(table.header.parallel).toBe(1);
    expect(table.points.map((p) => p.point.at['stream.shards'])).toEqual(['1', '2']);
    for (const p of table.points) {
      expect(p.error).toBeUndefined();
      // Measured by reading the stream back through the SDK: 40 records/s × 3 s = 120 records
      // produced, every one acknowledged and delivered to the poller, none missing.
      const m = p.metrics;
      expect(m['records.produced']).toBe(120);
      expect(m['records.acknowledged']).toBe(120);
      expect(m['integrity.poller.delivered']).toBe(120);
      expect(m['integrity.poller.missing']).toBe(0);
      expect(m['requests.PutRecords.ok']).toBeGreaterThan(0);
    }
    const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + 2);
    expect(csv.slice(1).map((row) => row.split(',')[1])).toEqual(['1', '2']);
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });
  }, 120_000);

  it('holds the whole sweep to --max-cost: each point alone under it, their sum above, refused before any request', async () => {
    // bare.yaml's one point: 1 shard × 1 billed hour × $0.015/shard-hour = $0.015, plus PUT
    // payload units 40 records/s × 3 s = 120 units × $0.014/1M = $0.00000168: ≈ $0.0150 a point.
    // Two points (rates 40/s and 50/s: 150 units, still ≈ $0.0150) sum to ≈ $0.0300.
    // --max-cost $0.02 passes either point alone ($0.015 ≤ $0.02) and refuses the sweep ($0.030 > $0.02).
    const before = await requestsSeen();
    const dir = join(out.path, 'over');
    const { code, io } = await sweep([
      'bare.yaml',
      '--vary',
      'producers[0].rate=40/s,50/s',
      '--target',
      'aws',
      '--endpoint',
      server.endpoint,
      '--max-cost',
      '0.02',
      '--out',
      dir,
    ]);
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.err).toMatch(
      /estimated cost of the search: \$0\.03\d* for 2 runs, limit \$0\.02 for the whole search/,
    );
    expect(io.err).toMatch(
      /error: the search's estimated cost, \$0\.03 for 2 runs, is above --max-cost \$0\.02, which applies to the whole search; nothing was created/,
    );
    expect(io.err).not.toMatch(/\n\s+at /);
    expect(await requestsSeen()).toBe(before);
    expect(await serveHolds(server.endpoint)).toEqual({ streams: [], consumers: [], deliveryStreams: [] });
    expect(io.written.size).toBe(0);

    // One point alone, under the same limit, would run: the refusal is the sum's.
    const one = await sweep([
      'bare.yaml',
      '--vary',
      'producers[0].rate=50/s',
      '--target',
      'aws',
      '--endpoint',
      server.endpoint,
      '--max-cost',
      '0.02',
      '--drain',
      '1s',
      '--out',
      join(out.path, 'one'),
    ]);
    expect(one.io.err).not.toMatch(/internal error|\n\s+at /);
    expect(one.code).toBe(ExitCode.ok);
  }, 120_000);
});

describe('a sweep whose endpoint is down', () => {
  it('lists every point as not run, with the target reason, writes the table and exits 3', async () => {
    // A port that was just free on 127.0.0.1: nothing listens there.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dir = join(out.path, 'down');
    const { code, io } = await sweep([
      'tiny.yaml',
      '--vary',
      'stream.shards=1,2',
      '--target',
      'aws',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--out',
      dir,
    ]);
    expect(io.err).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(ExitCode.targetFailed);
    expect(io.err).toMatch(
      /the aws target failed 2 times:\n {2}point 0 \(stream\.shards=1\): .+\n {2}point 1 \(stream\.shards=2\): /,
    );
    const table = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.points.map((p) => [p.point.index, p.runs.length, p.passed])).toEqual([
      [0, 0, false],
      [1, 0, false],
    ]);
    for (const p of table.points) expect(p.error).toBeTruthy();
  }, 120_000);
});

describe('Ctrl-C in a sweep against serve', () => {
  it('stops the point under way, runs its cleanup, writes the points done and exits 130', async () => {
    const dir = join(out.path, 'stopped');
    const io = new SignalIo({ files: FILES, writeToDisk: true });
    const running = main(
      [
        'sweep',
        'tiny.yaml',
        '--vary',
        'stream.shards=1,2,3',
        '--target',
        'aws',
        '--endpoint',
        server.endpoint,
        '--drain',
        '2s',
        '--out',
        dir,
        '--quiet',
      ],
      io,
    );
    // SIGINT a second after point 1's stream exists: point 0 is done, point 1 under way, point 2 never starts.
    let sent = false;
    const poll = setInterval(() => {
      if (!/point 1 \(stream\.shards=2\): created stream/.test(io.err)) return;
      clearInterval(poll);
      setTimeout(() => {
        sent = true;
        io.send('SIGINT');
      }, 1_000);
    }, 50);
    const code = await running;
    clearInterval(poll);
    expect(sent).toBe(true);
    expect(io.err).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(ExitCode.interrupted);
    expect(io.err).toContain('SIGINT: stopping the sweep, the point under way cleaning up');
    // Point 1's cleanup ran before the sweep ended: its stream was deleted, point 2 never created one.
    expect(io.err).toMatch(/point 1 \(stream\.shards=2\): cleanup: deleted stream shardcast-tiny-sweep-/);
    expect(io.err).not.toContain('point 2 (stream.shards=3): created stream');
    const table = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.header.partial).toEqual({ pointsDone: 1, pointsTotal: 3 });
    expect(table.points.map((p) => p.point.index)).toEqual([0]);
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });
  }, 120_000);
});

describe('sweep --target aws, against AWS, without --yes', () => {
  const AWS = ['--target', 'aws', '--endpoint', 'https://kinesis.us-east-1.amazonaws.com'];

  it('is refused with exit 2 naming --yes when no one is at a terminal, before any socket opens', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const { code, io } = await sweep([
      'tiny.yaml',
      '--vary',
      'stream.shards=1,2',
      ...AWS,
      '--out',
      join(out.path, 'aws'),
    ]);
    expect(connect).not.toHaveBeenCalled();
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.err).toMatch(
      /error: the search makes 2 runs against the aws target, each creating resources, for about \$0\.\d+ in all: confirm the whole search with --yes/,
    );
    expect(io.err).not.toMatch(/\n\s+at /);
    expect(io.written.size).toBe(0);
  });

  it('asks once at a terminal for the whole sweep; a no creates nothing', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const { code, io } = await sweep(
      ['tiny.yaml', '--vary', 'stream.shards=1,2,3', ...AWS, '--out', join(out.path, 'aws-no')],
      ['n'],
    );
    expect(connect).not.toHaveBeenCalled();
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.prompts).toHaveLength(1);
    expect(io.prompts[0]).toMatch(/^Run the whole search: 3 runs against the aws target/);
    expect(io.err).toContain('error: the search was not confirmed; nothing was created');
    expect(io.written.size).toBe(0);
  });

  it('with --max-cost below the sum, is refused before it asks', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const { code, io } = await sweep(
      [
        'tiny.yaml',
        '--vary',
        'stream.shards=1,2',
        ...AWS,
        '--max-cost',
        '0.0001',
        '--yes',
        '--out',
        join(out.path, 'aws-cost'),
      ],
      ['y'],
    );
    expect(connect).not.toHaveBeenCalled();
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.prompts).toHaveLength(0);
    expect(io.err).toMatch(/is above --max-cost \$0\.0001, which applies to the whole search/);
  });
});
