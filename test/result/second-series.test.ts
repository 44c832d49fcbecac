/**
 * The per-second series the report draws: latency percentiles of each second, and what waits in
 * each Firehose stream's buffers at the end of each second.
 */
import { describe, expect, it } from 'vitest';
import { percentileSeconds } from '../../src/result/histogram.js';
import { SecondQuantiles } from '../../src/result/second-quantiles.js';
import { KiB, runOf } from '../engine/fidelity-helpers.js';

describe('SecondQuantiles', () => {
  it('gives weighted quantiles: the smallest value with at least q of the weight at or below it', () => {
    const q = new SecondQuantiles();
    // Weights 50, 49, 1 (total 100) at 0.1, 0.2, 1.0, added out of order:
    // p50: cumulative 50 at 0.1 ≥ 50 → 0.1; p99: 50 + 49 = 99 at 0.2 ≥ 99 → 0.2; p100 → 1.0.
    // Each within 0.25% (the middle of a bucket 0.5% wide).
    q.add(1.0, 1);
    q.add(0.2, 49);
    q.add(0.1, 50);
    const [p50, p99, p100] = q.take([0.5, 0.99, 1]);
    expect(Math.abs(p50! / 0.1 - 1)).toBeLessThan(0.0025);
    expect(Math.abs(p99! / 0.2 - 1)).toBeLessThan(0.0025);
    expect(Math.abs(p100! / 1.0 - 1)).toBeLessThan(0.0025);
  });

  it('is 0 for a second without points, ignores empty weights, and starts afresh after take', () => {
    const q = new SecondQuantiles();
    expect(q.take([0.5, 0.99])).toEqual([0, 0]);
    q.add(5, 0);
    q.add(Number.NaN, 3);
    expect(q.take([0.5])).toEqual([0]);
    q.add(2, 1);
    expect(q.take([0.5])[0]! / 2).toBeCloseTo(1, 2);
    expect(q.take([0.5])).toEqual([0]);
  });

  it('keeps its 0.25% over the whole range, from a microsecond to days', () => {
    for (const seconds of [2e-6, 0.00137, 0.25, 3.7, 812, 86_400 * 3]) {
      const q = new SecondQuantiles();
      q.add(seconds, 1);
      expect(Math.abs(q.take([0.5])[0]! / seconds - 1)).toBeLessThan(0.0025);
    }
  });
});

describe('the engine’s per-second series', () => {
  it('latency percentiles per second agree with the run’s histograms at a steady rate', () => {
    // 500 records/s of 1 KiB into 2 shards: no throttling, every second alike, so each second's
    // p50 and p99 are the run's (the histogram's own resolution, 0.1%, plus a tick of noise).
    const r = runOf(`
name: steady
duration: 30s
stream: { shards: 2 }
producers:
  - { name: p, rate: 500/s, recordSize: 1KiB }
consumers:
  - { name: app, type: polling }
`);
    const latency = r.series.latency!;
    expect(latency.put.p50).toHaveLength(30);
    const putP50 = percentileSeconds(r.histograms.putLatency, 50);
    const putP99 = percentileSeconds(r.histograms.putLatency, 99);
    for (let i = 1; i < 30; i++) {
      // Every second holds the same latency points: within the buckets' 0.25% and the HDR
      // histogram's 0.1% of the run's figures (±0.5%).
      expect(Math.abs(latency.put.p50[i]! / putP50 - 1)).toBeLessThan(0.005);
      expect(Math.abs(latency.put.p99[i]! / putP99 - 1)).toBeLessThan(0.005);
      // End to end adds propagation (~0.5 s for one polling application) to the put latency.
      expect(latency.e2e.p50[i]!).toBeGreaterThan(latency.put.p50[i]! + 0.2);
    }
  });

  it('Firehose buffer fill grows at the input rate and empties at each flush', () => {
    // Direct PUT of 100 KiB/s into a 64 MiB / 60 s buffer: the interval flushes first (64 MiB would
    // take 655 s). At the end of second i (before the flush at 60 s) the buffer holds i + 1
    // seconds of input, (i + 1) × 102,400 B ± Poisson noise (100 records/s of 1 KiB: ±√(100 (i+1))
    // records); right after a flush it holds less than one second's worth.
    const r = runOf(`
name: fill
duration: 180s
stream: { shards: 1 }
producers:
  - { name: p, rate: 100KiB/s, recordSize: 1KiB, destination: fh }
firehose:
  - { name: fh, source: direct-put, buffer: { size: 64MiB, interval: 60s } }
`);
    const buffered = r.series.firehoseFullestBufferBytes!.fh!;
    expect(buffered).toHaveLength(180);
    for (const i of [9, 29, 49]) {
      const expected = (i + 1) * 100 * KiB;
      expect(Math.abs(buffered[i]! - expected)).toBeLessThan(5 * Math.sqrt(100 * (i + 1)) * KiB);
    }
    const flushes = r.series.firehoseObjects.fh!.flatMap((count, second) => (count > 0 ? [second] : []));
    expect(flushes.slice(0, 2)).toEqual([59, 119]);
    for (const second of flushes.slice(0, 2)) expect(buffered[second]!).toBeLessThan(100 * KiB * 1.5);
  });

  it('with dynamic partitioning the fullest buffer holds a partition’s share', () => {
    // The same 100 KiB/s over 4 partitions (the model spreads records evenly over them): at the
    // end of second 29 each buffer, the fullest too, holds 30 × 102,400 ÷ 4 = 768,000 B ± noise.
    const r = runOf(`
name: partitions
duration: 120s
stream: { shards: 1 }
producers:
  - { name: p, rate: 100KiB/s, recordSize: 1KiB, destination: fh }
firehose:
  - { name: fh, source: direct-put, buffer: { size: 64MiB, interval: 60s }, dynamicPartitions: 4 }
`);
    const fullest = r.series.firehoseFullestBufferBytes!.fh![29]!;
    expect(Math.abs(fullest - (30 * 100 * KiB) / 4)).toBeLessThan((5 * Math.sqrt(100 * 30) * KiB) / 4);
  });
});
