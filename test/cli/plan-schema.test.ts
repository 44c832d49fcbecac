/**
 * A plan.json read back (`shardcast report plan.json`, the plan beside a result.json) is checked
 * against the Plan's schema: a hand-edited plan is exit 2 naming the file and the path inside it,
 * never a report that crashes (exit 70) on a field it trusted; every bundled scenario's plan reads.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/cli/read.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-plan-schema-test';
const BUNDLED = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

/** The plan.json `shardcast plan --out` writes for a bundled scenario. */
async function writtenPlan(scenario: string): Promise<string> {
  const dir = `${OUT}/${scenario.replace(/\.yaml$/, '')}`;
  const r = await run(['plan', `scenarios/${scenario}`, '--out', dir]);
  // 1: a bundled scenario may fail a gate on purpose (iot-fleet-hot-device); the plan is written.
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  const text = r.io.writtenFile(`${dir}/plan.json`);
  if (text === undefined) throw new Error(`no plan.json for ${scenario}`);
  return text;
}

describe('plan.json read with the schema', () => {
  it.each(BUNDLED)('reads back the plan of the bundled %s, every field as written', async (scenario) => {
    const text = await writtenPlan(scenario);
    expect(parsePlan(text, 'plan.json')).toEqual(JSON.parse(text));
  });

  /** `report plan.json` on the fanout-analytics plan (it has consumers and hot keys) edited by `edit`. */
  async function reportEdited(edit: (plan: Record<string, Record<string, unknown>>) => void) {
    const plan = JSON.parse(await writtenPlan('fanout-analytics.yaml'));
    edit(plan);
    return run(['report', 'plan.json', '--out', `${OUT}/report`], { 'plan.json': JSON.stringify(plan) });
  }

  it('hotKeys.keys: null is exit 2 naming the file and the path', async () => {
    const r = await reportEdited((plan) => {
      plan.hotKeys!.keys = null;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plan.json is not a plan shardcast can read:\n  hotKeys.keys: ');
    expect(r.stderr).toContain('expected array, received null');
    expect(r.stderr).not.toMatch(/\n {4}at /);
  });

  it('fanOut.consumers: "x" is exit 2 naming the path', async () => {
    const r = await reportEdited((plan) => {
      plan.fanOut!.consumers = 'x';
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  fanOut.consumers: ');
    expect(r.stderr).toContain('expected array, received string');
  });

  it('a plan without cost.options is exit 2 saying it is missing', async () => {
    const r = await reportEdited((plan) => {
      delete plan.cost!.options;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  cost.options: missing (expected array)');
    expect(r.stderr).toContain('hint: write it again with `shardcast plan SCENARIO --out DIR`');
  });

  it('a finding with an unknown code is named by its path', async () => {
    const r = await reportEdited((plan) => {
      (plan.findings as unknown as Record<string, unknown>[]).push({
        code: 'made-up',
        severity: 'info',
        subject: {},
        figures: {},
      });
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ {2}findings\[\d+\]\.code: /);
  });

  it('the plan beside a result.json is checked too: a report of the run is exit 2, not a crash', async () => {
    const dir = `${OUT}/run`;
    const ran = await run(['run', 'scenarios/fanout-analytics.yaml', '--out', dir, '--duration', '1m']);
    expect(ran.code, ran.stderr).toBeLessThanOrEqual(1);
    const plan = JSON.parse(ran.io.writtenFile(`${dir}/plan.json`)!);
    plan.fanOut.consumers[0].lag = 'fast';
    ran.io.addFile(`${dir}/plan.json`, JSON.stringify(plan));
    ran.io.out = '';
    ran.io.err = '';
    const { main } = await import('../../src/cli/main.js');
    const code = await main(['report', `${dir}/result.json`], ran.io);
    expect(code).toBe(2);
    expect(ran.io.err).toContain(
      `${dir}/plan.json is not a plan shardcast can read:\n  fanOut.consumers[0].lag: `,
    );
  });

  it('many problems are listed ten at most, with how many more', async () => {
    const r = await reportEdited((plan) => {
      for (const key of ['traffic', 'shards', 'hotKeys', 'fanOut', 'reshard', 'cost']) plan[key] = {};
    });
    expect(r.code).toBe(2);
    const listed = r.stderr.split('\n').filter((line) => /^ {2}\S/.test(line));
    // Ten problems, then "… and N more".
    expect(listed).toHaveLength(11);
    expect(listed.at(-1)).toMatch(/^ {2}… and \d+ more$/);
  });

  it('a plan of an older format is named as one, with what to do', async () => {
    const r = await reportEdited((plan) => {
      (plan as Record<string, unknown>).version = 2;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: plan.json is not a plan shardcast can read:\n' +
        '  version: plan format 2 cannot be read (this shardcast reads 3): it was written by an older shardcast, whose plans lack fields a report reads\n' +
        'hint: write it again with `shardcast plan SCENARIO --out DIR`\n',
    );
  });
});
