/** The README is generated where it can be and documents what the code does. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import { replaceFieldTable } from '../../src/scenario/field-table.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('has the current field table (run `npm run docs` when this fails)', () => {
    expect(replaceFieldTable(readme)).toBe(readme);
  });

  it('documents every plan metric of every bundled scenario', () => {
    const documented = new Set([...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
    const names = new Set<string>();
    for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.yaml'))) {
      const plan = planScenario(loadScenarioFile(join('scenarios', file)).scenario);
      for (const metric of Object.keys(plan.metrics)) {
        const consumer = plan.fanOut.consumers.find((c) => metric.startsWith(`consumers.${c.name}.`));
        const firehose = plan.firehose.find((f) => metric.startsWith(`firehose.${f.name}.`));
        names.add(
          consumer
            ? metric.replace(`consumers.${consumer.name}.`, 'consumers.<name>.')
            : firehose
              ? metric.replace(`firehose.${firehose.name}.`, 'firehose.<name>.')
              : metric,
        );
      }
    }
    expect([...names].filter((n) => !documented.has(n))).toEqual([]);
  });

  it('has the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npx shardcast plan scenarios/launch-day.yaml');
    expect(readme).toContain('npm ci && npm test');
  });
});

describe('versions', () => {
  it('the version written into results and reports is package.json’s', async () => {
    const { SHARDCAST_VERSION } = await import('../../src/cli/version.js');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(SHARDCAST_VERSION).toBe(pkg.version);
  });
});
