/**
 * The capacity a shard has at the start of a run beyond its limit (`engine.initialBurst`). AWS
 * documents a per-second limit and no initial credit for a shard or a Direct PUT quota, so by
 * default there is none: over its first T seconds a shard admits at most limit × T (its buckets
 * start full but owe their first second of refills). A full burst (a stream idle before the run)
 * is an option, and adds exactly one bucket less the first refill the cap drops.
 */
import { describe, expect, it } from 'vitest';
import { MiB, metric, runOf, SHARD_RECORDS } from './fidelity-helpers.js';

const overloaded = (engine: string) => `
name: start
duration: 60s
stream: { shards: 1 }
producers:
  - { name: p, rate: 1100/s, recordSize: 100B, retry: { maxAttempts: 1 } }
${engine}
`;

describe('token buckets at the start of a run', () => {
  it('no burst by default: 110% of a shard for 60 s throttles 1 − 1/1.1 = 9.09%', () => {
    // 1,100 records/s of 100 B (+ 36 B key: 149,600 B/s, far below 1 MiB/s: records bind) into one
    // shard, no retries. The bucket holds 1,000 and its first ten refills of 100 pay for them; then
    // it gains 100 a tick: the shard admits 1,000 × 60 = 60,000 records; ~66,000 are offered, so the
    // throttled share is 1 − 60,000 ÷ 66,000 = 1 − 1/1.1 = 9.09%.
    const r = runOf(overloaded(''));
    expect(r.counters.acknowledged).toBeLessThanOrEqual(60 * SHARD_RECORDS + 1e-6);
    expect(r.counters.acknowledged).toBeGreaterThan(60 * SHARD_RECORDS - 50);
    // First second: the limit, nothing more.
    expect(r.series.acknowledged[0]).toBeLessThanOrEqual(SHARD_RECORDS + 1e-6);
    // The ratio against the offered records actually drawn, and against the rate (Poisson: the
    // 66,000 offered vary by √66,000 ≈ 257, 0.35% of the ratio).
    const produced = r.counters.produced;
    expect(metric(r, 'throttledRatio')).toBeCloseTo(1 - r.counters.acknowledged / produced, 9);
    expect(Math.abs(metric(r, 'throttledRatio') - (1 - 1 / 1.1))).toBeLessThan(0.012);
  });

  it('full on request: one bucket of burst, 1,000 − 100 (the first refill the cap drops) = 900 records more', () => {
    // The bucket holds 1,000 and the first tick's refill of 100 is lost to the one-second cap; at
    // 1,100/s it drains by ~10 a tick, so for ~9 s everything offered is admitted, and over 60 s
    // 60,000 + 900 = 60,900 are: throttled (66,000 − 60,900) ÷ 66,000 = 7.7%.
    const r = runOf(overloaded('engine: { initialBurst: 1 }'));
    expect(r.counters.acknowledged).toBeLessThanOrEqual(60_900 + 1e-6);
    expect(r.counters.acknowledged).toBeGreaterThan(60_900 - 50);
    expect(r.series.acknowledged[0]).toBeCloseTo(r.series.offered[0]!, 6);
    expect(r.series.throttled[0]).toBe(0);
    expect(Math.abs(metric(r, 'throttledRatio') - (1 - 60_900 / 66_000))).toBeLessThan(0.012);
    // Half a bucket: the first five refills pay back the other half, 60,000 + 500 = 60,500.
    const half = runOf(overloaded('engine: { initialBurst: 0.5 }'));
    expect(half.counters.acknowledged).toBeLessThanOrEqual(60_500 + 1e-6);
    expect(half.counters.acknowledged).toBeGreaterThan(60_500 - 50);
  });

  it('a Direct PUT quota of 5 MiB/s admits 5 MiB in the first second, not 9.5 MiB', () => {
    // 10 MiB/s of 10 KiB records into a Direct PUT stream in us-east-1 (5 MiB/s, 2,000 requests/s,
    // 500,000 records/s; 1,024 records/s in full 500-record batches is ~2 requests/s): bytes bind.
    // By default the 5 MiB bucket pays back its first ten refills of 0.5 MiB: 5 MiB in the first
    // second, 5 MiB every second after. With a full burst it held 5 MiB and gained 9 × 0.5 MiB more
    // in the first second (the first refill lost to the cap): 9.5 MiB.
    const yaml = (engine: string) => `
name: direct-put-start
duration: 10s
region: us-east-1
stream: { shards: 1 }
producers:
  - { name: p, rate: 1024/s, recordSize: 10KiB, destination: fh, retry: { maxAttempts: 1 } }
firehose:
  - { name: fh, source: direct-put }
${engine}
`;
    const none = runOf(yaml(''));
    expect(none.series.writeBytes[0]!).toBeLessThanOrEqual(5 * MiB + 1);
    expect(none.series.writeBytes[0]!).toBeGreaterThan(4.9 * MiB);
    for (const bytes of none.series.writeBytes) expect(bytes).toBeLessThanOrEqual(5 * MiB + 1);
    const full = runOf(yaml('engine: { initialBurst: 1 }'));
    expect(full.series.writeBytes[0]!).toBeGreaterThan(9.4 * MiB);
  });

  it('a large-record stream takes 1 MiB in its first second by default, not its 10 MiB burst bucket', () => {
    // A stream that takes records up to 10 MiB has a 10 MiB byte bucket refilling at 1 MiB/s (LR,
    // B-LR). Offered 20 MiB/s of 100 KiB records on one shard, no retries. By default the bucket
    // starts with one second's refill, 1 MiB, owed back by the first ten refills: 1 MiB in the first
    // second, 1 MiB a second after, 30 MiB over 30 s. (Started full and owing 10 MiB, it took
    // 10 MiB in second 0 and nothing for the next nine.) With a full burst it starts at 10 MiB and
    // owes nothing: 10 MiB more over the run, less the first refill its cap drops (0.1 MiB).
    const yaml = (engine: string) => `
name: large-start
duration: 30s
stream: { shards: 1, maxRecordSize: 10MiB }
producers:
  - name: p
    rate: 20MiB/s
    recordSize: { dist: fixed, size: 100KiB }
    keys: { dist: uniform, count: 10 }
    retry: { maxAttempts: 1 }
${engine}
`;
    const none = runOf(yaml(''));
    expect(none.series.writeBytes[0]!).toBeLessThanOrEqual(MiB + 1);
    expect(none.series.writeBytes[0]!).toBeGreaterThan(0.85 * MiB);
    for (const bytes of none.series.writeBytes.slice(1)) expect(bytes).toBeGreaterThan(0.85 * MiB);
    const total = (r: typeof none) => r.series.writeBytes.reduce((a, b) => a + b, 0);
    expect(total(none)).toBeLessThanOrEqual(30 * MiB + 1);
    const full = runOf(yaml('engine: { initialBurst: 1 }'));
    expect(full.series.writeBytes[0]!).toBeGreaterThan(9.5 * MiB);
    expect(total(full)).toBeLessThanOrEqual(39.9 * MiB + 1);
    expect(total(full)).toBeGreaterThan(39.5 * MiB);
  });
});
