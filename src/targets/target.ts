/**
 * A target replays a scenario somewhere and measures it: one contract (docs/style.md habit 5), one
 * implementation per system. `model` is the built-in engine; `aws` and `http` come next.
 *
 * The contract is shaped by what a real system needs and the model does not:
 * - its own options (an endpoint, a region, a stream name), validated before anything runs;
 * - a lifecycle: `prepare` creates what the run needs (a stream, consumers) and returns a session;
 *   the session's `run` replays the scenario; its `cleanup` deletes what `prepare` created. The
 *   pipeline calls `cleanup` whatever happens: after a result, after an error, after an abort
 *   (SIGINT/SIGTERM reach a target as its `signal`);
 * - live observations, one sample per second of the run, for a progress line and streaming gates;
 * - a share of the load, `{ index, count }`, when one run is split across workers;
 * - a statement of the metrics it measures: a gate on any other metric is refused before the run.
 */
import type { z } from 'zod';
import type { PlacedKeys } from '../keys/placement.js';
import type { Plan } from '../planner/types.js';
import type { SecondSample } from '../result/live.js';
import type { RunHeader, RunResult } from '../result/types.js';
import type { Scenario } from '../scenario/schema.js';
import type { WorkerShare } from '../workload/arrivals.js';

/**
 * Which part of the load one worker sends: worker `index` (0-based) of `count`; the workload's
 * arrival schedule gives worker i the records k ≡ i (mod count), so the same type.
 */
export type TargetShare = WorkerShare;

/** The whole load, in one process. */
export const WHOLE_RUN: TargetShare = Object.freeze({ index: 0, count: 1 });

/** What a target is given to prepare and run one scenario. */
export interface TargetContext<Options> {
  /** The scenario as it runs (with `stream.shards` set when the plan sized the stream). */
  scenario: Scenario;
  /** The target's own options, already validated by its `options` schema. */
  options: Options;
  seed: number;
  /** Seconds to run (the scenario's `duration` unless the caller asked for fewer). */
  durationSeconds: number;
  /** The run's identity; `finishedAt` and `wallSeconds` are filled in by the pipeline. */
  header: RunHeader;
  /** This worker's part of the load. */
  share: TargetShare;
  /** Aborted on SIGINT/SIGTERM or by the caller: `run` stops as soon as it can and rejects with `RunAbortedError`. */
  signal: AbortSignal;
  /** Every producer's keys already placed by the plan (a target that routes by key may reuse them). */
  placedKeys?: ReadonlyMap<string, PlacedKeys> | undefined;
  /** The fraction of the run done (0 … 1), for a progress bar. */
  onProgress?: ((fraction: number) => void) | undefined;
  /** One sample per second of the run, in order, as the target observes it. */
  onSample?: ((sample: SecondSample) => void) | undefined;
  /** The scenario's plan (its prices and cost estimate: a real target's cost guard reads them). */
  plan?: Plan | undefined;
  /** Talking to the user before anything costs money; absent: no one to ask (a test, a worker). */
  interaction?: TargetInteraction | undefined;
}

/**
 * The user, as a target may address them before a run: lines to read (the cost estimate, the
 * stream it will use) and a yes/no question (a run against real AWS without `--yes`).
 */
export interface TargetInteraction {
  /** Prints one line for the user (on stderr in the CLI). */
  print(line: string): void;
  /** Whether a person is there to answer (a terminal); false in CI. */
  readonly interactive: boolean;
  /** Asks a yes/no question; resolves false when no one can answer. */
  confirm(question: string): Promise<boolean>;
}

/** What a dry run would do: one line per call, then its totals and the cost estimate. */
export interface DryRunReport {
  lines: string[];
  /** Why the run would be refused (the cost guard), when it would: `run --dry-run` then exits 2. */
  refusal?: string | undefined;
}

/**
 * One command-line flag of a target (`--region eu-west-1`), declared beside its options schema so
 * the CLI can offer it (`run --help` lists each target's flags in a group of their own) without
 * knowing the target. Values reach the schema as written (strings; a repeated `strings` flag as a
 * list; a `boolean` as true or false): the schema converts and checks them (`z.coerce.number()`),
 * and a problem names the flag.
 */
export interface TargetFlag {
  /** The flag without its dashes, kebab-case: `region`, `stream-name`. */
  name: string;
  /** The key of the target's options it sets: `region`, `streamName`. */
  option: string;
  /** `string` takes one value (the last given wins), `strings` is repeatable, `boolean` is a switch. */
  type: 'string' | 'strings' | 'boolean';
  /** One line for `run --help`. */
  description: string;
}

/** A prepared run: what `prepare` set up, ready to run once and to be cleaned up once. */
export interface TargetSession {
  /** Replays the scenario and returns what it measured. */
  run(): Promise<RunResult>;
  /**
   * Deletes or releases what `prepare` created, and nothing else; safe to call after a failed or
   * aborted `run`. Returns one line per resource for the user (`deleted stream shardcast-x`).
   */
  cleanup(): Promise<string[]>;
  /**
   * What was measured so far, after `run` was aborted (a signal, `--abort-on-fail`) or failed:
   * a result over the seconds completed, or undefined when nothing was measured. The pipeline
   * calls it after `cleanup`, marks it aborted (`aborted.secondsDone` is its
   * `scenario.durationSeconds`) and the CLI writes it. Build it with `RunRecorder.buildPartial`
   * (series cut to the seconds closed, counters their sums), with the target's own metrics and
   * `target` section as in a whole result.
   */
  partial?(): RunResult | undefined;
}

export interface Target<Options = unknown> {
  name: string;
  /** One line: what the target runs against. */
  describe(): string;
  /** Its options, validated before anything runs (`{}` for a target without any). */
  options: z.ZodType<Options>;
  /** The command-line flags that set its options; none when absent (a target without options). */
  flags?: readonly TargetFlag[];
  /**
   * The run metrics it measures, as patterns of the names in the README's "Run metrics" table:
   * a `*` segment stands for one name segment (`consumers.*.lagSeconds`), a final `**` for any
   * rest (`firehose.**`). A gate on a run metric that matches none is refused before the run.
   */
  measures: readonly string[];
  /**
   * What it measures with these options, when that depends on them (the http target reads the
   * stream behind its front only with `--verify-stream`); `measures` when absent. Gates are
   * checked against this once the options are valid.
   */
  measuresWith?(options: Options): readonly string[];
  /** Whether it can run a share of the load (`share.count` > 1); a target that cannot refuses one. */
  supportsShares: boolean;
  /** Why it cannot run a share, for the message refusing one (`it simulates the whole stream`). */
  whyNoShares?: string;
  /**
   * Refuses, before anything is prepared, a run this target cannot do (the model: more work than
   * it bounds), by throwing a `ShardcastError` (exit 2) that says what to change.
   */
  checkRun?(scenario: Scenario, durationSeconds: number): void;
  /**
   * Checks what must be true before anything costs time or money, creates what the run needs, and
   * returns the session. When it throws, it has created nothing (or removed what it created
   * itself): the pipeline has no session to clean up.
   */
  prepare(context: TargetContext<Options>): Promise<TargetSession>;
  /**
   * The run metrics of its own it adds to every result (`integrity.<consumer>.missing`,
   * `requests.PutRecords.ok`), as patterns like `measures`: known before the run, so a scenario's
   * gate on one is accepted (and checked against this target's `measures`).
   */
  ownMetrics?(scenario: Scenario): readonly string[];
  /**
   * `run --dry-run`: what `prepare` and `run` would do, without a single network call. A target
   * without one refuses `--dry-run`.
   */
  dryRun?(context: TargetContext<Options>): Promise<DryRunReport>;
  /**
   * What one run would cost, from the scenario, its plan and the options alone (no network call):
   * a search sums it over every point before the first runs, and holds the whole sweep to
   * `costLimitUsd`. Absent: the target costs nothing (the model, http: it creates nothing).
   */
  estimateCost?(context: TargetCostContext<Options>): TargetCostEstimate;
  /** The most a run with these options may cost (its `--max-cost`, or a default); none when undefined. */
  costLimitUsd?(options: Options): number | undefined;
  /**
   * Whether a run with these options needs a person's yes before it costs money (aws: an endpoint
   * that is not local, without `--yes`). Absent: it never does.
   */
  needsConfirmation?(options: Options): boolean;
}

/** What a cost estimate reads: the run's scenario (its shards set), its options, how long, its plan. */
export type TargetCostContext<Options> = Pick<
  TargetContext<Options>,
  'scenario' | 'options' | 'durationSeconds' | 'plan'
>;

/** One run's estimated cost: the total and its lines for people (headline, items, notes). */
export interface TargetCostEstimate {
  totalUsd: number;
  lines: string[];
}

/** Targets by name: the CLI's `--target` choices; tests and later releases add their own. */
export type TargetRegistry = ReadonlyMap<string, Target<unknown>>;
