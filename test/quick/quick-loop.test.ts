/**
 * `npm run test:quick` (vitest.quick.config.ts) trims the loop without touching what `npm test` and
 * CI run: only the quick config leaves a file out, and only its fast-check asserts run fewer cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import base from '../../vitest.config.js';
import quick, { QUICK_LEAVES_OUT } from '../../vitest.quick.config.js';
import { REPO_ROOT } from '../helpers/fake-io.js';
import quickFc, { quickRuns } from '../helpers/quick-fast-check.js';

describe('the quick share of a property', () => {
  it('is a tenth, rounded up, but at least min(5, asked)', () => {
    // max(min(5, asked), ⌈asked / 10⌉):
    expect(quickRuns(2000)).toBe(200); // max(5, 200)
    expect(quickRuns(300)).toBe(30); //   max(5, 30)
    expect(quickRuns(55)).toBe(6); //     max(5, ⌈5.5⌉ = 6)
    expect(quickRuns(40)).toBe(5); //     max(5, 4)
    expect(quickRuns(6)).toBe(5); //      max(5, 1)
    expect(quickRuns(3)).toBe(3); //      max(3, 1): never more than asked
    expect(quickRuns(1)).toBe(1); //      max(1, 1)
  });

  it('is what the quick assert runs, from numRuns or the global 100', () => {
    let asked300 = 0;
    quickFc.assert(
      quickFc.property(quickFc.nat(), () => {
        asked300 += 1;
      }),
      { numRuns: 300 },
    );
    let unset = 0;
    quickFc.assert(
      quickFc.property(quickFc.nat(), () => {
        unset += 1;
      }),
    );
    expect(asked300).toBe(30); // ⌈300 / 10⌉
    expect(unset).toBe(10); //    fast-check's default 100 → ⌈100 / 10⌉
  });

  it('leaves every other export the real one', () => {
    expect(quickFc.property).toBe(fc.property);
    expect(quickFc.configureGlobal).toBe(fc.configureGlobal);
  });
});

describe('what npm test runs', () => {
  it('is every test file: its config leaves nothing out, and it is the default config', () => {
    expect(base.test?.exclude).toBeUndefined();
    const scripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.test).toMatch(/vitest run$/);
    expect(scripts['test:quick']).toBe('vitest run --config vitest.quick.config.ts');
  });

  it("only the quick loop leaves out the browser test and serve's and the aws target's real-time agreement", () => {
    expect(quick.test?.include).toEqual(base.test?.include);
    expect(quick.test?.exclude).toEqual([
      'test/report/browser.test.ts',
      'test/serve/agreement.test.ts',
      'test/targets/aws/agreement.test.ts',
      'node_modules/**',
    ]);
  });

  it('gives the two files with a count knob of their own a tenth through it', () => {
    // agreement 100 → 20 (its cover check then asks ≥ 20 / 10 = 2 cases of each verdict), fuzz 1,000 → 100
    expect(quick.test?.env).toEqual({ AGREEMENT_RUNS: '20', SHARDCAST_FUZZ_RUNS: '100' });
    expect(base.test?.env).toBeUndefined();
  });
});

describe('the slow examples the quick loop leaves out', () => {
  const sources = readdirSync(join(REPO_ROOT, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(REPO_ROOT, 'test', f), 'utf8'));

  it.each(QUICK_LEAVES_OUT)(
    '%s: names exactly one test, so a rename cannot widen what quick drops',
    (title) => {
      const titled = sources
        .flatMap((s) => s.split('\n'))
        .filter((line) => /\bit\(/.test(line) && line.includes(title));
      expect(titled).toHaveLength(1);
    },
  );

  it('leaves the other tests to the name filter, which is a negative lookahead over those titles', () => {
    const pattern = quick.test?.testNamePattern;
    expect(pattern).toBeInstanceOf(RegExp);
    const filter = pattern as RegExp;
    expect(
      filter.test('planner hot keys > 1,000,001 uniform keys at 2,400 shards: the hottest shard …'),
    ).toBe(false);
    expect(filter.test('agreement > reshard-plan, first 1 h 50 min (the steps …)')).toBe(false);
    expect(filter.test('agreement > throttles when the planner says short')).toBe(true);
    expect(filter.test('reshard-plan.yaml: plan and run print and write what they did when recorded')).toBe(
      true,
    );
  });
});
