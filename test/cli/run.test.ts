/**
 * `shardcast run` and `shardcast compare` in-process, as a CI pipeline uses them: exit codes,
 * the files written next to result.json, gates from the scenario and the command line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../src/cli/commands/run.js';
import { main } from '../../src/cli/main.js';
import { parseResult } from '../../src/result/io.js';
import { calmScenario } from '../helpers/calm.js';
import { FakeIo, REPO_ROOT, run } from '../helpers/fake-io.js';
import { syntheticResult } from '../result/synthetic-result.js';

const OUT = '/tmp/shardcast-run-test';
const CALM = calmScenario({
  duration: '2m',
  reader: true,
  gates: ['throttledRatio <= 0.001', 'lostRecords == 0', 'shards.recommended <= 2'],
});
/** The same stream at 3× a shard's record limit: it must throttle and fail its gate. */
const SHORT = CALM.replace('name: calm', 'name: short')
  .replace('rate: 500/s', 'rate: 3000/s')
  .replace('  - shards.recommended <= 2\n', '');

describe('shardcast run', () => {
  it('runs a calm scenario, passes its gates, exits 0 and writes the four files', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT], { 'calm.yaml': CALM });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Gates (3 of 3 passed)');
    expect(r.stdout).toContain('✓ throttledRatio <= 0.001');
    for (const file of ['result.json', 'plan.json', 'junit.xml', 'summary.md']) {
      expect(r.io.written.has(join(OUT, file))).toBe(true);
    }
    const result = parseResult(r.io.written.get(join(OUT, 'result.json'))!, 'result.json');
    // 500 records/s for 120 s ≈ 60,000 records (Poisson arrivals: within 2%).
    expect(result.counters.produced).toBeGreaterThan(58_800);
    expect(result.counters.produced).toBeLessThan(61_200);
    expect(result.metrics.throttledRatio).toBe(0);
    const junit = r.io.written.get(join(OUT, 'junit.xml'))!;
    expect(junit).toContain('tests="3"');
    expect(junit).toContain('failures="0"');
  });

  it('exits 1 when a gate fails, and says what was measured against what was allowed', async () => {
    const r = await run(['run', 'short.yaml', '--out', OUT], { 'short.yaml': SHORT });
    expect(r.code).toBe(1);
    // 3,000 records/s on 2 shards of 1,000/s: a third of the first attempts throttle at least.
    expect(r.stdout).toMatch(/✗ throttledRatio <= 0\.001: throttledRatio = [\d.]+%, allowed <= 0\.1%/);
    expect(r.stdout).toContain('— it throttles');
    const summary = r.io.written.get(join(OUT, 'summary.md'))!;
    expect(summary).toContain('❌');
    expect(r.io.written.get(join(OUT, 'junit.xml'))).toContain('<failure');
  });

  it('adds --gate expressions to the scenario gates', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--gate', 'putLatency.p99 < 1ms'], {
      'calm.yaml': CALM,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ putLatency.p99 < 1ms');
  });

  it('rejects an unknown metric in --gate with a suggestion and exit code 2, before running', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--gate', 'throttleRatio < 0.01'], {
      'calm.yaml': CALM,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--gate[0]');
    expect(r.stderr).toContain('did you mean "throttledRatio"?');
    expect(r.stderr).not.toContain('    at ');
  });

  it('rejects an unknown metric in the scenario gates at file:line', async () => {
    const bad = CALM.replace('  - lostRecords == 0', '  - lostRecord == 0');
    const r = await run(['validate', 'bad.yaml'], { 'bad.yaml': bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: gates\[1\]:/);
    expect(r.stderr).toContain('did you mean "lostRecords"?');
  });

  it('honours --seed and --duration (--json prints the summary; the RunResult is in result.json)', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--seed', '3', '--duration', '30s'], {
      'calm.yaml': CALM,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ seed: 3, durationSeconds: 30 });
    const result = parseResult(r.io.writtenFile(join(OUT, 'result.json'))!, 'result.json');
    expect(result.scenario.seed).toBe(3);
    expect(result.scenario.durationSeconds).toBe(30);
    expect(result.series.offered).toHaveLength(30);
  });

  it('exits 2 for an unknown target or a bad duration', async () => {
    const target = await run(['run', 'calm.yaml', '--target', 'mars'], { 'calm.yaml': CALM });
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('unknown target "mars"');
    const duration = await run(['run', 'calm.yaml', '--duration', 'soon'], { 'calm.yaml': CALM });
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('--duration soon is not a duration');
  });

  it('writes under reports/<scenario>/<run-id>/ by default', async () => {
    const r = await run(['run', 'calm.yaml', '--duration', '10s'], { 'calm.yaml': CALM });
    expect(r.code).toBe(0);
    // The fake clock says 2025-01-01T00:00:00Z; the run id is the time and the seed.
    expect(r.io.written.has(join(REPO_ROOT, 'reports/calm/20250101-000000-s7/result.json'))).toBe(true);
  });

  describe('two runs of one scenario in the same second', () => {
    let cwd: string;
    beforeEach(() => {
      cwd = mkdtempSync(join(tmpdir(), 'shardcast-same-second-'));
    });
    afterEach(() => rmSync(cwd, { recursive: true, force: true }));

    /** Runs calm.yaml with `gate` in `cwd` (on disk), the fake clock's same second, tagged by `tags`. */
    async function runIn(gate: string, tags: string[]): Promise<FakeIo> {
      const io = new FakeIo({ files: { 'calm.yaml': CALM }, cwd, writeToDisk: true, uniqueTags: tags });
      expect(await main(['run', 'calm.yaml', '--duration', '10s', '--gate', gate], io)).toBe(
        gate.startsWith('throttledRatio') ? 1 : 0,
      );
      return io;
    }
    const gatesOf = (dir: string) => readFileSync(join(cwd, 'reports/calm', dir, 'gates.json'), 'utf8');

    it('each gets a run id of its own and its own folder: neither replaces the other', async () => {
      // Both start at the fake clock's 2025-01-01T00:00:00Z with seed 7: before, both were
      // 20250101-000000-s7 and the second run's files replaced the first's. A passing run and a
      // failing one (throttledRatio < 0 cannot pass) run together.
      const [passing, failing] = await Promise.all([
        runIn('lostRecords == 0', ['a1b2c3']),
        runIn('throttledRatio < 0', ['d4e5f6']),
      ]);
      expect(readdirSync(join(cwd, 'reports/calm')).sort()).toEqual([
        '20250101-000000-s7-a1b2c3',
        '20250101-000000-s7-d4e5f6',
      ]);
      expect(gatesOf('20250101-000000-s7-a1b2c3')).toContain('lostRecords == 0');
      expect(gatesOf('20250101-000000-s7-d4e5f6')).toContain('throttledRatio < 0');
      // Each says which folder it used.
      expect(passing.out).toContain('reports/calm/20250101-000000-s7-a1b2c3');
      expect(failing.out).toContain('reports/calm/20250101-000000-s7-d4e5f6');
    });

    it('a folder another run made is never written into: the next free name is taken', async () => {
      // The same tag twice (as if the random tags met): the second run's folder is "-2".
      await runIn('lostRecords == 0', ['same00']);
      const second = await runIn('throttledRatio < 0', ['same00']);
      expect(gatesOf('20250101-000000-s7-same00')).toContain('lostRecords == 0');
      expect(gatesOf('20250101-000000-s7-same00-2')).toContain('throttledRatio < 0');
      expect(second.out).toContain('reports/calm/20250101-000000-s7-same00-2');
    });
  });
});

describe('shardcast compare', () => {
  async function resultOf(yaml: string): Promise<string> {
    const r = await run(['run', 'x.yaml', '--out', OUT, '--quiet', '--duration', '1m'], { 'x.yaml': yaml });
    return r.io.writtenFile(join(OUT, 'result.json'))!;
  }

  it('exits 0 for the same result and 1 when throttling got worse beyond the tolerance', async () => {
    const calm = await resultOf(CALM.replace(/gates:[\s\S]*$/, ''));
    const short = await resultOf(SHORT.replace('name: short', 'name: calm').replace(/gates:[\s\S]*$/, ''));
    const same = await run(['compare', 'a.json', 'b.json'], { 'a.json': calm, 'b.json': calm });
    expect(same.code).toBe(0);
    const worse = await run(['compare', 'a.json', 'b.json', '--tolerance', '10%'], {
      'a.json': calm,
      'b.json': short,
    });
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain('throttledRatio');
    expect(worse.stdout.toLowerCase()).toContain('regression');
  });

  it('exits 2 for a file that is not a result', async () => {
    const r = await run(['compare', 'a.json', 'b.json'], {
      'a.json': '{"version": 1}',
      'b.json': 'not json',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a.json');
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('shardcast run progress', () => {
  class TerminalIo extends FakeIo {
    override readonly isTTY: boolean = true;
  }

  it('draws a progress bar on a terminal, and none with --quiet', async () => {
    const io = new TerminalIo({ files: { 'calm.yaml': CALM } });
    expect(await main(['run', 'calm.yaml', '--out', OUT, '--duration', '20s'], io)).toBe(0);
    expect(io.err).toContain('% of 20 s simulated');
    expect(io.err).toContain('█');
    const quiet = new TerminalIo({ files: { 'calm.yaml': CALM } });
    expect(await main(['run', 'calm.yaml', '--out', OUT, '--duration', '20s', '--quiet'], quiet)).toBe(0);
    expect(quiet.err).toBe('');
  });

  it('draws none off a terminal (CI logs stay clean)', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--duration', '20s'], { 'calm.yaml': CALM });
    expect(r.stderr).toBe('');
  });
});

describe('the run summary on a shard-second above its limit', () => {
  // The synthetic run's hottest shard peaks at 120% in second 1. A shard's token bucket holds one
  // second's worth, so a second above the limit throttles only if the bucket was short: the summary
  // says "it throttles" when that second throttled, and that the bucket absorbed it otherwise.
  it('says it throttles when that second did, and that the bucket absorbed it when not', () => {
    const throttling = syntheticResult();
    expect(renderRunSummary(throttling, [], 'model', '/out', '/')).toContain(
      'shard 2 at 120% of its write limit (at 1 s) — it throttles',
    );
    const absorbed = syntheticResult();
    absorbed.series.throttled = [10, 0, 5, 0];
    const text = renderRunSummary(absorbed, [], 'model', '/out', '/');
    expect(text).toContain('absorbed by its token bucket');
    expect(text).not.toContain('it throttles');
  });

  it('reads a downsampled row as its step: the peak of seconds 4–6 of a run, throttled in second 5', () => {
    // Rows downsampled to 2-second steps hold each step's maximum: index 2 is seconds 4 and 5. The
    // summary said "at 2 s" (the index) and looked for throttling in second 2.
    const r = syntheticResult();
    r.series.throttled = [0, 0, 0, 0, 0, 7];
    r.shardSeries.hottestStepSeconds = 2;
    r.shardSeries.hottest = [{ shard: 2, utilization: [0.5, 0.9, 1.2] }];
    expect(renderRunSummary(r, [], 'model', '/out', '/')).toContain(
      'shard 2 at 120% of its write limit (at 4 s–6 s) — it throttles',
    );
  });

  it('summarises a week of per-second points (Math.max over 604,800 arguments overflowed the stack: exit 70)', () => {
    const week = 7 * 86_400;
    const r = syntheticResult();
    r.series.throttled = new Array<number>(week).fill(0);
    r.series.consumerLagSeconds = { orders: Array.from({ length: week }, (_, s) => (s === 1000 ? 9 : 0)) };
    r.shardSeries.hottest = [
      { shard: 2, utilization: Array.from({ length: week }, (_, s) => (s === 5000 ? 1.5 : 0.5)) },
    ];
    const text = renderRunSummary(r, [], 'model', '/out', '/');
    expect(text).toContain('shard 2 at 150% of its write limit (at 83.3 min)');
    expect(text).toContain('orders: 270 records, lag max 9 s');
  });
});
