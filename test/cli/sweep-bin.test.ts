/**
 * `shardcast sweep` as the published binary runs it (dist/, where the worker threads start on
 * worker.js): a sweep completes and exits 0 with failing points among its findings; Ctrl-C stops
 * it, writes the points that finished marked partial, and exits 130.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchTable } from '../../src/search/types.js';
import { buildIfNeeded } from '../helpers/build.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const scratch = mkdtempSync(join(tmpdir(), 'shardcast-sweep-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(buildIfNeeded, 180_000);

/** 8 shards carry 8,000 records/s of 100 B records sent one per request (the records limit binds). */
const SCENARIO = join(scratch, 'rb.yaml');
writeFileSync(
  SCENARIO,
  `name: records-bound
duration: 10s
stream: { shards: 8 }
producers:
  - name: web
    rate: 6k/s
    recordSize: 100B
    keys: { dist: unique }
    batching: { maxRecords: 1 }
gates:
  - throttledRatio <= 0.001
`,
);

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; with `interruptWhen`, sends SIGINT once that holds (polled every 10 ms). */
async function shardcast(args: string[], interruptWhen?: () => boolean): Promise<Exit> {
  const child: ChildProcess = spawn(process.execPath, ['bin/shardcast.js', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (interruptWhen !== undefined) {
    let running = true;
    void exited.then(() => {
      running = false;
    });
    while (running && !interruptWhen()) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
  }
  const code = await exited;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { code, stdout, stderr };
}

describe('shardcast sweep (spawned binary)', () => {
  it('runs its points in worker threads from dist/ and exits 0 with failing points among them', async () => {
    const out = join(scratch, 'done');
    // 4 shards carry 4,000 records/s: 6k/s fails there, passes on 8 (75 %).
    const exit = await shardcast([
      'sweep',
      SCENARIO,
      '--vary',
      'stream.shards=4,8',
      '--parallel',
      '2',
      '--out',
      out,
    ]);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    const table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.points.map((p) => p.passed)).toEqual([false, true]);
    expect(table.header.parallel).toBe(2);
    expect(exit.stdout).toContain('1 of 2 points passed every gate');
  }, 60_000);

  it('stops on Ctrl-C, writes the points that finished marked partial, and exits 130', async () => {
    const out = join(scratch, 'stopped');
    // 40 points of 6 h each: far longer than the test waits (each about 2 s of work).
    const exit = await shardcast(
      [
        'sweep',
        SCENARIO,
        '--vary',
        'stream.shards=1..40',
        '--duration',
        '6h',
        '--parallel',
        '1',
        '--out',
        out,
      ],
      () => existsSync(out),
    );
    expect(exit.code).toBe(130);
    expect(exit.stderr).toMatch(/^SIGINT: stopping the sweep/m);
    expect(exit.stderr).toMatch(/interrupted after \d+ of 40 points: the partial sweep is written to /);
    const table = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SearchTable;
    expect(table.header.partial?.pointsTotal).toBe(40);
    expect(table.points.length).toBe(table.header.partial?.pointsDone);
    expect(table.points.length).toBeLessThan(40);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').split('\r\n')).toHaveLength(table.points.length + 2);
  }, 60_000);
});
