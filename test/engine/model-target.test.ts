/**
 * The `model` target on the Target contract: it runs the engine in slices that yield to the event
 * loop, so an abort (SIGINT reaches a target as its signal) stops a long run mid-way; its result is
 * the engine's, byte for byte; it hands over one sample per simulated second.
 */
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/engine/simulate.js';
import { ExitCode, RunAbortedError } from '../../src/errors.js';
import { serializeResult } from '../../src/result/io.js';
import type { SecondSample } from '../../src/result/live.js';
import type { RunHeader } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { modelTarget, nextSliceTicks } from '../../src/targets/model.js';
import { WHOLE_RUN } from '../../src/targets/target.js';
import { scenarioOf } from './fidelity-helpers.js';

const HEADER: RunHeader = {
  runId: 'model-test',
  startedAt: '2000-01-01T00:00:00.000Z',
  finishedAt: '',
  wallSeconds: 0,
  shardcastVersion: '0.0.0',
};

/** An hour of 1,000 shards: 36,000 ticks of 1,000 shards, seconds of work. */
const BIG = scenarioOf(`
name: big-hour
duration: 1h
stream: { mode: provisioned, shards: 1000 }
producers:
  - name: fleet
    instances: 200
    rate: 500000/s
    recordSize: 700B
    keys: { dist: uniform, count: 10000 }
consumers:
  - { name: archive, type: enhanced-fan-out }
`);

const SMALL = scenarioOf(`
name: small
duration: 2m
seed: 9
stream: { mode: provisioned, shards: 2 }
producers:
  - { name: app, instances: 2, rate: 2500/s, recordSize: 500B, keys: { dist: zipf, count: 500, exponent: 1 } }
consumers:
  - { name: reader, type: polling, processingRate: 1500/s }
firehose:
  - { name: archive, source: stream, buffer: { size: 1MiB, interval: 60s } }
`);

async function runModel(
  scenario: Scenario,
  signal: AbortSignal,
  listeners: { onProgress?: (fraction: number) => void; onSample?: (sample: SecondSample) => void } = {},
) {
  const session = await modelTarget.prepare({
    scenario,
    options: {},
    seed: scenario.seed,
    durationSeconds: scenario.duration,
    header: HEADER,
    share: WHOLE_RUN,
    signal,
    ...listeners,
  });
  try {
    return await session.run();
  } finally {
    expect(await session.cleanup()).toEqual([]);
  }
}

describe('the model target', () => {
  it('stops an aborted 1,000-shard hour well before its end, with RunAbortedError', async () => {
    const controller = new AbortController();
    let done = 0;
    let seconds = 0;
    // A timer, as a SIGINT handler would be: it can only fire if the run yields to the event loop.
    const timer = setTimeout(() => controller.abort('SIGINT'), 100);
    const run = runModel(BIG, controller.signal, {
      onProgress: (fraction) => (done = fraction),
      onSample: () => seconds++,
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    clearTimeout(timer);
    expect(error).toBeInstanceOf(RunAbortedError);
    expect((error as RunAbortedError).code).toBe('aborted');
    expect((error as RunAbortedError).exitCode).toBe(ExitCode.interrupted);
    expect(ExitCode.interrupted).toBe(130);
    expect((error as Error).message).toMatch(
      /^the model run was aborted \(SIGINT\) after .+ of 60 min of virtual time$/,
    );
    // The whole hour is seconds of work; the abort came after 100 ms and the run stopped within a
    // slice (about 20 ms of work) of it: far less than half the ticks were run, and fewer than
    // half of the 3,600 seconds handed over. (Measured: 2.3 virtual seconds, stopped 9 ms after
    // the abort; without the slices the run went on to its end and resolved.)
    expect(done).toBeLessThan(0.5);
    expect(seconds).toBeLessThan(1800);
  });

  it('does not start a run whose signal is already aborted', async () => {
    let progressed = false;
    const error = await runModel(SMALL, AbortSignal.abort(), { onProgress: () => (progressed = true) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunAbortedError);
    expect((error as Error).message).toBe('the model run was aborted before it started');
    expect(progressed).toBe(false);
  });

  it("gives the engine's result byte for byte, and one sample a second equal to its series", async () => {
    const samples: SecondSample[] = [];
    const result = await runModel(SMALL, new AbortController().signal, { onSample: (s) => samples.push(s) });
    expect(serializeResult(result)).toBe(serializeResult(simulateScenario(SMALL, { header: HEADER })));
    // 2 min: 120 samples, in order, each the series at its index.
    expect(samples.map((s) => s.second)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(samples.map((s) => s.acknowledged)).toEqual(result.series.acknowledged);
    expect(samples.map((s) => s.consumerLagSeconds.reader)).toEqual(result.series.consumerLagSeconds.reader);
    expect(samples.map((s) => s.firehoseObjects.archive)).toEqual(result.series.firehoseObjects.archive);
  });
});

describe('nextSliceTicks', () => {
  it('aims at 20 ms a slice, growing at most 4 times, never below a tick', () => {
    // 400 ticks took 40 ms: 400 × 20 ÷ 40 = 200.
    expect(nextSliceTicks(400, 40)).toBe(200);
    // 16 ticks took 4 ms: 16 × 20 ÷ 4 = 80, capped at 16 × 4 = 64.
    expect(nextSliceTicks(16, 4)).toBe(64);
    // A clock too coarse to see the slice (0 ms): 4 times larger.
    expect(nextSliceTicks(10, 0)).toBe(40);
    // One tick took a second: ⌊20 ÷ 1000⌋ = 0, at least 1.
    expect(nextSliceTicks(1, 1000)).toBe(1);
  });
});
