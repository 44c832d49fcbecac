import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the CLI fuzz test (test/cli/fuzz.test.ts) with a larger budget than `npm test`
// gives it: 10,000 cases (SHARDCAST_FUZZ_RUNS=<n> for another count). FC_SEED=<n> explores other
// draws. The worker's heap is held to 1 GiB so V8 collects rather than grows: the process's peak
// RSS, which the test keeps under 2 GiB, then bounds what any one command of it used (with V8's
// default 4 GiB heap, garbage of 1,155 cases alone took the worker past 2 GiB).
export default defineConfig({
  test: {
    include: ['test/cli/fuzz.test.ts'],
    setupFiles: ['test/setup.ts'],
    env: { SHARDCAST_FUZZ_RUNS: process.env.SHARDCAST_FUZZ_RUNS ?? '10000' },
    execArgv: ['--max-old-space-size=1024'],
    testTimeout: 3_600_000,
  },
});
