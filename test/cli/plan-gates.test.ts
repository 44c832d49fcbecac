/**
 * `shardcast plan` checks the gates it can (those over plan metrics), lists those that need a run,
 * accepts `--gate`, and exits 1 when a gate fails — as a CI job running `plan` before `run` needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanGates } from '../../src/gates/plan-gates.js';
import type { Plan } from '../../src/planner/types.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const LAUNCH_DAY = readFileSync(join(REPO_ROOT, 'scenarios/launch-day.yaml'), 'utf8');

/** launch-day with its cost gate tightened from $1,500 to $100 a month. */
const CHEAP = LAUNCH_DAY.replace('cost.monthly.provisioned < 1500', 'cost.monthly.provisioned < 100');

describe('shardcast plan: gates', () => {
  it('fails a scenario gate over a plan metric: ✗ with measured and allowed, exit 1', async () => {
    expect(CHEAP).not.toBe(LAUNCH_DAY);
    const json = await run(['plan', 'cheap.yaml', '--json'], { 'cheap.yaml': CHEAP });
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as Plan & { gates: PlanGates };
    // launch-day costs ~$1,167/month provisioned at its 31 recommended shards: far above $100.
    const cost = out.metrics['cost.monthly.provisioned']!;
    expect(cost).toBeGreaterThan(100);
    expect(out.gates.passed).toBe(false);
    expect(out.gates.verdicts).toHaveLength(1);
    expect(out.gates.verdicts[0]).toMatchObject({
      gate: 'cost.monthly.provisioned < 100',
      measured: cost,
      allowed: 100,
      passed: false,
    });
    // The three gates over run metrics are listed, not passed.
    expect(out.gates.pending).toEqual([
      'throttledRatio <= 0.001',
      'putLatency.p99 < 250ms',
      'lostRecords == 0',
    ]);

    const text = await run(['plan', 'cheap.yaml'], { 'cheap.yaml': CHEAP });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('\nGates (0 of 1 checked by the plan passed)\n');
    expect(text.stdout).toContain(`  ✗ cost.monthly.provisioned < 100: ${out.gates.verdicts[0]!.message}\n`);
    expect(text.stdout).toMatch(/allowed < \$100\n/);
    expect(text.stdout).toContain('\nGates that need a run (3)');
    expect(text.stdout).toContain('  · putLatency.p99 < 250ms\n');
  });

  it('passes launch-day as bundled: its one plan gate holds, exit 0', async () => {
    const result = await run(['plan', 'scenarios/launch-day.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nGates (1 of 1 checked by the plan passed)\n');
    expect(result.stdout).toMatch(/\n {2}✓ cost\.monthly\.provisioned < 1500: /);
  });

  it('--gate adds gates (repeatable) and decides the exit code', async () => {
    const plan = JSON.parse((await run(['plan', 'scenarios/launch-day.yaml', '--json'])).stdout) as Plan;
    const recommended = plan.shards.recommended;
    // At most the recommended count passes; one fewer fails.
    const pass = await run([
      'plan',
      'scenarios/launch-day.yaml',
      '--gate',
      `shards.recommended <= ${recommended}`,
      '--gate',
      'shards.recommended <',
    ]);
    // A gate without a value: an input error, located at the argument, before anything is planned.
    expect(pass.code).toBe(2);
    expect(pass.stderr).toContain('--gate[1]');
    expect(pass.stderr).not.toMatch(/\n\s+at /);

    const ok = await run([
      'plan',
      'scenarios/launch-day.yaml',
      '--gate',
      `shards.recommended <= ${recommended}`,
      '--gate',
      'putLatency.p99 < 100ms',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('\nGates (2 of 2 checked by the plan passed)\n');
    expect(ok.stdout).toContain(`  ✓ shards.recommended <= ${recommended}: `);
    // A --gate over a run metric needs a run, like the scenario's own.
    expect(ok.stdout).toContain('\nGates that need a run (4)');
    expect(ok.stdout).toContain('  · putLatency.p99 < 100ms\n');

    const fail = await run([
      'plan',
      'scenarios/launch-day.yaml',
      '--json',
      '--gate',
      `shards.recommended <= ${recommended - 1}`,
    ]);
    expect(fail.code).toBe(1);
    const verdicts = (JSON.parse(fail.stdout) as { gates: PlanGates }).gates.verdicts;
    expect(verdicts.map((v) => [v.gate, v.passed, v.source])).toEqual([
      ['cost.monthly.provisioned < 1500', true, 'scenario'],
      [`shards.recommended <= ${recommended - 1}`, false, 'cli'],
    ]);
  });

  it('names a misspelt --gate metric with a suggestion and exits 2', async () => {
    const result = await run(['plan', 'scenarios/launch-day.yaml', '--gate', 'shards.recomended <= 24']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--gate[0]');
    expect(result.stderr).toContain('shards.recommended');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes the verdicts and pending gates beside the plan for the report', async () => {
    const result = await run(['plan', 'cheap.yaml', '--out', 'out'], { 'cheap.yaml': CHEAP });
    expect(result.code).toBe(1);
    const gates = JSON.parse(result.io.writtenFile('out/gates.json')!) as {
      verdicts: { passed: boolean }[];
      pending: string[];
    };
    expect(gates.verdicts.map((v) => v.passed)).toEqual([false]);
    expect(gates.pending).toHaveLength(3);
    // The plan file stays a Plan: no gates inside it.
    expect(Object.hasOwn(JSON.parse(result.io.writtenFile('out/plan.json')!) as object, 'gates')).toBe(false);
  });
});
