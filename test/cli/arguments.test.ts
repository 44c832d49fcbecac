/**
 * Command-line values as a user types them (issue 9, point 13): `--duration 5` is 5 seconds (as
 * the README and a scenario's `duration: 5` say), `--seed abc` names the value it rejects (not
 * "NaN"), and a bad `--gate` is named once (`--gate[1]:`, not `--gate: --gate[1]:`).
 */
import { describe, expect, it } from 'vitest';
import { parseResult } from '../../src/result/io.js';
import { calmScenario } from '../helpers/calm.js';
import { run } from '../helpers/fake-io.js';

const CALM = calmScenario({ duration: '2m' });
const OUT = '/tmp/shardcast-arguments-test';

describe('run --duration and --seed', () => {
  it('takes --duration 5 as 5 seconds, and --duration 1.5 as 1.5 seconds', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--duration', '5'], {
      'calm.yaml': CALM,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = parseResult(r.io.writtenFile(`${OUT}/result.json`)!, 'result.json');
    // 5 s simulated: one offered point a second.
    expect(result.scenario.durationSeconds).toBe(5);
    expect(result.series.offered).toHaveLength(5);
    const half = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--duration', '1.5'], {
      'calm.yaml': CALM,
    });
    expect(half.code).toBe(0);
    expect(
      parseResult(half.io.writtenFile(`${OUT}/result.json`)!, 'result.json').scenario.durationSeconds,
    ).toBe(1.5);
  });

  it('rejects --duration 0, 5x and soon with exit 2 and how to write one', async () => {
    for (const text of ['0', '5x', 'soon']) {
      const r = await run(['run', 'calm.yaml', '--out', OUT, '--duration', text], { 'calm.yaml': CALM });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--duration ${text} is not a duration`);
      expect(r.stderr).toContain('a plain number of seconds');
    }
  });

  it('takes --seed 42 and rejects --seed abc naming "abc", never "NaN"', async () => {
    const ok = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--duration', '3s', '--seed', '42'], {
      'calm.yaml': CALM,
    });
    expect(ok.code).toBe(0);
    expect(parseResult(ok.io.writtenFile(`${OUT}/result.json`)!, 'result.json').scenario.seed).toBe(42);
    for (const text of ['abc', '-1', '1.5', '4294967296']) {
      const r = await run(['run', 'calm.yaml', '--out', OUT, '--seed', text], { 'calm.yaml': CALM });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: --seed "${text}" is not a seed`);
      expect(r.stderr).toContain('a whole number from 0 to 4294967295');
      expect(r.stderr).not.toContain('NaN');
    }
  });
});

describe('--gate problems', () => {
  it('names the argument once: --gate[1]:, not --gate: --gate[1]:', async () => {
    const r = await run(
      ['run', 'calm.yaml', '--out', OUT, '--gate', 'lostRecords == 0', '--gate', 'throttleRatio < 0.01'],
      { 'calm.yaml': CALM },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  --gate[1]: unknown metric "throttleRatio"');
    expect(r.stderr).not.toContain('--gate: ');
  });

  it('an unknown metric points to both lists a gate may name: plan metrics and run metrics', async () => {
    // A name nothing resembles, so the hint is the lists rather than "did you mean".
    const hint =
      '      hint: a gate names a plan metric (listed by `shardcast plan --json` under "metrics", and in the README, "Plan metrics") or a run metric (in result.json under "metrics", and in the README, "Run metrics")\n';
    const onRun = await run(['run', 'calm.yaml', '--out', OUT, '--gate', 'foo.bar < 3'], {
      'calm.yaml': CALM,
    });
    expect(onRun.code).toBe(2);
    expect(onRun.stderr).toBe(`error: 1 problem found\n  --gate[0]: unknown metric "foo.bar"\n${hint}`);
    const inFile = await run(['validate', 'calm.yaml'], { 'calm.yaml': `${CALM}gates: ["foo.bar < 3"]\n` });
    expect(inFile.code).toBe(2);
    expect(inFile.stderr).toContain(`gates[0]: unknown metric "foo.bar"\n${hint}`);
  });
});

describe('an option given twice: the last value wins', () => {
  it('run --seed 1 --seed 2 --duration 5 --duration 3 --out A --out B runs seed 2 for 3 s into B', async () => {
    const r = await run(
      [
        'run',
        'calm.yaml',
        '--json',
        '--seed',
        '1',
        '--seed',
        '2',
        '--duration',
        '5',
        '--duration',
        '3',
        '--out',
        `${OUT}-first`,
        '--out',
        OUT,
      ],
      { 'calm.yaml': CALM },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = parseResult(r.io.writtenFile(`${OUT}/result.json`)!, 'result.json');
    expect(result.scenario.seed).toBe(2);
    expect(result.scenario.durationSeconds).toBe(3);
    expect([...r.io.written.keys()].filter((path) => path.startsWith(`${OUT}-first`))).toEqual([]);
  });

  it('checks the last value only, and names it alone: --duration 5 --duration 0 is "--duration 0"', async () => {
    const r = await run(['run', 'calm.yaml', '--out', OUT, '--duration', '5', '--duration', '0'], {
      'calm.yaml': CALM,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --duration 0 is not a duration\n');
    const seed = await run(['run', 'calm.yaml', '--out', OUT, '--seed', '1', '--seed', 'x'], {
      'calm.yaml': CALM,
    });
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('error: --seed "x" is not a seed\n');
    expect(seed.stderr).not.toContain('[');
  });

  it('a choice given twice is the last one (compare --only regressed --only changed is --only changed)', async () => {
    const first = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--duration', '3s', '--seed', '1'], {
      'calm.yaml': CALM,
    });
    const second = await run(
      ['run', 'calm.yaml', '--out', OUT, '--json', '--duration', '3s', '--seed', '2'],
      {
        'calm.yaml': CALM,
      },
    );
    const files = {
      'a.json': first.io.writtenFile(`${OUT}/result.json`)!,
      'b.json': second.io.writtenFile(`${OUT}/result.json`)!,
    };
    const r = await run(['compare', 'a.json', 'b.json', '--only', 'regressed', '--only', 'changed'], files);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('(--only changed)');
    const bad = await run(['compare', 'a.json', 'b.json', '--only', 'changed', '--only', 'all'], files);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Given: "all"');
  });
});
