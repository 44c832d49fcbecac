/**
 * `runScenario` (issue 10, point 1): plan, target and gates in one function, the same for the CLI,
 * the programmatic API, a sweep or a worker. Checked on the model target with small scenarios.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunAbortedError, ShardcastError } from '../../src/errors.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { loadScenarioText } from '../../src/load.js';
import { partialOutcome, runScenario } from '../../src/run/pipeline.js';
import { scenarioHash } from '../../src/scenario/hash.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { modelTarget } from '../../src/targets/model.js';
import type { Target } from '../../src/targets/target.js';
import { calmScenario } from '../helpers/calm.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const load = (text: string): Scenario => loadScenarioText(text, 'inline.yaml').scenario;

/** A clock that reads `start`, then `start` + 2.5 s: the run's start and its end. */
function twoReadings(start: string): () => Date {
  const readings = [new Date(start), new Date(new Date(start).getTime() + 2500)];
  return () => readings.shift() ?? new Date(0);
}

/** The model target, counting its runs and recording what it was given. */
function countingTarget(): Target<Record<string, never>> & { runs: Scenario[] } {
  const runs: Scenario[] = [];
  return {
    ...modelTarget,
    name: 'counting',
    runs,
    describe: () => 'the model, counted',
    prepare: async (context) => {
      runs.push(context.scenario);
      return modelTarget.prepare(context);
    },
  };
}

describe('runScenario', () => {
  it('stamps the header from its clock, the run id from the start and seed, and the scenario hash', async () => {
    const scenario = load(calmScenario({ duration: '5s' }));
    const run = await runScenario(scenario, modelTarget, { now: twoReadings('2025-03-04T05:06:07Z') });
    // calm's seed is 7; 2025-03-04T05:06:07Z → 20250304-050607.
    expect(run.runId).toBe('20250304-050607-s7');
    expect(run.seed).toBe(7);
    expect(run.result.header).toMatchObject({
      runId: '20250304-050607-s7',
      startedAt: '2025-03-04T05:06:07.000Z',
      finishedAt: '2025-03-04T05:06:09.500Z',
      // 09.5 − 07.0 = 2.5 s
      wallSeconds: 2.5,
    });
    expect(run.result.scenario.hash).toBe(scenarioHash(scenario));
    expect(run.target).toBe('model');
    // 5 s of 500 records/s on average: about 5 × 500 = 2,500 records (the arrivals are random).
    expect(run.result.counters.produced).toBeGreaterThan(2000);
    expect(run.result.counters.produced).toBeLessThan(3000);
    expect(run.shardsFromPlan).toBeUndefined();
    expect(run.scenario).toBe(scenario);
  });

  it("evaluates the scenario's gates, then the extra ones, over the plan's and the run's metrics", async () => {
    const scenario = load(calmScenario({ duration: '5s', gates: ['throttledRatio <= 0.001'] }));
    // About 2,500 records are produced (5 s × 500/s): `< 1000` fails; 600 records/s of 1 KiB
    // (500 × 1.2 headroom) need one or two shards, so `shards.recommended < 100` passes.
    const extra = parseCliGates(['records.produced < 1000', 'shards.recommended < 100']);
    const run = await runScenario(scenario, modelTarget, {
      gates: extra,
      now: twoReadings('2025-01-01T00:00:00Z'),
    });
    expect(run.gates.map((g) => g.text)).toEqual([
      'throttledRatio <= 0.001',
      'records.produced < 1000',
      'shards.recommended < 100',
    ]);
    expect(run.verdicts.map((v) => [v.gate, v.passed, v.measured])).toEqual([
      ['throttledRatio <= 0.001', true, 0],
      ['records.produced < 1000', false, run.result.metrics['records.produced']],
      ['shards.recommended < 100', true, run.plan.metrics['shards.recommended']],
    ]);
    expect(run.metrics['records.produced']).toBe(run.result.counters.produced);
    expect(run.metrics['shards.recommended']).toBe(run.plan.metrics['shards.recommended']);
  });

  it('runs a stream without stream.shards at the count the plan recommends, and says so before it starts', async () => {
    const scenario = load(
      calmScenario({ duration: '5s' }).replace('stream: { shards: 2 }', 'stream: { mode: provisioned }'),
    );
    const target = countingTarget();
    const order: string[] = [];
    const run = await runScenario(scenario, target, {
      now: twoReadings('2025-01-01T00:00:00Z'),
      beforeRun: (ready) => {
        order.push(`ready with ${ready.shardsFromPlan} shards, ${target.runs.length} runs so far`);
      },
    });
    const recommended = run.plan.shards.recommended;
    expect(run.plan.shards.sizedByPlan).toBe(true);
    expect(run.shardsFromPlan).toBe(recommended);
    expect(order).toEqual([`ready with ${recommended} shards, 0 runs so far`]);
    expect(target.runs.map((s) => s.stream.shards)).toEqual([recommended]);
    expect(run.scenario.stream.shards).toBe(recommended);
    expect(run.result.scenario.shardsFromPlan).toBe(recommended);
    // The hash is of the scenario as written (no shards), as `shardcast run` records it.
    expect(run.result.scenario.hash).toBe(scenarioHash(scenario));
  });

  it('records the overrides in the plan and the result, and takes the seed and run id it is given', async () => {
    const scenario = load(calmScenario({ duration: '5s' }));
    const run = await runScenario(scenario, modelTarget, {
      seed: 99,
      runId: 'worker-3',
      overrides: ['duration=5s'],
      now: twoReadings('2025-01-01T00:00:00Z'),
    });
    expect(run.plan.scenario.overrides).toEqual(['duration=5s']);
    expect(run.result.scenario.overrides).toEqual(['duration=5s']);
    expect(run.result.scenario.seed).toBe(99);
    expect(run.result.header.runId).toBe('worker-3');
  });

  it('refuses a duration out of bounds before the target or beforeRun is called (exit 2)', async () => {
    const scenario = load(calmScenario({ duration: '5s' }));
    for (const durationSeconds of [0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      const target = countingTarget();
      let ready = 0;
      const error = await runScenario(scenario, target, {
        durationSeconds,
        beforeRun: () => {
          ready++;
        },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShardcastError);
      expect((error as ShardcastError).exitCode).toBe(2);
      expect((error as ShardcastError).message).toContain(
        `durationSeconds ${durationSeconds} is not above 0`,
      );
      expect([target.runs.length, ready]).toEqual([0, 0]);
    }
  });

  it('refuses a run whose work is too large before the target starts, with the same words as the CLI', async () => {
    // 3,600 s ÷ 0.1 s = 36,000 ticks × 100,000 shards = 3,600,000,000 shard-ticks, 1.8 × the bound
    // of 2,000,000,000 (src/scenario/bounds.ts, runWorkProblem; test/cli/hostile-input.test.ts).
    const scenario = load(
      'name: t\nduration: 1h\nstream: { shards: 100000 }\nproducers:\n  - name: web\n    rate: 1k/s\n',
    );
    const target = countingTarget();
    const error = await runScenario(scenario, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShardcastError);
    expect((error as ShardcastError).exitCode).toBe(2);
    expect((error as ShardcastError).message).toMatch(
      /^a run of 60 min at a 100 ms tick with up to 100,000 shards is 3,600,000,000 shard-ticks, above 2,000,000,000 shard-ticks, /,
    );
    expect((error as ShardcastError).hint).toContain('run a shorter --duration');
    expect(target.runs).toEqual([]);
  });

  it('touches neither the filesystem, process nor the console (the CLI and callers do)', () => {
    const dir = join(REPO_ROOT, 'src', 'run');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/from 'node:(?:fs|fs\/promises|process|child_process)'/);
      expect(source, file).not.toMatch(/\bprocess\.|\bconsole\./);
      expect(source, file).not.toMatch(/from '\.\.\/cli\//);
    }
  });
});

describe('runScenario, stopped early', () => {
  it("rejects on the caller's signal with the model's partial result, marked aborted", async () => {
    const controller = new AbortController();
    let samples = 0;
    const run = runScenario(load(calmScenario({ duration: '1h' })), modelTarget, {
      signal: controller.signal,
      onSample: () => {
        samples += 1;
        if (samples === 30) controller.abort('stopped by the test');
      },
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunAbortedError);
    const partial = partialOutcome(error as RunAbortedError);
    const result = partial?.result;
    // The signal fired in the 30th sample: the engine finished its slice, the result stops there.
    const done = result?.aborted?.secondsDone ?? 0;
    expect(done).toBe(30);
    expect(result?.aborted).toEqual({
      reason: 'stopped by the test',
      secondsDone: done,
      durationSeconds: 3600,
    });
    expect(result?.series.acknowledged).toHaveLength(done);
    // Its gates are evaluated over what it covers, and its cleanup ran.
    expect(partial?.cleanup).toEqual({ ok: true, lines: [] });
    expect((error as RunAbortedError).stoppedBy).toBe('signal');
  });

  it('returns the partial outcome when a gate fails beyond recovery (abortOnFail)', async () => {
    const outcome = await runScenario(
      load(calmScenario({ duration: '1h', gates: ['records.produced < 1000'] })),
      modelTarget,
      {
        abortOnFail: true,
      },
    );
    // calm offers 500 records/s: the total passes 1,000 in its third second and only grows.
    expect(outcome.result.aborted?.reason).toBe('a gate failed beyond recovery: records.produced < 1000');
    expect(outcome.result.aborted?.secondsDone).toBeLessThan(3600);
    expect(outcome.verdicts.map((v) => v.passed)).toEqual([false]);
  });
});
