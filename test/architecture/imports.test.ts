/**
 * The layout's rules (docs/architecture.md, "Modules"), checked on the import graph of `src/` so a
 * change that breaks one fails here, naming the file, the line and the import, instead of in a
 * review. Which imports count:
 *
 * - "never import each other" and "never imports" count type-only imports too: the planner and the
 *   engine are two independent answers, and sharing even a type couples them. What both need lives
 *   below them (`aws/`, `keys/`, `scenario/`, `result/`).
 * - "imports nothing above it" counts type-only imports too: a type from above is a dependency on
 *   what is above, even when erased.
 * - "no cycle" counts only imports that load a module at run time: TypeScript erases `import type`,
 *   and the few type-only cycles inside `scenario/` and `planner/` (a schema type and the bounds that
 *   check it) are harmless. With `verbatimModuleSyntax`, `import { type A }` is a runtime import.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRules, findCycles, type Rules, readSourceGraph, sourceGraph } from './graph.js';

const RULES: Rules = {
  apart: [['planner', 'engine']],
  never: [
    ['engine', 'targets'],
    ['engine', 'cli'],
    ['planner', 'cli'],
    // The workload generators serve the engine and every target alike: they sit below all of them.
    ['workload', 'engine'],
    ['workload', 'planner'],
    ['workload', 'targets'],
    ['workload', 'run'],
    ['workload', 'cli'],
    // serve stands in for AWS: it enforces the limits from aws/ and knows nothing of the tools that
    // test against it (the planner, the engine, the targets, the run pipeline); the engine and the
    // targets never reach into it either (the AWS target talks to it only over the wire).
    ['serve', 'engine'],
    ['serve', 'planner'],
    ['serve', 'targets'],
    ['serve', 'run'],
    ['serve', 'cli'],
    ['engine', 'serve'],
    ['targets', 'serve'],
    ['run', 'serve'],
    // The search (sweep, find) calls the run pipeline, never the CLI; nothing below it calls it.
    ['search', 'cli'],
    ['run', 'search'],
    ['targets', 'search'],
    ['engine', 'search'],
    ['planner', 'search'],
  ],
  layers: [
    // docs/architecture.md says `result/` imports nothing of ours. As it stands, result/end-to-end.ts
    // words the end-to-end latency with `formatSeconds` from scenario/units.ts, the one way figures
    // print. units.ts imports nothing of ours (checked below), so this adds no layer above result/;
    // the rule states the code as it is rather than moving the formatter.
    { folder: 'result', may: ['scenario/units.ts', 'numbers.ts'] },
    // As documented: scenario/ takes errors and AWS limits as data (aws/facts.ts, which imports
    // nothing of ours), and the "did you mean" helper (src/suggest.ts, a leaf).
    { folder: 'scenario', may: ['errors.ts', 'suggest.ts', 'aws/facts.ts'] },
  ],
  // None: src/load.ts took process.cwd() as a default working directory; the CLI passes its own
  // (io.cwd) and the API leaves relative paths to Node (issue 10, point 6).
  globalAllowances: [],
  literalExitCodeAllowances: [],
  packageOwners: [{ pkg: 'fastest-levenshtein', files: ['suggest.ts'] }],
  runtimeImporters: [
    // The scenario loader (zod schema, YAML, salvage, bounds) is heavy: gates/ and report/ need at
    // most a word from it, which lives in src/suggest.ts. Types from it are fine anywhere; cli/
    // loads it through src/load.ts.
    { file: 'scenario/load.ts', may: ['load.ts', 'scenario/'] },
    // Nothing imports the CLI at run time: src/index.ts re-exports its compact JSON types as types.
    { file: 'cli/', may: ['cli/'] },
  ],
};

const graph = readSourceGraph(join(import.meta.dirname, '../../src'));

describe('the import rules of src/', () => {
  it('reads the whole tree', () => {
    // A parser that silently found nothing would pass every rule below.
    expect(graph.files).toContain('planner/index.ts');
    expect(graph.files).toContain('engine/simulate.ts');
    expect(graph.imports.filter((e) => e.from === 'targets/model.ts').map((e) => e.to)).toContain(
      'engine/simulate.ts',
    );
    // cli/commands/report.ts loads the image renderer lazily: `await import('../../report/images.js')`.
    expect(graph.imports).toContainEqual(
      expect.objectContaining({ from: 'cli/commands/report.ts', to: 'report/images.ts', typeOnly: false }),
    );
  });

  for (const result of checkRules(graph, RULES)) {
    it(result.rule, () => {
      expect(result.offences, `${result.rule}, broken by:\n  ${result.offences.join('\n  ')}`).toEqual([]);
    });
  }

  it('keeps the allowances above true: each still names a real use, and the leaves stay leaves', () => {
    for (const a of RULES.globalAllowances) {
      expect(
        graph.globals.some((g) => g.file === a.file && g.use === a.use),
        `${a.file}: ${a.use}`,
      ).toBe(true);
    }
    // What result/ and scenario/ may import from outside must import nothing of ours at run time,
    // or "nothing above" would hold only one step deep.
    for (const leaf of ['scenario/units.ts', 'numbers.ts', 'aws/facts.ts', 'suggest.ts']) {
      expect(
        graph.imports.filter((e) => e.from === leaf && e.local && !e.typeOnly),
        leaf,
      ).toEqual([]);
    }
  });
});

/** The rules with nothing allowed, for the synthetic graphs. */
const STRICT: Rules = { ...RULES, globalAllowances: [], literalExitCodeAllowances: [] };
const offences = (sources: Record<string, string>, rule: string) => {
  const files = new Set(Object.keys(sources));
  const result = checkRules(
    sourceGraph(sources, (f) => files.has(f)),
    STRICT,
  ).find((r) => r.rule.startsWith(rule));
  if (result === undefined) throw new Error(`no rule "${rule}"`);
  return result.offences;
};

describe('the checker, on synthetic sources', () => {
  it('names the file, line and import that joins the planner and the engine, type-only included', () => {
    const sources = {
      'planner/a.ts': "import { x } from './b.js';\nimport type { Step } from '../engine/step.js';\n",
      'planner/b.ts': 'export const x = 1;\n',
      'engine/step.ts': "export interface Step { at: number }\nexport { y } from '../planner/b.js';\n",
    };
    expect(offences(sources, 'planner/ and engine/')).toEqual([
      'src/engine/step.ts:2 → src/planner/b.ts',
      'src/planner/a.ts:2 → src/engine/step.ts (type-only)',
    ]);
  });

  it('catches the engine importing a target and result/ importing from above it', () => {
    const sources = {
      'engine/run.ts': "import { model } from '../targets/model.js';\n",
      'targets/model.ts': 'export const model = 1;\n',
      'result/io.ts':
        "import { units } from '../scenario/units.js';\nimport { plan } from '../planner/index.js';\n",
      'scenario/units.ts': 'export const units = 1;\n',
      'planner/index.ts': 'export const plan = 1;\n',
    };
    expect(offences(sources, 'engine/ never imports targets/')).toEqual([
      'src/engine/run.ts:1 → src/targets/model.ts',
    ]);
    // scenario/units.ts is allowed (see RULES); planner/ is above.
    expect(offences(sources, 'result/ imports nothing above it')).toEqual([
      'src/result/io.ts:2 → src/planner/index.ts',
    ]);
  });

  it('catches the workload generators importing the engine or a target', () => {
    const sources = {
      'workload/random.ts':
        "import { tick } from '../engine/simulate.js';\nimport type { Target } from '../targets/target.js';\n",
      'engine/simulate.ts': 'export const tick = 1;\n',
      'targets/target.ts': 'export interface Target { name: string }\n',
    };
    expect(offences(sources, 'workload/ never imports engine/')).toEqual([
      'src/workload/random.ts:1 → src/engine/simulate.ts',
    ]);
    expect(offences(sources, 'workload/ never imports targets/')).toEqual([
      'src/workload/random.ts:2 → src/targets/target.ts (type-only)',
    ]);
  });

  it('finds process and console in code, not in comments, strings, templates or regular expressions', () => {
    const sources = {
      'report/page.ts': [
        '// console.log in a comment',
        "const quoted = 'process.exit(1)';",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, on purpose
        'const page = `<script>console.error(e); ${`nested ${"process.argv"}`}</script>`;',
        'const slash = /[\'"`]/g; const ratio = 4 / 2; // a regex with quotes, then a division',
        'export const cwd = process.cwd();',
        'console.warn(quoted, page, slash, ratio);',
      ].join('\n'),
      'cli/main.ts': 'process.exitCode = 2;\nconsole.log(1);\n',
      'gates/out.ts': "import { stdout } from 'node:process';\nexport const s = stdout;\n",
    };
    expect(offences(sources, 'only cli/ touches process')).toEqual([
      'src/report/page.ts:5 uses process.cwd',
      'src/report/page.ts:6 uses console.warn',
      'src/gates/out.ts:1 → node:process',
    ]);
  });

  it('catches an exit code written as a number, in an error or a command', () => {
    const sources = {
      'cli/commands/plan.ts': [
        "import { ExitCode, ShardcastError } from '../../errors.js';",
        'export function commandPlan(ok: boolean): number {',
        "  if (!ok) throw new ShardcastError('usage', `bad, (really)`, 2, 'a hint, with commas');",
        "  if (ok === undefined) throw new ShardcastError('usage', 'fine', ExitCode.invalidInput);",
        '  return ok ? 0 : 1;',
        '}',
        'class Usage extends ShardcastError {',
        "  constructor() { super('usage', f(a, b), 2); }",
        '}',
      ].join('\n'),
      'errors.ts': 'export const ExitCode = { ok: 0 };\nexport class ShardcastError {}\n',
    };
    expect(offences(sources, 'exit codes are written')).toEqual([
      'src/cli/commands/plan.ts:3: new ShardcastError(…, 2, …)',
      'src/cli/commands/plan.ts:5: return ok ? 0 : 1',
      'src/cli/commands/plan.ts:8: super(…, 2, …)',
    ]);
  });

  it('catches a second "did you mean" and a module loading the scenario loader for a word', () => {
    const sources = {
      'gates/metrics.ts':
        "import { distance } from 'fastest-levenshtein';\nimport { suggest } from '../scenario/load.js';\nimport type { Loaded } from '../scenario/load.js';\n",
      'scenario/load.ts': 'export const suggest = 1;\nexport type Loaded = number;\n',
    };
    expect(offences(sources, 'only src/suggest.ts import fastest-levenshtein')).toEqual([
      'src/gates/metrics.ts:1 → fastest-levenshtein',
    ]);
    expect(offences(sources, 'only load.ts, scenario/ load src/scenario/load.ts')).toEqual([
      'src/gates/metrics.ts:2 → src/scenario/load.ts',
    ]);
  });

  it('prints a runtime cycle and ignores one closed by a type-only import', () => {
    const sources = {
      'keys/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'keys/b.ts': "import { c } from './c.js';\nexport const b = c;\n",
      // `import { type A }` loads the module under verbatimModuleSyntax: a runtime edge.
      'keys/c.ts': "import { type A } from './a.js';\nexport const c = 1;\n",
      'keys/d.ts': "import type { E } from './e.js';\nexport type D = 1;\n",
      'keys/e.ts': "import { d } from './d.js';\nexport type E = 1;\n",
    };
    expect(offences(sources, 'no import cycle')).toEqual([
      'src/keys/a.ts → src/keys/b.ts → src/keys/c.ts → src/keys/a.ts',
    ]);
  });

  it('finds every cycle of a graph with two, and a file importing itself', () => {
    // a → b → a and c → d → e → c, f → f; g → a hangs off the first without being in it.
    const edges = [
      ['a', 'b'],
      ['b', 'a'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'c'],
      ['f', 'f'],
      ['g', 'a'],
    ].map(([from, to]) => ({ from: from!, to: to! }));
    expect(findCycles(edges).sort()).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
      ['f', 'f'],
    ]);
  });
});
