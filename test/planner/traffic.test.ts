/**
 * Traffic at the planning instant and on average: rate profiles, byte rates, partition-key bytes.
 * Every expectation is worked out by hand in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { planOf, warningsOf } from './helpers.js';

const producerWith = (rate: string, duration = '30m') => `
name: traffic
duration: ${duration}
stream: { shards: 8 }
producers:
  - name: p
    rate: ${rate}
    recordSize: 1KiB
    keys: { dist: unique, length: 36 }
`;

describe('planning instant and averages of the rate profiles', () => {
  it('ramp: peaks where the ramp ends and averages its area', () => {
    const { traffic } = planOf(producerWith('{ profile: ramp, from: 2000/s, to: 6000/s, over: 10m }'));
    // 2,000 → 6,000 records/s over 0–600 s, then 6,000 until 1,800 s: the peak is first reached at 600 s.
    expect(traffic.peakAt).toBe(600);
    expect(traffic.userRecordsPerSecond).toBe(6000);
    // Average: (600 s × (2,000 + 6,000)/2 + 1,200 s × 6,000) ÷ 1,800 s = (2,400,000 + 7,200,000) ÷ 1,800 = 5,333.33.
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(5333.333333, 5);
    // Stream bytes at the peak: 6,000 × (1,024 data + 36 key) = 6,360,000 B/s; data only 6,144,000.
    expect(traffic.writeBytesPerSecond).toBe(6_360_000);
    expect(traffic.dataBytesPerSecond).toBe(6_144_000);
    expect(traffic.average.writeBytesPerSecond).toBeCloseTo(5333.333333 * 1060, 1);
    expect(traffic.headroom).toBe(0.2);
  });

  it('ramp with a start: holds `from` before it', () => {
    const { traffic } = planOf(
      producerWith('{ profile: ramp, from: 1000/s, to: 3000/s, start: 10m, over: 10m }'),
    );
    // 1,000 for 600 s, ramp 600 s averaging 2,000, then 3,000 for 600 s: (600,000 + 1,200,000 + 1,800,000) ÷ 1,800 = 2,000.
    expect(traffic.peakAt).toBe(1200);
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(2000, 6);
  });

  it('spike: both edges are steps, so the average is base and peak weighted by time', () => {
    const { traffic } = planOf(
      producerWith('{ profile: spike, base: 3000/s, peak: 14000/s, at: 15m, for: 20m }', '1h'),
    );
    expect(traffic.peakAt).toBe(900);
    expect(traffic.userRecordsPerSecond).toBe(14_000);
    // (3,000 × (900 + 1,500) + 14,000 × 1,200) ÷ 3,600 = (7,200,000 + 16,800,000) ÷ 3,600 = 6,666.67.
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(6666.666667, 5);
  });

  it('step: takes the highest step and the time-weighted mean', () => {
    const { traffic } = planOf(
      producerWith(
        '{ profile: step, initial: 1000/s, steps: [{ at: 10m, rate: 3000/s }, { at: 20m, rate: 2000/s }] }',
      ),
    );
    expect(traffic.peakAt).toBe(600);
    expect(traffic.userRecordsPerSecond).toBe(3000);
    // (600 × 1,000 + 600 × 3,000 + 600 × 2,000) ÷ 1,800 = 2,000.
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(2000, 5);
  });

  it('diurnal: peaks at peakAt and averages (min + max)/2 over whole periods', () => {
    const { traffic } = planOf(
      producerWith('{ profile: diurnal, min: 1500/s, max: 6000/s, period: 2h, peakAt: 1h }', '2h'),
    );
    expect(traffic.peakAt).toBe(3600);
    expect(traffic.userRecordsPerSecond).toBeCloseTo(6000, 9);
    // A cosine between 1,500 and 6,000 averages (1,500 + 6,000)/2 = 3,750 over one period.
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(3750, 3);
  });

  it('trace: interpolates linearly between the points', () => {
    const { traffic } = planOf(
      producerWith('{ profile: trace, points: [[0, 100], [100, 300], [200, 100]] }', '200s'),
    );
    expect(traffic.peakAt).toBe(100);
    expect(traffic.userRecordsPerSecond).toBe(300);
    // Two triangles on a base: ((100 + 300)/2 × 100 + (300 + 100)/2 × 100) ÷ 200 = 200.
    expect(traffic.average.userRecordsPerSecond).toBeCloseTo(200, 9);
  });

  it('trace scale multiplies every point', () => {
    const { traffic } = planOf(
      producerWith('{ profile: trace, points: [[0, 100], [100, 300]], scale: 1.5 }', '100s'),
    );
    // 300 × 1.5 = 450 at 100 s.
    expect(traffic.userRecordsPerSecond).toBe(450);
  });

  it('finds the instant the producers together peak, not each one’s own peak', () => {
    const plan = planOf(`
name: two-peaks
duration: 20m
stream: { shards: 8 }
producers:
  - name: a
    rate: { profile: step, initial: 1000/s, steps: [{ at: 10m, rate: 3000/s }] }
    keys: { dist: unique, length: 36 }
  - name: b
    rate: { profile: spike, base: 500/s, peak: 3000/s, at: 5m, for: 200s }
    keys: { dist: unique, length: 36 }
`);
    // 300–500 s: 1,000 + 3,000 = 4,000; from 600 s: 3,000 + 500 = 3,500. The stream peaks at 300 s.
    expect(plan.traffic.peakAt).toBe(300);
    expect(plan.traffic.userRecordsPerSecond).toBe(4000);
    const [a, b] = plan.traffic.producers;
    expect(a!.recordsPerSecond).toBe(1000);
    expect(a!.ownPeakRecordsPerSecond).toBe(3000);
    expect(b!.recordsPerSecond).toBe(3000);
    expect(b!.ownPeakRecordsPerSecond).toBe(3000);
    // a: (600 × 1,000 + 600 × 3,000) ÷ 1,200 = 2,000; b: (1,000 × 500 + 200 × 3,000) ÷ 1,200 = 916.67.
    expect(a!.averageRecordsPerSecond).toBeCloseTo(2000, 5);
    expect(b!.averageRecordsPerSecond).toBeCloseTo(916.666667, 5);
  });
});

describe('records, bytes and keys', () => {
  it('turns a byte rate into records with the mean record size', () => {
    const plan = planOf(`
name: byte-rate
stream: { shards: 2 }
producers:
  - { name: p, rate: 600KiB/s, recordSize: 1.5KiB, keys: { dist: unique, length: 36 } }
`);
    // 614,400 B/s ÷ 1,536 B = 400 records/s; writes 400 × (1,536 + 36) = 628,800 B/s.
    expect(plan.traffic.userRecordsPerSecond).toBe(400);
    expect(plan.traffic.writeBytesPerSecond).toBe(628_800);
  });

  it('counts the partition key’s UTF-8 bytes, weighted by the records each key carries', () => {
    const plan = planOf(`
name: key-bytes
stream: { shards: 2 }
producers:
  - name: p
    rate: 1000/s
    recordSize: 1000B
    keys:
      dist: weighted
      keys:
        - { key: ab, weight: 3 }
        - { key: abcdef, weight: 1 }
`);
    // 3/4 of the records carry 2 bytes, 1/4 carry 6: 0.75 × 2 + 0.25 × 6 = 3 bytes.
    const p = plan.traffic.producers[0]!;
    expect(p.meanKeyBytes).toBeCloseTo(3, 12);
    expect(p.meanDataBytes).toBe(1000);
    // 1,000 × (1,000 + 3) = 1,003,000 B/s.
    expect(plan.traffic.writeBytesPerSecond).toBeCloseTo(1_003_000, 6);
  });

  it('uses the mean of the record-size distribution', () => {
    const plan = planOf(`
name: sizes
stream: { shards: 2 }
producers:
  - { name: u, rate: 100/s, recordSize: { dist: uniform, min: 200B, max: 400B }, keys: { dist: unique, length: 36 } }
  - name: w
    rate: 100/s
    recordSize: { dist: weighted, sizes: [{ size: 300B, weight: 0.4 }, { size: 600B, weight: 0.45 }, { size: 1.5KiB, weight: 0.12 }, { size: 4KiB, weight: 0.03 }] }
    keys: { dist: unique, length: 36 }
`);
    const [u, w] = plan.traffic.producers;
    // Uniform: (200 + 400)/2 = 300 B.
    expect(u!.meanDataBytes).toBe(300);
    // Weighted: 0.4 × 300 + 0.45 × 600 + 0.12 × 1,536 + 0.03 × 4,096 = 120 + 270 + 184.32 + 122.88 = 697.2 B.
    expect(w!.meanDataBytes).toBeCloseTo(697.2, 9);
    expect(w!.maxRecordBytes).toBe(4096);
  });

  it('warns when more than 2% of records are above 1 MiB (large records are for intermittent use)', () => {
    const plan = planOf(`
name: large
stream: { shards: 20, maxRecordSize: 10MiB }
producers:
  - name: p
    rate: 100/s
    recordSize: { dist: weighted, sizes: [{ size: 1KiB, weight: 95 }, { size: 2MiB, weight: 5 }] }
    keys: { dist: unique, length: 36 }
`);
    // 5 of every 100 records are 2 MiB > 1 MiB: a share of 0.05.
    expect(plan.traffic.producers[0]!.largeRecordShare).toBeCloseTo(0.05, 12);
    expect(warningsOf(plan).some((w) => w.startsWith('p: 5% of records are above 1 MiB'))).toBe(true);
  });
});
