/**
 * The per-shard loads a plan-only report draws at the recommended count are taken with the keys the
 * plan says to salt split as it advises (`key#0` … `key#(n−1)`, each 1/n of the key), as the count
 * was sized; the configured count's loads are the keys as written. Checked against the MD5 oracle
 * of helpers.ts (docs/aws-facts.md, KDS 2), independent of src/aws/hash.ts.
 */
import { describe, expect, it } from 'vitest';
import { type OracleKey, planOf, shardRecords } from './helpers.js';

describe('per-shard loads at the recommended count, salted as advised', () => {
  // 2,000 records/s of 100 bytes: "hot" takes 90% = 1,800 records/s, 180% of a shard's 1,000/s by
  // itself (its bytes, 1,800 × ~104 B ≈ 183 KB/s, are far under 1 MiB/s: records bind). With the
  // default 20% headroom it is salted into ⌈2 × 1.8 × 1.2⌉ = ⌈4.32⌉ = 5 keys, hot#0 … hot#4, of
  // 1,800 ÷ 5 = 360 records/s each; "cold" keeps its 10% = 200 records/s.
  const plan = planOf(`
name: salted
stream: { shards: 2 }
producers:
  - name: p
    rate: 2000/s
    recordSize: 100B
    keys:
      dist: weighted
      keys:
        - { key: hot, weight: 0.9 }
        - { key: cold, weight: 0.1 }
`);
  const n = plan.shards.recommended;
  const loadsAt = (countIs: string) => plan.profile!.shardLoads.find((l) => l.countIs === countIs)!;

  it('advises 5 pieces for "hot"', () => {
    expect(plan.hotKeys.keys.find((k) => k.key === 'hot')!.saltingFactor).toBe(5);
  });

  it('draws the recommended count with hot#0 … hot#4 at 360/s each, cold at 200/s', () => {
    const salted: OracleKey[] = [
      { key: 'cold', share: 0.1 },
      ...Array.from({ length: 5 }, (_, i) => ({ key: `hot#${i}`, share: 0.9 / 5 })),
    ];
    // Each shard's records ÷ 1,000/s (records bind), rounded to 6 places as the profile is.
    const expected = shardRecords(salted, 2000, n).map((r) => Math.round((r / 1000) * 1e6) / 1e6);
    const loads = loadsAt('recommended');
    expect(loads.shardCount).toBe(n);
    expect(loads.groupSize).toBe(1);
    expect(loads.saltedKeys).toBe(1);
    expect(loads.utilization).toEqual(expected);
    // The records are all still there: 2,000/s = 2 shards' worth in total.
    expect(loads.utilization.reduce((a, u) => a + u, 0)).toBeCloseTo(2, 5);
    // And the hottest is the plan's own figure for the recommended count.
    expect(Math.max(...loads.utilization)).toBeCloseTo(
      plan.hotKeys.atRecommended.utilizationWithoutOversizedKeys,
      5,
    );
  });

  it('draws the configured 2 shards as the keys are written, "hot" whole', () => {
    const asWritten: OracleKey[] = [
      { key: 'hot', share: 0.9 },
      { key: 'cold', share: 0.1 },
    ];
    const expected = shardRecords(asWritten, 2000, 2).map((r) => Math.round((r / 1000) * 1e6) / 1e6);
    const loads = loadsAt('configured');
    expect(loads.saltedKeys).toBeUndefined();
    expect(loads.utilization).toEqual(expected);
    // "hot" alone is 1,800 ÷ 1,000 = 180% of its shard.
    expect(Math.max(...loads.utilization)).toBeGreaterThanOrEqual(1.8);
  });
});
