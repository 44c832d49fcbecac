/**
 * `shardcast serve` as a user runs it: the built binary, spawned, prints its endpoint, answers, and
 * stops cleanly on SIGINT (exit 0) and on SIGTERM, through the process's own signal handling.
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../../helpers/build.js';
import { REPO_ROOT } from '../../helpers/fake-io.js';

function serve(): {
  endpoint: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
  kill: (signal: NodeJS.Signals) => void;
} {
  const child = spawn(process.execPath, ['bin/shardcast.js', 'serve', '--port', '0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const endpoint = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`exited before printing its endpoint: ${stdout}${stderr}`)));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
  return { endpoint, exit, kill: (signal) => child.kill(signal) };
}

describe('bin/shardcast.js serve', () => {
  beforeAll(buildIfNeeded, 120_000);

  it.each(['SIGINT', 'SIGTERM'] as const)('answers until %s, then exits 0', async (signal) => {
    const server = serve();
    const endpoint = await server.endpoint;
    const metrics = await (await fetch(`${endpoint}/_shardcast/metrics`)).json();
    expect(metrics.transport).toEqual({
      requests: {},
      errors: {},
      faults: { throttle: 0, reset: 0, error500: 0, error503: 0, latency: 0 },
    });
    server.kill(signal);
    const { code, stderr } = await server.exit;
    expect(code).toBe(0);
    expect(stderr).toBe('shardcast serve: stopped\n');
  });
});
