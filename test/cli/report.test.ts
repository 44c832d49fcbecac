/**
 * `shardcast report`, and the index.html that `run` and `plan --out` write, in-process as a user
 * runs them: which files appear, what they hold, and the mistakes that exit 2.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type FakeIo, run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-report-test';
const SCENARIO = `name: small
duration: 1m
seed: 3
stream: { shards: 2 }
producers:
  - { name: app, rate: 2500/s, recordSize: 1KiB, keys: { dist: uniform, count: 1000 } }
consumers:
  - { name: reader, type: polling }
gates:
  - throttledRatio <= 0.001
  - shards.recommended <= 8
`;

/** Runs `small` into OUT (in memory) and returns the Io holding its files. */
async function runSmall(args: readonly string[] = []): Promise<FakeIo> {
  const r = await run(['run', 'small.yaml', '--out', OUT, ...args], { 'small.yaml': SCENARIO });
  // 2,500 records/s on 2 shards of 1,000/s: the throttling gate fails.
  expect(r.code).toBe(1);
  return r.io;
}

async function runIn(
  io: FakeIo,
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  io.out = '';
  io.err = '';
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('run writes the report', () => {
  it('index.html and gates.json beside result.json', async () => {
    const io = await runSmall();
    const page = io.writtenFile(join(OUT, 'index.html'))!;
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('1 of 2 gates failed');
    expect(page).toContain('id="chart-shard-heatmap"');
    const gates = JSON.parse(io.writtenFile(join(OUT, 'gates.json'))!) as {
      verdicts: { gate: string; passed: boolean }[];
    };
    expect(gates.verdicts.map((v) => [v.gate, v.passed])).toEqual([
      ['throttledRatio <= 0.001', false],
      ['shards.recommended <= 8', true],
    ]);
    expect(io.out).toContain(`the report: ${OUT}/index.html`);
  });

  it('--no-html writes no index.html', async () => {
    const io = await runSmall(['--no-html']);
    expect(io.writtenFile(join(OUT, 'index.html'))).toBeUndefined();
    expect(io.writtenFile(join(OUT, 'result.json'))).toBeDefined();
  });
});

describe('shardcast report', () => {
  it('rebuilds the report from result.json, with the plan and the gates beside it', async () => {
    const io = await runSmall(['--no-html']);
    const r = await runIn(io, ['report', join(OUT, 'result.json')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Wrote ${OUT}/index.html\n`);
    const page = io.writtenFile(join(OUT, 'index.html'))!;
    expect(page).toContain('1 of 2 gates failed');
    expect(page).toContain('id="plan-shards"');
  });

  it('rebuilds a run written by an older shardcast, leaving out its plan of another format and saying so', async () => {
    // plan.json format 1 (before consumers carried their lag at both counts) cannot be read as a
    // plan; the run's report is still wanted: it is written without the plan, with a warning.
    const io = await runSmall(['--no-html']);
    const planFile = join(OUT, 'plan.json');
    const old = JSON.parse(io.writtenFile(planFile)!) as { version: number };
    io.addFile(planFile, JSON.stringify({ ...old, version: 1 }));
    const r = await runIn(io, ['report', join(OUT, 'result.json')]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `warning: ${planFile} is plan format 1 (this shardcast reads 3): the report leaves the plan out; write it again with \`shardcast plan SCENARIO --out ${OUT}\`\n`,
    );
    const page = io.writtenFile(join(OUT, 'index.html'))!;
    expect(page).toContain('1 of 2 gates failed');
    expect(page).not.toContain('id="plan-shards"');
    // Given as the input, a plan of another format is still refused.
    expect((await runIn(io, ['report', planFile])).code).toBe(2);
  });

  it('--out names the directory; --baseline adds the comparison and the baseline’s series', async () => {
    // The baseline: the same stream at 500 records/s, which never throttles.
    const calm = await run(['run', 'calm.yaml', '--out', '/tmp/base', '--no-html'], {
      'calm.yaml': SCENARIO.replace('rate: 2500/s', 'rate: 500/s'),
    });
    expect(calm.code).toBe(0);
    const io = await runSmall();
    io.addFile('/tmp/base/result.json', calm.io.writtenFile('/tmp/base/result.json')!);
    const r = await runIn(io, [
      'report',
      join(OUT, 'result.json'),
      '--baseline',
      '/tmp/base/result.json',
      '--out',
      '/tmp/x/cmp',
    ]);
    expect(r.code).toBe(0);
    const page = io.writtenFile('/tmp/x/cmp/index.html')!;
    // 2,500 records/s on 2 shards throttles where 500/s did not: throttledRatio goes from 0, a
    // regression, and the regressions come first in the table.
    expect(page).toContain('id="comparison"');
    expect(page).toMatch(/[1-9]\d* metrics? worse by more than 10%/);
    expect(page).toMatch(/[1-9]\d* regressions? against the baseline/);
    const comparison = page.slice(page.indexOf('id="comparison"'));
    const throttled = /<tr><td><code>throttledRatio<\/code><\/td>([\s\S]*?)<\/tr>/.exec(comparison)![1]!;
    expect(throttled).toContain('from 0');
    expect(throttled).toContain('regression');
    // The baseline's series on the charts: rows of its own run, drawn dashed in their series' colour.
    expect(page).toMatch(/"series":"acknowledged","value":[\d.]+,"run":"baseline"/);
  });

  it('--format svg and png write each chart as an image beside the HTML', async () => {
    const io = await runSmall();
    const svg = await runIn(io, ['report', join(OUT, 'result.json'), '--format', 'svg']);
    expect(svg.code).toBe(0);
    expect(io.writtenBytes(join(OUT, 'throughput.svg'))!.subarray(0, 4).toString()).toBe('<svg');
    const png = await runIn(io, ['report', join(OUT, 'result.json'), '--format', 'png']);
    expect(png.code).toBe(0);
    for (const id of [
      'throughput',
      'shard-heatmap',
      'latency-over-time',
      'latency-distribution',
      'consumer-lag',
      'cost',
    ]) {
      const bytes = io.writtenBytes(join(OUT, `${id}.png`))!;
      // The PNG signature: 89 50 4E 47 0D 0A 1A 0A.
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });

  it('plan --out DIR writes a plan-only report beside the plan; report reads a plan too', async () => {
    const r = await run(['plan', 'small.yaml', '--out', '/tmp/p'], { 'small.yaml': SCENARIO });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Wrote /tmp/p/plan.json, gates.json and index.html (the report)\n');
    const page = r.io.writtenFile('/tmp/p/index.html')!;
    expect(page).toContain('Plan only: no run');
    // The plan's gate is checked now; the run's needs a run.
    expect(page).toContain('1 gate needs a run to be checked: throttledRatio &lt;= 0.001');
    expect(page).toContain('id="chart-cost"');
    // Rebuilt from the plan, with the gates.json beside it: the same verdicts and pending gate.
    const again = await runIn(r.io, ['report', '/tmp/p/plan.json', '--out', '/tmp/p/again']);
    expect(again.code).toBe(0);
    const rebuilt = r.io.writtenFile('/tmp/p/again/index.html')!;
    expect(rebuilt).toContain('Plan only: no run');
    expect(rebuilt).toContain('1 gate needs a run to be checked: throttledRatio &lt;= 0.001');
    expect(rebuilt).toContain('<code>shards.recommended &lt;= 8</code>');
    const none = await run(['plan', 'small.yaml', '--out', '/tmp/q', '--no-html'], {
      'small.yaml': SCENARIO,
    });
    expect(none.io.writtenFile('/tmp/q/index.html')).toBeUndefined();
  });
});

describe('shardcast report: mistakes exit 2 with the reason', () => {
  const cases: [string, string[], Record<string, string>, string][] = [
    ['a missing file', ['report', 'nope.json'], {}, 'error: cannot read nope.json: no such file\n'],
    [
      'JSON that is neither a result nor a plan',
      ['report', 'x.json'],
      { 'x.json': '{"hello": 1}' },
      'error: x.json: not a shardcast result or plan\nhint: give a result.json written by `shardcast run` or a plan written by `shardcast plan --out`\n',
    ],
    [
      'invalid JSON, with its line and column',
      ['report', 'x.json'],
      { 'x.json': '{\n  "a": 1,\n}' },
      "error: x.json:3:1: not valid JSON: expected a property name in double quotes, found '}'\n",
    ],
  ];
  for (const [what, argv, files, stderr] of cases) {
    it(what, async () => {
      const r = await run(argv, files);
      expect(r.stderr).toBe(stderr);
      expect(r.code).toBe(2);
    });
  }

  it('a plan with --baseline', async () => {
    const planned = await run(['plan', 'small.yaml', '--json'], { 'small.yaml': SCENARIO });
    const r = await run(['report', 'p.json', '--baseline', 'p.json'], { 'p.json': planned.stdout });
    expect(r.stderr).toBe('error: --baseline compares runs: give a result.json, not a plan\n');
    expect(r.code).toBe(2);
  });

  it('a gates.json that is not one', async () => {
    const planned = await run(['plan', 'small.yaml', '--json'], { 'small.yaml': SCENARIO });
    const r = await run(['report', 'p/plan.json'], {
      'p/plan.json': planned.stdout,
      'p/gates.json': '{"version": 1}',
    });
    // Read with a schema: each missing field is named by its path.
    expect(r.stderr).toMatch(
      /^error: p\/gates\.json is not a gates\.json written by shardcast:\n {2}verdicts: /,
    );
    expect(r.stderr).toContain('\n  pending: ');
    expect(r.stderr).toContain('hint: write it again with `shardcast run` or `shardcast plan --out DIR`');
    expect(r.code).toBe(2);
  });

  it('a gates.json whose verdict lacks a field, named by its path', async () => {
    const planned = await run(['plan', 'small.yaml', '--json'], { 'small.yaml': SCENARIO });
    // Before, only gate, passed and message were checked: a verdict without `measured` was cast
    // through and the report printed "undefined".
    const verdict = { gate: 'lostRecords == 0', passed: true, message: 'ok' };
    const r = await run(['report', 'p/plan.json'], {
      'p/plan.json': planned.stdout,
      'p/gates.json': JSON.stringify({ version: 1, verdicts: [verdict], pending: [] }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('\n  verdicts[0].metric: missing (expected string)');
    expect(r.stderr).toContain('\n  verdicts[0].measured: missing (expected number)');
  });

  it('an image format it does not write', async () => {
    const r = await run(['report', 'x.json', '--format', 'gif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid values');
    expect(r.stderr).toContain('Choices: "svg", "png"');
  });
});
