import { describe, expect, it } from 'vitest';
import { formatResultPath, parseResult, ResultFormatError, serializeResult } from '../../src/result/io.js';
import type { EncodedHistogram, RunCounters, RunResult } from '../../src/result/types.js';
import { syntheticResult } from './synthetic-result.js';

/** Objects keyed by consumer, stream or metric name: their order is the builder's, kept as is. */
const NAMED = new Set([
  'delivered',
  'firehose',
  'consumerLagSeconds',
  'firehoseObjects',
  'firehoseDeliveryLatency',
  'metrics',
]);

/** The same result with the keys of every fixed-shape object in reverse order. */
function reverseKeys(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => reverseKeys(v));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, reverseKeys(v, k)] as const);
    return Object.fromEntries(NAMED.has(key) ? entries : entries.reverse());
  }
  return value;
}

/** The parse error for `text`, which must fail. */
function parseError(text: string, file = 'reports/run/result.json'): ResultFormatError {
  try {
    parseResult(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ResultFormatError);
    return error as ResultFormatError;
  }
  throw new Error('expected parseResult to fail');
}

/** The synthetic result's JSON after `mutate`, which may break it (through casts). */
function mutated(mutate: (json: RunResult) => void): string {
  const json = JSON.parse(serializeResult(syntheticResult())) as RunResult;
  mutate(json);
  return JSON.stringify(json);
}

describe('serializeResult and parseResult', () => {
  it('round-trips a result exactly', () => {
    const result = syntheticResult();
    const text = serializeResult(result);
    const parsed = parseResult(text, 'result.json');
    expect(parsed).toEqual(result);
    expect(serializeResult(parsed)).toBe(text);
  });

  it("round-trips a target's requests and scheduled records, and parses a result without them", () => {
    const result = syntheticResult();
    result.series = { ...result.series, requests: [12, 22, 14, 8], scheduled: [60, 110, 70, 40] };
    const parsed = parseResult(serializeResult(result), 'result.json');
    expect(parsed.series.requests).toEqual([12, 22, 14, 8]);
    expect(parsed.series.scheduled).toEqual([60, 110, 70, 40]);
    // Results written before these series (and the model's) have neither: they still parse.
    const older = parseResult(serializeResult(syntheticResult()), 'result.json');
    expect('requests' in older.series).toBe(false);
    expect('scheduled' in older.series).toBe(false);
    expect(older.series.offered).toEqual([60, 110, 70, 40]);
  });

  it('writes keys in the schema order whatever order they were built in, names in the order built', () => {
    const result = syntheticResult();
    const text = serializeResult(result);
    const reversed = reverseKeys(result) as RunResult;
    expect(Object.keys(reversed)[0]).toBe('metrics');
    expect(serializeResult(reversed)).toBe(text);
    expect(text.indexOf('"orders"')).toBeLessThan(text.indexOf('"audit"'));
  });

  it('keeps a series on one line with 2-space indentation and a final newline', () => {
    const text = serializeResult(syntheticResult());
    expect(text.startsWith('{\n  "version": 1,\n  "header": {\n    "runId": "run-1",')).toBe(true);
    expect(text).toContain('\n    "offered": [60, 110, 70, 40],\n');
    expect(text).toContain(
      '\n    "all": [\n      [0.8, 0.4],\n      [0.3, 0.2],\n      [1.2, 0.9]\n    ],\n',
    );
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(syntheticResult())));
  });

  it('refuses to write a number JSON cannot hold, naming its path', () => {
    const result = syntheticResult();
    result.series.offered[1] = Number.NaN;
    expect(() => serializeResult(result)).toThrow(ResultFormatError);
    expect(() => serializeResult(result)).toThrow(/series\.offered\[1\]: .*NaN/);
  });
});

describe('parseResult errors', () => {
  it('reports malformed JSON with the file, line and column', () => {
    const error = parseError('{\n  "version": 1,\n  "header": }\n');
    expect(error.file).toBe('reports/run/result.json');
    expect(error.message).toBe("reports/run/result.json:3:13: not valid JSON: expected a value, found '}'");
    expect(error.problems).toEqual([
      { path: '', line: 3, column: 13, message: "not valid JSON: expected a value, found '}'" },
    ]);
    expect(parseError('').message).toBe(
      'reports/run/result.json:1:1: not valid JSON: expected a value, found the end of the file',
    );
    // A file cut short, as by a crash mid-write.
    expect(parseError('{\n  "version": 1,\n  "header": {"runId": "r').message).toBe(
      'reports/run/result.json:3:25: not valid JSON: expected a closing double quote, found the end of the file',
    );
  });

  it('reports a document that is not a result object', () => {
    expect(parseError('[1, 2]').message).toBe(
      'reports/run/result.json: expected a shardcast result (a JSON object), found an array',
    );
    expect(parseError('{"hello": 1}').message).toBe(
      'reports/run/result.json: version: missing: this does not look like a shardcast result',
    );
    expect(parseError('{"version": "1"}').message).toBe(
      'reports/run/result.json: version: expected a number, found string "1"',
    );
  });

  it('refuses another major version with a clear message and nothing else', () => {
    const error = parseError(
      mutated((json) => {
        (json as { version: number }).version = 2;
        delete (json as Partial<RunResult>).counters;
      }),
    );
    expect(error.problems).toEqual([
      { path: 'version', message: expect.stringContaining('version 2 cannot be read') },
    ]);
    expect(error.message).toBe(
      'reports/run/result.json: version: result format version 2 cannot be read: this shardcast reads version 1; ' +
        'use the shardcast version that wrote the file, or run the scenario again',
    );
  });

  it('names a missing field by its path', () => {
    const error = parseError(mutated((json) => delete (json.counters as Partial<RunCounters>).produced));
    expect(error.message).toBe('reports/run/result.json: counters.produced: missing (expected number)');
  });

  it('reports every problem at once, each with its path', () => {
    const error = parseError(
      mutated((json) => {
        (json.series.offered as unknown[])[2] = 'seventy';
        json.counters.delivered.orders = -1;
        delete (json.histograms.putLatency as Partial<EncodedHistogram>).clamped;
        (json.series.consumerLagSeconds as Record<string, unknown>)['my app'] = [null];
      }),
    );
    expect(error.problems.map((p) => p.path)).toEqual([
      'counters.delivered.orders',
      'series.offered[2]',
      'series.consumerLagSeconds["my app"][0]',
      'histograms.putLatency.clamped',
    ]);
    expect(error.message).toMatch(
      /^reports\/run\/result\.json: 4 problems in the result:\n {2}counters\.delivered\.orders: /,
    );
    expect(error.message).toContain('\n  histograms.putLatency.clamped: missing (expected number)');
  });

  it('checks that a histogram decodes and holds its count', () => {
    const corrupt = parseError(mutated((json) => (json.histograms.e2eLatency.encoded = 'not-a-histogram')));
    expect(corrupt.problems).toEqual([
      { path: 'histograms.e2eLatency.encoded', message: expect.stringMatching(/^not an HDR histogram/) },
    ]);
    const miscounted = parseError(
      mutated((json) => (json.histograms.firehoseDeliveryLatency.lake!.count = 4)),
    );
    expect(miscounted.message).toBe(
      'reports/run/result.json: histograms.firehoseDeliveryLatency.lake.count: the histogram holds 3 values but count is 4',
    );
  });
});

describe('formatResultPath', () => {
  it('writes identifiers with dots, indexes and other names in brackets', () => {
    expect(formatResultPath(['series', 'offered', 3])).toBe('series.offered[3]');
    expect(formatResultPath(['counters', 'delivered', 'orders-app'])).toBe('counters.delivered.orders-app');
    expect(formatResultPath(['counters', 'delivered', 'my app'])).toBe('counters.delivered["my app"]');
    expect(formatResultPath([])).toBe('');
  });
});
