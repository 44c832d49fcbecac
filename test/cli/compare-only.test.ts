/**
 * `compare --only` as a CI user reads it: the regressions counted once (not "9 regressions beyond
 * 10%" and then "9 of 52 metrics regressed"), and every row `--only changed` lists shows a change
 * (4,804,566 → 4,804,679 read "0%": listed as changed, displayed as no change).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { calmScenario } from '../helpers/calm.js';
import { run } from '../helpers/fake-io.js';

const CALM = calmScenario({ duration: '3s' });
const OUT = '/tmp/shardcast-compare-only-test';

let files: Record<string, string>;

beforeAll(async () => {
  const ran = await run(['run', 'calm.yaml', '--out', OUT, '--json', '--no-html'], { 'calm.yaml': CALM });
  const baseline = ran.io.writtenFile(`${OUT}/result.json`)!;
  const data = JSON.parse(baseline) as { metrics: Record<string, number> };
  // The current run: one input 0.0024% up (as two seeds' record counts differ), one outcome 50% worse.
  // records.produced × (1 + 113 / 4,804,566): 113 ÷ 4,804,566 = 0.00235% → "+0.0024%".
  const produced = data.metrics['records.produced']!;
  data.metrics['records.produced'] = produced * (1 + 113 / 4_804_566);
  data.metrics['putLatency.p99'] = data.metrics['putLatency.p99']! * 1.5;
  files = { 'base.json': baseline, 'current.json': JSON.stringify(data) };
});

/** The table's rows: metric → change column, between the header and the blank line. */
function rowsOf(stdout: string): Map<string, string> {
  const lines = stdout.split('\n');
  const header = lines[0]!;
  const changeEnd = header.indexOf('change') + 'change'.length;
  return new Map(
    lines
      .slice(1, lines.indexOf(''))
      .map((line) => [line.split(/\s+/)[0]!, line.slice(0, changeEnd).trim().split(/\s+/).at(-1)!]),
  );
}

describe('compare --only', () => {
  it('--only changed: a change below 0.01% is shown with its digits, never "0%"', async () => {
    const r = await run(['compare', 'base.json', 'current.json', '--only', 'changed'], files);
    expect(r.stderr).toBe('');
    const rows = rowsOf(r.stdout);
    expect(rows.get('records.produced')).toBe('+0.0024%');
    expect(rows.get('putLatency.p99')).toBe('+50%');
    expect([...rows.values()]).not.toContain('0%');
    const total = JSON.parse(
      (await run(['compare', 'base.json', 'current.json', '--json'], files)).stdout,
    ) as {
      rows: unknown[];
    };
    expect(r.stdout).toContain(
      `\n\n${rows.size} of ${total.rows.length} metrics changed, 1 of them regressed beyond 10% (--only changed)\n`,
    );
    expect(r.code).toBe(1);
  });

  it('--only regressed: the count said once, with the tolerance', async () => {
    const r = await run(['compare', 'base.json', 'current.json', '--only', 'regressed'], files);
    const total = JSON.parse(
      (await run(['compare', 'base.json', 'current.json', '--json'], files)).stdout,
    ) as {
      rows: unknown[];
    };
    expect([...rowsOf(r.stdout).keys()]).toEqual(['putLatency.p99']);
    expect(r.stdout.split('\n').slice(-3)).toEqual([
      `1 of ${total.rows.length} metrics regressed beyond 10% (--only regressed)`,
      '',
      '',
    ]);
    expect(r.stdout).not.toContain('1 regression beyond');
    expect(r.code).toBe(1);
  });
});
