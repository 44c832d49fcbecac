/**
 * One of shardcast's other files where a result.json is read (`compare`, `report --baseline`) or
 * a scenario given to `report`: the error says what the file is and what to give instead, not
 * "result format version 3 cannot be read … use the shardcast version that wrote the file" (a
 * plan's own version) or "not valid JSON: expected a value, found '#'" (a YAML scenario).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { calmScenario } from '../helpers/calm.js';
import { run } from '../helpers/fake-io.js';

const CALM = calmScenario({ duration: '3s' });
const OUT = '/tmp/shardcast-wrong-file-test';

/** Every file shardcast writes or prints, by name, from one plan, one run and their JSON output. */
let files: Record<string, string>;

beforeAll(async () => {
  const planned = await run(['plan', 'calm.yaml', '--out', `${OUT}/plan`, '--no-html'], {
    'calm.yaml': CALM,
  });
  const ran = await run(['run', 'calm.yaml', '--out', `${OUT}/run`, '--json', '--no-html'], {
    'calm.yaml': CALM,
  });
  const validated = await run(['validate', 'calm.yaml', '--json'], { 'calm.yaml': CALM });
  const result = ran.io.writtenFile(`${OUT}/run/result.json`)!;
  const compared = await run(['compare', 'a.json', 'a.json', '--json'], { 'a.json': result });
  const printed = await run(['validate', 'calm.yaml', '--print', '--json'], { 'calm.yaml': CALM });
  files = {
    'calm.yaml': CALM,
    'result.json': result,
    'plan.json': planned.io.writtenFile(`${OUT}/plan/plan.json`)!,
    'gates.json': planned.io.writtenFile(`${OUT}/plan/gates.json`)!,
    'summary.json': ran.stdout,
    'comparison.json': compared.stdout,
    'validation.json': validated.stdout,
    'scenario.json': printed.stdout,
  };
});

describe('a file that is not a result where one is read', () => {
  it.each<[string, string, string]>([
    [
      'plan.json',
      "plan.json is a plan (written by `shardcast plan --out`), not a run's result.json",
      'a plan has no measurements; run the scenario (`shardcast run SCENARIO --out DIR`) and give DIR/result.json',
    ],
    [
      'gates.json',
      "gates.json is a gates.json (the verdicts of the gates, written beside a plan or a result), not a run's result.json",
      'give the result.json (or, to report a plan, the plan.json) in the same folder',
    ],
    [
      'summary.json',
      "summary.json is the summary `shardcast run --json` prints, not a run's result.json",
      `the whole result is the result.json in the run's folder (${OUT}/run/result.json)`,
    ],
    [
      'comparison.json',
      "comparison.json is a comparison (printed by `shardcast compare --json`), not a run's result.json",
      'give the result.json files the comparison was made of',
    ],
    [
      'validation.json',
      "validation.json is a verdict printed by `shardcast validate --json`, not a run's result.json",
      'give a result.json written by `shardcast run`',
    ],
    [
      'calm.yaml',
      "calm.yaml is a scenario, not a run's result.json",
      'run it first: `shardcast run calm.yaml --out DIR`, then give DIR/result.json',
    ],
    [
      'scenario.json',
      "scenario.json is a scenario, not a run's result.json",
      'run it first: `shardcast run scenario.json --out DIR`, then give DIR/result.json',
    ],
  ])('compare result.json %s: says what it is (exit 2)', async (file, error, hint) => {
    const r = await run(['compare', 'result.json', file], files);
    expect(r.stderr).toBe(`error: ${error}\nhint: ${hint}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('report --baseline plan.json: a plan is not a run to compare with', async () => {
    const r = await run(
      ['report', 'result.json', '--baseline', 'plan.json', '--out', `${OUT}/report`],
      files,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: plan.json is a plan (written by `shardcast plan --out`), not a run's result.json\n",
    );
    expect(r.stderr).not.toContain('version');
  });

  it('report calm.yaml: a scenario, with the commands that write its report', async () => {
    const r = await run(['report', 'calm.yaml'], files);
    expect(r.stderr).toBe(
      "error: calm.yaml is a scenario, not a run's result.json or a plan\n" +
        'hint: report draws a run or a plan: `shardcast run calm.yaml --out DIR` (or `shardcast plan calm.yaml --out DIR`) writes DIR/index.html itself; `shardcast report DIR/result.json` (or DIR/plan.json) draws it again\n',
    );
    expect(r.code).toBe(2);
    // The bundled scenario starts with a comment: JSON's "found '#'" was all a user got.
    const bundled = await run(['report', 'scenarios/launch-day.yaml']);
    expect(bundled.code).toBe(2);
    expect(bundled.stderr).toMatch(
      /^error: scenarios\/launch-day\.yaml is a scenario, not a run's result\.json or a plan\n/,
    );
  });

  it('report gates.json: names it, and which file in its folder to give', async () => {
    const r = await run(['report', 'gates.json'], files);
    expect(r.stderr).toBe(
      "error: gates.json is a gates.json (the verdicts of the gates, written beside a plan or a result), not a run's result.json or a plan\n" +
        'hint: give the result.json (or, to report a plan, the plan.json) in the same folder\n',
    );
    expect(r.code).toBe(2);
  });

  it('a result and a plan are still read as before', async () => {
    expect((await run(['compare', 'result.json', 'result.json'], files)).code).toBe(0);
    const plan = await run(['report', 'plan.json', '--out', `${OUT}/plan-report`], files);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });
});
