/** The ingest chart: records offered and acknowledged against the stream's write limit, and throttling. */
import type { TopLevelSpec } from 'vega-lite';
import { KINESIS } from '../../aws/facts.js';
import type { RunResult } from '../../result/types.js';
import {
  base,
  COLORS,
  displayStep,
  type ReshardMark,
  type Row,
  reshardLayers,
  runDash,
  timeAxis,
  timeRows,
} from './base.js';

/**
 * Ingest against the stream's write limit, per second: records offered and acknowledged, the
 * limit in the user records plotted, at that second's sizes: a shard takes 1,000 Kinesis
 * records/s, each carrying u user records (KPL aggregates; u = 1 without), and 1 MiB/s, so shards ×
 * min(1,000 × u, 1 MiB ÷ bytes per user record). (At 1,000 records/s flat, 60,000 aggregated
 * records/s were acknowledged above a 12,000 records/s limit line.)
 *
 * Throttling is drawn as the share of attempts throttled, on its own axis (right, 0 to at least
 * 1%): throttled attempts count every retry again, so at twice a shard's limit with 5 attempts they
 * reached several times the records offered and flattened offered, acknowledged and the limit
 * into the bottom of the chart. A share reads against `throttledRatio` gates and never dwarfs them.
 */
export function throughputChart(
  result: RunResult,
  baseline?: RunResult,
  marks: readonly ReshardMark[] = [],
): TopLevelSpec {
  const s = result.series;
  const step = displayStep(s.offered.length);
  const limitOf = (series: RunResult['series']) =>
    series.shards.map((shards, i) => {
      const records = series.acknowledged[i] ?? 0;
      const kinesisRecords = series.writeRecords?.[i] ?? records;
      const userPerKinesis = kinesisRecords > 0 && records > 0 ? records / kinesisRecords : 1;
      const bytesPerRecord = records > 0 ? (series.writeBytes[i] ?? 0) / records : 0;
      const recordsLimit = KINESIS.shardWriteRecordsPerSecond.value * userPerKinesis;
      const perShard =
        bytesPerRecord > 0
          ? Math.min(recordsLimit, KINESIS.shardWriteBytesPerSecond.value / bytesPerRecord)
          : recordsLimit;
      return shards * perShard;
    });
  // Per second: throttled attempts over attempts (first attempts, the records offered, and retries).
  const shareOf = (series: RunResult['series']) =>
    series.throttled.map((throttled, i) => {
      const attempts = (series.offered[i] ?? 0) + (series.retried[i] ?? 0);
      return attempts > 0 ? Math.min(1, throttled / attempts) : 0;
    });
  const names = {
    offered: 'offered',
    acknowledged: 'acknowledged',
    limit: 'write limit',
    throttled: 'throttled, share of attempts (right axis)',
  };
  const domain = [names.offered, names.acknowledged, names.limit, names.throttled];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: [COLORS.offered, COLORS.acknowledged, COLORS.limit, COLORS.throttled] },
  };
  const records: Row[] = [
    ...timeRows(s.offered, step, names.offered, 'mean'),
    ...timeRows(s.acknowledged, step, names.acknowledged, 'mean'),
    ...timeRows(limitOf(s), step, names.limit, 'mean'),
  ];
  // The larger share per point, so that short bursts stay visible.
  const shares: Row[] = timeRows(shareOf(s), step, names.throttled, 'max');
  if (baseline) {
    records.push(
      ...timeRows(baseline.series.acknowledged, step, names.acknowledged, 'mean', 'baseline'),
      ...timeRows(limitOf(baseline.series), step, names.limit, 'mean', 'baseline'),
    );
    shares.push(...timeRows(shareOf(baseline.series), step, names.throttled, 'max', 'baseline'));
  }
  const highestShare = Math.max(0, ...shares.map((r) => r.value as number));
  const recordsTop = 1.1 * records.reduce((m, r) => Math.max(m, r.value as number), 1);
  const x = timeAxis(step);
  const dash = runDash(baseline !== undefined);
  const tooltip = (title: string, format: string) => [
    { field: 't', type: 'quantitative', title: 'second' },
    { field: 'series', type: 'nominal' },
    ...(baseline ? [{ field: 'run', type: 'nominal' }] : []),
    { field: 'value', type: 'quantitative', format, title },
  ];
  const line = { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, clip: true } as const;
  return {
    ...base(),
    layer: [
      {
        data: { values: records },
        mark: line,
        encoding: {
          x,
          // A tenth above the highest line: the write limit of 8 shards, 8,000/s, was drawn on the
          // top frame whenever nothing exceeded it, indistinguishable from the border.
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'records/s',
            scale: { domain: [0, recordsTop], nice: true },
          },
          color,
          ...dash,
          tooltip: tooltip('records/s', ',.0f'),
        },
      },
      {
        data: { values: shares },
        mark: { ...line, strokeWidth: 1.25, opacity: 0.85 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'throttled, share of attempts',
            // At least 0–1%: a run without throttling shows a flat line at 0, not a scale of noise.
            scale: { domain: [0, Math.max(0.01, highestShare)], nice: true },
            // Whole percents from 10% up; below, tenths (a 0–1% axis read "0%, 0%, 1%, 1%").
            axis: {
              orient: 'right',
              format: highestShare >= 0.1 ? '.0%' : '.1%',
              titleColor: COLORS.throttled,
            },
          },
          color,
          ...dash,
          tooltip: tooltip('throttled share', '.2%'),
        },
      },
      ...reshardLayers(marks, x),
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}
