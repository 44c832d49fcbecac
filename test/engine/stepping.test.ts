/**
 * The engine in steps (`createSimulation`): any chunking of the ticks gives the byte-identical
 * result of `simulateScenario`, and `onSample` hands over each second exactly as the result's
 * series hold it, once, in order.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, simulateScenario } from '../../src/engine/simulate.js';
import { serializeResult } from '../../src/result/io.js';
import type { SecondSample } from '../../src/result/live.js';
import type { RunResult } from '../../src/result/types.js';
import { scenarioOf } from './fidelity-helpers.js';

/**
 * Every path with state of its own in 3 minutes: a trace, a hot key throttling (retries, drops),
 * a reshard 3 → 6 at 60 s, polling and enhanced fan-out consumers, a stream-sourced Firehose with
 * dynamic partitions and a Direct PUT one (objects flushed at the end land in the last second).
 */
const EVERYTHING = scenarioOf(`
name: stepping
duration: 3m
seed: 11
stream: { mode: provisioned, shards: 3, shardOperationTime: 5s }
producers:
  - name: traced
    instances: 3
    rate: { profile: trace, points: [[0, 800], [60, 3600], [180, 2000]] }
    recordSize: { dist: lognormal, median: 700B, p99: 6KiB }
    keys: { dist: hot-set, count: 2000, hot: 1, share: 0.4 }
    retry: { maxAttempts: 3, baseDelay: 100ms, maxDelay: 2s }
  - name: logs
    instances: 2
    destination: direct
    rate: 2500/s
    recordSize: 2KiB
consumers:
  - { name: poller, type: polling, pollInterval: 500ms, processingRate: 1500/s }
  - { name: fan-out, type: enhanced-fan-out, processingRate: 800/s }
firehose:
  - { name: archive, source: stream, buffer: { size: 1MiB, interval: 60s }, dynamicPartitions: 4 }
  - { name: direct, source: direct-put, buffer: { size: 2MiB, interval: 30s } }
events:
  - { at: 60s, reshard: { shards: 6 } }
`);

/** On-demand from 4 shards' capacity: a spike throttles and the stream scales 15 minutes later. */
const ON_DEMAND = scenarioOf(`
name: stepping-on-demand
duration: 16m
seed: 3
stream: { mode: on-demand }
producers:
  - name: orders
    instances: 4
    rate: { profile: spike, base: 1500/s, peak: 6000/s, at: 30s, for: 20m }
    recordSize: 700B
    keys: { dist: uniform, count: 5000 }
consumers:
  - { name: reader, type: polling }
`);

function stepped(scenario: typeof EVERYTHING, chunk: number): RunResult {
  const simulation = createSimulation(scenario);
  let steps = 0;
  while (simulation.step(chunk)) steps++;
  // ⌈ticks ÷ chunk⌉ calls, the last returning false.
  expect(steps + 1).toBe(Math.ceil(simulation.totalTicks / chunk));
  expect(simulation.ticksDone).toBe(simulation.totalTicks);
  return simulation.finish();
}

describe('createSimulation', () => {
  it.each([
    ['every path, 1 tick a step', EVERYTHING, 1],
    ['every path, 7 ticks a step', EVERYTHING, 7],
    ['on-demand scaling, 997 ticks a step', ON_DEMAND, 997],
  ] as const)('%s: the same result.json as simulateScenario', (_, scenario, chunk) => {
    const whole = simulateScenario(scenario);
    expect(serializeResult(stepped(scenario, chunk))).toBe(serializeResult(whole));
  });

  it('finishes once, and only after the last tick', () => {
    const simulation = createSimulation(EVERYTHING);
    // 3 min at the default 100 ms tick: 1,800 ticks.
    expect(simulation.totalTicks).toBe(1800);
    expect(simulation.step(100)).toBe(true);
    expect(simulation.ticksDone).toBe(100);
    expect(() => simulation.finish()).toThrow('1700 ticks of the run not run yet');
    expect(simulation.step(Number.POSITIVE_INFINITY)).toBe(false);
    expect(simulation.step(10)).toBe(false);
    simulation.finish();
    expect(() => simulation.finish()).toThrow('already finished');
  });
});

describe('onSample', () => {
  it.each([
    ['every path', EVERYTHING],
    ['on-demand scaling', ON_DEMAND],
  ] as const)('%s: one sample a second, each equal to the series at its index', (_, scenario) => {
    const samples: SecondSample[] = [];
    const simulation = createSimulation(scenario, { onSample: (sample) => samples.push(sample) });
    while (simulation.step(333)) {
      // Seconds are handed over as they end, never ahead of the ticks run (10 ticks a second).
      expect(samples.length).toBeLessThanOrEqual(simulation.ticksDone / 10);
    }
    const result = simulation.finish();
    const s = result.series;
    expect(samples.map((x) => x.second)).toEqual(s.offered.map((_, i) => i));
    const at = (series: Record<string, number[]>, i: number) =>
      Object.fromEntries(Object.entries(series).map(([name, values]) => [name, values[i]]));
    for (const [i, sample] of samples.entries()) {
      const { maxShardUtilization, ...rest } = sample;
      expect(rest).toEqual({
        second: i,
        offered: s.offered[i],
        acknowledged: s.acknowledged[i],
        throttled: s.throttled[i],
        retried: s.retried[i],
        dropped: s.dropped[i],
        writeBytes: s.writeBytes[i],
        writeRecords: s.writeRecords?.[i],
        shards: s.shards[i],
        consumerLagSeconds: at(s.consumerLagSeconds, i),
        delivered: at(s.delivered, i),
        firehoseObjects: at(s.firehoseObjects, i),
        latency: {
          put: { p50: s.latency?.put.p50[i], p99: s.latency?.put.p99[i] },
          e2e: { p50: s.latency?.e2e.p50[i], p99: s.latency?.e2e.p99[i] },
        },
      });
      // The hottest shard that second: with at most 10 shards all are in `hottest` (at one
      // second), so it is their largest; with more, at least theirs.
      const hottest = Math.max(...result.shardSeries.hottest.map((h) => h.utilization[i]!));
      if (result.shardSeries.all.length <= 10) expect(maxShardUtilization).toBe(hottest);
      else expect(maxShardUtilization).toBeGreaterThanOrEqual(hottest);
    }
    // The paths were taken: throttling, and for the first scenario objects flushed at the end.
    expect(result.counters.throttled).toBeGreaterThan(0);
    const objects = samples.reduce(
      (n, x) => n + Object.values(x.firehoseObjects).reduce((a, b) => a + b, 0),
      0,
    );
    expect(objects).toBe(Object.values(result.counters.firehose).reduce((n, f) => n + f.objects, 0));
  });
});
