/** Each record's header: what a consumer reads back to account for it. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeRecordData,
  RECORD_HEADER_BYTES,
  readRecordHeader,
  recordDataBytes,
  runTag,
  writeRecordHeader,
} from '../../src/workload/record-header.js';

const HEADER = {
  runTag: 0xdeadbeef,
  producer: 3,
  worker: 1,
  sequence: 4_000_000_123,
  scheduledEpochMicros: 1_796_000_000_123_456,
};

describe('record header', () => {
  it('lays out its 32 bytes as documented, by hand', () => {
    const data = encodeRecordData(HEADER, 40);
    expect(data.length).toBe(40);
    const view = new DataView(data.buffer);
    // "SC", version 1, reserved 0.
    expect([...data.subarray(0, 4)]).toEqual([0x53, 0x43, 1, 0]);
    expect(view.getUint32(4)).toBe(0xdeadbeef);
    expect(view.getUint16(8)).toBe(3);
    expect(view.getUint16(10)).toBe(1);
    expect(view.getFloat64(12)).toBe(4_000_000_123);
    expect(view.getFloat64(20)).toBe(1_796_000_000_123_456);
    // The record's length, header included: 40.
    expect(view.getUint32(28)).toBe(40);
    // Zero padding after the header: 40 − 32 = 8 bytes.
    expect([...data.subarray(32)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('grows a record smaller than the header to the header: 1 byte → 32, 32 → 32, 33 → 33', () => {
    expect([1, 31, 32, 33, 1024].map(recordDataBytes)).toEqual([32, 32, 32, 33, 1024]);
    expect(RECORD_HEADER_BYTES).toBe(32);
  });

  it('tags a run with the first 4 bytes of SHA-256 of its id', () => {
    const digest = createHash('sha256').update('20261206-120000-s1').digest();
    expect(runTag('20261206-120000-s1')).toBe(digest.readUInt32BE(0));
    expect(runTag('a')).not.toBe(runTag('b'));
  });

  it('reads back what it wrote, for any header and size (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          runTag: fc.integer({ min: 0, max: 0xffffffff }),
          producer: fc.integer({ min: 0, max: 0xffff }),
          worker: fc.integer({ min: 0, max: 0xffff }),
          sequence: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          scheduledEpochMicros: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
        }),
        fc.integer({ min: 1, max: 4096 }),
        (header, size) => {
          const data = encodeRecordData(header, size);
          expect(readRecordHeader(data)).toEqual({ ...header, recordBytes: Math.max(32, size) });
        },
      ),
    );
  });

  it('finds records concatenated without a delimiter by their lengths, as Firehose writes them', () => {
    const sizes = [32, 100, 45];
    const parts = sizes.map((size, i) => encodeRecordData({ ...HEADER, sequence: i }, size));
    const object = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const part of parts) {
      object.set(part, at);
      at += part.length;
    }
    const found: number[] = [];
    for (let offset = 0; offset < object.length; ) {
      const header = readRecordHeader(object, offset);
      if (header === undefined) break;
      found.push(header.sequence);
      offset += header.recordBytes!;
    }
    expect(found).toEqual([0, 1, 2]);
  });

  it('says there is no header in data another writer sent', () => {
    expect(
      readRecordHeader(new TextEncoder().encode('{"hello":"world, long enough to hold a header"}')),
    ).toBeUndefined();
    expect(readRecordHeader(new Uint8Array(10))).toBeUndefined();
    // The right magic, another version.
    const data = encodeRecordData(HEADER, 32);
    data[2] = 2;
    expect(readRecordHeader(data)).toBeUndefined();
    // A length shorter than the header is not a record of ours.
    const short = encodeRecordData(HEADER, 32);
    writeRecordHeader(short, 0, { ...HEADER, recordBytes: 5 });
    expect(readRecordHeader(short)).toBeUndefined();
  });
});
