/**
 * The size rules (docs/style.md, habit 14) live in biome.jsonc: no source file over 500 lines, no
 * function over 120. This keeps them there, at error level, and keeps the exemptions to the files
 * named below: a new override that silences a size rule for another file fails here, naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Rule = 'off' | { level: string; options: { maxLines: number; skipBlankLines: boolean } };
interface Override {
  includes: string[];
  linter?: { rules?: Record<string, Record<string, Rule>> };
}

/** biome.jsonc without its comments (only whole-line `//` comments are used in it). */
const config = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../biome.jsonc'), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n'),
) as { overrides: Override[] };

const SIZE_RULES = [
  ['style', 'noExcessiveLinesPerFile', 500],
  ['complexity', 'noExcessiveLinesPerFunction', 120],
] as const;

/** The files that may turn a size rule off, with why (also said in biome.jsonc). */
const EXEMPT: Record<string, string> = {
  'src/keys/md5.ts': 'the unrolled MD5, one function on purpose',
};

describe('the size rules in biome.jsonc', () => {
  it.each(SIZE_RULES)(
    '%s/%s is an error above %i lines for src/, blank lines not counted',
    (group, rule, max) => {
      const setting = config.overrides.find((o) => o.includes.includes('src/**'))?.linter?.rules?.[group]?.[
        rule
      ];
      expect(setting).toEqual({ level: 'error', options: { maxLines: max, skipBlankLines: true } });
    },
  );

  it('is turned off only for the files exempt above', () => {
    const silenced = config.overrides.flatMap((o) =>
      SIZE_RULES.some(([group, rule]) => o.linter?.rules?.[group]?.[rule] === 'off') ? o.includes : [],
    );
    expect(silenced.sort()).toEqual(Object.keys(EXEMPT).sort());
  });
});
