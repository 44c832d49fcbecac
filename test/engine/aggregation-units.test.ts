/**
 * KPL aggregation: a shard's limits apply to Kinesis records (an aggregate counts once against
 * 1,000 records/s) and to bytes (1 MiB/s). Utilisation, the report's limit line and throttling must
 * all be in those units, so that "over 100%" and "throttled" tell the same story.
 */
import { describe, expect, it } from 'vitest';
import { throughputChart } from '../../src/report/charts/throughput.js';
import { MiB, mean, metric, runOf } from './fidelity-helpers.js';

// One shard, one KPL instance, 8,000 user records/s of 100 B with unique 8-byte keys, 250 ms
// linger. An aggregate (aggregation-format.md): magic 4 + MD5 16 = 20 B; per user record its key
// table entry (tag 1 + length 1 + key 8 = 10 B) and its Record message (tag 1 + key index + tag 1 +
// length 1 + data 100 = 103 B + the index's varint, 1 byte below index 128 and 2 from there) inside
// its field (tag 1 + length 1): 116 B for the first 128 records, 117 B after. AggregationMaxSize
// 51,200 leaves 51,180 B: 128 × 116 = 14,848, then ⌊36,332 ÷ 117⌋ = 310 more, u = 438 user
// records (51,118 B of protobuf); one linger collects 8,000 × 0.25 = 2,000, so aggregates are full.
// With its 1-byte partition key "a", a Kinesis record is 20 + 51,118 + 1 = 51,139 B.
//   records: 8,000 ÷ 438 = 18.26 Kinesis records/s, 1.8% of 1,000/s;
//   bytes:   18.26 × 51,139 = 934,045 B/s = 89.1% of 1 MiB/s: the hottest (only) shard's utilisation.
// A second's user records are Poisson(8,000): ±1.12%, so over 300 s no second comes near 100%, and
// nothing throttles. (Drawn as Poisson aggregates, 18.26 a second, a second's bytes varied by ±23%:
// seconds at 150% of the limit that the bucket absorbed, reported with nothing throttled.)
const u = 438;
const kinesisRecordBytes = 20 + 128 * 116 + 310 * 117 + 1;
const utilization = ((8000 / u) * kinesisRecordBytes) / MiB;

const r = runOf(`
name: kpl-units
duration: 300s
stream: { shards: 1 }
producers:
  - name: p
    instances: 1
    rate: 8000/s
    recordSize: 100B
    keys: { dist: unique, length: 8 }
    aggregation: { enabled: true }
    batching: { linger: 250ms }
`);

describe('KPL aggregation in the units the limits apply to', () => {
  it('utilisation: 89.1% of the byte limit, with the noise of 8,000 user records a second', () => {
    expect(kinesisRecordBytes).toBe(51_139);
    expect(utilization).toBeCloseTo(0.8908, 4);
    const hottest = r.shardSeries.hottest[0]!.utilization;
    expect(Math.abs(mean(hottest) - utilization)).toBeLessThan(0.003);
    // +4.5σ of 1.12% at most over 300 seconds.
    expect(metric(r, 'shards.maxUtilization')).toBeLessThan(utilization * (1 + 4.5 * 0.0112));
    expect(metric(r, 'records.throttled')).toBe(0);
  });

  it('Kinesis records accepted: 8,000 ÷ 438 = 18.26 a second', () => {
    const written = r.series.writeRecords!;
    expect(mean(written.slice(1)) / (8000 / u)).toBeCloseTo(1, 2);
    expect(r.counters.acknowledged / written.reduce((a, b) => a + b, 0)).toBeCloseTo(u, 3);
  });

  it("the report's limit line is in user records: min(1,000 × 438, 1 MiB ÷ 116.76 B) = 8,981/s", () => {
    // 1,048,576 ÷ (51,139 ÷ 438) = 8,980.9 user records/s: above the 8,000 acknowledged, as the
    // shard is at 89%; 1,000 records/s would put the line at an eighth of what is acknowledged.
    // The records drawn are the first layer's (the second is the throttled share, on its own axis).
    const spec = throughputChart(r) as unknown as {
      layer: { data: { values: { series: string; value: number }[] } }[];
    };
    const line = spec.layer[0]!.data.values.filter((row) => row.series === 'write limit').map(
      (row) => row.value,
    );
    const expected = MiB / (kinesisRecordBytes / u);
    expect(expected).toBeCloseTo(8980.9, 0);
    expect(Math.abs(mean(line.slice(1)) / expected - 1)).toBeLessThan(0.001);
  });
});
