import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '../../src/result/json-error.js';

describe('locateJsonSyntaxError', () => {
  it.each([
    ['{"a": 1,}', 1, 9, "expected a property name in double quotes, found '}'"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name, found '1'"],
    ['[1 2]', 1, 4, "expected ',' or ']', found '2'"],
    ['{"a": [1, 2}', 1, 12, "expected ',' or ']', found '}'"],
    ['{"a": 01}', 1, 8, "expected ',' or '}', found '1'"],
    ['{"a": "x\\q"}', 1, 10, "expected an escape: one of \" \\ / b f n r t u, found 'q'"],
    [
      '{"a": "x\ny"}',
      1,
      9,
      'expected a closing double quote (control characters must be escaped), found "\\n"',
    ],
    ['{"a": tru}', 1, 7, "expected a value, found 't'"],
    ['{}\n{}', 2, 1, "expected the end of the document, found '{'"],
    ['{"a": NaN}', 1, 7, "expected a value, found 'N'"],
  ])('%j fails at %i:%i', (text, line, column, message) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(locateJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it('agrees with JSON.parse on which texts are valid', () => {
    // Valid JSON, and valid JSON with one character deleted or replaced.
    const texts = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', '}', ']', ',', ':', '"', '\\', 'x', '1'))
      .map(([json, at, char]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, i) + char + json.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), texts), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(locateJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
