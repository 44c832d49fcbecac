/**
 * `writeArtifacts` (issue 10, point 1): the one list of what a run leaves behind, written through
 * the writer it is given, in a fixed order, with the names returned for `run --json`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGates } from '../../src/cli/read.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { loadScenarioText } from '../../src/load.js';
import { parseResult, serializeResult } from '../../src/result/io.js';
import { artifactNames, writeArtifacts } from '../../src/run/artifacts.js';
import { type RunOutcome, runScenario } from '../../src/run/pipeline.js';
import { modelTarget } from '../../src/targets/model.js';
import { calmScenario } from '../helpers/calm.js';

const ALL = ['result.json', 'plan.json', 'junit.xml', 'summary.md', 'gates.json', 'index.html'];

let outcome: RunOutcome | undefined;
/** One 5-second calm run with a passing and a failing gate, shared by the tests (the run is the slow part). */
async function calmRun(): Promise<RunOutcome> {
  outcome ??= await runScenario(
    loadScenarioText(calmScenario({ duration: '5s', gates: ['lostRecords == 0'] }), 'calm.yaml').scenario,
    modelTarget,
    { gates: parseCliGates(['records.produced < 1']), now: () => new Date('2025-01-01T00:00:00Z') },
  );
  return outcome;
}

/** A writer that keeps every call, in order. */
function recorder(): { calls: [string, string][]; write: (path: string, data: string) => void } {
  const calls: [string, string][] = [];
  return { calls, write: (path, data) => calls.push([path, data]) };
}

describe('writeArtifacts', () => {
  it('writes the six files into the directory, in order, once each, and returns their names', async () => {
    const run = await calmRun();
    const { calls, write } = recorder();
    const files = writeArtifacts('/out/run-1', run, write);
    expect(files).toEqual(ALL);
    expect(calls.map(([path]) => path)).toEqual(ALL.map((name) => join('/out/run-1', name)));
    expect(artifactNames()).toEqual(ALL);
  });

  it('leaves index.html out when the report is turned off (run --no-html)', async () => {
    const { calls, write } = recorder();
    const files = writeArtifacts('out', await calmRun(), write, { html: false });
    expect(files).toEqual(ALL.slice(0, 5));
    expect(calls.map(([path]) => path)).toEqual(ALL.slice(0, 5).map((name) => join('out', name)));
    expect(artifactNames({ html: false })).toEqual(files);
  });

  it('writes what the run measured: the result, the plan, the verdicts, the target', async () => {
    const run = await calmRun();
    const { calls, write } = recorder();
    writeArtifacts('out', run, write);
    const file = (name: string) => calls.find(([path]) => path === join('out', name))?.[1] ?? '';
    expect(file('result.json')).toBe(serializeResult(run.result));
    expect(parseResult(file('result.json'), 'result.json').header.runId).toBe('20250101-000000-s7');
    expect(JSON.parse(file('plan.json'))).toEqual(JSON.parse(JSON.stringify(run.plan)));
    // The scenario's gate passes (nothing is lost on 2 calm shards); `records.produced < 1` fails.
    const gates = parseGates(file('gates.json'), 'gates.json');
    expect(gates.verdicts.map((v) => [v.gate, v.passed])).toEqual([
      ['lostRecords == 0', true],
      ['records.produced < 1', false],
    ]);
    expect(gates.pending).toEqual([]);
    expect(file('junit.xml')).toContain('<testsuite name="shardcast calm" tests="2" failures="1"');
    expect(file('summary.md')).toContain('model');
    expect(file('index.html')).toMatch(/^<!doctype html>/i);
  });

  it('stops at the first write that fails, and lets its error through', async () => {
    const written: string[] = [];
    const failing = (path: string) => {
      if (path.endsWith('junit.xml')) throw new Error('disk full');
      written.push(path);
    };
    const run = await calmRun();
    expect(() => writeArtifacts('out', run, failing)).toThrow('disk full');
    expect(written).toEqual([join('out', 'result.json'), join('out', 'plan.json')]);
  });
});
