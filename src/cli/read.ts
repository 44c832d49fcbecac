/**
 * Reading the JSON files the CLI takes back in (result.json, plan.json, gates.json): a missing or
 * malformed file is a user mistake (exit 2) that names the file and what is wrong.
 */
import { ShardcastError } from '../errors.js';
import type { GateVerdict } from '../gates/evaluate.js';
import { PLAN_VERSION, type Plan } from '../planner/types.js';
import { parseResult, ResultFormatError } from '../result/io.js';
import { locateJsonSyntaxError } from '../result/json-error.js';
import type { RunResult } from '../result/types.js';
import { type Io, resolvePath } from './io.js';

/** The text of `file`, or exit 2 saying why it cannot be read. */
export function readText(io: Io, file: string): string {
  try {
    return io.readFile(resolvePath(io, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ShardcastError(
      'file',
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error)}`,
      2,
    );
  }
}

/** Whether `file` exists and can be read. */
export function canRead(io: Io, file: string): boolean {
  try {
    io.readFile(resolvePath(io, file));
    return true;
  } catch {
    return false;
  }
}

/** A result.json written by `shardcast run`, checked against its schema. */
export function readResult(io: Io, file: string, hint: string): RunResult {
  return parseResultText(readText(io, file), file, hint);
}

function parseResultText(text: string, file: string, hint: string): RunResult {
  try {
    return parseResult(text, file);
  } catch (error) {
    if (error instanceof ResultFormatError)
      throw new ShardcastError('invalid-result', error.message, 2, hint);
    throw error;
  }
}

/** What a report reads: a run's result or a plan. */
export type ReportSource = { kind: 'result'; result: RunResult } | { kind: 'plan'; plan: Plan };

/** A result.json or a plan JSON (`shardcast plan --out`), told apart by their fields. */
export function readResultOrPlan(io: Io, file: string): ReportSource {
  const text = readText(io, file);
  const data = parseJson(text, file);
  const hint = 'give a result.json written by `shardcast run` or a plan written by `shardcast plan --out`';
  if (isObject(data) && 'counters' in data && 'histograms' in data) {
    return { kind: 'result', result: parseResultText(text, file, hint) };
  }
  if (isObject(data) && 'traffic' in data && 'shards' in data)
    return { kind: 'plan', plan: checkPlan(data, file) };
  throw new ShardcastError('invalid-result', `${file}: not a shardcast result or plan`, 2, hint);
}

/** A plan JSON: its version and the fields a report reads. */
export function readPlan(io: Io, file: string): Plan {
  return checkPlan(parseJson(readText(io, file), file), file);
}

function checkPlan(data: unknown, file: string): Plan {
  const problems: string[] = [];
  if (!isObject(data)) problems.push('expected a JSON object');
  else {
    if (data.version !== PLAN_VERSION)
      problems.push(
        `version: plan format ${JSON.stringify(data.version)} cannot be read (this shardcast reads ${PLAN_VERSION})`,
      );
    for (const key of ['scenario', 'traffic', 'shards', 'hotKeys', 'fanOut', 'reshard', 'cost', 'metrics']) {
      if (!isObject(data[key])) problems.push(`${key}: missing`);
    }
    if (!Array.isArray(data.firehose)) problems.push('firehose: missing');
  }
  if (problems.length > 0) {
    throw new ShardcastError(
      'invalid-plan',
      `${file} is not a plan shardcast can read:\n  ${problems.join('\n  ')}`,
      2,
      'write it again with `shardcast plan SCENARIO --out FILE`',
    );
  }
  return data as unknown as Plan;
}

/** gates.json, written by `shardcast run` beside result.json. */
export interface GatesFile {
  version: 1;
  verdicts: GateVerdict[];
  /** Gates that need a run (in a plan's gates.json). */
  pending: string[];
}

export function readGates(io: Io, file: string): GatesFile {
  const data = parseJson(readText(io, file), file);
  const verdictOk = (v: unknown) =>
    isObject(v) &&
    typeof v.gate === 'string' &&
    typeof v.passed === 'boolean' &&
    typeof v.message === 'string';
  if (
    !isObject(data) ||
    data.version !== 1 ||
    !Array.isArray(data.verdicts) ||
    !data.verdicts.every(verdictOk) ||
    !Array.isArray(data.pending)
  ) {
    throw new ShardcastError('invalid-gates', `${file} is not a gates.json written by shardcast`, 2);
  }
  return data as unknown as GatesFile;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const syntax = locateJsonSyntaxError(text);
    throw new ShardcastError(
      'invalid-json',
      syntax
        ? `${file}:${syntax.line}:${syntax.column}: not valid JSON: ${syntax.message}`
        : `${file}: not valid JSON: ${(error as Error).message}`,
      2,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
