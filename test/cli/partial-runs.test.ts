/**
 * Issue 12, point 5 from the command line: a run stopped early writes what it measured, marked
 * aborted, through the same artefacts as a finished run (SIGINT: exit 130; `--abort-on-fail`:
 * exit 1); `--dry-run` asks the target what it would do and writes nothing; a target's own
 * metrics are gates' metrics; what a target does not measure is never shown as a measured 0.
 * `paced` stands in for the AWS target (test/helpers/paced-target.ts), with a partial result, own
 * metrics and a dry run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseResult } from '../../src/result/io.js';
import { modelTarget } from '../../src/targets/model.js';
import type { DryRunReport, Target, TargetRegistry } from '../../src/targets/target.js';
import { calmScenario } from '../helpers/calm.js';
import { FakeIo } from '../helpers/fake-io.js';
import { type PacedLog, pacedTarget } from '../helpers/paced-target.js';
import { SignalIo } from '../helpers/signal-io.js';

function registry(dryRun?: DryRunReport): { targets: TargetRegistry; log: PacedLog } {
  const paced = pacedTarget(undefined, { partial: true, own: true, ...(dryRun ? { dryRun } : {}) });
  return {
    targets: new Map<string, Target<unknown>>([
      ['model', modelTarget as Target<unknown>],
      ['paced', paced as unknown as Target<unknown>],
    ]),
    log: paced.log,
  };
}

/**
 * One shard, 1,800 records/s of 100 B, one attempt per record, a stream idle before the run
 * (`initialBurst: 1`: the shard's token bucket starts full, 1,000 records). The engine refills the
 * bucket every 0.1 s tick by 100, capped at one second's worth: the first tick's refill is lost
 * to the full bucket, so second 0 can admit 1,000 + 9 × 100 = 1,900 records, and admits all it
 * is offered (offered₀ ≈ 1,800 < 1,900), leaving 1,900 − offered₀; second 1 can admit those plus
 * 10 × 100 = 1,000 more. So nothing is dropped in second 0, and in second 1
 * offered₁ − (1,900 − offered₀ + 1,000) = offered₀ + offered₁ − 2,900 records (≈ 700) are
 * throttled and dropped (no retry): `records.dropped == 0` fails in second 2 of 10 (1-based),
 * beyond recovery (a total only grows).
 */
const OVERRUN = `name: overrun
duration: 10s
seed: 7
stream: { shards: 1 }
engine: { initialBurst: 1 }
producers:
  - name: app
    rate: 1800/s
    recordSize: 100B
    keys: { dist: uniform, count: 100 }
    retry: { maxAttempts: 1 }
gates:
  - records.dropped == 0
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'shardcast-partial-'));
  dirs.push(root);
  return root;
}

const read = (root: string, file: string) => readFileSync(join(root, 'out', file), 'utf8');

describe('a run interrupted by SIGINT, on a target with a partial result', () => {
  it('writes every artefact marked aborted, says how far it got in one line, and exits 130', async () => {
    const root = scratch();
    const io = new SignalIo({
      files: { 'calm.yaml': calmScenario({ duration: '1m', reader: true }) },
      cwd: root,
      writeToDisk: true,
    });
    const { targets, log } = registry();
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--out', 'out'],
      io,
      {
        targets,
      },
    );
    await vi.waitFor(() => expect(log.samples.length).toBeGreaterThanOrEqual(3), {
      timeout: 5000,
      interval: 5,
    });
    io.send('SIGINT');
    expect(await running).toBe(130);
    // Cleanup first (what costs money goes), then the partial result.
    expect(log.calls).toEqual(['prepare 0/1', 'run', 'cleanup', 'partial']);
    const result = parseResult(read(root, 'result.json'), 'result.json');
    const done = result.aborted?.secondsDone ?? 0;
    // Every second replayed before the signal, and the series cover exactly those.
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(60);
    expect(result.aborted).toEqual({ reason: 'stopped by SIGINT', secondsDone: done, durationSeconds: 60 });
    expect(result.scenario.durationSeconds).toBe(done);
    expect(result.series.offered).toHaveLength(done);
    // The counters are the sums of the series over the seconds covered.
    expect(result.counters.produced).toBe(result.series.offered.reduce((a, b) => a + b, 0));
    expect(result.target?.metrics['integrity.reader.missing']).toBe(0);
    expect(io.err).toMatch(
      new RegExp(`\\ninterrupted after ${done} s of 60 s: partial result written to out\\n$`),
    );
    expect(io.out).toBe('');
    expect(io.err).not.toContain('    at ');
    // Each artefact says so.
    expect(read(root, 'summary.md').split('\n')[0]).toBe(
      `**⚠ aborted after ${done} s of 60 s (stopped by SIGINT): the figures cover only the ${done} s run**`,
    );
    const junit = read(root, 'junit.xml');
    expect(junit).toContain('<testcase classname="shardcast.run" name="run completed" time="0">');
    expect(junit).toMatch(
      /<failure message="aborted after \d+ s of 60 s \(stopped by SIGINT\)[^"]*" type="aborted">/,
    );
    expect(junit).toContain('<property name="shardcast.target" value="paced"/>');
    const report = read(root, 'index.html');
    expect(report).toContain(`<h1>Aborted after ${done} s of 60 s</h1>`);
    expect(report).toContain('id="aborted"');
    expect(report).toContain('<h2>Target: paced</h2>');
    // `compare` reads it back like any result.
    const compared = new FakeIo({ cwd: root });
    expect(await main(['compare', 'out/result.json', 'out/result.json'], compared)).toBe(0);
    expect(compared.err).not.toContain('error');
    // …and says the figures cover only part of the run.
    expect(compared.err).toContain(
      `warning: the current run was aborted after ${done} s of 60 s (stopped by SIGINT): the figures cover only the ${done} s run\n`,
    );
    expect(io.listening).toBe(0);
  });

  it('still says "nothing written" for a target without one, and removes the --out folder', async () => {
    const root = scratch();
    const io = new SignalIo({
      files: { 'calm.yaml': calmScenario({ duration: '1m' }) },
      cwd: root,
      writeToDisk: true,
    });
    const paced = pacedTarget();
    const targets = new Map<string, Target<unknown>>([['paced', paced as unknown as Target<unknown>]]);
    const running = main(
      ['run', 'calm.yaml', '--target', 'paced', '--ms-per-second', '5', '--out', 'out'],
      io,
      {
        targets,
      },
    );
    await vi.waitFor(() => expect(paced.log.samples.length).toBeGreaterThanOrEqual(1), {
      timeout: 5000,
      interval: 5,
    });
    io.send('SIGINT');
    expect(await running).toBe(130);
    expect(io.err).toMatch(/\ninterrupted: stopped after \d+ s of 60 s; cleaned up; nothing written\n$/);
  });
});

describe('--abort-on-fail', () => {
  it('stops when a gate fails beyond recovery (second 2 of 10), writes the artefacts marked aborted, exits 1', async () => {
    const root = scratch();
    const io = new SignalIo({ files: { 'overrun.yaml': OVERRUN }, cwd: root, writeToDisk: true });
    const { targets, log } = registry();
    const code = await main(
      [
        'run',
        'overrun.yaml',
        '--target',
        'paced',
        '--ms-per-second',
        '20',
        '--out',
        'out',
        '--abort-on-fail',
      ],
      io,
      { targets },
    );
    expect(code).toBe(1);
    // Two seconds replayed (the second one broke the gate), not ten.
    expect(log.samples).toHaveLength(2);
    expect(log.calls).toEqual(['prepare 0/1', 'run', 'cleanup', 'partial']);
    const result = parseResult(read(root, 'result.json'), 'result.json');
    expect(result.aborted).toEqual({
      reason: 'a gate failed beyond recovery: records.dropped == 0',
      secondsDone: 2,
      durationSeconds: 10,
    });
    // Second 0 dropped nothing, second 1 offered₀ + offered₁ − 2,900 (see OVERRUN).
    const [offered0 = 0, offered1 = 0] = result.series.offered;
    expect(result.series.dropped).toEqual([0, offered0 + offered1 - 2900]);
    expect(result.series.dropped[1]).toBeGreaterThan(0);
    const gates = JSON.parse(read(root, 'gates.json')) as { verdicts: { passed: boolean }[] };
    expect(gates.verdicts.map((v) => v.passed)).toEqual([false]);
    expect(io.out).toContain(
      '  ⚠ aborted after 2 s of 10 s (a gate failed beyond recovery: records.dropped == 0)',
    );
    expect(io.out).toContain('✗ records.dropped == 0');
    expect(io.err).toContain(
      'aborted after 2 s of 10 s (a gate failed beyond recovery: records.dropped == 0): partial result written to out\n',
    );
    expect(read(root, 'summary.md')).toMatch(/^\*\*⚠ aborted after 2 s of 10 s/);
  });

  it('stops a model run early too, and without the flag the same run goes to its end', async () => {
    const long = OVERRUN.replace('duration: 10s', 'duration: 10m');
    const io = new FakeIo({ files: { 'overrun.yaml': long } });
    expect(
      await main(['run', 'overrun.yaml', '--out', '/tmp/never/abort', '--abort-on-fail', '--json'], io),
    ).toBe(1);
    const summary = JSON.parse(io.out) as { aborted?: { secondsDone: number }; durationSeconds: number };
    // The gate failed in second 2 (see OVERRUN): the model ran on to the end of its slice of
    // work, and its partial result stops at that second, whatever the slice.
    expect(summary.aborted?.secondsDone).toBe(2);
    expect(summary.durationSeconds).toBe(summary.aborted?.secondsDone);
    const whole = new FakeIo({ files: { 'overrun.yaml': long } });
    expect(await main(['run', 'overrun.yaml', '--out', '/tmp/never/whole', '--json'], whole)).toBe(1);
    expect((JSON.parse(whole.out) as { aborted?: unknown; durationSeconds: number }).durationSeconds).toBe(
      600,
    );
    expect(whole.out).not.toContain('"aborted"');
  });

  it('writes the whole run when the gate fails in the stretch that ends it (the model sees the stop at its end)', async () => {
    // 3 s are 30 ticks of 0.1 s: the model's first slice runs 16, its second the 14 left, so the
    // gate failing in second 2 stops nothing: the result is whole, and its gate fails.
    const io = new FakeIo({ files: { 'overrun.yaml': OVERRUN.replace('duration: 10s', 'duration: 3s') } });
    expect(
      await main(['run', 'overrun.yaml', '--out', '/tmp/never/short', '--abort-on-fail', '--json'], io),
    ).toBe(1);
    const summary = JSON.parse(io.out) as { durationSeconds: number; passed: boolean; files: string[] };
    expect(summary).toMatchObject({ durationSeconds: 3, passed: false });
    expect(summary.files).toContain('result.json');
    expect(io.out).not.toContain('"aborted"');
  });

  it('says "nothing written" and still exits 1 on a target without a partial result', async () => {
    const root = scratch();
    const io = new SignalIo({ files: { 'overrun.yaml': OVERRUN }, cwd: root, writeToDisk: true });
    const paced = pacedTarget();
    const targets = new Map<string, Target<unknown>>([['paced', paced as unknown as Target<unknown>]]);
    const code = await main(
      [
        'run',
        'overrun.yaml',
        '--target',
        'paced',
        '--ms-per-second',
        '20',
        '--out',
        'out',
        '--abort-on-fail',
      ],
      io,
      { targets },
    );
    expect(code).toBe(1);
    expect(paced.log.calls).toEqual(['prepare 0/1', 'run', 'cleanup']);
    expect(io.err).toMatch(
      /\naborted: a gate failed beyond recovery: records\.dropped == 0, after 2 s of 10 s; cleaned up; nothing written\n$/,
    );
    // The --out folder it made is removed again: nothing was written into it.
    expect(readdirSync(root)).toEqual([]);
  });

  it('never stops on a gate that can still pass (a ratio)', async () => {
    const io = new FakeIo({
      files: { 'overrun.yaml': OVERRUN.replace('records.dropped == 0', 'throttledRatio < 1%') },
    });
    expect(
      await main(['run', 'overrun.yaml', '--out', '/tmp/never/ratio', '--abort-on-fail', '--json'], io),
    ).toBe(1);
    expect(io.out).not.toContain('"aborted"');
  });
});

describe('--dry-run', () => {
  const report: DryRunReport = {
    lines: ['CreateStream shardcast-calm-x (2 shards)', 'PutRecords: 300 requests', 'estimated cost: $0.01'],
  };

  it("prints the target's calls and estimate, prepares nothing, writes nothing, exits 0", async () => {
    const io = new FakeIo({ files: { 'calm.yaml': calmScenario({ duration: '1m' }) } });
    const { targets, log } = registry(report);
    const code = await main(['run', 'calm.yaml', '--target', 'paced', '--dry-run', '--out', 'out'], io, {
      targets,
    });
    expect(code).toBe(0);
    expect(io.out).toBe(`${report.lines.join('\n')}\n`);
    expect(log.calls).toEqual(['dryRun']);
    expect(io.written.size).toBe(0);
    // It gets what a run gets: the plan (its prices) and the user.
    expect(log.contexts[0]?.plan?.scenario.name).toBe('calm');
    expect(log.contexts[0]?.interaction?.interactive).toBe(false);
  });

  it('exits 2 with the refusal when the cost guard would refuse the run', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': calmScenario({ duration: '1m' }) } });
    const refusal = 'the estimated cost $12.00 is above --max-cost $5.00';
    const { targets } = registry({ lines: ['estimated cost: $12.00'], refusal });
    expect(await main(['run', 'calm.yaml', '--target', 'paced', '--dry-run'], io, { targets })).toBe(2);
    expect(io.out).toBe('estimated cost: $12.00\n');
    expect(io.err).toBe(`error: ${refusal}\n`);
  });

  it('makes every input check of a run first', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': calmScenario({ duration: '1m' }) } });
    const { targets, log } = registry(report);
    const code = await main(
      ['run', 'calm.yaml', '--target', 'paced', '--dry-run', '--gate', 'shards.maxUtilization < 1'],
      io,
      { targets },
    );
    expect(code).toBe(2);
    expect(io.err).toContain('shards.maxUtilization is not measured by the paced target');
    expect(log.calls).toEqual([]);
  });

  it('is refused by the model target: its runs cost nothing and touch nothing', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': calmScenario({ duration: '1m' }) } });
    expect(await main(['run', 'calm.yaml', '--dry-run'], io)).toBe(2);
    expect(io.err).toBe(
      'error: the model target has no dry run: its runs cost nothing and touch nothing\nhint: run it without --dry-run\n',
    );
    expect(io.written.size).toBe(0);
  });
});

describe("a target's own metrics", () => {
  const withGate = (gate: string) => calmScenario({ duration: '3s', reader: true, gates: [gate] });

  it('are gates a scenario may name, checked against the run', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': withGate('integrity.reader.missing == 0') } });
    const { targets } = registry();
    const code = await main(
      [
        'run',
        'calm.yaml',
        '--target',
        'paced',
        '--out',
        '/tmp/never/own',
        '--json',
        '--gate',
        'sdk.retries <= 0',
      ],
      io,
      { targets },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(io.out) as { gates: { gate: string; measured: number; passed: boolean }[] };
    expect(summary.gates).toEqual([
      expect.objectContaining({ gate: 'integrity.reader.missing == 0', measured: 0, passed: true }),
      expect.objectContaining({ gate: 'sdk.retries <= 0', measured: 0, passed: true }),
    ]);
  });

  it('are refused, at the gate, on a target that does not report them', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': withGate('integrity.reader.missing == 0') } });
    const { targets } = registry();
    expect(
      await main(['run', 'calm.yaml', '--target', 'model', '--out', '/tmp/never/model'], io, { targets }),
    ).toBe(2);
    expect(io.err).toContain(
      'calm.yaml:13:5: gates[0]: integrity.reader.missing is not reported by the model target',
    );
    expect(io.err).toContain("is a metric of another target's own; the model target has none of its own");
  });

  it('are accepted by validate when a target run can go to reports them', async () => {
    const scenario = withGate('integrity.reader.missing == 0');
    const { targets } = registry();
    const io = new FakeIo({ files: { 'calm.yaml': scenario } });
    expect(await main(['validate', 'calm.yaml'], io, { targets })).toBe(0);
    // With only the model (no target reports it): an unknown metric.
    const modelOnly = new FakeIo({ files: { 'calm.yaml': scenario } });
    const model = new Map<string, Target<unknown>>([['model', modelTarget as Target<unknown>]]);
    expect(await main(['validate', 'calm.yaml'], modelOnly, { targets: model })).toBe(2);
    expect(modelOnly.err).toContain('unknown metric "integrity.reader.missing"');
  });

  it('are unknown metrics when no target reports them', async () => {
    const io = new FakeIo({ files: { 'calm.yaml': withGate('integrity.writer.missing == 0') } });
    const { targets } = registry();
    expect(await main(['run', 'calm.yaml', '--target', 'paced'], io, { targets })).toBe(2);
    expect(io.err).toContain('unknown metric "integrity.writer.missing"');
  });
});

describe('what a target does not measure', () => {
  it('reads "not measured" in the summary, the report and summary.md, never a measured 0', async () => {
    const root = scratch();
    const io = new FakeIo({
      files: { 'calm.yaml': calmScenario({ duration: '3s', reader: true }) },
      cwd: root,
      writeToDisk: true,
    });
    const { targets } = registry();
    expect(await main(['run', 'calm.yaml', '--target', 'paced', '--out', 'out'], io, { targets })).toBe(0);
    // paced measures the producer side: no shards, no consumers.
    expect(io.out).toContain('  consumer  not measured by the paced target\n');
    expect(io.out).not.toContain('hottest');
    expect(io.out).toContain('Target paced: region us-east-1, pace 0 ms a second\n');
    expect(io.out).toMatch(/ {2}integrity reader: delivered [\d,]+, missing 0, duplicates 0, outOfOrder 0\n/);
    expect(io.out).toContain('  not measured by this target: e2eLatency.p50');
    expect(read(root, 'summary.md')).toContain('| hottest shard | not measured |');
    expect(read(root, 'summary.md')).toContain('#### Integrity, per consumer application');
    const report = read(root, 'index.html');
    expect(report).toContain('<td>hottest shard</td><td>not measured</td>');
    expect(report).toContain('Not measured by this target');
    // No chart draws what was not measured as zeros: the shard heatmap and the consumer lag go.
    expect(report).toContain('data-chart="throughput"');
    expect(report).not.toContain('data-chart="shard-heatmap"');
    expect(report).not.toContain('data-chart="consumer-lag"');
  });
});
