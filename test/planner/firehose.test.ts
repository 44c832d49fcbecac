/**
 * Firehose (docs/aws-facts.md, Firehose 9–12): the first buffer condition reached triggers a flush;
 * hints apply per shard (stream source) or per partition (dynamic partitioning); dynamic
 * partitioning stretches delivery up to 1.5×; the Direct PUT quota is 5 MiB/s, 500,000 records/s
 * and 2,000 requests/s in us-east-1 (1 MiB/s, 100,000 and 1,000 elsewhere); ingestion bills each
 * record rounded up to 5 KB (5,120 B) at $0.029/GB; S3 PUTs are $0.005 per 1,000; an S3 interval
 * below 60 s uses multipart upload.
 */
import { describe, expect, it } from 'vitest';
import { putRequestsPerSecond } from '../../src/aws/behaviour.js';
import { findingText } from '../../src/planner/findings.js';
import { flushOf } from '../../src/planner/firehose.js';
import { GB, MiB, MONTH_SECONDS, metric, planOf, scenarioOf, warningsOf } from './helpers.js';

/** A scenario with one direct-put Firehose stream `f` fed by producer `d`, plus a small stream producer. */
const directPut = (producer: string, firehose: string, region = 'us-east-1') => `
name: direct-put
region: ${region}
stream: { shards: 1 }
producers:
  - { name: s, rate: 10/s, keys: { dist: unique, length: 36 } }
  - { name: d, destination: f, ${producer} }
firehose:
  - { name: f, source: direct-put, ${firehose} }
`;

describe('Direct PUT into one buffer: 1 MiB/s into 64 MiB / 300 s', () => {
  const plan = planOf(
    directPut('rate: 1024/s, recordSize: 1KiB', 'destination: s3, buffer: { size: 64MiB, interval: 300s }'),
  );
  const f = plan.firehose[0]!;

  it('flushes on size every 64 s', () => {
    // 1,024 × 1,024 B = 1,048,576 B/s into one buffer: 64 MiB fills in 64 s < 300 s.
    expect(f.bufferScope).toBe('stream');
    expect(f.buffers).toBe(1);
    expect(f.inputBytesPerSecond).toBe(1_048_576);
    expect(f.inputRecordsPerSecond).toBe(1024);
    expect(f.flushTrigger).toBe('size');
    expect(f.flushIntervalSeconds).toBe(64);
    // Object: 1 MiB/s × 64 s × ratio 1 = 67,108,864 B; 3,600 ÷ 64 = 56.25 objects/h.
    expect(f.objectBytes).toBe(64 * MiB);
    expect(f.objectsPerHour).toBe(56.25);
    expect(f.objectsPerHourPerBuffer).toBe(56.25);
  });

  it('delivers half a flush late on average plus the delivery time', () => {
    // Mean 64/2 + 1 s = 33 s; max 64 + 1 = 65 s.
    expect(f.meanDeliveryLatencySeconds).toBe(33);
    expect(f.maxDeliveryLatencySeconds).toBe(65);
  });

  it('uses a fifth of the us-east-1 Direct PUT quota', () => {
    // Bytes 1,048,576 ÷ 5,242,880 = 0.2; records 1,024 ÷ 500,000 = 0.002; requests: 500-record
    // batches, 1,024 ÷ 500 = 2.05/s, but the 100 ms linger sends at least 10/s: 10 ÷ 2,000 = 0.005.
    expect(f.directPutQuotaUtilization).toBeCloseTo(0.2, 12);
    expect(metric(plan, 'firehose.f.directPutQuotaUtilization')).toBeCloseTo(0.2, 12);
  });

  it('costs 5 KB per 1 KiB record at $0.029/GB, and $0.005 per 1,000 S3 PUTs', () => {
    // Billed: 1,024 records/s × 5,120 B × 2,628,000 s ÷ 2^30 = 12,832.03 GB × $0.029 = $372.13.
    expect(f.monthly.billedGb).toBeCloseTo(12_832.03125, 6);
    expect(f.monthly.ingestion).toBeCloseTo(372.12890625, 6);
    // Objects: 56.25/h × 730 = 41,062.5 × $0.005 ÷ 1,000 = $0.205; one PUT each (interval ≥ 60 s).
    expect(f.s3PutRequestsPerObject).toBe(1);
    expect(f.monthly.objects).toBeCloseTo(41_062.5, 6);
    expect(f.monthly.s3Requests).toBeCloseTo(0.2053125, 9);
    expect(f.monthly.formatConversion).toBe(0);
    expect(f.monthly.dynamicPartitioning).toBe(0);
    expect(f.monthly.total).toBeCloseTo(372.33421875, 6);
    expect(metric(plan, 'firehose.f.monthlyCost')).toBeCloseTo(372.33421875, 6);
    expect(metric(plan, 'cost.monthly.firehose')).toBeCloseTo(372.33421875, 6);
  });

  it('exposes the flush, object and latency metrics in base units', () => {
    expect(metric(plan, 'firehose.f.flushIntervalSeconds')).toBe(64);
    expect(metric(plan, 'firehose.f.objectBytes')).toBe(67_108_864);
    expect(metric(plan, 'firehose.f.objectsPerHour')).toBe(56.25);
    expect(metric(plan, 'firehose.f.deliveryLatencySeconds')).toBe(65);
  });

  it('writes compressed objects: bytes × compressionRatio', () => {
    const gz = planOf(
      directPut(
        'rate: 1024/s, recordSize: 1KiB',
        'destination: s3, buffer: { size: 64MiB, interval: 300s }, compressionRatio: 0.25',
      ),
    ).firehose[0]!;
    // The size hint applies before compression: still 64 s; 64 MiB × 0.25 = 16 MiB.
    expect(gz.flushIntervalSeconds).toBe(64);
    expect(gz.objectBytes).toBe(16 * MiB);
    // Ingestion is billed on what comes in, not on the compressed objects.
    expect(gz.monthly.ingestion).toBeCloseTo(372.12890625, 6);
  });
});

describe('dynamic partitioning: 12 partitions share 1 MiB/s', () => {
  const f = planOf(
    directPut(
      'rate: 1024/s, recordSize: 1KiB',
      'destination: s3, buffer: { size: 64MiB, interval: 300s }, dynamicPartitions: 12',
    ),
  ).firehose[0]!;

  it('fills each partition’s buffer 12× slower, so the interval flushes', () => {
    // 1,048,576 ÷ 12 = 87,381.3 B/s per partition: 64 MiB takes 768 s > 300 s.
    expect(f.bufferScope).toBe('partition');
    expect(f.buffers).toBe(12);
    expect(f.flushTrigger).toBe('interval');
    expect(f.flushIntervalSeconds).toBe(300);
    // Object: 87,381.3 × 300 = 26,214,400 B (25 MiB); 12 partitions × 12 flushes/h = 144 objects/h.
    expect(f.objectBytes).toBeCloseTo(26_214_400, 6);
    expect(f.objectsPerHourPerBuffer).toBe(12);
    expect(f.objectsPerHour).toBe(144);
  });

  it('stretches latency by 1.5× (multi-stage buffering)', () => {
    // Mean 300/2 × 1.5 + 1 = 226 s; max 300 × 1.5 + 1 = 451 s.
    expect(f.meanDeliveryLatencySeconds).toBe(226);
    expect(f.maxDeliveryLatencySeconds).toBe(451);
  });

  it('adds $0.020 per GB delivered and $0.005 per 1,000 objects', () => {
    // Delivered: 1,048,576 × 2,628,000 ÷ 2^30 = 2,566.41 GB × $0.02 = $51.33.
    // Objects: 144 × 730 = 105,120 → × $0.005 ÷ 1,000 = $0.5256 (and the same again in S3 PUTs).
    expect(f.monthly.objects).toBeCloseTo(105_120, 6);
    expect(f.monthly.dynamicPartitioning).toBeCloseTo(51.328125 + 0.5256, 9);
    expect(f.monthly.s3Requests).toBeCloseTo(0.5256, 9);
    // $372.13 + $51.85 + $0.53 = $424.51.
    expect(f.monthly.total).toBeCloseTo(424.50823125, 6);
  });
});

describe('Direct PUT quota', () => {
  it('is 1 MiB/s outside us-east-1, us-west-2 and eu-west-1: 2 MiB/s is twice it', () => {
    const plan = planOf(
      directPut('rate: 2048/s, recordSize: 1KiB', 'buffer: { size: 64MiB, interval: 300s }', 'eu-central-1'),
    );
    // Bytes 2 MiB/s ÷ 1 MiB/s = 2.0; records 2,048 ÷ 100,000 = 0.02; requests 10 ÷ 1,000 = 0.01.
    expect(plan.firehose[0]!.directPutQuotaUtilization).toBeCloseTo(2, 12);
    expect(warningsOf(plan).some((w) => w.startsWith('f: Direct PUT at 200% of its quota (1 MiB/s'))).toBe(
      true,
    );
  });

  it('binds on requests when many instances send small batches', () => {
    const plan = planOf(
      directPut(
        'instances: 500, rate: 10000/s, recordSize: 1KiB, batching: { maxBytes: 4MiB }',
        'buffer: { size: 64MiB, interval: 300s }',
      ),
    );
    // Each of 500 instances sends 20 records/s but a batch every 100 ms: 500 × 10 = 5,000 requests/s
    // ÷ 2,000 = 2.5; bytes 10,240,000 ÷ 5,242,880 = 1.95; records 10,000 ÷ 500,000 = 0.02.
    expect(plan.firehose[0]!.directPutQuotaUtilization).toBeCloseTo(2.5, 12);
  });

  it('counts requests as batches that fill or leave after the linger time', () => {
    const producer = scenarioOf(`
name: batches
stream: { shards: 1 }
producers:
  - { name: p, instances: 40, rate: 6000/s, batching: { maxRecords: 500, linger: 1s } }
`).producers[0]!;
    const requestsPerSecond = (
      p: typeof producer,
      recordsPerSecond: number,
      recordBytes: number,
      maxRecords: number,
      maxBytes: number,
    ) =>
      putRequestsPerSecond(p.batching, p.instances, recordsPerSecond, recordBytes, { maxRecords, maxBytes });
    // 40 instances × 150 records/s: a 500-record batch would take 3.3 s, the 1 s linger sends first:
    // 40 × 1 = 40 requests/s.
    expect(requestsPerSecond(producer, 6000, 697.2, 500, 4 * MiB)).toBe(40);
    // Full batches when the rate is high: 600,000/s ÷ 40 = 15,000/s per instance ÷ 500 = 30/s × 40 = 1,200.
    expect(requestsPerSecond(producer, 600_000, 697.2, 500, 4 * MiB)).toBe(1200);
    // 1 MiB records: 4 MiB holds 4 per batch: 6,000 ÷ 4 = 1,500 requests/s.
    expect(requestsPerSecond(producer, 6000, MiB, 500, 4 * MiB)).toBe(1500);
    // Never more requests than records.
    expect(requestsPerSecond(producer, 10, 100, 500, 4 * MiB)).toBe(10);
    expect(requestsPerSecond(producer, 0, 100, 500, 4 * MiB)).toBe(0);
  });

  it('is measured at the Firehose stream’s own peak, not at the stream’s planning instant', () => {
    const plan = planOf(`
name: diurnal-direct-put
duration: 2h
stream: { shards: 1 }
producers:
  - { name: s, rate: 10/s, keys: { dist: unique, length: 36 } }
  - name: d
    destination: f
    rate: { profile: diurnal, min: 1000/s, max: 4000/s, period: 2h, peakAt: 1h }
    recordSize: 1KiB
firehose:
  - { name: f, source: direct-put, buffer: { size: 64MiB, interval: 300s } }
`);
    const f = plan.firehose[0]!;
    // The stream peaks at t = 0 (its producer is constant); Firehose peaks at 1 h: 4,000 × 1,024 = 4,096,000 B/s.
    expect(plan.traffic.peakAt).toBe(0);
    expect(f.inputRecordsPerSecond).toBeCloseTo(4000, 6);
    expect(f.inputBytesPerSecond).toBeCloseTo(4_096_000, 3);
    // 64 MiB ÷ 4,096,000 = 16.384 s.
    expect(f.flushTrigger).toBe('size');
    expect(f.flushIntervalSeconds).toBeCloseTo(16.384, 6);
    // Quota: 4,096,000 ÷ 5,242,880 = 0.78125.
    expect(f.directPutQuotaUtilization).toBeCloseTo(0.78125, 6);
    // Monthly objects at the average (2,500/s → 2,560,000 B/s → a flush every 26.2144 s):
    // 3,600 ÷ 26.2144 × 730 = 100,250.2.
    expect(f.monthly.objects).toBeCloseTo(100_250.244, 0);
  });
});

describe('ingestion billing: each record rounded up to 5 KB (5,120 B)', () => {
  const billed = (recordSize: string) =>
    planOf(directPut(`rate: 100/s, recordSize: ${recordSize}`, 'buffer: { size: 64MiB, interval: 300s }'))
      .firehose[0]!.monthly;

  it('bills a 6 KiB record as 10 KB', () => {
    // ceil(6,144 ÷ 5,120) = 2 units = 10,240 B × 100/s × 2,628,000 s ÷ 2^30 = 2,506.26 GB × $0.029 = $72.68.
    const m = billed('6KiB');
    expect(m.billedGb).toBeCloseTo((100 * 10_240 * MONTH_SECONDS) / GB, 9);
    expect(m.ingestion).toBeCloseTo(72.681427, 5);
  });

  it('bills exactly 5,120 B as one unit and 5,121 B as two', () => {
    expect(billed('5120B').billedGb).toBeCloseTo((100 * 5120 * MONTH_SECONDS) / GB, 9);
    expect(billed('5121B').billedGb).toBeCloseTo((100 * 10_240 * MONTH_SECONDS) / GB, 9);
  });

  it('rounds each record, not their mean: 3 KB and 12 KB records average 2 units', () => {
    // 3,000 B → 1 unit; 12,000 B → ceil(2.34) = 3 units; half each: (1 + 3)/2 = 2 units per record.
    const mixed = billed(
      '{ dist: weighted, sizes: [{ size: 3000B, weight: 1 }, { size: 12000B, weight: 1 }] }',
    );
    expect(mixed.billedGb).toBeCloseTo((100 * 2 * 5120 * MONTH_SECONDS) / GB, 9);
    const small = billed(
      '{ dist: weighted, sizes: [{ size: 1000B, weight: 1 }, { size: 9000B, weight: 1 }] }',
    );
    // 1,000 B → 1; 9,000 B → 2: 1.5 units per record (the mean, 5,000 B, would bill 1).
    expect(small.billedGb).toBeCloseTo((100 * 1.5 * 5120 * MONTH_SECONDS) / GB, 9);
  });

  it('bills format conversion per GB in the same 5 KB steps', () => {
    const f = planOf(
      directPut(
        'rate: 100/s, recordSize: 6KiB',
        'buffer: { size: 128MiB, interval: 300s }, formatConversion: parquet',
      ),
    ).firehose[0]!;
    // 2,506.26 GB × $0.018 = $45.11.
    expect(f.monthly.formatConversion).toBeCloseTo(((100 * 10_240 * MONTH_SECONDS) / GB) * 0.018, 9);
  });
});

describe('a Firehose stream reading the Kinesis stream', () => {
  const yaml = (buffer: string, destination = 's3') => `
name: from-stream
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
firehose:
  - { name: f, source: stream, destination: ${destination}, buffer: ${buffer} }
`;

  it('buffers per shard: 2 shards, 512,000 B/s each, flush on 5 MiB every 10.24 s', () => {
    const plan = planOf(yaml('{ size: 5MiB, interval: 300s }'));
    const f = plan.firehose[0]!;
    // Writes 1,060,000 B/s × 1.2 → 2 shards; Firehose receives data only: 1,000 × 1,024 = 1,024,000 B/s.
    expect(plan.shards.recommended).toBe(2);
    expect(f.bufferScope).toBe('shard');
    expect(f.buffers).toBe(2);
    expect(f.inputBytesPerSecond).toBe(1_024_000);
    // 5,242,880 ÷ 512,000 = 10.24 s < 300 s.
    expect(f.flushTrigger).toBe('size');
    expect(f.flushIntervalSeconds).toBeCloseTo(10.24, 12);
    expect(f.objectBytes).toBeCloseTo(5 * MiB, 6);
    // 2 × 3,600 ÷ 10.24 = 703.125 objects/h; mean latency 5.12 + 1 = 6.12 s.
    expect(f.objectsPerHour).toBeCloseTo(703.125, 9);
    expect(f.meanDeliveryLatencySeconds).toBeCloseTo(6.12, 12);
    expect(f.directPutQuotaUtilization).toBeNull();
    // Ingestion: 1,000 × 5,120 × 2,628,000 ÷ 2^30 = 12,531.28 GB × $0.029 = $363.41.
    expect(f.monthly.ingestion).toBeCloseTo(363.40713501, 6);
  });

  it('uses one PUT per object when the interval is 60 s or more, however often size flushes', () => {
    // FH-BH: multipart upload comes with an S3 buffering interval below 60 s. Here the interval is
    // 300 s; size flushes every 10.24 s. 703.125 × 730 = 513,281.25 objects × $0.005 ÷ 1,000 = $2.566.
    const f = planOf(yaml('{ size: 5MiB, interval: 300s }')).firehose[0]!;
    expect(f.s3PutRequestsPerObject).toBe(1);
    expect(f.monthly.s3Requests).toBeCloseTo(2.56640625, 9);
    expect(f.findings).toEqual([]);
  });

  it('counts multipart uploads (3 requests per object, assumed) when the interval is below 60 s', () => {
    const f = planOf(yaml('{ size: 5MiB, interval: 30s }')).firehose[0]!;
    expect(f.s3PutRequestsPerObject).toBe(3);
    expect(f.monthly.s3Requests).toBeCloseTo((703.125 * 730 * 3 * 0.005) / 1000, 9);
    expect(f.findings.map(findingText).some((w) => w.includes('multipart upload'))).toBe(true);
  });

  it('delivers within a few seconds with zero buffering (modelled as 5 s)', () => {
    const f = planOf(yaml('{ size: 5MiB, interval: 0s }')).firehose[0]!;
    // 512,000 B/s × 5 s = 2,560,000 B < 5 MiB: the (zero) interval flushes, every 5 s.
    expect(f.flushTrigger).toBe('interval');
    expect(f.flushIntervalSeconds).toBe(5);
    expect(f.objectsPerHour).toBe(2 * 720);
    expect(f.s3PutRequestsPerObject).toBe(3);
  });

  it('has no S3 request cost for other destinations', () => {
    const f = planOf(yaml('{ size: 5MiB, interval: 30s }', 'opensearch')).firehose[0]!;
    expect(f.s3PutRequestsPerObject).toBe(1);
    expect(f.monthly.s3Requests).toBe(0);
  });
});

describe('buffer flush rule', () => {
  it('flushes on whichever comes first', () => {
    // 64 MiB at 1 MiB/s: 64 s < 300 s → size.
    expect(flushOf(64 * MiB, 300, MiB)).toEqual({ trigger: 'size', seconds: 64 });
    // 64 MiB at 100 KiB/s: 655.36 s > 300 s → interval.
    expect(flushOf(64 * MiB, 300, 100 * 1024)).toEqual({ trigger: 'interval', seconds: 300 });
    // Nothing arriving: the interval.
    expect(flushOf(5 * MiB, 300, 0)).toEqual({ trigger: 'interval', seconds: 300 });
  });

  it('warns about small objects from interval flushes', () => {
    const plan = planOf(directPut('rate: 1/s, recordSize: 1KiB', 'buffer: { size: 5MiB, interval: 300s }'));
    // 1,024 B/s × 300 s = 307,200 B < 1 MiB.
    expect(plan.firehose[0]!.objectBytes).toBe(307_200);
    expect(warningsOf(plan).some((w) => w.startsWith('f: objects of 300 KiB every 5 min per stream'))).toBe(
      true,
    );
  });
});
