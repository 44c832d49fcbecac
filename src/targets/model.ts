/** The `model` target: the built-in engine model, in virtual time, with no AWS account. */
import { z } from 'zod';
import { createSimulation, type SteppedSimulation } from '../engine/simulate.js';
import { ExitCode, RunAbortedError, ShardcastError } from '../errors.js';
import type { RunResult } from '../result/types.js';
import { runMemoryProblem, runWorkProblem } from '../scenario/bounds.js';
import { formatSeconds } from '../scenario/units.js';
import { availableMemoryBytes } from './memory.js';
import type { Target, TargetContext } from './target.js';

type ModelOptions = Record<string, never>;

/**
 * Wall time of engine work between two yields to the event loop: short enough that SIGINT (or any
 * timer) is handled within a blink, long enough that yielding costs nothing measurable (a yield is
 * microseconds; a 1,000-shard tick about 50 µs, so a slice is some 400 ticks).
 */
const SLICE_MS = 20;
/** Ticks in the first slice, before the engine's pace is known. */
const FIRST_SLICE_TICKS = 16;

export const modelTarget: Target<ModelOptions> = {
  name: 'model',
  describe: () => 'the built-in engine model of Kinesis and Firehose (virtual time, deterministic per seed)',
  options: z.strictObject({}),
  // The model computes every run metric.
  measures: ['**'],
  // It simulates the whole stream in one process: a share of the load would see the whole stream's capacity.
  supportsShares: false,
  whyNoShares: 'the model target simulates the whole stream in one process; run a share with a real target',
  checkRun: (scenario, durationSeconds) => {
    // The engine's cost grows with shards × ticks (× consumers): bounded before it starts.
    const work = runWorkProblem(scenario, durationSeconds);
    if (work !== undefined) {
      throw new ShardcastError(
        'usage',
        work,
        ExitCode.invalidInput,
        'run a shorter --duration (the plan covers the whole scenario), a longer engine.tick, or fewer shards',
      );
    }
    // Then its memory, before the engine allocates any of it.
    const memory = runMemoryProblem(scenario, durationSeconds, availableMemoryBytes());
    if (memory !== undefined) {
      throw new ShardcastError(
        'usage',
        memory,
        ExitCode.invalidInput,
        'run a shorter --duration (the plan covers the whole scenario) or fewer shards; the per-shard series grow with shards × seconds',
      );
    }
  },
  prepare: async (context) => {
    // The simulation `run` builds, kept for `partial` after an abort.
    let simulation: SteppedSimulation | undefined;
    let partialTaken = false;
    // The seconds sampled when the signal fired inside a step (a gate that failed in a sample):
    // the engine goes on to the end of its slice, the partial result stops there.
    let stoppedAfter: number | undefined;
    const { onSample } = context;
    const watched: TargetContext<ModelOptions> = {
      ...context,
      onSample: (sample) => {
        onSample?.(sample);
        if (context.signal.aborted && stoppedAfter === undefined) stoppedAfter = sample.second + 1;
      },
    };
    return {
      run: () =>
        runModel(watched, (created) => {
          simulation = created;
        }),
      cleanup: async () => [],
      // The seconds the engine closed before the abort (RunRecorder.buildPartial); once only.
      partial: () => {
        if (simulation === undefined || partialTaken || simulation.ticksDone >= simulation.totalTicks)
          return undefined;
        partialTaken = true;
        return simulation.finishPartial(stoppedAfter);
      },
    };
  },
};

/**
 * Runs the engine in slices of about {@link SLICE_MS} of work, yielding to the event loop between
 * them so that a signal handler can abort the run: the engine is one synchronous loop, and without
 * the yields no handler would run before it ended. The signal is checked between slices; the
 * result does not depend on where the slices fall (`createSimulation`).
 */
async function runModel(
  context: TargetContext<ModelOptions>,
  created: (simulation: SteppedSimulation) => void = () => {},
): Promise<RunResult> {
  const { signal } = context;
  if (signal.aborted) throw aborted(context, undefined);
  const simulation = createSimulation(context.scenario, {
    seed: context.seed,
    durationSeconds: context.durationSeconds,
    header: context.header,
    ...(context.placedKeys === undefined ? {} : { placedKeys: context.placedKeys }),
    ...(context.onProgress === undefined ? {} : { onProgress: context.onProgress }),
    ...(context.onSample === undefined ? {} : { onSample: context.onSample }),
  });
  created(simulation);
  let sliceTicks = FIRST_SLICE_TICKS;
  for (;;) {
    const started = performance.now();
    const more = simulation.step(sliceTicks);
    if (!more) break;
    sliceTicks = nextSliceTicks(sliceTicks, performance.now() - started);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw aborted(context, simulation);
  }
  return simulation.finish();
}

/**
 * The next slice's ticks from the last one's pace, aiming at {@link SLICE_MS}: at most 4 times
 * larger (a slice timed at 0 ms on a coarse clock must not jump to the whole run), at least 1.
 */
export function nextSliceTicks(ticks: number, elapsedMs: number): number {
  const paced = elapsedMs > 0 ? Math.floor((ticks * SLICE_MS) / elapsedMs) : ticks * 4;
  return Math.max(1, Math.min(ticks * 4, paced));
}

function aborted(
  context: TargetContext<ModelOptions>,
  simulation: SteppedSimulation | undefined,
): RunAbortedError {
  // A reason the caller gave in words (`SIGINT`); the default one (an AbortError) says nothing more.
  const reason = context.signal.reason;
  const why = typeof reason === 'string' ? ` (${reason})` : '';
  if (simulation === undefined)
    return new RunAbortedError(`the model run was aborted before it started${why}`);
  const done = (simulation.ticksDone / simulation.totalTicks) * context.durationSeconds;
  return new RunAbortedError(
    `the model run was aborted${why} after ${formatSeconds(done, 1)} of ${formatSeconds(context.durationSeconds, 1)} of virtual time`,
  );
}
