/**
 * Agreement on consumer lag: the planner's lag growth (`consumers.<name>.lagGrowthRecordsPerSecond`,
 * at the configured count the run uses) against the engine's backlog over a run, one case per cap
 * that holds a reader back. The engine's backlog grows by what the stream acknowledges less what
 * the application processes; over the seconds [T₀, T) its growth rate is
 *   Σ acknowledged[i] − Σ delivered[name][i]  ÷  (T − T₀).
 * Arrivals are Poisson: over 270 s the stream's count varies by ~√(rate × 270), under 1% of each
 * case's growth, so 3% bounds the noise.
 */
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/engine/simulate.js';
import { planScenario } from '../../src/planner/index.js';
import { scenarioOf } from '../planner/helpers.js';

const FROM_SECONDS = 30;
const DURATION_SECONDS = 300;

const scenario = (shards: number, rate: string, consumers: string, keys = '{ dist: unique, length: 36 }') => `
name: lag-agreement
duration: ${DURATION_SECONDS}s
seed: 11
stream: { shards: ${shards} }
producers:
  - { name: p, rate: ${rate}, recordSize: 1KiB, keys: ${keys} }
consumers:
${consumers}
`;

function engineLagGrowth(yaml: string, name: string): { planned: number; run: number } {
  const s = scenarioOf(yaml);
  const planned = planScenario(s).fanOut.consumers.find((c) => c.name === name)!.lagGrowthRecordsPerSecond;
  const { series } = simulateScenario(s);
  let grown = 0;
  for (let i = FROM_SECONDS; i < DURATION_SECONDS; i++) {
    grown += series.acknowledged[i]! - series.delivered[name]![i]!;
  }
  return { planned, run: grown / (DURATION_SECONDS - FROM_SECONDS) };
}

describe('the engine’s lag grows at the planned rate', () => {
  it('when three polling readers share 2 MiB/s (read bytes)', () => {
    // Planned 4 × (750 − 699,050.67 ÷ 1,060) = 362.07 records/s (test/planner/lag.test.ts).
    const { planned, run } = engineLagGrowth(
      scenario(4, '3000/s', ['a', 'b', 'c'].map((n) => `  - { name: ${n}, type: polling }`).join('\n')),
      'a',
    );
    expect(planned).toBeCloseTo(362.07, 1);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when each call returns at most 100 records (records a call)', () => {
    // Planned 4 × (250 − 100) = 600 records/s.
    const { planned, run } = engineLagGrowth(
      scenario(4, '1000/s', '  - { name: r, type: polling, maxRecordsPerCall: 100 }'),
      'r',
    );
    expect(planned).toBeCloseTo(600, 9);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when a slow poller gets at most 10 MiB a call (read bytes, per call)', () => {
    // One reader calling every 100 s reads at most 10 MiB ÷ 100 s = 104,857.6 B/s from a shard (its
    // share of 2 MiB/s is all of it). 100 records/s of 4 KiB + 36 B keys on 2 shards: 50 a shard,
    // 206,600 B/s; it reads 50 × 104,857.6 ÷ 206,600 = 25.377 a shard (its 0.01 calls × 10,000
    // records = 100 a shard do not bind): 2 × (50 − 25.377) = 49.246 records/s.
    const { planned, run } = engineLagGrowth(
      `
name: lag-agreement-call-bytes
duration: ${DURATION_SECONDS}s
seed: 5
stream: { shards: 2 }
producers:
  - { name: p, rate: 100/s, recordSize: 4KiB, keys: { dist: unique, length: 36 } }
consumers:
  - { name: slow, type: polling, pollInterval: 100s }
`,
      'slow',
    );
    expect(planned).toBeCloseTo(2 * (50 - (50 * 104_857.6) / 206_600), 6);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when only the hottest shard falls behind', () => {
    // 700 − 500 on shard 0, nothing on shard 1: 200 records/s.
    const keys = `{ dist: weighted, keys: [{ key: a, weight: 0.7, explicitHashKey: "0" }, { key: b, weight: 0.3, explicitHashKey: "170141183460469231731687303715884105728" }] }`;
    const { planned, run } = engineLagGrowth(
      scenario(2, '1000/s', '  - { name: r, type: polling, maxRecordsPerCall: 500 }', keys),
      'r',
    );
    expect(planned).toBeCloseTo(200, 9);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when each call returns 10 KPL aggregates of 250 user records (records a call, aggregated)', () => {
    // 5,000 user records/s a shard, 2,500 read: 2 × 2,500 = 5,000 records/s (test/planner/lag.test.ts).
    const { planned, run } = engineLagGrowth(
      `
name: lag-agreement-kpl
duration: ${DURATION_SECONDS}s
seed: 3
stream: { shards: 2 }
producers:
  - { name: p, instances: 2, rate: 10000/s, recordSize: 100B, aggregation: true, batching: { linger: 100ms }, keys: { dist: unique, length: 36 } }
consumers:
  - { name: r, type: polling, maxRecordsPerCall: 10 }
`,
      'r',
    );
    expect(planned).toBeCloseTo(5000, 6);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when two readers split the 5 GetRecords calls/s (call rate)', () => {
    // 2.5 calls/s each × 100 = 250 records/s a shard of 400: 4 × 150 = 600 records/s.
    const { planned, run } = engineLagGrowth(
      scenario(
        4,
        '1600/s',
        ['f1', 'f2']
          .map((n) => `  - { name: ${n}, type: polling, pollInterval: 100ms, maxRecordsPerCall: 100 }`)
          .join('\n'),
      ),
      'f1',
    );
    expect(planned).toBeCloseTo(600, 9);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });

  it('when the instances process too slowly (processing)', () => {
    // 3,000 − 2 × 500 = 2,000 records/s.
    const { planned, run } = engineLagGrowth(
      scenario(
        4,
        '3000/s',
        '  - { name: slow, type: enhanced-fan-out, instances: 2, processingRate: 500/s }',
      ),
      'slow',
    );
    expect(planned).toBe(2000);
    expect(Math.abs(run - planned) / planned).toBeLessThan(0.03);
  });
});
