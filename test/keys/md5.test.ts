import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Md5 } from '../../src/keys/md5.js';

function digestHex(md5: Md5, bytes: Uint8Array): string {
  md5.reserve(bytes.length);
  md5.buffer.set(bytes);
  md5.digest(bytes.length);
  return Array.from(md5.words, (w) => w.toString(16).padStart(8, '0')).join('');
}

const cryptoHex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('Md5', () => {
  it('gives the RFC 1321 test-suite digests (§A.5)', () => {
    const md5 = new Md5();
    const text = (s: string) => digestHex(md5, new TextEncoder().encode(s));
    expect(text('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(text('a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(text('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(text('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(text('abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(text('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches node:crypto on random messages of 0 to 300 bytes, reusing one buffer', () => {
    // One hasher for every run: bytes left over from a longer message must not leak into the next.
    const md5 = new Md5(1);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        expect(digestHex(md5, bytes)).toBe(cryptoHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches node:crypto at every padding edge (55, 56, 63, 64, 119, 120 bytes …)', () => {
    const md5 = new Md5(1);
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      expect(digestHex(md5, bytes), `length ${length}`).toBe(cryptoHex(bytes));
    }
  });

  it('grows its buffer and keeps what was written', () => {
    const md5 = new Md5(4);
    md5.buffer.set([1, 2, 3]);
    md5.reserve(1000);
    expect(Array.from(md5.buffer.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(md5.buffer.length).toBeGreaterThanOrEqual(1000 + 9);
  });
});
