/**
 * `--vary` axes and their grid (src/search/grid.ts): lists and ranges as `--set` reads them, the
 * grid in row-major order, and every mistake located at its argument.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { gridPoints, parseAxes, splitTopLevel } from '../../src/search/grid.js';
import type { Axis } from '../../src/search/types.js';

const texts = (axis: Axis) => axis.values.map((v) => v.text);
const numbers = (axis: Axis) => axis.values.map((v) => v.numeric);

function problemOf(args: string[]): string {
  try {
    parseAxes(args);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    return e.problems.map((p) => `${p.location.path}: ${p.message}`).join('\n');
  }
  throw new Error(`parseAxes(${JSON.stringify(args)}) did not fail`);
}

describe('parseAxes: ranges', () => {
  it('steps a plain range: 8..64 step 8 is 8, 16, …, 64 (8 values: (64 − 8) ÷ 8 + 1)', () => {
    const [axis] = parseAxes(['stream.shards=8..64 step 8']);
    expect(axis!.path).toBe('stream.shards');
    expect(axis!.text).toBe('stream.shards=8..64 step 8');
    expect(texts(axis!)).toEqual(['8', '16', '24', '32', '40', '48', '56', '64']);
    expect(numbers(axis!)).toEqual([8, 16, 24, 32, 40, 48, 56, 64]);
  });

  it('steps by 1 without a step: 1..4 is 1, 2, 3, 4', () => {
    expect(texts(parseAxes(['stream.shards=1..4'])[0]!)).toEqual(['1', '2', '3', '4']);
  });

  it('stops at the last step inside the range: 1..10 step 4 is 1, 5, 9', () => {
    expect(texts(parseAxes(['stream.shards=1..10 step 4'])[0]!)).toEqual(['1', '5', '9']);
  });

  it('guards float drift: 0.1..0.3 step 0.1 is 3 values, written 0.1, 0.2, 0.3', () => {
    // (0.3 − 0.1) ÷ 0.1 = 1.9999999999999998 in floats: 2 steps once 1e-9 of a step is allowed,
    // and 0.1 + 2 × 0.1 = 0.30000000000000004 is written as 0.3.
    const [axis] = parseAxes(['engine.initialBurst=0.1..0.3 step 0.1']);
    expect(texts(axis!)).toEqual(['0.1', '0.2', '0.3']);
    expect(numbers(axis!)).toEqual([0.1, 0.2, 0.3]);
    // 0.1..0.7: 0.6 ÷ 0.1 = 5.999999999999999 → 6 steps, 7 values.
    expect(parseAxes(['engine.initialBurst=0.1..0.7 step 0.1'])[0]!.values).toHaveLength(7);
  });

  it('reads rates in their unit and writes them back in it: 2k/s..8k/s step 2k/s', () => {
    const [axis] = parseAxes(['producers[0].rate=2k/s..8k/s step 2k/s']);
    expect(texts(axis!)).toEqual(['2k/s', '4k/s', '6k/s', '8k/s']);
    // records/s: 2 × 1000 … 8 × 1000.
    expect(numbers(axis!)).toEqual([2000, 4000, 6000, 8000]);
  });

  it('reads byte rates, sizes and durations; numerics in bytes/s, bytes, seconds', () => {
    const [rate] = parseAxes(['producers[0].rate=1MiB/s..2MiB/s step 0.5MiB/s']);
    expect(texts(rate!)).toEqual(['1MiB/s', '1.5MiB/s', '2MiB/s']);
    // 1 MiB = 1,048,576 B; 1.5 MiB = 1,572,864 B; 2 MiB = 2,097,152 B.
    expect(numbers(rate!)).toEqual([1_048_576, 1_572_864, 2_097_152]);
    const [size] = parseAxes(['producers[0].recordSize=1KiB..3KiB step 1KiB']);
    expect(texts(size!)).toEqual(['1KiB', '2KiB', '3KiB']);
    expect(numbers(size!)).toEqual([1024, 2048, 3072]);
    const [duration] = parseAxes(['producers[0].batching.linger=100ms..1s step 300ms']);
    // 0.1 s, 0.4 s, 0.7 s, 1.0 s: (1 − 0.1) ÷ 0.3 = 3 steps.
    expect(texts(duration!)).toEqual(['100ms', '400ms', '700ms', '1000ms']);
    expect(numbers(duration!)).toEqual([0.1, 0.4, 0.7, 1]);
  });

  it('takes a plain step in base units: 2k/s..4k/s step 1000', () => {
    expect(texts(parseAxes(['producers[0].rate=2k/s..4k/s step 1000'])[0]!)).toEqual([
      '2k/s',
      '3k/s',
      '4k/s',
    ]);
  });

  it('writes a value that is not clean in the start unit in base units', () => {
    // 1k/s + 1/s = 1001/s = 1.001k/s (clean); 1 + 1/3 k/s is not: written as 1333.33333333/s.
    const [axis] = parseAxes(['producers[0].rate=1k/s..2k/s step 333.333333333']);
    expect(texts(axis!)[1]).toBe('1333.33333333/s');
  });
});

describe('parseAxes: lists', () => {
  it('reads each value as YAML, with numerics where it is a number or a quantity', () => {
    const axes = parseAxes([
      'producers[0].rate=2k/s,4k/s,8000',
      'stream.mode=provisioned, on-demand',
      'consumers[1].type=polling,enhanced-fan-out',
    ]);
    expect(texts(axes[0]!)).toEqual(['2k/s', '4k/s', '8000']);
    expect(numbers(axes[0]!)).toEqual([2000, 4000, 8000]);
    expect(texts(axes[1]!)).toEqual(['provisioned', 'on-demand']);
    expect(numbers(axes[1]!)).toEqual([undefined, undefined]);
    expect(axes[2]!.values).toHaveLength(2);
  });

  it('splits only at top-level commas: brackets, braces and quotes hold theirs', () => {
    expect(splitTopLevel('[a, b],{x: 1, y: 2},"c,d"')).toEqual(['[a, b]', '{x: 1, y: 2}', '"c,d"']);
    expect(splitTopLevel('[a, b')).toBeUndefined();
    const [keys] = parseAxes([
      'producers[0].keys={dist: uniform, count: 10},{dist: zipf, count: 100, s: 1.1}',
    ]);
    expect(texts(keys!)).toEqual(['{dist: uniform, count: 10}', '{dist: zipf, count: 100, s: 1.1}']);
  });

  it('takes a path with ".." in a value as a list, not a range', () => {
    expect(texts(parseAxes(['producers[0].rate.file=../a.csv,../b.csv'])[0]!)).toEqual([
      '../a.csv',
      '../b.csv',
    ]);
  });
});

describe('parseAxes: mistakes, each located at its argument', () => {
  it.each([
    ['stream.shards', '--vary[0]: stream.shards: not PATH=VALUES: there is no "="'],
    ['stream.shards=', '--vary[0]: stream.shards=: no values after "="'],
    [
      'stream..shards=1,2',
      '--vary[0]: stream..shards=1,2: "stream..shards" is not a field path: expected a field name at ".shards"',
    ],
    ['stream.shards=8..4', '--vary[0]: stream.shards=8..4: the range runs backwards: "4" is below "8"'],
    ['stream.shards=1..4 step 0', '--vary[0]: stream.shards=1..4 step 0: the step must be above 0 (found 0)'],
    ['stream.shards=1..4 step x', '--vary[0]: stream.shards=1..4 step x: the step "x" is not a number'],
    [
      'producers[0].rate=2k/s..8k/s',
      '--vary[0]: producers[0].rate=2k/s..8k/s: a range of record rates needs a step, e.g. 2k/s..8k/s step 2k/s',
    ],
    [
      'producers[0].rate=2k/s..8MiB/s step 1k/s',
      '--vary[0]: producers[0].rate=2k/s..8MiB/s step 1k/s: the range\'s ends are not alike: "2k/s" is a record rate, "8MiB/s" is a byte rate',
    ],
    [
      'stream.shards=1..100000',
      '--vary[0]: stream.shards=1..100000: the range has 100,000 values, more than the 10,000 one axis may take: use a larger step',
    ],
    [
      'stream.shards=1,,2',
      '--vary[0]: stream.shards=1,,2: an empty value in the list "1,,2" (two commas in a row, or one at an end)',
    ],
    [
      'stream.shards=4,8,4',
      '--vary[0]: stream.shards=4,8,4: "4" is listed twice for stream.shards: each point runs once',
    ],
    [
      'stream.shards=[1,2',
      '--vary[0]: stream.shards=[1,2: a bracket, brace or quote is left open in the values',
    ],
  ])('%s', (arg, expected) => {
    expect(problemOf([arg])).toBe(expected);
  });

  it('refuses a path varied twice, and reports every bad argument at once', () => {
    expect(problemOf(['stream.shards=1,2', 'x', 'stream.shards=3,4'])).toBe(
      [
        '--vary[1]: x: not PATH=VALUES: there is no "="',
        '--vary[2]: stream.shards=3,4: stream.shards is varied twice (also by --vary stream.shards=1,2)',
      ].join('\n'),
    );
  });

  it('refuses a grid of more than 100,000 points, with its arithmetic', () => {
    // 1,000 × 1,000 = 1,000,000 points.
    expect(problemOf(['stream.shards=1..1000', 'producers[0].rate=1..1000'])).toBe(
      '--vary: the grid has 1,000 × 1,000 = 1,000,000 points, more than the 100,000 a sweep runs',
    );
  });
});

describe('gridPoints', () => {
  it('lists the grid in row-major order, the last axis fastest, after the base --sets', () => {
    const axes = parseAxes(['stream.shards=4..8 step 2', 'producers[0].rate=2k/s,4k/s']);
    const points = gridPoints(axes, ['duration=1m']);
    expect(points.map((p) => p.overrides)).toEqual([
      ['duration=1m', 'stream.shards=4', 'producers[0].rate=2k/s'],
      ['duration=1m', 'stream.shards=4', 'producers[0].rate=4k/s'],
      ['duration=1m', 'stream.shards=6', 'producers[0].rate=2k/s'],
      ['duration=1m', 'stream.shards=6', 'producers[0].rate=4k/s'],
      ['duration=1m', 'stream.shards=8', 'producers[0].rate=2k/s'],
      ['duration=1m', 'stream.shards=8', 'producers[0].rate=4k/s'],
    ]);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(points[3]!.at).toEqual({ 'stream.shards': '6', 'producers[0].rate': '4k/s' });
  });

  it('is one point, the scenario as is, without axes', () => {
    expect(gridPoints([], ['a=1'])).toEqual([{ index: 0, at: {}, overrides: ['a=1'] }]);
  });

  it('holds ∏|values| points, every combination exactly once', () => {
    const axis = (k: number) =>
      fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 5 }).map(
        (values): Axis => ({
          path: `p${k}`,
          text: `p${k}=${values.join(',')}`,
          values: values.map((v) => ({ text: String(v), numeric: v })),
        }),
      );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 4 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => axis(k)))),
        (axes) => {
          const points = gridPoints(axes);
          const product = axes.reduce((n, a) => n * a.values.length, 1);
          expect(points).toHaveLength(product);
          const keys = points.map((p) => JSON.stringify(axes.map((a) => p.at[a.path])));
          expect(new Set(keys).size).toBe(product);
          // Each point's values are its axes' own, and its overrides say the same.
          for (const p of points) {
            axes.forEach((a, k) => {
              expect(a.values.map((v) => v.text)).toContain(p.at[a.path]);
              expect(p.overrides[k]).toBe(`${a.path}=${p.at[a.path]}`);
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
