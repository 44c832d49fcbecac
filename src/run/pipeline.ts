/**
 * The run pipeline: a loaded scenario through key placement, the plan, a target and the gates, as
 * one function the CLI, the programmatic API, a sweep or a distributed worker call alike.
 *
 * Why a folder of its own, `run/`: it sits above `planner/`, `targets/`, `gates/` and `result/`
 * (it composes them) and below `cli/` (which only parses arguments, calls it, prints and picks the
 * exit code). In `cli/` a sweep or a worker could not reuse it without the CLI's `Io`; in
 * `targets/` the targets would import the planner, which a target never needs. Nothing here
 * touches `process`, stdout or the filesystem: time comes from `options.now`, progress goes to a
 * callback, and the artefacts are written by `writeArtifacts` through a writer it is given.
 */
import {
  type CleanupReport,
  ExitCode,
  RunAbortedError,
  ShardcastError,
  type SourceLocation,
} from '../errors.js';
import { evaluateGates, type GateVerdict } from '../gates/evaluate.js';
import type { Gate } from '../gates/expression.js';
import { LiveGates } from '../gates/live.js';
import { parseScenarioGates } from '../gates/validate.js';
import { placeProducerKeys } from '../keys/placement.js';
import { planScenario } from '../planner/index.js';
import type { Plan } from '../planner/types.js';
import type { SecondSample } from '../result/live.js';
import type { RunResult } from '../result/types.js';
import { BOUNDS } from '../scenario/bounds.js';
import { scenarioHash } from '../scenario/hash.js';
import type { Scenario } from '../scenario/schema.js';
import { formatSeconds } from '../scenario/units.js';
import {
  type DryRunReport,
  type Target,
  type TargetInteraction,
  type TargetSession,
  type TargetShare,
  WHOLE_RUN,
} from '../targets/target.js';
import { SHARDCAST_VERSION } from '../version.js';
import { checkMeasuredGates, checkShare, type LocateOption, parseTargetOptions } from './target-inputs.js';

export interface RunScenarioOptions {
  /** The engine's seed; the scenario's own `seed` when absent. */
  seed?: number | undefined;
  /** Seconds to run; the scenario's `duration` when absent. */
  durationSeconds?: number | undefined;
  /** Gates beyond the scenario's own `gates:`, already parsed (the CLI's `--gate`). */
  gates?: readonly Gate[] | undefined;
  /** Where the scenario's own gates came from, for their locations (`gates[2]` of this file). */
  scenarioFile?: string | undefined;
  /** The `--set PATH=VALUE` overrides the scenario was loaded with, recorded in the plan and the result. */
  overrides?: readonly string[] | undefined;
  /** The clock: read once before the run (startedAt, the run id) and once after (finishedAt). */
  now?: (() => Date) | undefined;
  /** The run's id; `<yyyymmdd-hhmmss>-s<seed>` of the start (UTC) when absent, then `-<runIdSuffix()>` when given. */
  runId?: string | undefined;
  /**
   * A suffix that makes the run's id unique (the CLI's: random hex): two runs of one scenario
   * started in the same second with the same seed would otherwise share an id, and a folder.
   */
  runIdSuffix?: (() => string) | undefined;
  /** Written into the result's header and the report; this package's version when absent. */
  shardcastVersion?: string | undefined;
  /** Where the scenario's paths are (the loader's `locate`): a gate's problem then names its line. */
  locateInScenario?: ((path: readonly (string | number)[]) => SourceLocation) | undefined;
  /** The target's own options, validated by its `options` schema before anything runs (`{}` when absent). */
  targetOptions?: unknown;
  /** Where each option was given, for its problems (the CLI names its flag); `<target> target options` when absent. */
  locateOption?: LocateOption | undefined;
  /** This worker's part of the load; the whole of it when absent. Checked before anything runs. */
  share?: TargetShare | undefined;
  /** The share as the caller wrote it, for its problems (the CLI's `--worker 2/4`). */
  describeShare?: ((share: TargetShare) => string) | undefined;
  /**
   * Stops the run: the target stops as soon as it can, its cleanup runs, and `runScenario` rejects
   * with a `RunAbortedError` saying how far it got and what cleanup did.
   */
  signal?: AbortSignal | undefined;
  /** The fraction of the run done, as the target reports it (for a progress bar). */
  onProgress?: ((fraction: number) => void) | undefined;
  /** One sample per second of the run, as the target observes it (for a live progress line and streaming gates). */
  onSample?: ((sample: SecondSample) => void) | undefined;
  /** What the target's cleanup did, after every run that prepared: a success, an error, an abort. */
  onCleanup?: ((report: CleanupReport) => void) | undefined;
  /**
   * Called once every input check has passed and before the target starts: where a caller
   * prepares what must not wait for a long run to fail (the CLI creates its `--out` directory
   * here, and says when the plan sized the stream). An error thrown here stops the run.
   */
  beforeRun?: ((ready: ReadyRun) => void) | undefined;
  /**
   * Stops the run as soon as a gate has failed beyond recovery (src/gates/live.ts: a total that
   * only grows or a maximum already past what the gate allows), k6's abortOnFail: the target is
   * stopped through its signal, cleans up, and its partial result is returned marked aborted.
   */
  abortOnFail?: boolean | undefined;
  /** The user, for a target that asks before it costs money (`TargetContext.interaction`). */
  interaction?: TargetInteraction | undefined;
  /**
   * Every producer's keys already placed (`placeProducerKeys`), by producer name: a search reuses
   * one placement over its points (it does not depend on the shard count). Placed here when absent.
   */
  placedKeys?: ReturnType<typeof placeProducerKeys> | undefined;
}

/** What is settled before the target runs. */
export interface ReadyRun {
  plan: Plan;
  runId: string;
  seed: number;
  /** The shard count the run uses when the scenario has no `stream.shards`: the plan's recommendation. */
  shardsFromPlan: number | undefined;
}

/** What a run produced: everything the CLI prints and `writeArtifacts` writes. */
export interface RunOutcome extends ReadyRun {
  /** The scenario as the target ran it (with `stream.shards` set when the plan sized it). */
  scenario: Scenario;
  /** The target's name (`model`). */
  target: string;
  result: RunResult;
  /** The scenario's gates, then the extra ones, in the order they were evaluated. */
  gates: Gate[];
  verdicts: GateVerdict[];
  /** The plan's metrics and the run's (the run's win a shared name), as the gates saw them. */
  metrics: Record<string, number>;
  /** What the target's cleanup did; a failed cleanup leaves the result valid and is the caller's to report. */
  cleanup: CleanupReport;
}

/**
 * Plans `scenario`, runs it on `target` and evaluates its gates over the plan's and the run's
 * metrics. A provisioned stream without `stream.shards` runs at the plan's recommended count.
 *
 * The target's lifecycle: its options, the share and every gate's metric are checked first; then
 * `prepare` → `session.run()` → `session.cleanup()`, the cleanup after a result, after an error
 * (rethrown once cleanup is done; a cleanup failure goes to `onCleanup`, never in its place) and
 * after an abort of `options.signal`.
 *
 * A run stopped early (`options.signal`, or a gate failed beyond recovery with `abortOnFail`) asks
 * the session, after its cleanup, for what it measured so far (`session.partial()`): that result
 * is marked `aborted` (why, the seconds it covers, the seconds the run was to last) and its gates
 * evaluated, as for a finished run. Stopped by a gate, the outcome is returned (its gates failed:
 * exit 1); stopped by the signal, it rides on the `RunAbortedError` as `partial` (exit 130).
 * @throws ShardcastError (exit 2) when the duration is out of bounds, the target refuses the run (the model: its work is too large),
 * a target option is invalid, the share cannot run, or a gate names a metric the target does not
 * measure, before anything runs; `RunAbortedError` (exit 130) when `options.signal` stopped it,
 * or (its `stoppedBy` `gate`, exit 1) when a gate stopped it and the target had nothing partial.
 */
export async function runScenario<Options>(
  scenario: Scenario,
  target: Target<Options>,
  options: RunScenarioOptions = {},
): Promise<RunOutcome> {
  const now = options.now ?? (() => new Date());
  const checked = checkRunInputs(scenario, target, options);
  const { gates, plan, targetOptions, share, placedKeys, ran, runSeconds, overrides } = checked;
  const started = now();
  const seed = options.seed ?? scenario.seed;
  const suffix = options.runIdSuffix?.();
  const runId = options.runId ?? `${stamp(started)}-s${seed}${suffix === undefined ? '' : `-${suffix}`}`;
  const ready: ReadyRun = { plan, runId, seed, shardsFromPlan: checked.shardsFromPlan };
  options.beforeRun?.(ready);

  const shardcastVersion = options.shardcastVersion ?? SHARDCAST_VERSION;
  const callerSignal = options.signal ?? new AbortController().signal;
  // The target's signal: the caller's, and this pipeline's own for a gate failed beyond recovery.
  const stopper = new AbortController();
  const stopByCaller = () => stopper.abort(callerSignal.reason);
  if (callerSignal.aborted) stopByCaller();
  else callerSignal.addEventListener('abort', stopByCaller, { once: true });
  const signal = stopper.signal;
  // Why the pipeline stopped the run itself (`--abort-on-fail`); undefined when it did not.
  let gateStop: string | undefined;
  const liveGates = options.abortOnFail === true ? new LiveGates(gates) : undefined;
  // How far the run got, for the line an abort prints: the later of the samples and the progress.
  let secondsDone = 0;
  // Whether the session's run had started (a signal during planning or `prepare` stops before it).
  let running = false;
  const aborted = (cause: unknown, cleanup?: CleanupReport, partial?: RunOutcome) =>
    new RunAbortedError(
      gateStop !== undefined
        ? `${gateStop}, after ${formatSeconds(secondsDone)} of ${formatSeconds(runSeconds)}`
        : !running
          ? `stopped before the run started (${formatSeconds(runSeconds)} to run)`
          : // A target that computes without yielding sees the signal only at its end.
            secondsDone >= runSeconds
            ? `stopped as the run ended (${formatSeconds(runSeconds)})`
            : `stopped after ${formatSeconds(secondsDone)} of ${formatSeconds(runSeconds)}`,
      {
        secondsDone,
        durationSeconds: runSeconds,
        ...(cleanup === undefined ? {} : { cleanup }),
        ...(partial === undefined ? {} : { partial }),
        stoppedBy: gateStop === undefined ? 'signal' : 'gate',
        cause,
      },
    );
  try {
    if (signal.aborted) throw aborted(signal.reason);
    const { onProgress, onSample } = options;
    let session: TargetSession;
    try {
      session = await target.prepare({
        scenario: ran,
        options: targetOptions,
        seed,
        durationSeconds: runSeconds,
        header: { runId, startedAt: started.toISOString(), finishedAt: '', wallSeconds: 0, shardcastVersion },
        share,
        signal,
        placedKeys,
        plan,
        interaction: options.interaction,
        onProgress:
          onProgress === undefined
            ? (fraction) => {
                secondsDone = Math.max(secondsDone, fraction * runSeconds);
              }
            : (fraction) => {
                secondsDone = Math.max(secondsDone, fraction * runSeconds);
                onProgress(fraction);
              },
        onSample: (sample) => {
          secondsDone = Math.max(secondsDone, sample.second + 1);
          onSample?.(sample);
          // After the caller saw the sample (its progress line prints the failure first).
          const failure = liveGates?.observe(sample)[0];
          if (failure !== undefined && gateStop === undefined && !signal.aborted) {
            gateStop = `a gate failed beyond recovery: ${failure.gate.text}`;
            stopper.abort(gateStop);
          }
        },
      });
    } catch (error) {
      // `prepare` leaves nothing behind when it throws (the contract): there is no session to clean
      // up. What it removed itself on the way out (a target that was creating when the signal
      // came) is its cleanup report.
      const removed = error instanceof RunAbortedError ? error.cleanup : undefined;
      throw signal.aborted ? aborted(error, removed) : error;
    }
    let result: RunResult;
    try {
      if (signal.aborted) throw signal.reason;
      running = true;
      result = await session.run();
      // A signal that came while the run computed without yielding waits in the
      // event loop: one turn delivers it, and a user who pressed Ctrl-C gets the interrupt they asked for.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // A gate that failed in the run's last stretch (the model saw the stop only at its end):
      // the whole result is there, and its gates fail as a finished run's.
      if (callerSignal.aborted) throw callerSignal.reason;
    } catch (error) {
      const cleanup = await cleanUp(session, options.onCleanup);
      if (!signal.aborted) throw error;
      // What was measured before the stop, written like a finished run's, marked aborted.
      const partial = partialResult(session);
      if (partial === undefined) throw aborted(error, cleanup);
      partial.aborted = {
        reason: gateStop ?? abortReason(callerSignal.reason),
        secondsDone: partial.scenario.durationSeconds,
        durationSeconds: runSeconds,
      };
      secondsDone = partial.scenario.durationSeconds;
      const outcome = finishOutcome(partial, cleanup);
      if (gateStop !== undefined) return outcome;
      throw aborted(error, cleanup, outcome);
    }
    const cleanup = await cleanUp(session, options.onCleanup);
    return finishOutcome(result, cleanup);
  } finally {
    callerSignal.removeEventListener('abort', stopByCaller);
  }

  /** The run's outcome from its result: the pipeline's part of the header and scenario, the gates. */
  function finishOutcome(result: RunResult, cleanup: CleanupReport): RunOutcome {
    if (checked.shardsFromPlan !== undefined)
      result.scenario = { ...result.scenario, shardsFromPlan: checked.shardsFromPlan };
    if (overrides.length > 0) result.scenario = { ...result.scenario, overrides };
    const finished = now();
    result.header = {
      ...result.header,
      finishedAt: finished.toISOString(),
      wallSeconds: (finished.getTime() - started.getTime()) / 1000,
    };
    // Which inputs made it: `compare` warns when two results of one name ran different scenarios.
    result.scenario = { ...result.scenario, hash: scenarioHash(scenario) };
    // What the target created and what became of it, as its cleanup says (it ran after the result
    // was built): a deletion that failed is not reported as done.
    if (result.target !== undefined) {
      result.target = {
        ...result.target,
        resources: [
          ...result.target.resources,
          ...(cleanup.ok
            ? cleanup.lines.map((line) => `cleanup: ${line}`)
            : [
                `cleanup failed: ${cleanup.error instanceof Error ? cleanup.error.message : String(cleanup.error)}`,
              ]),
        ],
      };
    }

    const metrics = { ...plan.metrics, ...result.metrics };
    const verdicts = evaluateGates(gates, metrics);
    return { ...ready, scenario: ran, target: target.name, result, gates, verdicts, metrics, cleanup };
  }
}

/** The partial outcome a `RunAbortedError` from `runScenario` carries, when the target had one. */
export function partialOutcome(error: RunAbortedError): RunOutcome | undefined {
  return error.partial as RunOutcome | undefined;
}

/** The session's partial result, or undefined when it has none or fails to build one. */
function partialResult(session: TargetSession): RunResult | undefined {
  try {
    return session.partial?.();
  } catch {
    // A partial result is a courtesy after an abort: failing to build one must not hide the abort
    // (the run then says "nothing written").
    return undefined;
  }
}

/** Why the caller stopped the run, in words: its reason's message (`stopped by SIGINT`). */
function abortReason(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') return reason.message;
  return 'stopped by the caller';
}

/** What every input check found: what `runScenario` runs and `dryRunScenario` describes. */
interface CheckedRun<Options> {
  gates: Gate[];
  plan: Plan;
  targetOptions: Options;
  share: TargetShare;
  placedKeys: ReturnType<typeof placeProducerKeys>;
  /** The scenario as the target runs it (with `stream.shards` when the plan sized it). */
  ran: Scenario;
  runSeconds: number;
  overrides: string[];
  shardsFromPlan: number | undefined;
}

/**
 * Every check before a target is touched: the duration, the target's options, the share, the
 * gates (parsed; each one's metric the plan's or the target's), the plan, the target's own
 * `checkRun`. Input errors throw (exit 2).
 */
function checkRunInputs<Options>(
  scenario: Scenario,
  target: Target<Options>,
  options: RunScenarioOptions,
): CheckedRun<Options> {
  const durationSeconds = options.durationSeconds;
  // The scenario's own duration was bounded when it loaded; a caller's is checked here (the CLI
  // checks `--duration` first, to name its argument).
  if (durationSeconds !== undefined && !(durationSeconds > 0 && durationSeconds <= BOUNDS.duration.max)) {
    throw new ShardcastError(
      'usage',
      `durationSeconds ${durationSeconds} is not above 0 and at most ${formatSeconds(BOUNDS.duration.max)}, ${BOUNDS.duration.why}`,
      ExitCode.invalidInput,
    );
  }
  const targetOptions = parseTargetOptions(target, options.targetOptions, options.locateOption);
  const share = options.share ?? WHOLE_RUN;
  checkShare(target as Target<unknown>, share, options.describeShare);
  // The scenario's gates were checked against the metrics when it loaded: only parsed here.
  const gates = [
    ...parseScenarioGates(
      scenario.gates,
      options.scenarioFile ?? scenario.name,
      undefined,
      options.locateInScenario,
    ),
    ...(options.gates ?? []),
  ];
  const overrides = [...(options.overrides ?? [])];

  // Keys hashed once for the plan and the target (each costs ~0.35 µs a key: 1 M keys twice was ~0.3 s).
  const placedKeys = options.placedKeys ?? placeProducerKeys(scenario.producers);
  const plan = planScenario(scenario, { placedKeys });
  if (overrides.length > 0) plan.scenario.overrides = overrides;
  // Before `prepare`: a real target would have created a stream for a gate it cannot check.
  const measured = target.measuresWith?.(targetOptions);
  checkMeasuredGates(
    (measured === undefined ? target : { ...target, measures: measured }) as Target<unknown>,
    gates,
    plan.metrics,
    scenario,
  );
  // A provisioned stream without `stream.shards` runs at the count the plan recommends, and says so.
  const shardsFromPlan = plan.shards.sizedByPlan ? plan.shards.recommended : undefined;
  const ran =
    shardsFromPlan === undefined
      ? scenario
      : { ...scenario, stream: { ...scenario.stream, shards: shardsFromPlan } };
  // The target's own checks of what it is asked to run (the model bounds its work), at the count
  // it runs with (a stream sized by the plan has one now), before anything is prepared.
  target.checkRun?.(ran, durationSeconds ?? scenario.duration);
  return {
    gates,
    plan,
    targetOptions,
    share,
    placedKeys,
    ran,
    runSeconds: durationSeconds ?? scenario.duration,
    overrides,
    shardsFromPlan,
  };
}

/** What `run --dry-run` prints: the target's report, and whether the run would be refused. */
export interface DryRunOutcome extends DryRunReport {
  target: string;
  plan: Plan;
}

/**
 * `run --dry-run`: every input check `runScenario` makes, then the target's own dry run (what it
 * would create and call, its cost estimate and guard) with no network call and nothing created.
 * @throws ShardcastError (exit 2) for what `runScenario` refuses before it runs, and for a target
 * without a dry run (the model: its runs cost nothing and touch nothing).
 */
export async function dryRunScenario<Options>(
  scenario: Scenario,
  target: Target<Options>,
  options: Omit<
    RunScenarioOptions,
    'beforeRun' | 'onProgress' | 'onSample' | 'onCleanup' | 'abortOnFail'
  > = {},
): Promise<DryRunOutcome> {
  const checked = checkRunInputs(scenario, target, options);
  if (target.dryRun === undefined) {
    throw new ShardcastError(
      'usage',
      target.name === 'model'
        ? 'the model target has no dry run: its runs cost nothing and touch nothing'
        : `the ${target.name} target has no dry run`,
      ExitCode.invalidInput,
      target.name === 'model' ? 'run it without --dry-run' : undefined,
    );
  }
  const now = (options.now ?? (() => new Date()))();
  const seed = options.seed ?? scenario.seed;
  const runId = options.runId ?? `${stamp(now)}-s${seed}`;
  const report = await target.dryRun({
    scenario: checked.ran,
    options: checked.targetOptions,
    seed,
    durationSeconds: checked.runSeconds,
    header: {
      runId,
      startedAt: now.toISOString(),
      finishedAt: '',
      wallSeconds: 0,
      shardcastVersion: options.shardcastVersion ?? SHARDCAST_VERSION,
    },
    share: checked.share,
    signal: options.signal ?? new AbortController().signal,
    placedKeys: checked.placedKeys,
    plan: checked.plan,
    interaction: options.interaction,
  });
  return { ...report, target: target.name, plan: checked.plan };
}

/** Runs the session's cleanup once, whatever happened, and reports what it did; it never throws. */
async function cleanUp(
  session: TargetSession,
  onCleanup: ((report: CleanupReport) => void) | undefined,
): Promise<CleanupReport> {
  let report: CleanupReport;
  try {
    report = { ok: true, lines: await session.cleanup() };
  } catch (error) {
    report = { ok: false, error };
  }
  try {
    onCleanup?.(report);
  } catch {
    // The caller's display of the report failed: the report is still returned, and the run's own
    // error (if any) is not replaced by this one.
  }
  return report;
}

/** `20250101-000000`: a run id's start, UTC, sortable and safe in a folder name. */
function stamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}
