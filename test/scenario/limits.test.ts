/**
 * The scenario text and list limits (src/scenario/limits.ts, issue 15, point 4): a file above the
 * size limit is refused before it is parsed, at its first line, saying the size and the limit; a
 * list one item beyond its bound is refused at the list's path naming the bound, and one at the
 * bound is not. Before, an 11 MB file of 300,000 weighted keys parsed for over 60 s and 2 GB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { LIST_BOUNDS, MAX_SCENARIO_TEXT_BYTES, textSizeProblem } from '../../src/scenario/limits.js';
import { parseScenario } from '../../src/scenario/load.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { run } from '../helpers/fake-io.js';

const SCENARIO = [
  'name: t',
  'duration: 10s',
  'stream: { shards: 1 }',
  'producers:',
  '  - { name: p, rate: 10/s }',
].join('\n');

/** The scenario padded with a comment to exactly `bytes` bytes. */
const padded = (bytes: number) => {
  const head = `${SCENARIO}\n# `;
  return `${head}${'x'.repeat(bytes - head.length - 1)}\n`;
};

const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems;
    throw error;
  }
  return [];
};

describe('the scenario text limit', () => {
  it('is 2 MiB = 2,097,152 bytes', () => {
    expect(MAX_SCENARIO_TEXT_BYTES).toBe(2_097_152);
  });

  it('accepts text of exactly the limit and refuses one byte more at line 1, before parsing', () => {
    expect(padded(MAX_SCENARIO_TEXT_BYTES).length).toBe(MAX_SCENARIO_TEXT_BYTES);
    expect(parseScenario(padded(MAX_SCENARIO_TEXT_BYTES), 't.yaml').scenario.name).toBe('t');
    // One byte more: 2,097,153 bytes ≈ 2 MiB; the text is also broken YAML after the padding
    // (an unclosed flow mapping), which a parse would report: only the size is.
    const over = `${padded(MAX_SCENARIO_TEXT_BYTES + 1)}{`;
    const problems = problemsOf(() => parseScenario(over, 't.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.location).toEqual({ file: 't.yaml', line: 1, column: 1, path: '' });
    expect(problems[0]!.message).toMatch(
      /^the scenario is 2 MiB \(2,097,154 bytes\), above the 2 MiB shardcast reads: parsing costs/,
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // "é" is 2 bytes in UTF-8: 700,000 of them are 1,400,000 bytes (inside), 1,100,000 are
    // 2,200,000 bytes (outside) though only 1,100,000 characters.
    expect(textSizeProblem('é'.repeat(700_000), 'u.yaml')).toBeUndefined();
    expect(textSizeProblem('é'.repeat(1_100_000), 'u.yaml')?.found).toBe('2.1 MiB');
  });

  describe('a file on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardcast-limits-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('above the limit: validate exits 2 naming the file, its size and the limit', async () => {
      const file = join(dir, 'big.yaml');
      // 3 MiB = 3,145,728 bytes of weighted keys would take seconds to parse: refused before.
      writeFileSync(file, padded(3 * 1024 * 1024));
      const result = await run(['validate', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `${file}:1:1: (document): the scenario is 3 MiB (3,145,728 bytes), above the 2 MiB shardcast reads`,
      );
      expect(result.stderr).toContain('(expected at most 2 MiB, found 3 MiB)');
    });
  });
});

describe('list bounds', () => {
  // Each list with valid items, `n` long, inside an otherwise valid scenario.
  const lists: Record<keyof typeof LIST_BOUNDS, { path: (string | number)[]; at: (n: number) => unknown }> = {
    weightedKeys: {
      path: ['producers', 0, 'keys', 'keys'],
      at: (n) =>
        scenario({ keys: { dist: 'weighted', keys: items(n, (i) => ({ key: `k${i}`, weight: 1 })) } }),
    },
    weightedSizes: {
      path: ['producers', 0, 'recordSize', 'sizes'],
      at: (n) =>
        scenario({ recordSize: { dist: 'weighted', sizes: items(n, () => ({ size: '1KiB', weight: 1 })) } }),
    },
    steps: {
      path: ['producers', 0, 'rate', 'steps'],
      at: (n) =>
        scenario({
          rate: { profile: 'step', initial: '1/s', steps: items(n, (i) => ({ at: `${i}s`, rate: '2/s' })) },
        }),
    },
    points: {
      path: ['producers', 0, 'rate', 'points'],
      at: (n) => scenario({ rate: { profile: 'trace', points: items(n, (i) => [i, 1]) } }),
    },
    events: {
      path: ['events'],
      at: (n) => ({ ...scenario({}), events: items(n, (i) => ({ at: `${i}s`, reshard: { shards: 2 } })) }),
    },
    producers: {
      path: ['producers'],
      at: (n) => ({ ...scenario({}), producers: items(n, (i) => ({ name: `p${i}`, rate: '1/s' })) }),
    },
    consumers: {
      path: ['consumers'],
      at: (n) => ({ ...scenario({}), consumers: items(n, (i) => ({ name: `c${i}`, type: 'polling' })) }),
    },
    firehose: {
      path: ['firehose'],
      at: (n) => ({ ...scenario({}), firehose: items(n, (i) => ({ name: `f${i}`, source: 'stream' })) }),
    },
    gates: {
      path: ['gates'],
      at: (n) => ({ ...scenario({}), gates: items(n, () => 'shards.recommended < 10') }),
    },
  };

  for (const [name, list] of Object.entries(lists)) {
    const bound = LIST_BOUNDS[name as keyof typeof LIST_BOUNDS];
    it(`${name}: ${bound.max} items pass, ${bound.max + 1} are refused at ${list.path.join('.')}`, () => {
      const tooBig = (n: number) =>
        flat(scenarioSchema.safeParse(list.at(n)).error?.issues ?? []).filter(
          (i) => i.code === 'too_big' && i.path.join('.') === list.path.join('.'),
        );
      expect(tooBig(bound.max)).toEqual([]);
      const issues = tooBig(bound.max + 1);
      expect(issues).toHaveLength(1);
      expect(issues[0]!.message).toBe(
        `at most ${bound.max.toLocaleString('en-US')} ${bound.items}: ${bound.why}`,
      );
    });
  }

  it('a YAML list one beyond its bound is located at its line with the bound', () => {
    const gates = Array.from({ length: LIST_BOUNDS.gates.max + 1 }, () => '  - shards.recommended < 10');
    const problems = problemsOf(() => parseScenario(`${SCENARIO}\ngates:\n${gates.join('\n')}\n`, 'g.yaml'));
    expect(problems.map((p) => [p.location.line, p.location.path, p.expected, p.found])).toEqual([
      // `gates:` is line 6; its first item, where the list starts, line 7.
      [7, 'gates', 'at most 1000 items', '1,001 items'],
    ]);
    expect(problems[0]!.message).toMatch(/^at most 1,000 gates: /);
  });
});

function items<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function scenario(producer: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 't',
    duration: '10s',
    stream: { shards: 1 },
    producers: [{ name: 'p', rate: '10/s', ...producer }],
  };
}

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/** The issues, with those inside a union's branches (a rate profile, a record size) at their full path. */
function flat(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors !== undefined)
      return issue.errors.flatMap((branch) => flat(branch, path));
    return [{ ...issue, path }];
  });
}
