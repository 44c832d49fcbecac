/**
 * The CLI as a CI pipeline drives it (issue 9, points 9, 10, 11 and parts of 13): `--out` is a
 * directory on every command, `run --json` a compact summary, `compare --json` and `--only`, a
 * warning when two results are not like for like, `--version`, `validate --json`, and the wording
 * of the run summary. Every case writes into a real temporary directory, as a user's run does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../src/cli/commands/run.js';
import type { ComparisonSummary, RunSummary } from '../../src/cli/summary.js';
import { PLAN_VERSION } from '../../src/planner/types.js';
import { parseResult } from '../../src/result/io.js';
import { calmScenario } from '../helpers/calm.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';
import { syntheticResult } from '../result/synthetic-result.js';

const TMP = mkdtempSync(join(tmpdir(), 'shardcast-ci-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A fresh directory under the test's temporary one. */
function fresh(name: string): string {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs the CLI in-process with its writes on the real filesystem. */
function onDisk(argv: string[], files: Record<string, string> = {}) {
  return run(argv, files, { writeToDisk: true });
}

/** Every file under `dir`, relative, sorted: a leftover `.tmp` shows here. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const LAUNCH_DAY = 'scenarios/launch-day.yaml';

const CALM = calmScenario({ duration: '1m', reader: true });
/** The same stream at 3× a shard's record limit: throttledRatio goes from 0 to a third or more. */
const SHORT = CALM.replace('rate: 500/s', 'rate: 3000/s');

describe('--version', () => {
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;

  it('prints package.json’s version and exits 0 (it exited 2: "Unknown argument: version")', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.code).toBe(0);
    }
  });

  it('does so from a spawned process too', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/dev.mts', '--version'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.status).toBe(0);
  });
});

describe('run --json: a compact summary, the RunResult stays in result.json', () => {
  it('prints scenario, target, seed, gate verdicts with numbers and the key metrics, under 16 KiB', async () => {
    const dir = join(fresh('summary'), 'out');
    const r = await onDisk(['run', LAUNCH_DAY, '--json', '--out', dir, '--gate', 'putLatency.p99 < 10s']);
    // launch-day's 8 shards are short of its peak: its throttling and loss gates fail.
    expect(r.code).toBe(1);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(16 * 1024);
    const summary = JSON.parse(r.stdout) as RunSummary;
    const result = parseResult(readFileSync(join(dir, 'result.json'), 'utf8'), 'result.json');
    // The whole RunResult is hundreds of KiB; the summary is a small fraction of it.
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(readFileSync(join(dir, 'result.json')).length / 50);
    expect(summary).toMatchObject({
      version: 1,
      scenario: { name: 'launch-day', file: LAUNCH_DAY },
      target: 'model',
      seed: 42,
      runId: result.header.runId,
      durationSeconds: result.scenario.durationSeconds,
      outDir: dir,
      passed: false,
      pendingGates: [],
    });
    expect(summary.scenario.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary.scenario.hash).toBe(result.scenario.hash);
    expect(summary.files.sort()).toEqual(tree(dir));
    // Four scenario gates and the --gate one, each with what was measured against what was allowed.
    expect(summary.gates.map((g) => g.gate)).toEqual([
      'throttledRatio <= 0.001',
      'putLatency.p99 < 250ms',
      'cost.monthly.provisioned < 1500',
      'lostRecords == 0',
      'putLatency.p99 < 10s',
    ]);
    const p99 = summary.gates[1]!;
    expect(p99).toMatchObject({ metric: 'putLatency.p99', op: '<', allowed: 0.25, source: 'scenario' });
    expect(p99.measured).toBe(result.metrics['putLatency.p99']);
    expect(p99.passed).toBe(p99.measured! < 0.25);
    expect(summary.gates[4]).toMatchObject({ source: 'cli', allowed: 10, passed: true });
    const gatesJson = JSON.parse(readFileSync(join(dir, 'gates.json'), 'utf8')) as {
      verdicts: { passed: boolean }[];
    };
    expect(summary.gates.map((g) => g.passed)).toEqual(gatesJson.verdicts.map((v) => v.passed));
    // The headline run metrics, as result.json has them, and the plan's recommendation and cost.
    for (const name of [
      'records.produced',
      'records.acknowledged',
      'records.throttled',
      'lostRecords',
      'throttledRatio',
      'putLatency.p50',
      'putLatency.p99',
      'e2eLatency.p99',
      'shards.maxUtilization',
      'consumers.archiver.lagSeconds.max',
      'firehose.to-s3.objects',
    ]) {
      expect(summary.metrics[name], name).toBe(result.metrics[name]);
    }
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      metrics: Record<string, number>;
    };
    expect(summary.metrics['shards.recommended']).toBe(plan.metrics['shards.recommended']);
    expect(summary.metrics['cost.monthly.provisioned']).toBe(plan.metrics['cost.monthly.provisioned']);
    // No histograms, no series.
    expect(r.stdout).not.toContain('encoded');
  });
});

describe('compare --json, --only and the warning for results that are not like for like', () => {
  async function resultOf(yaml: string, name: string): Promise<string> {
    const dir = join(TMP, 'compare', name);
    const r = await onDisk(['run', 'x.yaml', '--out', dir, '--quiet'], { 'x.yaml': yaml });
    expect(r.code).toBe(0);
    return join(dir, 'result.json');
  }

  it('prints every metric with baseline, current, change and verdict; exit 1 on a regression', async () => {
    const calm = await resultOf(CALM, 'calm');
    const short = await resultOf(SHORT, 'short');
    const r = await onDisk(['compare', calm, short, '--json']);
    expect(r.code).toBe(1);
    const comparison = JSON.parse(r.stdout) as ComparisonSummary;
    const baseline = parseResult(readFileSync(calm, 'utf8'), 'calm');
    const current = parseResult(readFileSync(short, 'utf8'), 'short');
    expect(comparison.rows.map((row) => row.metric)).toEqual(
      Object.keys({ ...baseline.metrics, ...current.metrics }).sort(),
    );
    const throttled = comparison.rows.find((row) => row.metric === 'throttledRatio')!;
    // 500 records/s on 2 shards never throttles; 3,000/s does: from 0, so no relative change.
    expect(throttled).toMatchObject({
      baseline: 0,
      current: current.metrics.throttledRatio,
      change: null,
      direction: 'higher-is-worse',
      verdict: 'regression',
    });
    const produced = comparison.rows.find((row) => row.metric === 'records.produced')!;
    // An input, not an outcome: it changed (about 6×), neither better nor worse.
    expect(produced.verdict).toBe('changed');
    expect(produced.change).toBeCloseTo(
      (current.metrics['records.produced']! - baseline.metrics['records.produced']!) /
        baseline.metrics['records.produced']!,
      12,
    );
    expect(comparison.regressions).toBe(comparison.rows.filter((row) => row.verdict === 'regression').length);
    expect(comparison.baseline).toMatchObject({ file: calm, scenario: 'calm', target: 'model', seed: 7 });
    // Same name, other content: the scenario changed between the runs.
    expect(comparison.warnings).toEqual([
      expect.stringMatching(/^scenario "calm" changed between the runs \(hash [0-9a-f]{12} in the baseline/),
    ]);
    expect(r.stderr).toBe(`warning: ${comparison.warnings[0]}\n`);
  });

  it('report --baseline warns the same way', async () => {
    const calm = await resultOf(CALM, 'calm-report');
    const short = await resultOf(SHORT, 'short-report');
    const dir = fresh('report-baseline');
    const r = await onDisk(['report', short, '--baseline', calm, '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: scenario "calm" changed between the runs \(hash [0-9a-f]{12} in the baseline/,
    );
    // …and the page says so too, where the comparison is: a reader of the report never sees stderr.
    const page = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(page).toMatch(
      /Not like for like: scenario &quot;calm&quot; changed between the runs \(hash [0-9a-f]{12}/,
    );
  });

  it('no warning for the same scenario; a warning for other scenarios and targets', async () => {
    const calm = await resultOf(CALM, 'calm-again');
    const same = await onDisk(['compare', calm, calm]);
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('');
    const other = await resultOf(SHORT.replace('name: calm', 'name: busy'), 'busy');
    const renamed = await onDisk(['compare', calm, other]);
    expect(renamed.stderr).toContain(
      'warning: the results come from different scenarios: "calm" (baseline) and "busy" (current)\n',
    );
    // A result from another target (only the model exists today: its file edited as one would be).
    const aws = join(fresh('aws'), 'result.json');
    writeFileSync(aws, readFileSync(calm, 'utf8').replace('"target": "model"', '"target": "aws"'));
    const targets = await onDisk(['compare', calm, aws]);
    expect(targets.stderr).toBe(
      'warning: the results come from different targets: model (baseline) and aws (current)\n',
    );
  });

  it('--only regressed and --only changed print only those rows; the exit code still counts all', async () => {
    const calm = await resultOf(CALM, 'calm-only');
    const short = await resultOf(SHORT, 'short-only');
    const all = JSON.parse((await onDisk(['compare', calm, short, '--json'])).stdout) as ComparisonSummary;
    const regressed = await onDisk(['compare', calm, short, '--only', 'regressed']);
    expect(regressed.code).toBe(1);
    const regressions = all.rows.filter((row) => row.verdict === 'regression').map((row) => row.metric);
    expect(regressions).toContain('throttledRatio');
    // The table's rows: between the header and the blank line before the footer.
    const rowsOf = (text: string) =>
      text
        .split('\n')
        .slice(1, text.split('\n').indexOf(''))
        .map((line) => line.split(/\s+/)[0]);
    expect(rowsOf(regressed.stdout)).toEqual(regressions);
    expect(regressed.stdout).toContain(
      `\n\n${regressions.length} of ${all.rows.length} metrics regressed beyond 10% (--only regressed)\n`,
    );
    // Said once: not also "N regressions beyond 10%" above it.
    expect(regressed.stdout).not.toMatch(/^\d+ regressions? beyond/m);
    const changed = await onDisk(['compare', calm, short, '--only', 'changed', '--json']);
    const rows = (JSON.parse(changed.stdout) as ComparisonSummary).rows;
    expect(rows.map((row) => row.metric)).toEqual(
      all.rows.filter((row) => row.verdict !== 'same').map((row) => row.metric),
    );
    expect(rows.length).toBeLessThan(all.rows.length);
    expect(rows.every((row) => row.verdict !== 'same')).toBe(true);
    const bad = await onDisk(['compare', calm, short, '--only', 'worse']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Argument: only, Given: "worse", Choices: "changed", "regressed"');
  });
});

describe('--out is a directory on every command', () => {
  it('plan --out DIR writes plan.json, gates.json and index.html into it (it was EISDIR, exit 70)', async () => {
    const dir = fresh('plan-existing');
    const r = await onDisk(['plan', LAUNCH_DAY, '--out', dir]);
    expect(r.code).toBe(0);
    expect(tree(dir)).toEqual(['gates.json', 'index.html', 'plan.json']);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toMatchObject({ version: PLAN_VERSION });
  });

  it('plan --out dir/ creates the directory (it wrote a file named dir)', async () => {
    const parent = fresh('plan-slash');
    const r = await onDisk(['plan', LAUNCH_DAY, '--out', `${join(parent, 'new', 'deeper')}/`]);
    expect(r.code).toBe(0);
    expect(tree(parent)).toEqual([
      'new',
      join('new', 'deeper'),
      join('new', 'deeper', 'gates.json'),
      join('new', 'deeper', 'index.html'),
      join('new', 'deeper', 'plan.json'),
    ]);
  });

  it('report FILE --out DIR writes DIR/index.html and finds gates.json beside FILE', async () => {
    const planned = fresh('report-in');
    expect((await onDisk(['plan', LAUNCH_DAY, '--out', planned, '--no-html'])).code).toBe(0);
    const out = fresh('report-out');
    const r = await onDisk(['report', join(planned, 'plan.json'), '--out', out]);
    expect(r.code).toBe(0);
    expect(tree(out)).toEqual(['index.html']);
    // launch-day's cost gate is a plan gate, checked from the gates.json beside the plan.
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('cost.monthly.provisioned &lt; 1500');
    // Without --out: the folder of the input.
    expect((await onDisk(['report', join(planned, 'plan.json')])).code).toBe(0);
    expect(tree(planned)).toEqual(['gates.json', 'index.html', 'plan.json']);
  });

  it('schema --out DIR writes DIR/scenario.schema.json, the same as stdout', async () => {
    const dir = join(fresh('schema'), 'schemas');
    const r = await onDisk(['schema', '--out', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'scenario.schema.json'), 'utf8')).toBe((await run(['schema'])).stdout);
  });

  it.each([
    ['plan', [LAUNCH_DAY]],
    ['run', [LAUNCH_DAY, '--quiet']],
    ['report', ['PLAN']],
    ['schema', []],
  ])('%s --out FILE: exit 2 naming the path, the file untouched, nothing written', async (command, rest) => {
    const dir = fresh(`file-${command}`);
    const planned = fresh(`file-${command}-plan`);
    await onDisk(['plan', LAUNCH_DAY, '--out', planned, '--no-html']);
    const file = join(dir, 'taken');
    writeFileSync(file, 'keep me');
    const args = rest.map((a) => (a === 'PLAN' ? join(planned, 'plan.json') : a));
    const r = await onDisk([command, ...args, '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: --out ${file}: cannot use ${file} as the output directory: it is a file, not a directory\n`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(tree(dir)).toEqual(['taken']);
  });

  it('a parent that is a file, and a name that looks like a file: exit 2 with the reason', async () => {
    const dir = fresh('parent-file');
    writeFileSync(join(dir, 'f'), '');
    const under = await onDisk(['run', LAUNCH_DAY, '--out', join(dir, 'f', 'out')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(
      `cannot use ${join(dir, 'f', 'out')} as the output directory: ${join(dir, 'f')} is a file, not a directory\n`,
    );
    const named = await onDisk(['plan', LAUNCH_DAY, '--out', join(dir, 'plan.json')]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`error: --out ${join(dir, 'plan.json')}: names a directory`);
    expect(named.stderr).toContain(`hint: write --out ${dir} (the file names inside it are fixed)`);
    expect(tree(dir)).toEqual(['f']);
  });

  it('a write that fails inside the directory is exit 2, and leaves no temporary file', async () => {
    const planned = fresh('blocked-plan');
    await onDisk(['plan', LAUNCH_DAY, '--out', planned, '--no-html']);
    const out = fresh('blocked');
    // A directory where index.html goes: the rename fails (EISDIR).
    mkdirSync(join(out, 'index.html'));
    const r = await onDisk(['report', join(planned, 'plan.json'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: cannot write ${join(out, 'index.html')}: it is a directory\n`);
    expect(tree(out)).toEqual(['index.html']);
  });

  it('run --out DIR leaves the six artefacts and nothing else', async () => {
    const dir = fresh('run-clean');
    const r = await onDisk(['run', 'x.yaml', '--out', dir, '--quiet'], { 'x.yaml': CALM });
    expect(r.code).toBe(0);
    expect(tree(dir)).toEqual([
      'gates.json',
      'index.html',
      'junit.xml',
      'plan.json',
      'result.json',
      'summary.md',
    ]);
  });
});

describe('validate --json', () => {
  it('prints a JSON verdict without --print (it printed text)', async () => {
    const r = await run(['validate', LAUNCH_DAY, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      valid: true,
      file: LAUNCH_DAY,
      name: 'launch-day',
      counts: { producers: 1, consumers: 2, firehose: 1, events: 1, gates: 4 },
      warnings: [],
    });
  });

  it('lists the warnings, located, with the line stderr prints', async () => {
    const r = await run(['validate', 'scenarios/reshard-plan.yaml', '--json']);
    expect(r.code).toBe(0);
    const verdict = JSON.parse(r.stdout) as { warnings: { line: number; path: string; text: string }[] };
    expect(verdict.warnings.length).toBeGreaterThan(0);
    expect(verdict.warnings[0]).toMatchObject({
      file: 'scenarios/reshard-plan.yaml',
      line: expect.any(Number),
      path: expect.stringMatching(/^events\[2\]\.reshard\.shards$/),
    });
    expect(r.stderr).toBe(verdict.warnings.map((w) => `warning: ${w.text}\n`).join(''));
  });

  it('an invalid scenario: exit 2, the problems on stderr, and valid: false with them on stdout', async () => {
    const r = await run(['validate', 'test/fixtures/mode-typo-and-bad-rate.yaml', '--json']);
    expect(r.code).toBe(2);
    const verdict = JSON.parse(r.stdout) as { valid: boolean; problems: Record<string, unknown>[] };
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.map((p) => [p.path, p.line, p.column])).toEqual([
      ['stream.mode', 5, 9],
      ['producers[0].rate', 9, 11],
    ]);
    expect(verdict.problems[0]).toMatchObject({ found: '"provisoned"', hint: 'did you mean "provisioned"?' });
    expect(r.stderr).toMatch(
      /^error: 2 problems found\n {2}test\/fixtures\/mode-typo-and-bad-rate\.yaml:5:9: /,
    );
  });
});

describe('the run summary’s words', () => {
  it('says "no consumers" rather than an end-to-end p99 of 0 s', async () => {
    const noConsumers = CALM.replace(/consumers:[\s\S]*$/, '');
    const r = await run(['run', 'x.yaml', '--out', join(TMP, 'none'), '--duration', '10s'], {
      'x.yaml': noConsumers,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('; end to end: no consumers\n');
    expect(r.stdout).not.toContain('end to end p99');
    // The HTML run table says the same, not "0 s / 0 s / 0 s".
    const page = r.io.written.get(join(TMP, 'none', 'index.html')) ?? '';
    const row = /end-to-end latency p50 \/ p95 \/ p99<\/t[hd]>\s*<td[^>]*>([^<]*)<\/td>/.exec(page);
    expect(row?.[1]).toBe('no consumers');
  });

  it('counts in the singular for one: 1 retry, 1 record, 1 object', () => {
    // The synthetic run (280 produced, 30 throttled of 300 attempts), cut to one of each.
    const one = syntheticResult();
    one.counters.throttled = 1;
    one.counters.retried = 1;
    one.counters.dropped = 1;
    one.counters.firehose = { s3: { records: 1, bytes: 1000, objects: 1, objectBytes: 1000, throttled: 1 } };
    one.series.throttled = [0, 1, 0, 0];
    const text = renderRunSummary(one, [], 'model', '/out', '/');
    expect(text).toContain('throttled 1 attempt of 300 (');
    expect(text).toContain(', 1 retry\n');
    expect(text).toContain('lost      1 record after its last attempt');
    expect(text).toContain('throttling in 1 of 4 seconds');
    expect(text).toContain('s3: 1 object of 1,000 B on average');
    expect(text).toContain(', 1 record throttled by the Direct PUT quota');
    expect(text).not.toMatch(/\(s\)|\b1 (?:records|objects|attempts|retries)\b/);
  });

  it('validate counts in the singular and plural, without "(s)"', async () => {
    const r = await run(['validate', 'x.yaml'], { 'x.yaml': CALM });
    expect(r.stdout).toBe(
      'x.yaml: valid scenario "calm": 1 producer, 1 consumer, 0 Firehose streams, 0 events\n',
    );
  });
});
