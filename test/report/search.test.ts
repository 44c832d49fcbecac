/**
 * The search's report (sweep and find): the rows its charts draw, from small hand-made tables with
 * the expected rows worked out by hand; its words (the answer, the bracket, the seeds rule); its
 * escaping of every string a user wrote; its bounds on a 10,000-point grid; and a sweep and a find
 * made by the real evaluator, every point listed once. (search-browser.test.ts draws it.)
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchCharts } from '../../src/report/charts/search.js';
import {
  answerHeadline,
  bracketText,
  MAX_TABLE_ROWS,
  marginText,
  renderSearchReport,
  ruleText,
  sweepHeadline,
} from '../../src/report/search.js';
import {
  chartedMetrics,
  chooseX,
  costRows,
  evenSample,
  findStepRows,
  MAX_SCATTER_POINTS,
  MAX_SERIES,
  MAX_X_VALUES,
  metricRows,
  numberOf,
  triedValue,
} from '../../src/report/search-rows.js';
import type { GateOutcome, PointOutcome, SearchTable } from '../../src/search/types.js';
import {
  axis,
  cheapestOptionFind,
  gridOf,
  launchDaySweep,
  modeSweep,
  recordsBoundFind,
} from '../helpers/search-tables.js';

const HOSTILE = '</script><img src=x onerror=alert(1)>';
const FAKE_LIBRARIES = [
  { name: 'fake-vega@0', code: 'window.vegaEmbed = function () { return Promise.resolve(); };' },
];
const HEADER = {
  shardcastVersion: 'test',
  startedAt: '2026-12-06T15:00:00Z',
  wallSeconds: 1.5,
  parallel: 2,
  durationSeconds: 600,
};

function gate(text: string, metric: string, measured: number, allowed: number): GateOutcome {
  // `<=`: margin (allowed − measured) ÷ allowed, as src/search/point.ts computes it.
  const passed = measured <= allowed;
  return { gate: text, metric, passed, measured, allowed, margin: (allowed - measured) / allowed };
}

/** A point of the hand-made tables: one seed, its metrics, its one gate on throttledRatio. */
function outcome(
  index: number,
  at: Record<string, string>,
  metrics: Record<string, number>,
  gateText = 'throttledRatio <= 0.001',
): PointOutcome {
  const g = gate(gateText, 'throttledRatio', metrics.throttledRatio ?? 0, 0.001);
  return {
    point: { index, at, overrides: Object.entries(at).map(([k, v]) => `${k}=${v}`) },
    runs: [{ seed: 1, passed: g.passed, gates: [g], metrics, wallSeconds: 0.1 }],
    passed: g.passed,
    passShare: g.passed ? 1 : 0,
    metrics,
    binding: gateText,
  };
}

/**
 * stream.shards ∈ {4, 8} × stream.mode ∈ {provisioned, on-demand}, grid order (mode fastest):
 *   #0  4 provisioned  throttled 0.02    p99 0.4 s   $300  offered 6000/s  fails
 *   #1  4 on-demand    throttled 0.0005  p99 0.12 s  $900  offered 6000/s  passes
 *   #2  8 provisioned  throttled 0       p99 0.1 s   $420  offered 6000/s  passes
 *   #3  8 on-demand    could not run
 */
function smallSweep(): SearchTable {
  const axes = [axis('stream.shards', ['4', '8']), axis('stream.mode', ['provisioned', 'on-demand'])];
  const m = (throttledRatio: number, p99: number, usd: number) => ({
    throttledRatio,
    'putLatency.p99': p99,
    'cost.monthly.configured': usd,
    'traffic.peakRecordsPerSecond': 6000,
  });
  const points = [
    outcome(0, { 'stream.shards': '4', 'stream.mode': 'provisioned' }, m(0.02, 0.4, 300)),
    outcome(1, { 'stream.shards': '4', 'stream.mode': 'on-demand' }, m(0.0005, 0.12, 900)),
    outcome(2, { 'stream.shards': '8', 'stream.mode': 'provisioned' }, m(0, 0.1, 420)),
    {
      point: { index: 3, at: { 'stream.shards': '8', 'stream.mode': 'on-demand' }, overrides: [] },
      runs: [],
      passed: false,
      passShare: 0,
      metrics: {},
      error: 'on-demand takes no reshard events',
    },
  ];
  return {
    kind: 'sweep',
    scenario: { name: 'small', file: 'small.yaml' },
    axes,
    gates: ['throttledRatio <= 0.001'],
    rule: { seeds: 1, share: 1 },
    points,
    header: HEADER,
  };
}

describe('the rows the charts draw (hand-made tables)', () => {
  it('a metric against the first numeric axis, one series per value of the other axes, errors left out', () => {
    const t = smallSweep();
    const x = chooseX(t);
    expect(x).toMatchObject({ kind: 'axis', name: 'stream.shards', title: 'stream.shards' });
    // putLatency.p99 is drawn in ms: 0.4 s → 400, 0.12 s → 120, 0.1 s → 100; point #3 could not run.
    const { rows, series, xValues } = metricRows(t, 'putLatency.p99', x);
    expect(rows).toEqual([
      { x: 4, value: 400, series: 'provisioned', verdict: 'fails a gate', shown: '400 ms', point: 0 },
      { x: 4, value: 120, series: 'on-demand', verdict: 'passes every gate', shown: '120 ms', point: 1 },
      { x: 8, value: 100, series: 'provisioned', verdict: 'passes every gate', shown: '100 ms', point: 2 },
    ]);
    expect(series).toEqual({ shown: 2, total: 2 });
    expect(xValues).toEqual({ shown: 2, total: 2 });
  });

  it('charts the key metrics measured, then the gates’ own', () => {
    // e2eLatency.p99 is in no point's metrics: no chart.
    expect(chartedMetrics(smallSweep())).toEqual([
      'throttledRatio',
      'putLatency.p99',
      'cost.monthly.configured',
    ]);
  });

  it('the gate’s threshold is a rule on its metric’s chart', () => {
    const charts = searchCharts(smallSweep());
    const throttled = charts.find((c) => c.title === 'throttledRatio against stream.shards')!;
    const json = JSON.stringify(throttled.spec);
    expect(json).toContain('"values":[{"value":0.001,"label":"gate: throttledRatio <= 0.001"}]');
    // Two metric charts and the cost chart lack it: only throttledRatio has a gate.
    expect(charts.map((c) => c.id)).toEqual(['metric-0', 'metric-1', 'metric-2', 'cost-throughput']);
  });

  it('cost against throughput: every runnable point, the cheapest passing per throughput, the highest passing', () => {
    const { rows, frontier, highestPassing, total } = costRows(smallSweep());
    expect(total).toBe(3);
    expect(rows.map((r) => [r.offered, r.usd, r.verdict])).toEqual([
      [6000, 300, 'fails a gate'],
      [6000, 900, 'passes every gate'],
      [6000, 420, 'passes every gate'],
    ]);
    // At 6000/s the passing points cost $900 and $420: the frontier holds min(900, 420) = 420.
    expect(frontier).toEqual([{ offered: 6000, usd: 420 }]);
    expect(highestPassing).toBe(6000);
  });

  it('a find’s steps in search order, the bracket ringed', () => {
    const find: SearchTable = {
      ...smallSweep(),
      kind: 'find',
      axes: [],
      points: [
        { ...outcome(0, {}, { throttledRatio: 0 }), point: { index: 0, at: {}, overrides: [], load: 0.5 } },
        { ...outcome(1, {}, { throttledRatio: 0.3 }), point: { index: 1, at: {}, overrides: [], load: 1.5 } },
        { ...outcome(2, {}, { throttledRatio: 0.02 }), point: { index: 2, at: {}, overrides: [], load: 1 } },
      ],
      answer: {
        goal: 'maximize',
        subject: 'load',
        unit: 'factor',
        value: 0.5,
        bracket: [0.5, 1],
        binding: 'throttledRatio <= 0.001',
        resolution: 0.01,
        bracketPoints: [0, 2],
      },
    };
    expect(findStepRows(find).map((r) => [r.step, r.value, r.verdict, r.bracket])).toEqual([
      [1, 0.5, 'passes every gate', 'brackets the answer'],
      [2, 1.5, 'fails a gate', ''],
      [3, 1, 'fails a gate', 'brackets the answer'],
    ]);
    // Without axes, the metric charts' x is the load tried.
    expect(chooseX(find)).toMatchObject({ kind: 'tried', name: 'load' });
  });

  it('the value a find tried over a rate is read from its override, in records/s', () => {
    const t: SearchTable = {
      ...smallSweep(),
      axes: [],
      answer: {
        goal: 'maximize',
        subject: 'producers[0].rate',
        unit: 'records/s',
        value: null,
        bracket: [null, null],
        resolution: 0.01,
      },
    };
    const p = outcome(0, {}, {});
    p.point.overrides = ['stream.shards=8', 'producers[0].rate=7.9k/s'];
    // 7.9k/s = 7.9 × 1000 = 7900 records/s.
    expect(triedValue(t, p)).toBe(7900);
    expect(numberOf('16')).toBe(16);
    expect(numberOf('2MiB/s')).toBe(2 * 1024 * 1024);
    expect(numberOf('on-demand')).toBeUndefined();
  });

  it('a word-only axis is drawn by category', () => {
    const t = { ...smallSweep(), axes: [axis('stream.mode', ['provisioned', 'on-demand'])] };
    expect(chooseX(t)).toMatchObject({ kind: 'category', name: 'stream.mode' });
  });

  it('evenSample keeps the first and the last, in order, distinct, at most the count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 2, max: 500 }), (n, count) => {
        const s = evenSample(n, count);
        expect(s.length).toBe(Math.min(n, count));
        for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
        if (n > 0) expect([s[0], s[s.length - 1]]).toEqual([0, n - 1]);
      }),
    );
  });
});

describe('the words', () => {
  it('the seeds rule', () => {
    expect(ruleText({ seeds: 1, share: 1 })).toBe('1 seed per point');
    expect(ruleText({ seeds: 3, share: 1 })).toBe('3 seeds per point; a point passes when all pass');
    // 0.8 of 5 seeds: ceil(0.8 × 5) = 4 must pass.
    expect(ruleText({ seeds: 5, share: 0.8 })).toBe(
      '5 seeds per point; a point passes when 4 of 5 (80%) pass',
    );
  });

  it('a sweep’s tally counts the points that could not run apart', () => {
    expect(sweepHeadline(smallSweep())).toBe('4 points, 2 passed every gate, 1 could not run');
  });

  it('a find’s answer with its unit, its bracket and resolution', () => {
    // A factor gets one digit beyond formatNumber's three: 0.96875 → ×0.9688 (four decimals below 1).
    const base = { binding: 'throttledRatio <= 0.001', resolution: 0.01 } as const;
    expect(
      answerHeadline({
        ...base,
        goal: 'maximize',
        subject: 'load',
        unit: 'factor',
        value: 0.96875,
        bracket: [0.96875, 0.977],
      }),
    ).toBe('The most load (× every producer’s rate) that passes every gate: ×0.9688');
    expect(
      answerHeadline({
        ...base,
        goal: 'maximize',
        subject: 'producers[0].rate',
        unit: 'records/s',
        value: 7915,
        bracket: [7915, 7990],
      }),
    ).toBe('The most producers[0].rate that passes every gate: 7,915/s');
    expect(
      answerHeadline({
        ...base,
        goal: 'minimize',
        subject: 'stream.shards',
        unit: 'shards',
        value: 12,
        bracket: [11, 12],
        resolution: 1,
      }),
    ).toBe('The fewest shards that pass every gate: 12 shards');
    expect(
      answerHeadline({
        ...base,
        goal: 'minimize',
        subject: 'cost.monthly.total',
        unit: 'USD/month',
        value: 1167.01,
        bracket: [null, 1167.01],
      }),
    ).toBe('The cheapest configuration that passes every gate: $1,167/month');
    expect(
      answerHeadline({
        ...base,
        goal: 'maximize',
        subject: 'load',
        unit: 'factor',
        value: null,
        bracket: [8, null],
      }),
    ).toBe('Every load (× every producer’s rate) tried passes, up to ×8: the search’s limit');
    expect(
      answerHeadline({
        ...base,
        goal: 'maximize',
        subject: 'load',
        unit: 'factor',
        value: null,
        bracket: [null, 0.1],
      }),
    ).toBe('No load (× every producer’s rate) tried passes every gate');
    expect(
      bracketText({
        ...base,
        goal: 'maximize',
        subject: 'load',
        unit: 'factor',
        value: 0.96875,
        bracket: [0.96875, 0.9765625],
      }),
    ).toBe('Bracketed by ×0.9688 (passes) and ×0.9766 (fails); resolution 1%.');
  });

  it('the cheapest of listed options: no resolution, the next cheaper option failed', () => {
    expect(
      bracketText({
        goal: 'minimize',
        subject: 'cost.monthly.total',
        unit: 'USD/month',
        value: 1167.01,
        bracket: [980, 1167.01],
        resolution: 1,
      }),
    ).toBe('Bracketed by $980 (the next cheaper option, fails) and $1,167 (passes).');
  });

  it('a margin reads as room or as over', () => {
    // (0.001 − 0.0005) ÷ 0.001 = 0.5 → 50% room; (0.001 − 0.02) ÷ 0.001 = −19 → 1,900% over.
    expect(marginText(0.5)).toBe('50% room');
    expect(marginText(-19)).toBe('1,900% over');
    expect(marginText(null)).toBe('');
  });
});

describe('the page', () => {
  it('escapes every string a user wrote: scenario name, gate, axis value, error', () => {
    const t = smallSweep();
    t.scenario = { name: HOSTILE, file: `${HOSTILE}.yaml` };
    t.gates = [`throttledRatio <= 0.001 ${HOSTILE}`];
    t.axes[1] = axis('stream.mode', ['provisioned', HOSTILE]);
    for (const p of t.points)
      if (p.point.at['stream.mode'] === 'on-demand') p.point.at['stream.mode'] = HOSTILE;
    t.points[0] = outcome(
      0,
      { 'stream.shards': '4', 'stream.mode': 'provisioned' },
      { throttledRatio: 0.02 },
      HOSTILE,
    );
    t.points[3]!.error = HOSTILE;
    const page = renderSearchReport(t, FAKE_LIBRARIES);
    expect(page).not.toContain('<img');
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Exactly the page's own scripts: the data, the fake library and the bootstrap.
    expect(page.match(/<script/g)).toHaveLength(3);
    expect(page.match(/<\/script>/g)).toHaveLength(3);
  });

  it('a 10,000-point sweep renders within its bounds', () => {
    // 100 shard counts × 100 rates: throttledRatio grows as the rate outgrows the shards' 1,000
    // records/s each: max(0, 1 − shards × 1000 ÷ rate); cost $15 a shard.
    const shards = Array.from({ length: 100 }, (_, i) => String(i + 1));
    const rates = Array.from({ length: 100 }, (_, i) => `${(i + 1) * 1000}/s`);
    const axes = [axis('stream.shards', shards), axis('producers[0].rate', rates)];
    const points = gridOf(axes).map((p) => {
      const n = Number(p.at['stream.shards']);
      const rate = numberOf(p.at['producers[0].rate']!)!;
      const o = outcome(p.index, p.at, {
        throttledRatio: Math.max(0, 1 - (n * 1000) / rate),
        'putLatency.p99': 0.1,
        'cost.monthly.configured': 15 * n,
        'traffic.peakRecordsPerSecond': rate,
      });
      return o;
    });
    const t: SearchTable = { ...smallSweep(), axes, points };
    const started = performance.now();
    const page = renderSearchReport(t);
    const ms = performance.now() - started;
    // 830 KB of chart libraries plus at most 3 metric charts × 10 lines × 100 x values, 2,000
    // scatter points, 400 table rows: well under 3 MiB.
    expect(page.length).toBeLessThan(3 * 2 ** 20);
    expect(ms).toBeLessThan(5000);
    expect(page).toContain('400 of 10,000 points shown');
    const charts = searchCharts(t);
    const metric = metricRows(t, 'throttledRatio', chooseX(t));
    expect(metric.series).toEqual({ shown: MAX_SERIES, total: 100 });
    expect(metric.rows.length).toBe(MAX_SERIES * Math.min(100, MAX_X_VALUES));
    expect(costRows(t).rows.length).toBe(MAX_SCATTER_POINTS);
    expect(charts[0]!.description).toContain('10 of 100 combinations of the other axes drawn');
    expect(MAX_TABLE_ROWS).toBe(400);
  });
});

describe('made by the real evaluator', () => {
  let sweep: SearchTable;
  let find: SearchTable;
  beforeAll(async () => {
    sweep = await launchDaySweep();
    find = await recordsBoundFind();
  }, 120_000);

  it('a sweep lists every grid point exactly once, in grid order, with why a point could not run', () => {
    const page = renderSearchReport(sweep, FAKE_LIBRARIES);
    const body = page.slice(
      page.indexOf('<section id="points">'),
      page.indexOf('</section>', page.indexOf('<section id="points">')),
    );
    const rows = [...body.matchAll(/<tr class="[^"]*"><td class="num">(\d+)<\/td>/g)].map((m) =>
      Number(m[1]),
    );
    // 4 shard counts × 2 rates = 8 points, #0 to #7.
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // stream.shards=0 (points 0 and 1) cannot run: a stream has at least one shard.
    expect(sweep.points.slice(0, 2).every((p) => p.error !== undefined)).toBe(true);
    expect(body.match(/could not run/g)).toHaveLength(2);
    expect(body).toContain('stream.shards: too small');
  });

  it('a find states its answer, its bracket and the gate that binds', () => {
    const page = renderSearchReport(find, FAKE_LIBRARIES);
    const answer = find.answer!;
    // Bisection from [0.5, 1.5] to 1 % lands between 0.95 and 1.01 for a records-bound stream at
    // 8 × 1,000 = 8,000 records/s of capacity offered 8,000/s (the model's edge is a little under).
    expect(answer.value!).toBeGreaterThan(0.95);
    expect(answer.value!).toBeLessThan(1.01);
    expect(page).toContain('The most load (× every producer’s rate) that passes every gate: ×');
    expect(page).toContain('The gate that binds at the edge: throttledRatio &lt;= 0.001.');
    expect(page.match(/<tr class="[^"]*bracket"/g)).toHaveLength(2);
    expect(searchCharts(find)[0]!.id).toBe('find-steps');
  });

  it('the cheapest of listed options names the option it found, and the charts draw only verdicts present', async () => {
    const cheapest = await cheapestOptionFind();
    const chosen = cheapest.points[cheapest.answer!.bracketPoints![1]!]!;
    const page = renderSearchReport(cheapest, FAKE_LIBRARIES);
    expect(page).toContain(
      `The answer is stream.mode=${chosen.point.at['stream.mode']}, stream.shards=${chosen.point.at['stream.shards']}.`,
    );
    // Over options the axes are the columns: no column of the value tried (the cost is a metric).
    expect(page.match(/<th scope="col">cost\.monthly\.total<\/th>/g)).toHaveLength(1);
    // A sweep over stream.mode alone where no point passes: its metric charts have no layer of
    // passing points (an empty layer makes vega warn) and no line between the two modes.
    const modes = await modeSweep();
    expect(modes.points.some((p) => p.passed)).toBe(false);
    const spec = JSON.stringify(searchCharts(modes)[0]!.spec);
    expect(spec).not.toContain('"equal":"passes every gate"');
    expect(spec).not.toContain('"type":"line"');
  });
});
