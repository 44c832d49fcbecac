/**
 * A search table as files (src/search/table.ts): the CSV's columns, verdicts and quoting, and the
 * JSON's fixed key order.
 */
import { describe, expect, it } from 'vitest';
import { csvField, gateVerdict, tableCsv, tableJson } from '../../src/search/table.js';
import type { PointOutcome, SearchTable, SeedRun } from '../../src/search/types.js';

const GATE_A = 'throttledRatio <= 0.001';
/** A gate text with a comma and quotes, as a user may write one. */
const GATE_B = 'putLatency.p99 < 250ms, "strict"';

function seedRun(seed: number, a: boolean, b: boolean, metrics: Record<string, number>): SeedRun {
  return {
    seed,
    passed: a && b,
    wallSeconds: 0.5,
    metrics,
    gates: [
      {
        gate: GATE_A,
        metric: 'throttledRatio',
        passed: a,
        measured: a ? 0 : 0.01,
        allowed: 0.001,
        margin: a ? 1 : -9,
      },
      { gate: GATE_B, metric: 'putLatency.p99', passed: b, measured: 0.1, allowed: 0.25, margin: 0.6 },
    ],
  };
}

const points: PointOutcome[] = [
  {
    point: {
      index: 0,
      at: { 'stream.shards': '4', 'producers[0].keys': '{dist: zipf, count: 10}' },
      overrides: [],
    },
    // Seeds 7 and 8: gate A passes with one of two, so the point fails at share 1.
    runs: [
      seedRun(7, true, true, { throttledRatio: 0, 'cost.monthly.total': 100 }),
      seedRun(8, false, true, { throttledRatio: 0.01, 'cost.monthly.total': 100 }),
    ],
    passed: false,
    passShare: 0.5,
    // Mean of 0 and 0.01.
    metrics: { throttledRatio: 0.005, 'cost.monthly.total': 100 },
    binding: GATE_A,
  },
  {
    point: {
      index: 1,
      at: { 'stream.shards': '0', 'producers[0].keys': '{dist: zipf, count: 10}' },
      overrides: [],
    },
    runs: [],
    passed: false,
    passShare: 0,
    metrics: {},
    error: 'stream.shards: too small, "0"',
  },
];

const table: SearchTable = {
  kind: 'sweep',
  scenario: { name: 's', file: 's.yaml' },
  axes: [
    {
      path: 'stream.shards',
      text: 'stream.shards=4,0',
      values: [
        { text: '4', numeric: 4 },
        { text: '0', numeric: 0 },
      ],
    },
    {
      path: 'producers[0].keys',
      text: 'producers[0].keys={dist: zipf, count: 10}',
      values: [{ text: '{dist: zipf, count: 10}' }],
    },
  ],
  gates: [GATE_A, GATE_B],
  rule: { seeds: 2, share: 1 },
  points,
  header: {
    shardcastVersion: '0.1.0',
    startedAt: '2026-01-01T00:00:00.000Z',
    wallSeconds: 1,
    parallel: 2,
    durationSeconds: 60,
  },
};

describe('csvField', () => {
  it('quotes a field with a comma, a quote, a line end or edge spaces, doubling its quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' pad')).toBe('" pad"');
  });
});

describe('gateVerdict', () => {
  it('is pass, fail or k/N over the seeds, and empty for a point that did not run', () => {
    expect(gateVerdict(points[0]!, GATE_A)).toBe('1/2');
    expect(gateVerdict(points[0]!, GATE_B)).toBe('pass');
    expect(gateVerdict(points[1]!, GATE_A)).toBe('');
  });
});

describe('tableCsv', () => {
  it('writes a header and one row per point, quoted where needed, CRLF line ends', () => {
    const lines = tableCsv(table).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(
      [
        'point',
        'stream.shards',
        'producers[0].keys',
        'passed',
        'passShare',
        'binding',
        'error',
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
        'gate: throttledRatio <= 0.001',
        '"gate: putLatency.p99 < 250ms, ""strict"""',
      ].join(','),
    );
    // The metrics columns: the key ones only (both gates' metrics are among them); 0.005 and 100 set.
    expect(lines[1]).toBe(
      '0,4,"{dist: zipf, count: 10}",false,0.5,throttledRatio <= 0.001,,,,,0.005,,,,,,,100,1/2,pass',
    );
    expect(lines[2]).toBe('1,0,"{dist: zipf, count: 10}",,,,"stream.shards: too small, ""0""",,,,,,,,,,,,,');
  });
});

describe('tableJson', () => {
  it('writes every object with its keys in a fixed order, metrics sorted', () => {
    const shuffled: SearchTable = {
      ...table,
      header: {
        durationSeconds: 60,
        parallel: 2,
        wallSeconds: 1,
        startedAt: table.header.startedAt,
        shardcastVersion: '0.1.0',
      },
      points: [{ ...points[0]!, metrics: { 'cost.monthly.total': 100, throttledRatio: 0.005 } }, points[1]!],
    };
    const json = tableJson(shuffled);
    expect(json).toBe(tableJson(table));
    const data = JSON.parse(json) as SearchTable;
    expect(Object.keys(data)).toEqual(['kind', 'scenario', 'header', 'axes', 'gates', 'rule', 'points']);
    expect(Object.keys(data.header)).toEqual([
      'shardcastVersion',
      'startedAt',
      'wallSeconds',
      'parallel',
      'durationSeconds',
    ]);
    expect(Object.keys(data.points[0]!.metrics)).toEqual(['cost.monthly.total', 'throttledRatio']);
    expect(data.points[1]!.error).toBe('stream.shards: too small, "0"');
    expect(data.axes[1]!.values[0]).toEqual({ text: '{dist: zipf, count: 10}' });
  });
});
