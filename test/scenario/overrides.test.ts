/**
 * `--set` paths and values (src/scenario/overrides.ts): the path grammar, YAML values, and how a
 * value is set into a parsed document.
 */
import { describe, expect, it } from 'vitest';
import { applyOverrides, overrideAt, parseOverrides, parsePath } from '../../src/scenario/overrides.js';

describe('parsePath', () => {
  it('reads dotted names, [n] indices and .n indices', () => {
    expect(parsePath('stream.shards')).toEqual(['stream', 'shards']);
    expect(parsePath('producers[0].rate')).toEqual(['producers', 0, 'rate']);
    expect(parsePath('producers.0.rate')).toEqual(['producers', 0, 'rate']);
    expect(parsePath('producers[1].rate.steps[12].at')).toEqual(['producers', 1, 'rate', 'steps', 12, 'at']);
    expect(parsePath('engine.serviceTime.p99')).toEqual(['engine', 'serviceTime', 'p99']);
  });

  it('rejects what is not a path, saying where', () => {
    expect(parsePath('')).toBe('the path before "=" is empty');
    expect(parsePath('stream.')).toBe('"stream." is not a field path: it ends with "."');
    expect(parsePath('a..b')).toBe('"a..b" is not a field path: expected a field name at ".b"');
    expect(parsePath('[0].a')).toBe('"[0].a" is not a field path: expected a field name at "[0].a"');
    expect(parsePath('a b')).toBe('"a b" is not a field path: expected "." or "[" at " b"');
    expect(parsePath('a[x]')).toBe('"a[x]" is not a field path: expected a field name at "[x]"');
  });
});

describe('parseOverrides', () => {
  it('reads values as YAML scalars and flow collections, splitting at the first "="', () => {
    const { overrides, problems } = parseOverrides([
      'stream.shards=24',
      'producers[0].rate=8k/s',
      'engine.initialBurst=0.5',
      'description=a=b',
      'x=true',
      'gates=[lostRecords == 0, "throttledRatio < 1%"]',
      'stream.name=',
    ]);
    expect(problems).toEqual([]);
    expect(overrides.map((o) => o.value)).toEqual([
      24,
      '8k/s',
      0.5,
      'a=b',
      true,
      ['lostRecords == 0', 'throttledRatio < 1%'],
      null,
    ]);
  });
});

describe('applyOverrides', () => {
  const doc = () => ({ name: 't', producers: [{ name: 'a', rate: '1/s' }], stream: { shards: 2 } });

  it('sets in place, creates missing mappings, and lets a later override win', () => {
    const raw: Record<string, unknown> = doc();
    const { overrides } = parseOverrides([
      'stream.shards=4',
      'engine.serviceTime.p99=300ms',
      'producers[0].rate=2/s',
      'stream.shards=6',
    ]);
    expect(applyOverrides(raw, overrides)).toEqual([]);
    expect(raw).toEqual({
      name: 't',
      producers: [{ name: 'a', rate: '2/s' }],
      stream: { shards: 6 },
      engine: { serviceTime: { p99: '300ms' } },
    });
  });

  it('does not add list items, nor go through a scalar', () => {
    const raw = doc();
    const { overrides } = parseOverrides(['producers[1].rate=1/s', 'name.x=1', 'consumers[0].name=c']);
    expect(applyOverrides(raw, overrides).map((p) => [p.location.path, p.message])).toEqual([
      [
        '--set producers[1].rate=1/s',
        'producers has 1 item: index 1 is past its end (--set changes items, it does not add them)',
      ],
      ['--set name.x=1', 'name is a string, so it has no field "x"'],
      ['--set consumers[0].name=c', 'consumers has no items: index 0 is past its end'],
    ]);
  });

  it('locates a path at the longest, latest override that covers it', () => {
    const { overrides } = parseOverrides([
      'producers[0]={name: b}',
      'producers[0].rate=x',
      'stream.shards=1',
    ]);
    expect(overrideAt(overrides, ['producers', 0, 'rate'])?.text).toBe('producers[0].rate=x');
    expect(overrideAt(overrides, ['producers', 0, 'keys', 'count'])?.text).toBe('producers[0]={name: b}');
    expect(overrideAt(overrides, ['producers', 1])).toBeUndefined();
    expect(overrideAt(overrides, ['stream'])).toBeUndefined();
  });
});
