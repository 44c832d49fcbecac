import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allGatesPassed, evaluateGate, evaluateGates } from '../../src/gates/evaluate.js';
import { GATE_OPS, type Gate, type GateOp, parseGate } from '../../src/gates/expression.js';

function gate(text: string, source: Gate['source'] = 'scenario'): Gate {
  const parsed = parseGate(text, source);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.gate;
}

const metrics = {
  'putLatency.p99': 0.312,
  throttledRatio: 0.0004,
  'cost.monthly.provisioned': 1523.4,
  'firehose.logs.objectBytes': 67_108_864,
  'traffic.peakWriteBytesPerSecond': 1_572_864,
  'shards.recommended': 23,
  'consumers.archiver.lagSeconds.max': 42,
};

describe('evaluateGates', () => {
  it('fails a latency above its limit, in ms', () => {
    expect(evaluateGate(gate('putLatency.p99 < 250ms'), metrics)).toEqual({
      gate: 'putLatency.p99 < 250ms',
      metric: 'putLatency.p99',
      op: '<',
      allowed: 0.25,
      measured: 0.312,
      passed: false,
      source: 'scenario',
      quantity: 'seconds',
      measuredText: '312 ms',
      allowedText: '< 250 ms',
      message: 'putLatency.p99 = 312 ms, allowed < 250 ms',
    });
  });

  it('renders each metric in its natural unit, whatever unit the gate was written in', () => {
    const verdicts = evaluateGates(
      [
        gate('throttledRatio <= 0.001'), // 0.0004 ≤ 0.001
        gate('cost.monthly.provisioned < $1,500', 'cli'), // 1523.40 ≥ 1500
        gate('firehose.logs.objectBytes >= 64MiB'), // 2^26 = 64 MiB exactly
        gate('traffic.peakWriteBytesPerSecond < 1048576'), // 1.5 MiB/s ≥ 1 MiB/s
        gate('shards.recommended <= 32'),
        gate('consumers.archiver.lagSeconds.max < 1m'), // 42 s < 60 s
      ],
      metrics,
    );
    expect(verdicts.map((v) => [v.passed, v.message, v.source])).toEqual([
      [true, 'throttledRatio = 0.04%, allowed <= 0.1%', 'scenario'],
      [false, 'cost.monthly.provisioned = $1,523, allowed < $1,500', 'cli'],
      [true, 'firehose.logs.objectBytes = 64 MiB, allowed >= 64 MiB', 'scenario'],
      [false, 'traffic.peakWriteBytesPerSecond = 1.5 MiB/s, allowed < 1 MiB/s', 'scenario'],
      [true, 'shards.recommended = 23, allowed <= 32', 'scenario'],
      [true, 'consumers.archiver.lagSeconds.max = 42 s, allowed < 60 s', 'scenario'],
    ]);
    expect(allGatesPassed(verdicts)).toBe(false);
    expect(allGatesPassed(verdicts.filter((v) => v.passed))).toBe(true);
    expect(allGatesPassed([])).toBe(true);
  });

  it('fails an unknown metric with a clear message and a suggestion', () => {
    const v = evaluateGate(gate('throttleRatio < 1%'), metrics);
    expect(v).toMatchObject({
      passed: false,
      measured: null,
      measuredText: 'not measured',
      allowedText: '< 1%',
    });
    expect(v.message).toBe(
      'throttleRatio: no such metric in this plan or run; did you mean "throttledRatio"?',
    );
  });

  it('does not find inherited properties as metrics', () => {
    const v = evaluateGate(gate('constructor > 0'), {});
    expect(v.passed).toBe(false);
    expect(v.message).toBe('constructor: no such metric in this plan or run');
  });

  it('fails a gate whose unit does not fit its metric', () => {
    const v = evaluateGate(gate('putLatency.p99 < 5MiB'), metrics);
    expect(v.passed).toBe(false);
    expect(v.message).toBe(
      'putLatency.p99 is a duration (seconds), but 5MiB is a size: the gate cannot be checked',
    );
  });

  it('fails a NaN measurement for every operator', () => {
    for (const op of GATE_OPS) {
      const v = evaluateGate(gate(`m ${op} 1`), { m: Number.NaN });
      expect(v.passed).toBe(false);
      expect(v.message).toBe('m is not a number (NaN): the gate cannot be checked');
    }
  });

  it('shows enough digits to tell a near miss from the limit', () => {
    const v = evaluateGate(gate('putLatency.p99 < 250ms'), { 'putLatency.p99': 0.2504 });
    expect(v.message).toBe('putLatency.p99 = 250.4 ms, allowed < 250 ms');
  });

  it('holds the boundary of each operator', () => {
    const at = (op: GateOp, value: number) => evaluateGate(gate(`m ${op} 10`), { m: value }).passed;
    expect([at('<', 10), at('<=', 10), at('>', 10), at('>=', 10), at('==', 10), at('!=', 10)]).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});

describe('evaluateGates: property', () => {
  const oracle: Record<GateOp, (a: number, b: number) => boolean> = {
    '<': (a, b) => a < b,
    '<=': (a, b) => a <= b,
    '>': (a, b) => a > b,
    '>=': (a, b) => a >= b,
    '==': (a, b) => a === b,
    '!=': (a, b) => a !== b,
  };
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  it('`m OP b` passes iff a OP b, for any measured a and threshold b', () => {
    fc.assert(
      fc.property(finite, finite, fc.constantFrom(...GATE_OPS), (a, b, op) => {
        const v = evaluateGate(gate(`m ${op} ${String(b)}`), { m: a });
        expect(v.passed).toBe(oracle[op](a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('holds with the threshold equal to the measurement (the boundary)', () => {
    fc.assert(
      fc.property(finite, fc.constantFrom(...GATE_OPS), (a, op) => {
        const v = evaluateGate(gate(`m ${op} ${String(a)}`), { m: a });
        expect(v.passed).toBe(oracle[op](a, a));
      }),
    );
  });
});
