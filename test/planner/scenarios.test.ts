/**
 * Every bundled scenario loads as the CLI loads it and plans without throwing, with a few sanity
 * expectations each, worked out from the scenario's own numbers.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/load.js';
import { type Plan, planScenario } from '../../src/planner/index.js';

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const MiB = 1024 * 1024;

const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function planBundled(name: string): Plan {
  return planScenario(loadScenarioFile(`${DIR}${name}.yaml`).scenario);
}

describe('bundled scenarios', () => {
  it.each(FILES)('%s loads and plans without throwing', (file) => {
    const { scenario } = loadScenarioFile(`${DIR}${file}`);
    const plan = planScenario(scenario);
    expect(plan.scenario.name).toBe(file.replace(/\.yaml$/, ''));
    for (const [name, value] of Object.entries(plan.metrics)) expect(Number.isFinite(value), name).toBe(true);
    expect(plan.shards.recommended).toBeGreaterThanOrEqual(plan.shards.required);
  });

  it('are the eight this file checks one by one', () => {
    expect(FILES).toEqual([
      'fanout-analytics.yaml',
      'iot-fleet-hot-device.yaml',
      'kpl-aggregation.yaml',
      'launch-day.yaml',
      'log-shipping-firehose.yaml',
      'on-demand-vs-provisioned.yaml',
      'reshard-plan.yaml',
      'trace-replay.yaml',
    ]);
  });

  it('fanout-analytics: polling reads bind and GetRecords runs over 5 calls/s', () => {
    const plan = planBundled('fanout-analytics');
    // 1/1 s + 1/1 s + 1/0.25 s = 6 calls/s per shard.
    expect(plan.shards.getRecordsCallsPerShardPerSecond).toBe(6);
    expect(plan.shards.getRecordsOverLimit).toBe(true);
    // ~1,391 B per event (lognormal mean ≈ 1,024 × e^0.297 ≈ 1,378 B + ~14-byte key) × 9,000/s ≈ 12.5 MB/s:
    // writes 12.5 × 1.2 ÷ 1.05 → 15 shards; 3 polling readers → 3 × 12.5 × 1.2 ÷ 2.1 ≈ 21.5 → 22.
    expect(plan.shards.byWriteBytes).toBe(15);
    expect(plan.shards.byRead).toBe(22);
    expect(plan.shards.binding).toBe('read');
    // 2 MiB/s shared by 3 polling applications; EFO 2 MiB/s each at 70 ms.
    expect(plan.metrics['consumers.dashboards.readBytesPerSecond']).toBeCloseTo((2 * MiB) / 3, 6);
    expect(plan.metrics['consumers.personalization.propagationDelaySeconds']).toBe(0.07);
    // batch-export: 2 × 3,000 = 6,000/s processed of 9,000 at peak: lag grows by 3,000/s.
    expect(plan.metrics['consumers.batch-export.lagGrowthRecordsPerSecond']).toBe(3000);
  });

  it('iot-fleet-hot-device: flags device-0 over the shard limit', () => {
    const plan = planBundled('iot-fleet-hot-device');
    const device0 = plan.hotKeys.keys.find((k) => k.key === 'device-0')!;
    // 0.25 × 6,000 = 1,500 records/s on one key > 1,000; salt into ceil(2 × 1.5 × 1.2) = 4.
    expect(device0.recordsPerSecond).toBeCloseTo(1500, 6);
    expect(device0.overShardLimit).toBe(true);
    expect(device0.saltingFactor).toBe(4);
    expect(plan.hotKeys.keysOverShardLimit).toBe(1);
    // 6,000 × 1.2 ÷ 1,000 = 7.2 → 8 shards (records bind).
    expect(plan.shards.byWriteRecords).toBe(8);
    // Salted as advised, device-0#0 … #3 carry 375/s each, and their shards the rest's 4,500/s ÷ n
    // on top: (375 + 4,500 ÷ n) × 1.2 ≤ 1,000 needs n ≥ 9.8, so 10; two pieces may share a shard
    // and the other keys do not spread perfectly, which adds a few.
    const n = plan.shards.recommended;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThanOrEqual(16);
    expect(plan.hotKeys.fits).toBe(true);
    expect(plan.hotKeys.atRecommended.utilizationWithoutOversizedKeys * 1.2).toBeLessThanOrEqual(1);
    // device-0's shard: 1,500 plus its share of the rest: above 1.5.
    expect(plan.hotKeys.atConfigured!.utilization).toBeGreaterThan(1.5);
    // Firehose: 1,800,000 B/s over the shards; 128 MiB would take far more than 300 s, so the 300 s
    // interval flushes: shards × 12 objects/h of 1,800,000 ÷ shards × 300 × 0.2 bytes. The run
    // uses the 8 configured shards; the recommended n are planned beside them.
    expect(plan.metrics['firehose.telemetry-lake.objectsPerHour']).toBe(8 * 12);
    expect(plan.metrics['firehose.telemetry-lake.objectBytes']).toBeCloseTo((1_800_000 / 8) * 60, 3);
    expect(plan.metrics['firehose.telemetry-lake.atRecommended.objectsPerHour']).toBe(n * 12);
    expect(plan.metrics['firehose.telemetry-lake.atRecommended.objectBytes']).toBeCloseTo(
      (1_800_000 / n) * 60,
      3,
    );
  });

  it('kpl-aggregation: needs far fewer shards with aggregation than without', () => {
    const plan = planBundled('kpl-aggregation');
    // Without: 60,000 × 1.2 ÷ 1,000 = 72 shards. With: bytes only, ~10 MiB/s × 1.2 → ~12–13.
    expect(plan.shards.aggregation.requiredWithout).toBe(72);
    expect(plan.shards.aggregation.requiredWith).toBeLessThanOrEqual(16);
    expect(plan.shards.aggregation.requiredWith * 4).toBeLessThan(plan.shards.aggregation.requiredWithout);
    expect(plan.shards.binding).toBe('writeBytes');
    // 60,000/s × 0.25 s ÷ (10 instances × 12 shards) = 125 user records per aggregate: 480 records/s.
    expect(plan.traffic.writeRecordsPerSecond).toBeCloseTo(480, 6);
  });

  it('launch-day: the 8 → 16 reshard starts after the ramp needs it', () => {
    const plan = planBundled('launch-day');
    const step = plan.reshard.steps[0]!;
    // 8 splits × 30 s = 240 s, ordered at 15 min.
    expect(step).toMatchObject({ at: 900, from: 8, to: 16, updateShardCountCalls: 1, durationSeconds: 240 });
    // ~1,720 B per record (lognormal mean ≈ 1,229 × e^0.33 ≈ 1,714 B + a short key): 8 MiB/s is
    // reached at ~4,900 records/s, ~430 s into the 2,000 → 6,000 ramp.
    expect(step.completesAfterNeed).toBe(true);
    expect(step.neededFrom).toBeGreaterThan(400);
    expect(step.neededFrom).toBeLessThan(460);
    // key-0 of the zipf keys alone is above the limit.
    expect(plan.hotKeys.keysOverShardLimit).toBeGreaterThanOrEqual(1);
    expect(plan.firehose[0]!.buffers).toBe(12);
  });

  it('log-shipping-firehose: computes the Direct PUT quota utilisation at the app’s own peak', () => {
    const plan = planBundled('log-shipping-firehose');
    const app = plan.firehose.find((f) => f.name === 'app-logs')!;
    // 6,000 records/s × 697.2 B = 4,183,200 B/s ÷ 5,242,880 = 0.798 (records 0.012, requests 40 ÷ 2,000).
    expect(app.directPutQuotaUtilization).toBeCloseTo((6000 * 697.2) / (5 * MiB), 9);
    expect(plan.metrics['firehose.app-logs.directPutQuotaUtilization']).toBeCloseTo(0.7979, 4);
    // At that peak each of 12 partitions gets 348,600 B/s: 64 MiB in 192.5 s < 300 s, size flushes,
    // 12 × 3,600 ÷ 192.5 ≈ 224 objects/h.
    expect(app.flushTrigger).toBe('size');
    expect(app.flushIntervalSeconds).toBeCloseTo((64 * MiB) / 348_600, 6);
    expect(app.objectsPerHour).toBeCloseTo((12 * 3600 * 348_600) / (64 * MiB), 6);
    // Every line bills one 5 KB unit: 3,750/s on average × 5,120 B × 2,628,000 s ÷ 2^30 ≈ 46,992 GB.
    expect(app.monthly.billedGb).toBeCloseTo((3750 * 5120 * 2_628_000) / 1024 ** 3, 0);
    const audit = plan.firehose.find((f) => f.name === 'audit-archive')!;
    expect(audit.source).toBe('stream');
    expect(audit.directPutQuotaUtilization).toBeNull();
  });

  it('on-demand-vs-provisioned: the flash sale throttles for 15 minutes', () => {
    const plan = planBundled('on-demand-vs-provisioned');
    const od = plan.onDemand!;
    expect(od.capacityRecordsPerSecond).toBe(10_000);
    expect(od.throttledSeconds).toBeGreaterThan(0);
    expect(od.throttledSeconds).toBe(900);
    // The provisioned alternative: 14,000 × 1.2 ÷ 1,000 = 16.8 → 17 shards.
    expect(plan.shards.recommended).toBe(17);
    // Advantage's 25 MiB/s minimums make it the most expensive here.
    const [prov, std, adv] = plan.cost.options;
    expect(adv!.monthly).toBeGreaterThan(std!.monthly);
    expect(std!.monthly).toBeGreaterThan(prov!.monthly);
  });

  it('trace-replay: finds the trace’s peak at ~35 min', () => {
    const plan = planBundled('trace-replay');
    expect(plan.traffic.userRecordsPerSecond).toBeGreaterThan(3400);
    expect(plan.traffic.userRecordsPerSecond).toBeLessThan(3600);
    expect(plan.traffic.peakAt).toBeGreaterThan(30 * 60);
    expect(plan.traffic.peakAt).toBeLessThan(40 * 60);
    // 3,508 × 1.2 ÷ 1,000 = 4.2 → 5 shards for the average load.
    expect(plan.shards.required).toBe(5);
    expect(plan.shards.recommended).toBeLessThanOrEqual(6);
  });

  it('reshard-plan: 64 → 128 → 256 → 600 takes 1, 1 and 2 UpdateShardCount calls', () => {
    const plan = planBundled('reshard-plan');
    const [a, b, c] = plan.reshard.steps;
    // 64 splits × 30 s = 1,920 s; 128 × 30 = 3,840 s.
    expect(a).toMatchObject({ at: 120, from: 64, to: 128, updateShardCountCalls: 1, durationSeconds: 1920 });
    expect(b).toMatchObject({
      at: 2160,
      from: 128,
      to: 256,
      updateShardCountCalls: 1,
      durationSeconds: 3840,
    });
    // 256 → 300 → 600: (gcd 4) 296 splits and 252 merges, then 300 splits: 848 × 30 = 25,440 s
    // (doubling first, 256 → 512 → 600, took 1,352 × 30 = 40,560 s).
    expect(c).toMatchObject({ from: 256, to: 600, calls: [300, 600], updateShardCountCalls: 2 });
    expect(c!.durationSeconds).toBe(25_440);
    // 64 → 128 ends at 2,040 s, before the step to 90,000/s at 2,400 s; 128 → 256 ends at 6,000 s,
    // before the step to 180,000/s at 6,300 s.
    expect(plan.reshard.steps.map((s) => s.completesAfterNeed)).toEqual([false, false, false]);
    // 180,000 × 1.2 ÷ 1,000 = 216 shards at the last step.
    expect(plan.shards.byWriteRecords).toBe(216);
  });
});
