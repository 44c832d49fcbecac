/**
 * Issue 15, point 5: every file `report` reads back is validated by its schema, and a hand-edited
 * one is exit 2 naming the file and the path inside it, never exit 70. The plan's cases are in
 * test/cli/plan-schema.test.ts; these are the result and the gates beside it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { calmScenario } from '../helpers/calm.js';
import { run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-read-back-test';
let result: Record<string, unknown>;
let gates: Record<string, unknown>;

beforeAll(async () => {
  const ran = await run(['run', 'calm.yaml', '--out', `${OUT}/run`, '--no-html', '--quiet'], {
    'calm.yaml': calmScenario({ duration: '3s' }),
  });
  expect(ran.code).toBe(0);
  result = JSON.parse(ran.io.writtenFile(`${OUT}/run/result.json`)!);
  gates = JSON.parse(ran.io.writtenFile(`${OUT}/run/gates.json`)!);
});

describe('report reads back a hand-edited result and gates file', () => {
  it('a result.json with series.offered: "x" is exit 2 naming the path', async () => {
    const edited = { ...result, series: { ...(result.series as object), offered: 'x' } };
    const r = await run(['report', 'r/result.json', '--out', `${OUT}/a`], {
      'r/result.json': JSON.stringify(edited),
    });
    expect(r.stderr).toContain(
      'r/result.json: series.offered: Invalid input: expected array, received string',
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  });

  it('a gates.json beside it with verdicts: "x" is exit 2 naming the file and the path', async () => {
    const r = await run(['report', 'r/result.json', '--out', `${OUT}/b`], {
      'r/result.json': JSON.stringify(result),
      'r/gates.json': JSON.stringify({ ...gates, verdicts: 'x' }),
    });
    expect(r.stderr).toContain('r/gates.json is not a gates.json written by shardcast:\n  verdicts: ');
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  });
});
