import { defineConfig } from 'vitest/config';

/**
 * Tests whose figures need real time on an unhurried machine: serve's and the aws target's
 * agreement with the model send open-loop load and compare what it measured with the engine. They
 * run after every other file (a project of their own, a later `groupOrder`), so the rest of the
 * suite does not make their clients late; `test/helpers/real-time-turn.ts` keeps them from
 * overlapping each other.
 */
const REAL_TIME = ['test/serve/agreement.test.ts', 'test/targets/aws/agreement.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...REAL_TIME, 'node_modules/**'] },
      },
      {
        extends: true,
        test: { name: 'real-time', include: REAL_TIME, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
