/**
 * Key samplers: the partition key (and ExplicitHashKey, when the scenario gives one) of each record
 * a real target sends, drawn with the shares `src/keys/distribution.ts` defines, the same shares the
 * planner and the engine place on shards. Nothing here restates a distribution's weights: every
 * probability comes from `generatedKeys(…).shareOf / massOf / tail` or `keyShares`.
 *
 * - uniform: ⌊u·N⌋.
 * - zipf: an alias table over the heaviest keys (all of them up to 2^20); beyond that, one more
 *   column carries the rest's mass and a draw that lands there picks a rank of the tail by
 *   rejection-inversion (below), so 10^9 keys cost the table of 2^20, not 12 GB.
 * - hot-set: hot or cold by their masses, then uniform within the group (two groups of equal keys
 *   need no table).
 * - weighted: an alias table over the list (duplicates kept apart, as `keyShares` gives them).
 * - unique: a fresh key per record, `length` characters drawn from the generator.
 */
import {
  type EnumerableKeyDistribution,
  type GeneratedKeys,
  generatedKeys,
  keyShares,
  type UniqueKeys,
  type ZipfKeys,
} from '../keys/distribution.js';
import { keyName } from '../keys/template.js';
import type { KeyDistribution } from '../scenario/schema.js';
import { AliasTable } from './alias.js';
import type { Rng } from './random.js';

/** What a record is sent with. */
export interface SampledKey {
  partitionKey: string;
  /** The scenario's ExplicitHashKey for this key (a decimal 128-bit integer), when it gives one. */
  explicitHashKey?: string | undefined;
}

export interface KeySampler {
  /** The next record's key. */
  next(): SampledKey;
}

/** A sampler over a finite list of keys, which can also draw the key's index (for tests, and routing by index). */
export interface IndexedKeySampler extends KeySampler {
  /** Keys in the distribution (the weighted list's length, duplicates included). */
  count: number;
  /** The index of the next record's key, 0-based (`keyOf` names it). */
  nextIndex(): number;
  keyOf(index: number): SampledKey;
}

/** Keys at most in a zipf sampler's alias table (12 bytes each: 12 MiB); heavier distributions sample their tail by rejection. */
export const ZIPF_TABLE_KEYS = 1 << 20;

/** A sampler of the distribution's keys, drawing from `rng` (fork one per producer or worker). */
export function keySampler(dist: KeyDistribution, rng: Rng): KeySampler {
  return dist.dist === 'unique' ? uniqueKeySampler(dist, rng) : indexedKeySampler(dist, rng);
}

export function indexedKeySampler(dist: EnumerableKeyDistribution, rng: Rng): IndexedKeySampler {
  if (dist.dist === 'weighted') {
    const table = new AliasTable(keyShares(dist));
    const keyOf = (index: number): SampledKey => {
      const k = dist.keys[index]!;
      return { partitionKey: k.key, explicitHashKey: k.explicitHashKey };
    };
    return indexed(dist.keys.length, () => table.sample(rng), keyOf);
  }
  const keys = generatedKeys(dist);
  const keyOf = (index: number): SampledKey => ({ partitionKey: keyName(dist.template, index) });
  if (dist.dist === 'zipf' && dist.exponent !== 0) {
    return indexed(keys.count, zipfIndex(dist, keys, rng), keyOf);
  }
  if (dist.dist === 'hot-set') return indexed(keys.count, hotSetIndex(dist.hot, keys, rng), keyOf);
  // Uniform (and zipf with exponent 0, which `generatedKeys` models as uniform).
  const count = keys.count;
  return indexed(count, () => Math.floor(rng.uniform53() * count), keyOf);
}

function indexed(
  count: number,
  nextIndex: () => number,
  keyOf: (index: number) => SampledKey,
): IndexedKeySampler {
  return { count, nextIndex, keyOf, next: () => keyOf(nextIndex()) };
}

function hotSetIndex(hotKeys: number, keys: GeneratedKeys, rng: Rng): () => number {
  const count = keys.count;
  const hot = Math.min(hotKeys, count);
  const cold = count - hot;
  // P(hot) = the hot keys' mass over all the mass (1 up to rounding).
  const hotMass = keys.massOf(0, hot);
  const pHot = hotMass / (hotMass + keys.massOf(hot, count));
  return () => {
    const u = rng.uniform53();
    // Reuse u within its group: u / pHot is uniform on [0, 1) given u < pHot (53 bits spare plenty).
    if (u < pHot || cold === 0) return Math.min(hot - 1, Math.floor((u / pHot) * hot));
    return hot + Math.min(cold - 1, Math.floor(((u - pHot) / (1 - pHot)) * cold));
  };
}

function zipfIndex(dist: ZipfKeys, keys: GeneratedKeys, rng: Rng): () => number {
  const head = Math.min(keys.count, ZIPF_TABLE_KEYS);
  const hasTail = head < keys.count;
  const weights = new Float64Array(head + (hasTail ? 1 : 0));
  for (let i = 0; i < head; i++) weights[i] = keys.shareOf(i);
  if (hasTail) weights[head] = keys.tail(head).share;
  const table = new AliasTable(weights);
  if (!hasTail) return () => table.sample(rng);
  // Ranks head + 1 … count (indices head … count − 1), each ∝ r^−s as shareOf says.
  const tail = new ZipfRejectionInversion(head + 1, keys.count, dist.exponent);
  return () => {
    const column = table.sample(rng);
    return column < head ? column : tail.sample(rng) - 1;
  };
}

/**
 * Ranks a … b with P(k) ∝ k^−s, by rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996),
 * in O(1) memory. With h(x) = x^−s and its integral H(x) = (x^(1−s) − 1)/(1 − s) (ln x at s = 1):
 * draw u uniform on [H(a + ½) − h(a), H(b + ½)), take k = round(H⁻¹(u)) and accept it when
 * u ≥ H(k + ½) − h(k). Each k is accepted on an interval of length exactly h(k); h is convex, so
 * ∫_{k−½}^{k+½} h ≥ h(k) and that interval lies inside the one that rounds to k: exact, without
 * the paper's squeeze (one more power per draw, fewer ways to be wrong). Acceptance is above 90 %.
 */
export class ZipfRejectionInversion {
  private readonly lower: number;
  private readonly upper: number;

  constructor(
    private readonly a: number,
    private readonly b: number,
    private readonly s: number,
  ) {
    this.lower = this.H(a + 0.5) - this.h(a);
    this.upper = this.H(b + 0.5);
  }

  sample(rng: Rng): number {
    for (;;) {
      const u = this.lower + rng.uniform53() * (this.upper - this.lower);
      const k = Math.min(this.b, Math.max(this.a, Math.floor(this.Hinverse(u) + 0.5)));
      if (u >= this.H(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  /** (x^(1−s) − 1)/(1 − s) as ln x · expm1(y)/y with y = (1 − s) ln x: exact as s → 1. */
  private H(x: number): number {
    const lnX = Math.log(x);
    const y = (1 - this.s) * lnX;
    return lnX * (Math.abs(y) < 1e-12 ? 1 : Math.expm1(y) / y);
  }

  /** x = (1 + (1 − s)u)^(1/(1−s)) = exp(u · log1p(t)/t) with t = (1 − s)u (≥ −1: rounding at the edge). */
  private Hinverse(u: number): number {
    const t = Math.max(-1, (1 - this.s) * u);
    return Math.exp(u * (Math.abs(t) < 1e-12 ? 1 : Math.log1p(t) / t));
  }
}

/** base64url: 64 single-byte characters, 6 bits each. */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const KEY_CODES = Array.from(KEY_ALPHABET, (c) => c.charCodeAt(0));

/**
 * A fresh key per record: `length` characters of base64url, five from each 32-bit generator step
 * (30 of its bits). Two of n keys collide with probability about n² / 2^(6·length + 1): for the
 * default 36 characters (216 bits), never in practice; a scenario asking for 4-character keys gets
 * 16.7 million possible names, as it would from a real producer. Deterministic per generator.
 */
function uniqueKeySampler(dist: UniqueKeys, rng: Rng): KeySampler {
  const length = dist.length;
  // Character codes, made into one flat string at once: joining an array of one-character
  // strings cost 0.8 µs a 36-character key, String.fromCharCode 0.25 µs (a real target draws
  // one per record: tens of thousands a second).
  const codes = new Array<number>(length);
  return {
    next: () => {
      let bits = 0;
      for (let i = 0; i < length; i++) {
        // uniform() is k/2^32 for a 32-bit k: × 2^32 gives k back exactly.
        if (i % 5 === 0) bits = (rng.uniform() * 2 ** 32) >>> 0;
        codes[i] = KEY_CODES[bits & 63]!;
        bits >>>= 6;
      }
      return { partitionKey: String.fromCharCode.apply(null, codes) };
    },
  };
}
