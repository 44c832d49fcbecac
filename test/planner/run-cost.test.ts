/**
 * A run's estimated cost (src/planner/run-cost.ts), worked by hand from the us-east-1 prices
 * (docs/aws-facts.md, KDS 8, Firehose 11): $0.015 per shard-hour, billed per started hour here;
 * $0.014 per million 25 KB PUT payload units; EFO $0.015 per consumer-shard-hour + $0.013/GB;
 * on-demand $0.04 per stream-hour + $0.08/GB written (1 KB rounding) + $0.04/GB polled;
 * Firehose $0.029/GB ingested in 5 KB (5,120 B) steps. GB = 2^30 bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePrices } from '../../src/aws/pricing.js';
import { planScenario } from '../../src/planner/index.js';
import { billedShardHours, estimateRunCost, runCostLineText } from '../../src/planner/run-cost.js';
import { GB, scenarioOf } from './helpers.js';

/** 1,000 records/s of 988 B + a 36-byte key = 1,024 B each. */
const yaml = (extra = '', stream = 'shards: 2', rate = '1000/s') => `
name: cost
stream: { ${stream} }
producers:
  - { name: p, rate: ${rate}, recordSize: 988B, keys: { dist: unique, length: 36 } }
${extra}
`;

function estimate(text: string, durationSeconds: number, drainSeconds = 30) {
  const scenario = scenarioOf(text);
  const plan = planScenario(scenario);
  return estimateRunCost({
    scenario,
    durationSeconds,
    drainSeconds,
    prices: resolvePrices(scenario.pricing),
    traffic: plan.traffic,
  });
}
const usd = (e: ReturnType<typeof estimate>, item: string) => e.lines.find((l) => l.item === item)?.usd;
const quantity = (e: ReturnType<typeof estimate>, item: string) =>
  e.lines.find((l) => l.item === item)?.quantity;

describe('a provisioned run', () => {
  it('bills every shard a whole hour and each record one PUT payload unit', () => {
    // 20 s + 30 s of drain = 50 s: one started hour. 2 shards × 1 h = 2 shard-hours × $0.015 = $0.03.
    // 1,000/s × 20 s = 20,000 records of 1,024 B ≤ 25,600 B: 20,000 units = 0.02 M × $0.014 = $0.00028.
    const e = estimate(yaml(), 20);
    expect(e.billedHours).toBe(1);
    expect(quantity(e, 'kinesis.shardHour')).toBe(2);
    expect(usd(e, 'kinesis.shardHour')).toBeCloseTo(0.03, 12);
    expect(quantity(e, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(20_000, 6);
    expect(usd(e, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(0.00028, 12);
    expect(e.totalUsd).toBeCloseTo(0.03028, 12);
    expect(runCostLineText(e.lines[0]!)).toBe('kinesis.shardHour: 2 shard-hours × $0.015 = $0.03');
  });

  it('bills a second hour once the run and its drain pass 3,600 s', () => {
    // 3,580 + 30 = 3,610 s: 2 started hours, 2 shards × 2 = 4 shard-hours = $0.06.
    expect(quantity(estimate(yaml(), 3580), 'kinesis.shardHour')).toBe(4);
    // 3,570 + 30 = 3,600 s exactly: 1 hour.
    expect(quantity(estimate(yaml(), 3570), 'kinesis.shardHour')).toBe(2);
  });

  it("bills both the parents and the children in a reshard's hour", () => {
    // 2 shards, → 4 at 10 s: hour 0 has the 2 parents and the 4 children: 6 shard-hours = $0.09.
    const e = estimate(yaml('events: [{ at: 10s, reshard: { shards: 4 } }]'), 20);
    expect(quantity(e, 'kinesis.shardHour')).toBe(6);
    expect(usd(e, 'kinesis.shardHour')).toBeCloseTo(0.09, 12);
    // Over two hours with the reshard in the second: 2 + (2 + 4) = 8.
    expect(billedShardHours(2, [{ at: 4000, shards: 4 }], 2)).toBe(8);
    // Two reshards in hour 0 (2 → 4 → 8), hour 1 at 8: (2 + 4 + 8) + 8 = 22.
    expect(
      billedShardHours(
        2,
        [
          { at: 100, shards: 4 },
          { at: 200, shards: 8 },
        ],
        2,
      ),
    ).toBe(22);
  });

  it('bills enhanced fan-out per consumer-shard-hour and per GB read', () => {
    // 2 EFO consumers × 2 shard-hours = 4 consumer-shard-hours × $0.015 = $0.06.
    // Each reads 20,000 × 1,024 B = 20,480,000 B; 2 × 20,480,000 / 2^30 GB × $0.013.
    const e = estimate(
      yaml(`consumers:
  - { name: a, type: enhanced-fan-out }
  - { name: b, type: enhanced-fan-out }`),
      20,
    );
    expect(quantity(e, 'kinesis.efoConsumerShardHour')).toBe(4);
    expect(usd(e, 'kinesis.efoConsumerShardHour')).toBeCloseTo(0.06, 12);
    expect(usd(e, 'kinesis.efoRetrievalGb')).toBeCloseTo(((2 * 20_480_000) / GB) * 0.013, 12);
  });

  it('counts the records of a ramp as its integral', () => {
    // A ramp from 0 to 1,000/s over 100 s: ½ × 100 s × 1,000/s = 50,000 records, 1 unit each.
    const e = estimate(yaml('', 'shards: 2', '{ profile: ramp, from: 0/s, to: 1000/s, over: 100s }'), 100);
    expect(quantity(e, 'kinesis.putPayloadUnitsPerMillion')).toBeCloseTo(50_000, 6);
  });
});

describe('a run on an existing stream', () => {
  it("leaves out the stream's shard-hours, billed whether or not the run happens", () => {
    const scenario = scenarioOf(yaml());
    const e = estimateRunCost({
      scenario,
      durationSeconds: 20,
      drainSeconds: 30,
      prices: resolvePrices(scenario.pricing),
      traffic: planScenario(scenario).traffic,
      existingStream: true,
    });
    // Only the 20,000 PUT payload units: 0.02 M × $0.014 = $0.00028.
    expect(e.lines.map((l) => l.item)).toEqual(['kinesis.putPayloadUnitsPerMillion']);
    expect(e.totalUsd).toBeCloseTo(0.00028, 12);
    expect(e.notes[0]).toMatch(/^the existing stream's shard-hours/);
  });
});

describe('an on-demand run', () => {
  it('bills a stream-hour, GB written with 1 KB rounding and GB polled', () => {
    // 1 stream-hour × $0.04. Written: 20,000 records of 1,024 B, each exactly 1 KB: 20,480,000 B.
    // One polling application reads the same bytes once.
    const e = estimate(yaml('consumers: [{ name: c, type: polling }]', 'mode: on-demand'), 20);
    expect(usd(e, 'kinesis.onDemand.streamHour')).toBeCloseTo(0.04, 12);
    expect(usd(e, 'kinesis.onDemand.ingestGb')).toBeCloseTo((20_480_000 / GB) * 0.08, 12);
    expect(usd(e, 'kinesis.onDemand.retrievalGb')).toBeCloseTo((20_480_000 / GB) * 0.04, 12);
    expect(e.lines.some((l) => l.item === 'kinesis.shardHour')).toBe(false);
  });
});

describe('Firehose', () => {
  it('bills each direct-put record in 5 KB steps, without a partition key', () => {
    // 1,000/s × 20 s = 20,000 records of 988 B → one 5,120 B step each: 102,400,000 B ingested.
    // The producer writes to Firehose only: no stream, so no shard-hour.
    const e = estimate(
      `
name: direct
producers:
  - { name: p, rate: 1000/s, recordSize: 988B, destination: logs }
firehose:
  - { name: logs, source: direct-put }
`,
      20,
    );
    expect(usd(e, 'firehose.ingestGb')).toBeCloseTo((102_400_000 / GB) * 0.029, 12);
    expect(e.lines.map((l) => l.item)).toEqual(['firehose.ingestGb']);
  });
});

describe('properties', () => {
  it('the estimate grows with the duration and never falls below the shard-hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 5_000 }), (a, extra) => {
        const shorter = estimate(yaml(), a, 0);
        const longer = estimate(yaml(), a + extra, 0);
        expect(longer.totalUsd).toBeGreaterThanOrEqual(shorter.totalUsd - 1e-12);
        // 2 shards × ⌈a / 3,600⌉ hours at $0.015.
        expect(shorter.totalUsd).toBeGreaterThanOrEqual(2 * Math.ceil(a / 3600) * 0.015 - 1e-12);
      }),
      { numRuns: 30 },
    );
  });
});
