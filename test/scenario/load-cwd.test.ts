/**
 * src/load.ts asks nothing of the process (issue 10, point 6): the CLI passes its working
 * directory and its reader, and the programmatic API, given neither, leaves relative paths to
 * Node's own resolution. Scenarios and the traces they name live in memory under a working
 * directory that does not exist on disk, so only the `cwd` given can find them.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, loadScenarioText, type ReadFs } from '../../src/load.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const CWD = '/virtual/work';
const SCENARIO = `name: traced
duration: 1m
stream: { shards: 1 }
producers:
  - name: p
    rate: { profile: trace, file: traces/t.csv }
    recordSize: 1KiB
    keys: { dist: uniform, count: 10 }
`;
// 100 then 300 records/s: the trace's peak, 300, is what the loaded scenario holds.
const TRACE = 'seconds,recordsPerSecond\n0,100\n30,300\n';

/** An in-memory filesystem: the files by absolute path, and the paths asked for. */
function memoryFs(files: Record<string, string>): ReadFs & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    readFile(path) {
      asked.push(path);
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

/** The trace's points as the scenario holds them after loading. */
function tracePoints(scenario: unknown): string | undefined {
  return JSON.stringify(scenario).match(/"points":\[(?:\[[^\]]*\],?)*\]/)?.[0];
}

describe('loading a scenario with the working directory passed in', () => {
  it('loadScenarioFile resolves the file against the cwd given, and its trace against the file', () => {
    const fs = memoryFs({ [`${CWD}/s/traced.yaml`]: SCENARIO, [`${CWD}/s/traces/t.csv`]: TRACE });
    const { scenario } = loadScenarioFile('s/traced.yaml', fs, CWD);
    expect(fs.asked).toEqual([`${CWD}/s/traced.yaml`, `${CWD}/s/traces/t.csv`]);
    expect(tracePoints(scenario)).toBe('"points":[[0,100],[30,300]]');
  });

  it('loadScenarioText with a cwd and no folder finds the trace beside the file, under that cwd', () => {
    // Before, the scenario's folder was dirname('s/traced.yaml') = 's', resolved against the
    // process's directory: the trace was looked for in the repository, not under CWD.
    const fs = memoryFs({ [`${CWD}/s/traces/t.csv`]: TRACE });
    const { scenario } = loadScenarioText(SCENARIO, 's/traced.yaml', fs, undefined, { cwd: CWD });
    expect(fs.asked).toEqual([`${CWD}/s/traces/t.csv`]);
    expect(tracePoints(scenario)).toBe('"points":[[0,100],[30,300]]');
  });

  it('--allow-path folders resolve against the cwd given', () => {
    const named = SCENARIO.replace('traces/t.csv', '../shared/t.csv');
    const fs = memoryFs({ [`${CWD}/shared/t.csv`]: TRACE });
    const { scenario } = loadScenarioText(named, `${CWD}/s/traced.yaml`, fs, undefined, {
      cwd: CWD,
      allowPaths: ['shared'],
    });
    expect(fs.asked).toEqual([`${CWD}/shared/t.csv`]);
    expect(tracePoints(scenario)).toBe('"points":[[0,100],[30,300]]');
  });

  it('without a cwd, a path is read as Node resolves it: an absolute path as it is', () => {
    const file = resolve(REPO_ROOT, 'scenarios/trace-replay.yaml');
    const { scenario } = loadScenarioFile(file);
    expect(scenario.name).toBe('trace-replay');
  });
});
