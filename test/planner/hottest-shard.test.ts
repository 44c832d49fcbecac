/**
 * The hottest shard at any key count, the smallest count that fits, and reads on the hottest shard
 * (docs/aws-facts.md, KDS 1: 1 MiB/s and 1,000 records/s written per shard, 2 MiB/s and 5 GetRecords
 * calls/s read per shard shared by polling readers, at most 10,000 records a call; KDS 2: a key's
 * shard is the one whose range holds the MD5 of its UTF-8 name, shard i of n owning
 * [floor(i·2^128/n), floor((i+1)·2^128/n) − 1]). The brute-force oracles here hash with
 * node:crypto and place with BigInt arithmetic, independently of src/keys/.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planScenario } from '../../src/planner/index.js';
import { HASH_SPACE, md5HashKey, planOf, recommendationsOf, scenarioOf, warningsOf } from './helpers.js';

/**
 * Keys per shard at every count in [from, to], each key hashed once: the keys sorted by hash key,
 * then walked against each count's boundaries floor(i·2^128/n).
 */
function keysPerShard(names: readonly string[], n: number, sorted?: bigint[]): number[] {
  const hashes = sorted ?? names.map(md5HashKey).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const counts = new Array<number>(n).fill(0);
  let shard = 0;
  let next = HASH_SPACE / BigInt(n);
  for (const h of hashes) {
    while (shard < n - 1 && h >= next) {
      shard++;
      next = (BigInt(shard + 1) * HASH_SPACE) / BigInt(n);
    }
    counts[shard]!++;
  }
  return counts;
}

const sortedHashes = (names: readonly string[]) =>
  names.map(md5HashKey).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

describe('above 1,000,000 keys every key is still hashed', () => {
  it('1,000,001 uniform keys at 2,400 shards: the hottest shard is the one hashing every key finds', () => {
    // 2,000,000 records/s of 100 B over 1,000,001 keys "user-0" … "user-1000000": each key carries
    // 2,000,000 ÷ 1,000,001 = 1.999998 records/s. Required: 2,000,000 × 1.2 ÷ 1,000 = 2,400.
    // Spread evenly, a shard would carry 2,000,000 ÷ 2,400 = 833 records/s; hashing puts up to
    // ~490 keys on one shard, ~980 records/s. The plan's hottest shard must be the oracle's.
    const count = 1_000_001;
    const plan = planOf(`
name: million-and-one
stream: { shards: 2400 }
producers:
  - name: p
    rate: 2000000/s
    recordSize: 100B
    keys: { dist: uniform, count: ${count}, template: "user-{i}" }
`);
    const names = Array.from({ length: count }, (_, i) => `user-${i}`);
    const perShard = keysPerShard(names, 2400);
    const most = Math.max(...perShard);
    const perKey = 2_000_000 / count;
    expect(plan.hotKeys.method).toBe('exact');
    expect(plan.hotKeys.estimate).toBeNull();
    const hot = plan.hotKeys.atConfigured!;
    expect(hot.shard).toBe(perShard.indexOf(most));
    expect(hot.recordsPerSecond).toBeCloseTo(most * perKey, 6);
    // Records bind (100 + 11 bytes ≪ 1,048.6 B a record): utilisation = records ÷ 1,000.
    expect(hot.utilization).toBeCloseTo((most * perKey) / 1000, 9);
    expect(hot.recordsPerSecond).toBeGreaterThan(950);
  }, 60_000);
});

describe('beyond the exact limit the hottest shard is estimated, within 2% of exact hashing', () => {
  // The same distributions planned twice: every key hashed, and with the limit lowered so that
  // only the heaviest 20,000 are and the rest is estimated. At 200 to 1,000 shards each shard
  // holds 500 to 2,500 estimated keys (beyond the real limit of 10,000,000 keys and at most 10,000
  // shards it holds at least 1,000).
  const distributions = [
    '{ dist: uniform, count: 500000, template: "user-{i}" }',
    '{ dist: zipf, count: 500000, exponent: 0.6, template: "item-{i}" }',
    '{ dist: hot-set, count: 500000, hot: 50, share: 0.05, template: "dev-{i}" }',
  ];
  for (const keys of distributions) {
    for (const shards of [200, 450, 1000]) {
      it(`${keys} at ${shards} shards`, () => {
        const scenario = scenarioOf(`
name: estimate
stream: { shards: ${shards} }
producers:
  - name: p
    rate: ${shards * 700}/s
    recordSize: 100B
    keys: ${keys}
`);
        const exact = planScenario(scenario);
        const estimated = planScenario(scenario, {
          keyHashing: { exactKeyLimit: 100_000, headKeys: 20_000 },
        });
        expect(exact.hotKeys.method).toBe('exact');
        expect(estimated.hotKeys.method).toBe('analytical');
        const truth = exact.hotKeys.atConfigured!.utilization;
        const guess = estimated.hotKeys.atConfigured!.utilization;
        expect(Math.abs(guess / truth - 1)).toBeLessThanOrEqual(0.02);
        // The plan states the estimate's error; the exact figure lies within it.
        const error = estimated.hotKeys.estimate!.relativeError;
        expect(error).toBeGreaterThan(0);
        expect(error).toBeLessThan(0.05);
        expect([...warningsOf(estimated), ...recommendationsOf(estimated)].join('\n')).toContain('estimated');
      }, 30_000);
    }
  }
});

describe('the recommended count is the smallest that fits', () => {
  it('20,000 uniform keys: every count below it leaves a shard over, it leaves none (brute force)', () => {
    // 400,000 records/s of 100 B over 20,000 keys: 20 records/s a key. Required: 400,000 × 1.2 ÷
    // 1,000 = 480. A shard fits when its keys × 20 × 1.2 ≤ 1,000, i.e. at most floor(1,000 ÷ 24)
    // = 41 keys (41 × 24 = 984; 42 × 24 = 1,008). The oracle checks every count from 480 up.
    const plan = planOf(`
name: twenty-thousand
stream: { shards: 480 }
producers:
  - name: p
    rate: 400000/s
    recordSize: 100B
    keys: { dist: uniform, count: 20000, template: "k-{i}" }
`);
    expect(plan.shards.required).toBe(480);
    const names = Array.from({ length: 20_000 }, (_, i) => `k-${i}`);
    const sorted = sortedHashes(names);
    const fits = (n: number) => Math.max(...keysPerShard(names, n, sorted)) <= 41;
    let smallest = 480;
    while (!fits(smallest)) smallest++;
    expect(plan.shards.recommended).toBe(smallest);
    expect(plan.hotKeys.fits).toBe(true);
    expect(plan.hotKeys.atRecommended.recordsPerSecond * 1.2).toBeLessThanOrEqual(1000);
  }, 60_000);
});

describe('the recommended count is the smallest that fits writes and reads, for generated scenarios', () => {
  it('matches a brute-force check of every count from the required one', () => {
    fc.assert(
      fc.property(
        fc.record({
          count: fc.integer({ min: 20, max: 1500 }),
          exponent: fc.oneof(fc.constant(0), fc.double({ min: 0.2, max: 1, noNaN: true })),
          // Records of 200 B to 4 KiB: records bind for small ones, bytes (and reads) for large.
          recordBytes: fc.integer({ min: 200, max: 4096 }),
          requiredGuess: fc.integer({ min: 2, max: 60 }),
          readers: fc.integer({ min: 0, max: 4 }),
        }),
        ({ count, exponent, recordBytes, requiredGuess, readers }) => {
          // Key k-i carries (i + 1)^−s ÷ H of the records (zipf; s = 0 is uniform). Every record is
          // recordBytes of data plus its key's UTF-8 bytes.
          const weights = Array.from({ length: count }, (_, i) => (i + 1) ** -exponent);
          const total = weights.reduce((a, w) => a + w, 0);
          const shares = weights.map((w) => w / total);
          // A rate that needs about `requiredGuess` shards by records.
          const rate = Math.round((requiredGuess * 1000) / 1.2);
          // A shard fits when records × 1.2 ≤ 1,000 and bytes × 1.2 ≤ min(1 MiB, 2 MiB ÷ readers).
          const bytesLimit = Math.min(
            1_048_576,
            readers > 0 ? 2_097_152 / readers : Number.POSITIVE_INFINITY,
          );
          const recordsOf = (share: number) => rate * share;
          const bytesOf = (share: number, i: number) => rate * share * (recordBytes + `k-${i}`.length);
          // Keys no count can carry are salted by the plan; keep to scenarios without them.
          fc.pre(
            shares.every(
              (share, i) => recordsOf(share) * 1.2 <= 1000 && bytesOf(share, i) * 1.2 <= bytesLimit,
            ),
          );
          const plan = planOf(`
name: generated
stream: { shards: 1 }
producers:
  - name: p
    rate: ${rate}/s
    recordSize: ${recordBytes}B
    keys: { dist: zipf, count: ${count}, exponent: ${exponent}, template: "k-{i}" }
consumers:
${readers === 0 ? '  []' : Array.from({ length: readers }, (_, r) => `  - { name: r${r}, type: polling }`).join('\n')}
`);
          // The oracle: each key's hash once, then every count from the required one up.
          const hashed = shares
            .map((share, i) => ({
              hash: md5HashKey(`k-${i}`),
              records: recordsOf(share),
              bytes: bytesOf(share, i),
            }))
            .sort((x, y) => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0));
          const fits = (n: number) => {
            const records = new Array<number>(n).fill(0);
            const bytes = new Array<number>(n).fill(0);
            let shard = 0;
            let next = HASH_SPACE / BigInt(n);
            for (const k of hashed) {
              while (shard < n - 1 && k.hash >= next) {
                shard++;
                next = (BigInt(shard + 1) * HASH_SPACE) / BigInt(n);
              }
              records[shard]! += k.records;
              bytes[shard]! += k.bytes;
            }
            return records.every(
              (r, j) => r * 1.2 <= 1000 * (1 + 1e-9) && bytes[j]! * 1.2 <= bytesLimit * (1 + 1e-9),
            );
          };
          let smallest = plan.shards.required;
          while (!fits(smallest)) smallest++;
          expect(plan.shards.recommended).toBe(smallest);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('the recommended count satisfies reads on the hottest shard', () => {
  // 800 records/s of 1,023 B with 1-byte keys: 1,024 B a record, 800 KiB/s. Keys pinned by
  // ExplicitHashKey: a (weight 2) at 0, b (1) at 2^126, c (1) at 2^127: 400, 200 and 200 KiB/s.
  // Four polling readers (three applications and a stream-sourced Firehose, 1 GetRecords/s each:
  // 4 calls/s of 5) each get 2 MiB/s ÷ 4 = 512 KiB/s of a shard.
  const yaml = `
name: four-readers
stream: { shards: 2 }
producers:
  - name: p
    rate: 800/s
    recordSize: 1023B
    keys:
      dist: weighted
      keys:
        - { key: a, weight: 2, explicitHashKey: "0" }
        - { key: b, weight: 1, explicitHashKey: "85070591730234615865843651857942052864" }
        - { key: c, weight: 1, explicitHashKey: "170141183460469231731687303715884105728" }
consumers:
  - { name: r1, type: polling }
  - { name: r2, type: polling }
  - { name: r3, type: polling }
firehose:
  - { name: f, source: stream, destination: s3 }
`;
  const plan = planOf(yaml);

  it('raises the count until every shard’s bytes × 1.2 fit 512 KiB/s', () => {
    // Required: writes ceil(800 KiB × 1.2 ÷ 1,024 KiB) = ceil(0.9375) = 1 and ceil(800 × 1.2 ÷
    // 1,000) = 1; reads on average ceil(4 × 800 KiB × 1.2 ÷ 2,048 KiB) = ceil(1.875) = 2.
    expect(plan.shards.required).toBe(2);
    // At 2 and 3 shards, shard 0 (below 2^127, below floor(2^128/3)) holds a and b: 600 KiB/s,
    // × 1.2 = 720 KiB/s > 512 KiB/s (writes fit: 720 KiB/s < 1 MiB/s). At 4 shards a has shard 0
    // alone: 400 KiB/s × 1.2 = 480 KiB/s ≤ 512; b and c 240 KiB/s each. So 4.
    expect(plan.hotKeys.atRequired.bytesPerSecond).toBeCloseTo(600 * 1024, 6);
    expect(plan.shards.recommended).toBe(4);
    expect(plan.shards.binding).toBe('read');
    expect(plan.hotKeys.raisedByReads).toBe(true);
    expect(plan.hotKeys.readLimitsApplied).toBe(true);
    expect(plan.hotKeys.atRecommended.bytesPerSecond).toBeCloseTo(400 * 1024, 6);
    expect(plan.binding).toContain('reads on the hottest shard');
  });

  it('leaves no consumer short at the recommended count', () => {
    expect(warningsOf(plan).filter((w) => w.includes('but gets'))).toEqual([]);
    for (const c of plan.fanOut.consumers) {
      expect(c.demandBytesPerSecondPerShard).toBeLessThanOrEqual(c.readBytesPerSecondPerShard);
    }
  });

  it('counts records a GetRecords call returns: 100 a call, once a second, take 100 records/s a shard', () => {
    // Unique keys spread evenly: 1,000 records/s of 100 B. Writes need ceil(1,000 × 1.2 ÷ 1,000)
    // = 2 shards. One polling reader with Limit 100 at 1 call/s reads 100 records/s a shard:
    // 1,000 × 1.2 ÷ n ≤ 100 ⇔ n ≥ 12.
    const reads = planOf(`
name: small-calls
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
consumers:
  - { name: r, type: polling, maxRecordsPerCall: 100 }
`);
    expect(reads.shards.required).toBe(2);
    expect(reads.shards.recommended).toBe(12);
    expect(reads.shards.binding).toBe('read');
  });

  it('leaves limits more shards cannot meet to warnings, without going to 10,000', () => {
    // A poll every 200 s gets 0.005 calls/s × 10,000 records = 50 records/s a shard; 1,000,000
    // records/s × 1.2 ÷ 50 = 24,000 shards, more than 10,000: reads stay out of the count, which
    // is the write count, 1,000,000 × 1.2 ÷ 1,000 = 1,200.
    const slow = planOf(`
name: slow-poller
stream: { shards: 1200 }
producers:
  - { name: p, rate: 1000000/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
consumers:
  - { name: r, type: polling, pollInterval: 200s }
`);
    expect(slow.shards.recommended).toBe(1200);
    expect(slow.hotKeys.readLimitsApplied).toBe(false);
    expect(slow.hotKeys.fits).toBe(true);
  });
});

describe('a count raised for readers with a key that must be salted', () => {
  it('says the readers are kept up once that key is salted', () => {
    // "hot" carries 1,200 of 2,900 weight: 3,000 × 1,200 ÷ 2,900 = 1,241 records/s of 600 B (+3 B
    // key), 124% of a shard's 1,000 records/s by itself: salted ×3 (2 × 1.24 × 1.2 = 2.98 → 3). The
    // count that keeps 4 polling readers (512 KiB/s each) up assumes those pieces, so the words say so.
    const plan = planOf(`
name: salted-readers
stream: { shards: 4 }
producers:
  - name: p
    rate: 3000/s
    recordSize: 600B
    keys:
      dist: weighted
      keys:
        - { key: hot, weight: 1200 }
${'abcdefghijklmnoqr'
  .split('')
  .map((k) => `        - { key: ${k}, weight: 100 }`)
  .join('\n')}
consumers:
${[1, 2, 3, 4].map((i) => `  - { name: c${i}, type: polling }`).join('\n')}
`);
    expect(plan.hotKeys.keys[0]!.saltingFactor).toBe(3);
    expect(plan.shards.binding).toBe('read');
    expect(plan.binding).toContain('within what its readers take, with the oversized keys salted');
  });
});
