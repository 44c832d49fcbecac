/**
 * The one source of randomness of the engine and of the targets that send real records: a seeded
 * xoroshiro128+ (pure-rand), passed in, never global. The same seed gives the same numbers on every
 * machine. `fork(label)` derives an independent generator from the seed and a name (a producer, a
 * worker), so what one producer draws does not depend on how many others exist or in which order
 * they start.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const TWO_POW_32 = 2 ** 32;
const TWO_POW_26 = 2 ** 26;
const TWO_POW_53 = 2 ** 53;
const NORMAL_TABLE = 1 << 16;

export class Rng {
  private readonly generator: ReturnType<typeof xoroshiro128plus>;
  private spare: number | undefined;
  /** The seed this generator started from (what `fork` derives from). */
  readonly seed: number;

  /** 2^16 standard normal variates drawn once from this generator, for `fastNormal`. */
  private readonly normals: Float64Array;

  constructor(seed: number) {
    this.seed = seed | 0;
    this.generator = xoroshiro128plus(seed | 0);
    // Mix the seed in: nearby seeds start from nearby states.
    for (let i = 0; i < 16; i++) this.generator.next();
    this.normals = new Float64Array(NORMAL_TABLE);
    for (let i = 0; i < NORMAL_TABLE; i++) this.normals[i] = this.normal();
  }

  /**
   * A standard normal variate picked from a table of 65,536 drawn at construction: one generator
   * step instead of two uniforms, a logarithm and a square root. The engine's per-shard, per-tick
   * noise needs the normal's shape, not a fresh sample every time.
   */
  fastNormal(): number {
    return this.normals[(this.generator.next() >>> 0) & (NORMAL_TABLE - 1)]!;
  }

  /**
   * Fills `out[0 … count)` with `fastNormal` variates, two per generator step (each step's 32 bits
   * are two 16-bit table indices): the engine draws a whole tick's per-shard noise at once.
   */
  fillNormals(out: Float64Array, count: number): void {
    const table = this.normals;
    const mask = NORMAL_TABLE - 1;
    let i = 0;
    for (; i + 1 < count; i += 2) {
      const bits = this.generator.next() >>> 0;
      out[i] = table[bits & mask]!;
      out[i + 1] = table[bits >>> 16]!;
    }
    if (i < count) out[i] = table[(this.generator.next() >>> 0) & mask]!;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return (this.generator.next() >>> 0) / TWO_POW_32;
  }

  /**
   * Uniform in [0, 1) with 53 random bits (two generator steps): every double of the form k/2^53.
   * `uniform`'s 32 bits leave floor(u·n) biased by up to n/2^32 for n not a power of two, and its
   * fraction only 32 − log2(n) bits: an alias table over a million keys needs both to be finer.
   */
  uniform53(): number {
    const high = (this.generator.next() >>> 0) >>> 5; // 27 bits
    const low = (this.generator.next() >>> 0) >>> 6; // 26 bits
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /**
   * An independent generator for `label` (a producer's name, `worker-3`), derived from this one's
   * seed and the label only: not from how many numbers this one has drawn, nor from other forks.
   * Forking the same label twice gives the same sequence. Costs one construction (the 65,536-entry
   * normal table: about a millisecond), so fork once per producer or worker, not per record.
   */
  fork(label: string): Rng {
    return new Rng(forkSeed(this.seed, label));
  }

  /** Standard normal (Marsaglia's polar method, one spare kept). */
  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    return u * factor;
  }

  /**
   * A Poisson count with mean λ: exact below 30 and a rounded normal approximation above (the error
   * is far below what the model resolves). Exact draws: below 10 by inversion (one uniform, then
   * the cumulative probabilities e^−λ λ^k / k! summed until they pass it); from 10 by Hörmann's
   * transformed rejection, PTRS (two uniforms per try, about 1.1 tries). Knuth's product of
   * uniforms, used before, took λ generator steps a draw and made a run at λ ≈ 25 a shard-tick
   * three times slower than one at 50.
   */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 10) {
      const u = this.uniform();
      let p = Math.exp(-lambda);
      let cumulative = p;
      let k = 0;
      // The cap guards against rounding leaving the sum just under u (by 60 terms it is 1).
      while (u > cumulative && k < 100) {
        k++;
        p *= lambda / k;
        cumulative += p;
      }
      return k;
    }
    if (lambda < 30) return this.poissonPtrs(lambda);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.fastNormal()));
  }

  /**
   * PTRS (W. Hörmann, "The transformed rejection method for generating Poisson random variables",
   * Insurance: Mathematics and Economics 12, 1993), for λ ≥ 10; the constants are the paper's.
   */
  private poissonPtrs(lambda: number): number {
    const sqrtLambda = Math.sqrt(lambda);
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * sqrtLambda;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * logLambda - logFactorial(k)
      ) {
        return k;
      }
    }
  }
}

/** ln k! for k < 256 (summed once), Stirling's series above. */
const LOG_FACTORIALS = (() => {
  const table = new Float64Array(256);
  for (let k = 2; k < 256; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIALS[k]!;
  const n = k + 1;
  // ln Γ(n) = (n − ½) ln n − n + ½ ln 2π + 1/(12n) − 1/(360n³): beyond 256 the next term is < 1e−16.
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/**
 * The seed of `fork(label)`: FNV-1a (32-bit) of the label's UTF-16 code units, combined with the
 * parent seed times the golden-ratio constant 0x9e3779b9, then MurmurHash3's 32-bit finaliser so
 * that labels differing in one character give unrelated seeds (the generator's 16 warm-up steps
 * then separate even adjacent seeds).
 */
export function forkSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  let h = hash ^ Math.imul(seed | 0, 0x9e3779b9);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
