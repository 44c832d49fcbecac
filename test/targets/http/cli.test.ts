/**
 * `shardcast run FILE --target http --url URL …` in-process: the artefacts of a run against a
 * local server, and the user's mistakes (a header without ':', a gate on shards, a verify flag
 * without its pair, a URL that is not one) said with the flag or the gate, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { parseResult } from '../../../src/result/io.js';
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

function scratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'shardcast-http-'));
  dirs.push(root);
  return root;
}

describe('run --target http', () => {
  it('runs against a local front and writes the result with the target section and its own metrics', async () => {
    server = await startTestServer();
    const root = scratch();
    const io = new FakeIo({ files: { 'front.yaml': SCENARIO }, cwd: root, writeToDisk: true });
    const args = ['run', 'front.yaml', '--target', 'http', '--url', server.url, '--header', 'X-Api-Key: k:1'];
    const code = await main([...args, '--gate', 'putLatency.p99 < 1s', '--out', 'out', '--quiet'], io);
    expect(io.err).not.toContain('    at ');
    expect(code).toBe(0);
    const result = parseResult(readFileSync(join(root, 'out', 'result.json'), 'utf8'), 'result.json');
    // 100/s × 2 s = 200 records.
    expect(result.counters.acknowledged).toBe(200);
    expect(result.target?.name).toBe('http');
    expect(result.target?.metrics['requests.PutRecords.ok']).toBe(server.seen.length);
    // The header as given, its value with its own ':'.
    expect(server.seen[0]!.headers['x-api-key']).toBe('k:1');
    expect(server.seen[0]!.headers['content-type']).toBe('application/json');
  }, 30_000);

  const refused: [string, string[], RegExp][] = [
    ['a header without a colon', ['--header', 'X-Api-Key'], /--header.*"X-Api-Key" is not a header/s],
    [
      'a format it does not have',
      ['--format', 'xml'],
      /--format.*expected one of api-gateway-kinesis, json, raw/s,
    ],
    [
      '--verify-stream without --verify-endpoint',
      ['--verify-stream', 's'],
      /--verify-endpoint.*go together/s,
    ],
    [
      'a gate on shards without --verify-stream',
      ['--gate', 'shards.maxUtilization < 1'],
      /shards\.maxUtilization is not measured by the http target/,
    ],
    ['no --url', ['--url', 'ftp://x'], /--url.*http:\/\/ or https:\/\//s],
    ['a timeout under a second', ['--timeout', '500ms'], /--timeout.*at least 1s/s],
  ];
  for (const [what, extra, message] of refused) {
    it(`refuses ${what} with exit 2, before sending anything`, async () => {
      server = await startTestServer();
      const root = scratch();
      const io = new FakeIo({ files: { 'front.yaml': SCENARIO }, cwd: root, writeToDisk: true });
      const args = ['run', 'front.yaml', '--target', 'http', '--url', server.url, ...extra, '--out', 'out'];
      const code = await main(args, io);
      expect(io.err).toMatch(message);
      expect(io.err).not.toContain('    at ');
      expect(code).toBe(2);
      expect(server.seen).toHaveLength(0);
    }, 30_000);
  }

  it('a front that is not there: one line, exit 3, before the run', async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const root = scratch();
    const io = new FakeIo({ files: { 'front.yaml': SCENARIO }, cwd: root, writeToDisk: true });
    const code = await main(['run', 'front.yaml', '--target', 'http', '--url', url, '--out', 'out'], io);
    expect(io.err).toMatch(
      /cannot connect to 127\.0\.0\.1:\d+ \(--url http:\/\/127\.0\.0\.1:\d+\/ingest\): ECONNREFUSED/,
    );
    expect(io.err).not.toContain('    at ');
    expect(code).toBe(3);
  }, 30_000);
});
