/**
 * Fidelity: each behaviour documented in docs/aws-facts.md shows in the engine model's output. Every
 * expectation is computed by hand in a comment from the documented figures (written in
 * fidelity-helpers.ts, not imported from src/).
 *
 * Two things the arithmetic uses throughout:
 * - Token buckets (docs/engine.md): a shard's bucket holds one second's worth and is refilled every
 *   tick (100 ms) by a tenth of the limit before the tick's records draw on it. It starts full but
 *   owes its first second of refills (`engine.initialBurst`, 0 by default: AWS documents no
 *   initial credit), so a shard admits at most its limit × T over its first T seconds: 1,000 in the
 *   first second at 3× its limit, taken from the full bucket in the first ticks.
 * - Arrivals are Poisson per tick and shard: a per-second count at rate λ has a standard deviation
 *   of √λ, and tolerances below are a few of those.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  between,
  KiB,
  MiB,
  mean,
  metric,
  runOf,
  SHARD_BYTES,
  SHARD_READ_BYTES,
  SHARD_RECORDS,
  sum,
  UNIQUE_KEY_BYTES,
} from './fidelity-helpers.js';

describe('1. a shard accepts no more than its per-second byte and record limits', () => {
  it('records: 3,000 records/s of 100 B into 1 shard → 1,000/s acknowledged', () => {
    // 3,000 × (100 + 36) B = 408,000 B/s, far below 1 MiB/s: the record limit binds.
    const r = runOf(`
name: records-limit
duration: 20s
stream: { shards: 1 }
producers:
  - { name: p, rate: 3000/s, recordSize: 100B }
`);
    const ack = r.series.acknowledged;
    // First second: the full bucket, whose ten refills pay it back: 1,000, no burst.
    expect(ack[0]).toBeCloseTo(SHARD_RECORDS, 6);
    // Every later second: the bucket is empty at each tick, so exactly 10 × 100 = 1,000.
    for (const perSecond of ack.slice(1)) expect(perSecond).toBeLessThanOrEqual(SHARD_RECORDS + 1e-6);
    expect(mean(ack.slice(1))).toBeCloseTo(SHARD_RECORDS, 6);
    // Over any prefix: at most 1,000 × seconds.
    let cumulative = 0;
    ack.forEach((a, i) => {
      cumulative += a;
      expect(cumulative).toBeLessThanOrEqual(SHARD_RECORDS * (i + 1) + 1e-6);
    });
    // Offered ~3,000/s (first attempts), and the rest is throttled every second.
    for (const t of r.series.throttled) expect(t).toBeGreaterThan(0);
    expect(r.counters.throttled).toBeGreaterThan(0);
    // 20 s: 20 × 1,000 = 20,000 acknowledged.
    expect(r.counters.acknowledged).toBeCloseTo(20_000, 3);
  });

  it('bytes: 200 records/s of 10 KiB (≈ 2 MiB/s) into 1 shard → 1 MiB/s accepted', () => {
    // A record is 10,240 + 36 (key) = 10,276 B; 200/s is 2,055,200 B/s ≈ 1.96 MiB/s, while 200
    // records/s is a fifth of the record limit: the byte limit binds.
    const recordBytes = 10 * KiB + UNIQUE_KEY_BYTES;
    const r = runOf(`
name: bytes-limit
duration: 20s
stream: { shards: 1 }
producers:
  - { name: p, rate: 200/s, recordSize: 10KiB }
`);
    const bytes = r.series.writeBytes;
    // The bucket starts full (one second's worth) and refills at 1 MiB/s: a second takes at most
    // what the bucket held plus that second's refill, 2 MiB, and through second i the stream takes
    // at most the first bucketful plus i + 1 seconds of refill. (Second 0 may leave part of the
    // first bucketful to second 1 when its Poisson demand, ~200 × 10,276 B ≈ 1.96 MiB, is below
    // the 2 MiB it could take.)
    let through = 0;
    bytes.forEach((b, i) => {
      expect(b).toBeLessThanOrEqual(2 * SHARD_BYTES + 1e-3);
      through += b;
      expect(through).toBeLessThanOrEqual(SHARD_BYTES + (i + 1) * SHARD_BYTES + 1e-3);
    });
    // Once the first bucketful is spent, 1,048,576 B/s every second (demand, ~20 records × 10,276 B
    // = 205,520 B per tick plus retries, stays above a tick's 104,858 B of tokens).
    for (const b of bytes.slice(2)) expect(b).toBeCloseTo(SHARD_BYTES, 0);
    expect(mean(bytes.slice(2))).toBeCloseTo(SHARD_BYTES, 0);
    // So 1,048,576 ÷ 10,276 = 102.04 records/s are acknowledged.
    // (The series is rounded to 1/1,000 of a record.)
    expect(mean(r.series.acknowledged.slice(2))).toBeCloseTo(SHARD_BYTES / recordBytes, 2);
    expect(r.counters.throttled).toBeGreaterThan(0);
  });
});

describe('2. a single key above a shard’s limit throttles whatever the shard count', () => {
  // One key at 1,500 records/s (a weighted list of one key), and a tail of 1,000 records/s with a
  // unique key per record (spread exactly evenly). No retries (maxAttempts 1), so what is
  // throttled is what the hot key's shard is offered above 1,000/s:
  //   throttled/s = 1,500 + 1,000 ÷ n − 1,000 → n = 4: 750, n = 16: 562.5, n = 64: 515.6.
  // The tail's share shrinks with more shards, the key's 500/s over the limit never does.
  // Tolerance: the hot shard gets Poisson(1,500 + 1,000/n) records a second; over 58 s the mean
  // has a standard deviation of √(1,750 / 58) ≈ 5.5, so ±25 is over 4 of them. (Every tick's
  // demand, ~150–175 records, is above the tick's 100 tokens, so exactly 1,000/s are admitted.)
  const hotKeyRun = (shards: number) =>
    runOf(`
name: hot-key-${shards}
duration: 60s
stream: { shards: ${shards} }
producers:
  - name: hot
    rate: 1500/s
    recordSize: 100B
    keys: { dist: weighted, keys: [{ key: device-42, weight: 1 }] }
    retry: { maxAttempts: 1 }
  - name: tail
    rate: 1000/s
    recordSize: 100B
    retry: { maxAttempts: 1 }
`);

  it.each([4, 16, 64])('on %i shards: the hot key’s shard throttles ≈ 500/s + its tail share', (shards) => {
    const r = hotKeyRun(shards);
    const expected = 1500 + 1000 / shards - SHARD_RECORDS;
    const throttled = mean(between(r.series.throttled, 2, 60));
    expect(throttled).toBeGreaterThan(500 - 25);
    expect(Math.abs(throttled - expected)).toBeLessThan(25);
    // Nothing retries, so every throttled record is lost.
    expect(r.counters.dropped).toBeCloseTo(r.counters.throttled, 6);
    // The hottest shard runs at (1,500 + 1,000/n) / 1,000 of its record limit, on average.
    const hottest = r.shardSeries.hottest[0]!.utilization;
    expect(mean(hottest)).toBeCloseTo(expected / SHARD_RECORDS + 1, 1);
  });

  it('the same 2,500 records/s spread over unique keys on 4 shards does not throttle', () => {
    // 2,500 ÷ 4 = 625 records/s a shard: 0.625 of the limit.
    const r = runOf(`
name: spread-4
duration: 60s
stream: { shards: 4 }
producers:
  - { name: p, rate: 2500/s, recordSize: 100B, retry: { maxAttempts: 1 } }
`);
    expect(r.counters.throttled).toBe(0);
  });
});

describe('3. polling applications on a shard share its 2 MiB/s', () => {
  // 1 shard written at 100 records/s of 10 KiB: 100 × 10,276 B = 1,027,600 B/s (0.98 MiB/s, under
  // the write limit). Each polling application polls once a second (4 calls/s in all, under 5).
  // The shard starts with a full burst (a stream idle before): at 98% of the limit a Poisson first
  // second above 102 records (~40% likely) would throttle without it, and the subject is reading.
  const recordBytes = 10 * KiB + UNIQUE_KEY_BYTES;
  const pollingRun = (apps: number) =>
    runOf(`
name: polling-${apps}
duration: 30s
stream: { shards: 1 }
producers:
  - { name: p, rate: 100/s, recordSize: 10KiB }
consumers:
${Array.from({ length: apps }, (_, i) => `  - { name: app${i}, type: polling }`).join('\n')}
engine: { initialBurst: 1 }
`);

  it('with 4 applications each reads 512 KiB/s, lags, and delivers ≈ 51 records/s', () => {
    // 2 MiB/s ÷ 4 = 524,288 B/s < 1,027,600 B/s: each reads 524,288 ÷ 10,276 = 51.02 records/s.
    const r = pollingRun(4);
    expect(r.counters.throttled).toBe(0);
    const perApp = SHARD_READ_BYTES / 4 / recordBytes;
    for (let i = 0; i < 4; i++) {
      const delivered = r.series.delivered[`app${i}`]!;
      for (const d of delivered) expect(d).toBeCloseTo(perApp, 2);
    }
    // Each falls behind: after T s it has read 51.02 T records, which had all arrived by
    // 0.5102 T, so its oldest unread record is T − 0.5102 T = 0.4898 T old: 14.7 s at T = 30 s.
    // Tolerance: arrivals by T are Poisson(100 T), ±√3,000 = ±55 records = ±0.55 s; ±2 s.
    const lag = r.series.consumerLagSeconds.app0!;
    expect(Math.abs(lag[29]! - 0.4898 * 30)).toBeLessThan(2);
    expect(Math.abs(lag[9]! - 0.4898 * 10)).toBeLessThan(1.5);
  });

  it('with 1 application it keeps up: delivers everything, no lag', () => {
    // 2 MiB/s for one reader > 1,027,600 B/s written (even a Poisson +3σ second, 130 records =
    // 1.34 MB, fits).
    const r = pollingRun(1);
    expect(r.counters.delivered.app0).toBeCloseTo(r.counters.acknowledged, 3);
    expect(metric(r, 'consumers.app0.lagSeconds.max')).toBe(0);
  });
});

describe('4. enhanced fan-out consumers do not slow each other', () => {
  // 2 shards, 1,000 records/s of 1 KiB: 500 × 1,060 B = 530,000 B/s a shard. Each EFO consumer
  // gets its own 2 MiB/s a shard, so 1 or 5 of them each read everything, ~70 ms after arrival.
  const fanOutRun = (apps: number, type: 'enhanced-fan-out' | 'polling') =>
    runOf(`
name: fan-out-${apps}
duration: 30s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 1KiB }
consumers:
${Array.from({ length: apps }, (_, i) => `  - { name: app${i}, type: ${type} }`).join('\n')}
`);

  it('1 or 5 EFO consumers: each delivers every record, with no lag', () => {
    const one = fanOutRun(1, 'enhanced-fan-out');
    const five = fanOutRun(5, 'enhanced-fan-out');
    // Same seed, same producers: the same acknowledged records in both runs.
    expect(five.counters.acknowledged).toBe(one.counters.acknowledged);
    for (let i = 0; i < 5; i++) {
      expect(five.counters.delivered[`app${i}`]).toBe(one.counters.delivered.app0);
      expect(five.counters.delivered[`app${i}`]).toBeCloseTo(five.counters.acknowledged, 3);
      expect(metric(five, `consumers.app${i}.lagSeconds.max`)).toBe(0);
    }
    // Propagation does not grow with the number of EFO consumers either.
    expect(metric(five, 'e2eLatency.p50')).toBe(metric(one, 'e2eLatency.p50'));
  });

  it('while 5 polling applications on the same stream do slow each other', () => {
    // 2 MiB/s ÷ 5 = 419,430 B/s a shard < 530,000 B/s written: each polling reader falls behind.
    const five = fanOutRun(5, 'polling');
    expect(metric(five, 'consumers.app0.lagSeconds.max')).toBeGreaterThan(1);
    expect(five.counters.delivered.app0!).toBeLessThan(0.85 * five.counters.acknowledged);
  });
});

describe('5. a reshard raises capacity only once it completes', () => {
  // 2 shards at 3,000 records/s of 100 B (needs 3). UpdateShardCount to 4 at 60 s: 2 → 4 is
  // gcd(2, 4) = 2, so 4 − 2 = 2 splits and 0 merges, one after another at 30 s each: 60 s, done
  // at 120 s. No retries, so the throttled series is what is offered above capacity:
  //   before 120 s: 3,000 − 2 × 1,000 = 1,000/s; from 120 s: 4,000 of capacity, none.
  // No burst at the start (the buckets owe their first second of refills): 2,000/s from the
  // first second; the means start at 3 s all the same. Tolerance: Poisson(3,000) a second; over 117 s the mean has a standard
  // deviation of 5; ±25.
  const r = runOf(`
name: reshard
duration: 180s
stream: { shards: 2 }
producers:
  - { name: p, rate: 3000/s, recordSize: 100B, retry: { maxAttempts: 1 } }
events:
  - { at: 60s, reshard: { shards: 4 } }
`);

  it('has 2 shards until 120 s and 4 from then', () => {
    for (let s = 0; s < 120; s++) expect(r.series.shards[s]).toBe(2);
    for (let s = 120; s < 180; s++) expect(r.series.shards[s]).toBe(4);
  });

  it('throttles ≈ 1,000/s until 120 s, the event at 60 s changing nothing, and not after', () => {
    const before = between(r.series.throttled, 3, 60);
    const during = between(r.series.throttled, 60, 120);
    for (const t of [...before, ...during]) expect(t).toBeGreaterThan(0);
    expect(Math.abs(mean([...before, ...during]) - 1000)).toBeLessThan(25);
    expect(Math.abs(mean(during) - mean(before))).toBeLessThan(40);
    expect(sum(between(r.series.throttled, 120, 180))).toBe(0);
    // Acknowledged: 2,000/s before, all 3,000 offered after.
    expect(mean(between(r.series.acknowledged, 3, 120))).toBeCloseTo(2000, 6);
    // The first three seconds too: 3 × 2,000, nothing from a burst.
    expect(sum(between(r.series.acknowledged, 0, 3))).toBeCloseTo(3 * 2000, 3);
    expect(sum(between(r.series.acknowledged, 120, 180))).toBeCloseTo(
      sum(between(r.series.offered, 120, 180)),
      3,
    );
  });
});

describe('6. Firehose flushes on size or interval, whichever comes first', () => {
  // Direct PUT of 1 KiB records into 64 MiB / 300 s buffers for 30 minutes (one buffer: Direct
  // PUT without dynamic partitioning). Direct PUT records carry no partition key.
  const firehoseRun = (rate: string) =>
    runOf(`
name: firehose
duration: 30m
stream: { shards: 1 }
producers:
  - { name: p, rate: ${rate}, recordSize: 1KiB, destination: fh }
firehose:
  - { name: fh, source: direct-put, buffer: { size: 64MiB, interval: 300s }, deliveryTime: 1s }
`);

  it('at 1 MiB/s: by size, every 64 s (28 objects, and the rest at the end)', () => {
    // 64 MiB ÷ 1 MiB/s = 64 s < 300 s. 1,800 s ÷ 64 s = 28.1: 28 size flushes at ≈ 64, 128, …,
    // 1,792 s, and the last 8 s (8 MiB) are delivered when the run ends: 29 objects.
    const r = firehoseRun('1MiB/s');
    expect(r.counters.firehose.fh!.throttled).toBe(0);
    const flushSeconds = r.series.firehoseObjects
      .fh!.map((count, second) => (count > 0 ? second : -1))
      .filter((s) => s >= 0);
    expect(metric(r, 'firehose.fh.objects')).toBe(29);
    const bySize = flushSeconds.slice(0, 28);
    // 64 MiB is 65,536 records at 1,024/s: Poisson fill time ±√65,536 ÷ 1,024 = ±0.25 s per object.
    // Each buffer starts when the last one flushed, so the i-th flush time is a sum of i fill times
    // and its error a random walk: σ_i = 0.25 s × √i (1.3 s at i = 28). Allowed: 4σ_i + 1 s of tick
    // and second rounding.
    bySize.forEach((second, i) => {
      expect(Math.abs(second + 1 - 64 * (i + 1))).toBeLessThanOrEqual(4 * 0.25 * Math.sqrt(i + 1) + 1);
    });
    expect(flushSeconds[28]).toBe(1799);
    // Records wait 0–64 s in the buffer, evenly, then 1 s of delivery: p99 ≈ 0.99 × 64 + 1 = 64.4 s,
    // p50 ≈ 33 s, max ≈ 65 s.
    expect(Math.abs(metric(r, 'firehose.fh.deliveryLatency.p99') - 64.4)).toBeLessThan(1.5);
    expect(Math.abs(metric(r, 'firehose.fh.deliveryLatency.p50') - 33)).toBeLessThan(1.5);
    expect(metric(r, 'firehose.fh.deliveryLatency.max')).toBeLessThanOrEqual(66);
  });

  it('at 100 KiB/s: by interval, every 300 s (6 objects)', () => {
    // 64 MiB ÷ 100 KiB/s = 655 s > 300 s: the interval comes first. 1,800 s ÷ 300 s = 6 objects of
    // 300 × 100 KiB = 29.3 MiB, at 300, 600, …, 1,800 s.
    const r = firehoseRun('100KiB/s');
    const flushSeconds = r.series.firehoseObjects
      .fh!.map((count, second) => (count > 0 ? second : -1))
      .filter((s) => s >= 0);
    expect(flushSeconds).toEqual([299, 599, 899, 1199, 1499, 1799]);
    expect(metric(r, 'firehose.fh.objects')).toBe(6);
    // Object bytes: 6 × 29.3 MiB ≈ 1,800 × 100 KiB (all of it, no compression).
    expect(metric(r, 'firehose.fh.deliveredBytes') / (1800 * 100 * KiB)).toBeCloseTo(1, 2);
    // One object: 300 s × 100 KiB/s = 30,000 KiB, as the plan's `objectBytes` puts it.
    expect(metric(r, 'firehose.fh.averageObjectBytes') / (300 * 100 * KiB)).toBeCloseTo(1, 2);
    // p99 ≈ 0.99 × 300 + 1 = 298 s; the oldest record waits the whole 300 s + 1 s.
    expect(Math.abs(metric(r, 'firehose.fh.deliveryLatency.p99') - 298)).toBeLessThan(3);
    expect(metric(r, 'firehose.fh.deliveryLatency.max')).toBeLessThanOrEqual(301 + 0.5);
  });

  it('reading a stream, one buffer a shard; a reshard’s parents flush when their interval runs out', () => {
    // 2 shards at 1,000 records/s of 1 KiB: 500 × 1,024 B of data (Firehose does not write the
    // keys) = 512,000 B/s a shard; 64 MiB would take 131 s > 60 s, so each shard's buffer flushes
    // on its 60 s interval. Firehose reads each
    // shard once a second: the first buffers start at ~1 s and flush at ~61 s (second 60); the next
    // start at ~61 s. The reshard to 4 (2 splits × 30 s) completes at 90 s and closes both parents:
    // their buffers get nothing more and flush when their interval runs out, ~121 s (second 120).
    // The 4 children's buffers start at ~91 s and flush at ~151 s (second 150); the last 4 are
    // delivered when the run ends (second 199). 2 + 2 + 4 + 4 = 12 objects.
    const r = runOf(`
name: firehose-reshard
duration: 200s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 1KiB }
firehose:
  - { name: fh, source: stream, buffer: { size: 64MiB, interval: 60s } }
events:
  - { at: 30s, reshard: { shards: 4 } }
`);
    const objects = r.series.firehoseObjects.fh!;
    const flushes = objects.flatMap((count, second) => (count > 0 ? [{ second, count }] : []));
    expect(flushes.map((f) => f.count)).toEqual([2, 2, 4, 4]);
    [60, 120, 150, 199].forEach((second, i) => {
      expect(Math.abs(flushes[i]!.second - second)).toBeLessThanOrEqual(1);
    });
    expect(metric(r, 'firehose.fh.objects')).toBe(12);
  });
});

describe('7. a consumer slower than its input builds lag at the difference of the rates', () => {
  // 2 shards, 1,000 records/s in, one application processing 800 records/s. It falls 200
  // records/s behind; after T s it has processed 800 T records, which had all arrived by 0.8 T,
  // so its oldest unprocessed record is T − 0.8 T = 0.2 T old (Little: 200 T ÷ 1,000/s, the same
  // at a steady rate).
  it('after 60 s the iterator age is ≈ 0.2 × 60 = 12 s', () => {
    const r = runOf(`
name: slow-consumer
duration: 60s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 100B }
consumers:
  - { name: app, type: polling, processingRate: 800/s }
`);
    expect(r.counters.throttled).toBe(0);
    for (const d of r.series.delivered.app!) expect(d).toBeCloseTo(800, 6);
    // Tolerance: arrivals on a shard by 60 s are Poisson(30,000), ±173 records = ±0.35 s of age,
    // and the metric is the older of two shards; ±1 s (over 20 seeds: 11.8 – 12.7).
    expect(Math.abs(metric(r, 'consumers.app.lagSeconds.max') - 12)).toBeLessThan(1);
    const lag = r.series.consumerLagSeconds.app!;
    expect(Math.abs(lag[29]! - 0.2 * 30)).toBeLessThan(1);
  });

  it('drains once the input drops below the processing rate', () => {
    // 1,000/s for 60 s, then 400/s. Backlog at 60 s: 200 × 60 = 12,000; it drains at 800 − 400 =
    // 400/s, gone at 90 s. The oldest unprocessed record: until 75 s the application still works
    // through records that came at 1,000/s (800 × 75 = 60,000 = all of the first minute), so the
    // age keeps growing to 0.2 × 75 = 15 s; then it falls as 90 − t, to 0 at 90 s.
    const r = runOf(`
name: slow-consumer-drains
duration: 120s
stream: { shards: 2 }
producers:
  - name: p
    rate: { profile: step, initial: 1000/s, steps: [{ at: 60s, rate: 400/s }] }
    recordSize: 100B
consumers:
  - { name: app, type: polling, processingRate: 800/s }
`);
    const lag = r.series.consumerLagSeconds.app!;
    const peak = Math.max(...lag);
    expect(Math.abs(peak - 15)).toBeLessThan(1.2);
    expect(Math.abs(lag.indexOf(peak) + 1 - 75)).toBeLessThanOrEqual(3);
    // Falling as 90 − t: 10 s at 80 s (index 79). Tolerance: a shard's backlog at 60 s is ±173
    // records (Poisson(30,000)), and it drains at 200/s, so its drain ends ±0.9 s; the metric is
    // the older of two shards: ±2 s.
    expect(Math.abs(lag[79]! - 10)).toBeLessThan(2);
    // Drained by ~90 s (each shard ±0.9 s), and no lag after.
    for (const l of between(lag, 94, 120)) expect(l).toBe(0);
    // While the backlog lasts the application processes 800/s (shared over the shards by backlog,
    // so the total holds until both are empty, ±0.6 s); after, whatever arrives (~400/s).
    for (const d of between(r.series.delivered.app!, 0, 87)) expect(d).toBeCloseTo(800, 6);
    expect(Math.abs(mean(between(r.series.delivered.app!, 95, 120)) - 400)).toBeLessThan(25);
  });
});

describe('8. retries and loss', () => {
  // 1 shard at 500 records/s of 100 B with a spike to 3,000/s for 3 s at 10 s. During the spike
  // the shard takes its full bucket (1,000, less the one refill lost to the cap: 900) and 1,000/s:
  // 3,900 of 9,000; 5,100 records are throttled on their first attempt (±√9,000 ≈ ±95).
  const spikeRun = (maxAttempts: number) =>
    runOf(`
name: retries-${maxAttempts}
duration: 60s
stream: { shards: 1 }
producers:
  - name: p
    rate: { profile: spike, base: 500/s, peak: 3000/s, at: 10s, for: 3s }
    recordSize: 100B
    retry: { maxAttempts: ${maxAttempts}, baseDelay: 500ms }
`);

  it('with maxAttempts 1 every throttled record is dropped', () => {
    const r = spikeRun(1);
    expect(r.counters.dropped).toBe(r.counters.throttled);
    expect(r.counters.retried).toBe(0);
    expect(Math.abs(r.counters.throttled - 5100)).toBeLessThan(300);
    expect(r.counters.produced).toBeCloseTo(r.counters.acknowledged + r.counters.dropped, 3);
  });

  it('more attempts lose fewer records: the backoff carries them past the spike', () => {
    // With a 500 ms base the 10th attempt comes after up to 0.5 + 1 + 2 + … + 20 s: after the
    // spike the shard has 500/s spare to take the retries, so (almost) none are lost.
    const lost = [1, 3, 5, 10].map((a) => spikeRun(a).counters.dropped);
    for (let i = 1; i < lost.length; i++) expect(lost[i]!).toBeLessThan(lost[i - 1]!);
    expect(lost[3]!).toBeLessThan(1);
  });

  it('conserves records: produced = acknowledged + dropped + pendingAtEnd (property)', () => {
    // Also: throttled = retried + dropped + pendingAtEnd (each rejection is resent, given up, or
    // waiting) and attempts = produced + retried. Counters are rounded to 1/1,000 of a record, so
    // the tolerance is 1e-6 relative plus 2e-3.
    const scenarioArb = fc.record({
      shards: fc.integer({ min: 1, max: 3 }),
      rate: fc.integer({ min: 50, max: 5000 }),
      stepTo: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
      recordBytes: fc.constantFrom(10, 100, 1000, 20_000, 200_000),
      maxAttempts: fc.integer({ min: 1, max: 6 }),
      baseDelayMs: fc.integer({ min: 10, max: 1000 }),
      duration: fc.integer({ min: 2, max: 20 }),
      tick: fc.constantFrom(0.05, 0.1, 0.25, 0.5),
      aggregation: fc.boolean(),
      sink: fc.constantFrom('stream', 'reshard', 'on-demand', 'direct-put'),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const rate =
          p.stepTo === undefined
            ? `${p.rate}/s`
            : `{ profile: step, initial: ${p.rate}/s, steps: [{ at: ${p.duration / 2}s, rate: ${p.stepTo}/s }] }`;
        const stream =
          p.sink === 'on-demand'
            ? `{ mode: on-demand, onDemand: { previousPeak: { recordsPerSecond: ${p.rate / 4}/s } } }`
            : `{ shards: ${p.shards} }`;
        const r = runOf(
          `
name: conservation
duration: ${p.duration}s
region: ${p.sink === 'direct-put' ? 'eu-central-1' : 'us-east-1'}
stream: ${stream}
engine: { tick: ${p.tick}s }
producers:
  - name: p
    rate: ${rate}
    recordSize: ${p.recordBytes}B
    aggregation: ${p.aggregation && p.sink !== 'direct-put'}
    retry: { maxAttempts: ${p.maxAttempts}, baseDelay: ${p.baseDelayMs}ms }
    destination: ${p.sink === 'direct-put' ? 'fh' : 'stream'}
firehose: ${p.sink === 'direct-put' ? '[{ name: fh, source: direct-put }]' : '[]'}
events: ${p.sink === 'reshard' ? `[{ at: ${p.duration / 4}s, reshard: { shards: ${p.shards * 2} } }]` : '[]'}
`,
          { seed: p.seed },
        );
        const c = r.counters;
        const tolerance = 1e-6 * c.produced + 2e-3;
        expect(Math.abs(c.produced - (c.acknowledged + c.dropped + c.pendingAtEnd))).toBeLessThanOrEqual(
          tolerance,
        );
        expect(Math.abs(c.throttled - (c.retried + c.dropped + c.pendingAtEnd))).toBeLessThanOrEqual(
          1e-6 * c.throttled + 2e-3,
        );
        expect(Math.abs(c.attempts - (c.produced + c.retried))).toBeLessThanOrEqual(1e-6 * c.attempts + 2e-3);
        if (p.maxAttempts === 1) expect(c.dropped).toBeCloseTo(c.throttled, 2);
      }),
      { numRuns: 60, seed: 20_260_101 },
    );
  });

  it('a retry storm that ends leaves nothing behind (no phantom retries when throttling returns)', () => {
    // Two bursts 20 s apart, then silence: every throttled record is resent or dropped long
    // before the end, so nothing is pending and acknowledged + dropped is exactly what was produced.
    for (const maxAttempts of [3, 6]) {
      const r = runOf(`
name: two-bursts
duration: 80s
stream: { shards: 1 }
producers:
  - name: p
    rate:
      profile: step
      initial: 3000/s
      steps: [{ at: 5s, rate: 100/s }, { at: 25s, rate: 3000/s }, { at: 30s, rate: 0/s }]
    recordSize: 100B
    retry: { maxAttempts: ${maxAttempts} }
`);
      expect(r.counters.pendingAtEnd).toBe(0);
      expect(r.counters.acknowledged + r.counters.dropped).toBeCloseTo(r.counters.produced, 3);
    }
  });
});

describe('9. on-demand: absorbs 2× the previous peak at once, the rest after ~15 minutes', () => {
  // previousPeak 2,500 records/s: capacity max(4,000, 2 × 2,500) = 5,000 records/s (5 shards of
  // 1,000). Base traffic 2,000/s (its Poisson peak, ~2,100, doubled is still under 5,000), then a
  // step to 7,500/s of 100 B at 60 s (7,500 × 136 B = 1.0 MB/s, far under the 4 MiB/s floor: the
  // record capacity binds). No retries, so the demand the stream sees is what the producer offers.
  // Throttled: 7,500 − 5,000 = 2,500/s from 60 s until the stream has the capacity for 2 × the
  // peak seen 15 minutes (900 s) earlier: at 960 s, 2 × ~7,700 (the highest Poisson second) →
  // 15–17 shards; nothing after.
  const r = runOf(`
name: on-demand-spike
duration: 1100s
stream:
  mode: on-demand
  onDemand: { previousPeak: { recordsPerSecond: 2500/s } }
producers:
  - name: p
    rate: { profile: step, initial: 2000/s, steps: [{ at: 60s, rate: 7500/s }] }
    recordSize: 100B
    retry: { maxAttempts: 1 }
`);
  const throttled = r.series.throttled;
  const first = throttled.findIndex((t) => t > 0);
  const last = throttled.findLastIndex((t) => t > 0);

  it('absorbs the base traffic, throttles from the spike for ≈ 900 s, and not after', () => {
    // The spike's first second still drains the full buckets (5 × 1,000), so throttling may start
    // in second 60 or 61.
    expect(first).toBeGreaterThanOrEqual(60);
    expect(first).toBeLessThanOrEqual(61);
    expect(Math.abs(last + 1 - 960)).toBeLessThanOrEqual(2);
    expect(Math.abs(last - first - 900)).toBeLessThanOrEqual(3);
    expect(sum(between(throttled, last + 1, 1100))).toBe(0);
    // ±√7,500 ÷ √880 ≈ ±3 on the mean; ±25.
    expect(Math.abs(mean(between(throttled, 62, 958)) - 2500)).toBeLessThan(25);
  });

  it('holds 5 shards until then and 2 × the peak seen 15 minutes earlier after', () => {
    for (let s = 0; s < 955; s++) expect(r.series.shards[s]).toBe(5);
    const after = r.series.shards[1000]!;
    expect(after).toBeGreaterThanOrEqual(15);
    expect(after).toBeLessThanOrEqual(17);
  });
});

describe('sanity of the units the tests use', () => {
  it('the written limits match the model (so a change to aws-facts shows here first)', () => {
    // 2 MiB/s of 1 KiB records (a byte rate: 2,048 records/s) into 1 shard is byte-bound, at
    // 1,048,576 ÷ (1,024 + 36) = 989 records/s < 1,000.
    const r = runOf(`
name: units
duration: 5s
stream: { shards: 1 }
producers:
  - { name: p, rate: 2MiB/s, recordSize: 1KiB }
`);
    expect(mean(r.series.writeBytes.slice(1))).toBeCloseTo(MiB, 0);
  });
});

describe('large records draw on a 10 MiB burst bucket per shard (B-LR)', () => {
  // One shard; a stream that takes records up to 10 MiB. Idle for 20 s, then 20 records/s of
  // 512 KiB = 10 MiB/s, ten times the shard's 1 MiB/s. The byte bucket starts with one second's
  // refill (no initial credit, owed back in the first second) and fills at 1 MiB/s while idle: full
  // (10 MiB) by 20 s. Then the first busy second takes the bucket and its refill, up to 11 MiB, and
  // the shard averages out at 1 MiB/s. Over 60 s: at most 10 MiB + 40 × 1 MiB = 50 MiB accepted, and
  // at least the refill alone, 40 MiB. Without a burst bucket a second holds 1 MiB (2 records).
  it('accepts the burst after an idle spell, then averages out at 1 MiB/s', () => {
    const yaml = (maxRecordSize: string) => `
name: burst
duration: 60s
stream: { shards: 1, maxRecordSize: ${maxRecordSize} }
producers:
  - name: big
    rate: { profile: step, initial: 0/s, steps: [{ at: 20s, rate: 20/s }] }
    recordSize: 512KiB
    keys: { dist: unique, length: 8 }
    retry: { maxAttempts: 1 }
`;
    const burst = runOf(yaml('10MiB'));
    const accepted = burst.series.writeBytes.reduce((a, b) => a + b, 0);
    expect(accepted).toBeLessThanOrEqual(50 * MiB + MiB);
    expect(accepted).toBeGreaterThanOrEqual(39 * MiB);
    // The first busy second takes several times a shard's 1 MiB/s; later seconds about 1 MiB.
    expect(burst.series.writeBytes[20]!).toBeGreaterThan(4 * MiB);
    expect(burst.series.writeBytes[59]!).toBeLessThan(1.6 * MiB);
    // With the default 1 MiB maximum record size the bucket holds one second: the first busy
    // second takes the full bucket (1 MiB) plus its refill during that second (1 MiB) at most.
    const plain = runOf(yaml('1MiB'));
    expect(plain.series.writeBytes[20]!).toBeLessThanOrEqual(2 * MiB + 1);
  });
});
