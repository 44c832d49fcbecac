/**
 * The one way every output writes money, rates and counts (src/scenario/units.ts): the terminal,
 * the HTML report, summary.md, gate messages and the planner's findings all call these.
 */
import { describe, expect, it } from 'vitest';
import { formatBytesPerSecond, formatUsd, isSingular, plural } from '../../src/scenario/units.js';

describe('formatUsd', () => {
  it('writes whole dollars from $100 and cents below', () => {
    // 1,167.01 ≥ 100 → rounded to the dollar, grouped: "$1,167".
    expect(formatUsd(1167.01)).toBe('$1,167');
    // 2 shards × 730 h × $0.015 = 21.9 < 100 → two fraction digits: "$21.90" (not "$21.9").
    expect(formatUsd(2 * 730 * 0.015)).toBe('$21.90');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0)).toBe('$0.00');
    // 99.996 is $100.00 in cents, so it reads as the dollars above: "$100".
    expect(formatUsd(99.996)).toBe('$100');
    expect(formatUsd(-427.4)).toBe('-$427');
  });

  it('keeps three significant digits below a cent, so a small amount never reads $0.00', () => {
    // 0.0042: log10 = −2.38 → floor −3 → up to 2 + 3 = 5 fraction digits → "$0.0042".
    expect(formatUsd(0.0042)).toBe('$0.0042');
    // 41,062.5 objects × $0.005 ÷ 1,000 = $0.2053 a month → cents: "$0.21".
    expect(formatUsd((41_062.5 * 0.005) / 1000)).toBe('$0.21');
  });

  it('adds digits from cents on when asked (a gate measured beside its bound)', () => {
    expect(formatUsd(1500.004, 1)).toBe('$1,500.00');
    expect(formatUsd(1500.004, 2)).toBe('$1,500.004');
    expect(formatUsd(1500, 2)).toBe('$1,500.00');
    expect(formatUsd(21.904, 1)).toBe('$21.904');
  });
});

describe('formatBytesPerSecond', () => {
  it('is a size a second', () => {
    // 1,048,576 B = 1 MiB; 450,000 B ÷ 1,024 = 439.45 KiB → 3 significant digits "439 KiB".
    expect(formatBytesPerSecond(1_048_576)).toBe('1 MiB/s');
    expect(formatBytesPerSecond(450_000)).toBe('439 KiB/s');
  });
});

describe('plural', () => {
  it('uses the singular for exactly one', () => {
    expect(plural(1, 'shard')).toBe('1 shard');
    expect(plural(0, 'shard')).toBe('0 shards');
    expect(plural(2, 'retry', 'retries')).toBe('2 retries');
    expect(plural(1, 'retry', 'retries')).toBe('1 retry');
    expect(plural(12_000, 'record')).toBe('12,000 records');
  });

  it('decides by the printed count, so the noun and a verb after it agree with the figure shown', () => {
    // A fluid count printed as 1 (formatNumber keeps 3 decimals below 1: 0.9996 → "1") reads as
    // one; 1.5 prints as "1.5" and takes the plural; 1.0004 prints as "1" (2 decimals from 1).
    expect(plural(0.9996, 'record')).toBe('1 record');
    expect(isSingular(0.9996)).toBe(true);
    expect(plural(1.5, 'record')).toBe('1.5 records');
    expect(isSingular(1.0004)).toBe(true);
    expect(isSingular(0.999)).toBe(false);
  });
});
