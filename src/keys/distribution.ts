/**
 * Key distributions: the share of a producer's records each partition key carries, and the bytes
 * of the keys. Shares are fractions of the producer's records and sum to 1.
 *
 * - uniform: every key 1/N.
 * - zipf: the key of rank r = 1 … N (index i = r − 1) carries r^−s / H(N, s), where
 *   H(N, s) = Σ_{r=1}^{N} r^−s.
 * - hot-set: the first `hot` keys share `share` evenly, the other N − hot keys share 1 − share
 *   evenly; when every key is hot they carry everything, 1/N each.
 * - weighted: the listed weights, normalised.
 * - unique: every record has a new random key; no key repeats, so no key carries a share.
 */
import type { KeyDistribution } from '../scenario/schema.js';
import { decimalDigits, TemplateEncoder } from './template.js';

export type UniformKeys = Extract<KeyDistribution, { dist: 'uniform' }>;
export type ZipfKeys = Extract<KeyDistribution, { dist: 'zipf' }>;
export type HotSetKeys = Extract<KeyDistribution, { dist: 'hot-set' }>;
export type WeightedKeys = Extract<KeyDistribution, { dist: 'weighted' }>;
export type UniqueKeys = Extract<KeyDistribution, { dist: 'unique' }>;
/** Distributions whose keys are named by a template and an index. */
export type GeneratedKeyDistribution = UniformKeys | ZipfKeys | HotSetKeys;
/** Distributions with a finite list of keys. */
export type EnumerableKeyDistribution = GeneratedKeyDistribution | WeightedKeys;

/**
 * The model of a generated distribution the load computation works from. Ranks order keys
 * heaviest first (ties by index), and the heaviest keys always form at most two index ranges.
 */
export interface GeneratedKeys {
  count: number;
  template: string;
  /** Share of the key with this index. */
  shareOf(index: number): number;
  /** The heaviest `n` keys as index ranges [from, to), heaviest first. */
  heaviest(n: number): [from: number, to: number][];
  /** Σ share and Σ share² over all keys but the heaviest `n`. */
  tail(n: number): { share: number; sumSquaredShares: number };
  /** How many keys carry more than `share`. */
  countAbove(share: number): number;
  /** Σ share over the keys with index in [from, to). */
  massOf(from: number, to: number): number;
  /** Keys with a share above zero. */
  activeKeys: number;
  /** The largest index among the keys with a share above zero. */
  lastActiveIndex: number;
}

/** The model of a uniform, zipf or hot-set distribution. */
export function generatedKeys(dist: GeneratedKeyDistribution): GeneratedKeys {
  switch (dist.dist) {
    case 'uniform':
      return uniformKeys(dist.count, dist.template);
    case 'zipf':
      return dist.exponent === 0 ? uniformKeys(dist.count, dist.template) : zipfKeys(dist);
    case 'hot-set':
      return hotSetKeys(dist);
  }
}

function uniformKeys(count: number, template: string): GeneratedKeys {
  const share = 1 / count;
  return {
    count,
    template,
    shareOf: () => share,
    heaviest: (n) => [[0, Math.min(n, count)]],
    tail: (n) => {
      const rest = count - Math.min(n, count);
      return { share: rest / count, sumSquaredShares: rest / count / count };
    },
    countAbove: (threshold) => (share > threshold ? count : 0),
    massOf: (from, to) => (to - from) / count,
    activeKeys: count,
    lastActiveIndex: count - 1,
  };
}

function zipfKeys(dist: ZipfKeys): GeneratedKeys {
  const { count, exponent: s, template } = dist;
  const total = sumPowers(1, count, s);
  const inverseTotal = 1 / total;
  // s = 1 is the common case: a division instead of Math.pow.
  const shareOf =
    s === 1
      ? (index: number) => inverseTotal / (index + 1)
      : // exp(−s·ln r) is r^−s to the last bit or two, at less than half the cost of Math.pow.
        (index: number) => Math.exp(-s * Math.log(index + 1)) * inverseTotal;
  return {
    count,
    template,
    shareOf,
    heaviest: (n) => [[0, Math.min(n, count)]],
    tail: (n) => ({
      share: sumPowers(n + 1, count, s) / total,
      sumSquaredShares: sumPowers(n + 1, count, 2 * s) / total / total,
    }),
    countAbove: (threshold) => {
      // r^−s / H > t ⇔ r < (t·H)^(−1/s); start from the closed form and step over rounding.
      if (threshold <= 0) return count;
      let n = Math.min(count, Math.max(0, Math.floor((threshold * total) ** (-1 / s))));
      while (n < count && shareOf(n) > threshold) n++;
      while (n > 0 && shareOf(n - 1) <= threshold) n--;
      return n;
    },
    massOf: (from, to) => sumPowers(from + 1, to, s) / total,
    activeKeys: count,
    lastActiveIndex: count - 1,
  };
}

function hotSetKeys(dist: HotSetKeys): GeneratedKeys {
  const { count, template } = dist;
  const hot = Math.min(dist.hot, count);
  const cold = count - hot;
  // With no cold keys the hot keys carry every record, whatever `share` says.
  const hotShare = cold === 0 ? 1 / count : dist.share / hot;
  const coldShare = cold === 0 ? 0 : (1 - dist.share) / cold;
  const hotFirst = hotShare >= coldShare;
  const shareOf = (index: number) => (index < hot ? hotShare : coldShare);
  const overlap = (from: number, to: number, lo: number, hi: number) =>
    Math.max(0, Math.min(to, hi) - Math.max(from, lo));
  return {
    count,
    template,
    shareOf,
    heaviest: (n) => {
      const m = Math.min(n, count);
      if (hotFirst) return [[0, m]];
      // Cold keys are the heavier ones: all of them (index order) before any hot key.
      if (m <= cold) return [[hot, hot + m]];
      return [
        [hot, count],
        [0, m - cold],
      ];
    },
    tail: (n) => {
      const m = Math.min(n, count);
      const hotInHead = hotFirst ? Math.min(m, hot) : Math.max(0, m - cold);
      const coldInHead = m - hotInHead;
      const hotLeft = hot - hotInHead;
      const coldLeft = cold - coldInHead;
      return {
        share: hotLeft * hotShare + coldLeft * coldShare,
        sumSquaredShares: hotLeft * hotShare * hotShare + coldLeft * coldShare * coldShare,
      };
    },
    countAbove: (threshold) => (hotShare > threshold ? hot : 0) + (coldShare > threshold ? cold : 0),
    massOf: (from, to) => overlap(from, to, 0, hot) * hotShare + overlap(from, to, hot, count) * coldShare,
    activeKeys: (hotShare > 0 ? hot : 0) + (coldShare > 0 ? cold : 0),
    lastActiveIndex: coldShare > 0 ? count - 1 : hot - 1,
  };
}

/**
 * The share of every key, in index order (weighted: in list order, duplicates kept apart).
 * Allocates one number per key: for very large counts use the load computation instead.
 */
export function keyShares(dist: EnumerableKeyDistribution): Float64Array {
  if (dist.dist === 'weighted') {
    const total = dist.keys.reduce((sum, k) => sum + k.weight, 0);
    return Float64Array.from(dist.keys, (k) => k.weight / total);
  }
  const keys = generatedKeys(dist);
  const shares = new Float64Array(keys.count);
  for (let i = 0; i < keys.count; i++) shares[i] = keys.shareOf(i);
  return shares;
}

/** Distinct keys with a share above zero; `unbounded` for unique keys. */
export function distinctKeyCount(dist: KeyDistribution): number | 'unbounded' {
  switch (dist.dist) {
    case 'unique':
      return 'unbounded';
    case 'weighted':
      return new Set(dist.keys.map((k) => routingIdentity(k.key, k.explicitHashKey))).size;
    default:
      return generatedKeys(dist).activeKeys;
  }
}

/**
 * What makes two weighted entries the same key: the same name routed the same way. Entries that
 * repeat a name with the same (or no) ExplicitHashKey are one key; their weights add.
 */
export function routingIdentity(key: string, explicitHashKey: string | undefined): string {
  return explicitHashKey === undefined ? key : `${key}\u0000${explicitHashKey}`;
}

/**
 * Mean UTF-8 bytes of the partition key per record (keys weighted by the records they carry).
 * Unique keys are taken as `length` single-byte characters (UUIDs, hex or base64 ids).
 */
export function meanKeyBytes(dist: KeyDistribution): number {
  switch (dist.dist) {
    case 'unique':
      return dist.length;
    case 'weighted': {
      const encoder = new TextEncoder();
      let total = 0;
      let bytes = 0;
      for (const k of dist.keys) {
        total += k.weight;
        bytes += k.weight * encoder.encode(k.key).length;
      }
      return bytes / total;
    }
    default:
      return generatedMeanKeyBytes(generatedKeys(dist), new TemplateEncoder(dist.template));
  }
}

/** Mean name bytes of a generated distribution: names within a decade of indices have one length. */
export function generatedMeanKeyBytes(keys: GeneratedKeys, encoder: TemplateEncoder): number {
  let bytes = 0;
  // Indices 0–9 have one digit, 10–99 two, … : weigh each decade's length by its traffic.
  for (let digits = 1, from = 0; from < keys.count; digits++) {
    const to = Math.min(keys.count, 10 ** digits);
    bytes += keys.massOf(from, to) * (encoder.fixedBytes + encoder.placeholders * digits);
    from = to;
  }
  return bytes;
}

/** UTF-8 bytes of the longest partition key that carries records. */
export function maxKeyBytes(dist: KeyDistribution): number {
  switch (dist.dist) {
    case 'unique':
      return dist.length;
    case 'weighted': {
      const encoder = new TextEncoder();
      return dist.keys.reduce((longest, k) => Math.max(longest, encoder.encode(k.key).length), 0);
    }
    default: {
      const encoder = new TemplateEncoder(dist.template);
      return encoder.fixedBytes + encoder.placeholders * decimalDigits(generatedKeys(dist).lastActiveIndex);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Σ k^−s

/** Ranges shorter than this are summed term by term. */
const DIRECT_TERMS = 2_000;
/** Euler–Maclaurin takes over from here; its error at k ≥ 1000 is far below a double's precision. */
const EULER_MACLAURIN_FROM = 1000;

/**
 * Σ_{k=a}^{b} k^−s for integers 1 ≤ a, b (0 when b < a): term by term for short ranges, else
 * term by term below 1000 and Euler–Maclaurin above, so any count up to 2^53 costs microseconds.
 */
export function sumPowers(a: number, b: number, s: number): number {
  if (b < a) return 0;
  if (s === 0) return b - a + 1;
  if (b - a < DIRECT_TERMS) return sumDirect(a, b, s);
  const split = Math.max(a, EULER_MACLAURIN_FROM);
  return sumDirect(a, split - 1, s) + eulerMaclaurin(split, b, s);
}

function sumDirect(a: number, b: number, s: number): number {
  let sum = 0;
  // Smallest terms first, to lose less to rounding.
  for (let k = b; k >= a; k--) sum += k ** -s;
  return sum;
}

/**
 * Σ_{k=a}^{b} f(k) ≈ ∫_a^b f + (f(a) + f(b))/2 + Σ_j B_2j/(2j)! · (f^(2j−1)(b) − f^(2j−1)(a)),
 * with f(x) = x^−s, f′ = −s·x^(−s−1), f‴ = −s(s+1)(s+2)·x^(−s−3),
 * f⁽⁵⁾ = −s(s+1)(s+2)(s+3)(s+4)·x^(−s−5), and B2/2! = 1/12, B4/4! = −1/720, B6/6! = 1/30240.
 */
function eulerMaclaurin(a: number, b: number, s: number): number {
  const logRatio = Math.log(b / a);
  // ∫_a^b x^−s dx = (b^(1−s) − a^(1−s))/(1 − s) = a^(1−s)·expm1((1−s)·ln(b/a))/(1 − s); ln(b/a) at s = 1.
  const integral = s === 1 ? logRatio : (a ** (1 - s) * Math.expm1((1 - s) * logRatio)) / (1 - s);
  const derivative = (x: number, order: number) => {
    let c = -1;
    for (let j = 0; j < order; j++) c *= s + j;
    return c * x ** (-s - order);
  };
  return (
    integral +
    (a ** -s + b ** -s) / 2 +
    (derivative(b, 1) - derivative(a, 1)) / 12 -
    (derivative(b, 3) - derivative(a, 3)) / 720 +
    (derivative(b, 5) - derivative(a, 5)) / 30240
  );
}
