/** Firehose buffers filling against their size hint, and the objects each flush writes. */
import type { TopLevelSpec } from 'vega-lite';
import type { Plan } from '../../planner/types.js';
import type { RunResult } from '../../result/types.js';
import { base, displayStep, type ReshardMark, type Row, reshardLayers, timeAxis, timeRows } from './base.js';

/**
 * Firehose buffers: the fill of the fullest buffer over time against the size hint (the plan's:
 * a size flush comes when a buffer reaches it), and a mark at each second an object was written
 * (a flush), per delivery stream.
 */
export function firehoseChart(
  result: RunResult,
  plan?: Plan,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const buffered = result.series.firehoseFullestBufferBytes ?? {};
  const names = Object.keys({ ...result.series.firehoseObjects, ...buffered });
  const length = Math.max(
    0,
    ...names.map((n) => (buffered[n] ?? result.series.firehoseObjects[n] ?? []).length),
  );
  const step = displayStep(length);
  const fill: Row[] = [];
  const flushes: Row[] = [];
  const hints: Row[] = [];
  for (const name of names) {
    const p = plan?.firehose.find((f) => f.name === name);
    const mib = (buffered[name] ?? []).map((b) => b / 2 ** 20);
    fill.push(...timeRows(mib, step, name, 'max'));
    (result.series.firehoseObjects[name] ?? []).forEach((objects, t) => {
      if (objects > 0) flushes.push({ t, series: name, objects });
    });
    if (p) hints.push({ series: name, value: p.bufferSizeBytes / 2 ** 20 });
  }
  const x = timeAxis(step);
  const color = { field: 'series', type: 'nominal', title: 'delivery stream' } as const;
  const layers = [
    {
      data: { values: fill },
      mark: { type: 'area', opacity: 0.35, interpolate: 'step-after', line: true },
      encoding: {
        x,
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'MiB in the fullest buffer',
          stack: null,
        },
        color,
        tooltip: [
          { field: 't', type: 'quantitative', title: 'second' },
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'value', type: 'quantitative', format: '.2f', title: 'MiB buffered' },
        ],
      },
    },
    {
      data: { values: hints },
      mark: { type: 'rule', strokeDash: [6, 3] },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        color,
        tooltip: [
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'value', type: 'quantitative', format: '.0f', title: 'size hint (MiB)' },
        ],
      },
    },
    {
      data: { values: flushes },
      // A flush: a triangle under the axis' top, at the second an object was written.
      mark: { type: 'point', shape: 'triangle-down', filled: true, size: 50, opacity: 0.9 },
      encoding: {
        x,
        y: { value: 4 },
        color,
        tooltip: [
          { field: 't', type: 'quantitative', title: 'flush at second' },
          { field: 'series', type: 'nominal', title: 'stream' },
          { field: 'objects', type: 'quantitative', title: 'objects' },
        ],
      },
    },
  ];
  // No size hint without the plan, no flush in a short run: an empty layer would only make vega
  // warn of an empty scale. The fill layer stays, to draw the axes.
  const kept = layers.filter((layer, i) => i === 0 || layer.data.values.length > 0);
  return { ...base(), layer: [...kept, ...reshardLayers(marks, x)] } as TopLevelSpec;
}
