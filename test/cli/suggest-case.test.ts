/**
 * "Did you mean" for a name written in another case: `RATE:` for `rate:`. The scenario loader's
 * suggester chose its candidate with case counted and then judged it with case ignored, so a word
 * in capitals was compared letter by letter with every candidate: `RATE` is 4 substitutions from
 * `rate` and from `name` alike, `name` came first, and "rate" and "name" are 2 edits apart once
 * lower-cased, so it said "did you mean "name"?". One suggester (src/suggest.ts) ignores case for
 * both, as the gate-unit suggester already did; `PROVISIONED` shows an enum value gets the same.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

describe('shardcast validate suggests a name written in another case', () => {
  it('names the field and the enum value meant, with exit 2', async () => {
    const file = 'capitals.yaml';
    const text = lines(
      'name: t', // 1
      'stream: { mode: PROVISIONED, shards: 2 }', // 2
      'producers:', // 3
      '  - name: web', // 4
      '    RATE: 1000/s', // 5
    );
    const result = await run(['validate', file], { [file]: text });
    expect(result.stderr.split('\n')).toEqual([
      'error: 3 problems found',
      '  capitals.yaml:2:17: stream.mode: not one of the allowed values (expected one of provisioned, on-demand, found "PROVISIONED")',
      '      hint: did you mean "provisioned"?',
      '  capitals.yaml:4:5: producers[0].rate: missing required field "rate"',
      '  capitals.yaml:5:5: producers[0].RATE: unknown field "RATE"',
      '      hint: did you mean "rate"?',
      '',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
