/**
 * Queueing sanity: where the model reduces to a textbook queue, its output matches the formulas.
 *
 * - A shard is a loss system with a token bucket, not a queue: offered Poisson(λ) records a
 *   second against μ = 1,000 records/s, its utilisation (offered ÷ limit, per second) has mean
 *   ρ = λ/μ and, Poisson, variance λ/μ². Throttling needs the bucket (1,000 tokens, refilled at
 *   100 a tick) to run dry: a random walk with drift μ − λ per tick must climb 1,000 above its
 *   start. Lundberg's inequality bounds that by e^(−θ·1,000), θ solving λ_tick(e^θ − 1) = μ_tick·θ:
 *   at ρ = 0.8 (80 vs 100 a tick) θ ≈ 0.43, so the bound is e^(−430): never.
 * - A consumer application with a constant processing rate μ and no read limit in the way is a
 *   discrete-time fluid queue (Lindley: backlog' = max(0, backlog + arrivals − μ·step)): with
 *   λ < μ it holds no backlog (a second's Poisson arrivals exceed μ with probability e^(−20) at
 *   λ = 500, μ = 600 (4.5σ)), with λ > μ it grows at λ − μ and processes exactly μ each second
 *   (D/D/1 past saturation), and the age of its oldest record grows at 1 − μ/λ seconds a second.
 *
 * Tolerances are a few standard deviations of the Poisson noise each check averages over, given
 * at each check.
 */
import { describe, expect, it } from 'vitest';
import { between, MiB, mean, metric, runOf, SHARD_RECORDS, UNIQUE_KEY_BYTES } from './fidelity-helpers.js';

const oneShard = (rate: number, seconds: number, recordSize = '100B') =>
  runOf(`
name: poisson-${rate}
duration: ${seconds}s
stream: { shards: 1 }
producers:
  - { name: p, rate: ${rate}/s, recordSize: ${recordSize}, retry: { maxAttempts: 1 } }
`);

function variance(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (values.length - 1);
}

describe('a shard under Poisson arrivals below its limit', () => {
  it.each([200, 500, 800])(
    'λ = %i records/s: utilisation ≈ λ/μ on average, Poisson spread, no throttling',
    (lambda) => {
      // 100 B records: 136 B with the key, so records bind (λ × 136 B ≪ 1 MiB/s).
      const seconds = 300;
      const r = oneShard(lambda, seconds);
      const rho = lambda / SHARD_RECORDS;
      const utilization = r.shardSeries.hottest[0]!.utilization;
      expect(utilization).toHaveLength(seconds);
      // Mean: standard deviation √λ/μ/√300 ≤ 0.0017 (λ = 800); ±0.01 is ~6 of them.
      expect(Math.abs(mean(utilization) - rho)).toBeLessThan(0.01);
      // Variance λ/μ² (index of dispersion 1). A sample variance of 300 points has a relative
      // standard deviation of √(2/299) = 8.2%; ±35% is over 4 of them.
      expect(variance(utilization) / (lambda / SHARD_RECORDS ** 2)).toBeGreaterThan(0.65);
      expect(variance(utilization) / (lambda / SHARD_RECORDS ** 2)).toBeLessThan(1.35);
      // The peak second: ρ + a few √λ/μ (4σ at λ = 800 is 0.11).
      expect(metric(r, 'shards.maxUtilization')).toBeLessThan(rho + (5 * Math.sqrt(lambda)) / SHARD_RECORDS);
      // Lundberg: throttling at ρ ≤ 0.8 has probability below e^(−430).
      expect(r.counters.throttled).toBe(0);
      expect(r.counters.acknowledged).toBe(r.counters.produced);
    },
  );

  it('utilisation is the larger of the record and byte fractions', () => {
    // 500 records/s of 1,800 B: records 500/1,000 = 0.5; bytes 500 × 1,836 / 1,048,576 = 0.8755.
    // The mean over 120 s of Poisson arrivals is within 0.8755 × 1/√(500 × 120) ≈ 0.0036: ±0.015.
    const bytesBound = oneShard(500, 120, '1800B');
    const bytesRho = (500 * (1800 + UNIQUE_KEY_BYTES)) / MiB;
    expect(Math.abs(mean(bytesBound.shardSeries.hottest[0]!.utilization) - bytesRho)).toBeLessThan(0.015);
    // 800 records/s of 100 B: records 0.8; bytes 800 × 136 / 1,048,576 = 0.104. ±0.8/√96,000 ≈ 0.003.
    const recordsBound = oneShard(800, 120, '100B');
    expect(Math.abs(mean(recordsBound.shardSeries.hottest[0]!.utilization) - 0.8)).toBeLessThan(0.015);
  });

  it('above the limit it is a loss system: utilisation λ/μ, admitted μ, lost λ − μ', () => {
    // λ = 1,500: utilisation 1.5 (offered, first attempts), 1,000/s admitted, 500/s lost (no
    // retries). ±√1,500/√118 ≈ ±3.6 records/s on the means; ±20.
    const r = oneShard(1500, 120);
    expect(Math.abs(mean(r.shardSeries.hottest[0]!.utilization) - 1.5)).toBeLessThan(0.01);
    expect(mean(between(r.series.acknowledged, 2, 120))).toBeCloseTo(SHARD_RECORDS, 6);
    expect(Math.abs(mean(between(r.series.dropped, 2, 120)) - 500)).toBeLessThan(20);
  });
});

describe('a consumer application with a constant processing rate', () => {
  const consumerRun = (lambda: number, mu: number, seconds: number) =>
    runOf(`
name: consumer-${lambda}-${mu}
duration: ${seconds}s
stream: { shards: 1 }
producers:
  - { name: p, rate: ${lambda}/s, recordSize: 100B }
consumers:
  - { name: app, type: enhanced-fan-out, processingRate: ${mu}/s }
`);

  it('λ < μ (500 < 600): no backlog, no lag, everything processed as it arrives', () => {
    const r = consumerRun(500, 600, 120);
    expect(metric(r, 'consumers.app.lagSeconds.max')).toBe(0);
    expect(r.counters.delivered.app).toBeCloseTo(r.counters.acknowledged, 3);
    // Each second's deliveries are that second's arrivals.
    const delivered = r.series.delivered.app!;
    const offered = r.series.offered;
    delivered.forEach((d, i) => {
      expect(d).toBeCloseTo(offered[i]!, 3);
    });
  });

  it('λ > μ (500 > 400): backlog grows at λ − μ = 100/s, μ processed a second, age grows at 1 − μ/λ', () => {
    const seconds = 120;
    const r = consumerRun(500, 400, seconds);
    for (const d of r.series.delivered.app!) expect(d).toBeCloseTo(400, 6);
    // Backlog after T s = arrivals − 400 T: 100 T ± √(500 T) (±245 at 120 s).
    const backlog = r.counters.acknowledged - r.counters.delivered.app!;
    expect(Math.abs(backlog - 100 * seconds)).toBeLessThan(4 * Math.sqrt(500 * seconds));
    // Age = (1 − 400/500) T = 0.2 T: 24 s at 120 s; ±√(500 × 120)/500 = ±0.49 s; ±2 s.
    const lag = r.series.consumerLagSeconds.app!;
    expect(Math.abs(lag[seconds - 1]! - 0.2 * seconds)).toBeLessThan(2);
    // Linear growth: the slope over the second minute is 0.2 s/s (±2 × 0.49 s / 60 s ≈ ±0.02).
    const slope = (lag[119]! - lag[59]!) / 60;
    expect(Math.abs(slope - 0.2)).toBeLessThan(0.04);
  });
});
