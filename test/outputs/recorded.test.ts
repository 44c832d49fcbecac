/**
 * What every command prints and writes for the bundled scenarios, byte for byte, against digests
 * recorded before a refactor (issue 10: the run pipeline, the Target contract, the recorder and the
 * workload generators move, and no output may change). The CLI runs in-process with the fake Io's
 * fixed clock, so timestamps and run ids are fixed too and nothing needs masking.
 *
 * A deliberate change of output re-records them: `SHARDCAST_RECORD=1 npx vitest run test/outputs`,
 * and the commit says why the outputs changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const RECORDED = join(REPO_ROOT, 'test', 'outputs', 'recorded.json');
const RECORD = process.env.SHARDCAST_RECORD === '1';
const OUT = '/tmp/shardcast-recorded-outputs';
/** Runs are cut to 10 simulated minutes: every bundled scenario's behaviour starts within them. */
const RUN_DURATION = '10m';

const SCENARIOS = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Each output of `plan --out` and `run --out` for one scenario, by name, as its digest. */
async function outputsOf(file: string): Promise<Record<string, string>> {
  const name = file.replace(/\.yaml$/, '');
  const outputs: Record<string, string> = {};
  const plan = await run(['plan', join('scenarios', file), '--out', join(OUT, name, 'plan')]);
  outputs['plan: stdout'] = digest(plan.stdout);
  outputs['plan: exit'] = String(plan.code);
  const planJson = await run(['plan', join('scenarios', file), '--json']);
  outputs['plan --json: stdout'] = digest(planJson.stdout);
  const ran = await run([
    'run',
    join('scenarios', file),
    '--duration',
    RUN_DURATION,
    '--out',
    join(OUT, name, 'run'),
  ]);
  outputs['run: stdout'] = digest(ran.stdout);
  outputs['run: exit'] = String(ran.code);
  for (const [dir, io] of [
    ['plan', plan.io],
    ['run', ran.io],
  ] as const) {
    for (const artefact of [
      'plan.json',
      'result.json',
      'gates.json',
      'junit.xml',
      'summary.md',
      'index.html',
    ]) {
      const text = io.writtenFile(join(OUT, name, dir, artefact));
      if (text !== undefined) outputs[`${dir}: ${artefact}`] = digest(text);
    }
  }
  return outputs;
}

describe('outputs of the bundled scenarios, as recorded', () => {
  const recorded: Record<string, Record<string, string>> = existsSync(RECORDED)
    ? (JSON.parse(readFileSync(RECORDED, 'utf8')) as Record<string, Record<string, string>>)
    : {};
  const fresh: Record<string, Record<string, string>> = {};

  for (const file of SCENARIOS) {
    it(`${file}: plan and run print and write what they did when recorded`, async () => {
      const outputs = await outputsOf(file);
      fresh[file] = outputs;
      if (RECORD) return;
      // The names of what changed, rather than two walls of digests.
      const changed = Object.keys({ ...outputs, ...recorded[file] }).filter(
        (k) => outputs[k] !== recorded[file]?.[k],
      );
      expect(changed, `outputs that changed for ${file}`).toEqual([]);
    }, 60_000);
  }

  // With SHARDCAST_RECORD=1, what the runs above produced becomes the record.
  afterAll(() => {
    if (RECORD && Object.keys(fresh).length === SCENARIOS.length)
      writeFileSync(RECORDED, `${JSON.stringify(fresh, null, 2)}\n`);
  });
});
