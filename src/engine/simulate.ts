/**
 * The built-in engine model (docs/engine.md): a seeded, virtual-time simulation of a scenario's
 * producers, shards, consumers, resharding and Firehose delivery. It carries flows, not records:
 * each tick and shard holds counts and bytes, so its cost grows with shards × ticks, not with the
 * record rate. Hot keys need no special case: every enumerable key is hashed onto its shard, so a
 * shard's demand includes exactly the keys it owns.
 *
 * This file is the tick loop; its state is one `Simulation` (state.ts), built by setup.ts, and a
 * tick goes through its seams in order: reshards (layout.ts), writes and retries per sink
 * (write.ts), consumer reads (read.ts), Firehose flushes (firehose.ts), and at the end of each
 * second the put latencies (latency.ts), utilisation and on-demand scaling. Every output goes to
 * the `RunRecorder` (result/recorder.ts), which builds the RunResult.
 *
 * Limits and behaviours come from src/aws (facts, behaviours); nothing here imports the planner.
 */
import { KINESIS } from '../aws/facts.js';
import type { SecondSample } from '../result/live.js';
import type { RunResult } from '../result/types.js';
import type { Scenario } from '../scenario/schema.js';
import { flushAll, flushDue } from './firehose.js';
import { recordPutLatency } from './latency.js';
import { applyReshards, scaleOnDemand } from './layout.js';
import { readConsumers } from './read.js';
import { onDemandShards, setupSimulation } from './setup.js';
import type { SimulateOptions, Simulation } from './state.js';
import { utilizationRow, writeSink } from './write.js';

export type { SimulateOptions, Simulation } from './state.js';

const SCALE_SECONDS = KINESIS.onDemandScaleSeconds.value;

/** A run that advances in steps: `step` runs ticks until `maxTicks` or the end, `finish` builds the result. */
export interface SteppedSimulation {
  /** Ticks in the run. */
  readonly totalTicks: number;
  /** Ticks run so far. */
  readonly ticksDone: number;
  /** Runs at most `maxTicks` more ticks; returns whether ticks remain. */
  step(maxTicks: number): boolean;
  /** After the last tick: the final Firehose flush, and the RunResult. */
  finish(): RunResult;
  /**
   * Before the last tick (a run stopped early): the result over the seconds closed so far
   * (`RunRecorder.buildPartial`), or undefined before the first one closed. Firehose buffers are
   * not flushed: what they held was not delivered when the run stopped. `maxSeconds` cuts it
   * shorter: the seconds up to the one the stop came in, when it came inside a step.
   */
  finishPartial(maxSeconds?: number): RunResult | undefined;
}

/** Runs the scenario in virtual time and returns its RunResult. Deterministic for a given seed. */
export function simulateScenario(scenario: Scenario, options: SimulateOptions = {}): RunResult {
  const run = createSimulation(scenario, options);
  run.step(run.totalTicks);
  return run.finish();
}

/**
 * The same run as `simulateScenario`, to advance in steps: a caller that must stay responsive
 * (a SIGINT handler, a progress line) runs a chunk of ticks at a time and yields between chunks.
 * Stepping in chunks of any size gives the identical result.
 */
export function createSimulation(scenario: Scenario, options: SimulateOptions = {}): SteppedSimulation {
  return new Stepper(setupSimulation(scenario, options), options.onSample);
}

class Stepper implements SteppedSimulation {
  /** Seconds whose sample was emitted. */
  private sampled = 0;
  private finished = false;

  constructor(
    private readonly sim: Simulation,
    private readonly onSample: ((sample: SecondSample) => void) | undefined,
  ) {}

  get totalTicks(): number {
    return this.sim.ticks;
  }

  get ticksDone(): number {
    return this.sim.tick;
  }

  step(maxTicks: number): boolean {
    // NaN would run nothing and report ticks left forever: a caller's loop would never end.
    if (Number.isNaN(maxTicks)) throw new RangeError('step: maxTicks is NaN');
    const sim = this.sim;
    const end = Math.min(sim.ticks, sim.tick + Math.max(0, maxTicks));
    for (let k = sim.tick; k < end; k++) {
      const second = runTick(sim, k);
      sim.tick = k + 1;
      // A second's sample once it is final: the last second's waits for the final flush (`finish`).
      if (second >= 0 && second < sim.seconds - 1 && this.onSample) this.emitThrough(second);
    }
    return sim.tick < sim.ticks;
  }

  finish(): RunResult {
    const sim = this.sim;
    if (sim.tick < sim.ticks) throw new Error(`finish: ${sim.ticks - sim.tick} ticks of the run not run yet`);
    if (this.finished) throw new Error('finish: the run is already finished');
    this.finished = true;
    // Anything still buffered in Firehose is delivered at the end.
    for (const fh of sim.firehoses) flushAll(fh, sim.ticks * sim.dt, sim.seconds - 1);
    if (this.onSample) this.emitThrough(sim.seconds - 1);
    sim.options.onProgress?.(1);
    return assemble(sim);
  }

  finishPartial(maxSeconds?: number): RunResult | undefined {
    if (this.finished) throw new Error('finishPartial: the run is already finished');
    this.finished = true;
    return assemble(this.sim, maxSeconds ?? Number.POSITIVE_INFINITY);
  }

  /** Emits the samples of every second up to `second` not yet emitted. */
  private emitThrough(second: number): void {
    const onSample = this.onSample!;
    for (; this.sampled <= second; this.sampled++) onSample(this.sim.recorder.sample(this.sampled));
  }
}

/** Runs tick `k`; returns the second it closed, or −1. */
function runTick(sim: Simulation, k: number): number {
  const dt = sim.dt;
  const t = k * dt;
  const second = Math.min(sim.seconds - 1, Math.floor(t + 1e-9));
  applyReshards(sim, t);
  // Per sink: new records (Poisson) and retries due now make each shard's demand; each shard
  // admits what its token buckets hold (refilled every tick at limit × tick, capped at one
  // second's worth, docs/engine.md) and rejects the rest.
  for (const sink of sim.sinks.values()) writeSink(sim, sink, k, t, second);
  readConsumers(sim, k, t, second);
  // Firehose buffers flush on size or interval, whichever comes first.
  for (const fh of sim.firehoses) flushDue(fh, t + dt, second);
  const endOfSecond = Math.floor(t + dt + 1e-9) > Math.floor(t + 1e-9) || k === sim.ticks - 1;
  if (endOfSecond) endSecond(sim, second);
  const onProgress = sim.options.onProgress;
  if (onProgress && k % sim.progressEvery === 0) onProgress(k / sim.ticks);
  return endOfSecond ? second : -1;
}

/** End of a second: utilisation, latency histograms, lag histogram, on-demand scaling. */
function endSecond(sim: Simulation, second: number): void {
  const recorder = sim.recorder;
  recorder.perSecond.shards[second] = sim.shardCount;
  recorder.recordShardLoad(second, utilizationRow(sim.secondRecords, sim.secondBytes));
  sim.secondRecords = new Float64Array(sim.shardCount);
  sim.secondBytes = new Float64Array(sim.shardCount);
  for (const p of sim.producers) recordPutLatency(p, recorder.putLatency, recorder.putSecond);
  for (const fh of sim.firehoses) {
    let fullest = 0;
    for (let b = 0; b < fh.buffers; b++) fullest = Math.max(fullest, fh.bufferBytes[b]!);
    fh.fullestPerSecond[second] = fullest;
  }
  recorder.endSecond(second);
  if (sim.onDemand) scaleWithPeak(sim);
}

/** On-demand: capacity follows the peak write of 15 minutes ago (docs/engine.md, "On-demand"). */
function scaleWithPeak(sim: Simulation): void {
  const peakBytes = sim.odPeakBytes;
  const peakRecords = sim.odPeakRecords;
  peakBytes.push(Math.max(sim.odSecondBytes, peakBytes[peakBytes.length - 1] ?? 0));
  peakRecords.push(Math.max(sim.odSecondRecords, peakRecords[peakRecords.length - 1] ?? 0));
  sim.odSecondBytes = 0;
  sim.odSecondRecords = 0;
  const past = peakBytes.length - 1 - SCALE_SECONDS;
  if (past < 0) return;
  const target = onDemandShards(
    Math.max(sim.odCapacity.recordsPerSecond, KINESIS.onDemandPeakMultiple.value * peakRecords[past]!),
    Math.max(sim.odCapacity.bytesPerSecond, KINESIS.onDemandPeakMultiple.value * peakBytes[past]!),
  );
  if (target > sim.shardCount) scaleOnDemand(sim, target);
}

/** The RunResult, through the recorder: what only the model knows at the end goes in with it. */
function assemble(sim: Simulation): RunResult;
function assemble(sim: Simulation, partialSeconds: number): RunResult | undefined;
/** `partialSeconds`: a partial result of at most that many seconds (`RunRecorder.buildPartial`). */
function assemble(sim: Simulation, partialSeconds?: number): RunResult | undefined {
  // Exact: records rejected and scheduled for a retry not yet sent. (An estimate from the retry
  // rates, half a backoff each, missed retries scheduled but not yet started.)
  const pendingAtEnd = sim.producers.reduce((sum, p) => sum + Math.max(0, p.pending) * p.userPerKinesis, 0);
  const run = {
    header: sim.options.header ?? {
      runId: 'model',
      startedAt: '',
      finishedAt: '',
      wallSeconds: 0,
      shardcastVersion: '',
    },
    scenario: {
      name: sim.scenario.name,
      seed: sim.seed,
      durationSeconds: sim.duration,
      tickSeconds: sim.dt,
      target: 'model',
    },
    pendingAtEnd,
    delivered: Object.fromEntries(
      sim.consumers.filter((c) => c.kind !== 'firehose').map((c) => [c.name, c.delivered]),
    ),
    firehose: Object.fromEntries(
      sim.firehoses.map((f) => [
        f.stream.name,
        {
          records: f.records,
          bytes: f.bytes,
          objects: f.objects,
          objectBytes: f.objectBytes,
          throttled: f.throttled,
        },
      ]),
    ),
  };
  return partialSeconds === undefined
    ? sim.recorder.build(run)
    : sim.recorder.buildPartial({
        ...run,
        ...(Number.isFinite(partialSeconds) ? { maxSeconds: partialSeconds } : {}),
      });
}
