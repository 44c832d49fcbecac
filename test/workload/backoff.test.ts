/** The retry backoff: the SDK's full jitter with the scenario's settings, one definition for the engine and real targets. */
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../src/aws/facts.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import {
  backoffCapSeconds,
  meanBackoffSeconds,
  nextDelay,
  retriesAfter,
} from '../../src/workload/backoff.js';
import { Rng } from '../../src/workload/random.js';
import { ksCritical, ksDistance } from './stats.js';

const SDK = { maxAttempts: 3, baseDelay: 0.1, maxDelay: 20 };

describe('backoff', () => {
  it('caps: min(maxDelay, base × 2^(attempt − 2)), by hand', () => {
    // Attempt 2 (the first retry, the SDK's retry 0): 0.1 × 2^0 = 0.1 s; attempt 3: 0.2 s;
    // attempt 9: 0.1 × 2^7 = 12.8 s; attempt 10: 0.1 × 2^8 = 25.6 s, capped at 20 s.
    expect([2, 3, 9, 10, 30].map((a) => backoffCapSeconds(SDK, a))).toEqual([0.1, 0.2, 12.8, 20, 20]);
    expect([2, 3, 10].map((a) => meanBackoffSeconds(SDK, a))).toEqual([0.05, 0.1, 10]);
  });

  it('attempts: a record that fails attempt a is sent again while a < maxAttempts', () => {
    expect([1, 2, 3].map((a) => retriesAfter(SDK, a))).toEqual([true, true, false]);
  });

  it('the scenario’s retry defaults are the SDK’s (KINESIS.sdk*, source SMITHY)', () => {
    const scenario = scenarioSchema.parse({
      name: 'd',
      stream: { shards: 1 },
      producers: [{ name: 'p', rate: '1/s' }],
    });
    const { retry } = scenario.producers[0]!;
    expect(retry).toEqual({
      maxAttempts: KINESIS.sdkMaxAttempts.value,
      baseDelay: KINESIS.sdkBaseDelaySeconds.value,
      maxDelay: KINESIS.sdkMaxDelaySeconds.value,
    });
  });

  it('nextDelay: uniform on [0, cap): bounds, mean cap/2 and KS against u/cap', () => {
    const rng = new Rng(12);
    for (const attempt of [2, 4, 12]) {
      const cap = backoffCapSeconds(SDK, attempt);
      const n = 20_000;
      const delays = Array.from({ length: n }, () => nextDelay(SDK, attempt, rng));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(cap);
      // A uniform on [0, cap) has mean cap/2 and standard deviation cap/√12: the mean of 20,000
      // within 5 standard errors, 5 × cap/√12/√20,000 = 0.0102 × cap.
      const mean = delays.reduce((a, d) => a + d, 0) / n;
      expect(Math.abs(mean - meanBackoffSeconds(SDK, attempt))).toBeLessThan((5 * cap) / Math.sqrt(12 * n));
      expect(ksDistance(delays, (d) => Math.min(1, Math.max(0, d / cap)))).toBeLessThan(ksCritical(n));
    }
  });
});
