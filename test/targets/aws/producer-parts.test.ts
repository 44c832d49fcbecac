/**
 * The producers' parts without a server: the KPL aggregator's exact sizes and packing, the
 * aggregate decoder consumers use, the retry queue's order, and which whole-request errors are
 * retried.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAggregatedRecord } from '../../../src/aws/aggregation.js';
import { decodeAggregatedRecord } from '../../../src/aws/deaggregation.js';
import { routingHashKey } from '../../../src/aws/hash.js';
import { type Entry, plainEntry, RetryQueue, type UserRecord } from '../../../src/targets/aws/entries.js';
import { KplAggregator } from '../../../src/targets/aws/kpl.js';
import { classifyRequestError } from '../../../src/targets/aws/producer.js';
import { readRecordHeader } from '../../../src/workload/record-header.js';

const HEADER = { runTag: 0x1234_5678, producer: 2, worker: 0 };
/** Scheduled seconds → epoch µs, as a RunClock started at epoch 1,000 s would give. */
const epochMicros = (seconds: number) => Math.round(1e9 + seconds * 1e6);

function user(sequence: number, key: string, dataBytes: number, explicitHashKey?: string): UserRecord {
  return {
    sequence,
    at: sequence / 100,
    partitionKey: key,
    explicitHashKey,
    dataBytes,
    keyBytes: Buffer.byteLength(key),
  };
}

describe('KplAggregator', () => {
  it('packs by hand: 100-byte records with 4-character keys into a 500-byte aggregate hold 3', () => {
    // Per user record (a new key each): key table entry 1 + 1 + 4 = 6; Record message: key index
    // (1 + 1) + data (1 + 1 + 100) = 104, delimited 1 + 1 + 104 = 106; together 112 bytes.
    // 20 (magic + MD5) + 4 × 112 = 468 ≤ 500 < 20 + 5 × 112 = 580: 4 fit, the 5th closes the
    // first aggregate (of 4) and opens the next.
    const aggregator = new KplAggregator(500, HEADER, epochMicros);
    const closed: Entry[] = [];
    for (let i = 0; i < 5; i++) closed.push(...aggregator.add(user(i, `k${i}00`, 100), 0));
    expect(closed).toHaveLength(1);
    expect(closed[0]!.users.map((u) => u.sequence)).toEqual([0, 1, 2, 3]);
    expect(closed[0]!.dataBytes).toBe(20 + 4 * 112);
    expect(closed[0]!.data!.length).toBe(468);
    // Its bytes against the limits: data + the aggregate's 1-byte key "a".
    expect(closed[0]!.bytes).toBe(469);
    expect(closed[0]!.partitionKey).toBe('a');
    expect(closed[0]!.explicitHashKey).toBe(routingHashKey('k000').toString());
    expect(aggregator.users).toBe(1);
    // The one left is sent as itself when drained: an aggregate of one is a plain record.
    const drained = aggregator.drain();
    expect(drained).toHaveLength(1);
    expect(drained[0]!.data).toBeUndefined();
    expect(drained[0]!.partitionKey).toBe('k400');
    expect(drained[0]!.bytes).toBe(100 + 4);
  });

  it('a record larger than maxBytes by itself bypasses aggregation', () => {
    const aggregator = new KplAggregator(100, HEADER, epochMicros);
    // 20 + 6 + (1 + 1 + (1 + 1 + (1 + 1 + 100))) = 132 > 100.
    const out = aggregator.add(user(0, 'abcd', 100), 0);
    expect(out).toEqual([plainEntry(user(0, 'abcd', 100), true)]);
    expect(aggregator.users).toBe(0);
  });

  it('keeps one aggregate per shard', () => {
    const aggregator = new KplAggregator(10_000, HEADER, epochMicros);
    aggregator.add(user(0, 'x', 50), 0);
    aggregator.add(user(1, 'y', 50), 1);
    aggregator.add(user(2, 'z', 50), 0);
    // user(i) is scheduled at i / 100 s: the oldest open one is record 0.
    expect(aggregator.oldestAt()).toBe(0);
    const drained = aggregator.drain();
    expect(aggregator.oldestAt()).toBe(Number.POSITIVE_INFINITY);
    expect(drained.map((e) => e.users.map((u) => u.sequence))).toEqual([[0, 2], [1]]);
  });

  it('tracks the size exactly and every user record unpacks with its own header (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'bb', 'key-1', 'key-2', 'ü-key', 'x'.repeat(200)),
            dataBytes: fc.integer({ min: 32, max: 3000 }),
            ehk: fc.option(
              fc.constantFrom('0', '12345678901234567890', '340282366920938463463374607431768211455'),
              {
                nil: undefined,
              },
            ),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 200, max: 20_000 }),
        (records, maxBytes) => {
          const aggregator = new KplAggregator(maxBytes, HEADER, epochMicros);
          const entries: Entry[] = [];
          for (const [i, r] of records.entries()) {
            entries.push(...aggregator.add(user(i, r.key, r.dataBytes, r.ehk), 0));
          }
          entries.push(...aggregator.drain());
          const seen: number[] = [];
          for (const entry of entries) {
            if (entry.data === undefined) {
              expect(entry.users).toHaveLength(1);
              seen.push(entry.users[0]!.sequence);
              continue;
            }
            // The size tracked as records were added is the encoded size, within maxBytes.
            expect(entry.data.length).toBe(entry.dataBytes);
            expect(entry.dataBytes).toBeLessThanOrEqual(maxBytes);
            const unpacked = decodeAggregatedRecord(entry.data)!;
            expect(unpacked).toHaveLength(entry.users.length);
            unpacked.forEach((u, j) => {
              const expected = entry.users[j]!;
              expect(u.partitionKey).toBe(expected.partitionKey);
              expect(u.explicitHashKey).toBe(expected.explicitHashKey);
              const header = readRecordHeader(u.data)!;
              expect(header).toMatchObject({
                ...HEADER,
                sequence: expected.sequence,
                recordBytes: expected.dataBytes,
              });
              expect(header.scheduledEpochMicros).toBe(epochMicros(expected.at));
              seen.push(header.sequence);
            });
          }
          expect(seen.sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
        },
      ),
    );
  });
});

describe('decodeAggregatedRecord', () => {
  it('is not fooled by a plain record, a bad MD5 or a truncated one', () => {
    expect(decodeAggregatedRecord(new Uint8Array(64))).toBeUndefined();
    const aggregate = encodeAggregatedRecord([
      { partitionKey: 'p', data: new Uint8Array([1, 2]) },
      { partitionKey: 'q', data: new Uint8Array([3]), explicitHashKey: '7' },
    ]);
    expect(decodeAggregatedRecord(aggregate)).toEqual([
      { partitionKey: 'p', data: new Uint8Array([1, 2]) },
      { partitionKey: 'q', data: new Uint8Array([3]), explicitHashKey: '7' },
    ]);
    const corrupt = aggregate.slice();
    corrupt[6]! ^= 0xff;
    expect(decodeAggregatedRecord(corrupt)).toBeUndefined();
    expect(decodeAggregatedRecord(aggregate.subarray(0, 19))).toBeUndefined();
  });
});

describe('RetryQueue', () => {
  it('hands entries back in due order, only once due (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 200 }), (dues) => {
        const queue = new RetryQueue();
        for (const [i, dueAt] of dues.entries()) queue.push({ ...plainEntry(user(i, 'k', 40), true), dueAt });
        expect(queue.users).toBe(dues.length);
        expect(queue.popDue(-1)).toBeUndefined();
        const out: number[] = [];
        for (let e = queue.popDue(100); e !== undefined; e = queue.popDue(100)) out.push(e.dueAt);
        expect(out).toEqual([...dues].sort((a, b) => a - b));
        expect(queue.users).toBe(0);
        expect(queue.nextDueAt).toBe(Number.POSITIVE_INFINITY);
      }),
    );
  });
});

describe('classifyRequestError', () => {
  const sdkError = (name: string, status: number, fault: 'client' | 'server') =>
    Object.assign(new Error(name), {
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status, attempts: 3 },
    });

  it.each([
    [sdkError('ProvisionedThroughputExceededException', 400, 'client'), 'throttled'],
    [sdkError('LimitExceededException', 400, 'client'), 'throttled'],
    [sdkError('InternalFailure', 500, 'server'), 'retryable'],
    [sdkError('ServiceUnavailable', 503, 'server'), 'retryable'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'retryable'],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'retryable'],
    [sdkError('ResourceNotFoundException', 400, 'client'), 'fatal'],
    [sdkError('AccessDeniedException', 400, 'client'), 'fatal'],
    [sdkError('ValidationException', 400, 'client'), 'fatal'],
    // What the SDK throws for a connection serve drops (--faults reset): retried.
    [Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }), 'retryable'],
    // No credential in the chain: no status, no fault, and no retry can find one.
    [Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), 'fatal'],
  ])('%s → %s', (error, kind) => {
    expect(classifyRequestError(error)).toBe(kind);
  });
});
