/**
 * A Firehose stream reading the Kinesis stream buffers per shard (docs/aws-facts.md, FH-BH: "buffering
 * hints are applied on a shard level"), so its flushes depend on the shard count. The run uses the
 * configured count; the plan gives its figures there, and again at the recommended count.
 *
 * The stream: 1,024 records/s of 1 KiB data and a 36-byte key, i.e. 1,048,576 B/s of data
 * (1 MiB/s, what Firehose receives) and 1,024 × 1,060 = 1,085,440 B/s written. With headroom 6.5
 * (× 7.5): 8,140,800 ÷ 1,048,576 = 7.76 → 8 shards by bytes, 7,680 ÷ 1,000 → 8 by records; unique
 * keys spread evenly, so 8 are recommended. 4 are configured, each writing 271,360 B/s, under its
 * limits.
 */
import { describe, expect, it } from 'vitest';
import { MiB, metric, planOf } from './helpers.js';

const yaml = (shards: number, interval: string, rate = '1024/s') => `
name: firehose-shards
headroom: 6.5
stream: { shards: ${shards} }
producers:
  - { name: p, rate: ${rate}, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
firehose:
  - { name: lake, source: stream, buffer: { size: 5MiB, interval: ${interval} } }
`;

describe('a stream-sourced Firehose at the configured and the recommended count', () => {
  const plan = planOf(yaml(4, '60s'));
  const f = plan.firehose[0]!;

  it('plans the run at the 4 configured shards', () => {
    expect(plan.shards.recommended).toBe(8);
    // Per buffer 1,048,576 ÷ 4 = 262,144 B/s: 5,242,880 ÷ 262,144 = 20 s < 60 s, size flushes.
    expect(f.shardCount).toBe(4);
    expect(f.countIs).toBe('configured');
    expect(f.buffers).toBe(4);
    expect(f.flushTrigger).toBe('size');
    expect(f.flushIntervalSeconds).toBeCloseTo(20, 12);
    expect(f.objectBytes).toBeCloseTo(5 * MiB, 6);
    // 4 × 3,600 ÷ 20 = 720 objects/h; latency: mean 20 ÷ 2 + 1 = 11 s, max 20 + 1 = 21 s.
    expect(f.objectsPerHour).toBeCloseTo(720, 9);
    expect(f.meanDeliveryLatencySeconds).toBeCloseTo(11, 12);
    expect(metric(plan, 'firehose.lake.flushIntervalSeconds')).toBeCloseTo(20, 12);
    expect(metric(plan, 'firehose.lake.deliveryLatencySeconds')).toBeCloseTo(21, 12);
  });

  it('and again at the 8 recommended shards', () => {
    // Per buffer 1,048,576 ÷ 8 = 131,072 B/s: 5 MiB fills in 40 s < 60 s. 8 × 3,600 ÷ 40 = 720
    // objects/h of 5 MiB; latency max 40 + 1 = 41 s.
    const r = f.atRecommended!;
    expect(r.shardCount).toBe(8);
    expect(r.buffers).toBe(8);
    expect(r.flushTrigger).toBe('size');
    expect(r.flushIntervalSeconds).toBeCloseTo(40, 12);
    expect(r.objectBytes).toBeCloseTo(5 * MiB, 6);
    expect(r.objectsPerHour).toBeCloseTo(720, 9);
    expect(metric(plan, 'firehose.lake.atRecommended.flushIntervalSeconds')).toBeCloseTo(40, 12);
    expect(metric(plan, 'firehose.lake.atRecommended.deliveryLatencySeconds')).toBeCloseTo(41, 12);
    expect(metric(plan, 'firehose.lake.atRecommended.objectBytes')).toBeCloseTo(5 * MiB, 6);
    expect(metric(plan, 'firehose.lake.atRecommended.objectsPerHour')).toBeCloseTo(720, 9);
  });

  it('may flush on another trigger at each count', () => {
    // Interval 30 s. At 4 shards: 20 s < 30 s, size, 5 MiB every 20 s. At 8: 40 s > 30 s, so the
    // interval flushes objects of 131,072 × 30 = 3,932,160 B, 8 × 3,600 ÷ 30 = 960 an hour.
    const p = planOf(yaml(4, '30s'));
    const g = p.firehose[0]!;
    expect(g.flushTrigger).toBe('size');
    expect(g.flushIntervalSeconds).toBeCloseTo(20, 12);
    expect(g.atRecommended!.flushTrigger).toBe('interval');
    expect(g.atRecommended!.flushIntervalSeconds).toBe(30);
    expect(g.atRecommended!.objectBytes).toBeCloseTo(3_932_160, 6);
    expect(g.atRecommended!.objectsPerHour).toBeCloseTo(960, 9);
  });

  it('fills a buffer with what a short shard takes in, not what is offered to it', () => {
    // 1 configured shard, 2,048 records/s: 2,170,880 B/s written, ρ = max(2,048 ÷ 1,000,
    // 2,170,880 ÷ 1,048,576) = 2.0703. The shard takes in 1 ÷ ρ: 1 MiB/s written, of which data
    // is 1,024 ÷ 1,060: 1,048,576 × 1,024 ÷ 1,060 = 1,012,953.36 B/s; 5 MiB fills in 5.1758 s.
    const p = planOf(yaml(1, '60s', '2048/s'));
    const g = p.firehose[0]!;
    const dataPerSecond = (MiB * 1024) / 1060;
    expect(g.flushIntervalSeconds).toBeCloseTo((5 * MiB) / dataPerSecond, 9);
    expect(g.atRecommended!.shardCount).toBe(p.shards.recommended);
  });

  it('fills a buffer no faster than Firehose may read its shard', () => {
    // 1 shard, 900 records/s: 954,000 B/s written, under the limits. Three polling applications
    // and Firehose share 2 MiB/s: 524,288 B/s each, 524,288 ÷ 954,000 of the shard's records, so
    // Firehose reads 921,600 × 524,288 ÷ 954,000 = 524,288 × 1,024 ÷ 1,060 = 506,482.35 B/s of data
    // and 5 MiB fills in 10.35 s (not 5.69 s at the shard's whole 921,600 B/s).
    const p = planOf(`
name: firehose-read-share
stream: { shards: 1 }
producers:
  - { name: p, rate: 900/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
consumers:
  - { name: a, type: polling }
  - { name: b, type: polling }
  - { name: c, type: polling }
firehose:
  - { name: lake, source: stream, buffer: { size: 5MiB, interval: 60s } }
`);
    const g = p.firehose[0]!;
    expect(g.flushIntervalSeconds).toBeCloseTo((5 * MiB) / ((2 * MiB * 1024) / 4 / 1060), 9);
    expect(g.flushIntervalSeconds).toBeCloseTo(10.3516, 3);
  });

  it('shows both in the terminal and the HTML plan, each with its count', async () => {
    const { renderPlan } = await import('../../src/cli/render-plan.js');
    const { renderReport } = await import('../../src/report/html.js');
    const text = renderPlan(plan);
    expect(text).toContain('4 per shard (configured)');
    expect(text).toContain('8 per shard (recommended)');
    const page = renderReport(
      { generatedAt: '2026-12-06T00:00:00.000Z', shardcastVersion: '0.1.0', plan },
      [],
    );
    expect(page).toContain('4 per shard (configured)');
    expect(page).toContain('8 per shard (recommended)');
  });
});
