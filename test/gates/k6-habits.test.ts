/**
 * Gate habits a k6 user brings: `p(95)` for a percentile, and durations without a unit (k6 reads
 * them as milliseconds; we read seconds, so they are an input error rather than a silent pass).
 * And scenario durations whose plain number is implausible in seconds: a located warning.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGate } from '../../src/gates/expression.js';
import { checkGates } from '../../src/gates/validate.js';
import { PLAIN_DURATION_RULES, plainDurationIssues } from '../../src/scenario/plain-durations.js';

const KNOWN = ['putLatency.p50', 'putLatency.p95', 'putLatency.p99', 'putLatency.p999', 'e2eLatency.p95'];

describe('p(N): k6’s spelling of a percentile', () => {
  it.each([
    ['putLatency.p(95) < 250ms', 'putLatency.p95'],
    ['putLatency.p( 99 ) <= 1s', 'putLatency.p99'],
    ['putLatency.p(99.9) < 2s', 'putLatency.p999'],
    ['putLatency.p(50)<1s', 'putLatency.p50'],
  ])('%s is a gate on %s', (text, metric) => {
    const parsed = parseGate(text);
    expect(parsed.ok && parsed.gate.metric).toBe(metric);
    // The gate keeps its text as written, for verdicts and JUnit.
    expect(parsed.ok && parsed.gate.text).toBe(text);
    expect(checkGates([text], KNOWN)).toEqual([]);
  });

  it('says what is wrong with p( ) without a number, at its column', () => {
    const parsed = parseGate('putLatency.p(x) < 1s');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.message).toBe('expected a percentile in p( ), e.g. p(95) or p(99.9)');
      expect(parsed.error.column).toBe(13); // "putLatency.p" is 12 characters: the "(" is column 13
    }
  });

  it('names the metric a p(N) without its prefix meant', () => {
    expect(checkGates(['p(95) < 250ms'], KNOWN)[0]?.hint).toBe(
      'did you mean "putLatency.p95" or "e2eLatency.p95"?',
    );
  });
});

describe('a duration gate needs its unit', () => {
  it('rejects putLatency.p99 < 250 with the hint to write 250ms or 250s', () => {
    expect(checkGates(['putLatency.p99 < 250'], KNOWN)).toEqual([
      {
        path: ['gates', 0],
        severity: 'error',
        message: 'putLatency.p99 is a duration (seconds), and 250 has no unit: milliseconds or seconds?',
        expected: 'a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0)',
        found: '"250"',
        hint: 'write 250ms or 250s',
      },
    ]);
  });

  it('takes 0 without a unit (0 ms is 0 s) and every written unit', () => {
    expect(
      checkGates(['putLatency.p99 == 0', 'putLatency.p99 < 250ms', 'putLatency.p(95) < 1.5s'], KNOWN),
    ).toEqual([]);
  });

  it('holds for any duration metric and any non-zero plain number', () => {
    const durationMetric = fc.constantFrom(
      'putLatency.p99',
      'e2eLatency.max',
      'consumerLag.p95',
      'consumers.app.lagSeconds.max',
      'firehose.lake.deliveryLatency.p50',
      'consumers.app.propagationDelaySeconds',
      'reshard.durationSeconds',
    );
    const plain = fc.integer({ min: 1, max: 1_000_000 });
    fc.assert(
      fc.property(durationMetric, plain, (metric, n) => {
        const [issue] = checkGates([`${metric} < ${n}`], null);
        return issue?.severity === 'error' && issue.hint === `write ${n}ms or ${n}s`;
      }),
    );
  });

  it('leaves plain numbers alone for metrics that are not durations', () => {
    expect(checkGates(['shards.recommended <= 32', 'records.dropped == 0'], null)).toEqual([]);
  });
});

describe('plain-number durations that are implausible in seconds', () => {
  const rule = (field: string) => PLAIN_DURATION_RULES.find((r) => r.path.join('.').endsWith(field))!;

  it('bounds pollInterval by what one GetRecords call can carry', () => {
    // 10,000 records a call ÷ a shard's 1,000 records/s = 10 s between polls at most.
    expect(rule('pollInterval').maxSeconds).toBe(10);
    // The SDK caps a backoff at 20 s; maxDelay is allowed 15 × that = 300 s.
    expect(rule('baseDelay').maxSeconds).toBe(20);
    expect(rule('maxDelay').maxSeconds).toBe(300);
  });

  it('warns of plain numbers over the bound, with the path, how it was read and the unit to write', () => {
    const raw = {
      producers: [
        { name: 'a', batching: { linger: 0.5 }, retry: { baseDelay: 100, maxDelay: 5000 } },
        { name: 'b', batching: { linger: 50 } },
      ],
      consumers: [{ name: 'c', type: 'polling', pollInterval: '200s' }, { pollInterval: 200 }],
      firehose: [{ name: 'f', deliveryTime: 2 }],
      engine: { serviceTime: { median: 20, p99: '120ms' } },
    };
    const issues = plainDurationIssues(raw);
    expect(issues.map((i) => [i.path.join('.'), i.severity, i.hint])).toEqual([
      // 200 s > 10 s; 200 ms would be ≤ 10 s: suggest ms first.
      ['consumers.1.pollInterval', 'warning', 'write 200ms for milliseconds, or 200s if you mean seconds'],
      ['producers.1.batching.linger', 'warning', 'write 50ms for milliseconds, or 50s if you mean seconds'],
      ['producers.0.retry.baseDelay', 'warning', 'write 100ms for milliseconds, or 100s if you mean seconds'],
      [
        'producers.0.retry.maxDelay',
        'warning',
        'write 5000ms for milliseconds, or 5000s if you mean seconds',
      ],
      ['engine.serviceTime.median', 'warning', 'write 20ms for milliseconds, or 20s if you mean seconds'],
    ]);
    // 200 s = 3.33 min.
    expect(issues[0]!.message).toMatch(
      /^200 has no unit, so it is read as 3\.33 min: implausible for a poll interval/,
    );
  });

  it('suggests only seconds when even milliseconds would be over the bound', () => {
    // 20,000 ms = 20 s > 10 s.
    const [issue] = plainDurationIssues({ consumers: [{ pollInterval: 20_000 }] });
    expect(issue?.hint).toBe('write the unit: 20000s if you mean seconds');
  });
});
