/**
 * Fan-out (docs/aws-facts.md, KDS 1 and 3): polling readers share 2 MiB/s and 5 GetRecords calls/s per
 * shard; propagation averages ~200 ms with one polling reader and ~1 s with five (the model: a line
 * through both, 0.2 s × readers, never below half the poll interval); enhanced fan-out gets a
 * dedicated 2 MiB/s per consumer per shard at ~70 ms and costs $0.015 per consumer-shard-hour plus
 * $0.013 per GB (GB = 2^30 bytes, 730-hour month) when provisioned.
 */
import { describe, expect, it } from 'vitest';
import { pollingPropagationSeconds } from '../../src/planner/fan-out.js';
import { GB, MONTH_SECONDS, metric, planOf, warningsOf } from './helpers.js';

const stream = (consumers: string, rate = '1000/s', recordSize = '1KiB') => `
name: fan-out
stream: { shards: 4 }
producers:
  - { name: p, rate: ${rate}, recordSize: ${recordSize}, keys: { dist: unique, length: 36 } }
consumers:
${consumers}
`;

describe('polling readers', () => {
  const plan = planOf(
    stream(
      ['a', 'b', 'c', 'd', 'e'].map((n) => `  - { name: ${n}, type: polling, pollInterval: 1s }`).join('\n'),
    ),
  );

  it('share 2 MiB/s per shard: five applications get 419,430.4 B/s each', () => {
    // 2,097,152 ÷ 5 = 419,430.4 B/s.
    expect(plan.fanOut.consumers.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const c of plan.fanOut.consumers) expect(c.readBytesPerSecondPerShard).toBeCloseTo(419_430.4, 6);
    expect(metric(plan, 'consumers.a.readBytesPerSecond')).toBeCloseTo(419_430.4, 6);
  });

  it('see records ~1 s late with five readers (0.2 s × 5)', () => {
    // max(0.2 × 5, 1 s ÷ 2) = 1.0 s.
    for (const c of plan.fanOut.consumers) expect(c.propagationDelaySeconds).toBeCloseTo(1, 12);
    expect(metric(plan, 'consumers.e.propagationDelaySeconds')).toBeCloseTo(1, 12);
  });

  it('need the hottest shard’s write bytes with headroom', () => {
    // 5 readers × 1,060,000 × 1.2 ÷ 2,097,152 = 3.03 → 4 shards; each 265,000 B/s × 1.2 = 318,000.
    expect(plan.shards.recommended).toBe(4);
    for (const c of plan.fanOut.consumers) expect(c.demandBytesPerSecondPerShard).toBeCloseTo(318_000, 6);
    // floor(2,097,152 ÷ 318,000) = floor(6.59) = 6 polling readers fit a shard at 4 shards.
    expect(plan.fanOut.pollingAppsBeforeReadBinds).toBe(6);
    // A sixth: 6 × 1,272,000 ÷ 2,097,152 = 3.64 → still 4 shards, so it costs nothing more.
    expect(plan.fanOut.extraPollingAppMonthlyCost).toBe(0);
  });

  it('cost nothing extra when provisioned; on demand they pay per GB read', () => {
    // GB read a month: 1,060,000 B/s × 2,628,000 s ÷ 2^30 = 2,594.37 GB; × $0.04 and × $0.016.
    const gb = (1_060_000 * MONTH_SECONDS) / GB;
    expect(plan.fanOut.consumers).toHaveLength(5);
    for (const c of plan.fanOut.consumers) {
      expect(c.monthlyCost.provisioned).toBe(0);
      expect(c.monthlyCost.onDemand).toBeCloseTo(gb * 0.04, 9);
      expect(c.monthlyCost.onDemandAdvantage).toBeCloseTo(gb * 0.016, 9);
      expect(c.lagGrowthRecordsPerSecond).toBe(0);
    }
  });
});

describe('propagation delay of polling readers', () => {
  it('is 0.2 s per reader, and at least half the poll interval', () => {
    // One reader polling every second waits 0.5 s on average for the next call: max(0.2, 0.5).
    expect(pollingPropagationSeconds(1, 1)).toBeCloseTo(0.5, 12);
    // Polling every 200 ms: max(0.2, 0.1) = 0.2.
    expect(pollingPropagationSeconds(1, 0.2)).toBeCloseTo(0.2, 12);
    // Two at 1 s: max(0.4, 0.5) = 0.5; three: max(0.6, 0.5) = 0.6; five: 1.0.
    expect(pollingPropagationSeconds(2, 1)).toBeCloseTo(0.5, 12);
    expect(pollingPropagationSeconds(3, 1)).toBeCloseTo(0.6, 12);
    expect(pollingPropagationSeconds(5, 0.2)).toBeCloseTo(1, 12);
  });

  it('slows the polls of the reader that wants more than its share of 5 calls/s per shard', () => {
    const plan = planOf(
      stream(`  - { name: a, type: polling, pollInterval: 1s }
  - { name: b, type: polling, pollInterval: 1s }
  - { name: fast, type: polling, pollInterval: 250ms }`),
    );
    // 1 + 1 + 4 = 6 calls/s; only 5 are served, a max-min fair share: an equal share is 5/3, a and b
    // want 1 each and get it, fast gets the 3 left: 1 s stays 1 s, 250 ms → 333 ms.
    // Delay: max(0.2 × 3, 1/2) = 0.6; max(0.6, 0.167) = 0.6.
    expect(plan.fanOut.consumers).toHaveLength(3);
    const [a, , fast] = plan.fanOut.consumers;
    expect(a!.effectivePollIntervalSeconds).toBeCloseTo(1, 12);
    expect(fast!.effectivePollIntervalSeconds).toBeCloseTo(1 / 3, 12);
    for (const c of plan.fanOut.consumers) expect(c.propagationDelaySeconds).toBeCloseTo(0.6, 12);
    expect(fast!.recommendation).toContain('GetRecords calls exceed 5/s per shard');
    expect(a!.recommendation).not.toContain('GetRecords calls exceed');
  });

  it('counts a Firehose stream reading the stream as one more polling reader (1 call/s)', () => {
    const plan = planOf(`${stream('  - { name: a, type: polling, pollInterval: 1s }')}
firehose:
  - { name: archive, source: stream }
`);
    // Two polling readers: 2 MiB/s ÷ 2 = 1,048,576 B/s each; delay max(0.4, 0.5) = 0.5 s.
    const a = plan.fanOut.consumers.find((c) => c.name === 'a')!;
    const f = plan.fanOut.consumers.find((c) => c.name === 'firehose:archive')!;
    expect(a.readBytesPerSecondPerShard).toBe(1_048_576);
    expect(f.type).toBe('firehose');
    expect(f.readBytesPerSecondPerShard).toBe(1_048_576);
    expect(f.effectivePollIntervalSeconds).toBe(1);
    expect(a.propagationDelaySeconds).toBeCloseTo(0.5, 12);
    // Firehose readers have no consumers.<name> metrics.
    expect(plan.metrics['consumers.firehose:archive.readBytesPerSecond']).toBeUndefined();
  });
});

describe('enhanced fan-out', () => {
  // 1,000 records/s of 988 B + a 36-byte key: 1,024,000 B/s. Shards: 1,228,800 ÷ 1,048,576 = 1.17 → 2.
  const plan = planOf(
    stream(
      `  - { name: efo, type: enhanced-fan-out }
  - { name: poll, type: polling }`,
      '1000/s',
      '988B',
    ),
  );
  const efo = plan.fanOut.consumers.find((c) => c.name === 'efo')!;

  it('gets a dedicated 2 MiB/s per shard and ~70 ms propagation', () => {
    expect(efo.readBytesPerSecondPerShard).toBe(2 * 1024 * 1024);
    expect(efo.propagationDelaySeconds).toBe(0.07);
    expect(efo.effectivePollIntervalSeconds).toBeNull();
    expect(metric(plan, 'consumers.efo.propagationDelaySeconds')).toBe(0.07);
    // The polling reader is alone on the shared pipe: 2 MiB/s, max(0.2, 0.5) = 0.5 s.
    expect(metric(plan, 'consumers.poll.readBytesPerSecond')).toBe(2 * 1024 * 1024);
    expect(metric(plan, 'consumers.poll.propagationDelaySeconds')).toBeCloseTo(0.5, 12);
  });

  it('costs shards × 730 h × $0.015 + GB × $0.013 a month when provisioned', () => {
    expect(plan.shards.recommended).toBe(2);
    // 2 × 730 × 0.015 = $21.90; 1,024,000 × 2,628,000 ÷ 2^30 = 2,506.26 GB × 0.013 = $32.58; total $54.48.
    const gb = (1_024_000 * MONTH_SECONDS) / GB;
    const monthly = 2 * 730 * 0.015 + gb * 0.013;
    expect(monthly).toBeCloseTo(54.4813, 4);
    expect(efo.monthlyCost.provisioned).toBeCloseTo(monthly, 9);
    expect(plan.fanOut.efoConsumerMonthlyCost).toBeCloseTo(monthly, 9);
    expect(metric(plan, 'consumers.efo.monthlyCost')).toBeCloseTo(monthly, 9);
    // On demand: $0.05/GB (Standard), $0.016/GB (Advantage), no consumer-shard-hours.
    expect(efo.monthlyCost.onDemand).toBeCloseTo(gb * 0.05, 9);
    expect(efo.monthlyCost.onDemandAdvantage).toBeCloseTo(gb * 0.016, 9);
  });

  it('points out that polling would fit when there is room on the shared pipe', () => {
    // One polling reader now; a second would get 1 MiB/s ≥ 512,000 × 1.2 = 614,400 B/s needed.
    expect(efo.recommendation).toContain('polling would fit (2 readers)');
  });
});

describe('what one more polling application costs', () => {
  it('is the shards its reads add', () => {
    const plan = planOf(
      stream(['a', 'b', 'c'].map((n) => `  - { name: ${n}, type: polling }`).join('\n'), '1000/s', '1KiB'),
    );
    // 3 readers × 1,272,000 ÷ 2,097,152 = 1.82 → 2 shards (writes also 2).
    expect(plan.shards.recommended).toBe(2);
    // At 2 shards: 636,000 B/s per shard; floor(2,097,152 ÷ 636,000) = 3 readers fit.
    expect(plan.fanOut.pollingAppsBeforeReadBinds).toBe(3);
    // A fourth: 4 × 1,272,000 ÷ 2,097,152 = 2.43 → 3 shards: one more, 730 × $0.015 = $10.95.
    expect(plan.fanOut.extraPollingAppMonthlyCost).toBeCloseTo(10.95, 9);
    // EFO instead: 2 × 730 × 0.015 + 2,594.37 GB × 0.013 = 21.90 + 33.73 = $55.63.
    expect(plan.fanOut.efoConsumerMonthlyCost).toBeCloseTo(
      21.9 + ((1_060_000 * MONTH_SECONDS) / GB) * 0.013,
      9,
    );
    // The text writes money as everywhere else (formatUsd): below $100 in cents, "$10.95".
    expect(plan.fanOut.crossover).toContain(
      'One more polling application would need 1 more shard ($10.95/month)',
    );
  });
});

describe('consumer lag', () => {
  it('grows by what the instances cannot process', () => {
    const plan = planOf(
      stream('  - { name: slow, type: polling, instances: 2, processingRate: 500/s }', '3000/s', '1KiB'),
    );
    const slow = plan.fanOut.consumers[0]!;
    // 2 instances × 500 = 1,000 records/s of the 3,000 written: lag grows by 2,000 records/s.
    expect(slow.processingRecordsPerSecond).toBe(1000);
    expect(slow.lagGrowthRecordsPerSecond).toBe(2000);
    expect(metric(plan, 'consumers.slow.lagGrowthRecordsPerSecond')).toBe(2000);
    expect(
      warningsOf(plan).some((w) => w.startsWith('slow:') && w.includes('lag grows by 2,000 records')),
    ).toBe(true);
  });

  it('reads no more than a shard can be written: the demand is capped at 1 MiB/s', () => {
    const plan = planOf(`
name: capped
stream: { shards: 3 }
producers:
  - name: p
    rate: 2000/s
    recordSize: 1KiB
    keys: { dist: weighted, keys: [{ key: a, weight: 0.6, explicitHashKey: "0" }, { key: b, weight: 0.4 }] }
consumers:
  - { name: r, type: polling }
`);
    // Key a alone writes 1,200 × 1,025 = 1,230,000 B/s to one shard; × 1.2 = 1,476,000 > 1,048,576.
    expect(plan.fanOut.consumers[0]!.demandBytesPerSecondPerShard).toBe(1_048_576);
  });
});

describe('polling readers on a hot shard', () => {
  // a: 70% of 1,000 records/s at hash 0 (shard 0 of 2), b: 30% at a half (shard 1); records of
  // 1,024 + 1 = 1,025 B. Required 2 (1,000 × 1.2 ÷ 1,000 = 1.2 → 2), and shard 0's 700/s × 1.2 =
  // 840 ≤ 1,000 fits, so 2 are recommended.
  const plan = planOf(`
name: hot-read
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
  - { name: r, type: polling }
`);

  it('are counted against the hottest shard, not the average one', () => {
    expect(plan.shards.recommended).toBe(2);
    // Shard 0 writes 700 × 1,025 = 717,500 B/s, × 1.2 = 861,000 B/s: floor(2,097,152 ÷ 861,000)
    // = floor(2.44) = 2 readers (the average shard, 615,000 B/s, would say 3).
    expect(plan.fanOut.pollingAppsBeforeReadBinds).toBe(2);
    expect(plan.fanOut.crossover).toContain(
      'At 2 shards the hottest shard carries 841 KiB/s at peak with headroom, so up to 2 polling readers fit its 2 MiB/s',
    );
  });
});
