/**
 * The README's "Target metrics" table documents every metric the aws target adds (`awsOwnMetrics`,
 * src/targets/aws/index.ts), and nothing it does not add: a gate may name any of them, and the
 * table is where a user looks their meaning up.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { awsOwnMetrics } from '../../src/targets/aws/index.js';

const readme = readFileSync('README.md', 'utf8');

/**
 * The metric names in the first cell of each row of the table under `heading`, with `.x` written
 * after a name completed from that name (`integrity.<consumer>.delivered`, `.missing` →
 * `integrity.<consumer>.missing`).
 */
function tableNames(heading: string): string[] {
  const from = readme.indexOf(`\n${heading}\n`);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(from + heading.length + 2);
  const end = rest.search(/\n#{1,4} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const names: string[] = [];
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.slice(1, row.indexOf(' |', 2));
    let base = '';
    for (const [, token] of firstCell.matchAll(/`([^`]+)`/g)) {
      const name = token!.startsWith('.') ? base.slice(0, base.lastIndexOf('.')) + token! : token!;
      base = name;
      names.push(name);
    }
  }
  return names;
}

/** A documented name as a pattern: `<placeholder>` is one segment, `**` any rest. */
function matcher(pattern: string): RegExp {
  const escaped = pattern
    .split(/(<[^>]+>|\*\*)/)
    .map((part) =>
      part === '**' ? '.+' : part.startsWith('<') ? '[^.]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${escaped}$`);
}

// A scenario with one application of each kind and two reshard events: every kind of own metric.
const SCENARIO = scenarioSchema.parse({
  name: 'own',
  duration: '60s',
  stream: { shards: 2 },
  producers: [{ name: 'web', rate: '10/s' }],
  consumers: [
    { name: 'billing', type: 'polling' },
    { name: 'search', type: 'enhanced-fan-out' },
  ],
  events: [
    { at: '20s', reshard: { shards: 4 } },
    { at: '40s', reshard: { shards: 2 } },
  ],
});

/** A name each family of own metrics reports. */
const EXAMPLES: Record<string, string> = {
  requests: 'PutRecords.throttled',
  entries: 'PutRecords.InternalFailure',
  http: 'status.503',
  errors: 'TimeoutError',
};

describe('the README documents the aws target’s own metrics', () => {
  const documented = tableNames('#### Target metrics').map(matcher);
  // What a run of SCENARIO reports, with a name it may report for each family (`requests.**`); a
  // family without one stays as it is and matches no row: add its example here and its row there.
  const examples = awsOwnMetrics(SCENARIO).map((name) => {
    if (!name.endsWith('.**')) return name;
    const family = name.slice(0, -3);
    return `${family}.${EXAMPLES[family] ?? '**'}`;
  });

  it('every own metric, for every consumer and reshard event, has a row', () => {
    expect(examples).toContain('integrity.search.outOfOrder');
    expect(examples).toContain('reshards.1.activeAfterSeconds');
    expect(examples.filter((name) => !documented.some((d) => d.test(name)))).toEqual([]);
  });

  it('and every row names an own metric', () => {
    const own = awsOwnMetrics(SCENARIO).map(
      (name) => new RegExp(`^${name.replace(/\./g, '\\.').replace('\\.**', '\\..+')}$`),
    );
    const rows = tableNames('#### Target metrics').map((name) =>
      name
        .replace('<consumer>', 'billing')
        .replace('<i>', '0')
        .replace(/<[^>]+>/g, 'X'),
    );
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((name) => !own.some((o) => o.test(name)))).toEqual([]);
  });
});
