/**
 * What a real target adds to a run, as every artefact shows it (the HTML report's "Target"
 * section, summary.md, junit.xml's properties, the terminal summary): where it ran, what it
 * measures and what it does not, its own metrics grouped (integrity per consumer application,
 * requests by operation and outcome, HTTP statuses, errors, SDK retries, the rest), the resources
 * it created, kept or deleted; and whether a run metric was measured at all, so a metric outside
 * the target's `measures` is shown as "not measured" rather than as a measured 0.
 *
 * Pure: a result in, rows of text out. A model run has no `target` section: it measures every
 * run metric and nothing here changes what its artefacts say.
 */
import { runMetricNames } from '../result/names.js';
import type { AbortedRun, RunResult } from '../result/types.js';
import { formatNumber, formatSeconds } from '../scenario/units.js';
import { measures } from '../targets/measures.js';

/** How a metric the target did not measure is shown in place of its value. */
export const NOT_MEASURED = 'not measured';

/** Whether the result's target measured run metric `metric` (every one for a run without a `target` section). */
export function isMeasured(result: Pick<RunResult, 'target'>, metric: string): boolean {
  return result.target === undefined || measures(result.target.measures, metric);
}

/** `text` when the result's target measured `metric`, else "not measured". */
export function measuredOr(result: Pick<RunResult, 'target'>, metric: string, text: string): string {
  return isMeasured(result, metric) ? text : NOT_MEASURED;
}

/** One table of the target's own metrics. */
export interface TargetMetricGroup {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface TargetView {
  name: string;
  details: [string, string][];
  /** The target's `measures` patterns. */
  measures: string[];
  /** This run's metrics (README, "Run metrics") outside `measures`: not measured by this target. */
  notMeasured: string[];
  groups: TargetMetricGroup[];
  resources: string[];
}

/** The result's target section as rows, or undefined for a run without one (the model's). */
export function targetView(result: RunResult): TargetView | undefined {
  const target = result.target;
  if (target === undefined) return undefined;
  const names = runMetricNames(Object.keys(result.counters.delivered), Object.keys(result.counters.firehose));
  return {
    name: target.name,
    details: Object.entries(target.details),
    measures: [...target.measures],
    notMeasured: names.filter((name) => !measures(target.measures, name)),
    groups: metricGroups(target.metrics),
    resources: [...target.resources],
  };
}

/** The integrity counts of one application, in this order. */
const INTEGRITY = ['delivered', 'missing', 'duplicates', 'outOfOrder'] as const;

/**
 * The target's own metrics in tables: `integrity.<app>.<count>` one row per application (an
 * application's name may hold dots: the count is the last segment), `requests.<Op>.<outcome>` one
 * row per operation with a column per outcome seen, `http.status.<code>`, `errors.<Name>`,
 * `sdk.retries`, and the rest by name.
 */
export function metricGroups(metrics: Readonly<Record<string, number>>): TargetMetricGroup[] {
  const integrity = new Map<string, Record<string, number>>();
  const requests = new Map<string, Record<string, number>>();
  const outcomes: string[] = [];
  const statuses: string[][] = [];
  const errors: string[][] = [];
  const retries: string[][] = [];
  const rest: string[][] = [];
  const latency = new Map<string, Record<string, number>>();
  for (const [name, value] of Object.entries(metrics)) {
    const byStatus = /^http\.latency\.(.+)\.(p50|p99|max)Seconds$/.exec(name);
    if (byStatus !== null) {
      latency.set(byStatus[1]!, { ...latency.get(byStatus[1]!), [byStatus[2]!]: value });
      continue;
    }
    const last = name.lastIndexOf('.');
    const head = name.slice(0, last);
    const tail = name.slice(last + 1);
    if (
      name.startsWith('integrity.') &&
      (INTEGRITY as readonly string[]).includes(tail) &&
      head.length > 10
    ) {
      const app = head.slice('integrity.'.length);
      integrity.set(app, { ...integrity.get(app), [tail]: value });
    } else if (/^requests\.[^.]+\.[^.]+$/.test(name)) {
      const operation = head.slice('requests.'.length);
      requests.set(operation, { ...requests.get(operation), [tail]: value });
      if (!outcomes.includes(tail)) outcomes.push(tail);
    } else if (name.startsWith('http.status.'))
      statuses.push([name.slice('http.status.'.length), count(value)]);
    else if (name.startsWith('errors.')) errors.push([name.slice('errors.'.length), count(value)]);
    else if (name === 'sdk.retries') retries.push(['all operations', count(value)]);
    else rest.push([name, formatOther(name, value)]);
  }
  const groups: TargetMetricGroup[] = [];
  if (integrity.size > 0) {
    groups.push({
      title: 'Integrity, per consumer application',
      headers: ['application', ...INTEGRITY],
      rows: [...integrity].map(([app, counts]) => [app, ...INTEGRITY.map((c) => optionalCount(counts[c]))]),
    });
  }
  if (requests.size > 0) {
    groups.push({
      title: 'Requests, by operation and outcome',
      headers: ['operation', ...outcomes],
      rows: [...requests].map(([operation, byOutcome]) => [
        operation,
        ...outcomes.map((o) => optionalCount(byOutcome[o])),
      ]),
    });
  }
  if (statuses.length > 0)
    groups.push({ title: 'HTTP statuses', headers: ['status', 'responses'], rows: statuses });
  if (latency.size > 0) {
    const cell = (v: number | undefined) => (v === undefined ? '—' : formatSeconds(v));
    groups.push({
      title: 'Response time by status (or connection error), from when each attempt was due',
      headers: ['status', 'p50', 'p99', 'max'],
      rows: [...latency].map(([status, q]) => [status, cell(q.p50), cell(q.p99), cell(q.max)]),
    });
  }
  if (errors.length > 0) groups.push({ title: 'Errors', headers: ['error', 'count'], rows: errors });
  if (retries.length > 0) groups.push({ title: 'SDK retries', headers: ['', 'count'], rows: retries });
  if (rest.length > 0) groups.push({ title: 'Other', headers: ['metric', 'value'], rows: rest });
  return groups;
}

function count(value: number): string {
  return formatNumber(value);
}

function optionalCount(value: number | undefined): string {
  return value === undefined ? '—' : formatNumber(value);
}

/** A metric outside the groups: seconds when its name says so (`reshards.0.activeAfterSeconds`). */
function formatOther(name: string, value: number): string {
  return /Seconds$/.test(name) ? formatSeconds(value) : formatNumber(value);
}

/**
 * `aborted after 12 s of 60 s: SIGINT; the figures cover the 12 s run`: the line every artefact
 * of a partial result leads with.
 */
export function abortedText(aborted: AbortedRun): string {
  const of = aborted.durationSeconds === undefined ? '' : ` of ${formatSeconds(aborted.durationSeconds)}`;
  return `aborted after ${formatSeconds(aborted.secondsDone)}${of} (${aborted.reason}): the figures cover only the ${formatSeconds(aborted.secondsDone)} run`;
}
