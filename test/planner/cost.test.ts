/**
 * Monthly stream cost per capacity option (docs/aws-facts.md, KDS 8; us-east-1; 730-hour month; GB =
 * 2^30 bytes):
 * - provisioned: $0.015 per shard-hour; $0.014 per million 25 KB (25,600 B) PUT payload units;
 *   extended retention $0.020 per shard-hour when retention > 24 h; long-term $0.023/GB-month
 *   beyond 7 days; EFO $0.015 per consumer-shard-hour + $0.013/GB;
 * - On-demand Standard: $0.04 per stream-hour; $0.08/GB written, each record rounded up to 1 KB
 *   (1,024 B); $0.04/GB read by polling; $0.05/GB by EFO; $0.10/GB-month stored 24 h–7 d;
 * - On-demand Advantage: no stream-hour; $0.032/GB in, $0.016/GB out (polling and EFO); billed
 *   for at least 25 MiB/s of ingest and of retrieval.
 */
import { describe, expect, it } from 'vitest';
import type { CostOption, Plan } from '../../src/planner/types.js';
import { GB, MiB, MONTH_SECONDS, metric, planOf, recommendationsOf } from './helpers.js';

/** 1,000 records/s of 988 B + a 36-byte key = 1,024 B each: 1,024,000 B/s. */
const base = (extra = '', stream = 'shards: 2', recordSize = '988B', rate = '1000/s') => `
name: cost
stream: { ${stream} }
producers:
  - { name: p, rate: ${rate}, recordSize: ${recordSize}, keys: { dist: unique, length: 36 } }
${extra}
`;

const option = (plan: Plan, name: CostOption['option']) => plan.cost.options.find((o) => o.option === name)!;
const lineUsd = (o: CostOption, item: string) => o.lines.find((l) => l.item === item)?.usd;

/** GB a month at a steady rate. */
const gbPerMonth = (bytesPerSecond: number) => (bytesPerSecond * MONTH_SECONDS) / GB;

describe('provisioned', () => {
  const plan = planOf(base());
  const prov = option(plan, 'provisioned');

  it('bills shard-hours at the recommended count and PUT payload units', () => {
    expect(plan.shards.recommended).toBe(2);
    // 2 shards × 730 h × $0.015 = $21.90.
    expect(lineUsd(prov, 'kinesis.shardHour')).toBeCloseTo(21.9, 9);
    // 1,024 B ≤ 25,600 B: 1 unit per record; 1,000 × 2,628,000 s = 2,628 million units × $0.014 = $36.792.
    expect(lineUsd(prov, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(36.792, 9);
    expect(prov.monthly).toBeCloseTo(58.692, 9);
    expect(prov.monthlyAtPeak).toBeCloseTo(58.692, 9);
    expect(prov.lines.map((l) => l.item)).toEqual(['kinesis.shardHour', 'kinesis.putPayloadUnitsPerMillion']);
    expect(metric(plan, 'cost.monthly.provisioned')).toBeCloseTo(58.692, 9);
    expect(plan.cost.cheapest).toBe('provisioned');
  });

  it('counts one 25 KB unit per started 25,600 bytes, partition key included', () => {
    // 30 KiB + 36 = 30,756 B → 2 units; 100/s × 2 × 2,628,000 = 525.6 million × $0.014 = $7.3584.
    const big = option(planOf(base('', 'shards: 4', '30KiB', '100/s')), 'provisioned');
    expect(lineUsd(big, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(7.3584, 9);
    // 25,564 + 36 = 25,600 B exactly: 1 unit; 100/s → 262.8 million × $0.014 = $3.6792.
    const exact = option(planOf(base('', 'shards: 4', '25564B', '100/s')), 'provisioned');
    expect(lineUsd(exact, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(3.6792, 9);
  });

  it('adds $0.020 per shard-hour of extended retention above 24 h', () => {
    const o = option(planOf(base('', 'shards: 2, retention: 48h')), 'provisioned');
    // 2 × 730 × $0.02 = $29.20.
    expect(lineUsd(o, 'kinesis.extendedRetentionShardHour')).toBeCloseTo(29.2, 9);
    expect(o.monthly).toBeCloseTo(58.692 + 29.2, 9);
    // Exactly 24 h is included.
    expect(lineUsd(prov, 'kinesis.extendedRetentionShardHour')).toBeUndefined();
  });

  it('adds long-term storage beyond 7 days per GB-month', () => {
    const o = option(planOf(base('', 'shards: 2, retention: 10d')), 'provisioned');
    // Stored beyond 168 h: 1,024,000 B/s × 72 h × 3,600 ÷ 2^30 = 247.19 GB × $0.023 = $5.685.
    expect(lineUsd(o, 'kinesis.longTermRetentionGbMonth')).toBeCloseTo(
      (1_024_000 * 72 * 3600 * 0.023) / GB,
      9,
    );
    expect(lineUsd(o, 'kinesis.extendedRetentionShardHour')).toBeCloseTo(29.2, 9);
  });

  it('adds EFO consumer-shard-hours and GB read by EFO', () => {
    const o = option(planOf(base('consumers:\n  - { name: e, type: enhanced-fan-out }')), 'provisioned');
    // 1 consumer × 2 shards × 730 × $0.015 = $21.90; 2,506.26 GB × $0.013 = $32.58.
    expect(lineUsd(o, 'kinesis.efoConsumerShardHour')).toBeCloseTo(21.9, 9);
    expect(lineUsd(o, 'kinesis.efoRetrievalGb')).toBeCloseTo(gbPerMonth(1_024_000) * 0.013, 9);
    expect(o.monthly).toBeCloseTo(58.692 + 21.9 + gbPerMonth(1_024_000) * 0.013, 9);
  });

  it('prices the average month, and the peak held all month separately', () => {
    const plan2 = planOf(
      base('', 'shards: 3', '988B', '{ profile: step, initial: 1000/s, steps: [{ at: 30m, rate: 2000/s }] }'),
    );
    const o = option(plan2, 'provisioned');
    // Sized for the peak: 2,000 × 1,024 × 1.2 ÷ 1,048,576 = 2.34 → 3; 2,000 × 1.2 ÷ 1,000 = 2.4 → 3.
    expect(plan2.shards.recommended).toBe(3);
    // 3 × 730 × $0.015 = $32.85; PUT units at the average 1,500/s: 1,500 × 2.628 × $0.014 = $55.188.
    expect(o.monthly).toBeCloseTo(32.85 + 55.188, 6);
    // At the 2,000/s peak: 2,000 × 2.628 × $0.014 = $73.584.
    expect(o.monthlyAtPeak).toBeCloseTo(32.85 + 73.584, 6);
  });
});

describe('On-demand Standard', () => {
  it('bills the stream-hour and GB written, each record rounded up to 1 KB', () => {
    const plan = planOf(base());
    const o = option(plan, 'onDemand');
    // 730 × $0.04 = $29.20; 1,024 B = 1 KB per record: 2,506.26 GB × $0.08 = $200.50.
    expect(lineUsd(o, 'kinesis.onDemand.streamHour')).toBeCloseTo(29.2, 9);
    expect(lineUsd(o, 'kinesis.onDemand.ingestGb')).toBeCloseTo(200.50048828125, 9);
    expect(o.monthly).toBeCloseTo(229.70048828125, 9);
    expect(metric(plan, 'cost.monthly.onDemand')).toBeCloseTo(229.70048828125, 9);
  });

  it('rounds 1 KiB of data + a 36-byte key (1,060 B) up to 2 KB', () => {
    const o = option(planOf(base('', 'shards: 2', '1KiB')), 'onDemand');
    // 1,000 × 2,048 B × 2,628,000 ÷ 2^30 = 5,012.51 GB × $0.08 = $401.00.
    expect(lineUsd(o, 'kinesis.onDemand.ingestGb')).toBeCloseTo(401.0009765625, 9);
  });

  it('bills polling reads at $0.04/GB per reader and EFO at $0.05/GB', () => {
    const o = option(
      planOf(
        base(`consumers:
  - { name: a, type: polling }
  - { name: b, type: polling }
  - { name: e, type: enhanced-fan-out }`),
      ),
      'onDemand',
    );
    // 2 readers × 2,506.26 GB × $0.04 = $200.50; 2,506.26 × $0.05 = $125.31.
    expect(lineUsd(o, 'kinesis.onDemand.retrievalGb')).toBeCloseTo(2 * gbPerMonth(1_024_000) * 0.04, 9);
    expect(lineUsd(o, 'kinesis.onDemand.efoRetrievalGb')).toBeCloseTo(gbPerMonth(1_024_000) * 0.05, 9);
  });

  it('bills storage beyond 24 h per GB-month', () => {
    const o = option(planOf(base('', 'shards: 2, retention: 48h')), 'onDemand');
    // 1,024,000 B/s × 86,400 s ÷ 2^30 = 82.40 GB stored × $0.10 = $8.24.
    expect(lineUsd(o, 'kinesis.onDemand.extendedRetentionGbMonth')).toBeCloseTo(8.23974609375, 9);
  });
});

describe('On-demand Advantage', () => {
  it('bills its 25 MiB/s minimums when the stream is smaller', () => {
    const plan = planOf(base());
    const o = option(plan, 'onDemandAdvantage');
    // 25 MiB/s × 2,628,000 s ÷ 2^30 = 64,160.16 GB: ingest × $0.032 = $2,053.13, retrieval × $0.016 = $1,026.56.
    expect(lineUsd(o, 'kinesis.onDemand.streamHour')).toBeUndefined();
    expect(lineUsd(o, 'kinesis.onDemandAdvantage.ingestGb')).toBeCloseTo(2053.125, 9);
    expect(lineUsd(o, 'kinesis.onDemandAdvantage.retrievalGb')).toBeCloseTo(1026.5625, 9);
    expect(o.monthly).toBeCloseTo(3079.6875, 9);
    expect(o.notes.some((n) => n.startsWith('Advantage bills at least 25 MiB/s of ingest'))).toBe(true);
    expect(metric(plan, 'cost.monthly.onDemandAdvantage')).toBeCloseTo(3079.6875, 9);
  });

  it('counts EFO reads toward the retrieval minimum', () => {
    const o = option(
      planOf(base('consumers:\n  - { name: e, type: enhanced-fan-out }')),
      'onDemandAdvantage',
    );
    // EFO 2,506.26 GB + the shortfall to 64,160.16 GB, both at $0.016: still $1,026.56.
    expect(o.monthly).toBeCloseTo(3079.6875, 9);
  });

  it('bills the usage above the minimums: 30 MiB/s in and one polling reader', () => {
    const plan = planOf(
      base('consumers:\n  - { name: a, type: polling }', 'mode: on-demand', '988B', '30720/s'),
    );
    // 30,720 × 1,024 = 30 MiB/s → 76,992.19 GB: × $0.032 = $2,463.75 in; × $0.016 = $1,231.88 out.
    const o = option(plan, 'onDemandAdvantage');
    expect(lineUsd(o, 'kinesis.onDemandAdvantage.ingestGb')).toBeCloseTo(2463.75, 9);
    expect(lineUsd(o, 'kinesis.onDemandAdvantage.retrievalGb')).toBeCloseTo(1231.875, 9);
    expect(o.monthly).toBeCloseTo(3695.625, 9);
    expect(o.notes).toEqual([]);
    // Standard: $29.20 + 76,992.19 × ($0.08 + $0.04) = $9,268.26.
    expect(option(plan, 'onDemand').monthly).toBeCloseTo(9268.2625, 9);
    expect(plan.traffic.writeBytesPerSecond).toBe(30 * MiB);
  });
});

describe('pricing overrides', () => {
  it('change the figures and mark the price as the scenario’s', () => {
    const plan = planOf(
      base(`pricing:
  kinesis.shardHour: 0.03
  kinesis.onDemand.ingestGb: 0.1
  kinesis.onDemandAdvantage.ingestGb: 0.04`),
    );
    // 2 × 730 × $0.03 = $43.80; 2,506.26 GB × $0.10 = $250.63; minimum 64,160.16 GB × $0.04 = $2,566.41.
    expect(lineUsd(option(plan, 'provisioned'), 'kinesis.shardHour')).toBeCloseTo(43.8, 9);
    expect(lineUsd(option(plan, 'onDemand'), 'kinesis.onDemand.ingestGb')).toBeCloseTo(
      gbPerMonth(1_024_000) * 0.1,
      9,
    );
    expect(lineUsd(option(plan, 'onDemandAdvantage'), 'kinesis.onDemandAdvantage.ingestGb')).toBeCloseTo(
      64_160.15625 * 0.04,
      9,
    );
    // An overridden price is the scenario's own, no longer an unconfirmed third-party figure.
    expect(plan.cost.unconfirmedPrices).not.toContain('kinesis.onDemandAdvantage.ingestGb');
    expect(plan.cost.unconfirmedPrices).toContain('kinesis.onDemandAdvantage.retrievalGb');
    // No Firehose stream, so no (unconfirmed) Firehose price is used.
    expect(plan.cost.unconfirmedPrices).toEqual([
      'kinesis.onDemandAdvantage.retrievalGb', // the 25 MiB/s retrieval minimum is billed at it
    ]);
  });

  it('change Firehose costs too', () => {
    const plan = planOf(`
name: fh-price
stream: { shards: 1 }
producers:
  - { name: s, rate: 10/s }
  - { name: d, destination: f, rate: 1024/s, recordSize: 1KiB }
firehose:
  - { name: f, source: direct-put, buffer: { size: 64MiB, interval: 300s } }
pricing:
  firehose.ingestGb: 0.058
  s3.putRequestsPerThousand: 0.01
`);
    // 12,832.03 GB × $0.058 = $744.26; 41,062.5 objects × $0.01 ÷ 1,000 = $0.41.
    expect(plan.firehose[0]!.monthly.ingestion).toBeCloseTo(12_832.03125 * 0.058, 6);
    expect(plan.firehose[0]!.monthly.s3Requests).toBeCloseTo(0.410625, 9);
    // Overridden Firehose ingestion is the scenario's own; the derived Advantage ingest and
    // retrieval (its 25 MiB/s minimum) are the unconfirmed prices left: no EFO reader, no
    // conversion, no dynamic partitioning.
    expect(plan.cost.unconfirmedPrices).toEqual([
      'kinesis.onDemandAdvantage.ingestGb',
      'kinesis.onDemandAdvantage.retrievalGb',
    ]);
  });
});

describe('unconfirmed prices', () => {
  it('lists only the prices the scenario’s costs use', () => {
    // Polling reader → Advantage retrieval; EFO consumer → Advantage EFO retrieval; Firehose with
    // Parquet conversion and dynamic partitioning → ingestion, conversion, both partitioning
    // prices. Advantage ingest (derived) is always used; extended retention is not (24 h).
    const plan = planOf(`
name: fh-used
stream: { shards: 2 }
producers:
  - { name: p, rate: 100/s, recordSize: 1KiB }
consumers:
  - { name: a, type: polling }
  - { name: e, type: enhanced-fan-out }
firehose:
  - { name: f, source: stream, dynamicPartitions: 4, formatConversion: parquet, buffer: { size: 128MiB, interval: 300s } }
`);
    expect([...plan.cost.unconfirmedPrices].sort()).toEqual([
      'firehose.dynamicPartitioningGb',
      'firehose.dynamicPartitioningObjectsPerThousand',
      'firehose.formatConversionGb',
      'firehose.ingestGb',
      'kinesis.onDemandAdvantage.efoRetrievalGb',
      'kinesis.onDemandAdvantage.ingestGb',
      'kinesis.onDemandAdvantage.retrievalGb',
    ]);
  });
});

describe('the saving of an over-provisioned stream', () => {
  it('counts everything priced per shard, not shard-hours alone', () => {
    // 1,000 records/s of 1 KiB with unique keys: ⌈1,000 × 1.2 ÷ 1,000⌉ = 2 shards (bytes: 1,000 ×
    // 1,060 × 1.2 ÷ 1,048,576 = 1.21 → 2). 20 configured: 18 too many, each costing per hour
    // $0.015 (shard) + $0.020 (retention 48 h > 24 h) + $0.015 (one EFO consumer) = $0.05:
    // 18 × 0.05 × 730 = $657/month (shard-hours alone would say 18 × 0.015 × 730 = $197).
    const plan = planOf(`
name: oversized
stream: { shards: 20, retention: 48h }
producers:
  - { name: p, rate: 1000/s, recordSize: 1KiB, keys: { dist: unique } }
consumers:
  - { name: e, type: enhanced-fan-out }
`);
    expect(plan.shards.recommended).toBe(2);
    expect(recommendationsOf(plan)).toContain(
      '20 configured shards are more than needed: 2 would do and save $657/month.',
    );
  });
});
