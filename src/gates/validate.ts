/**
 * Checking gates before anything runs: syntax, metric names (with "did you mean"), and whether a
 * value's unit fits its metric (`putLatency.p99 < 5MiB` compares seconds with bytes). Every
 * problem of every gate is reported at once, with the gate's path in the document (`gates[2]`);
 * the scenario loader turns the path into file:line.
 */
import { InvalidInputError, type Problem, type SourceLocation } from '../errors.js';
import type { ScenarioIssue } from '../scenario/issues.js';
import type { ScenarioCheck } from '../scenario/load.js';
import { measures } from '../targets/measures.js';
import { GATE_EXAMPLE, type Gate, type GateSource, type GateSyntaxError, parseGate } from './expression.js';
import {
  GATE_UNIT_NAMES,
  metricQuantity,
  QUANTITY_EXAMPLES,
  QUANTITY_NAMES,
  suggestMetric,
  unitFits,
} from './metrics.js';

type DocPath = readonly (string | number)[];

/**
 * Where the metric names are written down for users. A gate may name a plan metric or a run
 * metric (`knownMetrics` in src/load.ts is both), so the hint points to both lists.
 */
const METRICS_HINT =
  'a gate names a plan metric (listed by `shardcast plan --json` under "metrics", and in the README, "Plan metrics") or a run metric (in result.json under "metrics", and in the README, "Run metrics")';

/**
 * Checks gate expressions. `knownMetrics` are the names the plan and run will measure; `null`
 * skips the name check (units are still checked, from the names). Issues are errors, except a
 * plain number above 1 for a ratio (`throttledRatio < 5`, likely meant 5%), which is a warning.
 */
/**
 * Metrics a gate may not name for a stated reason (e.g. `shards.configured` of a stream without a
 * shard count): the message and hint a gate naming one gets instead of "unknown metric".
 */
export type AbsentMetrics = ReadonlyMap<string, { message: string; hint: string }>;

export function checkGates(
  gateTexts: readonly string[],
  knownMetrics: readonly string[] | null,
  pathPrefix: DocPath = ['gates'],
  absent: AbsentMetrics = new Map(),
  targetMetrics: readonly string[] = [],
): ScenarioIssue[] {
  const known = knownMetrics === null ? null : knownSet(knownMetrics, targetMetrics);
  const issues: ScenarioIssue[] = [];
  gateTexts.forEach((text, i) => {
    const path = [...pathPrefix, i];
    const parsed = parseGate(text);
    if (!parsed.ok) {
      issues.push({ path, severity: 'error', ...syntaxProblem(text, parsed.error) });
      return;
    }
    const issue = checkGate(parsed.gate, known, knownMetrics ?? [], absent);
    if (issue !== undefined) issues.push({ path, ...issue });
  });
  return issues;
}

/**
 * A `ScenarioCheck` for the scenario loader: checks the scenario's `gates` against the metrics
 * `knownMetrics` lists (the names may depend on the scenario: `consumers.<name>.…`).
 */
export function gatesCheck(
  knownMetrics: (scenario: Parameters<ScenarioCheck>[0]) => readonly string[] | null,
  absentMetrics: (scenario: Parameters<ScenarioCheck>[0]) => AbsentMetrics = () => new Map(),
  targetMetrics: (scenario: Parameters<ScenarioCheck>[0]) => readonly string[] = () => [],
): ScenarioCheck {
  return (scenario) =>
    checkGates(
      scenario.gates,
      knownMetrics(scenario),
      ['gates'],
      absentMetrics(scenario),
      targetMetrics(scenario),
    );
}

/**
 * The metric names a gate may name: `names`, and any name matching one of `targetMetrics`, the
 * patterns of a target's own metrics (`integrity.*.missing`, `Target.ownMetrics`).
 */
interface KnownMetrics {
  has(metric: string): boolean;
}

function knownSet(names: readonly string[], targetMetrics: readonly string[]): KnownMetrics {
  const set = new Set(names);
  return { has: (metric) => set.has(metric) || measures(targetMetrics, metric) };
}

/**
 * Parses `--gate EXPR` arguments. Throws `InvalidInputError` with one problem per bad gate,
 * located at `--gate[i]`. With `knownMetrics`, names and units are checked too (warnings are
 * dropped: a command line has no place to show them before the run).
 */
export function parseCliGates(
  texts: readonly string[],
  knownMetrics?: readonly string[],
  absent: AbsentMetrics = new Map(),
  targetMetrics: readonly string[] = [],
): Gate[] {
  return parseGatesOrThrow(
    texts,
    'cli',
    (i) => ({ file: '--gate', path: `--gate[${i}]` }),
    knownMetrics,
    absent,
    targetMetrics,
  );
}

/**
 * Parses a loaded scenario's gates (already checked by `checkGates` when it loaded, so this throws
 * only if that check was skipped), located at `gates[i]` of `file`, or where `locate` (the
 * loader's, with lines) puts that path.
 */
export function parseScenarioGates(
  texts: readonly string[],
  file: string,
  knownMetrics?: readonly string[],
  locate?: (path: DocPath) => SourceLocation,
): Gate[] {
  return parseGatesOrThrow(
    texts,
    'scenario',
    (i) => locate?.(['gates', i]) ?? { file, path: `gates[${i}]` },
    knownMetrics,
    new Map(),
    [],
  );
}

// ---------------------------------------------------------------------------------------------

type IssueBody = Omit<ScenarioIssue, 'path' | 'severity'>;

function syntaxProblem(text: string, error: GateSyntaxError): IssueBody {
  const body: IssueBody = {
    message: `not a valid gate: ${error.message} (column ${error.column})`,
    expected: error.expected ?? GATE_EXAMPLE,
    found: error.found ?? JSON.stringify(text),
  };
  if (error.hint !== undefined) body.hint = error.hint;
  return body;
}

/** The scenario parts the existence of `metric` depends on. */
function metricDependsOn(metric: string): DocPath[] {
  if (metric.startsWith('consumers.') || /^(?:e2eLatency|consumerLag)\./.test(metric)) return [['consumers']];
  if (metric.startsWith('firehose.')) return [['firehose']];
  if (/^(?:shards|hotKey|onDemand)\./.test(metric)) return [['stream']];
  return [];
}

function checkGate(
  gate: Gate,
  known: KnownMetrics | null,
  knownList: readonly string[],
  absent: AbsentMetrics,
): Omit<ScenarioIssue, 'path'> | undefined {
  // A metric the scenario cannot give a meaningful value (its run would report 0): refused, with why.
  const reason = absent.get(gate.metric);
  if (reason !== undefined) {
    return {
      severity: 'error',
      message: reason.message,
      hint: reason.hint,
      dependsOn: [['stream'], ['consumers']],
    };
  }
  if (known !== null && !known.has(gate.metric)) {
    return {
      severity: 'error',
      message: `unknown metric "${gate.metric}"`,
      // Which names exist depends on the consumers (`consumers.<name>.…`), the Firehose streams
      // (`firehose.<name>.…`) or the stream's mode and count; a name outside those families is
      // unknown whatever else is wrong with the scenario.
      dependsOn: metricDependsOn(gate.metric),
      hint: suggestMetric(gate.metric, knownList) ?? METRICS_HINT,
    };
  }
  const quantity = metricQuantity(gate.metric);
  // `putLatency.p99 < 250` was read as 250 s: a k6 habit (its durations are in ms) that passed a
  // gate it should fail. A duration needs its unit; only 0 reads the same in every unit.
  if (quantity === 'seconds' && gate.unit === 'number' && gate.value !== 0) {
    return {
      severity: 'error',
      message: `${gate.metric} is ${QUANTITY_NAMES[quantity]}, and ${gate.valueText} has no unit: milliseconds or seconds?`,
      expected: QUANTITY_EXAMPLES[quantity],
      found: JSON.stringify(gate.valueText),
      hint: `write ${gate.valueText}ms or ${gate.valueText}s`,
    };
  }
  if (!unitFits(gate.unit, quantity)) {
    return {
      severity: 'error',
      message: `${gate.metric} is ${QUANTITY_NAMES[quantity]}, but ${gate.valueText} is ${GATE_UNIT_NAMES[gate.unit]}`,
      expected: QUANTITY_EXAMPLES[quantity],
      found: JSON.stringify(gate.valueText),
    };
  }
  // A ratio, share or fraction lies in [0, 1]; utilisation legitimately exceeds 1 (an overloaded shard).
  if (
    quantity === 'ratio' &&
    gate.unit === 'number' &&
    Math.abs(gate.value) > 1 &&
    !/Utili[sz]ation/i.test(gate.metric)
  ) {
    return {
      severity: 'warning',
      message: `${gate.metric} is a fraction between 0 and 1, so it is never near ${gate.valueText}`,
      hint: `for ${gate.valueText} percent write ${gate.valueText}%`,
    };
  }
  return undefined;
}

function parseGatesOrThrow(
  texts: readonly string[],
  source: GateSource,
  locate: (i: number) => SourceLocation,
  knownMetrics: readonly string[] | undefined,
  absent: AbsentMetrics,
  targetMetrics: readonly string[],
): Gate[] {
  const gates: Gate[] = [];
  const problems: Problem[] = [];
  const known = knownMetrics === undefined ? null : knownSet(knownMetrics, targetMetrics);
  texts.forEach((text, i) => {
    const parsed = parseGate(text, source);
    const issue = parsed.ok
      ? checkGate(parsed.gate, known, knownMetrics ?? [], absent)
      : syntaxProblem(text, parsed.error);
    if (parsed.ok) gates.push({ ...parsed.gate, location: locate(i) });
    if (issue === undefined || ('severity' in issue && issue.severity === 'warning')) return;
    const problem: Problem = { location: locate(i), message: issue.message };
    if (issue.expected !== undefined) problem.expected = issue.expected;
    if (issue.found !== undefined) problem.found = issue.found;
    if (issue.hint !== undefined) problem.hint = issue.hint;
    problems.push(problem);
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return gates;
}
