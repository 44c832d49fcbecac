import { describe, expect, it } from 'vitest';
import { HASH_SPACE, hashKeyOf, MAX_HASH_KEY } from '../../src/aws/hash.js';
import { keyLoad } from '../../src/keys/load.js';
import { range } from './arbitraries.js';

// MD5s (`echo -n key-0 | md5sum`) and the shard of each among 4 even shards, which is the top two
// bits of the digest: hex digit 0–3 → shard 0, 4–7 → 1, 8–b → 2, c–f → 3.
//   key-0   b4428b7e85e1fa85481af6307d7f3cf7   b = 1011 → 10 → shard 2
//   key-1   21af6b8b5e2244835679bbdbe0ab03a6   2 = 0010 → 00 → shard 0
//   key-2   bcca528ca1b0ba9d641cf4b123f2d026   b = 1011 → 10 → shard 2
//   key-3   5ccd563d0f716c309df53229000ad62c   5 = 0101 → 01 → shard 1
//   user-42 7631bc07a1cc8fcd56e70fc6b2fb4a43   7 = 0111 → 01 → shard 1
const KEY_0 = 0xb4428b7e85e1fa85481af6307d7f3cf7n;

describe('keyLoad: keys land where Kinesis puts them', () => {
  it('uniform key-0…key-3 on 4 shards: shard 0 gets key-1, shard 1 key-3, shard 2 key-0 and key-2', () => {
    const load = keyLoad({ dist: 'uniform', count: 4, template: 'key-{i}' }, { shardCount: 4 });
    expect(Array.from(load.shardShares)).toEqual([0.25, 0.25, 0.5, 0]);
    expect(load.method).toBe('exact');
    expect(load.distinctKeys).toBe(4);
    expect(load.hotKeys.map((k) => [k.key, k.shard])).toEqual([
      ['key-0', 2],
      ['key-1', 0],
      ['key-2', 2],
      ['key-3', 1],
    ]);
    expect(load.hotKeys[0]!.hashKey).toBe(KEY_0);
  });

  it('zipf N=3 s=1 on 4 shards: key-0 (6/11) and key-2 (2/11) on shard 2, key-1 (3/11) on shard 0', () => {
    const load = keyLoad({ dist: 'zipf', count: 3, exponent: 1, template: 'key-{i}' }, { shardCount: 4 });
    const expected = [3 / 11, 0, 8 / 11, 0];
    expected.forEach((e, j) => {
      expect(load.shardShares[j]).toBeCloseTo(e, 15);
    });
    expect(load.maxKeyShare).toBeCloseTo(6 / 11, 15);
    expect(load.hotKeys.map((k) => k.key)).toEqual(['key-0', 'key-1', 'key-2']);
    expect(load.hotKeys[0]).toMatchObject({ key: 'key-0', index: 0, shard: 2, hashKey: KEY_0 });
  });

  it('hot-set N=10 hot=2 share=0.5: keys 0 and 1 at 0.25 lead the hot keys', () => {
    const load = keyLoad(
      { dist: 'hot-set', count: 10, hot: 2, share: 0.5, template: 'key-{i}' },
      { shardCount: 4 },
    );
    expect(load.hotKeys.slice(0, 3).map((k) => [k.key, k.share])).toEqual([
      ['key-0', 0.25],
      ['key-1', 0.25],
      ['key-2', 0.0625],
    ]);
    expect(load.maxKeyShare).toBe(0.25);
  });

  it('weighted keys are hashed by name; user-42 on shard 1 of 4, café by its UTF-8 bytes', () => {
    const load = keyLoad(
      {
        dist: 'weighted',
        keys: [
          { key: 'user-42', weight: 3 },
          { key: 'café', weight: 1 },
        ],
      },
      { shardCount: 4 },
    );
    expect(load.hotKeys[0]).toMatchObject({ key: 'user-42', share: 0.75, shard: 1 });
    expect(load.hotKeys[1]!.hashKey).toBe(hashKeyOf('café'));
    expect(load.shardShares[1]).toBeGreaterThanOrEqual(0.75);
  });

  it('honours ExplicitHashKey: 2^128/4 starts shard 1 of 4, one less ends shard 0', () => {
    const quarter = HASH_SPACE / 4n; // 85070591730234615865843651857942052864
    const load = keyLoad(
      {
        dist: 'weighted',
        keys: [
          { key: 'a', weight: 1, explicitHashKey: quarter.toString() },
          { key: 'b', weight: 2, explicitHashKey: (quarter - 1n).toString() },
          { key: 'c', weight: 4, explicitHashKey: MAX_HASH_KEY.toString() },
          { key: 'd', weight: 1, explicitHashKey: '0' },
        ],
      },
      { shardCount: 4 },
    );
    // a → 1 (1/8), b → 0 (2/8), c → 3 (4/8), d → 0 (1/8)
    expect(Array.from(load.shardShares)).toEqual([3 / 8, 1 / 8, 0, 4 / 8]);
    expect(load.hotKeys.find((k) => k.key === 'a')).toMatchObject({ shard: 1, hashKey: quarter });
  });

  it('merges weighted entries that name the same key, keeping the first index', () => {
    const load = keyLoad(
      {
        dist: 'weighted',
        keys: [
          { key: 'x', weight: 1 },
          { key: 'y', weight: 1 },
          { key: 'x', weight: 2 },
        ],
      },
      { shardCount: 2 },
    );
    expect(load.distinctKeys).toBe(2);
    expect(load.hotKeys.map((k) => [k.key, k.index, k.share])).toEqual([
      ['x', 0, 0.75],
      ['y', 1, 0.25],
    ]);
  });
});

describe('keyLoad: layouts', () => {
  it('places a key exactly on a boundary by exact comparison (the fast path declines there)', () => {
    // key-0's hash key starts a range, or ends one: the 64-bit position cannot tell.
    const starts = keyLoad(
      { dist: 'uniform', count: 1, template: 'key-{i}' },
      { ranges: [range(KEY_0, MAX_HASH_KEY), range(0n, KEY_0 - 1n)] },
    );
    expect(Array.from(starts.shardShares)).toEqual([1, 0]);
    const ends = keyLoad(
      { dist: 'uniform', count: 1, template: 'key-{i}' },
      { ranges: [range(KEY_0 + 1n, MAX_HASH_KEY), range(0n, KEY_0)] },
    );
    expect(Array.from(ends.shardShares)).toEqual([0, 1]);
  });

  it('handles a one-hash-key shard holding exactly one key', () => {
    // Ranges listed out of order: [key-0 … key-0] is shard 0 of the layout.
    const load = keyLoad(
      { dist: 'uniform', count: 4, template: 'key-{i}' },
      { ranges: [range(KEY_0, KEY_0), range(KEY_0 + 1n, MAX_HASH_KEY), range(0n, KEY_0 - 1n)] },
    );
    // key-0 alone on shard 0; key-2 (0xbcca…) above key-0 (0xb442…); key-1, key-3 below.
    expect(Array.from(load.shardShares)).toEqual([0.25, 0.25, 0.5]);
    expect(load.hotKeys[0]).toMatchObject({ key: 'key-0', shard: 0 });
  });

  it('unique keys spread by range width and have no hot key', () => {
    const load = keyLoad(
      { dist: 'unique', length: 36 },
      { ranges: [range(0n, HASH_SPACE / 4n - 1n), range(HASH_SPACE / 4n, MAX_HASH_KEY)] },
    );
    expect(Array.from(load.shardShares)).toEqual([0.25, 0.75]);
    expect(load).toMatchObject({
      hotKeys: [],
      maxKeyShare: 0,
      meanKeyBytes: 36,
      maxKeyBytes: 36,
      method: 'analytical',
      distinctKeys: 'unbounded',
    });
  });
});

describe('keyLoad: hot keys', () => {
  it('lists the top 10, and every key above the threshold beyond them', () => {
    const dist = { dist: 'zipf', count: 1000, exponent: 1, template: 'key-{i}' } as const;
    // H(1000) = 7.4855; share of rank r = 1/(r·H) > 0.01 ⇔ r < 100/7.4855 = 13.4 ⇒ 13 keys.
    expect(keyLoad(dist, { shardCount: 8 }).hotKeys).toHaveLength(13);
    // > 0.05 ⇔ r < 2.7 ⇒ 2 keys, but the top 10 are always listed.
    expect(keyLoad(dist, { shardCount: 8 }, { hotKeyShareThreshold: 0.05 }).hotKeys).toHaveLength(10);
    expect(keyLoad(dist, { shardCount: 8 }, { hotKeyShareThreshold: 0.05, topKeys: 0 }).hotKeys).toHaveLength(
      2,
    );
  });

  it('lists heaviest first with ties by index, and not keys that carry nothing', () => {
    // hot=3 share=0.1 of 6 keys: hot keys 0.1/3 each, cold keys 0.9/3 = 0.3 each: cold first.
    const load = keyLoad(
      { dist: 'hot-set', count: 6, hot: 3, share: 0.1, template: 'k{i}' },
      { shardCount: 2 },
    );
    expect(load.hotKeys.map((k) => k.index)).toEqual([3, 4, 5, 0, 1, 2]);
    const none = keyLoad(
      { dist: 'hot-set', count: 6, hot: 3, share: 1, template: 'k{i}' },
      { shardCount: 2 },
    );
    expect(none.hotKeys.map((k) => k.index)).toEqual([0, 1, 2]);
    expect(none.distinctKeys).toBe(3);
  });

  it('rejects options out of range', () => {
    const dist = { dist: 'uniform', count: 5, template: 'k{i}' } as const;
    expect(() => keyLoad(dist, { shardCount: 2 }, { topKeys: -1 })).toThrow(RangeError);
    expect(() => keyLoad(dist, { shardCount: 2 }, { exactKeyLimit: 1.5 })).toThrow(RangeError);
    expect(() => keyLoad(dist, { shardCount: 2 }, { hotKeyShareThreshold: Number.NaN })).toThrow(RangeError);
    // An option passed as undefined keeps its default.
    expect(keyLoad(dist, { shardCount: 2 }, { topKeys: undefined }).hotKeys).toHaveLength(5);
  });
});
