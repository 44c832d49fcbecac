/**
 * The import graph of `src/`, read from the TypeScript sources with comments, strings and regular
 * expressions masked first (an `import` or a `console.error` inside a comment or a template string,
 * like the report's inlined browser script, is not one), and the checks `imports.test.ts` runs on
 * it. Pure functions over sources and a `SourceGraph`, so the self-test can feed them fake ones.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** One `import … from`, `export … from` or `import(…)` of a file under `src/`. */
export interface ImportEdge {
  /** The importing file, relative to `src/` with `/` separators: `planner/index.ts`. */
  from: string;
  /** The imported file relative to `src/` (`engine/setup.ts`), or the package specifier (`node:fs`). */
  to: string;
  /** True for a file of ours, false for a package. */
  local: boolean;
  /**
   * `import type …` / `export type …`: erased by TypeScript, so it adds no edge at run time. With
   * `verbatimModuleSyntax` (tsconfig.json), `import { type A } from './a.js'` is NOT type-only:
   * it compiles to `import {} from './a.js'`, which still loads the module.
   */
  typeOnly: boolean;
  line: number;
}

/** A use of a global the CLI alone may touch: `process.cwd`, `process.stdout`, `console.error`. */
export interface GlobalUse {
  file: string;
  /** `process.cwd`, `console.error`, … (the global and the property read). */
  use: string;
  line: number;
}

/** A `new ShardcastError(…, 2, …)` or a command returning `0`: an exit code written as a number. */
export interface LiteralExitCode {
  file: string;
  text: string;
  line: number;
}

export interface SourceGraph {
  files: string[];
  imports: ImportEdge[];
  globals: GlobalUse[];
  literalExitCodes: LiteralExitCode[];
}

/** Every `.ts` file under `root`, relative to it, sorted (so the messages are stable). */
function listSources(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(root, full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      out.push(toPosix(relative(root, full)));
  }
  return out.sort();
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** `./setup.js` from `engine/simulate.ts` → `engine/setup.ts` (NodeNext: specifiers name the emitted `.js`). */
function resolveLocal(from: string, specifier: string, exists: (file: string) => boolean): string {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`];
  return candidates.find(exists) ?? target;
}

/**
 * Two copies of a source, each as long as it with its line breaks where they were: `code` with
 * comments, string and template text and regular expressions blanked (what is left is what runs:
 * `console.error` inside the report's inlined browser script, a template string, is gone), and
 * `specifiers`, the same but with quoted strings kept, to read import specifiers from.
 *
 * The TypeScript package installed is the native compiler (7.x), which has no JavaScript API to
 * parse with, so this is a small lexer: comments, '…' and "…" strings, `…${…}…` templates nested to
 * any depth, and regular expressions told from a division by the token before the slash.
 */
export function maskSource(text: string): { code: string; specifiers: string } {
  const code = [...text];
  const specifiers = [...text];
  const blank = (from: number, to: number, keepInSpecifiers: boolean) => {
    for (let i = from; i < to; i++) {
      if (text[i] === '\n') continue;
      code[i] = ' ';
      if (!keepInSpecifiers) specifiers[i] = ' ';
    }
  };
  // Braces opened inside `${ … }`: when one closes at depth 0, the template's text resumes.
  const templateDepths: number[] = [];
  let braceDepth = 0;
  let previous = ''; // the last significant character of code, to tell a regex from a division
  let i = 0;
  const scanTemplate = (from: number): number => {
    // From just after ` or }: text up to the closing ` (returned after it) or a `${`.
    let j = from;
    while (j < text.length && text[j] !== '`') {
      if (text[j] === '\\') j += 2;
      else if (text[j] === '$' && text[j + 1] === '{') {
        blank(from, j, false);
        templateDepths.push(braceDepth);
        braceDepth += 1;
        return j + 2;
      } else j += 1;
    }
    blank(from, j, false);
    return j + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop, false);
      i = stop;
    } else if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop, false);
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, j, true);
      i = j + 1;
      previous = 'a';
    } else if (c === '`') {
      i = scanTemplate(i + 1);
      previous = 'a';
    } else if (
      c === '}' &&
      templateDepths.length > 0 &&
      templateDepths[templateDepths.length - 1] === braceDepth - 1
    ) {
      templateDepths.pop();
      braceDepth -= 1;
      i = scanTemplate(i + 1);
      previous = 'a';
    } else if (c === '/' && !/[\w$)\]]/.test(previous)) {
      // A regular expression: `/…/flags`, with `[…]` classes that may hold a slash.
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j += 1;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j += 1;
      }
      blank(i + 1, j, false);
      i = j + 1;
      previous = 'a';
    } else {
      if (c === '{') braceDepth += 1;
      else if (c === '}') braceDepth -= 1;
      if (!/\s/.test(c)) previous = c;
      i += 1;
    }
  }
  return { code: code.join(''), specifiers: specifiers.join('') };
}

const SPECIFIER = String.raw`(['"])([^'"\n]+)\1`;
/**
 * What may stand between `import`/`export` and `from`: names, `* as x`, commas and one `{ … }` list
 * (over several lines), but never another `import` or `export`, so a match cannot start at an
 * earlier statement (`export interface A { … }` and then `export { b } from './b.js'`).
 */
const WORDS = String.raw`(?:(?!\b(?:import|export)\b)[\w$\s,*])*`;
const CLAUSE = String.raw`${WORDS}(?:\{[^{}]*\})?${WORDS}`;
/** `import type … from '…'` and `export type … from '…'`: erased, type-only. */
const TYPE_ONLY = new RegExp(String.raw`\b(?:import|export)\s+type\s+${CLAUSE}\bfrom\s*${SPECIFIER}`, 'g');
/** Every other `import … from`, `export … from`, bare `import '…'` and `import('…')`: loaded at run time. */
const RUNTIME = [
  new RegExp(String.raw`\b(?:import|export)\s+(?!type\s)${CLAUSE}\bfrom\s*${SPECIFIER}`, 'g'),
  new RegExp(String.raw`\bimport\s*${SPECIFIER}`, 'g'),
  new RegExp(String.raw`\bimport\s*\(\s*${SPECIFIER}\s*\)`, 'g'),
];

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** The top-level arguments of a call whose `(` is at `open` in masked code (strings already blanked). */
function callArguments(code: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') {
      depth -= 1;
      if (depth === 0) {
        args.push(code.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(code.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

/** The graph of one set of sources: `{ 'planner/index.ts': text, … }`, as `readSourceGraph` reads them. */
export function sourceGraph(
  sources: Readonly<Record<string, string>>,
  exists: (file: string) => boolean,
): SourceGraph {
  const files = Object.keys(sources).sort();
  const graph: SourceGraph = { files, imports: [], globals: [], literalExitCodes: [] };
  for (const file of files) {
    const { code, specifiers } = maskSource(sources[file]!);
    const add = (match: RegExpExecArray, typeOnly: boolean) => {
      const specifier = match[2]!;
      const local = specifier.startsWith('.');
      const to = local ? resolveLocal(file, specifier, exists) : specifier;
      graph.imports.push({ from: file, to, local, typeOnly, line: lineAt(specifiers, match.index) });
    };
    for (const match of specifiers.matchAll(TYPE_ONLY)) add(match, true);
    for (const pattern of RUNTIME) for (const match of specifiers.matchAll(pattern)) add(match, false);
    for (const match of code.matchAll(
      /\b(process|console)\s*\.\s*([A-Za-z_$][\w$]*)|\bglobalThis\s*\.\s*process\b/g,
    )) {
      if (match.index > 0 && code[match.index - 1] === '.') continue; // `x.process.cwd`: not the global
      const use = match[1] === undefined ? 'globalThis.process' : `${match[1]}.${match[2]}`;
      graph.globals.push({ file, use, line: lineAt(code, match.index) });
    }
    // `new ShardcastError(code, message, 2)`, or `super(code, message, 2)` in a subclass of it.
    for (const match of code.matchAll(/\b(new\s+ShardcastError|super)\s*\(/g)) {
      const exitCode = callArguments(code, match.index + match[0].length - 1)[2];
      if (exitCode !== undefined && /^\d+$/.test(exitCode)) {
        const call = match[1] === 'super' ? 'super' : 'new ShardcastError';
        graph.literalExitCodes.push({
          file,
          text: `${call}(…, ${exitCode}, …)`,
          line: lineAt(code, match.index),
        });
      }
    }
    if (file.startsWith('cli/commands/')) {
      // A command returns its exit code: `return 0;`, or `return passed ? 0 : 1;`.
      for (const match of code.matchAll(/\breturn\s+(\d+|[^;{}]*\?\s*\d+\s*:\s*\d+)\s*;/g)) {
        graph.literalExitCodes.push({
          file,
          text: `return ${match[1]!.trim()}`,
          line: lineAt(code, match.index),
        });
      }
    }
  }
  const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }) =>
    a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1;
  graph.imports.sort((a, b) => byPlace({ file: a.from, line: a.line }, { file: b.from, line: b.line }));
  graph.literalExitCodes.sort(byPlace);
  return graph;
}

/** Reads every source under `root` (the repository's `src/`) into a graph. */
export function readSourceGraph(root: string): SourceGraph {
  const sources: Record<string, string> = {};
  for (const file of listSources(root)) sources[file] = readFileSync(join(root, file), 'utf8');
  return sourceGraph(sources, (file) => existsSync(join(root, file)));
}

/** The folder a file belongs to (`planner/index.ts` → `planner`), or the file itself at the top (`load.ts`). */
export function layerOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash);
}

export function describeEdge(edge: ImportEdge): string {
  return `src/${edge.from}:${edge.line} → ${edge.local ? `src/${edge.to}` : edge.to}${edge.typeOnly ? ' (type-only)' : ''}`;
}

/**
 * The import cycles among `edges` (Tarjan's strongly connected components): each cycle as the
 * files in import order, the first repeated at the end (`a.ts → b.ts → a.ts`). A file importing
 * itself is a cycle of one.
 */
export function findCycles(edges: readonly Pick<ImportEdge, 'from' | 'to'>[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // Recursive: src/ has a few hundred files, far from the stack's depth.
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = component.length === 1 && next.get(v)!.includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components.map((component) => cycleThrough(component, next));
}

/** A shortest cycle from the component's first file (by name) back to it: what the failure prints. */
function cycleThrough(component: string[], next: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first from `start` inside the component until an edge leads back to it.
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of next.get(v)!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** A rule the sources must keep, and what breaks it, one line per offence (`file:line → import`). */
export interface RuleResult {
  rule: string;
  offences: string[];
}

/** Imports a folder may make outside itself, as the code stands (see the rules in `imports.test.ts`). */
export interface LayerRule {
  folder: string;
  /** Files or folders (`aws/facts.ts`, `result/`) it may import, type-only or not. */
  may: readonly string[];
}

/** A use of `process` or `console` outside `cli/` that is known and owned elsewhere, with why. */
export interface GlobalAllowance {
  file: string;
  use: string;
  why: string;
}

export interface Rules {
  layers: readonly LayerRule[];
  /** Folders with no import from one to the other in either direction, type-only included. */
  apart: readonly (readonly [string, string])[];
  /** `[from, to]`: `from` never imports `to`, type-only included. */
  never: readonly (readonly [string, string])[];
  globalAllowances: readonly GlobalAllowance[];
  /** Files still allowed to write an exit code as a number, with why. */
  literalExitCodeAllowances: readonly { file: string; why: string }[];
  /** Package → the only files that may import it. */
  packageOwners: readonly { pkg: string; files: readonly string[] }[];
  /** File or folder (`cli/`) → the only files or folders that may import it at run time. */
  runtimeImporters: readonly { file: string; may: readonly string[] }[];
}

function matches(file: string, entry: string): boolean {
  return entry.endsWith('/') ? file.startsWith(entry) : file === entry;
}

/** Every rule checked on `graph`; a rule kept has no offences. */
export function checkRules(graph: SourceGraph, rules: Rules): RuleResult[] {
  const local = graph.imports.filter((e) => e.local);
  const results: RuleResult[] = [];
  for (const [a, b] of rules.apart) {
    results.push({
      rule: `${a}/ and ${b}/ never import each other`,
      offences: local
        .filter(
          (e) =>
            (layerOf(e.from) === a && layerOf(e.to) === b) || (layerOf(e.from) === b && layerOf(e.to) === a),
        )
        .map(describeEdge),
    });
  }
  for (const [a, b] of rules.never) {
    results.push({
      rule: `${a}/ never imports ${b}/`,
      offences: local.filter((e) => layerOf(e.from) === a && layerOf(e.to) === b).map(describeEdge),
    });
  }
  for (const { folder, may } of rules.layers) {
    results.push({
      rule: `${folder}/ imports nothing above it: only ${folder}/ and ${may.join(', ')}`,
      offences: local
        .filter(
          (e) => layerOf(e.from) === folder && layerOf(e.to) !== folder && !may.some((m) => matches(e.to, m)),
        )
        .map(describeEdge),
    });
  }
  const allowed = (use: GlobalUse) =>
    rules.globalAllowances.some((a) => a.file === use.file && a.use === use.use);
  results.push({
    rule: 'only cli/ touches process, stdout, stderr and exit codes (process.*, console.*, node:process)',
    offences: [
      ...graph.globals
        .filter((g) => layerOf(g.file) !== 'cli' && !allowed(g))
        .map((g) => `src/${g.file}:${g.line} uses ${g.use}`),
      ...graph.imports
        .filter((e) => (e.to === 'node:process' || e.to === 'process') && layerOf(e.from) !== 'cli')
        .map(describeEdge),
    ],
  });
  results.push({
    rule: 'exit codes are written as ExitCode.* (src/errors.ts), never as a number',
    offences: graph.literalExitCodes
      .filter((l) => !rules.literalExitCodeAllowances.some((a) => a.file === l.file))
      .map((l) => `src/${l.file}:${l.line}: ${l.text}`),
  });
  for (const { pkg, files } of rules.packageOwners) {
    results.push({
      rule: `only ${files.map((f) => `src/${f}`).join(', ')} import ${pkg}`,
      offences: graph.imports
        .filter((e) => !e.local && e.to === pkg && !files.some((f) => matches(e.from, f)))
        .map(describeEdge),
    });
  }
  for (const { file, may } of rules.runtimeImporters) {
    results.push({
      rule: `only ${may.join(', ')} load src/${file} at run time`,
      offences: local
        .filter((e) => matches(e.to, file) && !e.typeOnly && !may.some((m) => matches(e.from, m)))
        .map(describeEdge),
    });
  }
  results.push({
    rule: 'no import cycle at run time (type-only imports are erased)',
    offences: findCycles(local.filter((e) => !e.typeOnly)).map((cycle) =>
      cycle.map((f) => `src/${f}`).join(' → '),
    ),
  });
  return results;
}
