/**
 * The per-shard heatmap: each shard's utilisation over time, in groups of shards and points when
 * there are more than a chart can show (each group's hottest), absent where a shard did not exist.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../../result/types.js';
import {
  base,
  HEATMAP_CLASSES,
  heatmapClass,
  MAX_HEATMAP_COLUMNS,
  MAX_HEATMAP_ROWS,
  type ReshardMark,
  type Row,
  reshardLayers,
  timeAxis,
} from './base.js';

/** A shard's utilisation per point: a number, or null where the shard did not exist. */
type Utilisation = number | null;

/** The larger of two points; null (absent) only if both are. */
function maxPresent(a: Utilisation, b: Utilisation): Utilisation {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * Shard rows of the heatmap: every shard, or groups of consecutive shards (their hottest). A
 * point where no shard of the group existed stays null.
 */
export function heatmapRows(
  all: readonly (readonly Utilisation[])[],
  maxRows = MAX_HEATMAP_ROWS,
): { label: string; values: Utilisation[] }[] {
  const group = Math.max(1, Math.ceil(all.length / maxRows));
  const out: { label: string; values: Utilisation[] }[] = [];
  for (let first = 0; first < all.length; first += group) {
    const last = Math.min(all.length, first + group) - 1;
    const points = Math.max(0, ...all.slice(first, last + 1).map((v) => v.length));
    const values = new Array<Utilisation>(points).fill(null);
    for (let s = first; s <= last; s++) {
      all[s]!.forEach((v, i) => {
        values[i] = maxPresent(values[i]!, v);
      });
    }
    out.push({ label: first === last ? `${first}` : `${first}–${last}`, values });
  }
  return out;
}

/** `values` in points of `merge` (the larger of each; null only where every one is null). */
function mergePoints(values: readonly Utilisation[], merge: number): Utilisation[] {
  const out: Utilisation[] = [];
  for (let start = 0; start < values.length; start += merge) {
    let m: Utilisation = null;
    for (let i = start; i < Math.min(values.length, start + merge); i++) m = maxPresent(m, values[i]!);
    out.push(m);
  }
  return out;
}

/**
 * Per-shard utilisation over time (the larger of bytes and records offered over the shard's
 * limit): blue classes up to the limit, red above it, so a throttling shard shows at a glance. A
 * shard that did not exist yet (a reshard adds it later) or any more has no cell: blank, not 0%.
 */
export function shardHeatmap(result: RunResult, marks: readonly ReshardMark[] = []): TopLevelSpec {
  const { stepSeconds, all } = result.shardSeries;
  const rows = heatmapRows(all);
  const points = Math.max(0, ...rows.map((r) => r.values.length));
  const merge = Math.max(1, Math.ceil(points / MAX_HEATMAP_COLUMNS));
  const width = stepSeconds * merge;
  const cells: Row[] = [];
  for (const row of rows) {
    mergePoints(row.values, merge).forEach((u, i) => {
      if (u === null) return;
      const rounded = Math.round(u * 1000) / 1000;
      cells.push({
        t: i * width,
        t2: (i + 1) * width,
        shard: row.label,
        u: rounded,
        class: heatmapClass(rounded),
      });
    });
  }
  const grouped = rows.length < all.length;
  const x = timeAxis(width);
  return {
    ...base(Math.min(520, Math.max(80, rows.length * 12))),
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x,
          x2: { field: 't2' },
          y: {
            field: 'shard',
            type: 'ordinal',
            // Every row, even one without a cell (a shard the run never had open at the displayed points).
            scale: { domain: rows.map((r) => r.label) },
            sort: rows.map((r) => r.label),
            title: grouped
              ? `shards (groups of ${Math.ceil(all.length / rows.length)}, hottest shown)`
              : 'shard',
            axis: rows.length > 32 ? { labelOverlap: true } : {},
          },
          color: {
            field: 'class',
            type: 'ordinal',
            title: 'of its write limit (blank: no such shard then)',
            // Every class in the legend, whether a cell has it or not: the red one always shows.
            scale: {
              domain: HEATMAP_CLASSES.map((c) => c.label),
              range: HEATMAP_CLASSES.map((c) => c.color),
            },
            legend: { symbolType: 'square', symbolSize: 120 },
          },
          tooltip: [
            { field: 'shard', type: 'ordinal' },
            { field: 't', type: 'quantitative', title: 'from second' },
            { field: 'u', type: 'quantitative', format: '.1%', title: 'utilisation' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}
