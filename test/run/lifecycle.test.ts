/**
 * The Target contract's lifecycle and input checks in `runScenario` (issue 10, point 2): options
 * validated by the target's schema, the share checked, every gate's metric measured, all before
 * `prepare`; then prepare → run → cleanup, the cleanup after a result, an error and an abort.
 */
import { describe, expect, it } from 'vitest';
import {
  type CleanupReport,
  InvalidInputError,
  RunAbortedError,
  type ShardcastError,
} from '../../src/errors.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { loadScenarioText } from '../../src/load.js';
import { runScenario } from '../../src/run/pipeline.js';
import { modelTarget } from '../../src/targets/model.js';
import type { Target } from '../../src/targets/target.js';
import { calmScenario } from '../helpers/calm.js';
import { pacedTarget } from '../helpers/paced-target.js';

const calm = (options: Parameters<typeof calmScenario>[0] = {}) =>
  loadScenarioText(calmScenario({ duration: '5s', ...options }), 'calm.yaml');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('the target lifecycle', () => {
  it('prepares, runs and cleans up once, in that order, and reports what cleanup did', async () => {
    const target = pacedTarget();
    const reports: CleanupReport[] = [];
    const run = await runScenario(calm().scenario, target, {
      now: () => new Date('2025-01-01T00:00:00Z'),
      onCleanup: (report) => reports.push(report),
    });
    expect(target.log.calls).toEqual(['prepare 0/1', 'run', 'ran', 'cleanup']);
    const lines = ['deleted stream shardcast-20250101-000000-s7'];
    expect(run.cleanup).toEqual({ ok: true, lines });
    expect(reports).toEqual([{ ok: true, lines }]);
    // One sample per second of the 5 s run, in order.
    expect(target.log.samples.map((s) => s.second)).toEqual([0, 1, 2, 3, 4]);
  });

  it('cleans up after run throws, then rethrows the run error itself', async () => {
    const target = pacedTarget();
    const error = await rejection(runScenario(calm().scenario, target, { targetOptions: { failAfter: 2 } }));
    expect((error as Error).message).toBe('endpoint unreachable after 2 s');
    expect(target.log.calls).toEqual(['prepare 0/1', 'run', 'cleanup']);
  });

  it('reports a failed cleanup without hiding the run error', async () => {
    const target = pacedTarget();
    const reports: CleanupReport[] = [];
    const error = await rejection(
      runScenario(calm().scenario, target, {
        targetOptions: { failAfter: 1, cleanupFails: true },
        onCleanup: (report) => reports.push(report),
      }),
    );
    expect((error as Error).message).toBe('endpoint unreachable after 1 s');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.ok).toBe(false);
    expect(String((reports[0] as { error: unknown }).error)).toBe('Error: DeleteStream: AccessDenied');
  });

  it('keeps a whole result when only cleanup failed, and says so in the outcome', async () => {
    const run = await runScenario(calm().scenario, pacedTarget(), { targetOptions: { cleanupFails: true } });
    expect(run.cleanup.ok).toBe(false);
    expect(run.result.series.offered).toHaveLength(5);
  });

  it('stops on an abort, cleans up, and says how far the run got', async () => {
    const target = pacedTarget();
    const controller = new AbortController();
    const error = await rejection(
      runScenario(calm({ duration: '10m' }).scenario, target, {
        targetOptions: { msPerSecond: 5 },
        signal: controller.signal,
        // Aborted once the third sample (second 2) arrived: 3 seconds done.
        onSample: (sample) => {
          if (sample.second === 2) controller.abort();
        },
      }),
    );
    expect(error).toBeInstanceOf(RunAbortedError);
    const aborted = error as RunAbortedError;
    expect(aborted.exitCode).toBe(130);
    expect(aborted.message).toBe('stopped after 3 s of 10 min');
    expect(aborted.secondsDone).toBe(3);
    expect(aborted.durationSeconds).toBe(600);
    expect(aborted.cleanup).toEqual({
      ok: true,
      lines: [`deleted stream shardcast-${target.log.contexts[0]?.header.runId}`],
    });
    expect(target.log.calls).toEqual(['prepare 0/1', 'run', 'cleanup']);
  });

  it('honours an abort that came while a run computed without yielding', async () => {
    const controller = new AbortController();
    let cleanups = 0;
    // The signal fires during the run, but the run only sees it once it has computed every second.
    const blocking: Target<Record<string, never>> = {
      ...modelTarget,
      prepare: async (context) => {
        const session = await modelTarget.prepare(context);
        return {
          run: async () => {
            const result = await session.run();
            controller.abort();
            return result;
          },
          cleanup: async () => {
            cleanups += 1;
            return [];
          },
        };
      },
    };
    const error = await rejection(runScenario(calm().scenario, blocking, { signal: controller.signal }));
    expect(error).toBeInstanceOf(RunAbortedError);
    expect((error as RunAbortedError).message).toBe('stopped as the run ended (5 s)');
    expect(cleanups).toBe(1);
  });

  it('does not prepare at all when aborted before the run', async () => {
    const target = pacedTarget();
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(runScenario(calm().scenario, target, { signal: controller.signal }));
    expect(error).toBeInstanceOf(RunAbortedError);
    expect(target.log.calls).toEqual([]);
  });
});

describe('checks before prepare', () => {
  it('validates the target options with its schema, naming each option', async () => {
    const target = pacedTarget();
    const error = await rejection(
      runScenario(calm().scenario, target, { targetOptions: { region: 'mars', colour: 'red' } }),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    const problems = (error as InvalidInputError).problems.map((p) => [p.location.path, p.message]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['colour', 'not an option of this target'],
        ['region', 'expected an AWS region such as eu-west-1'],
      ]),
    );
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect(target.log.calls).toEqual([]);
  });

  it('refuses an option the model does not have', async () => {
    const error = await rejection(
      runScenario(calm().scenario, modelTarget, { targetOptions: { region: 'eu-west-1' } }),
    );
    expect((error as InvalidInputError).problems[0]?.location).toEqual({
      file: 'model target options',
      path: 'region',
    });
  });

  it('refuses a malformed share, and a share the target cannot run', async () => {
    for (const share of [
      { index: 4, count: 4 },
      { index: -1, count: 2 },
      { index: 0.5, count: 2 },
      { index: 0, count: 0 },
    ]) {
      const error = await rejection(runScenario(calm().scenario, pacedTarget(), { share }));
      expect((error as ShardcastError).exitCode).toBe(2);
      expect((error as ShardcastError).message).toMatch(
        /a worker share is a whole index from 0 to count − 1/,
      );
    }
    const error = await rejection(
      runScenario(calm().scenario, modelTarget, { share: { index: 1, count: 4 } }),
    );
    expect((error as ShardcastError).exitCode).toBe(2);
    expect((error as ShardcastError).message).toBe(
      'share { index: 1, count: 4 }: the model target simulates the whole stream in one process; run a share with a real target',
    );
    // The whole load, written as a share, is no share.
    const run = await runScenario(calm().scenario, modelTarget, { share: { index: 0, count: 1 } });
    expect(run.result.series.offered).toHaveLength(5);
  });

  it('passes the share to a target that runs one', async () => {
    const target = pacedTarget();
    await runScenario(calm().scenario, target, { share: { index: 1, count: 4 } });
    expect(target.log.contexts[0]?.share).toEqual({ index: 1, count: 4 });
  });

  it('refuses a gate on a run metric the target does not measure, at its location, before prepare', async () => {
    const target = pacedTarget();
    const loaded = calm({ gates: ['records.dropped == 0', 'shards.maxUtilization < 1'], reader: true });
    const error = await rejection(
      runScenario(loaded.scenario, target, {
        scenarioFile: 'calm.yaml',
        locateInScenario: loaded.locate,
        gates: parseCliGates(['consumers.reader.lagSeconds.max < 5s', 'putLatency.p99 < 1s']),
      }),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    const problems = (error as InvalidInputError).problems;
    // calm's lines: 1 name … 9 keys, 10 consumers:, 11 its reader, 12 gates:, 13 records.dropped, 14 shards.maxUtilization.
    expect(problems.map((p) => [p.location, p.message])).toEqual([
      [
        { file: 'calm.yaml', line: 14, column: 5, path: 'gates[1]' },
        'shards.maxUtilization is not measured by the paced target',
      ],
      [
        { file: '--gate', path: '--gate[0]' },
        'consumers.reader.lagSeconds.max is not measured by the paced target',
      ],
    ]);
    expect(target.log.calls).toEqual([]);
  });

  it('accepts a gate on a plan metric whatever the target measures', async () => {
    const run = await runScenario(calm().scenario, pacedTarget(), {
      gates: parseCliGates(['shards.recommended <= 100', 'records.produced > 0']),
    });
    expect(run.verdicts.map((v) => v.passed)).toEqual([true, true]);
  });
});
