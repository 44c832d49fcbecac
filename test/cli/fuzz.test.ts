/**
 * Fuzzing the CLI with mutations of the bundled scenarios (issue 9, point 14): numbers made huge,
 * tiny, negative, zero, non-finite or 1eN; units swapped, stripped or garbled; keys and list items
 * deleted or duplicated; values nested deep or changed in type (paths such as `/dev/zero`
 * included); and raw text damage for the YAML parser. `validate` and `plan` run on every case, `run`
 * (10 s of model time) on a sample, in-process as a user would run them. Whatever the input:
 *
 * - the exit code is 0, 1 or 2 (never 70, and no hang);
 * - every problem line names a location, `file:line:column: path: …`;
 * - no stack trace is printed.
 *
 * `npm test` runs `SHARDCAST_FUZZ_RUNS` cases (default below); `npm run fuzz` runs many more
 * (vitest.fuzz.config.ts). A failure prints its seed and the mutated scenario: add it to
 * test/cli/hostile-input.test.ts once fixed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

/** Cases per run: 1,000 (2,040 CLI invocations) took 33 s on the shared 2-core machine; `npm run fuzz` raises it. */
const RUNS = Number(process.env.SHARDCAST_FUZZ_RUNS ?? 1000);
/** Where each case is written before it runs, when set (see below). */
const LAST = process.env.SHARDCAST_FUZZ_LAST;
/** One case in this many also runs `run --duration 10s`. */
const RUN_EVERY = 25;

const SCENARIOS = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f, tree: parse(readFileSync(join(REPO_ROOT, 'scenarios', f), 'utf8')) as unknown }));

type Tree = unknown;
type Path = (string | number)[];

/** Every path in the tree, the root excluded, in document order. */
function pathsOf(tree: Tree): Path[] {
  const paths: Path[] = [];
  const walk = (value: Tree, path: Path) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) walk(value[i], [...path, i]);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(tree, []);
  return paths;
}

function parentOf(tree: Tree, path: Path): { parent: Record<string | number, Tree>; key: string | number } {
  let parent = tree as Record<string | number, Tree>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Tree>;
  return { parent, key: path[path.length - 1]! };
}

/** Numbers a fuzzer tries: the edges of a double, of integers, and of the bounds. */
const NUMBERS = [
  '0',
  '-1',
  '-0.5',
  '1e-300',
  '0.0001',
  '1e308',
  '1e400',
  '-1e400',
  '4294967295',
  '1000000000',
  '9007199254740993',
  '1e13',
  '100000',
  '100001',
  '10000001',
  '3.7',
];
const UNITS = [
  '',
  'B',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
  'ms',
  's',
  'm',
  'h',
  'd',
  '/s',
  'k/s',
  'M/s',
  'MiB/s',
  'xyz',
  '%',
];
const ODD_VALUES: Tree[] = [
  null,
  true,
  'x',
  '',
  [],
  {},
  0,
  -1,
  1e308,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  '/dev/zero',
  '/etc/passwd',
  '../../secret',
  'x'.repeat(5000),
  { profile: 'trace', file: '/dev/zero' },
  { dist: 'zipf', count: 1e12 },
];
const TEXT_DAMAGE = [
  '[',
  '{',
  ']',
  ': ',
  '\t',
  '&a ',
  '*a',
  '<<: *a\n',
  '- ',
  '"',
  "'",
  '\n  - ',
  '#',
  '\u0000',
  '\ufeff',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.constantFrom(...NUMBERS) }),
  fc.record({ kind: fc.constant('double' as const), at: fc.nat(), value: fc.double() }),
  fc.record({ kind: fc.constant('unit' as const), at: fc.nat(), value: fc.constantFrom(...UNITS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('type' as const), at: fc.nat(), value: fc.constantFrom(...ODD_VALUES) }),
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), value: fc.constantFrom(...TEXT_DAMAGE) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Applies the mutations to a copy of the tree, then writes it as YAML (text damage last). */
function mutate(tree: Tree, mutations: readonly Mutation[]): string {
  const copy = structuredClone(tree);
  const damage: Mutation[] = [];
  for (const m of mutations) {
    if (m.kind === 'text') {
      damage.push(m);
      continue;
    }
    const paths = pathsOf(copy);
    if (paths.length === 0) continue;
    const path = paths[m.at % paths.length]!;
    const { parent, key } = parentOf(copy, path);
    const value = parent[key];
    switch (m.kind) {
      case 'number':
        // In a written quantity (`5k/s`) the number is replaced and the unit kept; a plain number
        // becomes the number as YAML reads it (`1e400` is a float, Infinity once read).
        parent[key] =
          typeof value === 'string' && /\d/.test(value)
            ? value.replace(/\d+(\.\d+)?([eE][+-]?\d+)?/, m.value)
            : Number(m.value);
        break;
      case 'double':
        parent[key] =
          typeof value === 'string' && /\d/.test(value) ? value.replace(/[\d.]+/, String(m.value)) : m.value;
        break;
      case 'unit':
        if (typeof value === 'string') parent[key] = value.replace(/[A-Za-z/%]+$/, m.value);
        else if (typeof value === 'number') parent[key] = `${value}${m.value}`;
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'duplicate':
        if (Array.isArray(parent)) for (let i = 0; i < m.times; i++) parent.push(structuredClone(value));
        else parent[`${String(key)}Copy`] = structuredClone(value);
        break;
      case 'nest': {
        let nested: Tree = value;
        for (let i = 0; i < m.depth; i++) nested = i % 2 === 0 ? [nested] : { a: nested };
        parent[key] = nested;
        break;
      }
      case 'type':
        parent[key] = structuredClone(m.value);
        break;
    }
  }
  let text = stringify(copy, { lineWidth: 0 });
  for (const d of damage) {
    if (d.kind !== 'text') continue;
    const at = d.at % (text.length + 1);
    text = text.slice(0, at) + d.value + text.slice(at);
  }
  return text;
}

/** Lines that break the contract: a stack frame, an internal error, a problem without a location. */
function contractBreaches(stderr: string): string[] {
  const breaches: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    if (/^\s+at .+[(:]\d+/.test(line) || line.includes('internal error')) breaches.push(`stack: ${line}`);
    // The count of problems (or warnings) beyond the first 50 printed is not a problem of its own.
    else if (
      /^(?: {2}|warning: )… and [\d,]+ more (?:problem|warning)s? \(the first \d+ are shown\)$/.test(line)
    )
      continue;
    else if (line.startsWith('warning: ')) {
      if (!/^warning: \S+:\d+:\d+: /.test(line)) breaches.push(`unlocated warning: ${line}`);
    } else if (line.startsWith('  ') && !line.startsWith('    hint: ') && !line.startsWith('      hint: ')) {
      if (!/^ {2}\S+:\d+:\d+: /.test(line)) breaches.push(`unlocated problem: ${line}`);
    }
  }
  return breaches;
}

describe('fuzz: mutated bundled scenarios never crash, hang or print an unlocated problem', () => {
  it(`${RUNS} cases of validate and plan (run on one in ${RUN_EVERY})`, async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: SCENARIOS.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (index, mutations) => {
          const scenario = SCENARIOS[index]!;
          const text = mutate(scenario.tree, mutations);
          // Beside the bundled scenarios, so a trace file resolves as it does for them.
          const file = 'scenarios/fuzz-case.yaml';
          const commands: string[][] = [
            ['validate', file],
            ['plan', file],
          ];
          if (count++ % RUN_EVERY === 0)
            commands.push(['run', file, '--duration', '10s', '--quiet', '--no-html', '--out', 'fuzz-out']);
          for (const argv of commands) {
            // A crash of the process itself (V8 out of memory) reports no counterexample: with
            // SHARDCAST_FUZZ_LAST=FILE each case is written there before it runs.
            if (LAST !== undefined) writeFileSync(LAST, `# ${argv.join(' ')}\n${text}`);
            const started = Date.now();
            const result = await run(argv, { [file]: text });
            const context = `${argv.join(' ')} on a mutation of ${scenario.name}:\n${text.slice(0, 3000)}\n--- stderr:\n${result.stderr.slice(0, 3000)}`;
            expect([0, 1, 2], context).toContain(result.code);
            expect(contractBreaches(result.stderr), context).toEqual([]);
            // A hang shows as a case that takes far longer than any plan of a bundled scenario.
            expect(Date.now() - started, context).toBeLessThan(20_000);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 3_600_000);
});
