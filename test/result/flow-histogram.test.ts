/**
 * FlowHistogram: the engine's latency histograms (issue 8, points 8 and 11). Fractional flow
 * counts gathered in bounded HDR buckets, rounded to whole counts once, with the exact minimum and
 * maximum beside them. Checked against an independent brute force (a LatencyRecorder fed the exact
 * values), by hand, and on the scenario that crashed the Map it replaced.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketLowestUs, FlowHistogram } from '../../src/result/flow-histogram.js';
import {
  decodeHistogram,
  HISTOGRAM_HIGHEST_US,
  LatencyRecorder,
  maxSeconds,
  percentileSeconds,
} from '../../src/result/histogram.js';
import { parseResult } from '../../src/result/io.js';
import { run } from '../helpers/fake-io.js';

describe('FlowHistogram buckets', () => {
  it('places a value in the bucket the HDR histogram counts it in (brute force over every boundary)', () => {
    // HDR with 3 significant digits: exact below 2,048 µs, then 1,024 sub-buckets per power of
    // two. For every power of two and its neighbours up to 7 days, a real HDR histogram holding the
    // value encodes exactly as one holding the bucket's lowest value, and differently from one
    // holding the value just below that (the previous bucket).
    const encodedAt = (us: number) => {
      const recorder = new LatencyRecorder();
      recorder.record(us / 1e6);
      return decodeHistogram(recorder.encode()).getValueAtPercentile(50);
    };
    for (let e = 0; e < 40; e++) {
      for (const us of [2 ** e - 1, 2 ** e, 2 ** e + 1, 3 * 2 ** e - 1, 3 * 2 ** e]) {
        if (us < 1 || us > HISTOGRAM_HIGHEST_US) continue;
        const i = bucketIndex(us);
        const lowest = bucketLowestUs(i);
        expect(lowest).toBeLessThanOrEqual(us);
        expect(encodedAt(lowest)).toBe(encodedAt(us));
        if (lowest > 0) expect(encodedAt(lowest - 1)).not.toBe(encodedAt(us));
        expect(bucketIndex(lowest)).toBe(i);
        if (lowest > 0) expect(bucketIndex(lowest - 1)).toBe(i - 1);
      }
    }
    // By hand: 1,000,000 µs lies in [2^19, 2^20) = [524,288, 1,048,576), where a bucket is
    // 2^(19−10) = 512 µs wide: 1,000,000 = 1953 × 512 + 64, so its bucket starts at 999,936.
    expect(bucketLowestUs(bucketIndex(1_000_000))).toBe(999_936);
    // The 7-day ceiling: 6.048e11 in [2^39, 2^40), buckets 2^29 wide, index 29 × 1024 + 1126.
    expect(bucketIndex(HISTOGRAM_HIGHEST_US)).toBe(29 * 1024 + Math.floor(HISTOGRAM_HIGHEST_US / 2 ** 29));
  });

  it('encodes whole counts exactly as a LatencyRecorder fed the exact values does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000_000 }), fc.integer({ min: 1, max: 5 })), {
          minLength: 1,
          maxLength: 200,
        }),
        (points) => {
          const flow = new FlowHistogram();
          const exact = new LatencyRecorder();
          for (const [us, count] of points) {
            flow.record(us / 1e6, count);
            exact.record(us / 1e6, count);
          }
          expect(flow.encode()).toEqual(exact.encode());
        },
      ),
    );
  });

  it('rounds fractional counts once, in value order: the total is the rounded flow total', () => {
    const flow = new FlowHistogram();
    // 0.3 + 0.3 + 0.3 + 0.3 records at 1, 2, 3, 4 ms: running totals 0.3, 0.6, 0.9, 1.2 round to
    // 0, 1, 1, 1, so one record lands at 2 ms (the bucket where the total passed 0.5).
    for (const ms of [1, 2, 3, 4]) flow.record(ms / 1000, 0.3);
    const e = flow.encode();
    expect(e.count).toBe(1);
    expect(percentileSeconds(e, 50)).toBeCloseTo(0.002, 9);
    // …while the exact extremes are those of every value the flow carried: 1 ms and 4 ms.
    expect(e.minUs).toBe(1000);
    expect(e.maxUs).toBe(4000);
  });

  it('keeps memory bounded: more distinct latencies than a Map can hold fill at most 31,745 buckets', () => {
    // 2^24 + 1 distinct microsecond values (the Map's limit is 2^24 entries): values 0 … 2^24 µs
    // fall into 2,048 exact buckets and then 1,024 per power of two from 2^11 to 2^23, and one for
    // 2^24: 2,048 + 13 × 1,024 + 1 = 15,361 buckets.
    const flow = new FlowHistogram();
    const n = 2 ** 24 + 1;
    for (let us = 0; us < n; us++) flow.record(us / 1e6, 0.25);
    expect(flow.bucketsUsed).toBe(2048 + 13 * 1024 + 1);
    const e = flow.encode();
    // The total: 0.25 × (2^24 + 1) = 4,194,304.25 → 4,194,304 records.
    expect(e.count).toBe(4_194_304);
    expect(e.maxUs).toBe(2 ** 24);
    expect(e.minUs).toBe(0);
    // The median of a uniform spread over [0, 16.78 s] is 8.39 s, within HDR's 1/1024.
    expect(percentileSeconds(e, 50)).toBeGreaterThan(2 ** 23 / 1e6 - 2 ** 13 / 1e6);
    expect(percentileSeconds(e, 50)).toBeLessThan(2 ** 23 / 1e6 + 2 ** 13 / 1e6);
  }, 60_000);

  it('counts values past 7 days as clamped and keeps their exact maximum', () => {
    const flow = new FlowHistogram();
    flow.record(10, 2);
    flow.record(8 * 86_400, 1);
    const e = flow.encode();
    expect(e.count).toBe(3);
    expect(e.clamped).toBe(1);
    expect(maxSeconds(e)).toBe(8 * 86_400);
  });

  it('extend widens the exact extremes to a spread’s real top, shown once something is recorded', () => {
    const empty = new FlowHistogram();
    empty.extend(1, 61);
    expect(empty.encode().count).toBe(0);
    expect(empty.encode().maxUs).toBe(0);
    const flow = new FlowHistogram();
    // A 60 s flush of 64 records: the slice midpoints top out at 60 × 63.5/64 + 1 = 60.53125 s,
    // the first record in waited the full 60 s: 61 s.
    for (let i = 0; i < 64; i++) flow.record((60 * (i + 0.5)) / 64 + 1, 1);
    expect(maxSeconds(flow.encode())).toBe(60.53125);
    flow.extend(1, 61);
    const e = flow.encode();
    expect(maxSeconds(e)).toBe(61);
    expect(e.minUs).toBe(1_000_000);
  });
});

/**
 * The run that crashed: 1 hour, 2 shards, two producers with 10 attempts each (every attempt
 * class admits records, each with its own 52 put-latency points per producer), and 12 enhanced
 * fan-out applications processing at 12 rates, each lagging at its own pace. Every consumer
 * second recorded ~1,000 distinct end-to-end latencies (the points shifted by the application's
 * mean backlog age): 12 × 3,600 × ~1,000 > 2^24 Map entries, `RangeError: Map maximum size
 * exceeded`, exit 70.
 */
const CRASH = `name: crash-flow-histogram
duration: 1h
seed: 7
stream: { mode: provisioned, shards: 2 }
producers:
  - name: app
    instances: 4
    rate: 1800/s
    recordSize: 700B
    keys: { dist: uniform, count: 10000 }
    retry: { maxAttempts: 10 }
  - name: batch
    instances: 2
    rate: 300/s
    recordSize: 2KiB
    keys: { dist: uniform, count: 1000 }
    batching: { maxRecords: 100, linger: 1s }
    retry: { maxAttempts: 10 }
consumers:
${[1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 1950, 1990]
  .map((rate, i) => `  - { name: c${i + 1}, type: enhanced-fan-out, processingRate: ${rate}/s }`)
  .join('\n')}
`;

describe('the 12-application run that crashed with RangeError: Map maximum size exceeded', () => {
  it('now exits without an internal error and writes a result with lagging applications', async () => {
    const out = '/tmp/shardcast-flow-histogram-test';
    const r = await run(['run', 'crash.yaml', '--out', out], { 'crash.yaml': CRASH });
    expect(r.stderr).not.toContain('RangeError');
    expect(r.code).toBe(0);
    const result = parseResult(r.io.written.get(join(out, 'result.json'))!, 'result.json');
    // c1 processes 1,000 records/s of ~2,000 acknowledged: after an hour it is far behind.
    expect(result.metrics['consumers.c1.lagSeconds.max']).toBeGreaterThan(600);
    expect(result.histograms.e2eLatency.count).toBeGreaterThan(0);
    // End-to-end latencies never exceed the run by more than a put latency (25 s at most here).
    expect(result.metrics['e2eLatency.max']).toBeLessThan(3600 + 60);
  }, 300_000);
});
