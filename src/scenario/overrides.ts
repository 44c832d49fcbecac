/**
 * `--set PATH=VALUE`: a scenario field set from the command line before the scenario is validated
 * (`--set stream.shards=24 --set producers[0].rate=8k/s`). The value is read as YAML, as if written
 * in the file: `24` is a number, `8k/s` a string, `true` a boolean, `[a, b]` a list. The set value
 * is validated with the rest of the document, and a problem in it names the `--set` argument
 * instead of a file line.
 */
import { parseDocument } from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import type { DocPath } from './load.js';

export interface Override {
  /** The argument as given, `stream.shards=24`. */
  text: string;
  path: DocPath;
  value: unknown;
  /**
   * The mappings this override created on its way (`--set strem.shards=4` creates `strem`), filled
   * in by `applyOverrides`: a problem there (`strem: unknown field`) is located at the argument too.
   */
  created?: DocPath[];
}

/** Where a problem in a set value is shown: the argument, e.g. `--set stream.shards=abc`. */
export function overrideFile(text: string): string {
  return `--set ${text}`;
}

const PATH_HINT = 'write --set PATH=VALUE, e.g. --set stream.shards=24 or --set producers[0].rate=8k/s';

/**
 * Names that reach into every object's prototype: `--set __proto__.x=1` would set `x` on
 * `Object.prototype` for the whole process, and `constructor.prototype` likewise. No scenario field
 * has these names.
 */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A field name, then `.name`, `[n]` or `.n` (an index written with a dot) any number of times. */
const SEGMENT = /^(?:([A-Za-z_][\w-]*)|\[(\d+)\]|(\d+))/;

/**
 * Parses `--set` arguments. Returns the overrides and a problem for each argument that is not
 * `PATH=VALUE` with a well-formed path and a YAML value.
 */
export function parseOverrides(texts: readonly string[]): { overrides: Override[]; problems: Problem[] } {
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  for (const text of texts) {
    const at = (message: string, hint?: string): Problem => {
      const problem: Problem = { location: argumentLocation(text), message };
      if (hint !== undefined) problem.hint = hint;
      return problem;
    };
    const eq = text.indexOf('=');
    if (eq < 0) {
      problems.push(at('not PATH=VALUE: there is no "="', PATH_HINT));
      continue;
    }
    const path = parsePath(text.slice(0, eq).trim());
    if (typeof path === 'string') {
      problems.push(at(path, PATH_HINT));
      continue;
    }
    const doc = parseDocument(text.slice(eq + 1), { prettyErrors: false, uniqueKeys: true, merge: false });
    const error = doc.errors[0];
    if (error !== undefined) {
      problems.push(
        at(
          `the value is not valid YAML: ${error.message.split('\n')[0]}`,
          "quote the argument for the shell, e.g. --set 'producers[0].keys={dist: zipf, count: 1000, s: 1.1}'",
        ),
      );
      continue;
    }
    overrides.push({ text, path, value: doc.toJS({ maxAliasCount: 100 }) });
  }
  return { overrides, problems };
}

/** `producers[0].rate` → `['producers', 0, 'rate']`, or an error text. */
export function parsePath(text: string): DocPath | string {
  if (text === '') return 'the path before "=" is empty';
  const path: (string | number)[] = [];
  let rest = text;
  while (rest !== '') {
    const m = SEGMENT.exec(rest);
    const dotIndex = m?.[3] !== undefined;
    if (!m || (path.length === 0 && (m[2] !== undefined || dotIndex))) {
      return `"${text}" is not a field path: expected a field name at "${rest}"`;
    }
    if (m[1] !== undefined && FORBIDDEN_NAMES.has(m[1])) {
      return `"${text}" is not a field path: "${m[1]}" is not a scenario field (and cannot be set)`;
    }
    path.push(m[1] ?? Number(m[2] ?? m[3]));
    rest = rest.slice(m[0].length);
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest === '') return `"${text}" is not a field path: it ends with "."`;
    } else if (rest !== '' && !rest.startsWith('[')) {
      return `"${text}" is not a field path: expected "." or "[" at "${rest}"`;
    }
  }
  return path;
}

/**
 * Sets every override in `raw` (the parsed document, changed in place), in order: a later one wins.
 * A missing mapping on the way is created; a list index must name an existing item. Returns the
 * problems (a path through a scalar, an index past the end of a list).
 */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly Override[]): Problem[] {
  const problems: Problem[] = [];
  for (const o of overrides) {
    o.created = [];
    const error = setAt(raw, o.path, o.value, o.created);
    if (error !== undefined) {
      problems.push({ location: argumentLocation(o.text), message: error });
    }
  }
  return problems;
}

function setAt(
  root: Record<string, unknown>,
  path: DocPath,
  value: unknown,
  created: DocPath[],
): string | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const where = formatSegments(path.slice(0, i));
    if (Array.isArray(node)) {
      if (typeof segment !== 'number') {
        return `${where} is a list: name an item by its index, e.g. ${where}[0].${segment}`;
      }
      if (segment >= node.length) {
        return `${where} has ${node.length} item${node.length === 1 ? '' : 's'}: index ${segment} is past its end (--set changes items, it does not add them)`;
      }
    } else if (node !== null && typeof node === 'object') {
      if (typeof segment === 'number') {
        return `${where} is a mapping, not a list: name a field, not [${segment}]`;
      }
    } else {
      return `${where} is ${node === null ? 'null' : `a ${typeof node}`}, so it has no field ${JSON.stringify(String(segment))}`;
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[segment] = value;
      return undefined;
    }
    // A missing mapping on the way is created (`--set stream.shards=4` in a file without `stream`);
    // a missing list is not: its items would need every required field.
    const next = path[i + 1]!;
    // Own fields only: an inherited one (`toString`) is no field of the document.
    const present = Object.hasOwn(container, segment) ? container[segment] : undefined;
    if (present === undefined || present === null) {
      if (typeof next === 'number') {
        return `${formatSegments(path.slice(0, i + 1))} has no items: index ${next} is past its end`;
      }
      container[segment] = {};
      created.push(path.slice(0, i + 1));
    }
    node = container[segment];
  }
  return undefined;
}

/** The override whose path is the longest prefix of `path`, if any: the value there came from it. */
export function overrideAt(overrides: readonly Override[], path: DocPath): Override | undefined {
  let best: Override | undefined;
  const same = (a: DocPath, b: DocPath) =>
    a.length === b.length && a.every((segment, i) => String(segment) === String(b[i]));
  for (const o of overrides) {
    // A mapping the override created on its way: its problems are the argument's.
    if (o.created?.some((c) => same(c, path))) {
      if (best === undefined || o.path.length >= best.path.length) best = o;
      continue;
    }
    if (o.path.length > path.length) continue;
    if (!o.path.every((segment, i) => String(segment) === String(path[i]))) continue;
    // The later of two equally long ones set the value.
    if (best === undefined || o.path.length >= best.path.length) best = o;
  }
  return best;
}

/** An argument's location: shown as the argument itself (`--set stream.shards`), with no line. */
function argumentLocation(text: string): SourceLocation {
  const file = overrideFile(text);
  return { file, path: file };
}

function formatSegments(path: DocPath): string {
  if (path.length === 0) return 'the scenario';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
