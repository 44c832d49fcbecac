import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:quick`, a developer's loop (under 60 s on the shared 2-core machine; `npm test` and
 * CI run everything at full strength). It leaves out the browser test (test/report/browser.test.ts:
 * headless Chromium, the slowest file), serve's and the aws target's real-time agreement with the
 * model (test/serve/agreement.test.ts, test/targets/aws/agreement.test.ts: ~60 s of real time) and four slow examples (below), and runs a tenth of every
 * property's cases (test/helpers/quick-fast-check.ts, or a file's own knob below). Files share one
 * module graph per worker (isolate: false) and run on two workers: no test reads state another
 * leaves behind.
 */
const QUICK_FAST_CHECK = fileURLToPath(new URL('./test/helpers/quick-fast-check.ts', import.meta.url));
/**
 * Two files whose count has a knob of its own keep the real fast-check and get a tenth through the
 * knob: the agreement property checks that its cases cover both verdicts (≥ AGREEMENT_RUNS / 10 each,
 * so 20 of 100, not 10), and both name their count in the test's title (fuzz: 100 of 1,000).
 */
const OWN_COUNT: Record<string, Record<string, string>> = {
  [fileURLToPath(new URL('./test/engine/agreement.test.ts', import.meta.url))]: { AGREEMENT_RUNS: '20' },
  [fileURLToPath(new URL('./test/cli/fuzz.test.ts', import.meta.url))]: { SHARDCAST_FUZZ_RUNS: '100' },
};

/**
 * Four examples that alone took a fifth of the quick loop's test time (10 s, 10 s, 7 s and 7 s of
 * 168 s with the machine busy); vitest lists them as skipped here, and `npm test` runs them.
 */
export const QUICK_LEAVES_OUT = [
  '1,000,001 uniform keys at 2,400 shards', // test/planner/hottest-shard.test.ts
  'is the fastest route for every pair up to 300 shards', // test/aws/reshard-route.test.ts
  'reshard-plan, first 1 h 50 min', // test/engine/agreement.test.ts
  'reshard-plan with the second reshard ordered at 1 h 20 min', // test/engine/agreement.test.ts
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default mergeConfig(
  base,
  defineConfig({
    plugins: [
      {
        name: 'shardcast-quick-fast-check',
        enforce: 'pre',
        resolveId(source, importer) {
          // Every test file's `import fc from 'fast-check'` gets the quick assert; the helper itself
          // imports the real one.
          if (source !== 'fast-check' || importer === undefined) return null;
          const file = importer.split('?')[0] ?? importer;
          return file === QUICK_FAST_CHECK || file in OWN_COUNT ? null : QUICK_FAST_CHECK;
        },
      },
    ],
    test: {
      // serve's agreement with the model runs a real-time client for ~30 s, and its figures need an
      // unhurried machine: npm test runs it, the quick loop does not.
      exclude: [
        'test/report/browser.test.ts',
        'test/serve/agreement.test.ts',
        'test/targets/aws/agreement.test.ts',
        'node_modules/**',
      ],
      env: Object.assign({}, ...Object.values(OWN_COUNT)),
      testNamePattern: new RegExp(`^(?!.*(?:${QUICK_LEAVES_OUT.map(escapeRegExp).join('|')}))`),
      isolate: false,
      maxWorkers: 2,
    },
  }),
);
