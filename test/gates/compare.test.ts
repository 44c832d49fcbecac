import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import {
  compareMetrics,
  type Direction,
  formatChange,
  metricDirection,
  parseTolerance,
  renderComparison,
} from '../../src/gates/compare.js';

describe('metricDirection', () => {
  it.each<[string, Direction]>([
    ['putLatency.p99', 'higher-is-worse'],
    ['consumers.archiver.lagSeconds.max', 'higher-is-worse'],
    ['consumerLag.p99', 'higher-is-worse'],
    ['consumers.archiver.propagationDelaySeconds', 'higher-is-worse'],
    ['throttled', 'higher-is-worse'],
    ['throttledRatio', 'higher-is-worse'],
    ['onDemand.throttledRecordShare', 'higher-is-worse'],
    ['dropped', 'higher-is-worse'],
    ['lost', 'higher-is-worse'],
    ['duplicated', 'higher-is-worse'],
    ['retried', 'higher-is-worse'],
    ['pendingAtEnd', 'higher-is-worse'],
    ['cost.monthly.provisioned', 'higher-is-worse'],
    ['firehose.logs.monthlyCost', 'higher-is-worse'],
    ['hotKey.maxShardUtilization', 'higher-is-worse'],
    ['shards.recommended', 'higher-is-worse'],
    ['shards.required', 'higher-is-worse'],
    ['reshard.durationSeconds', 'higher-is-worse'],
    ['acknowledged', 'lower-is-worse'],
    ['delivered.archiver', 'lower-is-worse'],
    ['throughputRecordsPerSecond', 'lower-is-worse'],
    ['consumers.archiver.readBytesPerSecond', 'lower-is-worse'],
    ['produced', 'neutral'],
    ['records.produced', 'neutral'],
    ['throughput.peakOfferedRecordsPerSecond', 'neutral'], // offered load is an input
    ['throughput.peakRecordsPerSecond', 'lower-is-worse'],
    ['records.pendingAtEnd', 'higher-is-worse'],
    ['shards.max', 'higher-is-worse'],
    ['firehose.logs.deliveryLatency.p99', 'higher-is-worse'],
    ['attempts', 'neutral'],
    ['traffic.peakRecordsPerSecond', 'neutral'],
    ['shards.configured', 'neutral'], // an input, though under shards.*
    ['firehose.logs.objectBytes', 'neutral'],
  ])('%s → %s', (metric, direction) => {
    expect(metricDirection(metric)).toBe(direction);
  });
});

describe('compareMetrics', () => {
  it('flags worsening beyond the tolerance, not at it', () => {
    const rows = compareMetrics(
      {
        'putLatency.p99': 0.2,
        'cost.monthly.provisioned': 100,
        'shards.recommended': 10,
        acknowledged: 1000,
        'delivered.archiver': 1000,
        produced: 1000,
      },
      {
        'putLatency.p99': 0.25, // +25% > 10%: regression
        'cost.monthly.provisioned': 110, // +10% exactly: allowed (110/100 − 1 is 0.10000000000000009 in floating point)
        'shards.recommended': 8, // −20%, higher is worse: better
        acknowledged: 900, // −10% exactly: allowed
        'delivered.archiver': 899, // −10.1%: regression
        produced: 2000, // neutral
      },
      { tolerance: 0.1 },
    );
    const rounded = (change: number | null) => (change === null ? null : Number(change.toFixed(9)));
    expect(rows.map((r) => [r.metric, rounded(r.change), r.regression])).toEqual([
      ['acknowledged', -0.1, false],
      ['cost.monthly.provisioned', 0.1, false],
      ['delivered.archiver', -0.101, true],
      ['produced', 1, false],
      ['putLatency.p99', 0.25, true],
      ['shards.recommended', -0.2, false],
    ]);
  });

  it('defaults to a 10% tolerance', () => {
    const rows = compareMetrics({ 'putLatency.p99': 100 }, { 'putLatency.p99': 111 });
    expect(rows[0]!.regression).toBe(true);
  });

  it('takes any worsening above the absolute epsilon from a zero baseline', () => {
    const rows = compareMetrics(
      { dropped: 0, lost: 0, throttled: 0, acknowledged: 0 },
      { dropped: 3, lost: 1e-12, throttled: 0, acknowledged: 5 },
      { tolerance: 0.1 },
    );
    expect(rows.map((r) => [r.metric, r.change, r.regression])).toEqual([
      ['acknowledged', null, false], // more acknowledged is better
      ['dropped', null, true],
      ['lost', null, false], // below 1e-9
      ['throttled', 0, false],
    ]);
    const strict = compareMetrics({ lost: 0 }, { lost: 0.5 }, { tolerance: 0.1, absoluteEpsilon: 1 });
    expect(strict[0]!.regression).toBe(false);
  });

  it('keeps metrics found on one side only, never as regressions', () => {
    expect(compareMetrics({ old: 1 }, { new: 2 })).toEqual([
      { metric: 'new', baseline: null, current: 2, change: null, direction: 'neutral', regression: false },
      { metric: 'old', baseline: 1, current: null, change: null, direction: 'neutral', regression: false },
    ]);
  });

  it('measures change against the magnitude of a negative baseline', () => {
    const [row] = compareMetrics({ 'putLatency.delta': -10 }, { 'putLatency.delta': -8 });
    expect(row!.change).toBeCloseTo(0.2, 12); // (−8 − −10) / 10
    expect(row!.regression).toBe(true);
  });

  it('property: a higher-is-worse metric regresses iff (current − baseline) / baseline > tolerance', () => {
    // Integers and a tolerance of p/100 keep the oracle exact: 100 × (c − b) > p × b.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 0, max: 100 }),
        (b, c, p) => {
          const [row] = compareMetrics(
            { 'putLatency.p99': b },
            { 'putLatency.p99': c },
            { tolerance: p / 100 },
          );
          expect(row!.regression).toBe(100 * (c - b) > p * b);
          const [lower] = compareMetrics({ acknowledged: b }, { acknowledged: c }, { tolerance: p / 100 });
          expect(lower!.regression).toBe(100 * (b - c) > p * b);
        },
      ),
    );
  });
});

describe('renderComparison', () => {
  it('renders a table in natural units with notes and a count', () => {
    const rows = compareMetrics(
      {
        'putLatency.p99': 0.2,
        acknowledged: 1000,
        dropped: 0,
        'cost.monthly.provisioned': 100,
        produced: 1000,
        gone: 1,
      },
      {
        'putLatency.p99': 0.25,
        acknowledged: 950,
        dropped: 3,
        'cost.monthly.provisioned': 90,
        produced: 2000,
        added: 2,
      },
      { tolerance: 0.1 },
    );
    expect(renderComparison(rows, { tolerance: 0.1 })).toBe(
      [
        'metric                    baseline  current  change',
        'acknowledged                 1,000      950     −5%  worse, within tolerance',
        'added                            –        2          only in current',
        'cost.monthly.provisioned      $100   $90.00    −10%  better',
        'dropped                          0        3  from 0  ✗ regression',
        'gone                             1        –          only in baseline',
        'produced                     1,000    2,000   +100%',
        'putLatency.p99              200 ms   250 ms    +25%  ✗ regression',
        '',
        '2 regressions beyond 10%',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing regressed', () => {
    expect(renderComparison(compareMetrics({ a: 1 }, { a: 1 }))).toBe(
      'metric  baseline  current  change\na              1        1      0%\n\nno regressions\n',
    );
  });
});

describe('formatChange', () => {
  it.each<[number, string]>([
    [0.25, '+25%'],
    [-0.1, '−10%'],
    [1, '+100%'],
    [0.123456, '+12.3%'],
    [0.001, '+0.1%'],
    [0, '0%'],
    // Below display precision, still a change: two significant digits, never "0%".
    // 0.00001 = 0.001%: log10(0.001) = −3, 1 + 3 = 4 decimals, "0.0010" → "0.001".
    [0.00001, '+0.001%'],
    // 4,804,566 → 4,804,679: 113 ÷ 4,804,566 = 0.0000235193 = 0.00235193%, 4 decimals → "0.0024".
    [113 / 4_804_566, '+0.0024%'],
    [-0.0000421, '−0.0042%'],
    // Float noise (0.1 + 0.2 against 0.3: 1.85e-16 = 1.85e-14 %) is shown as below a millionth of a percent.
    [(0.1 + 0.2 - 0.3) / 0.3, '+<0.000001%'],
    [Number.POSITIVE_INFINITY, '+∞'],
    [Number.NaN, 'n/a'],
  ])('%d → %s', (change, text) => {
    expect(formatChange(change)).toBe(text);
  });
});

describe('parseTolerance', () => {
  it.each<[string, number]>([
    ['10%', 0.1],
    ['10 %', 0.1],
    ['2.5%', 0.025],
    ['0%', 0],
    ['200%', 2],
    ['0.1', 0.1],
    ['1', 1],
    [' .05 ', 0.05],
  ])('%j → %d', (text, value) => {
    expect(parseTolerance(text)).toBe(value);
  });

  it.each<[string, string, string?]>([
    ['10', 'a tolerance written as a plain number is a fraction (0.1 is 10%)', 'for 10 percent write 10%'],
    ['-5%', 'a tolerance cannot be negative'],
    ['ten', 'not a tolerance'],
    ['', 'not a tolerance'],
  ])('refuses %j', (text, message, hint) => {
    let error: unknown;
    try {
      parseTolerance(text, '--tolerance');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const problem = (error as InvalidInputError).problems[0]!;
    expect(problem.location).toEqual({ file: '--tolerance', path: '--tolerance' });
    expect(problem.message).toBe(message);
    expect(problem.found).toBe(JSON.stringify(text));
    expect(problem.hint).toBe(hint);
  });
});
