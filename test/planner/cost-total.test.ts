/**
 * `cost.monthly.total`: what the scenario costs a month under the option it runs as: the stream's
 * line items (enhanced fan-out consumers included) plus every Firehose stream. Prices (us-east-1):
 * $0.015 per shard-hour, $0.014 per million PUT payload units, Firehose $0.029/GB ingested (each
 * record rounded up to 5 KB = 5,120 B), dynamic partitioning $0.02/GB and $0.005 per 1,000 objects,
 * S3 PUTs $0.005 per 1,000; 730-hour month (2,628,000 s), GB = 2^30 B.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/load.js';
import { monthlyTotalText } from '../../src/planner/cost.js';
import { planScenario } from '../../src/planner/index.js';
import { GB, MONTH_SECONDS, metric, planOf } from './helpers.js';

describe('cost.monthly.total of log-shipping-firehose (provisioned, one Direct PUT and one stream-sourced Firehose)', () => {
  const plan = planScenario(loadScenarioFile('scenarios/log-shipping-firehose.yaml').scenario);

  // The stream: audit's 600 KiB/s of 1.5 KiB records = 400 records/s; 1 shard recommended.
  //   shard-hours: 1 × 730 × $0.015                                   = $10.95
  //   PUT payload units: 1,536 B + key ≤ 25,600 B → 1 a record;
  //     400 × 2,628,000 = 1,051,200,000 units × $0.014 ÷ 10^6         = $14.7168
  const stream = 10.95 + 14.7168;
  // app-logs (Direct PUT, 12 dynamic partitions, 300 s interval), at the diurnal average
  // (1,500 + 6,000) ÷ 2 = 3,750 records/s; every size ≤ 5 KB, so one 5,120 B unit each:
  //   ingestion: 3,750 × 5,120 × 2,628,000 ÷ 2^30 = 46,992.30 GB × $0.029       = $1,362.78
  //   dynamic partitioning: mean record 0.40 × 300 + 0.45 × 600 + 0.12 × 1,536 + 0.03 × 4,096
  //     = 697.2 B; 3,750 × 697.2 × 2,628,000 ÷ 2^30 = 6,399.03 GB × $0.02        = $127.98
  //   objects: 12 partitions × 12 flushes an hour × 730 = 105,120; × $0.005 ÷ 1,000 = $0.5256,
  //     once for dynamic partitioning and once for S3 PUTs
  const appLogs =
    ((3750 * 5120 * MONTH_SECONDS) / GB) * 0.029 +
    ((3750 * 697.2 * MONTH_SECONDS) / GB) * 0.02 +
    2 * ((105_120 * 0.005) / 1000);
  // audit-archive (from the stream, 128 MiB buffers, gzip 0.2), at the recommended 1 shard:
  //   ingestion: 400 × 5,120 × 2,628,000 ÷ 2^30 = 5,012.51 GB × $0.029          = $145.36
  //   objects: 128 MiB ÷ (400 × 1,536 B/s) = 218.45 s a flush → 16.48 an hour × 730 = 12,030.03;
  //     × $0.005 ÷ 1,000                                                        = $0.0602
  const auditArchive =
    ((400 * 5120 * MONTH_SECONDS) / GB) * 0.029 +
    (((3600 * 400 * 1536) / (128 * 2 ** 20)) * 730 * 0.005) / 1000;

  it('adds the Firehose streams to the provisioned stream: $25.67 + $1,491.81 + $145.42 = $1,662.90', () => {
    expect(plan.cost.chosen).toBe('provisioned');
    expect(metric(plan, 'cost.monthly.provisioned')).toBeCloseTo(stream, 9);
    expect(metric(plan, 'firehose.app-logs.monthlyCost')).toBeCloseTo(appLogs, 6);
    expect(metric(plan, 'firehose.audit-archive.monthlyCost')).toBeCloseTo(auditArchive, 6);
    expect(metric(plan, 'cost.monthly.total')).toBeCloseTo(stream + appLogs + auditArchive, 6);
    expect(metric(plan, 'cost.monthly.total')).toBeCloseTo(1662.898, 2);
    expect(plan.cost.monthlyTotal).toBe(metric(plan, 'cost.monthly.total'));
  });

  it('gives the same total under each option: that option’s stream + the same Firehose', () => {
    for (const option of ['provisioned', 'onDemand', 'onDemandAdvantage'] as const) {
      expect(metric(plan, `cost.monthly.total.${option}`)).toBeCloseTo(
        metric(plan, `cost.monthly.${option}`) + appLogs + auditArchive,
        6,
      );
    }
  });
});

describe('the chosen option', () => {
  /** 1,000 records/s of 988 B + a 36-byte key = 1,024 B each, with one enhanced fan-out reader. */
  const yaml = (stream: string) => `
name: t
stream: { ${stream} }
producers:
  - { name: p, rate: 1000/s, recordSize: 988B, keys: { dist: unique, length: 36 } }
consumers:
  - { name: e, type: enhanced-fan-out }
`;

  it('provisioned: shard-hours, PUT payload units and the EFO consumer, priced at the recommended count', () => {
    // Configured 6, recommended 2: peak 1,000 records/s × 1,024 B = 1,024,000 B/s; × 1.2 headroom
    // = 1,228,800 B/s ÷ 1,048,576 B/s a shard = 1.17 → 2 shards (records: 1,200 ÷ 1,000 = 1.2 → 2).
    const plan = planOf(yaml('shards: 6'));
    expect(plan.shards.configured).toBe(6);
    expect(plan.shards.recommended).toBe(2);
    // At the recommended 2: 2 shards × 730 × $0.015 = $21.90; 1,000 × 2,628,000 = 2,628 M units ×
    // $0.014 = $36.792; EFO: 1 × 2 × 730 × $0.015 = $21.90 and 1,024,000 × 2,628,000 ÷ 2^30 =
    // 2,506.26 GB × $0.013 = $32.58. Total $21.90 + $36.792 + $21.90 + $32.58 = $113.17.
    const efoGb = (1_024_000 * MONTH_SECONDS) / GB;
    const atRecommended = 21.9 + 36.792 + 21.9 + efoGb * 0.013;
    // At the configured 6 it would be 6 × 730 × $0.015 = $65.70 twice (shards and EFO consumer-
    // shard-hours): $65.70 + $36.792 + $65.70 + $32.58 = $200.77.
    const atConfigured = 65.7 + 36.792 + 65.7 + efoGb * 0.013;
    expect(metric(plan, 'cost.monthly.total')).toBeCloseTo(atRecommended, 9);
    expect(metric(plan, 'cost.monthly.total')).not.toBeCloseTo(atConfigured, 0);
    expect(metric(plan, 'consumers.e.monthlyCost')).toBeCloseTo(21.9 + efoGb * 0.013, 9);
    // And the words say which count it is priced at: $113.17 ≥ $100 → "$113"; stream $21.90 +
    // $36.792 + $21.90 + $32.58 = $113.17 → "$113" too (no Firehose).
    expect(monthlyTotalText(plan.cost, plan.shards.recommended)).toBe(
      'total as the scenario runs (provisioned, priced at the recommended 2 shards): $113 a month (stream $113 with enhanced fan-out)',
    );
  });

  it('on-demand: the Standard option, or Advantage when the account bills it', () => {
    const standard = planOf(yaml('mode: on-demand'));
    expect(standard.cost.chosen).toBe('onDemand');
    expect(metric(standard, 'cost.monthly.total')).toBe(metric(standard, 'cost.monthly.onDemand'));
    const advantage = planOf(yaml('mode: on-demand, onDemand: { advantage: true }'));
    expect(advantage.cost.chosen).toBe('onDemandAdvantage');
    expect(metric(advantage, 'cost.monthly.total')).toBe(metric(advantage, 'cost.monthly.onDemandAdvantage'));
  });
});

describe('cost.monthly.configured: the total at the count the scenario configures', () => {
  // 8,000 records/s of 100 B records (unique keys): write records bind, 8,000 ÷ 1,000 × 1.25
  // headroom = 10 shards recommended. PUT payload units do not depend on the count.
  const text = `name: counts
duration: 10m
stream: { shards: 6 }
producers:
  - name: web
    rate: 8000/s
    recordSize: 100B
    keys: { dist: unique }
`;
  const at = (shards: number, mode = 'provisioned') =>
    planScenario(
      loadScenarioFile('counts.yaml', { readFile: () => text }, undefined, {
        overrides: [`stream.shards=${shards}`, `stream.mode=${mode}`],
      }).scenario,
    ).metrics;

  it('prices a provisioned stream at its own count; the total stays at the recommended one', () => {
    const six = at(6);
    const ten = at(10);
    expect(six['shards.recommended']).toBe(10);
    // The total prices 10 shards whatever the configured count.
    expect(six['cost.monthly.total']).toBeCloseTo(ten['cost.monthly.total']!, 9);
    // At 10 configured the two agree; at 6, 4 shards fewer: 4 × 730 h × $0.015 = $43.80 less.
    expect(ten['cost.monthly.configured']).toBeCloseTo(ten['cost.monthly.total']!, 9);
    expect(ten['cost.monthly.configured']! - six['cost.monthly.configured']!).toBeCloseTo(43.8, 6);
  });

  it('is the total on demand, where no count is configured to price', () => {
    const onDemand = planScenario(
      loadScenarioFile('counts.yaml', {
        readFile: () => text.replace('stream: { shards: 6 }', 'stream: { mode: on-demand }'),
      }).scenario,
    ).metrics;
    expect(onDemand['cost.monthly.configured']).toBe(onDemand['cost.monthly.total']);
  });
});
