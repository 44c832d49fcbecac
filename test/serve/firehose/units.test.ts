import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeliveryBuffer,
  type FlushedBuffer,
  keyStaysInBucket,
} from '../../../src/serve/firehose/delivery.js';
import {
  derivedRandomString,
  evaluatePrefix,
  formatUtc,
  objectKey,
} from '../../../src/serve/firehose/object-key.js';
import { DirectPutQuota } from '../../../src/serve/firehose/quota.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('object keys (FH-BH "S3 object name format", "custom prefixes")', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5); // 2026-01-02 03:04:05 UTC

  it('formats DateTimeFormatter patterns in UTC, with quoted literals', () => {
    expect(formatUtc('yyyy/MM/dd/HH', new Date(at))).toBe('2026/01/02/03');
    expect(formatUtc("yy-MM-dd'T'HH:mm:ss", new Date(at))).toBe('26-01-02T03:04:05');
    expect(formatUtc("'it''s' yyyy", new Date(at))).toBe('its 2026');
  });

  it('adds the default time prefix only to a prefix without expressions', () => {
    expect(evaluatePrefix('', at, 's')).toBe('2026/01/02/03/');
    expect(evaluatePrefix('raw/', at, 's')).toBe('raw/2026/01/02/03/');
    expect(evaluatePrefix('d=!{timestamp:yyyy-MM-dd}/', at, 's')).toBe('d=2026-01-02/');
  });

  it('builds <prefix><name>-<version>-<write time>-<uuid><extension> and derives the same key from the same seed', () => {
    const input = {
      prefix: 'p/',
      streamName: 's',
      version: 1,
      oldestArrivalMs: at,
      writtenAtMs: at + 61_000,
      extension: '.gz',
      uniqueSeed: 'arn#1',
    };
    expect(objectKey(input)).toMatch(/^p\/2026\/01\/02\/03\/s-1-2026-01-02-03-05-06-[0-9a-f-]{36}\.gz$/);
    expect(objectKey(input)).toBe(objectKey(input));
    expect(objectKey({ ...input, uniqueSeed: 'arn#2' })).not.toBe(objectKey(input));
    expect(derivedRandomString('x')).toMatch(/^[0-9a-z]{11}$/);
  });

  it('keeps keys inside the bucket folder', () => {
    expect(keyStaysInBucket('a/b/c')).toBe(true);
    expect(keyStaysInBucket('a/../../c')).toBe(false);
    expect(keyStaysInBucket('../c')).toBe(false);
    expect(keyStaysInBucket('/etc/passwd')).toBe(false);
  });
});

describe('DeliveryBuffer', () => {
  it('cuts objects at the first record that reaches the size, keeping every byte in order (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }),
        (sizeBytes, sizes) => {
          const clock = new ManualClock(0);
          const objects: FlushedBuffer[] = [];
          const buffer = new DeliveryBuffer(sizeBytes, 60_000, clock, (f) => objects.push(f));
          for (const [i, n] of sizes.entries()) buffer.add(new Uint8Array(n).fill(i % 256), 0);
          buffer.flush();
          // Every object but the last reached the size, and was under it before its last record.
          for (const o of objects.slice(0, -1)) {
            const last = o.chunks.at(-1) as Uint8Array;
            expect(o.bytes).toBeGreaterThanOrEqual(sizeBytes);
            expect(o.bytes - last.byteLength).toBeLessThan(sizeBytes);
          }
          const flat = objects.flatMap((o) => o.chunks);
          expect(flat.map((c) => c.byteLength)).toEqual(sizes);
          expect(flat.map((c) => c[0] ?? -1)).toEqual(sizes.map((n, i) => (n === 0 ? -1 : i % 256)));
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('DirectPutQuota', () => {
  it('refills continuously up to one second of each rate', () => {
    // Other regions: 1 MiB/s = 1,048,576 bytes/s. Take it all, then 250 ms refill a quarter
    // (262,144 bytes): a record of 262,144 fits, one more byte does not. A long pause refills only
    // to one second's worth: 1,048,576 fits, 1,048,577 never does.
    const quota = new DirectPutQuota('ap-south-1', 0);
    expect(quota.admitRequest(0)).toBe(true);
    expect(quota.admitRecord(1_048_576)).toBe(true);
    expect(quota.admitRecord(1)).toBe(false);
    expect(quota.admitRequest(250)).toBe(true);
    expect(quota.admitRecord(262_144)).toBe(true);
    expect(quota.admitRecord(1)).toBe(false);
    expect(quota.admitRequest(3_600_000)).toBe(true);
    expect(quota.admitRecord(1_048_577)).toBe(false);
    expect(quota.admitRecord(1_048_576)).toBe(true);
  });

  it('never admits more than one second of burst plus the rate × the time elapsed (property)', () => {
    // Other regions: 1,048,576 bytes/s and 100,000 records/s. Whatever the calls, the bytes admitted
    // by time T (s) are at most 1,048,576 × (1 + T): the full bucket at the start plus the refill.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 300_000 })), {
          maxLength: 300,
        }),
        (calls) => {
          const quota = new DirectPutQuota('ap-south-1', 0);
          let nowMs = 0;
          let admitted = 0;
          for (const [waitMs, bytes] of calls) {
            nowMs += waitMs;
            if (quota.admitRequest(nowMs) && quota.admitRecord(bytes)) admitted += bytes;
            expect(admitted).toBeLessThanOrEqual(1_048_576 * (1 + nowMs / 1000) + 1e-6);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
