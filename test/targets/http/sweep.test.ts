/**
 * `shardcast sweep --target http --url URL …` (issue 14, point 5) against a local server on
 * 127.0.0.1: each point replayed against it in turn, the table's points measured by the http
 * target (its request counts), and no cost guard: the http target creates nothing and costs nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { SearchTable } from '../../../src/search/types.js';
import { FakeIo } from '../../helpers/fake-io.js';
import { startTestServer, type TestServer } from './harness.js';

const SCENARIO = `name: front
duration: 2s
stream:
  shards: 1
producers:
  - name: web
    rate: 100/s
    recordSize: 200B
    keys: { dist: uniform, count: 8 }
    batching: { maxRecords: 10, linger: 50ms }
`;

let server: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sweep --target http', () => {
  it('runs 2 points against the server, one after the other, each measured by the http target', async () => {
    server = await startTestServer();
    const root = mkdtempSync(join(tmpdir(), 'shardcast-http-sweep-'));
    dirs.push(root);
    const io = new FakeIo({ files: { 'front.yaml': SCENARIO }, cwd: root, writeToDisk: true });
    const code = await main(
      [
        'sweep',
        'front.yaml',
        '--vary',
        'producers[0].rate=50/s,100/s',
        '--target',
        'http',
        '--url',
        server.url,
        '--out',
        'out',
        '--quiet',
      ],
      io,
    );
    expect(io.err).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(0);
    expect(io.out).toMatch(
      /^Sweep of front: 2 points \(producers\[0\]\.rate × 2\), 1 seed each, 2 s per run, one at a time on the http target, in /,
    );
    // Nothing to price: no estimate, no question.
    expect(io.err).not.toContain('estimated cost');
    const table = JSON.parse(readFileSync(join(root, 'out', 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.header.target).toBe('http');
    expect(table.points.map((p) => p.point.at['producers[0].rate'])).toEqual(['50/s', '100/s']);
    // 50/s × 2 s = 100 records, then 100/s × 2 s = 200, every one acknowledged by the server.
    expect(table.points.map((p) => p.metrics['records.acknowledged'])).toEqual([100, 200]);
    // Every request the server saw is one a point counted: the points ran against it, no other.
    const requests = table.points.map((p) => p.metrics['requests.PutRecords.ok'] ?? 0);
    expect(requests.every((n) => n > 0)).toBe(true);
    expect(requests[0]! + requests[1]!).toBe(server.seen.length);
  }, 60_000);

  it('refuses a flag of another target, naming it, before any request', async () => {
    server = await startTestServer();
    const io = new FakeIo({ files: { 'front.yaml': SCENARIO } });
    const code = await main(
      [
        'sweep',
        'front.yaml',
        '--vary',
        'stream.shards=1,2',
        '--target',
        'http',
        '--url',
        server.url,
        '--endpoint',
        'http://127.0.0.1:1',
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.err).toContain('error: --endpoint is an option of the aws target, not of the http target');
    expect(server.seen).toHaveLength(0);
  });
});
