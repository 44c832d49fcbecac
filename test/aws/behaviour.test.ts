/** The reshard timeline planner and engine share: UpdateShardCount calls, their operations, the 24-hour window. */
import { describe, expect, it } from 'vitest';
import { shardCountCalls } from '../../src/aws/reshard.js';

describe('shardCountCalls', () => {
  it('runs each call’s operations one after another, and the 11th call in 24 h waits', () => {
    // 1 → 4,096 shards: 12 doublings, 2^i → 2^(i+1), each 2^i splits at 1 s an operation.
    // Calls 1–10 start back to back at 0, 1, 3, …, 2^i − 1; the 11th waits for the first to leave
    // the window, 0 + 86,400 (its predecessor ended at 1,023), and ends 1,024 s later; the 12th
    // starts when the 11th ends, 87,424 (the second call's window, 1 + 86,400, is long open).
    const calls = shardCountCalls(1, 4096, 0, 1);
    expect(calls.map((c) => c.shards)).toEqual(Array.from({ length: 12 }, (_, i) => 2 ** (i + 1)));
    expect(calls.slice(0, 10).map((c) => c.start)).toEqual(Array.from({ length: 10 }, (_, i) => 2 ** i - 1));
    expect(calls[10]).toEqual({ shards: 2048, start: 86_400, end: 87_424, splits: 1024, merges: 0 });
    expect(calls[11]).toEqual({ shards: 4096, start: 87_424, end: 89_472, splits: 2048, merges: 0 });
  });

  it('counts earlier calls towards the window and appends its own', () => {
    // Ten calls already made at 0 … 9 s: a reshard asked for at 100 s waits until 0 + 86,400.
    // 10 → 15 is one call: gcd(10, 15) = 5, so 10 splits and 5 merges, 15 operations of 30 s.
    const earlier = Array.from({ length: 10 }, (_, i) => i);
    const calls = shardCountCalls(10, 15, 100, 30, earlier);
    expect(calls).toEqual([{ shards: 15, start: 86_400, end: 86_400 + 15 * 30, splits: 10, merges: 5 }]);
    expect(earlier).toHaveLength(11);
    expect(earlier[10]).toBe(86_400);
  });

  it('makes no call when the count does not change', () => {
    expect(shardCountCalls(8, 8, 50, 30)).toEqual([]);
  });
});
