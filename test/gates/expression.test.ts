import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWith, GATE_OPS, type Gate, type GateOp, parseGate } from '../../src/gates/expression.js';

function gate(text: string): Gate {
  const parsed = parseGate(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message} (column ${parsed.error.column})`);
  return parsed.gate;
}

function error(text: string) {
  const parsed = parseGate(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.error;
}

describe('parseGate: operators', () => {
  it.each<[string, GateOp]>([
    ['m < 1', '<'],
    ['m <= 1', '<='],
    ['m > 1', '>'],
    ['m >= 1', '>='],
    ['m == 1', '=='],
    ['m != 1', '!='],
  ])('%s', (text, op) => {
    expect(gate(text)).toEqual({
      text,
      metric: 'm',
      op,
      value: 1,
      unit: 'number',
      valueText: '1',
      source: 'scenario',
    });
  });

  it('needs no spaces and keeps the text trimmed', () => {
    expect(gate('  putLatency.p99<=250ms  ')).toMatchObject({
      text: 'putLatency.p99<=250ms',
      metric: 'putLatency.p99',
      op: '<=',
      value: 0.25,
    });
  });

  it('records the source', () => {
    const parsed = parseGate('m < 1', 'cli');
    expect(parsed.ok && parsed.gate.source).toBe('cli');
  });

  it('takes metric names with dots, colons, dashes and underscores', () => {
    expect(gate('consumers.archiver.lagSeconds.max < 30s').metric).toBe('consumers.archiver.lagSeconds.max');
    expect(gate('firehose.logs-to_s3:eu.objectBytes >= 1MB').metric).toBe(
      'firehose.logs-to_s3:eu.objectBytes',
    );
    expect(gate('cost.monthly.provisioned < $1500').metric).toBe('cost.monthly.provisioned');
  });
});

describe('parseGate: values and units', () => {
  it.each<[string, number, Gate['unit']]>([
    // durations → seconds
    ['250ms', 0.25, 'duration'],
    ['1.5s', 1.5, 'duration'],
    ['2m', 120, 'duration'], // m is minutes
    ['1h', 3600, 'duration'],
    ['7d', 604_800, 'duration'],
    ['1h30m', 5400, 'duration'], // 3600 + 30 × 60
    // sizes → bytes; KB decimal, KiB binary
    ['64MiB', 67_108_864, 'size'], // 64 × 2^20
    ['1KB', 1000, 'size'],
    ['1KiB', 1024, 'size'],
    ['1.1KB', 1100, 'size'], // not 1100.0000000000002
    ['512B', 512, 'size'],
    // rates → per second
    ['1.5MiB/s', 1_572_864, 'byteRate'], // 1.5 × 1,048,576
    ['500KB/s', 500_000, 'byteRate'],
    ['5k/s', 5000, 'recordRate'],
    ['2M/s', 2_000_000, 'recordRate'],
    ['3000/s', 3000, 'recordRate'],
    ['5 k / s', 5000, 'recordRate'],
    // money → USD
    ['$1500', 1500, 'money'],
    ['$1,500', 1500, 'money'],
    ['$1,500.50', 1500.5, 'money'],
    ['$ 0.75', 0.75, 'money'],
    ['$1,234,567', 1_234_567, 'money'],
    ['1500USD', 1500, 'money'],
    // percentages → fractions
    ['5%', 0.05, 'percent'],
    ['0.1%', 0.001, 'percent'],
    ['0.7%', 0.007, 'percent'], // 0.7 / 100 is 0.006999999999999999 before rounding
    ['150 %', 1.5, 'percent'],
    // plain numbers
    ['0.001', 0.001, 'number'],
    ['1e-3', 0.001, 'number'],
    ['2.5E+3', 2500, 'number'],
    ['.5', 0.5, 'number'],
    ['1,000', 1000, 'number'],
    ['-2', -2, 'number'],
    ['+3', 3, 'number'],
    ['0', 0, 'number'],
  ])('%s = %d (%s)', (value, expected, unit) => {
    const parsed = gate(`m < ${value}`);
    expect(parsed.value).toBe(expected);
    expect(parsed.unit).toBe(unit);
    expect(parsed.valueText).toBe(value);
  });

  it('reads a negative value with a unit', () => {
    expect(gate('m > -250ms').value).toBe(-0.25);
    expect(gate('m > -5%').value).toBe(-0.05);
    expect(gate('m > -$10').value).toBe(-10);
  });
});

describe('parseGate: errors say what is wrong and at which column', () => {
  it.each<[string, number, string, string?]>([
    ['', 1, 'empty gate'],
    ['   ', 4, 'empty gate'],
    ['< 250ms', 1, 'missing the metric name before "<"'],
    ['putLatency.p99', 15, 'missing a comparison after "putLatency.p99"'],
    ['putLatency.p99 250ms', 16, 'expected a comparison after "putLatency.p99", found "250ms"'],
    [
      'put Latency.p99 < 1s',
      5,
      'expected a comparison after "put", found "Latency.p99"',
      'a metric name has no spaces',
    ],
    ['m = 1', 3, 'unknown comparison "="', 'write == to compare for equality'],
    ['m =< 1', 3, 'unknown comparison "=<"', 'write <='],
    ['m => 1', 3, 'unknown comparison "=>"', 'write >='],
    ['m <> 1', 3, 'unknown comparison "<>"', 'write != for "not equal"'],
    ['m ≤ 1', 3, 'unknown comparison "≤"', 'write <='],
    ['m ! 1', 3, 'unknown comparison "!"', 'write != for "not equal"'],
    ['m === 1', 3, 'unknown comparison "==="'],
    ['m <', 4, 'missing a value after "<"'],
    ['m <=   ', 8, 'missing a value after "<="'],
    ['m < fast', 5, 'expected a number, found "fast"'],
    ['putLatency.p99 < 250xs', 21, 'unknown unit "xs"', 'did you mean "ms"?'],
    ['m < 64mib', 7, 'unknown unit "mib"', 'did you mean "MiB"?'],
    ['m < 5M', 6, 'unknown unit "M"', 'for a count write the number (5,000,000); for a rate, 5M/s'],
    ['m < 5k', 6, 'unknown unit "k"', 'for a count write the number (5,000); for a rate, 5k/s'],
    ['m < 5MiB/min', 9, 'unknown rate "/min": rates are per second'],
    ['m < 1,50', 6, 'a comma groups thousands: three digits follow each comma'],
    ['m < $1,5000', 7, 'a comma groups thousands: three digits follow each comma'],
    ['m < $', 6, 'expected an amount after "$"'],
    ['m < $5ms', 7, 'unexpected "ms" after an amount of money'],
    ['m < 1.', 6, 'unexpected "." after the value'],
    ['m < 1 < 2', 7, 'unexpected "< 2" after the value'],
    ['m# < 1', 2, 'expected a comparison after "m", found "#"'],
    ['#m < 1', 1, 'unexpected "#": a metric name has letters, digits and _ . : -'],
  ])('%j → column %d: %s', (text, column, message, hint) => {
    const e = error(text);
    expect(e.column).toBe(column);
    expect(e.message).toBe(message);
    if (hint !== undefined) expect(e.hint).toBe(hint);
  });

  it('quotes the value found with an unknown unit', () => {
    expect(error('m < 250 xs').found).toBe('"250 xs"');
  });
});

describe('compareWith', () => {
  it('compares as each operator says', () => {
    expect([compareWith('<', 1, 2), compareWith('<', 2, 2), compareWith('<', 3, 2)]).toEqual([
      true,
      false,
      false,
    ]);
    expect([compareWith('<=', 1, 2), compareWith('<=', 2, 2), compareWith('<=', 3, 2)]).toEqual([
      true,
      true,
      false,
    ]);
    expect([compareWith('>', 1, 2), compareWith('>', 2, 2), compareWith('>', 3, 2)]).toEqual([
      false,
      false,
      true,
    ]);
    expect([compareWith('>=', 1, 2), compareWith('>=', 2, 2), compareWith('>=', 3, 2)]).toEqual([
      false,
      true,
      true,
    ]);
    expect([compareWith('==', 1, 2), compareWith('==', 2, 2), compareWith('==', 3, 2)]).toEqual([
      false,
      true,
      false,
    ]);
    expect([compareWith('!=', 1, 2), compareWith('!=', 2, 2), compareWith('!=', 3, 2)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('never passes a NaN, not even with !=', () => {
    for (const op of GATE_OPS) expect(compareWith(op, Number.NaN, 1)).toBe(false);
  });
});

describe('parseGate: properties', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  it('reads back any finite number written as JavaScript prints it', () => {
    fc.assert(
      fc.property(finite, fc.constantFrom(...GATE_OPS), (b, op) => {
        const parsed = gate(`m ${op} ${String(b)}`);
        // String(-0) is "0": the values compare equal either way.
        expect(parsed.value === b).toBe(true);
        expect(parsed.op).toBe(op);
      }),
    );
  });

  it('never throws, and points inside the text (or just past it)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const parsed = parseGate(text);
        if (!parsed.ok) {
          expect(parsed.error.column).toBeGreaterThanOrEqual(1);
          expect(parsed.error.column).toBeLessThanOrEqual(text.length + 1);
        }
      }),
    );
  });

  it('parses every well-formed gate built from the grammar', () => {
    const metric = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,20}$/);
    const unit = fc.constantFrom('', 'ms', 's', 'm', 'h', 'KiB', 'MB', 'MiB/s', 'k/s', '/s', '%');
    fc.assert(
      fc.property(metric, fc.constantFrom(...GATE_OPS), fc.nat(1_000_000), unit, (name, op, n, u) => {
        const parsed = gate(`${name} ${op} ${n}${u}`);
        expect(parsed.metric).toBe(name);
        expect(parsed.op).toBe(op);
      }),
    );
  });
});
