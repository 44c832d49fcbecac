/**
 * Text from a file never reaches the terminal raw (issue 15, point 2, and the strings of point
 * 3): a field name with a newline would forge a problem line, an escape sequence would recolour
 * or clear the screen. Each is printed escaped, as JSON writes it (`\n`, `\u001b`), and a very
 * long string is cut with a count of what was left out.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/printable.js';
import { calmScenario } from '../helpers/calm.js';
import { run } from '../helpers/fake-io.js';

const ESC = '\u001b';

describe('printable', () => {
  it('escapes control characters as JSON does and keeps the rest', () => {
    expect(printable('a\nb\r\tc\u001b[2J\u0000\u007f\u0085\u2028\u202e — é')).toBe(
      'a\\nb\\r\\tc\\u001b[2J\\u0000\\u007f\\u0085\\u2028\\u202e — é',
    );
  });

  it('cuts a long string after maxChars characters and says how many more there were', () => {
    // 250 characters, 200 kept: 50 more.
    expect(printable('x'.repeat(250))).toBe(`${'x'.repeat(200)}… (50 more characters)`);
    // Counted in characters, not UTF-16 units: 10 emoji are 10 characters.
    expect(printable('😀'.repeat(10), 4)).toBe('😀😀😀😀… (6 more characters)');
  });
});

describe('the terminal gets no raw control characters from a file', () => {
  it('validate: an unknown field named with a newline and ESC cannot forge a problem line', async () => {
    const scenario = `${calmScenario({ duration: '10s' })}"evil\\nkey: forged line\\u001b[31mRED": 1\n`;
    const r = await run(['validate', 'evil.yaml'], { 'evil.yaml': scenario });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(ESC);
    // Before: the name's newline began a line of its own, "key: forged line…".
    expect(r.stderr.split('\n').some((line) => line.startsWith('key: forged line'))).toBe(false);
    expect(r.stderr).toContain('evil\\nkey: forged line\\u001b[31mRED');
  });

  it('compare: a metric named with ESC [2J in a result.json is printed escaped, not clearing the screen', async () => {
    const out = '/tmp/shardcast-terminal-safety';
    const first = await run(['run', 'calm.yaml', '--out', out, '--quiet', '--duration', '10s'], {
      'calm.yaml': calmScenario({ duration: '10s' }),
    });
    expect(first.code).toBe(0);
    const text = first.io.writtenFile(join(out, 'result.json'))!;
    const result = JSON.parse(text) as { metrics: Record<string, number> };
    result.metrics['evil\u001b[2Jmetric'] = 1;
    const r = await run(['compare', 'a.json', 'b.json'], {
      'a.json': text,
      'b.json': JSON.stringify(result),
    });
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toContain('evil\\u001b[2Jmetric');
  });

  it('plan: a description of 100,000 characters is cut in the terminal, kept whole in plan.json', async () => {
    const long = 'd'.repeat(100_000);
    const scenario = calmScenario({ duration: '10s' }).replace(
      'name: calm\n',
      `name: calm\ndescription: ${long}\n`,
    );
    const r = await run(['plan', 'calm.yaml', '--out', '/tmp/shardcast-terminal-plan'], {
      'calm.yaml': scenario,
    });
    expect(r.code).toBe(0);
    // Title "Plan for calm — ddd…": cut at 300 characters, with the count of the rest.
    expect(r.stdout).not.toContain('d'.repeat(400));
    expect(r.stdout).toMatch(/more characters\)/);
    expect(r.stdout.length).toBeLessThan(20_000);
    const plan = JSON.parse(r.io.writtenFile('/tmp/shardcast-terminal-plan/plan.json')!) as {
      scenario: { description: string };
    };
    expect(plan.scenario.description).toBe(long);
  });

  it('a file with 200 problems prints the first 50 and counts the rest (a mutated file once printed 400,004 lines)', async () => {
    const unknown = Array.from({ length: 200 }, (_, i) => `field${i}: 1`).join('\n');
    const r = await run(['validate', 'many.yaml'], {
      'many.yaml': `${calmScenario({ duration: '10s' })}${unknown}\n`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('200 problems found');
    expect(r.stderr).toContain('field49');
    expect(r.stderr).not.toContain('field50:');
    // 200 − 50 = 150 counted, not printed.
    expect(r.stderr).toContain('… and 150 more problems (the first 50 are shown)');
    expect(r.stderr.split('\n').length).toBeLessThan(50 * 3 + 5);
  });
});
