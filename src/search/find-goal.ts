/**
 * What `shardcast find` is asked (`--maximize PATH|load`, `--minimize shards|METRIC`), checked
 * against the scenario, and the search that answers it with its starting point from the plan.
 *
 * Starting points (the planner's estimate of the edge):
 * - `load`: at the configured count the fullest shard runs at `hotKey.maxShardUtilizationAtConfigured`
 *   u of its limit (the larger of records ÷ 1,000/s and bytes ÷ 1 MiB/s, at the planning instant's
 *   peak, src/planner/hot-keys.ts); every rate × 1/u brings it to its limit. On-demand: the stream's
 *   capacity without scaling over the peak write, min(capacity records ÷ peak records, capacity
 *   bytes ÷ peak bytes) (src/planner/on-demand.ts).
 * - a producer's rate: its rate × the same factor (exact with one producer; with several, scaling
 *   one moves the fullest shard less, the edge lies higher and the doubling finds it).
 * - shards: `shards.required`, then `shards.recommended`.
 */
import { ExitCode, ShardcastError } from '../errors.js';
import { metricQuantity } from '../gates/metrics.js';
import type { Plan } from '../planner/types.js';
import { BOUNDS } from '../scenario/bounds.js';
import { parsePath } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytesPerSecond, formatNumber, plural } from '../scenario/units.js';
import {
  type FindLimits,
  type FindOutcome,
  maximize,
  minimizeCount,
  minimizeOver,
  optionText,
} from './find.js';
import { gridPoints } from './grid.js';
import type { Axis, GridPoint, PointRunner } from './types.js';

/** `--maximize` or `--minimize`, as given. */
export type FindGoalArgs =
  | { maximize: string; minimize?: undefined }
  | { minimize: string; maximize?: undefined };

export interface FindRequest {
  goal: FindGoalArgs;
  /** The scenario with the command's `--set`s applied (each point starts from these). */
  scenario: Scenario;
  plan: Plan;
  /** The command's `--set` arguments. */
  overrides: readonly string[];
  /** `--vary` axes (the options of `--minimize METRIC`). */
  axes: readonly Axis[];
  /** Relative, for a rate or the load (0.01 = 1 %). */
  resolution: number;
  /** Metrics a gate may name for this scenario (a metric minimized must be one). */
  knownMetrics: readonly string[];
  limits?: FindLimits;
}

/** A search ready to run: what it is about, and notes the user should read before its answer. */
export interface FindSearch {
  subject: string;
  unit: string;
  /** `--vary` axes searched (a one-dimensional search has none). */
  axes: Axis[];
  /** Said before the answer: a count held where the scenario left it open. */
  notes: string[];
  /** A value of the subject in words, with its unit: `×1.013 (8,104 records/s of web)`. */
  describe: (value: number) => string;
  /** What was asked, in words, for the answer's line: "the most load 8 shards carry". */
  question: string;
  run(runner: PointRunner, stopped?: () => boolean): Promise<FindOutcome>;
}

const usage = (message: string, hint?: string) =>
  new ShardcastError('usage', message, ExitCode.invalidInput, hint);

const MAXIMIZE_HINT =
  'write --maximize load (every producer’s rate times a factor) or --maximize producers[N].rate (one producer’s constant rate)';

/** The search `request` asks for, or exit 2 saying why it cannot be asked of this scenario. */
export function findSearch(request: FindRequest): FindSearch {
  const { goal } = request;
  if (goal.maximize !== undefined) {
    if (request.axes.length > 0)
      throw usage(
        '--vary lists options for --minimize METRIC; --maximize searches one value',
        'drop --vary, or fix a value with --set',
      );
    return goal.maximize.trim() === 'load'
      ? maximizeLoad(request)
      : maximizeRate(request, goal.maximize.trim());
  }
  const metric = goal.minimize.trim();
  if (metric === 'shards' || metric === 'stream.shards') {
    if (request.axes.length > 0)
      throw usage('--vary lists options for --minimize METRIC; --minimize shards searches the count itself');
    return minimizeShards(request);
  }
  return minimizeMetric(request, metric);
}

/**
 * `stream.shards` held where the run would put it: a provisioned stream without a count runs at
 * the recommended count of each point's own plan, which grows with the load, so no load would
 * ever fail. The search holds the count the plan recommends for the scenario as given.
 */
function heldShards(request: FindRequest): { overrides: string[]; notes: string[]; shards: number | null } {
  const { scenario, plan } = request;
  if (scenario.stream.mode !== 'provisioned')
    return { overrides: [...request.overrides], notes: [], shards: null };
  if (scenario.stream.shards !== undefined)
    return { overrides: [...request.overrides], notes: [], shards: scenario.stream.shards };
  const shards = plan.shards.recommended;
  return {
    overrides: [...request.overrides, `stream.shards=${shards}`],
    notes: [
      `stream.shards is not set: the search holds it at the plan's recommended ${plural(shards, 'shard')} (a run would size each load anew); set it with --set stream.shards=N`,
    ],
    shards,
  };
}

/** The factor of every rate at which the plan puts the stream at its limit (see the file's note). */
export function plannedLoadFactor(plan: Plan, scenario: Scenario): number {
  if (scenario.stream.mode === 'provisioned') {
    const u = plan.hotKeys.atConfigured?.utilization ?? plan.hotKeys.atRecommended.utilization;
    return u > 0 && Number.isFinite(u) ? 1 / u : 1;
  }
  const d = plan.onDemand;
  if (d === null) return 1;
  const byRecords =
    d.peakRecordsPerSecond > 0 ? d.capacityRecordsPerSecond / d.peakRecordsPerSecond : Infinity;
  const byBytes = d.peakBytesPerSecond > 0 ? d.capacityBytesPerSecond / d.peakBytesPerSecond : Infinity;
  const factor = Math.min(byRecords, byBytes);
  return Number.isFinite(factor) && factor > 0 ? factor : 1;
}

/** The stream as the subject of a sentence, with its verb: "8 shards carry", "1 shard carries". */
function streamCarries(scenario: Scenario, shards: number | null): string {
  if (shards !== null) return `${plural(shards, 'shard')} ${shards === 1 ? 'carries' : 'carry'}`;
  return `the ${scenario.stream.mode} stream carries`;
}

function streamWords(scenario: Scenario, shards: number | null): string {
  if (shards !== null) return plural(shards, 'shard');
  return `the ${scenario.stream.mode} stream`;
}

/**
 * The largest load factor the model takes: the stream's peak write (records and bytes, the plan's
 * `traffic.peak…`) times it stays within what the most shards modelled accept (BOUNDS: 10^8
 * records/s, 100,000 MiB/s). A rate past it does not even load; a load past it runs, slowly.
 */
function loadLimit(plan: Plan): { max: number; why: string } {
  const records = plan.metrics['traffic.peakRecordsPerSecond'] ?? 0;
  const bytes = plan.metrics['traffic.peakWriteBytesPerSecond'] ?? 0;
  const byRecords = records > 0 ? BOUNDS.recordsPerSecond.max / records : Number.POSITIVE_INFINITY;
  const byBytes = bytes > 0 ? BOUNDS.bytesPerSecond.max / bytes : Number.POSITIVE_INFINITY;
  return byRecords <= byBytes
    ? { max: byRecords, why: BOUNDS.recordsPerSecond.why }
    : { max: byBytes, why: BOUNDS.bytesPerSecond.why };
}

function maximizeLoad(request: FindRequest): FindSearch {
  const { scenario, plan } = request;
  const held = heldShards(request);
  const start = plannedLoadFactor(plan, scenario);
  const limit = loadLimit(plan);
  // A constant producer's rate at a factor, in its unit, to say what the factor means.
  const constant = scenario.producers.find((p) => p.rate.profile === 'constant');
  const describe = (value: number) => {
    const factor = loadText(value);
    if (constant === undefined || constant.rate.profile !== 'constant') return factor;
    return `${factor} (${rateText(constant.rate.rate.kind, constant.rate.rate.perSecond * value)} of ${constant.name})`;
  };
  return {
    subject: 'load',
    unit: 'factor',
    axes: [],
    notes: held.notes,
    describe,
    question: `the most load ${streamCarries(scenario, held.shards)}`,
    run: (runner, stopped) =>
      maximize(runner, {
        subject: 'load',
        unit: 'factor',
        start,
        resolution: request.resolution,
        max: limit.max,
        maxWhy: limit.why,
        pointAt: (value, index) => ({
          index,
          at: { load: String(value) },
          overrides: held.overrides,
          load: value,
        }),
        describe: (v) => `load ${loadText(v)}`,
        limits: request.limits,
        stopped,
      }),
  };
}

/** A load factor: ×1.9844 (two digits more than usual: a 1 % step must show). */
export function loadText(value: number): string {
  return `×${formatNumber(value, 2)}`;
}

function rateText(kind: 'records' | 'bytes', perSecond: number): string {
  return kind === 'records' ? `${formatNumber(perSecond)} records/s` : formatBytesPerSecond(perSecond);
}

/** The `--set` value of a rate: records as `N/s`, bytes as `NB/s` (N in full, in base units). */
function rateSetting(kind: 'records' | 'bytes', perSecond: number): string {
  return kind === 'records' ? `${perSecond}/s` : `${perSecond}B/s`;
}

function maximizeRate(request: FindRequest, path: string): FindSearch {
  const { scenario, plan } = request;
  const parsed = parsePath(path);
  const index =
    typeof parsed !== 'string' && parsed.length === 3 && parsed[0] === 'producers' && parsed[2] === 'rate'
      ? parsed[1]
      : undefined;
  if (typeof index !== 'number')
    throw usage(`--maximize ${path}: not a value find can maximize`, MAXIMIZE_HINT);
  const producer = scenario.producers[index];
  if (producer === undefined)
    throw usage(
      `--maximize ${path}: the scenario has ${plural(scenario.producers.length, 'producer')} (producers[0] … producers[${scenario.producers.length - 1}])`,
      MAXIMIZE_HINT,
    );
  if (producer.rate.profile !== 'constant')
    throw usage(
      `--maximize ${path}: ${producer.name}'s rate is a ${producer.rate.profile} profile, not one rate: there is no single value to maximize`,
      'use --maximize load: every rate of every producer times one factor, the profile’s shape kept',
    );
  const { kind, perSecond } = producer.rate.rate;
  const unit = kind === 'records' ? 'records/s' : 'bytes/s';
  const held = heldShards(request);
  const start =
    perSecond > 0 ? perSecond * plannedLoadFactor(plan, scenario) : kind === 'records' ? 1000 : 1024 ** 2;
  const canonical = `producers[${index}].rate`;
  // The bound of its kind, and of the other kind at its mean record (a loader's check, src/scenario/bounds.ts).
  const meanBytes = Math.max(1, plan.traffic.producers[index]?.meanDataBytes ?? 1);
  const records = BOUNDS.recordsPerSecond;
  const bytes = BOUNDS.bytesPerSecond;
  const limit =
    kind === 'records'
      ? records.max <= bytes.max / meanBytes
        ? { max: records.max, why: records.why }
        : { max: bytes.max / meanBytes, why: bytes.why }
      : bytes.max <= records.max * meanBytes
        ? { max: bytes.max, why: bytes.why }
        : { max: records.max * meanBytes, why: records.why };
  return {
    subject: canonical,
    unit,
    axes: [],
    notes: held.notes,
    describe: (v) => `${rateText(kind, v)} of ${producer.name}`,
    question: `the most ${producer.name} writes to ${streamWords(scenario, held.shards)}`,
    run: (runner, stopped) =>
      maximize(runner, {
        subject: canonical,
        unit,
        start,
        resolution: request.resolution,
        max: limit.max,
        maxWhy: limit.why,
        pointAt: (value, i) => {
          const setting = rateSetting(kind, value);
          return {
            index: i,
            at: { [canonical]: setting },
            overrides: [...held.overrides, `${canonical}=${setting}`],
          };
        },
        describe: (v) => rateText(kind, v),
        limits: request.limits,
        stopped,
      }),
  };
}

function minimizeShards(request: FindRequest): FindSearch {
  const { scenario, plan } = request;
  if (scenario.stream.mode !== 'provisioned')
    throw usage(
      `--minimize shards: the stream is ${scenario.stream.mode}, and an on-demand stream has no shard count to choose`,
      'set --set stream.mode=provisioned, or compare the modes with --minimize cost.monthly.total --vary stream.mode=provisioned,on-demand',
    );
  const required = Math.max(1, plan.shards.required);
  const recommended = Math.max(required, plan.shards.recommended);
  return {
    subject: 'stream.shards',
    unit: 'shards',
    axes: [],
    notes: [],
    describe: (v) => plural(v, 'shard'),
    question: 'the fewest shards',
    run: (runner, stopped) =>
      minimizeCount(runner, {
        subject: 'stream.shards',
        unit: 'shards',
        start: required,
        next: recommended,
        min: 1,
        max: BOUNDS.shards.max,
        pointAt: (value, index): GridPoint => ({
          index,
          at: { 'stream.shards': String(value) },
          overrides: [...request.overrides, `stream.shards=${value}`],
        }),
        describe: (v) => plural(v, 'shard'),
        limits: request.limits,
        stopped,
      }),
  };
}

function minimizeMetric(request: FindRequest, metric: string): FindSearch {
  if (!request.knownMetrics.includes(metric))
    throw usage(
      `--minimize ${metric}: not a metric of this scenario`,
      'minimize shards (the count), or a plan or run metric such as cost.monthly.total over options listed with --vary',
    );
  if (request.axes.length === 0)
    throw usage(
      `--minimize ${metric} chooses among options, and none are listed`,
      `list them with --vary, e.g. --minimize ${metric} --vary stream.mode=provisioned,on-demand --vary stream.shards=8,12,16`,
    );
  const points = gridPoints(request.axes, request.overrides);
  const quantity = metricQuantity(metric);
  const unit = quantity === 'usd' && metric.startsWith('cost.monthly') ? 'USD/month' : quantity;
  return {
    subject: metric,
    unit,
    axes: [...request.axes],
    notes: [],
    describe: (v) => (quantity === 'usd' ? `$${formatNumber(v)}` : formatNumber(v)),
    question: `the least ${metric} of ${plural(points.length, 'option')}`,
    run: (runner, stopped) =>
      minimizeOver(runner, { metric, unit, points, describe: (p) => optionText(p), stopped }),
  };
}
