import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../src/gates/compare.js';
import { evaluateGates, type GateVerdict } from '../../src/gates/evaluate.js';
import { type Gate, parseGate } from '../../src/gates/expression.js';
import { escapeAttribute, escapeText, renderJUnit, renderSummaryMarkdown } from '../../src/report/ci.js';
import { parseXml } from '../gates/xml.js';

function gate(text: string, source: Gate['source'] = 'scenario'): Gate {
  const parsed = parseGate(text, source);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.gate;
}

const verdicts: GateVerdict[] = evaluateGates(
  [
    gate('putLatency.p99 < 250ms'),
    gate('throttledRatio <= 0.001'),
    gate('cost.monthly.provisioned < $1,500', 'cli'),
    gate('missing.metric > 3'),
  ],
  { 'putLatency.p99': 0.312, throttledRatio: 0.0004, 'cost.monthly.provisioned': 1523.4 },
);

describe('renderJUnit', () => {
  const xml = renderJUnit(verdicts, {
    suiteName: 'launch-day',
    timestamp: '2025-03-01T12:00:00',
    timeSeconds: 12.5,
  });

  it('is well-formed, with one suite, one case per gate and counts', () => {
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '4', failures: '3', errors: '0', time: '12.500' });
    expect(root.children).toHaveLength(1);
    const suite = root.children[0]!;
    expect(suite.name).toBe('testsuite');
    expect(suite.attributes).toEqual({
      name: 'launch-day',
      tests: '4',
      failures: '3',
      errors: '0',
      skipped: '0',
      timestamp: '2025-03-01T12:00:00',
      time: '12.500',
    });
    expect(suite.children.map((c) => [c.name, c.attributes.classname, c.attributes.name])).toEqual([
      ['testcase', 'shardcast.gates', 'putLatency.p99 < 250ms'],
      ['testcase', 'shardcast.gates', 'throttledRatio <= 0.001'],
      ['testcase', 'shardcast.gates', 'cost.monthly.provisioned < $1,500'],
      ['testcase', 'shardcast.gates', 'missing.metric > 3'],
    ]);
  });

  it('gives each failed gate a failure with measured vs allowed', () => {
    const cases = parseXml(xml).children[0]!.children;
    expect(cases[1]!.children).toEqual([]); // passed
    const failure = cases[0]!.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attributes.message).toBe('putLatency.p99 = 312 ms, allowed < 250 ms');
    expect(failure.text).toBe('measured 312 ms, allowed < 250 ms (gate from the scenario)');
    expect(cases[2]!.children[0]!.text).toBe(
      'measured $1,523, allowed < $1,500 (gate from the command line)',
    );
    expect(cases[3]!.children[0]!.text).toBe(
      'missing.metric: no such metric in this plan or run (gate from the scenario)',
    );
  });

  it('escapes <, &, quotes and line breaks in names and messages', () => {
    expect(xml).toContain('name="putLatency.p99 &lt; 250ms"');
    expect(xml).toContain('message="putLatency.p99 = 312 ms, allowed &lt; 250 ms"');
    const tricky = renderJUnit(verdicts.slice(0, 1), {
      suiteName: `a<b & "c" 'd'\n]]>`,
      timestamp: new Date(Date.UTC(2025, 2, 1, 12)),
    });
    expect(tricky).toContain('name="a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;]]&gt;"');
    const suite = parseXml(tricky).children[0]!;
    expect(suite.attributes.name).toBe(`a<b & "c" 'd'\n]]>`);
    expect(suite.attributes.timestamp).toBe('2025-03-01T12:00:00.000Z');
    expect(suite.attributes.time).toBeUndefined();
  });

  it('replaces characters XML cannot hold', () => {
    expect(escapeText('a\u0000b\u001Fc\td\ne')).toBe('a\uFFFDb\uFFFDc\td\ne');
    expect(escapeText('\uD800x 😀')).toBe('\uFFFDx 😀');
    expect(escapeAttribute('tab\there')).toBe('tab&#9;here');
  });

  it('is well-formed with no gates', () => {
    const root = parseXml(renderJUnit([], { suiteName: 'empty' }));
    expect(root.children[0]!.attributes).toMatchObject({ tests: '0', failures: '0' });
    expect(root.children[0]!.children).toEqual([]);
  });
});

describe('renderSummaryMarkdown', () => {
  it('has a heading with the outcome, a table of gates and key figures', () => {
    const md = renderSummaryMarkdown({
      scenarioName: 'launch-day',
      target: 'model',
      verdicts,
      keyFigures: { 'shards.recommended': '23', 'cost.monthly.provisioned': '$1,523.40' },
    });
    expect(md).toBe(
      [
        '## shardcast: launch-day on model — ❌ 3 of 4 gates failed',
        '',
        '| | gate | measured | allowed | from |',
        '| --- | --- | --- | --- | --- |',
        '| ❌ | `putLatency.p99 < 250ms` | 312 ms | &lt; 250 ms | scenario |',
        '| ✅ | `throttledRatio <= 0.001` | 0.04% | &lt;= 0.1% | scenario |',
        '| ❌ | `cost.monthly.provisioned < $1,500` | $1,523 | &lt; $1,500 | `--gate` |',
        '| ❌ | `missing.metric > 3` | not measured | &gt; 3 | scenario |',
        '',
        '> missing.metric: no such metric in this plan or run',
        '',
        '### Key figures',
        '',
        '| figure | value |',
        '| --- | --- |',
        '| shards.recommended | 23 |',
        '| cost.monthly.provisioned | $1,523.40 |',
        '',
      ].join('\n'),
    );
  });

  it('says when every gate passed, and when there are none', () => {
    const passed = verdicts.filter((v) => v.passed);
    expect(renderSummaryMarkdown({ scenarioName: 's', target: 'aws', verdicts: passed })).toMatch(
      /^## shardcast: s on aws — ✅ all 1 gate passed\n/,
    );
    expect(renderSummaryMarkdown({ scenarioName: 's', target: 'plan', verdicts: [] })).toBe(
      '## shardcast: s on plan — no gates\n\nNo gates were defined: add `gates:` to the scenario or pass `--gate EXPR`.\n',
    );
  });

  it('keeps pipes, backticks, line breaks and HTML from breaking the table', () => {
    const odd: GateVerdict = { ...verdicts[0]!, gate: 'a|b `c`', measuredText: '1 | 2\n3' };
    const md = renderSummaryMarkdown({
      scenarioName: '<script>x</script>',
      target: 'model',
      verdicts: [odd],
      keyFigures: { 'a|b': 'c\nd' },
    });
    expect(md).toContain('## shardcast: &lt;script&gt;x&lt;/script&gt; on model');
    // A code span ending in a backtick takes a longer fence and a space on each side (CommonMark).
    expect(md).toContain('| ❌ | `` a\\|b `c` `` | 1 \\| 2 3 |');
    expect(md).toContain('| a\\|b | c d |');
  });

  it('lists regressions against a baseline', () => {
    const comparison = compareMetrics(
      { 'putLatency.p99': 0.2, dropped: 0, produced: 100 },
      { 'putLatency.p99': 0.25, dropped: 3, produced: 200 },
      { tolerance: 0.1 },
    );
    const md = renderSummaryMarkdown({ scenarioName: 's', target: 'model', verdicts: [], comparison });
    expect(md).toContain(
      [
        '### Compared with the baseline',
        '',
        '| metric | baseline | current | change |',
        '| --- | --- | --- | --- |',
        '| `dropped` | 0 | 3 | from 0 |',
        '| `putLatency.p99` | 200 ms | 250 ms | +25% |',
      ].join('\n'),
    );
    const none = renderSummaryMarkdown({
      scenarioName: 's',
      target: 'model',
      verdicts: [],
      comparison: compareMetrics({ dropped: 0 }, { dropped: 0 }),
    });
    expect(none).toContain('### Compared with the baseline\n\nNo regressions.\n');
  });
});

describe('the test XML reader rejects what a real parser would', () => {
  it.each([
    ['<a name="x < y"/>', 'raw "<"'],
    ['<a name="x & y"/>', 'raw "&"'],
    ['<a>x &nbsp; y</a>', 'raw "&"'],
    ['<a><b></a></b>', 'closes'],
    ['<a name="x" name="y"/>', 'duplicate'],
    ['<a/><b/>', 'after the root'],
    ['<a>', 'unclosed'],
  ])('%s', (xml, reason) => {
    expect(() => parseXml(xml)).toThrow(reason);
  });
});
