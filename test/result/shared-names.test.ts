/**
 * One metric name, one meaning. `run` evaluates gates over `{ ...plan.metrics, ...result.metrics }`,
 * so a name in both sets silently takes the run's meaning: `firehose.<name>.objectBytes` was one
 * object's size in the plan and every byte written in the run, and one gate passed in `plan` and
 * failed in `run`. The rule, over every bundled scenario: the plan's and the run's names are
 * disjoint except those listed in SHARED with their one definition; and names that end alike
 * (look-alikes) measure the same kind of quantity, in the same unit.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricQuantity } from '../../src/gates/metrics.js';
import { knownMetrics, loadScenarioFile } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import { runMetricNames } from '../../src/result/names.js';

/**
 * Names deliberately in both sets, with the one quantity they mean in both. None today: a plan's
 * prediction and a run's measurement of one quantity are named apart (README, "Run metrics").
 */
const SHARED: Readonly<Record<string, string>> = {};

/** Look-alikes: the same last segment in a plan name and a run name, and what tells them apart. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  peakRecordsPerSecond:
    'plan traffic.*: offered to the stream at the planning instant; run throughput.*: acknowledged',
  peakWriteBytesPerSecond: 'plan: offered at the planning instant; run: accepted in the busiest second',
  averageRecordsPerSecond: 'plan: offered, averaged over the profile; run: acknowledged ÷ the run',
};

const scenarios = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('scenarios', f));

describe.each(scenarios)('%s', (file) => {
  const scenario = loadScenarioFile(file).scenario;
  const planNames = Object.keys(planScenario(scenario).metrics);
  const runNames = runMetricNames(
    scenario.consumers.map((c) => c.name),
    scenario.firehose.map((f) => f.name),
  );

  it('has no name in both the plan and the run but the documented shared ones', () => {
    const run = new Set(runNames);
    expect(planNames.filter((n) => run.has(n))).toEqual(Object.keys(SHARED).filter((n) => run.has(n)));
    expect(new Set(knownMetrics(scenario)).size).toBe(knownMetrics(scenario).length);
  });

  it('gives look-alikes (the same last segment) the same quantity, and documents each', () => {
    const last = (n: string) => n.split('.').pop()!;
    const runByLast = new Map(runNames.map((n) => [last(n), n]));
    for (const name of planNames) {
      const twin = runByLast.get(last(name));
      if (twin === undefined) continue;
      expect(LOOK_ALIKES, `${name} looks like ${twin}`).toHaveProperty(last(name));
      expect(metricQuantity(name), `${name} vs ${twin}`).toBe(metricQuantity(twin));
    }
  });
});

describe('a Firehose byte figure under another name', () => {
  it('gets each byte figure with its meaning, not the closest spelling (one object for a total)', async () => {
    const { suggestMetric } = await import('../../src/gates/metrics.js');
    const known = knownMetrics(loadScenarioFile('scenarios/log-shipping-firehose.yaml').scenario);
    const hint = suggestMetric('firehose.audit-archive.totalObjectBytes', known);
    expect(hint).toBe(
      'a Firehose stream\'s bytes are "firehose.audit-archive.objectBytes" (plan: one object\'s size at peak), "firehose.audit-archive.averageObjectBytes" (run: the mean object written), "firehose.audit-archive.deliveredBytes" (run: all objects written, in bytes), "firehose.audit-archive.bytes" (run: bytes the stream took in)',
    );
  });
});
