import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalDigits, keyName, TemplateEncoder } from '../../src/keys/template.js';

describe('keyName', () => {
  it('replaces every {i} with the 0-based index', () => {
    expect(keyName('key-{i}', 0)).toBe('key-0');
    expect(keyName('user-{i}', 42)).toBe('user-42');
    expect(keyName('{i}/{i}', 7)).toBe('7/7');
    expect(keyName('tenant-{i}-shard', 1_000_000)).toBe('tenant-1000000-shard');
  });
});

describe('decimalDigits', () => {
  it('counts digits up to 2^53', () => {
    expect(decimalDigits(0)).toBe(1);
    expect(decimalDigits(9)).toBe(1);
    expect(decimalDigits(10)).toBe(2);
    expect(decimalDigits(999_999)).toBe(6);
    expect(decimalDigits(1_000_000)).toBe(7);
    expect(decimalDigits(2 ** 53)).toBe(16); // 9007199254740992
  });
});

describe('TemplateEncoder', () => {
  it('writes the UTF-8 bytes of keyName, whatever was in the buffer before', () => {
    const templates = fc.constantFrom('key-{i}', '{i}', 'café-{i}-ü', '{i}:{i}', '😀{i}x', 'a{i}b{i}c{i}');
    fc.assert(
      fc.property(
        templates,
        fc.array(fc.nat({ max: 2 ** 53 - 1 }), { minLength: 1, maxLength: 20 }),
        (t, indices) => {
          const encoder = new TemplateEncoder(t);
          const out = new Uint8Array(256).fill(0xee);
          for (const index of indices) {
            const expected = new TextEncoder().encode(keyName(t, index));
            const length = encoder.encode(index, out);
            expect(length).toBe(expected.length);
            expect(encoder.bytesOf(index)).toBe(expected.length);
            expect(Array.from(out.subarray(0, length))).toEqual(Array.from(expected));
            out.fill(0xee, length); // as a hash's padding would
          }
        },
      ),
    );
  });
});
