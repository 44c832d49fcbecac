/**
 * Hot keys and the hottest shard (docs/aws-facts.md, KDS 2: a partition key maps to one shard by the
 * MD5 of the key or its ExplicitHashKey; shard i of n owns [floor(i·2^128/n), floor((i+1)·2^128/n)
 * − 1]; KDS 1: 1,000 records/s and 1 MiB/s per shard). Keys are pinned with explicitHashKey so
 * each shard's load can be added up by hand; the hot-set case is checked against an MD5 oracle
 * written in the test.
 */
import { describe, expect, it } from 'vitest';
import { metric, type OracleKey, planOf, recommendationsOf, shardRecords, warningsOf } from './helpers.js';

/** 2^126, 2^127 and 3 × 2^126: a quarter, a half and three quarters of the hash-key space. */
const QUARTER = '85070591730234615865843651857942052864';
const HALF = '170141183460469231731687303715884105728';
const THREE_QUARTERS = '255211775190703847597530955573826158592';

const pinned = (shards: number, keys: string) => `
name: pinned
stream: { shards: ${shards} }
producers:
  - name: p
    rate: 2000/s
    recordSize: 1KiB
    keys:
      dist: weighted
      keys:
${keys}
`;

describe('hottest shard with keys pinned by ExplicitHashKey', () => {
  // Keys a, b, c of one byte each: every record is 1,024 + 1 = 1,025 bytes.
  // a 40% at hash 0, b 40% at 2^126 (a quarter), c 20% at 3 × 2^126 (three quarters).
  const plan = planOf(
    pinned(
      3,
      `        - { key: a, weight: 0.4, explicitHashKey: "0" }
        - { key: b, weight: 0.4, explicitHashKey: "${QUARTER}" }
        - { key: c, weight: 0.2, explicitHashKey: "${THREE_QUARTERS}" }`,
    ),
  );

  it('needs 3 shards for the average load', () => {
    // 2,000 × 1.2 ÷ 1,000 = 2.4 → 3; 2,000 × 1,025 × 1.2 ÷ 1,048,576 = 2.35 → 3.
    expect(plan.shards.required).toBe(3);
  });

  it('at 3 shards puts a and b on shard 0: 1,600 records/s', () => {
    // Shard 0 of 3 ends below floor(2^128/3): a quarter (b) is inside it; three quarters (c) is in shard 2.
    const at3 = plan.hotKeys.atRequired;
    expect(at3.shardCount).toBe(3);
    expect(at3.shard).toBe(0);
    // a + b = 800 + 800 = 1,600 records/s and 1,640,000 B/s: max(1.6, 1.564) = 1.6.
    expect(at3.recordsPerSecond).toBeCloseTo(1600, 9);
    expect(at3.bytesPerSecond).toBeCloseTo(1_640_000, 6);
    expect(at3.utilization).toBeCloseTo(1.6, 12);
    // Average shard: max(2,000/3 ÷ 1,000, 2,050,000/3 ÷ 1,048,576) = max(0.6667, 0.6517) = 0.6667.
    expect(at3.averageUtilization).toBeCloseTo(2 / 3, 12);
    // No key is oversized, so leaving them out changes nothing.
    expect(at3.utilizationWithoutOversizedKeys).toBeCloseTo(1.6, 12);
    // Configured = required = 3.
    expect(plan.hotKeys.atConfigured).toEqual(at3);
    expect(metric(plan, 'hotKey.maxShardUtilization')).toBeCloseTo(1.6, 12);
  });

  it('recommends 4 shards, where each key has a shard to itself', () => {
    // Shard i of 4 starts at i × 2^126: a → 0, b → 1 (its first hash key), c → 3. Hottest: 800/s,
    // 0.8 × 1.2 = 0.96 ≤ 1, so 4 fits.
    expect(plan.shards.recommended).toBe(4);
    expect(plan.hotKeys.smallestFittingShardCount).toBe(4);
    expect(plan.hotKeys.raisedByHotShard).toBe(true);
    expect(plan.shards.binding).toBe('hotShard');
    const at4 = plan.hotKeys.atRecommended;
    expect(at4.shardCount).toBe(4);
    // a and b tie at 800/s; the first is reported.
    expect(at4.shard).toBe(0);
    expect(at4.recordsPerSecond).toBeCloseTo(800, 9);
    // 800 × 1,025 = 820,000 B/s: max(0.8, 0.782) = 0.8.
    expect(at4.bytesPerSecond).toBeCloseTo(820_000, 6);
    expect(at4.utilization).toBeCloseTo(0.8, 12);
    expect(at4.utilization * 1.2).toBeLessThanOrEqual(1);
    // Average: max(500 ÷ 1,000, 512,500 ÷ 1,048,576) = max(0.5, 0.489) = 0.5.
    expect(at4.averageUtilization).toBeCloseTo(0.5, 12);
    expect(metric(plan, 'hotKey.maxShardUtilizationAtRecommended')).toBeCloseTo(0.8, 12);
  });

  it('lists each key with its load and its shard at the configured and recommended counts', () => {
    const byKey = new Map(plan.hotKeys.keys.map((k) => [k.key, k]));
    expect([...byKey.keys()].sort()).toEqual(['a', 'b', 'c']);
    const a = byKey.get('a')!;
    // 40% of 2,000 = 800 records/s, × 1,025 = 820,000 B/s; utilisation 0.8; ceil(0.8 × 1.2) = 1 part.
    expect(a.recordsPerSecond).toBeCloseTo(800, 9);
    expect(a.bytesPerSecond).toBeCloseTo(820_000, 6);
    expect(a.shardUtilization).toBeCloseTo(0.8, 12);
    expect(a.overShardLimit).toBe(false);
    expect(a.saltingFactor).toBe(1);
    expect([a.shardAtConfigured, a.shardAtRecommended]).toEqual([0, 0]);
    expect([byKey.get('b')!.shardAtConfigured, byKey.get('b')!.shardAtRecommended]).toEqual([0, 1]);
    expect([byKey.get('c')!.shardAtConfigured, byKey.get('c')!.shardAtRecommended]).toEqual([2, 3]);
    expect(plan.hotKeys.maxKeyRecordsPerSecond).toBeCloseTo(800, 9);
    expect(plan.hotKeys.maxKeyBytesPerSecond).toBeCloseTo(820_000, 6);
    expect(plan.hotKeys.keysOverShardLimit).toBe(0);
    expect(plan.hotKeys.method).toBe('exact');
  });

  it('says why the count went up, and that 3 configured shards are short', () => {
    expect(recommendationsOf(plan)).toContain(
      'The hottest shard sets the count: 3 shards carry the average load, but shard 0 would run at 160% of its limit; 4 shards keep every shard under it.',
    );
    expect(
      warningsOf(plan).some((w) => w.startsWith('3 configured shards are short by 1: peak × 1.2 needs 4')),
    ).toBe(true);
  });
});

describe('a key above one shard’s limit by itself', () => {
  // a 60% at hash 0, b 20% at a half, c 20% at three quarters; 2,000 records/s of 1,025 bytes.
  const plan = planOf(
    pinned(
      3,
      `        - { key: a, weight: 0.6, explicitHashKey: "0" }
        - { key: b, weight: 0.2, explicitHashKey: "${HALF}" }
        - { key: c, weight: 0.2, explicitHashKey: "${THREE_QUARTERS}" }`,
    ),
  );

  it('is over the limit, with a salting factor of ceil(load × 1.2 ÷ limit)', () => {
    const a = plan.hotKeys.keys.find((k) => k.key === 'a')!;
    // 0.6 × 2,000 = 1,200 records/s > 1,000; bytes 1,200 × 1,025 = 1,230,000 B/s (1.17 MiB/s).
    expect(a.recordsPerSecond).toBeCloseTo(1200, 9);
    expect(a.bytesPerSecond).toBeCloseTo(1_230_000, 6);
    // max(1,200 ÷ 1,000, 1,230,000 ÷ 1,048,576) = max(1.2, 1.173) = 1.2.
    expect(a.shardUtilization).toBeCloseTo(1.2, 12);
    expect(a.overShardLimit).toBe(true);
    // Pieces of at most half a shard with headroom: ceil(2 × 1.2 × 1.2) = ceil(2.88) = 3 keys,
    // a#0, a#1 and a#2 at 400/s each (0.4 × 1.2 = 0.48 ≤ 0.5).
    expect(a.saltingFactor).toBe(3);
    expect(plan.hotKeys.keysOverShardLimit).toBe(1);
    expect(metric(plan, 'hotKey.keysOverShardLimit')).toBe(1);
    expect(metric(plan, 'hotKey.maxKeyRecordsPerSecond')).toBeCloseTo(1200, 9);
    expect(metric(plan, 'hotKey.maxKeyBytesPerSecond')).toBeCloseTo(1_230_000, 6);
    // The heaviest key is listed first.
    expect(plan.hotKeys.keys[0]!.key).toBe('a');
  });

  it('is salted as advised in the fit: its pieces a#0, a#1 and a#2 count where they land', () => {
    // At 3: a → shard 0 (1.2), b (a half) → shard 1, c → shard 2, each 400/s = 0.4.
    const at3 = plan.hotKeys.atRequired;
    expect(at3.shard).toBe(0);
    expect(at3.utilization).toBeCloseTo(1.2, 12);
    // Salted, a becomes a#0, a#1 and a#2 at 400/s each. MD5 puts them at 0.8446, 0.3294 and 0.3001
    // of the hash space: at 3 shards a#0 joins c on shard 2 (400 + 400 = 800/s, 0.8), a#1 and a#2
    // share shard 0 (800/s, 0.8), b has shard 1 (0.4). 0.8 × 1.2 = 0.96 ≤ 1: 3 shards fit.
    expect(at3.utilizationWithoutOversizedKeys).toBeCloseTo(0.8, 12);
    expect([0, 2]).toContain(at3.shardAfterSalting);
    expect(plan.shards.recommended).toBe(3);
    expect(plan.hotKeys.raisedByHotShard).toBe(false);
    expect(plan.hotKeys.fits).toBe(true);
  });

  it('is named in a warning with the salted keys', () => {
    const warning = warningsOf(plan).find((w) => w.startsWith('key "a" of p'));
    expect(warning).toContain('1,200 records/s and 1.17 MiB/s');
    expect(warning).toContain('more shards cannot fix it');
    expect(warning).toContain('Salt it over 3 keys (e.g. "a#0" … "a#2")');
  });
});

describe('a hot-set key, checked against an MD5 oracle', () => {
  // 10 keys dev-0 … dev-9 (5 bytes each); dev-0 is hot with 25% of 6,000 records/s of 300 B, the
  // other nine share 75%: 500 records/s each. Records are 300 + 5 = 305 bytes.
  const plan = planOf(`
name: hot-set
stream: { shards: 8 }
producers:
  - name: devices
    rate: 6000/s
    recordSize: 300B
    keys: { dist: hot-set, count: 10, hot: 1, share: 0.25, template: "dev-{i}" }
`);
  const oracleKeys: OracleKey[] = Array.from({ length: 10 }, (_, i) => ({
    key: `dev-${i}`,
    share: i === 0 ? 0.25 : 0.75 / 9,
  }));

  it('flags dev-0: 1,500 records/s on one key', () => {
    const hot = plan.hotKeys.keys[0]!;
    expect(hot.key).toBe('dev-0');
    // 0.25 × 6,000 = 1,500 records/s; 1,500 × 305 = 457,500 B/s.
    expect(hot.recordsPerSecond).toBeCloseTo(1500, 9);
    expect(hot.bytesPerSecond).toBeCloseTo(457_500, 6);
    // max(1.5, 457,500 ÷ 1,048,576 = 0.436) = 1.5 > 1; salt into ceil(2 × 1.5 × 1.2) = ceil(3.6) = 4.
    expect(hot.shardUtilization).toBeCloseTo(1.5, 12);
    expect(hot.overShardLimit).toBe(true);
    expect(hot.saltingFactor).toBe(4);
    expect(plan.hotKeys.keysOverShardLimit).toBe(1);
    expect(plan.hotKeys.maxKeyRecordsPerSecond).toBeCloseTo(1500, 9);
    // The others: 500/s each, 0.5 × 1.2 = 0.6: fine by themselves.
    expect(plan.hotKeys.keys).toHaveLength(10);
    for (const k of plan.hotKeys.keys.slice(1)) {
      expect(k.recordsPerSecond).toBeCloseTo(500, 9);
      expect(k.overShardLimit).toBe(false);
      expect(k.saltingFactor).toBe(1);
    }
  });

  it('recommends the smallest count ≥ required at which dev-1 … dev-9 and dev-0’s pieces have a shard each', () => {
    // Required: 6,000 × 1.2 ÷ 1,000 = 7.2 → 8 (bytes: 6,000 × 305 × 1.2 ÷ 1,048,576 = 2.1 → 3).
    expect(plan.shards.required).toBe(8);
    // Leaving dev-0 aside, a shard fits when its records × 1.2 ≤ 1,000, i.e. ≤ 833.3/s: two of the
    // 500/s keys together (1,000/s) do not fit. Records bind (305 B ≪ 1,048.6 B per record).
    // dev-0 is salted as the plan advises: dev-0#0 and dev-0#1 at 750/s each (750 × 1.2 = 900
    // fits alone, but not beside a 500/s key), so they need shards of their own too.
    const salted: OracleKey[] = [
      ...oracleKeys.slice(1),
      { key: 'dev-0#0', share: 0.125 },
      { key: 'dev-0#1', share: 0.125 },
    ];
    const fits = (n: number) => Math.max(...shardRecords(salted, 6000, n)) * 1.2 <= 1000 + 1e-9;
    let expected = 8;
    while (!fits(expected)) expected++;
    expect(plan.shards.recommended).toBe(expected);
    expect(plan.shards.recommended).toBeGreaterThanOrEqual(plan.shards.required);
    expect(plan.hotKeys.atRecommended.utilizationWithoutOversizedKeys * 1.2).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('reports the hottest shard the oracle finds, at the configured and recommended counts', () => {
    for (const [n, hot] of [
      [8, plan.hotKeys.atConfigured!],
      [plan.shards.recommended, plan.hotKeys.atRecommended],
    ] as const) {
      const loads = shardRecords(oracleKeys, 6000, n);
      const max = Math.max(...loads);
      expect(hot.shardCount).toBe(n);
      expect(hot.shard).toBe(loads.indexOf(max));
      expect(hot.recordsPerSecond).toBeCloseTo(max, 6);
      expect(hot.bytesPerSecond).toBeCloseTo(max * 305, 3);
      // Records bind: utilisation = records ÷ 1,000; dev-0's shard has at least 1,500/s.
      expect(hot.utilization).toBeCloseTo(max / 1000, 9);
      expect(hot.utilization).toBeGreaterThanOrEqual(1.5);
      // The average shard at n: 6,000 ÷ n ÷ 1,000.
      expect(hot.averageUtilization).toBeCloseTo(6 / n, 9);
    }
  });
});

describe('unique keys', () => {
  it('spread evenly: the hottest shard is the average shard, and no key is listed', () => {
    const plan = planOf(`
name: unique
stream: { shards: 4 }
producers:
  - { name: p, rate: 3000/s, recordSize: 1KiB, keys: { dist: unique, length: 36 } }
`);
    // Required: 3,000 × 1,060 × 1.2 ÷ 1,048,576 = 3.64 → 4; records 3.6 → 4.
    expect(plan.shards.recommended).toBe(4);
    // Per shard: 750 records/s and 795,000 B/s: max(0.75, 0.758) = 0.7582.
    const hot = plan.hotKeys.atRecommended;
    expect(hot.utilization).toBeCloseTo(795_000 / 1_048_576, 9);
    expect(hot.averageUtilization).toBeCloseTo(795_000 / 1_048_576, 9);
    expect(plan.hotKeys.keys).toEqual([]);
    expect(plan.hotKeys.maxKeyRecordsPerSecond).toBe(0);
    expect(plan.hotKeys.keysOverShardLimit).toBe(0);
  });
});

describe('the smallest fitting count, when fit is far from monotone in the count', () => {
  // 50 keys k-0 … k-49, 500 records/s each (25,000/s of 100 B): two on one shard make 1,000/s,
  // and 1,000 × 1.2 > 1,000, so a count fits only when all 50 land on different shards — which
  // MD5 placement makes true at some counts and false at larger ones.
  const plan = planOf(`
name: fifty-keys
stream: { shards: 30 }
producers:
  - name: p
    rate: 25000/s
    recordSize: 100B
    keys: { dist: uniform, count: 50, template: "k-{i}" }
`);

  it('is the first count ≥ required where the oracle finds every key on its own shard', () => {
    // Required: 25,000 × 1.2 ÷ 1,000 = 30.
    expect(plan.shards.required).toBe(30);
    const keys: OracleKey[] = Array.from({ length: 50 }, (_, i) => ({ key: `k-${i}`, share: 1 / 50 }));
    const fits = (n: number) => Math.max(...shardRecords(keys, 25_000, n)) * 1.2 <= 1000 + 1e-9;
    let expected = 30;
    while (!fits(expected)) expected++;
    expect(plan.shards.recommended).toBe(expected);
    expect(plan.hotKeys.atRecommended.recordsPerSecond).toBeCloseTo(500, 9);
  });
});

describe('a key within the limit but above 1/(1 + headroom) of it', () => {
  // a: 90% of 1,000 records/s of 1,025 B at hash 0; b: 10% at a half.
  const plan = planOf(
    pinned(
      2,
      `        - { key: a, weight: 0.9, explicitHashKey: "0" }
        - { key: b, weight: 0.1, explicitHashKey: "${HALF}" }`,
    ).replace('rate: 2000/s', 'rate: 1000/s'),
  );

  it('needs salting to have headroom, though it is not over the limit', () => {
    const a = plan.hotKeys.keys.find((k) => k.key === 'a')!;
    // 900 records/s, 922,500 B/s: max(0.9, 0.88) = 0.9 ≤ 1, but 0.9 × 1.2 = 1.08 > 1: salted into
    // pieces of at most half a shard with headroom, ceil(2 × 1.08) = 3 parts.
    expect(a.shardUtilization).toBeCloseTo(0.9, 12);
    expect(a.overShardLimit).toBe(false);
    expect(a.saltingFactor).toBe(3);
    expect(plan.hotKeys.keysOverShardLimit).toBe(0);
  });

  it('is salted in the count, like a key over the limit, and named in a warning', () => {
    // Required: 1,000 × 1.2 ÷ 1,000 = 1.2 → 2. At 2, a is on shard 0 and b on shard 1. Salted,
    // a becomes a#0 (MD5 at 0.8446 → shard 1), a#1 (0.3294 → shard 0) and a#2 (0.3001 → shard 0)
    // at 300/s each: shard 0 carries 600/s, shard 1 100 + 300 = 400/s: 0.6 × 1.2 = 0.72 ≤ 1.
    expect(plan.shards.recommended).toBe(2);
    expect(plan.hotKeys.atRecommended.utilization).toBeCloseTo(0.9, 12);
    expect(plan.hotKeys.atRecommended.utilizationWithoutOversizedKeys).toBeCloseTo(0.6, 12);
    expect(plan.hotKeys.atRecommended.shardAfterSalting).toBe(0);
    const warning = warningsOf(plan).find((w) => w.startsWith('key "a" of p'));
    // 1 ÷ 0.9 − 1 = 11.1% more at the peak and the shard throttles.
    expect(warning).toContain("90% of one shard's limit by itself");
    expect(warning).toContain('no shard count leaves its shard the 20% headroom');
    expect(warning).toContain('grows by more than 11.1%');
    expect(warning).toContain('Salt it over 3 keys');
  });
});

describe('when no shard count up to 10,000 fits', () => {
  // a and b, 500 records/s each of 1,025 B, routed to hash keys 0 and 1: one shard owns both at
  // every count up to 10,000 (shard 0 ends near 2^128 ÷ 10,000), so it carries 1,000/s: 100% of
  // its limit, 120% with the headroom. Each key alone (0.5 × 1.2 = 0.6) needs no salting.
  const plan = planOf(
    pinned(
      2,
      `        - { key: a, weight: 1, explicitHashKey: "0" }
        - { key: b, weight: 1, explicitHashKey: "1" }`,
    ).replace('rate: 2000/s', 'rate: 1000/s'),
  );

  it('says so: fits is false, the count is 10,000, and a warning names the shard', () => {
    expect(plan.hotKeys.fits).toBe(false);
    expect(plan.shards.recommended).toBe(10_000);
    expect(plan.hotKeys.atRecommended.shard).toBe(0);
    expect(plan.hotKeys.atRecommended.utilization).toBeCloseTo(1, 12);
    expect(warningsOf(plan)).toContain(
      'The hottest shard cannot be fixed with shards: even 10,000 shards leave shard 0 at 120% of its limit at peak × 1.2; split the traffic over several streams.',
    );
  });

  it('does not claim the count keeps every shard under its limit', () => {
    expect(plan.binding).not.toContain('keep every shard under it');
    expect(plan.binding).toContain('no count up to 10,000 keeps every shard under it');
    expect(recommendationsOf(plan).join('\n')).not.toContain('keep every shard under it');
  });
});
