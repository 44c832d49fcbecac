/**
 * The charts of a search's report (`shardcast sweep`, `shardcast find`), from its table alone:
 * - each key metric against the first numeric axis (or, for a find over a rate or the load, the
 *   value tried), one line per combination of the other axes, each point's verdict as its shape,
 *   each gate on the metric as a horizontal rule at its threshold;
 * - the monthly cost against the records per second offered at peak, points coloured by verdict,
 *   the frontier of the cheapest passing point at each throughput, a rule at the highest passing;
 * - a find's runs in search order, the bracket highlighted.
 *
 * Bounded for any grid: at most `MAX_SERIES` lines per chart (the others' combinations sampled
 * evenly), at most `MAX_X_VALUES` values along x (sampled evenly), at most `MAX_SCATTER_POINTS` on
 * the cost chart, at most `MAX_METRIC_CHARTS` metric charts; each chart's description says what it
 * left out. A 10,000-point sweep still renders in a few megabytes; every point is in the table files.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatQuantity, metricQuantity } from '../../gates/metrics.js';
import type { SearchTable } from '../../search/types.js';
import {
  COST_METRIC,
  chartedMetrics,
  chooseX,
  costRows,
  type DisplayUnit,
  displayUnit,
  findStepRows,
  gateMetrics,
  metricRows,
  OFFERED_METRIC,
  otherAxesTitle,
  triedTitleOf,
  VERDICT,
  VERDICT_COLORS,
  type XChoice,
} from '../search-rows.js';
import { base, COLORS, type ReportChart } from './base.js';

function titled(name: string, unit: DisplayUnit): string {
  return unit.unit === '' ? name : `${name} (${unit.unit})`;
}

// ---------------------------------------------------------------------------------------------
// The charts

/** Every chart of a search's report, in reading order. */
export function searchCharts(table: SearchTable): ReportChart[] {
  const charts: ReportChart[] = [];
  if (table.answer) {
    const steps = findStepsChart(table);
    if (steps) charts.push(steps);
  }
  const x = chooseX(table);
  const gates = gateMetrics(table);
  chartedMetrics(table).forEach((metric, i) => {
    const chart = metricChart(table, metric, x, gates);
    if (chart) charts.push({ ...chart, id: `metric-${i}` });
  });
  const cost = costThroughputChart(table);
  if (cost) charts.push(cost);
  return charts;
}

/** One metric against x: a line per combination of the other axes, the gates on it as rules. */
export function metricChart(
  table: SearchTable,
  metric: string,
  x: XChoice,
  gates: readonly { gate: string; metric: string; allowed: number }[],
): ReportChart | undefined {
  const { rows, series, xValues } = metricRows(table, metric, x);
  if (rows.length === 0) return undefined;
  const unit = displayUnit(metricQuantity(metric));
  const thresholds = gates
    .filter((g) => g.metric === metric)
    .map((g) => ({ value: g.allowed * unit.factor, label: `gate: ${g.gate}` }));
  const nominal = x.kind === 'category';
  const xEncoding = nominal
    ? {
        field: 'x',
        type: 'nominal' as const,
        title: x.title,
        sort: x.axis!.values.map((v) => v.text),
        axis: { labelAngle: 0 },
      }
    : {
        field: 'x',
        type: 'quantitative' as const,
        title: x.title,
        scale: { zero: false, nice: false, padding: 12 },
        axis: {
          // An axis's own values as its ticks (shard counts read 4, 8, 16, not 4.5, 5, 5.5).
          values: x.axis && x.axis.values.length <= 24 ? x.axis.values.map((v) => v.numeric) : undefined,
          format: x.kind === 'tried' && x.name === 'load' ? '.3~r' : ',.3~s',
        },
      };
  // A ratio such as throttledRatio spans 0.0001 to 0.5 across a sweep, and its gate sits at 0.001:
  // on a linear axis the gate's rule lies on the x axis. A symmetric log keeps 0 drawable.
  const ratio = metricQuantity(metric) === 'ratio';
  // A symlog axis's own ticks bunch at the top (20%, 40%, 80%): decades instead, from 0 to the
  // first at or above the largest value (at least 0.1%), which ends the axis.
  const top = Math.max(...rows.map((r) => Number(r.value)), ...thresholds.map((t) => t.value));
  const decades = [0, 1e-4, 1e-3, 1e-2, 0.1, 1];
  const ceiling = Math.max(1e-3, decades.find((d) => d >= top) ?? top);
  const yTicks = ratio ? decades.filter((d) => d <= ceiling) : undefined;
  const yScale = ratio
    ? { type: 'symlog' as const, constant: 1e-4, domain: [0, ceiling] }
    : { zero: false, padding: 8 };
  const oneSeries = series.total <= 1;
  const color = oneSeries
    ? { value: COLORS.acknowledged }
    : { field: 'series', type: 'nominal' as const, title: otherAxesTitle(table, x), sort: null };
  // Verdicts drawn: a layer of none would make vega warn of an infinite extent.
  const verdicts = [VERDICT.passed, VERDICT.failed].filter((v) => rows.some((r) => r.verdict === v));
  const layers: object[] = [
    // A line between numbers; none between categories (on-demand is not between two modes).
    ...(nominal
      ? []
      : [
          {
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              x: xEncoding,
              y: yEncoding(metric, unit, yScale, yTicks),
              color,
              detail: { field: 'series' },
            },
          },
        ]),
    // A layer of points per verdict: filled circles pass, hollow crosses fail (one shape legend for both).
    ...verdicts.map((verdict) => ({
      transform: [{ filter: { field: 'verdict', equal: verdict } }],
      mark: { type: 'point', size: 60, strokeWidth: 2, filled: verdict === VERDICT.passed, opacity: 0.9 },
      encoding: {
        x: xEncoding,
        // Side by side within a category, one place per combination of the other axes.
        ...(nominal && !oneSeries
          ? { xOffset: { field: 'series', type: 'nominal' as const, sort: null } }
          : {}),
        y: yEncoding(metric, unit, yScale, yTicks),
        color,
        shape: {
          field: 'verdict',
          type: 'nominal' as const,
          title: null,
          scale: { domain: [VERDICT.passed, VERDICT.failed], range: ['circle', 'cross'] },
          // Above the plot: beside the colours' legend below, it ran off a phone's screen.
          legend: { orient: 'top', symbolFillColor: COLORS.limit },
        },
        tooltip: [
          ...(series.total > 1
            ? [{ field: 'series', type: 'nominal' as const, title: otherAxesTitle(table, x) }]
            : []),
          {
            field: 'x',
            type: nominal ? ('nominal' as const) : ('quantitative' as const),
            title: x.title,
            format: nominal ? undefined : ',',
          },
          { field: 'shown', type: 'nominal' as const, title: metric },
          { field: 'verdict', type: 'nominal' as const, title: 'verdict' },
          { field: 'point', type: 'quantitative' as const, title: 'point #' },
        ],
      },
    })),
  ];
  if (thresholds.length > 0) {
    layers.push(
      {
        data: { values: thresholds },
        mark: { type: 'rule', color: COLORS.limit, strokeDash: [6, 4], strokeWidth: 1.25 },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: thresholds },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'bottom',
          dx: 4,
          dy: -2,
          fontSize: 10,
          color: COLORS.limit,
        },
        encoding: { y: { field: 'value', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
    );
  }
  const left: string[] = [];
  if (series.shown < series.total)
    left.push(`${series.shown} of ${series.total} combinations of the other axes drawn, evenly spaced`);
  if (xValues.shown < xValues.total)
    left.push(`${xValues.shown} of ${xValues.total} values of ${x.name}, evenly spaced`);
  return {
    id: 'metric',
    title: `${metric} against ${x.name}`,
    description: `${oneSeries ? 'Each point' : `One ${nominal ? 'colour' : 'line'} per combination of the other axes; each point`} a run (the mean of its seeds): filled circles pass every gate, crosses fail one${thresholds.length > 0 ? '; dashed: the gate’s threshold' : ''}.${left.length > 0 ? ` Sampled: ${left.join('; ')} (every point is in the table files).` : ''}`,
    spec: {
      ...base(240),
      data: { values: rows },
      layer: layers,
    } as TopLevelSpec,
  };
}

function yEncoding(metric: string, unit: DisplayUnit, scale: object, ticks?: number[]) {
  return {
    field: 'value',
    type: 'quantitative' as const,
    title: titled(metric, unit),
    scale,
    axis: { format: unit.format, ...(ticks ? { values: ticks } : {}) },
  };
}

/** Monthly cost against the records per second offered at peak, the pass/fail frontier marked. */
export function costThroughputChart(table: SearchTable): ReportChart | undefined {
  const { rows, frontier, highestPassing, total } = costRows(table);
  if (rows.length === 0) return undefined;
  const x = {
    field: 'offered',
    type: 'quantitative' as const,
    title: 'records per second offered at peak',
    scale: { zero: false, nice: false, padding: 12 },
    axis: { format: ',.3~s' },
  };
  const y = {
    field: 'usd',
    type: 'quantitative' as const,
    title: 'monthly cost, total (USD/month)',
    scale: { zero: false, padding: 8 },
    axis: { format: '$,.0f' },
  };
  const layers: object[] = [];
  if (frontier.length > 0) {
    layers.push({
      data: { values: frontier.map((f) => ({ ...f, line: 'cheapest passing at each throughput' })) },
      mark: {
        type: 'line',
        strokeWidth: 1.5,
        color: VERDICT_COLORS.passed,
        interpolate: 'step-after',
        opacity: 0.7,
      },
      encoding: {
        x,
        y,
        strokeDash: {
          field: 'line',
          type: 'nominal',
          title: null,
          scale: { range: [[1, 0]] },
          legend: { symbolType: 'stroke' },
        },
      },
    });
  }
  if (highestPassing !== undefined) {
    const edge = [
      { offered: highestPassing, label: `highest passing: ${formatQuantity(highestPassing, 'perSecond')}` },
    ];
    layers.push(
      {
        data: { values: edge },
        mark: { type: 'rule', color: COLORS.limit, strokeDash: [6, 4] },
        encoding: { x: { field: 'offered', type: 'quantitative' } },
      },
      {
        data: { values: edge },
        mark: {
          type: 'text',
          angle: 270,
          align: 'right',
          baseline: 'bottom',
          dx: -4,
          dy: -3,
          fontSize: 10,
          color: COLORS.limit,
        },
        encoding: {
          x: { field: 'offered', type: 'quantitative' },
          y: { value: 0 },
          text: { field: 'label' },
        },
      },
    );
  }
  layers.push({
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 55, opacity: 0.85 },
    encoding: {
      x,
      y,
      color: {
        field: 'verdict',
        type: 'nominal',
        title: null,
        scale: {
          domain: [VERDICT.passed, VERDICT.failed],
          range: [VERDICT_COLORS.passed, VERDICT_COLORS.failed],
        },
      },
      shape: {
        field: 'verdict',
        type: 'nominal',
        title: null,
        scale: { domain: [VERDICT.passed, VERDICT.failed], range: ['circle', 'cross'] },
      },
      tooltip: [
        { field: 'at', type: 'nominal', title: 'point' },
        { field: 'offered', type: 'quantitative', title: 'records/s offered at peak', format: ',.0f' },
        { field: 'usd', type: 'quantitative', title: 'USD per month', format: '$,.0f' },
        { field: 'verdict', type: 'nominal', title: 'verdict' },
      ],
    },
  });
  return {
    id: 'cost-throughput',
    title: 'Monthly cost against throughput',
    description: `Each point a run: its total monthly cost (${COST_METRIC}) against the records per second its producers offer at peak (${OFFERED_METRIC}). The green line: the cheapest passing point at each throughput; dashed: the highest throughput that passed.${rows.length < total ? ` Sampled: ${rows.length} of ${total} points drawn, evenly spaced.` : ''}`,
    spec: { ...base(260), layer: layers, resolve: { scale: { strokeDash: 'independent' } } } as TopLevelSpec,
  };
}

/** A find's runs in search order: the value tried at each step, its verdict, the bracket as a band. */
export function findStepsChart(table: SearchTable): ReportChart | undefined {
  const answer = table.answer!;
  const rows = findStepRows(table);
  if (rows.length === 0) return undefined;
  const [low, high] = answer.bracket;
  const layers: object[] = [];
  if (low !== null && high !== null) {
    layers.push({
      data: { values: [{ low: Math.min(low, high), high: Math.max(low, high), label: 'bracket' }] },
      mark: { type: 'rect', color: '#f2c94c', opacity: 0.35 },
      encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
    });
  }
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: triedTitleOf(answer),
    scale: { zero: false, padding: 10 },
    axis: { format: answer.unit === 'USD/month' ? '$,.0f' : ',.4~r' },
  };
  layers.push(
    {
      data: { values: rows },
      mark: { type: 'line', color: COLORS.offered, strokeWidth: 1 },
      encoding: { x: { field: 'step', type: 'quantitative' }, y },
    },
    {
      data: { values: rows.filter((r) => r.bracket !== '') },
      mark: { type: 'point', size: 260, strokeWidth: 2, color: '#b7791f', filled: false },
      encoding: { x: { field: 'step', type: 'quantitative' }, y },
    },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x: {
          field: 'step',
          type: 'quantitative',
          title: 'step (runs in search order)',
          axis: { tickMinStep: 1, format: 'd' },
          scale: { padding: 12 },
        },
        y,
        color: {
          field: 'verdict',
          type: 'nominal',
          title: null,
          scale: {
            domain: [VERDICT.passed, VERDICT.failed, 'could not run'],
            range: [VERDICT_COLORS.passed, VERDICT_COLORS.failed, COLORS.offered],
          },
        },
        shape: {
          field: 'verdict',
          type: 'nominal',
          title: null,
          scale: {
            domain: [VERDICT.passed, VERDICT.failed, 'could not run'],
            range: ['circle', 'cross', 'square'],
          },
        },
        tooltip: [
          { field: 'step', type: 'quantitative', title: 'step' },
          { field: 'shown', type: 'nominal', title: answer.subject },
          { field: 'verdict', type: 'nominal', title: 'verdict' },
          { field: 'at', type: 'nominal', title: 'point' },
        ],
      },
    },
  );
  return {
    id: 'find-steps',
    title: `The search: ${answer.subject} tried at each step`,
    description: `Each run in the order the search made it, the value it tried and whether every gate passed; ringed: the two runs that bracket the answer${low !== null && high !== null ? ', the band between them' : ''}.`,
    spec: { ...base(220), layer: layers } as TopLevelSpec,
  };
}
