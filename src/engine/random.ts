/**
 * The engine's one source of randomness: a seeded xoroshiro128+ (pure-rand), passed in, never
 * global. The same seed gives the same numbers on every machine.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const TWO_POW_32 = 2 ** 32;
const NORMAL_TABLE = 1 << 16;

export class Rng {
  private readonly generator: ReturnType<typeof xoroshiro128plus>;
  private spare: number | undefined;

  /** 2^16 standard normal variates drawn once from this generator, for `fastNormal`. */
  private readonly normals: Float64Array;

  constructor(seed: number) {
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
   * A Poisson count with mean λ: exact (Knuth's product of uniforms) for λ < 30, a rounded normal
   * approximation above (the error is far below what the model resolves).
   */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.fastNormal()));
  }
}
