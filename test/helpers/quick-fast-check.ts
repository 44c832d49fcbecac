/**
 * fast-check for `npm run test:quick` (vitest.quick.config.ts resolves 'fast-check' here for test
 * files; `npm test` never loads this file). Everything is the real fast-check except `assert`, which
 * runs a tenth of each property's cases, but never fewer than min(5, asked): a quick loop that still
 * draws every property from the same fixed seed (test/setup.ts). Examples: 2,000 → 200, 300 → 30,
 * 40 → 5, 6 → 5, 3 → 3; a property without numRuns gets fast-check's global 100 → 10.
 */
import fc from 'fast-check';

const FACTOR = 10;
const FLOOR = 5;

/** The quick share of `asked` cases: ⌈asked / 10⌉, at least min(5, asked). */
export function quickRuns(asked: number): number {
  return Math.max(Math.min(FLOOR, asked), Math.ceil(asked / FACTOR));
}

const realAssert = fc.assert;

const quickAssert = ((
  property: Parameters<typeof fc.assert>[0],
  params?: Parameters<typeof fc.assert>[1],
) => {
  const asked = params?.numRuns ?? fc.readConfigureGlobal().numRuns ?? 100;
  return realAssert(property, { ...params, numRuns: quickRuns(asked) });
}) as typeof fc.assert;

export * from 'fast-check';
export { quickAssert as assert };
export default { ...fc, assert: quickAssert } as typeof fc;
