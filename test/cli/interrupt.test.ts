/**
 * End-to-end: Ctrl-C (SIGINT) and SIGTERM stop a model run of the published binary mid-run. The
 * model computes in slices and yields between them, so the signal is seen within a slice (~20 ms
 * of work), not when the run ends: the process exits 130 long before the run would have finished,
 * says how far it got, and writes the seconds it simulated as a partial result marked aborted.
 *
 * No timing is asserted: the run (three simulated days of launch-day, ~20 s of work on an idle
 * machine) is signalled as soon as its --out folder exists, which `run` creates after every input
 * check and before the target starts; the test checks the outcome and that the run stopped short
 * of its end ("stopped after X of 3 d", X < 3 d).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult } from '../../src/result/io.js';
import { buildIfNeeded } from '../helpers/build.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const scratch = mkdtempSync(join(tmpdir(), 'shardcast-interrupt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(buildIfNeeded, 180_000);

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a long run, signals it once its --out folder exists, and waits for it to exit. */
async function interruptedRun(signal: NodeJS.Signals, out: string): Promise<Exit> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/shardcast.js', 'run', 'scenarios/launch-day.yaml', '--duration', '3d', '--out', out],
    { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  while (running && !existsSync(out)) await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill(signal);
  const code = await exited;
  // Let the pipes drain.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { code, stdout, stderr };
}

describe('an interrupted model run (spawned binary)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: exit 130 mid-run, says how far it got, writes the partial result marked aborted',
    async (signal) => {
      const out = join(scratch, signal);
      const r = await interruptedRun(signal, out);
      expect(r.code).toBe(130);
      expect(r.stdout).toBe('');
      const again = signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM';
      expect(r.stderr).toContain(
        `${signal}: stopping the run and cleaning up (${again} again exits at once, without cleanup)\n`,
      );
      // "interrupted after 5.2 h of 3 d: partial result written to …" — short of the end.
      const line = /interrupted after (.+) of 3 d: partial result written to (.+)\n/.exec(r.stderr);
      expect(line, r.stderr).not.toBeNull();
      expect(line?.[2]).toBe(out);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // The seconds the engine closed before the signal, in a result every reader takes.
      const result = parseResult(readFileSync(join(out, 'result.json'), 'utf8'), 'result.json');
      expect(result.aborted?.reason).toBe(`stopped by ${signal}`);
      expect(result.aborted?.durationSeconds).toBe(3 * 86_400);
      expect(result.aborted?.secondsDone).toBeLessThan(3 * 86_400);
      expect(result.series.offered).toHaveLength(result.aborted?.secondsDone ?? -1);
      expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^\*\*⚠ aborted after /);
    },
    120_000,
  );
});
