/**
 * What a real target adds, as every artefact shows it (src/report/target-view.ts): own metrics in
 * groups, the run metrics it does not measure, and "not measured" for them.
 */
import { describe, expect, it } from 'vitest';
import { isMeasured, measuredOr, metricGroups, targetView } from '../../src/report/target-view.js';
import { runMetricNames } from '../../src/result/names.js';
import type { RunResult } from '../../src/result/types.js';

describe('metricGroups', () => {
  it('pivots integrity per application (a name with dots included) and requests per operation', () => {
    const groups = metricGroups({
      'integrity.orders.v2.delivered': 1500,
      'integrity.orders.v2.missing': 0,
      'integrity.audit.delivered': 1498,
      'integrity.audit.duplicates': 2,
      'requests.PutRecords.ok': 30,
      'requests.PutRecords.throttled': 4,
      'requests.GetRecords.ok': 120,
      'http.status.200': 150,
      'http.status.503': 4,
      'errors.ProvisionedThroughputExceededException': 4,
      'sdk.retries': 6,
      'reshards.0.activeAfterSeconds': 31.5,
    });
    expect(groups.map((g) => g.title)).toEqual([
      'Integrity, per consumer application',
      'Requests, by operation and outcome',
      'HTTP statuses',
      'Errors',
      'SDK retries',
      'Other',
    ]);
    // The count is the last segment: `orders.v2` is one application; a count not reported is —.
    expect(groups[0]?.rows).toEqual([
      ['orders.v2', '1,500', '0', '—', '—'],
      ['audit', '1,498', '—', '2', '—'],
    ]);
    // One column per outcome seen, in the order first seen.
    expect(groups[1]?.headers).toEqual(['operation', 'ok', 'throttled']);
    expect(groups[1]?.rows).toEqual([
      ['PutRecords', '30', '4'],
      ['GetRecords', '120', '—'],
    ]);
    expect(groups[2]?.rows).toEqual([
      ['200', '150'],
      ['503', '4'],
    ]);
    expect(groups[5]?.rows).toEqual([['reshards.0.activeAfterSeconds', '31.5 s']]);
  });
});

describe('measured or not', () => {
  const target: RunResult['target'] = {
    name: 'aws',
    details: { endpoint: 'http://127.0.0.1:4567' },
    measures: ['records.*', 'consumers.*.delivered'],
    metrics: {},
    resources: [],
  };

  it('a run without a target section (the model) measures every metric', () => {
    expect(isMeasured({}, 'shards.maxUtilization')).toBe(true);
    expect(measuredOr({}, 'shards.maxUtilization', '93%')).toBe('93%');
  });

  it("a target's run measures what its patterns match, and nothing else", () => {
    expect(isMeasured({ target }, 'records.dropped')).toBe(true);
    expect(isMeasured({ target }, 'consumers.app.v2.delivered')).toBe(true);
    expect(measuredOr({ target }, 'shards.maxUtilization', '0%')).toBe('not measured');
  });

  it('lists the run metrics outside its measures', () => {
    const result = {
      counters: { delivered: { app: 0 }, firehose: {} },
      target,
    } as unknown as RunResult;
    const view = targetView(result);
    const all = runMetricNames(['app'], []);
    // Every run metric is either measured or listed, never both.
    expect(view?.notMeasured).toEqual(all.filter((m) => !/^records\.|^consumers\.app\.delivered$/.test(m)));
    expect(view?.notMeasured).toContain('shards.maxUtilization');
    expect(view?.notMeasured).not.toContain('records.dropped');
    expect(view?.details).toEqual([['endpoint', 'http://127.0.0.1:4567']]);
  });
});
