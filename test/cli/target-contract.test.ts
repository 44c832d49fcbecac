/**
 * The Target contract from the command line (issue 10, point 2), with `paced`, a target that
 * measures only the producer side, takes options and a share, and can be stopped, registered
 * in-process as issue 12's and 13's targets will be.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { modelTarget } from '../../src/targets/model.js';
import type { Target, TargetRegistry } from '../../src/targets/target.js';
import { calmScenario } from '../helpers/calm.js';
import { FakeIo } from '../helpers/fake-io.js';
import { type PacedLog, pacedTarget } from '../helpers/paced-target.js';
import { SignalIo } from '../helpers/signal-io.js';

const OUT = '/tmp/shardcast-contract-never-written';

function registry(): { targets: TargetRegistry; log: PacedLog } {
  const paced = pacedTarget();
  return {
    targets: new Map<string, Target<unknown>>([
      ['model', modelTarget as Target<unknown>],
      ['paced', paced as unknown as Target<unknown>],
    ]),
    log: paced.log,
  };
}

async function runWith(
  argv: readonly string[],
  scenario = calmScenario({ duration: '5s' }),
  io = new FakeIo({ files: { 'calm.yaml': scenario } }),
) {
  const { targets, log } = registry();
  const code = await main(argv, io, { targets });
  return { code, stdout: io.out, stderr: io.err, log, io };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('gates on metrics the target does not measure', () => {
  it('refuses a --gate before the target prepares, naming the gate and the target', async () => {
    const r = await runWith([
      'run',
      'calm.yaml',
      '--target',
      'paced',
      '--out',
      OUT,
      '--gate',
      'shards.maxUtilization < 1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gate[0]: shards.maxUtilization is not measured by the paced target');
    expect(r.stderr).not.toContain('    at ');
    expect(r.log.calls).toEqual([]);
  });

  it("refuses a scenario gate at its line, and accepts the plan's metrics", async () => {
    const scenario = calmScenario({
      duration: '5s',
      reader: true,
      gates: ['shards.recommended <= 8', 'consumers.reader.lagSeconds.max < 5s'],
    });
    const r = await runWith(['run', 'calm.yaml', '--target', 'paced', '--out', OUT], scenario);
    expect(r.code).toBe(2);
    // calm's lines: 10 consumers:, 11 the reader, 12 gates:, 13 the plan gate, 14 the lag gate.
    expect(r.stderr).toBe(
      'error: a gate the target cannot check\n' +
        '  calm.yaml:14:5: gates[1]: consumers.reader.lagSeconds.max is not measured by the paced target\n' +
        '      hint: the paced target measures records.*, lostRecords, throttledRatio, putRequests, putLatency.*, throughput.**; gate on one of those, or on a plan metric, or run on a target that measures consumers.reader.lagSeconds.max\n',
    );
  });

  it('lets the model check every metric as before', async () => {
    const r = await runWith(['run', 'calm.yaml', '--out', OUT, '--gate', 'shards.maxUtilization < 1']);
    expect(r.code).toBe(0);
  });
});

describe('target options as flags', () => {
  it("passes a target's flags to its options, checked by its schema and named by flag", async () => {
    const ok = await runWith([
      'run',
      'calm.yaml',
      '--target',
      'paced',
      '--out',
      OUT,
      '--region',
      'eu-west-1',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.log.contexts[0]?.options).toEqual({ msPerSecond: 0, cleanupFails: false, region: 'eu-west-1' });
    const bad = await runWith([
      'run',
      'calm.yaml',
      '--target',
      'paced',
      '--out',
      OUT,
      '--region',
      'mars',
      '--ms-per-second',
      'fast',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: invalid options for the paced target\n');
    expect(bad.stderr).toContain('  --region: expected an AWS region such as eu-west-1\n');
    expect(bad.stderr).toContain('  --ms-per-second: ');
    expect(bad.log.calls).toEqual([]);
  });

  it('refuses a flag of another target, naming both', async () => {
    const r = await runWith(['run', 'calm.yaml', '--out', OUT, '--region', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --region is an option of the paced target, not of the model target\n' +
        "hint: drop --region, or run with --target paced; `shardcast run --help` lists each target's options\n",
    );
  });

  it("lists each target's flags in a group of their own in run --help", async () => {
    const r = await runWith(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('paced target options:');
    expect(r.stdout).toMatch(/--region +a region, checked as an AWS one/);
    expect(r.stdout).toContain('where to run: model, paced');
    expect(r.stdout).toContain('--worker');
  });
});

describe('--worker I/N', () => {
  it('gives a target that runs shares its 0-based share', async () => {
    const r = await runWith(['run', 'calm.yaml', '--target', 'paced', '--out', OUT, '--worker', '2/4']);
    expect(r.code).toBe(0);
    // Worker 2 of 4, counted from 1, is index 1.
    expect(r.log.contexts[0]?.share).toEqual({ index: 1, count: 4 });
  });

  it('is refused by the model before anything runs', async () => {
    const r = await runWith(['run', 'calm.yaml', '--out', OUT, '--worker', '2/4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --worker 2/4: the model target simulates the whole stream in one process; run a share with a real target\n' +
        'hint: run a share on a target that supports shares, or the whole load here without one\n',
    );
  });

  it('refuses what is not a share', async () => {
    const empty = await runWith(['run', 'calm.yaml', '--target', 'paced', '--out', OUT, '--worker=']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('error: --worker needs a value: I/N, worker I of N\n');
    for (const text of ['5/4', '0/4', '2', 'a/b', '1/0']) {
      const r = await runWith(['run', 'calm.yaml', '--target', 'paced', '--out', OUT, '--worker', text]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: --worker ${text} is not a worker share\n`);
    }
  });
});

describe('interrupting a run', () => {
  it('stops on SIGINT, cleans up, writes nothing, and exits 130 with one line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shardcast-sigint-'));
    dirs.push(root);
    const io = new SignalIo({
      files: { 'calm.yaml': calmScenario({ duration: '10m' }) },
      cwd: root,
      writeToDisk: true,
    });
    const { targets, log } = registry();
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--out', 'out/run'],
      io,
      { targets },
    );
    await vi.waitFor(() => expect(log.samples.length).toBeGreaterThanOrEqual(3), {
      timeout: 5000,
      interval: 5,
    });
    io.send('SIGINT');
    const code = await running;
    expect(code).toBe(130);
    expect(log.calls).toEqual(['prepare 0/1', 'run', 'cleanup']);
    expect(io.err).toContain(
      'SIGINT: stopping the run and cleaning up (Ctrl-C again exits at once, without cleanup)',
    );
    expect(io.err).toContain('cleanup: deleted stream shardcast-20250101-000000-s7\n');
    expect(io.err).toMatch(/\ninterrupted: stopped after \d+ s of 10 min; cleaned up; nothing written\n$/);
    expect(io.err).not.toContain('    at ');
    expect(io.out).toBe('');
    // The folders made for --out (out and out/run) are gone again; nothing half-written stays.
    expect(existsSync(join(root, 'out'))).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    expect(io.listening).toBe(0);
  });

  it('exits at once on a second signal, saying cleanup was skipped', async () => {
    const io = new SignalIo({ files: { 'calm.yaml': calmScenario({ duration: '10m' }) } });
    const { targets, log } = registry();
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--out', OUT],
      io,
      { targets },
    );
    await vi.waitFor(() => expect(log.samples.length).toBeGreaterThanOrEqual(1), {
      timeout: 5000,
      interval: 5,
    });
    io.send('SIGTERM');
    io.send('SIGTERM');
    expect(io.exits).toEqual([130]);
    expect(io.err).toContain(
      'interrupted again (SIGTERM): exiting at once; cleanup skipped, so what the paced target created is left as it is\n',
    );
    expect(await running).toBe(130);
  });
});

describe('interrupting a run, the edges', () => {
  it('removes the --out folders it made on a second signal too (nothing was written yet)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shardcast-sigint2-'));
    dirs.push(root);
    const io = new SignalIo({
      files: { 'calm.yaml': calmScenario({ duration: '10m' }) },
      cwd: root,
      writeToDisk: true,
    });
    const { targets, log } = registry();
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--out', 'deep/er/run'],
      io,
      { targets },
    );
    await vi.waitFor(() => expect(log.samples.length).toBeGreaterThanOrEqual(1), {
      timeout: 5000,
      interval: 5,
    });
    expect(existsSync(join(root, 'deep/er/run'))).toBe(true);
    io.send('SIGINT');
    io.send('SIGINT');
    expect(io.exits).toEqual([130]);
    // Removed before the exit: deep, deep/er and deep/er/run were all made by this run.
    expect(readdirSync(root)).toEqual([]);
    await running;
  });

  it('exits 3, not 130, when the cleanup after an interrupt fails: what the target made may still cost money', async () => {
    const io = new SignalIo({ files: { 'calm.yaml': calmScenario({ duration: '10m' }) } });
    const { targets, log } = registry();
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--cleanup-fails', '--out', OUT],
      io,
      { targets },
    );
    await vi.waitFor(() => expect(log.samples.length).toBeGreaterThanOrEqual(1), {
      timeout: 5000,
      interval: 5,
    });
    io.send('SIGINT');
    expect(await running).toBe(3);
    expect(io.err).toContain('cleanup failed: DeleteStream: AccessDenied\n');
    expect(io.err).toMatch(
      /\ninterrupted: stopped after \d+ s of 10 min; cleanup failed \(above\); nothing written\n$/,
    );
  });

  it('says the run had not started when the signal came before it', async () => {
    const io = new SignalIo({ files: { 'calm.yaml': calmScenario({ duration: '10m' }) } });
    const { targets } = registry();
    // The signal arrives while the pipeline plans (synchronously): it is seen before the target runs.
    const running = main(['run', 'calm.yaml', '--target', 'paced', '--out', OUT], io, { targets });
    io.send('SIGINT');
    expect(await running).toBe(130);
    expect(io.err).toMatch(
      /\ninterrupted: stopped before the run started \(10 min to run\); nothing to clean up; nothing written\n$/,
    );
  });
});

describe('cleanup that fails', () => {
  it('writes the whole run, says what cleanup could not do, and exits 3', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': calmScenario({ duration: '5s' }) } });
    const { targets } = registry();
    const code = await main(
      ['run', 'calm.yaml', '--target', 'paced', '--out', 'out', '--cleanup-fails'],
      io,
      { targets },
    );
    expect(code).toBe(3);
    expect(io.err).toContain('cleanup failed: DeleteStream: AccessDenied\n');
    expect(io.writtenFile('out/result.json')).toBeDefined();
  });
});

describe('the live progress line', () => {
  it('fits a narrow terminal: every redraw one row, cut before it wraps', async () => {
    const io = new SignalIo({
      files: { 'calm.yaml': calmScenario({ duration: '5s' }) },
      tty: true,
      columns: 40,
    });
    const { targets } = registry();
    await main(
      ['run', 'calm.yaml', '--target', 'paced', '--out', OUT, '--gate', 'records.produced < 100'],
      io,
      {
        targets,
      },
    );
    // Each draw starts with \r (and clears the row); at 40 columns it holds at most 39 characters.
    const draws = io.err.split('\r').filter((part) => part.includes('% of 5 s'));
    expect(draws.length).toBeGreaterThan(0);
    for (const draw of draws) {
      const row = draw.replace('\x1b[2K', '').split('\n')[0]!;
      expect([...row].length).toBeLessThanOrEqual(39);
    }
    // The figures go first, the bar and the failed gate stay: "  ███…░ 100% of 5 s · ✗ 1 gate f…".
    expect(draws.at(-1)).toMatch(/% of 5 s · ✗ 1 gate f/);
  });

  it('shows the last second and a gate failed beyond recovery, on a terminal only', async () => {
    const io = new SignalIo({ files: { 'calm.yaml': calmScenario({ duration: '5s' }) }, tty: true });
    const { targets } = registry();
    const code = await main(
      ['run', 'calm.yaml', '--target', 'paced', '--out', OUT, '--gate', 'records.produced < 100'],
      io,
      {
        targets,
      },
    );
    expect(code).toBe(1);
    // calm offers ~500 records/s: the first second's ~500 already break `< 100`.
    expect(io.err).toMatch(
      / {2}✗ records\.produced < 100: failed at 1 s, it cannot pass any more \(records\.produced is already [\d,]+, allowed < 100\)\n/,
    );
    expect(io.err).toMatch(/% of 5 s · ✗ 1 gate failed · at 5 s: [\d,]+ acknowledged\/s, 0% throttled/);
    const plain = await runWith([
      'run',
      'calm.yaml',
      '--target',
      'paced',
      '--out',
      OUT,
      '--gate',
      'records.produced < 100',
    ]);
    // Off a terminal: no line, only what cleanup reported.
    expect(plain.stderr).toBe('cleanup: deleted stream shardcast-20250101-000000-s7\n');
  });
});

describe('shardcast targets', () => {
  it('lists each target with what it measures, its shares and its flags', async () => {
    const r = await runWith(['targets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'model: the built-in engine model of Kinesis and Firehose (virtual time, deterministic per seed)\n' +
        '  measures  every run metric (**)\n' +
        '  shares    no: the model target simulates the whole stream in one process; run a share with a real target\n' +
        '  options   none\n' +
        '\n' +
        'paced: the engine model replayed at a wall-clock pace, for tests\n' +
        '  measures  records.*, lostRecords, throttledRatio, putRequests, putLatency.*, throughput.**\n' +
        '  shares    yes: run --worker I/N on each of N machines\n' +
        '  options   --ms-per-second  wall milliseconds per second of the run\n' +
        '            --fail-after     fail after this many seconds\n' +
        '            --cleanup-fails  make cleanup throw\n' +
        '            --region         a region, checked as an AWS one\n',
    );
    const json = JSON.parse((await runWith(['targets', '--json'])).stdout);
    expect(json.targets.map((t: { name: string; measures: string[] }) => [t.name, t.measures[0]])).toEqual([
      ['model', '**'],
      ['paced', 'records.*'],
    ]);
    expect(json.targets[1].flags[3]).toEqual({
      flag: '--region',
      option: 'region',
      type: 'string',
      description: 'a region, checked as an AWS one',
    });
  });
});
