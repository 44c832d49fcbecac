/** The pieces of `run --json` and `compare --json`: verdicts, filters, key metrics, the scenario hash. */
import { describe, expect, it } from 'vitest';
import {
  type ComparedRun,
  comparabilityWarnings,
  filterRows,
  keyMetrics,
  scenarioHash,
} from '../../src/cli/summary.js';
import { compareMetrics, rowVerdict } from '../../src/gates/compare.js';
import type { Scenario } from '../../src/scenario/schema.js';

describe('rowVerdict and --only', () => {
  // Tolerance 10%:
  //   putLatency.p99      0.200 → 0.210 s: +0.010 / 0.200 = +5%, worse within 10%    → worse
  //   putLatency.p50      0.100 → 0.125 s: +0.025 / 0.100 = +25%, beyond 10%        → regression
  //   records.acknowledged  100 → 120: more is better                               → better
  //   records.produced      100 → 90: an input, neither better nor worse            → changed
  //   lostRecords             0 → 0                                                  → same
  //   consumerLag.max        (absent) → 3                                            → only-in-current
  const rows = compareMetrics(
    {
      'putLatency.p99': 0.2,
      'putLatency.p50': 0.1,
      'records.acknowledged': 100,
      'records.produced': 100,
      lostRecords: 0,
    },
    {
      'putLatency.p99': 0.21,
      'putLatency.p50': 0.125,
      'records.acknowledged': 120,
      'records.produced': 90,
      lostRecords: 0,
      'consumerLag.max': 3,
    },
    { tolerance: 0.1 },
  );
  const verdicts = Object.fromEntries(rows.map((r) => [r.metric, rowVerdict(r)]));

  it('names each row’s verdict', () => {
    expect(verdicts).toEqual({
      'putLatency.p99': 'worse',
      'putLatency.p50': 'regression',
      'records.acknowledged': 'better',
      'records.produced': 'changed',
      lostRecords: 'same',
      'consumerLag.max': 'only-in-current',
    });
  });

  it('keeps every row but the same ones for changed, and the regressions for regressed', () => {
    expect(filterRows(rows, 'changed').map((r) => r.metric)).toEqual(
      rows.map((r) => r.metric).filter((m) => m !== 'lostRecords'),
    );
    expect(filterRows(rows, 'regressed').map((r) => r.metric)).toEqual(['putLatency.p50']);
    expect(filterRows(rows, 'all')).toEqual(rows);
  });
});

describe('keyMetrics', () => {
  it('keeps the headline names, grouped in the summary’s order, whatever percentiles exist', () => {
    const picked = keyMetrics({
      'cost.monthly.provisioned': 5,
      'traffic.peakRecordsPerSecond': 6000,
      'putLatency.p95': 0.1,
      'putLatency.mean': 0.05,
      'records.produced': 3,
      'putLatency.p50': 0.02,
      'consumers.app.lagSeconds.max': 2,
      'consumers.app.delivered': 3,
    });
    // records first, then latency percentiles (p95 before p50 as they came), consumers, cost;
    // means, traffic inputs and delivered counts are not headline figures.
    expect(Object.keys(picked)).toEqual([
      'records.produced',
      'putLatency.p95',
      'putLatency.p50',
      'consumers.app.lagSeconds.max',
      'cost.monthly.provisioned',
    ]);
    expect(picked['putLatency.p95']).toBe(0.1);
  });
});

describe('scenarioHash', () => {
  const scenario = { name: 'a', seed: 1, stream: { mode: 'provisioned', shards: 2 } } as unknown as Scenario;

  it('follows the content, not the order of keys', () => {
    const reordered = {
      stream: { shards: 2, mode: 'provisioned' },
      seed: 1,
      name: 'a',
    } as unknown as Scenario;
    expect(scenarioHash(reordered)).toBe(scenarioHash(scenario));
    expect(scenarioHash(scenario)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const more = { ...scenario, stream: { mode: 'provisioned', shards: 3 } } as unknown as Scenario;
    expect(scenarioHash(more)).not.toBe(scenarioHash(scenario));
  });
});

describe('comparabilityWarnings', () => {
  const run: ComparedRun = {
    file: 'a.json',
    scenario: 'calm',
    scenarioHash: `sha256:${'a'.repeat(64)}`,
    target: 'model',
    seed: 7,
    durationSeconds: 60,
    runId: 'r1',
  };

  it('is empty for runs of one scenario, target and duration, whatever their seeds', () => {
    expect(comparabilityWarnings(run, { ...run, seed: 8, runId: 'r2' })).toEqual([]);
  });

  it('names what differs', () => {
    expect(
      comparabilityWarnings(run, {
        ...run,
        scenarioHash: `sha256:${'b'.repeat(64)}`,
        target: 'aws',
        durationSeconds: 120,
      }),
    ).toEqual([
      'scenario "calm" changed between the runs (hash aaaaaaaaaaaa in the baseline, bbbbbbbbbbbb in the current)',
      'the results come from different targets: model (baseline) and aws (current)',
      'the runs lasted differently: 60 s (baseline) and 120 s (current); totals such as records.produced differ for that alone',
    ]);
  });

  it('a result without a hash (written before it existed) is compared by name only', () => {
    expect(comparabilityWarnings({ ...run, scenarioHash: null }, run)).toEqual([]);
  });
});
