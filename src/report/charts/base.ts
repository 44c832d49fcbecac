/**
 * What every chart of the report shares: the bounds on what is drawn (points in time, heatmap rows
 * and columns), colours, the common frame and time axis, the baseline's dashes, and the reshard
 * marks every time chart draws (a step in the limit or a new row of shards has its cause beside it).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Plan } from '../../planner/types.js';
import { downsample } from '../../result/series.js';
import type { RunResult } from '../../result/types.js';

/** Points per series on a time axis, at most (a 1-hour run is shown at 6-second resolution). */
export const MAX_POINTS = 600;
/** Rows of the per-shard heatmap, at most: more shards are shown in groups (the group's hottest). */
export const MAX_HEATMAP_ROWS = 64;
/** Columns of the heatmap, at most. */
export const MAX_HEATMAP_COLUMNS = 240;

export const COLORS = {
  offered: '#8c8c8c',
  acknowledged: '#2b7bba',
  throttled: '#d62728',
  limit: '#222222',
  reshard: '#6a3d9a',
  recommended: '#1a7f37',
} as const;

/**
 * The heatmap's classes: blues up to the write limit, then red for a shard over it. Classes, not a
 * continuous scale, so that the legend lists the red class beside the blues (a gradient cannot
 * show a colour set by a condition, and hid that red means "over"). Cells hold utilisation rounded
 * to 3 decimals: a cell is over the limit from 1.001.
 */
export const HEATMAP_CLASSES: readonly { below: number; label: string; color: string }[] = [
  { below: 0.2, label: 'under 20%', color: '#deebf7' },
  { below: 0.4, label: '20–40%', color: '#9ecae1' },
  { below: 0.6, label: '40–60%', color: '#6baed6' },
  { below: 0.8, label: '60–80%', color: '#3182bd' },
  { below: 1.001, label: '80–100%', color: '#08519c' },
  { below: Number.POSITIVE_INFINITY, label: 'over 100%: throttles', color: COLORS.throttled },
];

/** The class of a utilisation (`HEATMAP_CLASSES`). */
export function heatmapClass(u: number): string {
  return HEATMAP_CLASSES.find((c) => u < c.below)!.label;
}

/** One chart of the report. */
export interface ReportChart {
  id: string;
  title: string;
  /** What it shows and how to read it, one sentence. */
  description: string;
  spec: TopLevelSpec;
}

export type Row = Record<string, number | string>;

/**
 * Rows of the baseline run are drawn dashed, the current run's solid, in the same colour: the
 * colour says which series, the dash which run. Told apart by a field, not by the series name,
 * which may be a consumer's ("baseline-etl").
 */
export type Run = 'this run' | 'baseline';
const RUNS: readonly Run[] = ['this run', 'baseline'];
const RUN_DASHES = [
  [1, 0],
  [5, 3],
];

/** The dash by run, with its legend; nothing without a baseline (every line solid). */
export function runDash(withBaseline: boolean) {
  return withBaseline
    ? {
        strokeDash: {
          field: 'run',
          type: 'nominal' as const,
          title: null,
          scale: { domain: [...RUNS], range: RUN_DASHES },
          // A line in the legend, so that the dash shows (a point chart's legend drew two dots).
          legend: { symbolType: 'stroke', symbolStrokeWidth: 2 },
        },
      }
    : {};
}

/** Seconds per displayed point for a series of `length` seconds. */
export function displayStep(length: number, maxPoints = MAX_POINTS): number {
  return Math.max(1, Math.ceil(length / maxPoints));
}

/** What every chart shares: the page's width (images set their own), a height, fonts, legends. */
export function base(height = 220) {
  return {
    width: 'container',
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
      axis: { labelFontSize: 11, titleFontSize: 12 },
      // Legends below the chart, labels never cut (labelLimit 0: "enhanced fan-out consumer-shard-
      // hours" was cut at 180 px), in as many columns of 260 px as the chart is wide, 1 to 3: on a
      // 390-px phone one column (3 columns of full labels ran off its screen).
      legend: {
        orient: 'bottom',
        columns: { expr: 'clamp(floor(width / 260), 1, 3)' },
        labelLimit: 0,
        titleLimit: 0,
        labelFontSize: 11,
        titleFontSize: 12,
      },
      view: { stroke: null },
    },
  } as const;
}

/** The time axis: seconds from the start, ending where the run ends (not at a rounder number). */
export function timeAxis(step: number) {
  return {
    field: 't',
    type: 'quantitative',
    title: step > 1 ? `time (s; ${step}-second points)` : 'time (s)',
    scale: { nice: false },
  } as const;
}

/** `values` downsampled to `step`-second points as rows { t, series, value, run }. */
export function timeRows(
  values: readonly number[],
  step: number,
  series: string,
  mode: 'max' | 'mean',
  run: Run = 'this run',
): Row[] {
  return downsample(values, step, mode).map((value, i) => ({ t: i * step, series, value, run }));
}

// ---------------------------------------------------------------------------------------------
// Reshards

/** A reshard on a time chart: when it was ordered (the scenario's event), or when a call completed. */
export interface ReshardMark {
  t: number;
  kind: 'ordered' | 'completed';
  label: string;
}

/**
 * The reshards to mark: each event of the scenario (the plan's steps with a time) when ordered,
 * and each UpdateShardCount call when it completed: from the run's open shards (the second the
 * count changes), or without a run from the plan's shards in force. Only those within `end`
 * seconds (a reshard may complete after the run).
 */
export function reshardMarks(
  input: { plan?: Plan | undefined; result?: RunResult | undefined },
  end: number,
): ReshardMark[] {
  const marks: ReshardMark[] = [];
  for (const step of input.plan?.reshard.steps ?? []) {
    if (step.at === null) continue;
    marks.push({
      t: step.at,
      kind: 'ordered',
      label: `reshard ${step.from} → ${step.to} ordered`,
    });
  }
  const counts: { at: number; shards: number }[] = input.result
    ? input.result.series.shards.map((shards, at) => ({ at, shards }))
    : (input.plan?.profile?.shardsInForce ?? []);
  for (let i = 1; i < counts.length; i++) {
    const before = counts[i - 1]!.shards;
    const after = counts[i]!.shards;
    // A run's open shards are 0 in a second it did not reach (none): no reshard.
    if (after !== before && before > 0 && after > 0) {
      marks.push({ t: counts[i]!.at, kind: 'completed', label: `${before} → ${after} shards` });
    }
  }
  return marks.filter((m) => m.t >= 0 && m.t <= end).sort((a, b) => a.t - b.t);
}

/**
 * Layers marking `marks` on a time chart with x encoding `x`: a vertical rule each (dashed when
 * ordered, solid when completed) and its label along it, at the top. None without marks (an empty
 * layer makes vega warn of an empty scale).
 */
export function reshardLayers(marks: readonly ReshardMark[], x: object): object[] {
  if (marks.length === 0) return [];
  const values = marks.map((m) => ({ ...m }));
  return [
    {
      data: { values },
      mark: { type: 'rule', color: COLORS.reshard, strokeWidth: 1.25 },
      encoding: {
        x,
        strokeDash: { condition: { test: "datum.kind === 'ordered'", value: [4, 3] }, value: [1, 0] },
        tooltip: [
          { field: 'label', type: 'nominal', title: 'reshard' },
          { field: 't', type: 'quantitative', title: 'at second' },
        ],
      },
    },
    // Written along the rule, reading upwards, its end at the chart's top: first a white halo of
    // the same text, then the text, so that it reads over a heatmap's red cells or a line.
    ...[
      { fill: 'white', stroke: 'white', strokeWidth: 3, strokeJoin: 'round' },
      { fill: COLORS.reshard },
    ].map((paint) => ({
      data: { values },
      mark: {
        type: 'text',
        angle: 270,
        align: 'right',
        baseline: 'bottom',
        dx: -4,
        dy: -3,
        fontSize: 10,
        ...paint,
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
    })),
  ];
}
