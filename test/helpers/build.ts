/**
 * Tests that spawn the published binary (`node bin/shardcast.js …`) need dist/, which imports the
 * compiled CLI: they build it when it is missing or older than the sources (`npm test` builds
 * before it runs the tests; this keeps `vitest run test/cli` honest on its own).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fake-io.js';

const BUILT_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** The newest modification time of any file under `dir`, in ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIfNeeded(): void {
  if (existsSync(BUILT_MAIN) && statSync(BUILT_MAIN).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  // tsc emits even with type errors (someone else's work in progress); only a missing output is fatal.
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`the build did not produce dist/cli/main.js:\n${build.stdout}\n${build.stderr}`);
  }
}
