/** A result.json written before `firehose.<name>.objectBytes` (a run's total) was renamed reads with today's names. */
import { describe, expect, it } from 'vitest';
import { parseResult, serializeResult } from '../../src/result/io.js';
import { syntheticResult } from './synthetic-result.js';

describe('legacy metric names in result.json', () => {
  it('reads an old firehose.<name>.objectBytes as deliveredBytes, with the mean object beside it', () => {
    const current = syntheticResult();
    const {
      'firehose.lake.deliveredBytes': delivered,
      'firehose.lake.averageObjectBytes': _,
      ...rest
    } = current.metrics;
    const old = { ...current, metrics: { ...rest, 'firehose.lake.objectBytes': delivered! } };
    const read = parseResult(serializeResult(old), 'old/result.json');
    // 276,480 B over 3 objects: 92,160 B each.
    expect(read.metrics['firehose.lake.deliveredBytes']).toBe(276_480);
    expect(read.metrics['firehose.lake.averageObjectBytes']).toBe(92_160);
    expect(read.metrics['firehose.lake.objectBytes']).toBeUndefined();
    expect(read.metrics).toEqual(current.metrics);
  });

  it('leaves a current result as it is', () => {
    const current = syntheticResult();
    expect(parseResult(serializeResult(current), 'result.json').metrics).toEqual(current.metrics);
  });
});
