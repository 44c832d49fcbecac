/** Plans written before consumers carried their lag at both counts cannot be read back as if they did. */
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/cli/read.js';
import { planScenario } from '../../src/planner/index.js';
import { scenarioOf } from '../planner/helpers.js';

describe('plan format version', () => {
  const plan = planScenario(
    scenarioOf(`
name: v
stream: { shards: 2 }
producers:
  - { name: p, rate: 100/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
consumers:
  - { name: c, type: polling }
`),
  );

  it('reads back the plan it writes', () => {
    expect(parsePlan(JSON.stringify(plan), 'plan.json').fanOut.consumers[0]!.lag.shardCount).toBe(2);
  });

  it('refuses a version-1 plan, which has no lag at both counts, with a way out', () => {
    const old = { ...plan, version: 1 };
    expect(() => parsePlan(JSON.stringify(old), 'plan.json')).toThrow(
      /plan format 1 cannot be read \(this shardcast reads 3\)/,
    );
  });

  it('refuses a version-2 plan, whose warnings were strings, not findings, on its version alone', () => {
    const { findings: _findings, ...rest } = plan;
    const old = { ...rest, version: 2, warnings: ['…'], recommendations: ['…'] };
    expect(() => parsePlan(JSON.stringify(old), 'plan.json')).toThrow(
      /plan format 2 cannot be read \(this shardcast reads 3\): it was written by an older shardcast[^\n]*$/,
    );
  });
});
