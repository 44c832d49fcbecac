/**
 * The README's "target of your own" example (and the one starting serve from code) compiles, as written, against the package a user
 * installs (`import … from 'shardcast'`, the built dist/ through the package's own exports), under
 * the project's strict settings: an example that no longer type-checks against the API it shows is
 * a broken promise to the first user who copies it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../helpers/build.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

beforeAll(buildIfNeeded, 180_000);

/** The first ```ts block after `heading` in the README. */
function exampleAfter(heading: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (match === null) throw new Error(`no ts block after "${heading}"`);
  return match[1]!;
}

describe("the README's examples of the API", () => {
  it('type-checks against the package as a user imports it', () => {
    const code = exampleAfter('A target of your own implements `Target`');
    // It uses what a target needs: the workload generators, the recorder and the contract.
    for (const name of ['ProducerWorkload', 'RunRecorder', 'RunAbortedError', 'runScenario', 'Target'])
      expect(code).toContain(name);
    typeChecks('readme-target', code);
  }, 120_000);

  it('and so does starting serve from code', () => {
    const code = exampleAfter('From code (tests start it this way');
    expect(code).toContain("from 'shardcast/serve'");
    typeChecks('readme-serve', code);
  }, 120_000);
});

/** Writes `code` into test-output/NAME and type-checks it with the project's settings. */
function typeChecks(name: string, code: string): void {
  {
    // Inside the repository (test-output/ is ignored by git), so `shardcast` resolves to this package.
    const dir = join(REPO_ROOT, 'test-output', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'example.mts'), code);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '../..' },
        include: ['example.mts'],
      }),
    );
    const tsc = spawnSync('npx', ['tsc', '-p', join(dir, 'tsconfig.json')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
  }
}
