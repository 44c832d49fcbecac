/**
 * The programmatic API runs a scenario as `shardcast run` does (issue 10, point 1): a script, a
 * sweep or a worker importing `runScenario` and `writeArtifacts` from the package gets the same
 * plan, result, verdicts and the same six files, byte for byte, as a user running the CLI.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/cli/summary.js';
import {
  loadScenarioText,
  modelTarget,
  parseCliGates,
  runScenario,
  writeArtifacts,
} from '../../src/index.js';
import { calmScenario } from '../helpers/calm.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-run-api-test';
const CALM = calmScenario({ duration: '30s', reader: true, gates: ['lostRecords == 0'] });
const GATE = 'putLatency.p99 < 1ms';
/** The fake Io's clock: the CLI's run id and timestamps come from it. */
const FIXED = new Date('2025-01-01T00:00:00Z');

/** What the API writes, by file name. */
async function throughTheApi(html: boolean): Promise<{ files: string[]; written: Map<string, string> }> {
  const file = join(REPO_ROOT, 'calm.yaml');
  const { scenario } = loadScenarioText(CALM, file);
  const outcome = await runScenario(scenario, modelTarget, {
    gates: parseCliGates([GATE]),
    scenarioFile: 'calm.yaml',
    now: () => FIXED,
  });
  const written = new Map<string, string>();
  const files = writeArtifacts('api-out', outcome, (path, data) => written.set(path, data), { html });
  return { files, written };
}

describe('runScenario and writeArtifacts, from the package', () => {
  it('write the same files as `shardcast run`, byte for byte, and list them as run --json does', async () => {
    const cli = await run(['run', 'calm.yaml', '--out', OUT, '--gate', GATE, '--json'], {
      'calm.yaml': CALM,
    });
    expect(cli.stderr).toBe('');
    // 1 ms is far below any modelled put latency: the --gate fails, so does the run.
    expect(cli.code).toBe(1);
    const summary = JSON.parse(cli.stdout) as RunSummary;
    const api = await throughTheApi(true);
    expect(api.files).toEqual(summary.files);
    expect(api.files).toEqual([
      'result.json',
      'plan.json',
      'junit.xml',
      'summary.md',
      'gates.json',
      'index.html',
    ]);
    for (const name of api.files) {
      expect(api.written.get(join('api-out', name)), name).toBe(cli.io.writtenFile(join(OUT, name)));
    }
    expect(summary.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['lostRecords == 0', true],
      [GATE, false],
    ]);
  });

  it('leave the report out as `run --no-html` does, and the summary names what was written', async () => {
    const cli = await run(['run', 'calm.yaml', '--out', OUT, '--no-html'], { 'calm.yaml': CALM });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      `Wrote ${OUT}/result.json, plan.json, gates.json, junit.xml and summary.md\n`,
    );
    const api = await throughTheApi(false);
    expect(api.files).toEqual(['result.json', 'plan.json', 'junit.xml', 'summary.md', 'gates.json']);
    expect(api.written.get(join('api-out', 'result.json'))).toBe(
      cli.io.writtenFile(join(OUT, 'result.json')),
    );
  });
});
