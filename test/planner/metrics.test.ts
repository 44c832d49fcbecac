/**
 * The plan's flat metrics, the names gates use: every documented name exists, in base units
 * (records, bytes, seconds, USD per 730-hour month), with the value worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { GB, MiB, MONTH_SECONDS, planOf } from './helpers.js';

// 3,000 records/s of 1 KiB + a 36-byte key into 4 shards, one polling and one EFO application, a
// Direct PUT Firehose stream fed 1 MiB/s, and a 4 → 8 reshard.
const plan = planOf(`
name: metrics
stream: { shards: 4 }
producers:
  - { name: p, rate: 3000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
  - { name: d, destination: logs, rate: 1024/s, recordSize: 1KiB }
consumers:
  - { name: poll, type: polling }
  - { name: efo, type: enhanced-fan-out }
firehose:
  - { name: logs, source: direct-put, buffer: { size: 64MiB, interval: 300s } }
events:
  - { at: 1m, reshard: { shards: 8 } }
`);

const REQUIRED = [
  'shards.byWriteBytes',
  'shards.byWriteRecords',
  'shards.byRead',
  'shards.required',
  'shards.recommended',
  'hotKey.maxKeyRecordsPerSecond',
  'hotKey.maxKeyBytesPerSecond',
  'hotKey.keysOverShardLimit',
  'hotKey.maxShardUtilization',
  'consumers.poll.readBytesPerSecond',
  'consumers.poll.propagationDelaySeconds',
  'consumers.efo.readBytesPerSecond',
  'consumers.efo.propagationDelaySeconds',
  'firehose.logs.flushIntervalSeconds',
  'firehose.logs.objectBytes',
  'firehose.logs.objectsPerHour',
  'firehose.logs.monthlyCost',
  'reshard.updateShardCountCalls',
  'reshard.durationSeconds',
  'cost.monthly.provisioned',
  'cost.monthly.onDemand',
  'cost.monthly.onDemandAdvantage',
] as const;

describe('plan.metrics', () => {
  it('has every documented metric as a finite number', () => {
    for (const name of REQUIRED) {
      expect(plan.metrics, name).toHaveProperty([name]);
      expect(Number.isFinite(plan.metrics[name]), name).toBe(true);
    }
  });

  it('counts shards', () => {
    // Bytes 3,000 × 1,060 × 1.2 ÷ 1,048,576 = 3.64 → 4; records 3.6 → 4; one polling reader
    // 3,816,000 ÷ 2,097,152 = 1.82 → 2.
    expect(plan.metrics).toMatchObject({
      'shards.byWriteBytes': 4,
      'shards.byWriteRecords': 4,
      'shards.byRead': 2,
      'shards.required': 4,
      'shards.recommended': 4,
      'shards.configured': 4,
    });
  });

  it('reports hot keys in records/s, bytes/s and a utilisation fraction', () => {
    // Unique keys: no key repeats; each of 4 shards gets 795,000 B/s ÷ 1,048,576 = 0.758.
    expect(plan.metrics['hotKey.maxKeyRecordsPerSecond']).toBe(0);
    expect(plan.metrics['hotKey.maxKeyBytesPerSecond']).toBe(0);
    expect(plan.metrics['hotKey.keysOverShardLimit']).toBe(0);
    expect(plan.metrics['hotKey.maxShardUtilization']).toBeCloseTo(795_000 / 1_048_576, 9);
  });

  it('reports consumers per shard in bytes/s and delays in seconds', () => {
    // The polling application reads alone: 2 MiB/s; max(0.2, 1 s ÷ 2) = 0.5 s. EFO: 2 MiB/s, 0.07 s.
    expect(plan.metrics['consumers.poll.readBytesPerSecond']).toBe(2 * MiB);
    expect(plan.metrics['consumers.poll.propagationDelaySeconds']).toBeCloseTo(0.5, 12);
    expect(plan.metrics['consumers.efo.readBytesPerSecond']).toBe(2 * MiB);
    expect(plan.metrics['consumers.efo.propagationDelaySeconds']).toBe(0.07);
  });

  it('reports Firehose flushes in seconds, objects in bytes and per hour, cost in USD a month', () => {
    // 1 MiB/s into 64 MiB: every 64 s, 64 MiB objects, 56.25 per hour; $372.13 ingestion + $0.21 PUTs.
    expect(plan.metrics['firehose.logs.flushIntervalSeconds']).toBe(64);
    expect(plan.metrics['firehose.logs.objectBytes']).toBe(64 * MiB);
    expect(plan.metrics['firehose.logs.objectsPerHour']).toBe(56.25);
    expect(plan.metrics['firehose.logs.monthlyCost']).toBeCloseTo(372.33421875, 6);
  });

  it('reports the first reshard in calls and seconds', () => {
    // 4 → 8: one call, 4 splits × 30 s = 120 s.
    expect(plan.metrics['reshard.updateShardCountCalls']).toBe(1);
    expect(plan.metrics['reshard.durationSeconds']).toBe(120);
  });

  it('reports each option’s monthly cost in USD', () => {
    const gb = (bytesPerSecond: number) => (bytesPerSecond * MONTH_SECONDS) / GB;
    // Provisioned: 4 × 730 × $0.015 = $43.80 + 3,000 × 2.628 million × $0.014 = $110.376 PUT units +
    // EFO 4 × 730 × $0.015 = $43.80 + 7,783.1 GB × $0.013 = $101.18 → $299.16.
    expect(plan.metrics['cost.monthly.provisioned']).toBeCloseTo(
      43.8 + 110.376 + 43.8 + gb(3_180_000) * 0.013,
      9,
    );
    // Standard: $29.20 + 1,060 B → 2 KB: 6,144,000 B/s × $0.08/GB + 7,783.1 GB × ($0.04 + $0.05) → $1,932.68.
    expect(plan.metrics['cost.monthly.onDemand']).toBeCloseTo(
      29.2 + gb(6_144_000) * 0.08 + gb(3_180_000) * (0.04 + 0.05),
      9,
    );
    // Advantage: below both 25 MiB/s minimums: $2,053.125 + $1,026.5625.
    expect(plan.metrics['cost.monthly.onDemandAdvantage']).toBeCloseTo(3079.6875, 9);
  });
});
