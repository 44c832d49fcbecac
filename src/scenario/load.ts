/**
 * Loading a scenario file: YAML or JSON text → validated `Scenario`, or every problem at once, each
 * pointing at file:line:column and the path inside the document.
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError, type Problem, type SourceLocation } from '../errors.js';
import { suggest } from '../suggest.js';
import { BOUNDS } from './bounds.js';
import { excerpt } from './excerpt.js';
import type { ScenarioIssue } from './issues.js';
import { textSizeProblem } from './limits.js';
import { nestingProblem } from './nesting.js';
import { applyOverrides, overrideAt, overrideFile, parseOverrides } from './overrides.js';
import { plainDurationIssues } from './plain-durations.js';
import { dependsOnRepair, salvage, toDocument } from './salvage.js';
import { type Scenario, scenarioSchema } from './schema.js';
import { scanTraceLine } from './trace-line.js';
import { plural } from './units.js';

export type DocPath = readonly (string | number)[];

/** A rule run on the parsed scenario (e.g. AWS limits, from `src/aws/checks.ts`). */
export type ScenarioCheck = (scenario: Scenario) => ScenarioIssue[];

export interface LoadOptions {
  /** Reads a file named in the scenario (a trace CSV), resolved relative to the scenario by the caller. */
  readFile?: (path: string) => string;
  /** Rules beyond the schema. */
  checks?: readonly ScenarioCheck[];
  /** Completes the scenario once it is valid (service defaults). */
  complete?: (scenario: Scenario) => Scenario;
  /** `--set PATH=VALUE` arguments, applied to the document before it is validated. */
  overrides?: readonly string[];
}

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  warnings: Problem[];
  /** The `--set` arguments applied, as given (`stream.shards=24`). */
  overrides: string[];
  /** Where a path of the document is (file:line, or the `--set` argument that set it), for problems found later. */
  locate?: (path: readonly (string | number)[]) => SourceLocation;
}

/** Parses and validates scenario text. Throws `InvalidInputError` with every problem found. */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  // Refused before anything is parsed: parsing's time and memory grow with the text (issue 15).
  const large = textSizeProblem(text, file);
  if (large !== undefined) throw new InvalidInputError([large], `${file} is too large`);
  // Refused before the document is built: building it recurses once per level.
  const deep = nestingProblem(text, file);
  if (deep !== undefined) throw new InvalidInputError([deep], `${file} cannot be parsed`);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const parsedOverrides = parseOverrides(options.overrides ?? []);
  const overrides = parsedOverrides.overrides;
  // A value set by --set is located at its argument; everything else at its line in the file.
  const locate = (path: DocPath, at: 'value' | 'key' = 'value'): SourceLocation => {
    const set = overrideAt(overrides, path);
    if (set !== undefined) return { file: overrideFile(set.text), path: formatPath(path) };
    return locateInDocument(doc.contents, lineCounter, file, path, at);
  };

  const syntax: Problem[] = doc.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return {
      location: { file, line: pos.line, column: pos.col, path: '' },
      message: `not valid YAML or JSON: ${error.message.split('\n')[0]}`,
    };
  });
  if (syntax.length > 0 || parsedOverrides.problems.length > 0) {
    throw new InvalidInputError(
      [...syntax, ...parsedOverrides.problems],
      syntax.length > 0 ? `${file} cannot be parsed` : undefined,
    );
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws (a ReferenceError) when aliases expand past maxAliasCount: user input, not a bug.
    throw new InvalidInputError(
      [
        {
          location: locate([]),
          message: `not valid as a scenario: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'write the repeated values out instead of nesting aliases (*name) of aliases',
        },
      ],
      `${file} cannot be parsed`,
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    // An empty file has no node to point at: its first line is where the mapping should start.
    const empty = doc.contents === null;
    throw new InvalidInputError([
      {
        location: empty ? { file, line: 1, column: 1, path: '' } : locate([]),
        message: 'a scenario is a mapping of fields (name, stream, producers, …)',
        expected: 'a mapping',
        found: empty ? 'an empty document' : describeValue(raw),
      },
    ]);
  }
  // An override that cannot be set is reported with the rest; the document is checked without it.
  const overrideProblems = applyOverrides(raw as Record<string, unknown>, overrides);

  // Every stage runs on what validated, so one pass reports every problem (schema, cross-field
  // rules, traces, AWS limits, gates): on a document that fails its schema, the later stages see
  // it with the failing parts repaired away, and report only what does not depend on them.
  const problems: Problem[] = [...overrideProblems];
  // Plain numbers read as seconds where that is implausible: warned about with the problems too.
  const warnings: Problem[] = plainDurationIssues(raw).map((issue) => issueToProblem(issue, locate));
  const invalid = () =>
    new InvalidInputError(sortProblems(dedupe(problems)), undefined, sortProblems(warnings));
  const valid = scenarioSchema.safeParse(raw);
  let scenario: Scenario;
  let repaired: DocPath[] = [];
  let toDoc = (path: DocPath): DocPath => path;
  if (valid.success) scenario = valid.data;
  else {
    problems.push(...valid.error.issues.flatMap((issue) => toProblems(issue, [], raw, locate)));
    const salvaged = salvage(raw as Record<string, unknown>);
    if (salvaged === undefined) throw invalid();
    repaired = salvaged.repaired;
    toDoc = (path) => toDocument(path, salvaged.kept);
    // Its fields validate now; the cross-field rules report what does not involve a repaired part.
    const rules = scenarioSchema.safeParse(salvaged.raw);
    for (const issue of rules.error?.issues ?? []) {
      const path = toDoc(issue.path as DocPath);
      if (dependsOnRepair({ path }, repaired)) continue;
      problems.push(...toProblems({ ...issue, path: [...path] } as Issue, [], raw, locate));
    }
    scenario = salvaged.data;
  }

  scenario = loadTraces(scenario, options.readFile, (path) => locate(toDoc(path)), problems);

  for (const check of options.checks ?? []) {
    for (const found of check(scenario)) {
      const issue = { ...found, path: toDoc(found.path) };
      if (repaired.length > 0 && dependsOnRepair(issue, repaired)) continue;
      const problem = issueToProblem(issue, locate);
      (issue.severity === 'error' ? problems : warnings).push(problem);
    }
  }
  if (problems.length > 0) throw invalid();
  if (options.complete) scenario = options.complete(scenario);
  return {
    scenario,
    file,
    warnings: sortProblems(warnings),
    overrides: overrides.map((o) => o.text),
    locate: (path) => locate(path),
  };
}

function issueToProblem(issue: ScenarioIssue, locate: (path: DocPath) => SourceLocation): Problem {
  const problem: Problem = { location: locate(issue.path), message: issue.message };
  if (issue.expected !== undefined) problem.expected = issue.expected;
  if (issue.found !== undefined) problem.found = issue.found;
  if (issue.hint !== undefined) problem.hint = issue.hint;
  return problem;
}

// ---------------------------------------------------------------------------------------------
// Traces

/** Reads the CSV of every `trace` profile into its `points`. */
function loadTraces(
  scenario: Scenario,
  readFile: ((path: string) => string) | undefined,
  locate: (path: DocPath) => SourceLocation,
  problems: Problem[],
): Scenario {
  const producers = scenario.producers.map((producer, i) => {
    const rate = producer.rate;
    if (rate.profile !== 'trace' || rate.file === undefined) return producer;
    const where = locate(['producers', i, 'rate', 'file']);
    if (!readFile) {
      problems.push({
        location: where,
        message: 'trace files can only be read when the scenario is loaded from a file',
      });
      return producer;
    }
    let text: string;
    try {
      text = readFile(rate.file);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const problem: Problem = {
        location: where,
        message: `cannot read trace file "${rate.file}": ${missing ? 'no such file' : errorText(error)}`,
      };
      if (missing) problem.hint = 'a trace file is found relative to the scenario file';
      const hint = (error as { hint?: unknown }).hint; // a path the scenario may not read (src/confine.ts)
      if (typeof hint === 'string') problem.hint = hint;
      problems.push(problem);
      return producer;
    }
    const parsed = parseTraceCsv(text, rate.file);
    if (typeof parsed === 'string') {
      problems.push({ location: where, message: parsed });
      return producer;
    }
    return { ...producer, rate: { ...rate, points: parsed } };
  });
  return { ...scenario, producers };
}

/** Parses `seconds,recordsPerSecond` lines (a header line and `#` comments allowed); an error text on failure. */
export function parseTraceCsv(text: string, name: string): [number, number][] | string {
  const points: [number, number][] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = scanTraceLine(line);
    if (!m) {
      if (points.length === 0 && /[A-Za-z]/.test(line)) continue; // header
      return `${name}:${n + 1}: expected "seconds,recordsPerSecond", found ${excerpt(line)}`;
    }
    const t = Number(m[0]);
    const r = Number(m[1]);
    if (!Number.isFinite(t) || !Number.isFinite(r) || t < 0 || r < 0) {
      return `${name}:${n + 1}: expected non-negative numbers, found ${excerpt(line)}`;
    }
    if (t > BOUNDS.duration.max)
      return `${name}:${n + 1}: ${t} s is after ${BOUNDS.duration.max} s, ${BOUNDS.duration.why}`;
    const last = points[points.length - 1];
    if (last !== undefined && t <= last[0])
      return `${name}:${n + 1}: times must increase (${t} after ${last[0]})`;
    points.push([t, r]);
  }
  if (points.length === 0) return `${name}: the trace has no points`;
  return points;
}

// ---------------------------------------------------------------------------------------------
// Zod issues → problems

type Issue = z.core.$ZodIssue;
type Locate = (path: DocPath, at?: 'value' | 'key') => SourceLocation;

function toProblems(issue: Issue, prefix: DocPath, raw: unknown, locate: Locate): Problem[] {
  const path: DocPath = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(path, raw);
      return issue.keys.map((key) => {
        const problem: Problem = {
          location: locate([...path, key], 'key'),
          message: `unknown field "${key}"`,
        };
        const suggestion = suggest(key, known);
        if (suggestion !== undefined) problem.hint = `did you mean "${suggestion}"?`;
        else if (known.length > 0) problem.hint = `fields here: ${known.join(', ')}`;
        return problem;
      });
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
        const found = valueAt(raw, path);
        const problem: Problem = {
          location: locate(path),
          message:
            found === undefined ? `missing field "${issue.discriminator}"` : `unknown ${issue.discriminator}`,
          expected: `one of ${options.join(', ')}`,
          found: describeValue(found),
        };
        if (found === undefined) problem.location = locate(path.slice(0, -1));
        const suggestion = typeof found === 'string' ? suggest(found, options) : undefined;
        if (suggestion !== undefined) problem.hint = `did you mean "${suggestion}"?`;
        return [problem];
      }
      return unionProblems(issue.errors, path, raw, locate);
    }
    case 'invalid_type': {
      if (value === undefined) return [{ ...missingField(path, locate), expected: expectedText(issue) }];
      return [
        {
          location: locate(path),
          message: issue.message.startsWith('Invalid input') ? 'wrong type' : issue.message,
          expected: expectedText(issue),
          found: describeValue(value),
        },
      ];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const problem: Problem = {
        location: locate(path),
        message: options.length === 1 ? `must be ${options[0]}` : 'not one of the allowed values',
        expected: `one of ${options.join(', ')}`,
        found: describeValue(value),
      };
      const suggestion = typeof value === 'string' ? suggest(value, options) : undefined;
      if (suggestion !== undefined) problem.hint = `did you mean "${suggestion}"?`;
      return [problem];
    }
    case 'too_small':
    case 'too_big': {
      const custom = !issue.message.startsWith('Too ');
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op =
        issue.code === 'too_small'
          ? issue.inclusive
            ? 'at least'
            : 'more than'
          : issue.inclusive
            ? 'at most'
            : 'less than';
      const unit = issue.origin === 'array' ? 'item' : issue.origin === 'string' ? 'character' : '';
      const what = unit === '' ? '' : ` ${unit}${Number(bound) === 1 ? '' : 's'}`;
      return [
        {
          location: locate(path),
          message: custom ? issue.message : issue.code === 'too_small' ? 'too small' : 'too large',
          expected: `${op} ${String(bound)}${what}`,
          found:
            issue.origin === 'array' && Array.isArray(value)
              ? plural(value.length, 'item')
              : describeValue(value),
        },
      ];
    }
    default:
      return [{ location: locate(path), message: issue.message, found: describeValue(value) }];
  }
}

/**
 * A union failed: report the branch the user most likely meant. A branch whose only complaint is
 * the value's type (a mapping where a string was expected) was not meant; among the others, the
 * one with the fewest problems wins.
 */
function unionProblems(branches: Issue[][], path: DocPath, raw: unknown, locate: Locate): Problem[] {
  const meant = branches.filter((issues) => !issues.every((i) => isTypeMismatch(i)));
  const value = valueAt(raw, path);
  if (value === undefined) {
    // A missing quantity (`to` of a ramp): its branches' messages say what it should be.
    const problem = missingField(path, locate);
    const expected = branches
      .flat()
      .map((i) => i.message)
      .find((m) => m.startsWith('expected '));
    if (expected !== undefined) problem.expected = expected.replace(/^expected /, '');
    return [problem];
  }
  if (meant.length === 0) {
    // Nothing matched even by type: one problem listing what was expected.
    const messages = [...new Set(branches.flat().map((i) => i.message))].filter(
      (m) => !m.startsWith('Invalid input'),
    );
    return [
      {
        location: locate(path),
        message: messages[0] ?? 'wrong type',
        found: describeValue(value),
      },
    ];
  }
  const best = meant.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((issue) => toProblems(issue, path, raw, locate));
}

/** A required field is absent: point at the mapping that lacks it, name the full path. */
function missingField(path: DocPath, locate: Locate): Problem {
  const location = { ...locate(path.slice(0, -1)), path: formatPath(path) };
  return { location, message: `missing required field "${String(path[path.length - 1])}"` };
}

function isTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  if (issue.code === 'invalid_union') return issue.errors.every((branch) => branch.every(isTypeMismatch));
  return false;
}

function expectedText(issue: Issue & { code: 'invalid_type' }): string {
  if (!issue.message.startsWith('Invalid input')) return issue.message.replace(/^expected /, '');
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[issue.expected] ?? issue.expected;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.location.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0),
  );
}

/** The fields an object in the schema accepts at `path` (for "did you mean"). */
function knownKeysAt(path: DocPath, raw: unknown): string[] {
  let schemas: z.core.$ZodType[] = [scenarioSchema];
  for (let depth = 0; depth <= path.length; depth++) {
    const value = valueAt(raw, path.slice(0, depth));
    schemas = schemas.flatMap((s) => unwrap(s, value));
    if (depth === path.length) break;
    const segment = path[depth]!;
    schemas = schemas.flatMap((s) => {
      const def = s._zod.def as {
        type: string;
        shape?: Record<string, z.core.$ZodType>;
        element?: z.core.$ZodType;
      };
      if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment])
        return [def.shape[segment]];
      if (def.type === 'array' && typeof segment === 'number' && def.element) return [def.element];
      return [];
    });
  }
  const keys = new Set<string>();
  for (const s of schemas) {
    const def = s._zod.def as { type: string; shape?: Record<string, unknown> };
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

/** Unwraps defaults, optionals, pipes and unions down to the schemas that could describe `value`. */
function unwrap(schema: z.core.$ZodType, value: unknown): z.core.$ZodType[] {
  const def = schema._zod.def as {
    type: string;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    options?: z.core.$ZodType[];
    discriminator?: string;
  };
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return unwrap(def.innerType!, value);
    case 'pipe':
      return unwrap(def.in!, value);
    case 'union': {
      let options = def.options ?? [];
      if (def.discriminator !== undefined && value !== null && typeof value === 'object') {
        const tag = (value as Record<string, unknown>)[def.discriminator];
        const matching = options.filter((o) => {
          const shape = (o._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
          const literal = shape?.[def.discriminator!]?._zod.def as { values?: unknown[] } | undefined;
          return literal?.values?.includes(tag);
        });
        if (matching.length > 0) options = matching;
      }
      return options.flatMap((o) => unwrap(o, value));
    }
    default:
      return [schema];
  }
}

// ---------------------------------------------------------------------------------------------
// Values and locations

function valueAt(raw: unknown, path: DocPath): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Renders a found value for a message: `"fast"`, `12`, `a mapping`, `a list of 3`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Renders a document path: `producers[0].rate.to`. */
export function formatPath(path: DocPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

function locateInDocument(
  root: Node | null | undefined,
  lineCounter: LineCounter,
  file: string,
  path: DocPath,
  at: 'value' | 'key',
): SourceLocation {
  let node: Node | null | undefined = root;
  let located: Node | null | undefined = root;
  for (let i = 0; i < path.length && node; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const key = p.key as Node | null;
        return (
          key !== null && 'value' in key && String((key as { value: unknown }).value) === String(segment)
        );
      });
      if (!pair) break;
      if (last && at === 'key') {
        located = pair.key as Node;
        break;
      }
      node = pair.value as Node | null;
      located = node ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
      if (!node) break;
      located = node;
    } else break;
  }
  const offset = located?.range?.[0];
  const location: SourceLocation = { file, path: formatPath(path) };
  if (offset !== undefined) {
    const pos = lineCounter.linePos(offset);
    location.line = pos.line;
    location.column = pos.col;
  }
  return location;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
