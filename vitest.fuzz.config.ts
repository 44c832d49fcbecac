import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the CLI fuzz test (test/cli/fuzz.test.ts) with a larger budget than `npm test`
// gives it. FC_SEED=<n> explores other draws.
export default defineConfig({
  test: {
    include: ['test/cli/fuzz.test.ts'],
    setupFiles: ['test/setup.ts'],
    env: { SHARDCAST_FUZZ_RUNS: '10000' },
    testTimeout: 3_600_000,
  },
});
