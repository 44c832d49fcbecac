/**
 * What the CLI reads: scenario files (with their warnings printed), and the JSON files it takes
 * back in (result.json, plan.json, gates.json). A missing or malformed file is a user mistake
 * (exit 2) that names the file and what is wrong.
 */

import { z } from 'zod';
import {
  ExitCode,
  FileError,
  formatProblem,
  type Problem,
  readErrorText,
  ShardcastError,
} from '../errors.js';
import type { GateVerdict } from '../gates/evaluate.js';
import { GATE_OPS, type GateOp } from '../gates/expression.js';
import { loadScenarioFile } from '../load.js';
import { planSchema } from '../planner/schema.js';
import { PLAN_VERSION, type Plan } from '../planner/types.js';
import { checkResult, parseJsonText, ResultFormatError, schemaProblems } from '../result/io.js';
import type { RunResult } from '../result/types.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { plural } from '../scenario/units.js';
import { TARGETS } from '../targets/index.js';
import type { Target } from '../targets/target.js';
import { jsonKind, looksLikeYamlScenario, notReportableError, wrongFileError } from './file-kind.js';
import { type Io, resolvePath } from './io.js';

/**
 * Loads a scenario file (paths relative to the working directory) with its `--set` overrides, and
 * prints its warnings; its gates may name the own metrics of `targets`. Files it names are read from its folder, or from `allowPaths` (`--allow-path`).
 */
export function loadScenario(
  io: Io,
  file: string,
  overrides: readonly string[] = [],
  allowPaths: readonly string[] = [],
  targets: readonly Target<unknown>[] = [...TARGETS.values()],
): LoadedScenario {
  // A gate may name a metric of a target's own (`integrity.<app>.missing`): of the target chosen
  // (`run --target`), or of any built-in target when none is (validate, plan).
  const targetMetrics = (scenario: Scenario) => targets.flatMap((t) => t.ownMetrics?.(scenario) ?? []);
  const loaded = loadScenarioFile(file, io, io.cwd, { overrides, allowPaths, targetMetrics });
  io.stderr(formatWarnings(loaded.warnings));
  return loaded;
}

export function formatWarnings(problems: readonly Problem[]): string {
  // Bounded as problems are (main.ts, MAX_PRINTED_PROBLEMS): the rest counted.
  const shown = problems.slice(0, MAX_PRINTED_WARNINGS);
  const rest = problems.length - shown.length;
  const more =
    rest > 0 ? `warning: … and ${plural(rest, 'more warning')} (the first ${shown.length} are shown)\n` : '';
  return shown.map((p) => `warning: ${formatProblem(p)}\n`).join('') + more;
}

/** Warnings printed one by one; the rest are counted. */
const MAX_PRINTED_WARNINGS = 50;

/** The text of `file`, or exit 2 saying why it cannot be read. */
export function readText(io: Io, file: string): string {
  try {
    return io.readFile(resolvePath(io, file));
  } catch (error) {
    throw new FileError(`cannot read ${file}: ${readErrorText(error)}`);
  }
}

/** The text of `file`, or undefined when there is no such file (any other failure is an error). */
export function readTextIfExists(io: Io, file: string): string | undefined {
  try {
    return io.readFile(resolvePath(io, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileError(`cannot read ${file}: ${readErrorText(error)}`);
  }
}

/**
 * A result.json written by `shardcast run`, checked against its schema. Another of shardcast's
 * files (a plan, gates.json, a scenario…) is named as what it is, with what to give instead.
 */
export function readResult(io: Io, file: string, hint: string): RunResult {
  const data = parseKnownJson(readText(io, file), file, "a run's result.json");
  const kind = jsonKind(data);
  if (kind !== undefined && kind !== 'result') throw wrongFileError(file, kind, "a run's result.json", data);
  return checked(() => checkResult(data, file), hint);
}

/** JSON text parsed; a YAML scenario where JSON is read is named as a scenario, not a syntax error. */
function parseKnownJson(text: string, file: string, expected: string): unknown {
  try {
    return parseJson(text, file);
  } catch (error) {
    if (looksLikeYamlScenario(text)) throw wrongFileError(file, 'scenario', expected);
    throw error;
  }
}

/** What a report reads: a run's result or a plan. */
export type ReportSource = { kind: 'result'; result: RunResult } | { kind: 'plan'; plan: Plan };

/** A result.json or a plan JSON (`shardcast plan --out`), told apart by their fields. */
export function readResultOrPlan(io: Io, file: string): ReportSource {
  const text = readText(io, file);
  let data: unknown;
  try {
    data = parseJson(text, file);
  } catch (error) {
    if (looksLikeYamlScenario(text)) throw notReportableError(file, 'scenario');
    throw error;
  }
  const hint = 'give a result.json written by `shardcast run` or a plan written by `shardcast plan --out`';
  const kind = jsonKind(data);
  if (kind === 'result') return { kind: 'result', result: checked(() => checkResult(data, file), hint) };
  if (kind === 'plan') return { kind: 'plan', plan: checkPlan(data, file) };
  if (kind !== undefined) throw notReportableError(file, kind, data);
  throw new ShardcastError(
    'invalid-result',
    `${file}: not a shardcast result or plan`,
    ExitCode.invalidInput,
    hint,
  );
}

/** A plan JSON from its text: its version and the fields a report reads. */
export function parsePlan(text: string, file: string): Plan {
  return checkPlan(parseJson(text, file), file);
}

/**
 * A plan read back, checked against the Plan's schema (src/planner/schema.ts) as result.json is
 * against its own: a hand-edited or truncated plan is an input error naming each problem's path,
 * never a report that fails half-way on a field it trusted.
 */
function checkPlan(data: unknown, file: string): Plan {
  if (!isObject(data)) throw invalidPlan(file, ['expected a JSON object']);
  // The version first: a plan of another format differs in many fields, and listing them all
  // would bury the one thing to do (plan again).
  if (data.version !== PLAN_VERSION) throw invalidPlan(file, [planVersionProblem(data.version)]);
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    throw invalidPlan(
      file,
      schemaProblems(data, parsed.error).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)),
    );
  }
  return parsed.data;
}

/** Why a plan of another format version cannot be read, and which shardcast wrote it. */
function planVersionProblem(version: unknown): string {
  if (version === undefined) return 'version: missing: this does not look like a plan written by shardcast';
  const which =
    typeof version === 'number' && version < PLAN_VERSION
      ? ': it was written by an older shardcast, whose plans lack fields a report reads'
      : typeof version === 'number'
        ? ': it was written by a newer shardcast'
        : '';
  return `version: plan format ${JSON.stringify(version)} cannot be read (this shardcast reads ${PLAN_VERSION})${which}`;
}

/** At most this many problems are listed: a plan of the wrong shape has as many as it has fields. */
const MAX_PLAN_PROBLEMS = 10;

function invalidPlan(file: string, problems: readonly string[]): ShardcastError {
  const listed = problems.slice(0, MAX_PLAN_PROBLEMS);
  if (problems.length > listed.length) listed.push(`… and ${problems.length - listed.length} more`);
  return new ShardcastError(
    'invalid-plan',
    `${file} is not a plan shardcast can read:\n  ${listed.join('\n  ')}`,
    ExitCode.invalidInput,
    'write it again with `shardcast plan SCENARIO --out DIR`',
  );
}

import type { GatesFile } from '../gates/file.js';

export { GATES_FILE, type GatesFile, serializeGates } from '../gates/file.js';

export function parseGates(text: string, file: string): GatesFile {
  const data = parseJson(text, file);
  const parsed = gatesFileSchema.safeParse(data);
  if (!parsed.success) {
    // Read with a schema, as result.json is: each problem named by its path, not a bare "no".
    // Paths and "missing" worded as result.json's and plan.json's are (`verdicts[0].measured`).
    const problems = schemaProblems(data, parsed.error).map((p) => `${p.path || '(the file)'}: ${p.message}`);
    throw new ShardcastError(
      'invalid-gates',
      `${file} is not a gates.json written by shardcast:\n  ${problems.slice(0, 10).join('\n  ')}`,
      ExitCode.invalidInput,
      'write it again with `shardcast run` or `shardcast plan --out DIR`',
    );
  }
  return parsed.data;
}

const verdictSchema = z.object({
  gate: z.string(),
  metric: z.string(),
  op: z.enum(GATE_OPS as [GateOp, ...GateOp[]]),
  allowed: z.number(),
  measured: z.number().nullable(),
  passed: z.boolean(),
  source: z.enum(['scenario', 'cli']),
  quantity: z.enum(['seconds', 'bytes', 'bytesPerSecond', 'perSecond', 'usd', 'ratio', 'count']),
  measuredText: z.string(),
  allowedText: z.string(),
  message: z.string(),
}) satisfies z.ZodType<GateVerdict>;

/** gates.json as `serializeGates` writes it. */
const gatesFileSchema = z.object({
  version: z.literal(1),
  verdicts: z.array(verdictSchema),
  pending: z.array(z.string()),
}) satisfies z.ZodType<GatesFile>;

/** JSON text parsed, or exit 2 with where it first goes wrong. */
function parseJson(text: string, file: string): unknown {
  return checked(() => parseJsonText(text, file));
}

/** Runs `read`, turning a ResultFormatError into an input error (exit 2) with `hint`. */
function checked<T>(read: () => T, hint?: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ResultFormatError)
      throw new ShardcastError('invalid-result', error.message, ExitCode.invalidInput, hint);
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
