/**
 * The HTML report: escaped, self-contained, locked down by its own Content-Security-Policy, with
 * the sections a plan-only report, a run and a comparison call for. (The browser test draws it.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../src/gates/compare.js';
import { evaluateGates } from '../../src/gates/evaluate.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { loadScenarioText } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import { html, jsonForScript } from '../../src/report/escape.js';
import { type ReportInput, renderReport } from '../../src/report/html.js';
import { syntheticResult } from '../result/synthetic-result.js';

const HOSTILE = '</script><script>alert(1)</script>';
/** Stand-ins for the chart libraries: the real ones are 830 KB and tested in the browser. */
const FAKE_LIBRARIES = [
  { name: 'fake-vega@0', code: 'window.vegaEmbed = function () { return Promise.resolve(); };' },
];

const plan = planScenario(
  loadScenarioText(
    `
name: hostile
description: "${HOSTILE} & <b>bold</b>"
duration: 10m
stream: { shards: 2 }
producers:
  - name: p
    rate: 1500/s
    recordSize: 1KiB
    keys:
      dist: weighted
      keys:
        - { key: "${HOSTILE}", weight: 0.5 }
        - { key: "<img src=x onerror=alert(2)>", weight: 0.5 }
`,
    'hostile.yaml',
  ).scenario,
);

function render(input: Partial<ReportInput>): string {
  return renderReport(
    { generatedAt: '2026-11-24T00:00:00.000Z', shardcastVersion: '0.1.0', plan, ...input },
    FAKE_LIBRARIES,
  );
}

describe('escaping', () => {
  it('html() escapes the five characters that matter', () => {
    expect(html(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('jsonForScript() gives the same JSON with no <, > or & that could end the script element', () => {
    const value = { name: HOSTILE, comment: '<!-- x -->', amp: 'a & b', line: 'a\u2028b' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('strings from the scenario and the result render as text, never as markup', () => {
    const result = syntheticResult();
    result.scenario.name = HOSTILE;
    result.header.runId = HOSTILE;
    const page = render({ result });
    // Outside the scripts (fake ones here) and the escaped JSON, no tag but ours.
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // Script elements: the embedded data, the one library and the bootstrap, each closed once.
    expect(page.match(/<script/g)).toHaveLength(3);
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    // Without a plan the page is named after the result's scenario: escaped in the title too.
    const named = render({ plan: undefined, result });
    expect(named).toContain(`<title>shardcast — ${html(HOSTILE)}</title>`);
    expect(named).not.toContain('<script>alert(1)');
  });
});

describe('self-contained and locked down', () => {
  const page = render({ result: syntheticResult() });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
    .exec(page)![1]!
    .replace(/&#39;/g, "'");

  it('allows its own scripts by hash, and no network, fonts or inline scripts beyond them', () => {
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const code of scripts) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(code).digest('base64')}'`);
    }
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("font-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('names no URL: nothing to fetch when opened', () => {
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<link|<iframe|<img|@import|url\(/);
  });

  it('embeds the chart specs as JSON the page parses', () => {
    const json = /<script type="application\/json" id="shardcast-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    const data = JSON.parse(json) as { charts: { id: string }[] };
    const ids = data.charts.map((c) => c.id);
    expect(ids).toContain('throughput');
    for (const id of ids) expect(page).toContain(`id="chart-${id}"`);
  });
});

describe('sections', () => {
  it('a plan-only report: the plan, its cost chart, and the gates that need a run', () => {
    const gates = parseCliGates(['shards.recommended <= 4', 'putLatency.p99 < 250ms']);
    const page = render({
      verdicts: evaluateGates(gates.slice(0, 1), plan.metrics),
      pendingGates: ['putLatency.p99 < 250ms'],
    });
    expect(page).toContain('data-verdict="pass"');
    expect(page).toContain('Plan only: no run');
    expect(page).toContain('1 gate needs a run to be checked: putLatency.p99 &lt; 250ms');
    for (const id of ['plan-shards', 'plan-hot-keys', 'plan-cost', 'gates'])
      expect(page).toContain(`id="${id}"`);
    expect(page).toContain('id="chart-cost"');
    expect(page).not.toContain('id="chart-throughput"');
    expect(page).not.toContain('id="run"');
  });

  it('failed gates turn the banner red and are listed with measured vs allowed', () => {
    const gates = parseCliGates(['throttledRatio < 0.01']);
    const result = syntheticResult();
    // throttledRatio = 30 ÷ 300 = 10%.
    const page = render({ result, verdicts: evaluateGates(gates, result.metrics) });
    expect(page).toContain('data-verdict="fail"');
    expect(page).toContain('1 of 1 gate failed');
    expect(page).toContain('throttledRatio = 10%, allowed &lt; 1%');
  });

  it('says when the per-shard rows were downsampled to bound memory, and not otherwise', () => {
    const result = syntheticResult();
    expect(render({ result })).not.toContain('per-shard rows kept at');
    result.shardSeries = { ...result.shardSeries, hottestStepSeconds: 32 };
    expect(render({ result })).toContain('per-shard rows kept at 32 s steps to bound memory');
  });

  it('a baseline: each metric’s change, regressions first and marked', () => {
    const baseline = syntheticResult();
    const result = syntheticResult();
    result.metrics = { ...result.metrics, 'putLatency.p99': result.metrics['putLatency.p99']! * 2 };
    const rows = compareMetrics(baseline.metrics, result.metrics, { tolerance: 0.1 });
    const page = render({ result, baseline, comparison: { rows, tolerance: 0.1 } });
    expect(page).toContain('id="comparison"');
    expect(page).toContain('1 regression against the baseline');
    const comparison = page.slice(page.indexOf('id="comparison"'));
    // The regression is the first row of the table, +100%.
    const firstRow = /<tbody><tr>([\s\S]*?)<\/tr>/.exec(comparison)![1]!;
    expect(firstRow).toContain('putLatency.p99');
    expect(firstRow).toContain('+100%');
    expect(firstRow).toContain('regression');
  });
});

describe('plan reshard section', () => {
  it('shows each reshard route and the reshard-friendly counts with their extra cost', () => {
    // 64 configured; 180,500 records/s × 1.2 ÷ 1,000 → 217 shards recommended. 64 → 128 → 217 is
    // 64 + 343 = 407 operations (3.39 h); 256 is 64 + 128 = 192 (96 min), +39 shards at
    // $0.015 × 730 h = $427.05/month (see test/planner/friendly-counts.test.ts).
    const friendlyPlan = planScenario(
      loadScenarioText(
        `
name: friendly
stream: { shards: 64 }
producers:
  - { name: p, rate: 180500/s, recordSize: 100B, keys: { dist: unique, length: 36 } }
`,
        'friendly.yaml',
      ).scenario,
    );
    const page = renderReport(
      { generatedAt: '2026-11-24T00:00:00.000Z', shardcastVersion: '0.1.0', plan: friendlyPlan },
      FAKE_LIBRARIES,
    );
    const section = page.slice(
      page.indexOf('<section id="plan-reshard">'),
      page.indexOf('<section id="plan-cost">'),
    );
    expect(section).toContain('2 (64 → 128 → 217)');
    expect(section).toContain(
      '<p>Reshard-friendly counts from 64 configured shards: each reshards sooner than every smaller count listed</p>',
    );
    expect(section).toMatch(
      /<td class="num">256<\/td><td class="word">\+39<\/td><td class="num">64 → 128 → 256<\/td><td class="num">192<\/td><td class="num">96 min<\/td><td class="num">\+\$427/,
    );
  });
});
