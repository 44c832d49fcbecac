/**
 * Shard counts by write bytes, write records and polling reads (docs/aws-facts.md, KDS 1: 1 MiB/s and
 * 1,000 records/s written per shard, partition keys included; 2 MiB/s and 5 GetRecords calls/s
 * read per shard, shared by every polling reader), KPL aggregation, and the GetRecords call rate.
 * Every expectation is worked out by hand in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { ceilShards } from '../../src/planner/shards.js';
import { planOf, recommendationsOf, warningsOf } from './helpers.js';

describe('shards by write bytes, write records and reads', () => {
  it('binds on write bytes: 3,000 records/s of 2 KiB + a 36-byte key', () => {
    const plan = planOf(`
name: bytes-bound
stream: { shards: 10 }
producers:
  - { name: p, rate: 3000/s, recordSize: 2KiB, keys: { dist: unique, length: 36 } }
`);
    // Write bytes: 3,000 × (2,048 + 36) = 6,252,000 B/s; × 1.2 = 7,502,400 ÷ 1,048,576 = 7.15 → 8.
    expect(plan.traffic.writeBytesPerSecond).toBe(6_252_000);
    expect(plan.shards.byWriteBytes).toBe(8);
    // Records: 3,000 × 1.2 = 3,600 ÷ 1,000 = 3.6 → 4.
    expect(plan.shards.byWriteRecords).toBe(4);
    // No polling reader reads anything: the 1-shard floor.
    expect(plan.shards.byRead).toBe(1);
    expect(plan.shards.required).toBe(8);
    expect(plan.shards.binding).toBe('writeBytes');
    // Unique keys spread evenly, so nothing raises the count.
    expect(plan.shards.recommended).toBe(8);
    // Configured utilisation, no headroom: max(6,252,000 ÷ 1,048,576, 3,000 ÷ 1,000) ÷ 10 shards
    // = max(5.9624, 3) ÷ 10 = 0.59624.
    expect(plan.shards.configuredUtilization).toBeCloseTo(6_252_000 / 1_048_576 / 10, 12);
    expect(plan.binding).toContain('write bytes');
  });

  it('binds on write records: 5,000 records/s of 100 B + a 36-byte key', () => {
    const plan = planOf(`
name: records-bound
stream: { shards: 6 }
producers:
  - { name: p, rate: 5000/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
`);
    // Bytes: 5,000 × 136 = 680,000 B/s × 1.2 = 816,000 ÷ 1,048,576 = 0.78 → 1.
    expect(plan.shards.byWriteBytes).toBe(1);
    // Records: 5,000 × 1.2 = 6,000 ÷ 1,000 = 6.
    expect(plan.shards.byWriteRecords).toBe(6);
    expect(plan.shards.required).toBe(6);
    expect(plan.shards.binding).toBe('writeRecords');
    expect(plan.binding).toContain('write records');
  });

  it('binds on polling reads: four polling apps and a stream-sourced Firehose share 2 MiB/s', () => {
    const plan = planOf(`
name: read-bound
stream: { shards: 4 }
producers:
  - { name: p, rate: 1000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
consumers:
  - { name: a, type: polling }
  - { name: b, type: polling }
  - { name: c, type: polling }
  - { name: d, type: polling }
  - { name: e, type: enhanced-fan-out }
firehose:
  - { name: f, source: stream }
`);
    // Polling readers: 4 applications + 1 Firehose reading the stream = 5 (EFO has its own pipe).
    expect(plan.shards.pollingReaders).toBe(5);
    // Writes: 1,000 × 1,060 = 1,060,000 B/s × 1.2 = 1,272,000 ÷ 1,048,576 = 1.21 → 2;
    // records 1,000 × 1.2 ÷ 1,000 = 1.2 → 2.
    expect(plan.shards.byWriteBytes).toBe(2);
    expect(plan.shards.byWriteRecords).toBe(2);
    // Reads: 5 × 1,272,000 = 6,360,000 ÷ 2,097,152 = 3.03 → 4.
    expect(plan.shards.byRead).toBe(4);
    expect(plan.shards.required).toBe(4);
    expect(plan.shards.binding).toBe('read');
    // GetRecords: 4 apps × 1/s (KCL's default 1 s) + Firehose's 1/s = 5, not above the 5 allowed.
    expect(plan.shards.getRecordsCallsPerShardPerSecond).toBe(5);
    expect(plan.shards.getRecordsOverLimit).toBe(false);
    expect(plan.binding).toContain('polling reads');
  });

  it('does not round a count that is exact up to the next shard', () => {
    const plan = planOf(`
name: exact
headroom: 0
stream: { shards: 1 }
producers:
  - { name: p, rate: 512/s, recordSize: 2012B, keys: { dist: unique, length: 36 } }
`);
    // 512 × (2,012 + 36) = 512 × 2,048 = 1,048,576 B/s: exactly one shard's 1 MiB/s.
    expect(plan.shards.byWriteBytes).toBe(1);
    expect(plan.shards.required).toBe(1);
    // 2,500 × 1.2 = 3,000 records/s is 3 shards, however 1.2 rounds in binary.
    expect(ceilShards((2500 * 1.2) / 1000)).toBe(3);
    expect(ceilShards(3.0000000000004)).toBe(3);
    expect(ceilShards(3.001)).toBe(4);
    expect(ceilShards(0)).toBe(1);
  });

  it('counts only producers that write to the stream', () => {
    const plan = planOf(`
name: direct-put-aside
stream: { shards: 1 }
producers:
  - { name: s, rate: 100/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
  - { name: d, rate: 50000/s, recordSize: 1KiB, destination: f }
firehose:
  - { name: f, source: direct-put }
`);
    // Only s: 100 × 1,060 = 106,000 B/s and 100 records/s.
    expect(plan.traffic.writeBytesPerSecond).toBe(106_000);
    expect(plan.traffic.writeRecordsPerSecond).toBe(100);
    expect(plan.shards.required).toBe(1);
  });
});

describe('GetRecords calls per shard (5/s, shared by the polling readers)', () => {
  it('flags more than 5 calls/s: more shards cannot fix it', () => {
    const plan = planOf(`
name: calls
stream: { shards: 2 }
producers:
  - { name: p, rate: 100/s }
consumers:
  - { name: a, type: polling, pollInterval: 1s }
  - { name: b, type: polling, pollInterval: 1s }
  - { name: fast, type: polling, pollInterval: 250ms }
`);
    // 1/1 s + 1/1 s + 1/0.25 s = 1 + 1 + 4 = 6 calls/s per shard > 5.
    expect(plan.shards.getRecordsCallsPerShardPerSecond).toBe(6);
    expect(plan.shards.getRecordsOverLimit).toBe(true);
    expect(
      warningsOf(plan).some((w) => w.includes('6 GetRecords calls/s per shard, above the 5/s limit')),
    ).toBe(true);
  });

  it('counts each application once, however many instances share its shards', () => {
    const plan = planOf(`
name: instances
stream: { shards: 2 }
producers:
  - { name: p, rate: 100/s }
consumers:
  - { name: a, type: polling, instances: 8, pollInterval: 500ms }
`);
    // KCL workers lease shards: one reader per shard per application. 1 / 0.5 s = 2 calls/s.
    expect(plan.shards.getRecordsCallsPerShardPerSecond).toBe(2);
    expect(plan.shards.getRecordsOverLimit).toBe(false);
  });
});

describe('KPL aggregation (user records packed into one Kinesis record)', () => {
  // 100 B of data with a 36-byte unique key, packed into aggregates of at most 51,200 B (the KPL's
  // default AggregationMaxSize), framed as magic (4) + protobuf + MD5 (16) = 20 bytes:
  //   key table entry: tag 1 + length 1 + 36 = 38 B;
  //   Record message for index < 128: tag 1 + length 1 + [index tag 1 + index 1 + data (tag 1 +
  //     length 1 + 100)] = 1 + 1 + 104 = 106 B; so 38 + 106 = 144 B per user record;
  //   from index 128 the index varint takes 2 bytes: 38 + 107 = 145 B.
  // Budget 51,200 − 20 = 51,180: 128 records × 144 = 18,432, then floor((51,180 − 18,432) ÷ 145)
  // = floor(32,748 ÷ 145) = 225 more → 353 user records, protobuf 18,432 + 225 × 145 = 51,057 B.
  // The Kinesis record: 20 + 51,057 = 51,077 B of data + the 1-byte partition key "a" = 51,078 B.
  const yaml = (aggregation: boolean) => `
name: kpl
stream: { shards: 1 }
producers:
  - name: p
    rate: 100000/s
    recordSize: 100B
    keys: { dist: unique, length: 36 }
    batching: { linger: 500ms }
    aggregation: ${aggregation}
`;

  it('packs full aggregates when the linger leaves enough records per shard', () => {
    const plan = planOf(yaml(true));
    const p = plan.traffic.producers[0]!;
    // Records available to one aggregate: 100,000/s × 0.5 s ÷ (1 instance × 1 shard) = 50,000 ≥ 353.
    expect(p.aggregation.userRecordsPerKinesisRecord).toBe(353);
    expect(p.aggregation.kinesisRecordBytes).toBeCloseTo(51_078, 6);
    // 100,000 ÷ 353 = 283.29 Kinesis records/s; × 51,078 B = 14,469,688.4 B/s.
    expect(plan.traffic.writeRecordsPerSecond).toBeCloseTo(100_000 / 353, 9);
    expect(plan.traffic.writeBytesPerSecond).toBeCloseTo((100_000 / 353) * 51_078, 3);
    // Bytes: 14,469,688.4 × 1.2 ÷ 1,048,576 = 16.56 → 17 shards; records: 283.29 × 1.2 ÷ 1,000 → 1.
    expect(plan.shards.byWriteBytes).toBe(17);
    expect(plan.shards.byWriteRecords).toBe(1);
    expect(plan.shards.required).toBe(17);
    // Without aggregation: 100,000 records/s × 1.2 ÷ 1,000 = 120 shards (bytes would need
    // 100,000 × 136 × 1.2 ÷ 1,048,576 = 15.6 → 16).
    expect(plan.shards.aggregation).toEqual({
      enabled: true,
      requiredWithout: 120,
      requiredWith: 17,
      byWriteRecordsWithout: 120,
      byWriteRecordsWith: 1,
    });
    expect(plan.metrics['shards.requiredWithoutAggregation']).toBe(120);
    expect(plan.metrics['shards.requiredWithAggregation']).toBe(17);
  });

  it('reports the same counts, and recommends aggregation, when it is off', () => {
    const plan = planOf(yaml(false));
    expect(plan.shards.byWriteBytes).toBe(16);
    expect(plan.shards.byWriteRecords).toBe(120);
    expect(plan.shards.required).toBe(120);
    expect(plan.shards.aggregation).toEqual({
      enabled: false,
      requiredWithout: 120,
      requiredWith: 17,
      byWriteRecordsWithout: 120,
      byWriteRecordsWith: 1,
    });
    expect(recommendationsOf(plan)).toContain(
      'KPL aggregation would lower the shards write records need from 120 to 1, and the shards required from 120 to 17.',
    );
  });

  it('packs only what one producer instance sends one shard within the linger time', () => {
    const plan = planOf(`
name: kpl-linger
stream: { shards: 2 }
producers:
  - name: p
    instances: 10
    rate: 10000/s
    recordSize: 100B
    keys: { dist: unique, length: 36 }
    batching: { linger: 10ms }
    aggregation: true
`);
    // 10,000/s × 0.01 s ÷ (10 instances × 2 shards) = 5 user records per aggregate (< 353).
    expect(plan.traffic.producers[0]!.aggregation.userRecordsPerKinesisRecord).toBe(5);
    // 10,000 ÷ 5 = 2,000 Kinesis records/s × 1.2 ÷ 1,000 = 2.4 → 3 shards; without: 12.
    expect(plan.traffic.writeRecordsPerSecond).toBe(2000);
    expect(plan.shards.byWriteRecords).toBe(3);
    expect(plan.shards.aggregation.byWriteRecordsWithout).toBe(12);
  });
});
