/**
 * Streaming gates (issue 10, point 2): a gate is decided during the run only when the samples so
 * far bound its final value from below and that bound already breaks it.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/gates/evaluate.js';
import { LiveGates, liveBound } from '../../src/gates/live.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { loadScenarioText } from '../../src/load.js';
import type { SecondSample } from '../../src/result/live.js';
import { runScenario } from '../../src/run/pipeline.js';
import { modelTarget } from '../../src/targets/model.js';
import { sampleAt } from '../helpers/paced-target.js';

function sample(second: number, fields: Partial<SecondSample> = {}): SecondSample {
  return {
    second,
    offered: 0,
    acknowledged: 0,
    throttled: 0,
    retried: 0,
    dropped: 0,
    writeBytes: 0,
    writeRecords: 0,
    shards: 2,
    consumerLagSeconds: {},
    delivered: {},
    firehoseObjects: {},
    latency: { put: { p50: 0, p99: 0 }, e2e: { p50: 0, p99: 0 } },
    ...fields,
  };
}

describe('LiveGates', () => {
  it('fails a cap on a count once the sum so far passes it, and only once', () => {
    const live = new LiveGates(parseCliGates(['records.dropped <= 10', 'lostRecords == 0']));
    // Dropped per second 4, 0, 7, 5: sums 4, 4, 11, 16.
    expect(live.observe(sample(0, { dropped: 4 })).map((f) => f.gate.text)).toEqual(['lostRecords == 0']);
    expect(live.observe(sample(1))).toEqual([]);
    const third = live.observe(sample(2, { dropped: 7 }));
    // 11 > 10: failed at second 2 with 11 so far.
    expect(third.map((f) => [f.gate.text, f.atLeast, f.second, f.message])).toEqual([
      ['records.dropped <= 10', 11, 2, 'records.dropped is already 11, allowed <= 10'],
    ]);
    expect(live.observe(sample(3, { dropped: 5 }))).toEqual([]);
    expect(live.failed.map((f) => f.gate.text)).toEqual(['lostRecords == 0', 'records.dropped <= 10']);
  });

  it('fails `<` at the bound itself, `<=` only above it', () => {
    const live = new LiveGates(parseCliGates(['shards.maxUtilization < 1', 'shards.max <= 2']));
    // Utilisation 0.8, then 1.0: 1.0 ≥ 1 fails `< 1`; 2 shards never exceed `<= 2`.
    expect(live.observe(sample(0, { maxShardUtilization: 0.8 }))).toEqual([]);
    expect(live.observe(sample(1, { maxShardUtilization: 1 })).map((f) => f.gate.text)).toEqual([
      'shards.maxUtilization < 1',
    ]);
    // A later lower second does not lower a maximum.
    expect(live.observe(sample(2, { maxShardUtilization: 0.1, shards: 3 })).map((f) => f.gate.text)).toEqual([
      'shards.max <= 2',
    ]);
  });

  it('reads a consumer named with dots, and never decides what can still move', () => {
    const gates = parseCliGates([
      'consumers.app.v2.lagSeconds.max < 5s',
      'throttledRatio < 1%',
      'records.dropped > 3',
      'records.dropped != 0',
      'putLatency.p99 < 1ms',
      'putLatency.max < 1ms',
    ]);
    const live = new LiveGates(gates);
    // Only the lag is bounded: a ratio and a percentile can move either way; `>` and `!=` may pass later.
    expect(live.watching).toBe(3);
    const failed = live.observe(
      sample(0, {
        consumerLagSeconds: { 'app.v2': 6 },
        throttled: 90,
        offered: 100,
        dropped: 1,
        latency: { put: { p50: 1, p99: 2 }, e2e: { p50: 0, p99: 0 } },
      }),
    );
    expect(failed.map((f) => f.message)).toEqual([
      'consumers.app.v2.lagSeconds.max is already at least 6 s, allowed < 5 s',
    ]);
    expect(liveBound('throttledRatio')).toBeUndefined();
    expect(liveBound('putLatency.max')).toBeUndefined();
  });

  it('allows for the rounding of fractional samples, and none for whole counts', () => {
    // The model's flows are fractional: 1,998 seconds each dropping 0.0005 records are sampled as
    // round(0.0005) = 0.001 each (Σ 1.998), but the final counter rounds the exact total once:
    // round(1,998 × 0.0005) = round(0.999) = 0.999, which passes `< 1`. The bound takes off
    // 0.0005 per fractional sample and 0.0005 for the final rounding: 1.998 − 0.9995 = 0.9985 < 1.
    const fractional = new LiveGates(parseCliGates(['records.dropped < 1']));
    for (let second = 0; second < 1998; second += 1) fractional.observe(sample(second, { dropped: 0.001 }));
    expect(fractional.failed).toEqual([]);
    // A target counting records reports whole numbers: one lost record fails `== 0` at once.
    const whole = new LiveGates(parseCliGates(['lostRecords == 0']));
    expect(whole.observe(sample(0, { dropped: 1 })).map((f) => f.message)).toEqual([
      'lostRecords is already 1, allowed == 0',
    ]);
  });

  it("never fails a gate the finished run passes by a hair (tight gates, the model target's own samples)", async () => {
    // The same throttling shard as below; each bounded metric gated at exactly its final value
    // (`M <= final`, `M == final`), which the finished run passes: no live failure is allowed.
    const { scenario } = loadScenarioText(
      `name: hot
duration: 30s
seed: 3
stream: { shards: 1 }
producers:
  - { name: app, rate: 1500/s, recordSize: 1KiB, keys: { dist: uniform, count: 100 }, retry: { maxAttempts: 2 } }
consumers:
  - { name: reader, type: polling }
`,
      'hot.yaml',
    );
    const samples: SecondSample[] = [];
    const run = await runScenario(scenario, modelTarget, { onSample: (s) => samples.push(s) });
    expect(samples).toHaveLength(30);
    const bounded = Object.keys(run.metrics).filter((name) => liveBound(name) !== undefined);
    // Every kind the module lists is present in this run (sums and maxima alike).
    expect(bounded).toEqual(
      expect.arrayContaining([
        'records.throttled',
        'lostRecords',
        'shards.maxUtilization',
        'consumerLag.max',
      ]),
    );
    const gates = parseCliGates(
      bounded.flatMap((name) => [`${name} <= ${run.metrics[name]}`, `${name} == ${run.metrics[name]}`]),
    );
    const final = evaluateGates(gates, run.metrics);
    expect(final.every((v) => v.passed)).toBe(true);
    const live = new LiveGates(gates);
    for (const s of samples) live.observe(s);
    expect(live.failed.map((f) => f.message)).toEqual([]);
  });

  it('never fails a gate the finished run passes (the model, replayed second by second)', async () => {
    // One shard offered 1,500 records/s of 1 KiB: above its 1,000 records/s, so it throttles and
    // drops; a reader lags. Every gate below is checked live and at the end.
    const { scenario } = loadScenarioText(
      `name: hot
duration: 30s
seed: 3
stream: { shards: 1 }
producers:
  - { name: app, rate: 1500/s, recordSize: 1KiB, keys: { dist: uniform, count: 100 }, retry: { maxAttempts: 2 } }
consumers:
  - { name: reader, type: polling }
`,
      'hot.yaml',
    );
    const texts = [
      'records.dropped <= 100',
      'records.throttled < 1000',
      'records.attempts <= 30000',
      'records.produced == 45000',
      'records.acknowledged < 40000',
      'consumers.reader.delivered <= 20000',
      'consumers.reader.lagSeconds.max < 1s',
      'consumerLag.max < 10s',
      'shards.max == 1',
      'throughput.peakOfferedRecordsPerSecond < 1400/s',
      'throughput.peakRecordsPerSecond <= 1000/s',
      'throughput.peakWriteBytesPerSecond < 1MiB/s',
      'lostRecords == 0',
    ];
    const gates = parseCliGates(texts);
    const run = await runScenario(scenario, modelTarget, { gates });
    const live = new LiveGates(gates);
    for (let second = 0; second < run.result.series.offered.length; second += 1)
      live.observe(sampleAt(run.result, second));
    const finalVerdicts = evaluateGates(gates, run.metrics);
    const failedAtEnd = new Set(finalVerdicts.filter((v) => !v.passed).map((v) => v.gate));
    // Sound: every gate failed live fails at the end.
    for (const failure of live.failed) expect(failedAtEnd).toContain(failure.gate.text);
    // And useful: the run throttles and drops, so the caps on those fail during the run.
    expect(live.failed.map((f) => f.gate.text)).toEqual(
      expect.arrayContaining(['records.throttled < 1000', 'lostRecords == 0']),
    );
  });
});
