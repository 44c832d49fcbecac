/**
 * Consumer lag growth from every read cap (docs/aws-facts.md, KDS 1 and 3), per shard, at the count the
 * run uses (configured) and at the recommended count. What a reader takes from a shard each second
 * is the least of: its share of the shard's 2 MiB/s read bytes ÷ bytes per record, its GetRecords
 * calls/s (a max-min fair share of 5) × records a call (≤ 10,000), and the application's processing
 * rate. The lag grows by what the shards receive beyond that.
 *
 * Records here are 1 KiB of data with a 36-byte key: 1,060 B written each. Unique keys spread the
 * records evenly, so every shard gets rate ÷ shards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metric, planOf, shardOf, warningsOf } from './helpers.js';

const MiB = 1024 * 1024;

const scenario = (shards: number, rate: string, consumers: string) => `
name: lag
stream: { shards: ${shards} }
producers:
  - { name: p, rate: ${rate}, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
consumers:
${consumers}
`;

describe('lag growth from the shared 2 MiB/s read bytes', () => {
  // Three polling readers, 3,000 records/s on 4 configured shards: 750 records/s and
  // 750 × 1,060 = 795,000 B/s a shard. Each reader gets 2,097,152 ÷ 3 = 699,050.67 B/s, i.e.
  // 699,050.67 ÷ 1,060 = 659.48 records/s: short by 750 − 659.48 = 90.52 records/s on each of
  // the 4 shards, 362.07 records/s in all.
  const plan = planOf(
    scenario(4, '3000/s', ['a', 'b', 'c'].map((n) => `  - { name: ${n}, type: polling }`).join('\n')),
  );
  const a = plan.fanOut.consumers.find((c) => c.name === 'a')!;
  const expected = 4 * (750 - (2 * MiB) / 3 / 1060);

  it('grows on every shard at the configured count', () => {
    expect(expected).toBeCloseTo(362.07, 2);
    expect(a.lag.shardCount).toBe(4);
    expect(a.lag.countIs).toBe('configured');
    expect(a.lagGrowthRecordsPerSecond).toBeCloseTo(expected, 6);
    expect(metric(plan, 'consumers.a.lagGrowthRecordsPerSecond')).toBeCloseTo(expected, 6);
    expect(a.lag.binding).toBe('readBytes');
    expect(a.lag.shardsBehind).toBe(4);
  });

  it('keeps up at the recommended count, and says which is which', () => {
    // Reads need 3 × 3,180,000 × 1.2 ÷ 2,097,152 = 5.46 → 6 shards: 530,000 B/s a shard < 699,050.67.
    expect(plan.shards.recommended).toBe(6);
    expect(a.lagAtRecommended!.shardCount).toBe(6);
    expect(a.lagAtRecommended!.recordsPerSecond).toBe(0);
    expect(metric(plan, 'consumers.a.atRecommended.lagGrowthRecordsPerSecond')).toBe(0);
    expect(a.recommendation).toContain('at 4 shards (configured)');
    expect(a.recommendation).toContain('more shards');
    expect(a.recommendation).toContain('at the recommended 6 shards it keeps up');
    expect(warningsOf(plan).some((w) => w.startsWith('a:') && w.includes('lag grows by 362'))).toBe(true);
  });

  it('shows both counts in the terminal and the HTML plan', async () => {
    const { renderPlan } = await import('../../src/cli/render-plan.js');
    const { renderReport } = await import('../../src/report/html.js');
    const cell = '362 records/s at 4 (configured), — at 6 (recommended)';
    expect(renderPlan(plan)).toContain(cell);
    expect(
      renderReport({ generatedAt: '2026-12-06T00:00:00.000Z', shardcastVersion: '0.1.0', plan }, []),
    ).toContain(cell);
  });
});

describe('lag growth from the records a GetRecords call returns', () => {
  // One reader, Limit 100, a call a second: 100 records/s a shard. 1,000 records/s on 4 shards is
  // 250 a shard: short by 150 on each, 600 records/s. Writes alone need 1,060,000 × 1.2 ÷ 1,048,576
  // = 1.21 → 2 shards, but the recommended count keeps the reader up too: 1,000 × 1.2 ÷ 100 = 12
  // shards (83.3 records/s a shard), where nothing is short.
  const plan = planOf(scenario(4, '1000/s', '  - { name: r, type: polling, maxRecordsPerCall: 100 }'));
  const r = plan.fanOut.consumers[0]!;

  it('is calls × records a call short of each shard', () => {
    expect(r.readRecordsPerSecondPerShard).toBe(100);
    expect(r.lagGrowthRecordsPerSecond).toBeCloseTo(600, 9);
    expect(r.lag.binding).toBe('recordsPerCall');
    expect(plan.shards.recommended).toBe(12);
    expect(plan.shards.binding).toBe('read');
    expect(r.lagAtRecommended!.recordsPerSecond).toBe(0);
    expect(metric(plan, 'consumers.r.atRecommended.lagGrowthRecordsPerSecond')).toBe(0);
    expect(r.recommendation).toContain('a larger maxRecordsPerCall');
  });

  it('counts the hottest shard, not the average one', () => {
    // Keys a (70%, hash 0 → shard 0) and b (30%, hash 2^127 → shard 1) on 2 shards, 1,000 records/s,
    // Limit 500: shard 0 gets 700 and falls 200 short; shard 1 gets 300 and keeps up. The average
    // shard (500) would say nothing is lost.
    const hot = planOf(`
name: hot-lag
stream: { shards: 2 }
producers:
  - name: p
    rate: 1000/s
    recordSize: 1KiB
    keys:
      dist: weighted
      keys:
        - { key: a, weight: 0.7, explicitHashKey: "0" }
        - { key: b, weight: 0.3, explicitHashKey: "170141183460469231731687303715884105728" }
consumers:
  - { name: r, type: polling, maxRecordsPerCall: 500 }
`);
    const c = hot.fanOut.consumers[0]!;
    expect(c.lagGrowthRecordsPerSecond).toBeCloseTo(200, 9);
    expect(c.lag.shardsBehind).toBe(1);
    expect(c.recommendation).toContain('on 1 of 2 shards');
  });
});

describe('lag growth with KPL aggregation', () => {
  it('counts a call’s 10 Kinesis records as the user records they carry', () => {
    // 10,000 records/s of 100 B from 2 processes on 2 shards, linger 100 ms: an aggregate holds
    // 10,000 × 0.1 ÷ (2 × 2) = 250 user records (~26 KB, under 51,200 B). Each shard gets 5,000
    // user records/s in 20 aggregates; one call a second with Limit 10 returns 10 aggregates,
    // 2,500 user records: 2,500 short on each shard, 5,000 records/s.
    const plan = planOf(`
name: lag-kpl
stream: { shards: 2 }
producers:
  - name: p
    instances: 2
    rate: 10000/s
    recordSize: 100B
    aggregation: true
    batching: { linger: 100ms }
    keys: { dist: unique, length: 36 }
consumers:
  - { name: r, type: polling, maxRecordsPerCall: 10 }
`);
    expect(plan.traffic.producers[0]!.aggregation.userRecordsPerKinesisRecord).toBeCloseTo(250, 9);
    const r = plan.fanOut.consumers[0]!;
    expect(r.lagGrowthRecordsPerSecond).toBeCloseTo(5000, 6);
    expect(r.lag.binding).toBe('recordsPerCall');
  });
});

describe('lag growth from the 5 GetRecords calls/s a shard shares', () => {
  // Two readers each asking for 10 calls/s (every 100 ms), Limit 100. Alone each would read
  // 10 × 100 = 1,000 records/s a shard; sharing 5 calls/s they get 2.5 each: 250 records/s.
  // 1,600 records/s on 4 shards is 400 a shard: 150 short on each, 600 records/s. Writes alone need
  // 1,696,000 × 1.2 ÷ 1,048,576 = 1.94 → 2 shards (read bytes: 2 × 1,696,000 × 1.2 ÷ 2 MiB = 1.94),
  // but a shard must not carry more than the 250 records/s each reader gets: 1,600 × 1.2 ÷ 250 =
  // 7.68 → 8 shards (200 a shard), where nothing is short. More shards do not raise the call rate,
  // but they lower what each shard must deliver.
  const plan = planOf(
    scenario(
      4,
      '1600/s',
      ['f1', 'f2']
        .map((n) => `  - { name: ${n}, type: polling, pollInterval: 100ms, maxRecordsPerCall: 100 }`)
        .join('\n'),
    ),
  );
  const f = plan.fanOut.consumers[0]!;

  it('binds on the call rate, which more shards do not raise', () => {
    expect(f.effectivePollIntervalSeconds).toBeCloseTo(0.4, 12);
    expect(f.readRecordsPerSecondPerShard).toBeCloseTo(250, 9);
    expect(f.lagGrowthRecordsPerSecond).toBeCloseTo(600, 9);
    expect(f.lag.binding).toBe('getRecordsCalls');
    expect(f.lag.byCap.recordsPerCall).toBe(0);
    expect(plan.shards.recommended).toBe(8);
    expect(f.lagAtRecommended!.recordsPerSecond).toBe(0);
    expect(f.recommendation).toContain('more shards (each carries fewer records;');
  });
});

describe('lag growth from the processing rate', () => {
  it('is the whole stream less what the instances process, at any count', () => {
    // 2 instances × 500 = 1,000 records/s of 3,000: 2,000 records/s, at 4 shards and at 6.
    const plan = planOf(
      scenario(
        4,
        '3000/s',
        '  - { name: slow, type: enhanced-fan-out, instances: 2, processingRate: 500/s }',
      ),
    );
    const slow = plan.fanOut.consumers[0]!;
    expect(slow.lagGrowthRecordsPerSecond).toBe(2000);
    expect(slow.lagAtRecommended!.recordsPerSecond).toBe(2000);
    expect(slow.lag.binding).toBe('processing');
    expect(slow.lag.shardsBehind).toBe(4);
    expect(slow.recommendation).toContain('add instances');
  });
});

describe('a reader calling every 200 s beside one calling every 100 ms', () => {
  // Wanted 10 + 0.005 = 10.005 calls/s > 5. Max-min fair: the slow reader keeps its 0.005 (one call
  // per 200 s), the fast one gets 4.995 (every 200.2 ms). Scaling both by 5 ÷ 10.005 put the slow
  // one at every 400.2 s ("6.67 min") though it barely competes.
  const plan = planOf(
    scenario(
      2,
      '100/s',
      `  - { name: fast, type: polling, pollInterval: 100ms }
  - { name: slow, type: polling, pollInterval: 200 }`,
    ),
  );
  const fast = plan.fanOut.consumers.find((c) => c.name === 'fast')!;
  const slow = plan.fanOut.consumers.find((c) => c.name === 'slow')!;

  it('leaves the slow reader its interval and delays only the fast one', () => {
    expect(slow.effectivePollIntervalSeconds).toBeCloseTo(200, 9);
    expect(fast.effectivePollIntervalSeconds).toBeCloseTo(1 / 4.995, 12);
    expect(slow.recommendation).not.toContain('GetRecords calls exceed');
    expect(fast.recommendation).toContain('GetRecords calls exceed 5/s per shard');
    // Propagation: max(0.2 × 2 readers, half the interval): 100 s for the slow one, 0.4 s for the fast.
    expect(slow.propagationDelaySeconds).toBeCloseTo(100, 9);
    expect(fast.propagationDelaySeconds).toBeCloseTo(0.4, 12);
    // The warning names the one reader slowed, and not the slow one.
    const warning = warningsOf(plan).find((w) => w.includes('GetRecords calls/s per shard'))!;
    expect(warning).toContain('fast polls every 200 ms instead of 100 ms');
    expect(warning).not.toContain('slow polls');
  });
});

describe('lag growth on a short stream', () => {
  it('counts what the shards take in, not what producers offer', () => {
    // 1 configured shard offered 2,048 records/s of 1,060 B: ρ = max(2,048 ÷ 1,000,
    // 2,170,880 ÷ 1,048,576) = 2.0703, so it takes in 2,048 ÷ 2.0703 = 1,048,576 ÷ 1,060 =
    // 989.22 records/s (the rest is throttled). An application processing 500/s falls behind by
    // 489.22 records/s, not 1,548; its 2 MiB/s enhanced fan-out pipe is never short.
    const plan = planOf(
      scenario(1, '2048/s', '  - { name: app, type: enhanced-fan-out, processingRate: 500/s }'),
    );
    const app = plan.fanOut.consumers[0]!;
    expect(app.lagGrowthRecordsPerSecond).toBeCloseTo(MiB / 1060 - 500, 6);
    expect(app.lag.byCap.readBytes).toBe(0);
  });
});

describe('lag growth against a brute force over every shard (property)', () => {
  // Independent of src/: keys placed with the test oracle (shardOf), every shard's reads worked out
  // one by one, the 5 calls/s shared by finding the level λ with Σ min(wanted, λ) = min(5, Σ wanted)
  // by bisection. Records of 1,000 B with 2-byte keys ("k0" … "k7"): 1,002 B written each.
  const pollIntervals = [0.1, 0.2, 0.25, 0.5, 1, 2, 200];
  const consumerArb = fc.record({
    polling: fc.boolean(),
    interval: fc.constantFrom(...pollIntervals),
    perCall: fc.integer({ min: 10, max: 10_000 }),
    processing: fc.option(fc.integer({ min: 50, max: 5000 }), { nil: undefined }),
  });
  const caseArb = fc.record({
    shards: fc.integer({ min: 1, max: 12 }),
    rate: fc.integer({ min: 100, max: 6000 }),
    keys: fc.array(
      fc.record({
        weight: fc.integer({ min: 1, max: 100 }),
        hash: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    consumers: fc.array(consumerArb, { minLength: 1, maxLength: 5 }),
  });

  function callLevels(wanted: number[], limit: number): number[] {
    const total = wanted.reduce((a, w) => a + w, 0);
    if (total <= limit) return wanted;
    let lo = 0;
    let hi = Math.max(...wanted);
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (wanted.reduce((a, w) => a + Math.min(w, mid), 0) > limit) hi = mid;
      else lo = mid;
    }
    return wanted.map((w) => Math.min(w, lo));
  }

  it('equals the sum over shards of what each shard’s reads fall short by, or what processing leaves', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const yaml = `
name: lag-property
stream: { shards: ${c.shards} }
producers:
  - name: p
    rate: ${c.rate}/s
    recordSize: 1000B
    keys:
      dist: weighted
      keys: [${c.keys.map((k, i) => `{ key: k${i}, weight: ${k.weight}, explicitHashKey: "${k.hash}" }`).join(', ')}]
consumers:
${c.consumers
  .map(
    (x, i) =>
      `  - { name: c${i}, type: ${x.polling ? `polling, pollInterval: ${x.interval}, maxRecordsPerCall: ${x.perCall}` : 'enhanced-fan-out'}${x.processing === undefined ? '' : `, processingRate: ${x.processing}/s`} }`,
  )
  .join('\n')}
`;
        const plan = planOf(yaml);
        const weights = c.keys.reduce((a, k) => a + k.weight, 0);
        const offered = new Array<number>(c.shards).fill(0);
        for (const k of c.keys) offered[shardOf(k.hash, c.shards)]! += (c.rate * k.weight) / weights;
        // What each shard takes in: at most 1,000 records/s and 1 MiB/s.
        const taken = offered.map((r) => r / Math.max(1, r / 1000, (r * 1002) / MiB));
        const polling = c.consumers.filter((x) => x.polling);
        const calls = callLevels(
          polling.map((x) => 1 / x.interval),
          5,
        );
        c.consumers.forEach((x, i) => {
          const share = x.polling ? (2 * MiB) / polling.length : 2 * MiB;
          const perSecond = x.polling ? calls[polling.indexOf(x)]! * x.perCall : Number.POSITIVE_INFINITY;
          let short = 0;
          for (const a of taken) short += Math.max(0, a - Math.min(share / 1002, perSecond));
          const total = taken.reduce((s, a) => s + a, 0);
          const expected = Math.max(short, x.processing === undefined ? 0 : total - x.processing);
          const got = plan.fanOut.consumers.find((k) => k.name === `c${i}`)!.lagGrowthRecordsPerSecond;
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('figures at the count the run has at its peak', () => {
  it('follow the reshard events that complete before the peak', () => {
    // 2 shards configured; reshards to 4 at 1 min (2 splits: 60 s, done at 2 min) and to 8 at 5 min
    // (4 splits: 120 s, done at 7 min); the rate ramps to its 4,000/s peak at 20 min. At the peak
    // the run has 8 shards, not 2: unique keys put 500 records/s on each, and a reader taking at most
    // 100 records a call, once a second, falls 400 short on each: 8 × 400 = 3,200 records/s.
    const plan = planOf(`
name: peak-count
duration: 30m
stream: { shards: 2 }
producers:
  - name: p
    rate: { profile: ramp, from: 1000/s, to: 4000/s, start: 10m, over: 10m }
    recordSize: 500B
    keys: { dist: unique, length: 36 }
consumers:
  - { name: r, type: polling, maxRecordsPerCall: 100 }
events:
  - { at: 1m, reshard: { shards: 4 } }
  - { at: 5m, reshard: { shards: 8 } }
`);
    const r = plan.fanOut.consumers[0]!;
    expect(r.lag.shardCount).toBe(8);
    expect(r.lag.countIs).toBe('after reshards');
    expect(r.lagGrowthRecordsPerSecond).toBeCloseTo(3200, 6);
    expect(r.recommendation).toContain('at 8 shards (after reshards)');
  });
});
