/**
 * result.json: writing it deterministically and reading it back with every problem named by its
 * file and path.
 */
import type { z } from 'zod';
import { locateJsonSyntaxError } from './json-error.js';
import { withCurrentNames } from './legacy-names.js';
import { runResultSchema } from './schema.js';
import { RESULT_VERSION, type RunResult } from './types.js';

/** One problem in a result file: where it is (`series.offered[3]`, empty for the whole file) and what. */
export interface ResultProblem {
  path: string;
  message: string;
  /** For JSON syntax errors: where in the text, 1-based. */
  line?: number;
  column?: number;
}

/**
 * A result file that is not valid JSON, was written by another major version of the result format, or
 * does not match the schema. The message names the file and each problem's path.
 */
export class ResultFormatError extends Error {
  readonly file: string;
  readonly problems: readonly ResultProblem[];

  constructor(file: string, problems: readonly ResultProblem[]) {
    super(formatProblems(file, problems));
    this.name = 'ResultFormatError';
    this.file = file;
    this.problems = problems;
  }
}

function formatProblems(file: string, problems: readonly ResultProblem[]): string {
  const line = ({ path, message }: ResultProblem) => (path === '' ? message : `${path}: ${message}`);
  if (problems.length === 1) {
    const problem = problems[0]!;
    // file:line:column, as editors and terminals link it.
    const at = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
    return `${file}${at}: ${line(problem)}`;
  }
  return `${file}: ${problems.length} problems in the result:\n${problems.map((p) => `  ${line(p)}`).join('\n')}`;
}

/** `series.offered[3]`, `counters.delivered["my app"]`. */
export function formatResultPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `path` names a key that is absent from the object holding it. */
function isMissing(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const [i, segment] of path.entries()) {
    if (typeof node !== 'object' || node === null) return false;
    const container = node as Record<PropertyKey, unknown>;
    if (i === path.length - 1) return !(segment in container);
    node = container[segment];
  }
  return false;
}

/** Each schema issue by its path; a key absent from its object is said to be missing. */
export function schemaProblems(data: unknown, error: z.ZodError): ResultProblem[] {
  return error.issues.map((issue) => {
    const path = formatResultPath(issue.path);
    if (issue.code === 'invalid_type' && isMissing(data, issue.path)) {
      return { path, message: `missing (expected ${issue.expected})` };
    }
    return { path, message: issue.message };
  });
}

/** The version check, before the schema: a result of another major version fails on this alone. */
function versionProblem(data: Record<string, unknown>): ResultProblem | undefined {
  const version = data.version;
  if (version === undefined) {
    return { path: 'version', message: 'missing: this does not look like a shardcast result' };
  }
  if (typeof version !== 'number' || !Number.isFinite(version)) {
    return { path: 'version', message: `expected a number, found ${typeName(version)}` };
  }
  if (Math.trunc(version) !== RESULT_VERSION) {
    return {
      path: 'version',
      message:
        `result format version ${version} cannot be read: this shardcast reads version ${RESULT_VERSION}; ` +
        'use the shardcast version that wrote the file, or run the scenario again',
    };
  }
  return undefined;
}

/**
 * Reads a result file's text. `file` is used in messages only.
 * @throws ResultFormatError for malformed JSON, another major version, or a mismatch with the schema
 * (every problem at once).
 */
export function parseResult(text: string, file: string): RunResult {
  return checkResult(parseJsonText(text, file), file);
}

/**
 * JSON text parsed, or a ResultFormatError saying where it first goes wrong (`file:line:column`):
 * for result.json and the other JSON files shardcast reads back.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const syntax = locateJsonSyntaxError(text);
    throw new ResultFormatError(file, [
      syntax
        ? { path: '', message: `not valid JSON: ${syntax.message}`, line: syntax.line, column: syntax.column }
        : { path: '', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
}

/**
 * A result already parsed from JSON, checked against the schema (see `parseResult`).
 * @throws ResultFormatError for another major version or a mismatch with the schema.
 */
export function checkResult(data: unknown, file: string): RunResult {
  if (!isPlainObject(data)) {
    throw new ResultFormatError(file, [
      { path: '', message: `expected a shardcast result (a JSON object), found ${typeName(data)}` },
    ]);
  }
  const version = versionProblem(data);
  if (version) throw new ResultFormatError(file, [version]);
  const parsed = runResultSchema.safeParse(data);
  if (!parsed.success) throw new ResultFormatError(file, schemaProblems(data, parsed.error));
  return { ...parsed.data, metrics: withCurrentNames(parsed.data.metrics) };
}

/** JSON with 2-space indentation; an array of numbers stays on one line (a series is one line). */
function writeJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number'))
      return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + writeJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${writeJson(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * The text of result.json. Deterministic: keys in the schema's order (names of consumers and
 * Firehose streams in the order built), numbers as JavaScript prints them, 2-space indentation and
 * a final newline, so the same scenario and seed give the same bytes apart from `header`.
 * @throws ResultFormatError when the result does not match the schema (for example a NaN, which
 * JSON cannot hold): a bug in whatever built it.
 */
export function serializeResult(result: RunResult): string {
  const parsed = runResultSchema.safeParse(result);
  if (!parsed.success)
    throw new ResultFormatError('(result being written)', schemaProblems(result, parsed.error));
  return `${writeJson(parsed.data, '')}\n`;
}
