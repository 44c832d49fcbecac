/**
 * The search's shared vocabulary (`shardcast sweep`, `shardcast find`): a grid of `--set`
 * overrides, one point of it run with one or more seeds, and what each run said. Plain data only:
 * points cross worker threads as structured clones, and the table is written as JSON and CSV.
 */

/** One `--vary PATH=VALUES` axis: a `--set` path and the values it takes, in order. */
export interface Axis {
  /** The path as `--set` writes it: `stream.shards`, `producers[0].rate`. */
  path: string;
  /** The argument as given, for problems and the report: `stream.shards=8..64 step 8`. */
  text: string;
  values: AxisValue[];
}

export interface AxisValue {
  /** The value as `--set` takes it after `=` (YAML): `16`, `4k/s`, `on-demand`. */
  text: string;
  /**
   * The value as a number in base units, when it is one, for charts and bisection: `16`; a rate
   * `4k/s` is 4000 (records/s) and `2MiB/s` is 2097152 (bytes/s); undefined for a word
   * (`on-demand`, `polling`).
   */
  numeric?: number | undefined;
}

/** One point of a grid: a value of every axis. */
export interface GridPoint {
  /** Its place in the grid, from 0, axes in the order given, the last one varying fastest. */
  index: number;
  /** Each axis's value at this point, by the axis's path, as written (`{ "stream.shards": "16" }`). */
  at: Record<string, string>;
  /** The `--set` arguments that make it: the command's own `--set`s, then `PATH=VALUE` per axis. */
  overrides: string[];
  /**
   * A multiplier of every producer's rate (`find --maximize load`), applied after the overrides;
   * 1 (or absent) for none.
   */
  load?: number | undefined;
}

/** How many seeds must pass for a point to pass (`--seeds N`, `--pass-share S`). */
export interface PassRule {
  /** The seeds each point runs with: the scenario's seed, then seed + 1, … (N in all). */
  seeds: number;
  /** The share of them that must pass every gate: 1 (all) by default. */
  share: number;
}

/** One gate at one run: what it allowed, what was measured, by how much it passed or failed. */
export interface GateOutcome {
  /** As written: `putLatency.p99 < 250ms`. */
  gate: string;
  metric: string;
  passed: boolean;
  /** Base units; null when not measured. */
  measured: number | null;
  allowed: number;
  /**
   * How far from its threshold, relative to it: (allowed − measured) ÷ |allowed| for `<`/`<=`,
   * (measured − allowed) ÷ |allowed| for `>`/`>=` (absolute when allowed is 0): positive passes
   * with room, negative fails, near 0 is on the edge. null when not measured or for `==`/`!=`.
   */
  margin: number | null;
}

/** One run of a point with one seed. */
export interface SeedRun {
  seed: number;
  /** Every gate passed. */
  passed: boolean;
  gates: GateOutcome[];
  /** The plan's and the run's metrics as the gates saw them (the run's win a shared name). */
  metrics: Record<string, number>;
  /** Wall seconds the plan and the run took. */
  wallSeconds: number;
}

/** A point and its runs. */
export interface PointOutcome {
  point: GridPoint;
  /** One per seed, in seed order; empty when the point could not run (`error`). */
  runs: SeedRun[];
  /** Passed by the pass rule: at least `share` of its seeds passed every gate. */
  passed: boolean;
  /** The share of seeds that passed every gate. */
  passShare: number;
  /**
   * The metrics over its seeds: each the mean (with one seed, that run's). Gate verdicts are per
   * seed (`runs`): a mean may pass where a seed failed.
   */
  metrics: Record<string, number>;
  /**
   * The gate with the least margin over the seeds (the one that binds, or fails first), by its
   * text; undefined when there are no gates.
   */
  binding?: string | undefined;
  /**
   * Why the point could not run, when it could not (its scenario invalid at this value, the
   * model's work bound): it neither passes nor fails, and is listed with the reason.
   */
  error?: string | undefined;
}

/** Runs points: in worker threads (`pool.ts`) or in this thread (tests, a real target). */
export interface PointRunner {
  run(point: GridPoint): Promise<PointOutcome>;
  /** How many points it runs at once (its worker threads); 1 when absent. A search asks this many at a time. */
  readonly size?: number | undefined;
  /** Stops the workers; pending runs reject. */
  close(): Promise<void>;
}

/** What `find` answers (`--json` prints it as `{ value, bracket, binding, … }`). */
export interface FindAnswer {
  goal: 'maximize' | 'minimize';
  /** What was searched: `load`, `producers[0].rate`, `stream.shards`, `cost.monthly.total`. */
  subject: string;
  /** The value's unit: `factor` (load), `records/s` or `bytes/s` (a rate), `shards`, `USD/month`. */
  unit: string;
  /**
   * The answer in base units: the largest passing value (maximize), the smallest (minimize); null
   * when no value tried passes (or, maximizing, every value up to the search's limit does: see `bracket`).
   */
  value: number | null;
  /**
   * The runs that bracket it: the passing value and the failing one next to it (maximize:
   * [passes, fails]; minimize a count: [fails, passes]); null on a side no run reached.
   */
  bracket: [number | null, number | null];
  /** The gate that binds at the edge: the one the bracket's failing side failed (or the least margin). */
  binding?: string | undefined;
  /** The stated resolution: relative (0.01 = 1 %) for a rate or load, 1 for a count. */
  resolution: number;
  /** The index in `points` of the passing and failing bracket points (for the report). */
  bracketPoints?: [number | null, number | null] | undefined;
  /** How close the bracket's points were to flipping: each one's pass share and binding margin, in words. */
  closeness?: string | undefined;
  /**
   * Why the search ended without a value, short of its resolution, or interrupted: "every value
   * up to … passed: no edge found". Undefined when it simply found its answer.
   */
  message?: string | undefined;
}

/** A sweep's or a find's whole outcome: the table of points, written as JSON, CSV and HTML. */
export interface SearchTable {
  kind: 'sweep' | 'find';
  scenario: { name: string; file: string };
  /** The grid's axes (a find over a rate or the load has none: its points carry `load` or an override). */
  axes: Axis[];
  /** Every gate each point was judged by, as written: the scenario's then `--gate`/`--subject-to`. */
  gates: string[];
  rule: PassRule;
  /** Every point run, in the order run (a sweep: grid order; a find: search order). */
  points: PointOutcome[];
  /** A find's answer. */
  answer?: FindAnswer | undefined;
  header: {
    shardcastVersion: string;
    startedAt: string;
    wallSeconds: number;
    /** Worker threads used. */
    parallel: number;
    /** The target the points ran on when not the model (`aws`, `http`); absent: the model. */
    target?: string | undefined;
    /** Seconds of each run (the scenario's duration or `--duration`). */
    durationSeconds: number;
    /**
     * Set when the search stopped before its end (SIGINT): `points` holds the ones that finished,
     * of `pointsTotal`.
     */
    partial?: { pointsDone: number; pointsTotal: number } | undefined;
  };
}
