/**
 * Chart specs as data: each compiles with vega-lite, has the marks and encodings it promises, and
 * renders with vega (headless, to SVG) even for an empty or a one-point series.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import { COLORS, displayStep, MAX_HEATMAP_ROWS, reshardMarks } from '../../src/report/charts/base.js';
import { costChart } from '../../src/report/charts/cost.js';
import { firehoseChart } from '../../src/report/charts/firehose.js';
import { heatmapRows, shardHeatmap } from '../../src/report/charts/heatmap.js';
import {
  consumerLagChart,
  latencyDistributionChart,
  latencyOverTimeChart,
} from '../../src/report/charts/latency.js';
import { shardLoadChart, trafficCapacityChart } from '../../src/report/charts/plan.js';
import { throughputChart } from '../../src/report/charts/throughput.js';
import { reportCharts } from '../../src/report/charts.js';
import type { RunResult } from '../../src/result/types.js';
import { syntheticResult } from '../result/synthetic-result.js';

/**
 * The spec compiled and drawn as SVG, with vega's warnings on (as vega-embed has them in the
 * page): a warning fails the test unless `allowWarnings` (an empty run warns of empty scales).
 */
async function render(spec: TopLevelSpec, allowWarnings = false): Promise<string> {
  const compiled = compile(spec).spec;
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    const text = args.map(String).join(' ');
    // `width: 'container'` listens to the window's resize events: Node has no window (the browser
    // test draws the same specs with one).
    if (text !== 'Can not resolve event source: window') warnings.push(text);
    return logger;
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  const svg = await view.toSVG();
  view.finalize();
  if (!allowWarnings) expect(warnings).toEqual([]);
  return svg;
}

/**
 * The SVG draws marks: some mark group of vega's holds items. (A chart without data still has
 * paths, its background and axes, so `<path` alone proves nothing.)
 */
function expectMarks(svg: string): void {
  expect(svg).toMatch(/<g class="mark-\w+ role-mark[^"]*"[^>]*[^/]><(path|line|g)\b/);
}

type Row = Record<string, number | string>;
interface View {
  data: { values: Row[] };
  mark: { type: string } & Record<string, unknown>;
  encoding: Record<string, { field?: string } & Record<string, unknown>>;
}
/** The chart's main view: the spec itself, or the first layer of a layered one (the data drawn). */
const mainOf = (spec: TopLevelSpec): View => {
  const layered = spec as { layer?: View[] };
  return layered.layer ? layered.layer[0]! : (spec as unknown as View);
};
const layersOf = (spec: TopLevelSpec): View[] => (spec as { layer?: View[] }).layer ?? [];
const rowsOf = (spec: TopLevelSpec): Row[] => mainOf(spec).data.values;
const encodingOf = (spec: TopLevelSpec) => mainOf(spec).encoding;
const markOf = (spec: TopLevelSpec) => mainOf(spec).mark.type;

/** A result with every series of length `n` (0: a run that recorded nothing). */
function resultOfLength(n: number): RunResult {
  const r = syntheticResult();
  const cut = (v: number[]) => v.slice(0, n);
  r.series = {
    ...r.series,
    offered: cut(r.series.offered),
    acknowledged: cut(r.series.acknowledged),
    throttled: cut(r.series.throttled),
    retried: cut(r.series.retried),
    dropped: cut(r.series.dropped),
    writeBytes: cut(r.series.writeBytes),
    shards: cut(r.series.shards),
    consumerLagSeconds: { orders: cut(r.series.consumerLagSeconds.orders!) },
    firehoseObjects: { lake: cut(r.series.firehoseObjects.lake!) },
    latency: {
      put: { p50: cut([0.02, 0.02, 0.03, 0.02]), p99: cut([0.1, 0.12, 0.4, 0.1]) },
      e2e: { p50: cut([0.6, 0.6, 0.7, 0.6]), p99: cut([1, 1.2, 3, 1]) },
    },
    firehoseFullestBufferBytes: { lake: cut([1000, 0, 500, 250]) },
  };
  r.shardSeries = { stepSeconds: 1, all: n === 0 ? [] : [[0.5].slice(0, n)], hottest: [] };
  return r;
}

const plan = planScenario(
  loadScenarioText(
    `
name: charts
duration: 10m
stream: { shards: 4 }
producers:
  - { name: p, rate: 2000/s, recordSize: 1KiB }
consumers:
  - { name: orders, type: polling }
firehose:
  - { name: lake, source: stream, buffer: { size: 64MiB, interval: 60s } }
`,
    'charts.yaml',
  ).scenario,
);

describe('each chart compiles, has its encodings, and renders', () => {
  const r = syntheticResult();
  r.series.latency = {
    put: { p50: [0.02, 0.02, 0.03, 0.02], p99: [0.1, 0.12, 0.4, 0.1] },
    e2e: { p50: [0.6, 0.6, 0.7, 0.6], p99: [1, 1.2, 3, 1] },
  };
  r.series.firehoseFullestBufferBytes = { lake: [1000, 0, 500, 250] };

  it('throughput: offered, acknowledged, throttled and the write limit over time', async () => {
    const spec = throughputChart(r);
    expect(markOf(spec)).toBe('line');
    expect(encodingOf(spec).x!.field).toBe('t');
    expect(encodingOf(spec).y!.field).toBe('value');
    expect(encodingOf(spec).color!.field).toBe('series');
    const rows = rowsOf(spec);
    expect(new Set(rows.map((row) => row.series))).toEqual(
      new Set(['offered', 'acknowledged', 'write limit']),
    );
    // Second 0: 50 records acknowledged in 51,200 B = 1,024 B a record, so a shard takes
    // min(1,000, 1,048,576 ÷ 1,024 = 1,024) = 1,000 records/s, and 3 shards 3,000/s.
    expect(rows.find((row) => row.series === 'write limit' && row.t === 0)!.value).toBe(3000);
    // Throttled as a share of attempts (first attempts + retries), on its own right-hand axis:
    // 10 ÷ (60 + 5), 15 ÷ (110 + 10), 5 ÷ (70 + 5), 0 ÷ (40 + 0).
    const share = layersOf(spec)[1]!;
    expect(share.data.values.map((row) => row.series)).toEqual(
      new Array(4).fill('throttled, share of attempts (right axis)'),
    );
    expect(share.data.values.map((row) => row.value)).toEqual([10 / 65, 15 / 120, 5 / 75, 0]);
    expect((share.encoding.y as { axis: { orient: string } }).axis.orient).toBe('right');
    expect((spec as { resolve: unknown }).resolve).toEqual({ scale: { y: 'independent' } });
    expectMarks(await render(spec));
  });

  it('throughput: a large record makes the byte limit the records limit', () => {
    const big = syntheticResult();
    // 10 records in 40,960 B: 4,096 B each; a shard takes 1,048,576 ÷ 4,096 = 256 records/s, 3 shards 768.
    big.series.acknowledged = [10];
    big.series.writeBytes = [40_960];
    big.series.shards = [3];
    const rows = rowsOf(throughputChart(big));
    expect(rows.find((row) => row.series === 'write limit')!.value).toBe(768);
  });

  it('throughput with a baseline: its acknowledged records in the same colour, dashed', async () => {
    const spec = throughputChart(r, syntheticResult());
    const rows = rowsOf(spec);
    expect(rows.some((row) => row.series === 'acknowledged' && row.run === 'baseline')).toBe(true);
    // One colour per series (whatever the run), one dash per run: the baseline's acknowledged line
    // has the current one's colour, dashed.
    const color = encodingOf(spec).color as { field: string; scale: { domain: string[]; range: string[] } };
    expect(color.field).toBe('series');
    expect(color.scale.domain).not.toContain('baseline acknowledged');
    const dash = encodingOf(spec).strokeDash as {
      field: string;
      scale: { domain: string[]; range: number[][] };
    };
    expect(dash.field).toBe('run');
    expect(dash.scale.domain).toEqual(['this run', 'baseline']);
    expect(dash.scale.range[0]).toEqual([1, 0]);
    expect(dash.scale.range[1]!.length).toBe(2);
    expectMarks(await render(spec));
  });

  it('shard heatmap: a rect per shard and point, red above the limit', async () => {
    const spec = shardHeatmap(r);
    expect(markOf(spec)).toBe('rect');
    expect(encodingOf(spec).y!.field).toBe('shard');
    const color = encodingOf(spec).color as { field: string; scale: { domain: string[]; range: string[] } };
    // Classes with an explicit domain: the legend lists every one, the red one over the limit
    // included, whether or not a cell has it.
    expect(color.field).toBe('class');
    expect(color.scale.domain).toEqual([
      'under 20%',
      '20–40%',
      '40–60%',
      '60–80%',
      '80–100%',
      'over 100%: throttles',
    ]);
    expect(color.scale.range.at(-1)).toBe('#d62728');
    // 3 shards × 2 points of 2 s each.
    const rows = rowsOf(spec);
    expect(rows).toHaveLength(6);
    expect(rows.find((row) => row.shard === '2' && row.t === 0)).toEqual({
      t: 0,
      t2: 2,
      shard: '2',
      u: 1.2,
      class: 'over 100%: throttles',
    });
    expectMarks(await render(spec));
  });

  it('latency over time: p50 and p99 of put and end to end, per second', async () => {
    const spec = latencyOverTimeChart(r);
    expect(markOf(spec)).toBe('line');
    const rows = rowsOf(spec);
    expect(new Set(rows.map((row) => row.series))).toEqual(
      new Set(['put p50', 'put p99', 'end-to-end p50', 'end-to-end p99']),
    );
    expect(rows.filter((row) => row.series === 'put p99').map((row) => row.value)).toEqual([
      0.1, 0.12, 0.4, 0.1,
    ]);
    expectMarks(await render(spec));
  });

  it('latency distribution: the value at each percentile of each histogram', async () => {
    const spec = latencyDistributionChart(r);
    const rows = rowsOf(spec);
    // Put: 90 values at 1 ms and 10 at 2 ms: p50 = 1 ms, p99 = 2 ms (within the histogram's 0.1%).
    const put = (p: string) =>
      rows.find((row) => row.series === 'put' && row.percentile === p)!.value as number;
    expect(put('p50')).toBeCloseTo(0.001, 5);
    expect(put('p99')).toBeCloseTo(0.002, 5);
    expect(encodingOf(spec).x!.field).toBe('percentile');
    expectMarks(await render(spec));
  });

  it('consumer lag: one line per application', async () => {
    const spec = consumerLagChart(r);
    const rows = rowsOf(spec);
    expect(new Set(rows.map((row) => row.series))).toEqual(new Set(['orders', 'audit']));
    expect(rows.filter((row) => row.series === 'audit').map((row) => row.value)).toEqual([0, 0, 0.5, 7]);
    expectMarks(await render(spec));
  });

  it('firehose without a plan: no size hint layer, and no warning of an empty one', async () => {
    const spec = firehoseChart(r) as { layer: unknown[] };
    expect(spec.layer).toHaveLength(2);
    expectMarks(await render(spec as TopLevelSpec));
  });

  it('firehose: the fullest buffer, the size hint, and flushes', async () => {
    const spec = firehoseChart(r, plan) as { layer: { data: { values: Row[] }; mark: { type: string } }[] };
    const [fill, hint, flushes] = spec.layer;
    // 1,000 B in the fullest buffer, shown in MiB; the plan's size hint, 64 MiB.
    expect(fill!.data.values[0]!.value).toBeCloseTo(1000 / 2 ** 20, 12);
    expect(hint!.data.values).toEqual([{ series: 'lake', value: 64 }]);
    expect(flushes!.data.values.map((row) => row.t)).toEqual([1, 2, 3]);
    expectMarks(await render(spec as TopLevelSpec));
  });

  it('cost: each option stacked by line item, Firehose on top of each', async () => {
    const spec = costChart(plan);
    expect(markOf(spec)).toBe('bar');
    const rows = rowsOf(spec);
    for (const option of plan.cost.options) {
      const total = rows
        .filter((row) => row.option === option.label)
        .reduce((a, row) => a + (row.usd as number), 0);
      // Cents rounding per line item: within a cent per line.
      expect(Math.abs(total - option.monthly - plan.cost.firehoseMonthly)).toBeLessThan(
        0.01 * (option.lines.length + 1),
      );
    }
    expectMarks(await render(spec));
  });
});

describe('empty and one-point series still render', () => {
  for (const n of [0, 1]) {
    it(`every chart of a run with ${n} second${n === 1 ? '' : 's'}`, async () => {
      const charts = reportCharts({ plan, result: resultOfLength(n), baseline: resultOfLength(n) });
      expect(charts.map((c) => c.id)).toEqual([
        'throughput',
        'shard-heatmap',
        'latency-over-time',
        'latency-distribution',
        'consumer-lag',
        'firehose',
        'cost',
      ]);
      for (const chart of charts) expect(await render(chart.spec, n === 0)).toMatch(/^<svg/);
    });
  }
});

describe('downsampling for display', () => {
  it('a 1-hour run is drawn at 6-second points, a 10-minute one at 1 second', () => {
    // ⌈3,600 ÷ 600⌉ = 6; ⌈600 ÷ 600⌉ = 1.
    expect(displayStep(3600)).toBe(6);
    expect(displayStep(600)).toBe(1);
    expect(displayStep(0)).toBe(1);
  });

  it('more shards than heatmap rows are grouped, each group showing its hottest shard', () => {
    // 130 shards, 64 rows at most: groups of ⌈130 ÷ 64⌉ = 3, so 44 rows (the last holds 128–129).
    const all = Array.from({ length: 130 }, (_, s) => [s === 100 ? 1.5 : 0.1, 0.2]);
    const rows = heatmapRows(all);
    expect(rows.length).toBeLessThanOrEqual(MAX_HEATMAP_ROWS);
    expect(rows).toHaveLength(44);
    expect(rows[0]!.label).toBe('0–2');
    expect(rows[43]!.label).toBe('129');
    // Shard 100 is in group 33 (99–101): its 1.5 shows.
    expect(rows[33]).toEqual({ label: '99–101', values: [1.5, 0.2] });
  });

  it('a 1-hour, 1,000-shard heatmap stays within 64 rows × 240 columns', () => {
    const r = syntheticResult();
    r.shardSeries = {
      stepSeconds: 10,
      all: Array.from({ length: 1000 }, () => new Array<number>(360).fill(0.5)),
      hottest: [],
    };
    // 1,000 shards in groups of 16: 63 rows; 360 points merged 2 by 2: 180 columns.
    expect(rowsOf(shardHeatmap(r))).toHaveLength(63 * 180);
  });
});

describe('cost items in words', () => {
  it('names what each price is for, whatever the capacity option', async () => {
    const { costItemLabel } = await import('../../src/report/charts/cost.js');
    expect(costItemLabel('kinesis.shardHour')).toBe('shard-hours');
    expect(costItemLabel('kinesis.onDemand.ingestGb')).toBe('data written');
    expect(costItemLabel('kinesis.onDemandAdvantage.ingestGb')).toBe('data written');
    expect(costItemLabel('kinesis.something.new')).toBe('kinesis.something.new');
    const labels = new Set(rowsOf(costChart(plan)).map((row) => row.item));
    expect([...labels].filter((l) => String(l).startsWith('kinesis.'))).toEqual([]);
  });
});

describe('charts that cannot mislead', () => {
  const resharding = planScenario(
    loadScenarioText(
      `
name: resharding
duration: 10m
stream: { shards: 2, shardOperationTime: 30s }
producers:
  - { name: p, rate: 2500/s, recordSize: 1KiB, keys: { dist: uniform, count: 1000 } }
events:
  - { at: 2m, reshard: { shards: 4 } }
`,
      'resharding.yaml',
    ).scenario,
  );

  it('reshard marks: the event when ordered, each call when it completes', () => {
    // 2 → 4 ordered at 120 s: 2 splits × 30 s, so 4 shards from 180 s.
    expect(reshardMarks({ plan: resharding }, 600)).toEqual([
      { t: 120, kind: 'ordered', label: 'reshard 2 → 4 ordered' },
      { t: 180, kind: 'completed', label: '2 → 4 shards' },
    ]);
    // With a run, the completion is the second its open shards changed; a mark past the axis' end is left out.
    const r = syntheticResult();
    r.series.shards = [3, 3, 6, 6];
    expect(reshardMarks({ result: r }, 4)).toEqual([{ t: 2, kind: 'completed', label: '3 → 6 shards' }]);
    expect(reshardMarks({ plan: resharding }, 150)).toEqual([
      { t: 120, kind: 'ordered', label: 'reshard 2 → 4 ordered' },
    ]);
  });

  it('every time chart has a rule per reshard mark, a label each, and renders without a warning', async () => {
    const r = syntheticResult();
    r.series.latency = {
      put: { p50: [0.02, 0.02, 0.03, 0.02], p99: [0.1, 0.12, 0.4, 0.1] },
      e2e: { p50: [0.6, 0.6, 0.7, 0.6], p99: [1, 1.2, 3, 1] },
    };
    r.series.firehoseFullestBufferBytes = { lake: [1000, 0, 500, 250] };
    r.series.shards = [3, 3, 6, 6];
    const marks = reshardMarks({ result: r }, 4);
    for (const spec of [
      throughputChart(r, undefined, marks),
      shardHeatmap(r, marks),
      latencyOverTimeChart(r, undefined, marks),
      consumerLagChart(r, undefined, marks),
      firehoseChart(r, plan, marks),
    ]) {
      const layers = layersOf(spec);
      const rules = layers.filter((l) => l.mark.type === 'rule' && l.data.values.some((v) => 'kind' in v));
      expect(rules).toHaveLength(1);
      expect(rules[0]!.data.values.map((v) => v.t)).toEqual([2]);
      // The label twice: a white halo under it, then the text.
      const texts = layers.filter((l) => l.mark.type === 'text');
      expect(texts.map((l) => l.mark.fill)).toEqual(['white', COLORS.reshard]);
      expectMarks(await render(spec));
    }
  });

  it('the heatmap has no cell where a shard did not exist (null), and a group shows its open shards', async () => {
    const r = syntheticResult();
    // Shard 3 opened for the second point only.
    r.shardSeries = {
      stepSeconds: 2,
      all: [
        [0.8, 0.4],
        [0.3, 0.2],
        [1.2, 0.9],
        [null, 0.7],
      ],
      hottest: [],
    };
    const cells = rowsOf(shardHeatmap(r));
    expect(cells.filter((c) => c.shard === '3').map((c) => c.t)).toEqual([2]);
    expect(cells).toHaveLength(7);
    // Grouped, a point where no shard of the group existed stays null; one open shard is enough.
    expect(
      heatmapRows(
        [
          [null, 0.5],
          [null, null],
        ],
        1,
      ),
    ).toEqual([{ label: '0–1', values: [null, 0.5] }]);
    expectMarks(await render(shardHeatmap(r)));
  });

  it('legend labels are never cut, in every chart', () => {
    const r = syntheticResult();
    for (const chart of reportCharts({ plan, result: r, baseline: r })) {
      const legend = (chart.spec as { config: { legend: { labelLimit: number; titleLimit: number } } }).config
        .legend;
      expect(legend.labelLimit, chart.id).toBe(0);
      expect(legend.titleLimit, chart.id).toBe(0);
    }
  });

  it('the plan-only charts render: traffic against capacity, per-shard load', async () => {
    const charts = reportCharts({ plan: resharding });
    expect(charts.map((c) => c.id)).toEqual(['traffic-capacity', 'shard-load', 'cost']);
    const traffic = trafficCapacityChart(resharding, reshardMarks({ plan: resharding }, 600));
    // 2,500 records/s of 1 KiB: 2.5 shards' worth by records, the whole run.
    const demand = rowsOf(traffic).filter((v) => String(v.series).startsWith('traffic'));
    for (const v of demand) expect(v.value).toBeCloseTo(2.5, 6);
    expectMarks(await render(traffic));
    const load = shardLoadChart(resharding);
    // One step per shard plus the closing point, at 2 configured and the recommended count.
    const series = new Set(rowsOf(load).map((v) => v.series));
    expect(series).toEqual(new Set(['2 configured', `${resharding.shards.recommended} recommended`]));
    expect(rowsOf(load).filter((v) => v.series === '2 configured')).toHaveLength(3);
    expectMarks(await render(load));
  });
});
