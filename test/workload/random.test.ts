/** The engine's random draws: seeded, and with the distributions the model assumes. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/workload/random.js';

const N = 40_000;

function sample(draw: () => number): { mean: number; variance: number; values: number[] } {
  const values = Array.from({ length: N }, draw);
  const mean = values.reduce((a, v) => a + v, 0) / N;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (N - 1);
  return { mean, variance, values };
}

describe('Rng.poisson', () => {
  for (const lambda of [0.3, 2, 12, 25, 29.9, 50, 400]) {
    it(`λ = ${lambda}: mean and variance λ`, () => {
      const rng = new Rng(11);
      const { mean, variance, values } = sample(() => rng.poisson(lambda));
      // The sample mean's standard error is √(λ/N); 5 of them. The sample variance's is about
      // λ √(2/N) (plus a little for the fourth cumulant, λ/N): 6 of them.
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / N));
      expect(Math.abs(variance - lambda)).toBeLessThan(
        6 * lambda * Math.sqrt(2 / N) + 6 * Math.sqrt(lambda / N),
      );
      expect(values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    });
  }

  it('λ = 2: P(0) = e^−2 = 0.1353 and P(1) = 2e^−2 = 0.2707', () => {
    const rng = new Rng(5);
    const { values } = sample(() => rng.poisson(2));
    const share = (k: number) => values.filter((v) => v === k).length / N;
    // Binomial standard error √(p(1−p)/N) ≈ 0.0017 and 0.0022: within 5 of them.
    expect(Math.abs(share(0) - Math.exp(-2))).toBeLessThan(0.0085);
    expect(Math.abs(share(1) - 2 * Math.exp(-2))).toBeLessThan(0.011);
  });

  it('λ = 20 (transformed rejection): P(20) = e^−20 20^20 / 20! = 0.08884, P(≤ 12) = 0.03901', () => {
    const rng = new Rng(8);
    const { values } = sample(() => rng.poisson(20));
    const share = (test: (v: number) => boolean) => values.filter(test).length / N;
    // Standard errors √(p(1−p)/N): 0.0014 and 0.00097; within 5 of them.
    expect(Math.abs(share((v) => v === 20) - 0.08884)).toBeLessThan(0.0071);
    expect(Math.abs(share((v) => v <= 12) - 0.03901)).toBeLessThan(0.0049);
  });

  it('λ ≤ 0 gives 0; the same seed gives the same draws', () => {
    expect(new Rng(1).poisson(0)).toBe(0);
    expect(new Rng(1).poisson(-3)).toBe(0);
    const a = new Rng(9);
    const b = new Rng(9);
    expect(Array.from({ length: 100 }, () => a.poisson(7))).toEqual(
      Array.from({ length: 100 }, () => b.poisson(7)),
    );
  });
});

describe('Rng.fillNormals', () => {
  it('standard normal values, two per generator step, the same for the same seed', () => {
    const rng = new Rng(3);
    const out = new Float64Array(N + 1);
    rng.fillNormals(out, N + 1);
    const values = [...out];
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
    // Drawn from a table of 65,536 normals: mean 0 ± 5/√N, variance 1 ± 6√(2/N).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(6 * Math.sqrt(2 / N));
    const again = new Float64Array(N + 1);
    new Rng(3).fillNormals(again, N + 1);
    expect(again).toEqual(out);
  });
});

describe('logFactorial', () => {
  it('is ln k! from the table and from Stirling’s series alike', async () => {
    const { logFactorial } = await import('../../src/workload/random.js');
    // ln 5! = ln 120 = 4.787491742782046.
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    // Across the table's end: ln 256! = ln 255! + ln 256.
    let exact = 0;
    for (let k = 2; k <= 300; k++) exact += Math.log(k);
    expect(logFactorial(300)).toBeCloseTo(exact, 8);
    expect(logFactorial(256)).toBeCloseTo(logFactorial(255) + Math.log(256), 9);
  });
});

describe('Rng for record-level sampling', () => {
  it('fork(label): the same label gives the same sequence, whatever the parent drew before', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 1000; i++) b.uniform();
    const fa = a.fork('producer-web');
    const fb = b.fork('producer-web');
    const seqA = Array.from({ length: 100 }, () => fa.uniform());
    expect(Array.from({ length: 100 }, () => fb.uniform())).toEqual(seqA);
  });

  it('fork(label): other labels and other seeds give other sequences', () => {
    const first = (rng: Rng) => Array.from({ length: 4 }, () => rng.uniform());
    const base = first(new Rng(42).fork('worker-0'));
    expect(first(new Rng(42).fork('worker-1'))).not.toEqual(base);
    expect(first(new Rng(43).fork('worker-0'))).not.toEqual(base);
    expect(first(new Rng(42))).not.toEqual(base);
  });

  it('forks are uncorrelated with each other: Pearson r of 20,000 pairs within 4/√n', () => {
    const x = new Rng(1).fork('a');
    const y = new Rng(1).fork('b');
    const n = 20_000;
    let sx = 0;
    let sy = 0;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const u = x.uniform();
      const v = y.uniform();
      sx += u;
      sy += v;
      sxy += u * v;
      sxx += u * u;
      syy += v * v;
    }
    const r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    // Under independence r has standard error 1/√n = 0.0071: 4 of them is 0.028.
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('uniform53: in [0, 1), multiples of 2^−53, uniform (KS at α = 0.001: 1.9495/√20,000 = 0.0138)', () => {
    const rng = new Rng(5);
    const values = Array.from({ length: 20_000 }, () => rng.uniform53());
    expect(values.every((u) => u >= 0 && u < 1 && Number.isInteger(u * 2 ** 53))).toBe(true);
    // More than 32 bits: some draws are not multiples of 2^−32.
    expect(values.some((u) => !Number.isInteger(u * 2 ** 32))).toBe(true);
    const sorted = [...values].sort((a, b) => a - b);
    const d = sorted.reduce(
      (max, u, i) => Math.max(max, (i + 1) / sorted.length - u, u - i / sorted.length),
      0,
    );
    expect(d).toBeLessThan(1.9495 / Math.sqrt(sorted.length));
  });
});
