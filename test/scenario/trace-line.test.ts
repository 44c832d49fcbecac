/**
 * A trace line is read by a linear scanner (src/scenario/trace-line.ts), not by the expression it
 * replaces, which backtracked quadratically over a run of tabs (issue 15, point 4: `1`, 200,000 tabs
 * and `1x` did not finish in 60 s). The scanner must accept exactly the lines the expression did,
 * with the same two fields, and refuse the long line with a located message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTraceCsv } from '../../src/scenario/load.js';
import { scanTraceLine } from '../../src/scenario/trace-line.js';
import { run } from '../helpers/fake-io.js';

/** The expression trace lines were read with before issue 15, kept here as the specification. */
const OLD_TRACE_LINE = /^\s*([0-9.eE+-]+)\s*[,;\t ]\s*([0-9.eE+-]+)\s*$/;

const oldScan = (line: string): [string, string] | undefined => {
  const m = OLD_TRACE_LINE.exec(line);
  return m ? [m[1]!, m[2]!] : undefined;
};

/** The characters that matter to either reader: a number's, the separators, other whitespace, a letter. */
const ALPHABET = ['0', '1', '9', '.', 'e', 'E', '+', '-', ',', ';', '\t', ' ', 'x', '\u00a0', '\r'];

describe('scanTraceLine', () => {
  it('accepts exactly what the old expression accepted, with the same fields', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }), (chars) => {
        const line = chars.join('');
        expect(scanTraceLine(line)).toEqual(oldScan(line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the usual shapes', () => {
    expect(scanTraceLine('0,10')).toEqual(['0', '10']);
    expect(scanTraceLine(' 60 ; 1.5e3 ')).toEqual(['60', '1.5e3']);
    expect(scanTraceLine('60\t\t20')).toEqual(['60', '20']);
    // Two separators, a separator of no space or tab (a no-break space alone), a letter: refused.
    expect(scanTraceLine('60,,20')).toBeUndefined();
    expect(scanTraceLine('60\u00a020')).toBeUndefined();
    expect(scanTraceLine('60,20x')).toBeUndefined();
  });

  it('refuses a line of 1, 200,000 tabs and 1x with its line number', () => {
    const line = `1${'\t'.repeat(200_000)}1x`;
    // After a point, so the line is not taken for a header (it has a letter).
    // Quoted cut to 40 characters (`1` and 39 tabs) with the full length: 1 + 200,000 + 2 = 200,003.
    expect(parseTraceCsv(`0,1\n${line}\n`, 'trace.csv')).toBe(
      `trace.csv:2: expected "seconds,recordsPerSecond", found ${JSON.stringify(`1${'\t'.repeat(39)}`)}… (200003 characters)`,
    );
  });

  it('validate refuses the long line at the scenario line naming the file, exit 2', async () => {
    const scenario = [
      'name: t',
      'duration: 10s',
      'stream: { shards: 1 }',
      'producers:',
      '  - name: web',
      '    rate: { profile: trace, file: trace1.csv }',
    ].join('\n');
    const result = await run(['validate', 'scenarios/t.yaml'], {
      'scenarios/t.yaml': scenario,
      'scenarios/trace1.csv': `0,1\n1${'\t'.repeat(200_000)}1x\n`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'scenarios/t.yaml:6:35: producers[0].rate.file: trace1.csv:2: expected "seconds,recordsPerSecond", found "1\\t',
    );
  });
});
