/**
 * A search's table as files: `sweep.json` (the `SearchTable`, keys in a fixed order so two runs
 * diff cleanly) and `sweep.csv` (one row per point, for a spreadsheet or a plotting script).
 */
import type { GateOutcome, PointOutcome, SearchTable } from './types.js';

/**
 * The metrics every row carries, in this order, then each gate's metric not among them: the
 * throughputs, what throttled and was lost, the latencies, the shard counts and the cost.
 */
export const KEY_METRICS = [
  'throughput.averageRecordsPerSecond',
  'throughput.peakRecordsPerSecond',
  'throughput.peakWriteBytesPerSecond',
  'throttledRatio',
  'putLatency.p99',
  'e2eLatency.p99',
  'lostRecords',
  'shards.configured',
  'shards.recommended',
  'cost.monthly.configured',
  'cost.monthly.total',
] as const;

/** The metric columns of a table: the key metrics, then every gate's own metric. */
export function metricColumns(table: SearchTable): string[] {
  const columns: string[] = [...KEY_METRICS];
  for (const point of table.points)
    for (const run of point.runs)
      for (const g of run.gates) if (!columns.includes(g.metric)) columns.push(g.metric);
  return columns;
}

/**
 * A gate's verdict at a point over its seeds: `pass` when every seed passed it, `fail` when none
 * did, `k/N` when k of N did; empty when the point did not run.
 */
export function gateVerdict(point: PointOutcome, gate: string): string {
  const seen = point.runs
    .map((r) => r.gates.find((g) => g.gate === gate))
    .filter((g): g is GateOutcome => g !== undefined);
  if (seen.length === 0) return '';
  const passed = seen.filter((g) => g.passed).length;
  if (passed === seen.length) return 'pass';
  if (passed === 0) return 'fail';
  return `${passed}/${seen.length}`;
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line end or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvNumber(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/**
 * One row per point, in the table's order: its index, each axis's value, whether it passed, its
 * pass share, the binding gate, why it could not run (if so), the metrics (means over seeds, base
 * units: records/s, bytes/s, seconds, USD/month), then one column per gate (`gate: TEXT`).
 */
export function tableCsv(table: SearchTable): string {
  const metrics = metricColumns(table);
  // The axes, then any value a point set beside them (a find's `producers[0].rate`).
  const paths = table.axes.map((a) => a.path);
  for (const p of table.points)
    for (const path of Object.keys(p.point.at)) if (!paths.includes(path)) paths.push(path);
  const header = [
    'point',
    ...paths,
    ...(table.points.some((p) => p.point.load !== undefined) ? ['load'] : []),
    'passed',
    'passShare',
    'binding',
    'error',
    ...metrics,
    ...table.gates.map((g) => `gate: ${g}`),
  ];
  const withLoad = header.includes('load');
  const rows = table.points.map((p) => [
    String(p.point.index),
    ...paths.map((path) => p.point.at[path] ?? ''),
    ...(withLoad ? [csvNumber(p.point.load ?? 1)] : []),
    p.error === undefined ? String(p.passed) : '',
    p.error === undefined ? csvNumber(p.passShare) : '',
    p.binding ?? '',
    p.error ?? '',
    ...metrics.map((m) => csvNumber(p.metrics[m])),
    ...table.gates.map((g) => gateVerdict(p, g)),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** A record with its keys sorted: metrics come out of runs in the order they were computed. */
function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The table as JSON, every object's keys in a fixed order. */
export function tableJson(table: SearchTable): string {
  const ordered: SearchTable = {
    kind: table.kind,
    scenario: { name: table.scenario.name, file: table.scenario.file },
    header: {
      shardcastVersion: table.header.shardcastVersion,
      startedAt: table.header.startedAt,
      wallSeconds: table.header.wallSeconds,
      parallel: table.header.parallel,
      ...(table.header.target === undefined ? {} : { target: table.header.target }),
      durationSeconds: table.header.durationSeconds,
      ...(table.header.partial === undefined ? {} : { partial: table.header.partial }),
    },
    axes: table.axes.map((a) => ({
      path: a.path,
      text: a.text,
      values: a.values.map((v) => ({
        text: v.text,
        ...(v.numeric === undefined ? {} : { numeric: v.numeric }),
      })),
    })),
    gates: [...table.gates],
    rule: { seeds: table.rule.seeds, share: table.rule.share },
    ...(table.answer === undefined ? {} : { answer: table.answer }),
    points: table.points.map((p) => ({
      point: {
        index: p.point.index,
        at: { ...p.point.at },
        overrides: [...p.point.overrides],
        ...(p.point.load === undefined ? {} : { load: p.point.load }),
      },
      passed: p.passed,
      passShare: p.passShare,
      ...(p.binding === undefined ? {} : { binding: p.binding }),
      ...(p.error === undefined ? {} : { error: p.error }),
      metrics: sorted(p.metrics),
      runs: p.runs.map((r) => ({
        seed: r.seed,
        passed: r.passed,
        wallSeconds: r.wallSeconds,
        gates: r.gates.map((g) => ({
          gate: g.gate,
          metric: g.metric,
          passed: g.passed,
          measured: g.measured,
          allowed: g.allowed,
          margin: g.margin,
        })),
        metrics: sorted(r.metrics),
      })),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
