/**
 * The bounds table (src/scenario/bounds.ts) at its edges: a producer's peak rate in records and in
 * bytes (records × mean record), a trace's highest point × scale, and the short excerpt a malformed
 * line is quoted with. Expectations are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { BOUNDS, checkBounds } from '../../src/scenario/bounds.js';
import { EXCERPT_CHARS, excerpt } from '../../src/scenario/excerpt.js';
import { parseScenario } from '../../src/scenario/load.js';

const withProducer = (...lines: string[]) =>
  parseScenario(
    ['name: t', 'stream: { shards: 2, maxRecordSize: 10MiB }', 'producers:', '  - name: p', ...lines].join(
      '\n',
    ),
    't.yaml',
  ).scenario;

const paths = (lines: string[]) => checkBounds(withProducer(...lines)).map((i) => i.path.join('.'));

describe('checkBounds', () => {
  it('bounds records/s at 100,000 shards × 1,000 records/s = 10^8', () => {
    expect(BOUNDS.recordsPerSecond.max).toBe(100_000_000);
    // A ramp to exactly 10^8 (100M/s) is inside; to 10^8 + 1 is not, and is named at `to`.
    expect(
      paths(['    rate: { profile: ramp, from: 1k/s, to: 100M/s, over: 1m }', '    recordSize: 1B']),
    ).toEqual([]);
    expect(
      paths(['    rate: { profile: ramp, from: 1k/s, to: 100000001/s, over: 1m }', '    recordSize: 1B']),
    ).toEqual(['producers.0.rate.to']);
  });

  it('bounds bytes/s at 100,000 × 1 MiB/s, records times the mean record', () => {
    // 100,000 MiB/s = 104,857,600,000 B/s.
    expect(BOUNDS.bytesPerSecond.max).toBe(104_857_600_000);
    // 90,000 records/s × 1 MiB = 90,000 MiB/s: inside. 110,000 × 1 MiB = 110,000 MiB/s: above.
    expect(paths(['    rate: 90k/s', '    recordSize: 1MiB'])).toEqual([]);
    expect(paths(['    rate: 110k/s', '    recordSize: 1MiB'])).toEqual(['producers.0.rate']);
    // Uniform 1 B … 2 MiB has a mean of (1 + 2,097,152) ÷ 2 = 1,048,576.5 B ≈ 1 MiB: 110,000/s of
    // it is 115,343,421,500 B/s, above 104,857,600,000.
    expect(paths(['    rate: 110k/s', '    recordSize: { dist: uniform, min: 1B, max: 2MiB }'])).toEqual([
      'producers.0.rate',
    ]);
    // A byte rate is bounded directly: 100,001 MiB/s is above.
    expect(paths(['    rate: 100001MiB/s'])).toEqual(['producers.0.rate']);
  });

  it("bounds a trace's highest point × scale, named at scale", () => {
    // 2,000,000 × 50 = 10^8: inside; × 51 = 1.02 × 10^8: above.
    const trace = (scale: number) => [
      `    rate: { profile: trace, points: [[0, 10], [60, 2000000], [120, 5]], scale: ${scale} }`,
      '    recordSize: 1B',
    ];
    expect(paths(trace(50))).toEqual([]);
    expect(paths(trace(51))).toEqual(['producers.0.rate.scale']);
  });

  it('bounds a lognormal so its mean stays finite', () => {
    // median 1 B, p99 1 TiB: σ = ln(2^40) ÷ 2.326 = 11.92, the mean's exponent σ²/2 = 71: inside.
    expect(
      paths(['    rate: 1/s', '    recordSize: { dist: lognormal, median: 1B, p99: 1TiB, max: 1MiB }']),
    ).toEqual([]);
    expect(
      paths(['    rate: 1/s', '    recordSize: { dist: lognormal, median: 0.5B, p99: 2TiB, max: 1MiB }']),
    ).toEqual(['producers.0.recordSize.p99', 'producers.0.recordSize.median']);
  });
});

describe('excerpt', () => {
  it('quotes short text whole and escaped', () => {
    expect(excerpt('a\tb')).toBe('"a\\tb"');
  });

  it(`cuts at ${EXCERPT_CHARS} characters and says how long the text was`, () => {
    // 45 characters: the first 40 are quoted.
    const text = `${'x'.repeat(39)}é${'y'.repeat(5)}`;
    expect(excerpt(text)).toBe(`"${'x'.repeat(39)}é"… (45 characters)`);
  });
});
