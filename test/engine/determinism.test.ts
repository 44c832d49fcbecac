/**
 * Determinism (docs/engine.md, "Time and randomness"): the same scenario and seed give byte-identical
 * result.json (serializeResult) apart from `header`, the run's identity and clock. Checked on
 * launch-day, and on scenarios that take every path with state of its own: a reshard event,
 * on-demand scaling, Firehose (stream source with dynamic partitions, Direct PUT), a trace
 * profile, throttling with retries. Also: another seed gives another result, a run does not depend
 * on the runs before it in the same process, and result.json survives serialize → parse → serialize.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/engine/simulate.js';
import { loadScenarioFile } from '../../src/load.js';
import { parseResult, serializeResult } from '../../src/result/io.js';
import type { RunHeader, RunResult } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { scenarioOf } from './generated-scenarios.js';

const SCENARIOS = new URL('../../scenarios/', import.meta.url);

const FIXED_HEADER: RunHeader = {
  runId: 'fixed',
  startedAt: '2000-01-01T00:00:00.000Z',
  finishedAt: '2000-01-01T00:00:00.000Z',
  wallSeconds: 0,
  shardcastVersion: '0.0.0',
};

/** Two headers as two real runs would have them: other ids, other clocks. */
const HEADERS: RunHeader[] = [
  {
    runId: 'model-20250301T101500Z-a1b2',
    startedAt: '2025-03-01T10:15:00.000Z',
    finishedAt: '2025-03-01T10:15:01.234Z',
    wallSeconds: 1.234,
    shardcastVersion: '0.1.0',
  },
  {
    runId: 'model-20250302T230000Z-ffff',
    startedAt: '2025-03-02T23:00:00.000Z',
    finishedAt: '2025-03-02T23:00:07.5Z',
    wallSeconds: 7.5,
    shardcastVersion: '0.1.0',
  },
];

/** result.json's text with the header replaced by a fixed one. */
function bytesOf(result: RunResult): string {
  return serializeResult({ ...result, header: FIXED_HEADER });
}

function bundled(file: string, seconds: number): Scenario {
  const scenario = loadScenarioFile(fileURLToPath(new URL(file, SCENARIOS))).scenario;
  return { ...scenario, duration: seconds };
}

/**
 * A provisioned stream that takes many paths at once in 5 minutes: a trace profile, a hot key
 * that throttles (retries with backoff, drops after the last attempt), a reshard with short
 * shard operations, polling and enhanced fan-out consumers, a stream-sourced Firehose with dynamic
 * partitions, and a Direct PUT Firehose over its quota.
 */
const EVERYTHING = `
name: everything
duration: 5m
seed: 5
stream: { mode: provisioned, shards: 3, shardOperationTime: 5s }
producers:
  - name: traced
    instances: 3
    rate:
      profile: trace
      points: [[0, 800], [60, 2400], [120, 3600], [180, 1200], [300, 3000]]
    recordSize: { dist: lognormal, median: 700B, p99: 6KiB }
    keys: { dist: hot-set, count: 2000, hot: 1, share: 0.4 }
    retry: { maxAttempts: 3, baseDelay: 100ms, maxDelay: 2s }
  - name: logs
    instances: 2
    destination: direct
    rate: { profile: ramp, from: 1000/s, to: 3000/s, over: 2m }
    recordSize: 2KiB
    retry: { maxAttempts: 2, baseDelay: 200ms, maxDelay: 1s }
consumers:
  - { name: poller, type: polling, pollInterval: 500ms, processingRate: 1500/s }
  - { name: fan-out, type: enhanced-fan-out, instances: 2, processingRate: 800/s }
firehose:
  - name: archive
    source: stream
    buffer: { size: 1MiB, interval: 60s }
    compressionRatio: 0.3
    dynamicPartitions: 4
  - name: direct
    source: direct-put
    buffer: { size: 2MiB, interval: 30s }
events:
  - at: 90s
    reshard: { shards: 6 }
`;

/** On-demand with no previous peak (4,000 records/s, 4 MiB/s): a jump to 6,000/s throttles until it scales 15 min later. */
const ON_DEMAND = `
name: on-demand-scaling
duration: 17m
seed: 3
stream: { mode: on-demand }
producers:
  - name: orders
    instances: 4
    rate: { profile: spike, base: 1500/s, peak: 6000/s, at: 30s, for: 20m }
    recordSize: 700B
    keys: { dist: uniform, count: 5000 }
    retry: { maxAttempts: 4, baseDelay: 200ms, maxDelay: 5s }
consumers:
  - { name: reader, type: polling }
`;

const cases: {
  name: string;
  scenario: () => Scenario;
  /** What the run must show, so the paths determinism is checked on were taken. */
  exercised: (r: RunResult) => void;
}[] = [
  {
    name: 'launch-day, first 20 min (reshard 8 → 16 completes at 19 min, Firehose with 12 partitions, a hot key throttling)',
    scenario: () => bundled('launch-day.yaml', 20 * 60),
    exercised: (r) => {
      expect(new Set(r.series.shards)).toEqual(new Set([8, 16]));
      expect(r.counters.throttled).toBeGreaterThan(0);
      expect(r.counters.retried).toBeGreaterThan(0);
      expect(r.counters.firehose['to-s3']!.objects).toBeGreaterThan(0);
    },
  },
  {
    name: 'a trace, a reshard, throttling, consumers, stream-sourced and Direct PUT Firehose (5 min)',
    scenario: () => scenarioOf(EVERYTHING),
    exercised: (r) => {
      expect(new Set(r.series.shards)).toEqual(new Set([3, 6]));
      expect(r.counters.throttled).toBeGreaterThan(0);
      expect(r.counters.dropped).toBeGreaterThan(0);
      expect(r.counters.firehose.archive!.objects).toBeGreaterThan(0);
      expect(r.counters.firehose.direct!.objects).toBeGreaterThan(0);
      expect(r.counters.firehose.direct!.throttled).toBeGreaterThan(0);
      expect(r.counters.delivered.poller).toBeGreaterThan(0);
    },
  },
  {
    name: 'on-demand, scaling 15 min after a jump above its capacity (17 min)',
    scenario: () => scenarioOf(ON_DEMAND),
    exercised: (r) => {
      expect(r.counters.throttled).toBeGreaterThan(0);
      expect(Math.max(...r.series.shards)).toBeGreaterThan(r.series.shards[0]!);
    },
  },
  {
    name: 'trace-replay, first 10 min (the bundled CSV trace)',
    scenario: () => bundled('trace-replay.yaml', 10 * 60),
    exercised: (r) => {
      expect(r.counters.acknowledged).toBeGreaterThan(0);
      expect(r.counters.delivered['fraud-review']).toBeGreaterThan(0);
    },
  },
  {
    name: 'log-shipping-firehose, first 10 min (Direct PUT with dynamic partitions, a stream-sourced Firehose)',
    scenario: () => bundled('log-shipping-firehose.yaml', 10 * 60),
    exercised: (r) => {
      expect(r.counters.firehose['app-logs']!.objects).toBeGreaterThan(0);
      expect(r.counters.firehose['audit-archive']!.records).toBeGreaterThan(0);
    },
  },
];

describe('determinism: same scenario and seed, same result.json apart from the header', () => {
  it('launch-day, first 5 min, run twice with seed 42: byte-identical', () => {
    const scenario = bundled('launch-day.yaml', 5 * 60);
    const a = simulateScenario(scenario, { seed: 42, header: HEADERS[0] });
    const b = simulateScenario(scenario, { seed: 42, header: HEADERS[1] });
    // The headers differ, as two runs' would …
    expect(serializeResult(a)).not.toBe(serializeResult(b));
    // … and nothing else does.
    expect(bytesOf(b)).toBe(bytesOf(a));
    expect(a.counters.produced).toBeGreaterThan(0);
  });

  it('launch-day, first 5 min: another seed gives another result', () => {
    const scenario = bundled('launch-day.yaml', 5 * 60);
    const a = simulateScenario(scenario, { seed: 42 });
    const b = simulateScenario(scenario, { seed: 43 });
    expect(bytesOf(b)).not.toBe(bytesOf(a));
    // Not just the seed written in the result: the arrivals themselves differ.
    expect(b.series.offered).not.toEqual(a.series.offered);
    expect(b.counters.produced).not.toBe(a.counters.produced);
    // The scenario's own seed is the default, and it is what an explicit seed overrides.
    expect(bytesOf(simulateScenario(scenario))).toBe(bytesOf(a));
  });

  it.each(cases)(
    '$name: byte-identical twice, and survives serialize → parse → serialize',
    ({ scenario: make, exercised }) => {
      const scenario = make();
      const a = simulateScenario(scenario, { header: HEADERS[0] });
      exercised(a);
      const b = simulateScenario(scenario, { header: HEADERS[1] });
      expect(bytesOf(b)).toBe(bytesOf(a));

      const text = serializeResult(a);
      const parsed = parseResult(text, 'result.json');
      expect(serializeResult(parsed)).toBe(text);
      expect(parsed.header).toEqual(HEADERS[0]);
    },
  );

  it('a run does not depend on the runs before it in the same process', () => {
    const first = scenarioOf(EVERYTHING);
    const before = bytesOf(simulateScenario(first));
    // Other scenarios in between: other shard counts, keys, modes; then the first one again.
    simulateScenario(scenarioOf(ON_DEMAND), { durationSeconds: 60 });
    simulateScenario(bundled('launch-day.yaml', 60), { seed: 7 });
    simulateScenario(first, { seed: 99, durationSeconds: 30 });
    expect(bytesOf(simulateScenario(first))).toBe(before);
  });

  it('a scenario object is not changed by a run (a second run of it sees the same input)', () => {
    const scenario = scenarioOf(EVERYTHING);
    const copy = structuredClone(scenario);
    simulateScenario(scenario);
    expect(scenario).toEqual(copy);
  });
});
