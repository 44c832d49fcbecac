/**
 * The HTML report: one self-contained file. vega, vega-lite and vega-embed are inlined, the charts'
 * specs (with their data) are embedded as JSON, and a Content-Security-Policy in the page allows
 * nothing but its own scripts (by hash), so the file makes no request when opened, offline or not.
 * Tables and text are rendered here, escaped; the charts are drawn in the browser.
 */
import { createHash } from 'node:crypto';
import { type ComparisonRow, changeText } from '../gates/compare.js';
import type { GateVerdict } from '../gates/evaluate.js';
import { formatQuantity, metricQuantity } from '../gates/metrics.js';
import { findingText } from '../planner/findings.js';
import type { Plan } from '../planner/types.js';
import { endToEndPercentiles } from '../result/end-to-end.js';
import { percentileSeconds } from '../result/histogram.js';
import type { RunResult } from '../result/types.js';
import {
  formatBytes,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatUsd,
  isSingular,
  plural,
} from '../scenario/units.js';
import { chartLibraries, type InlineScript } from './assets.js';
import { type ReportChart, reportCharts } from './charts.js';
import { html, jsonForScript } from './escape.js';
import { planView } from './plan-view.js';
import { planProblems, planViewSections, problemsHeadline } from './plan-view-html.js';
import { targetSection } from './target-section.js';
import { abortedText, isMeasured, measuredOr, NOT_MEASURED, targetView } from './target-view.js';

export interface ReportInput {
  /** The plan (a run writes it beside its result); a plan-only report has no result. */
  plan?: Plan | undefined;
  result?: RunResult | undefined;
  /** A run to compare with: its metrics beside the result's, and its series on the charts. */
  baseline?: RunResult | undefined;
  /** The gates' verdicts; gates whose metrics need a run (plan-only) are in `pendingGates`. */
  verdicts?: readonly GateVerdict[] | undefined;
  pendingGates?: readonly string[] | undefined;
  /** Metric by metric, the baseline against the result, with the tolerance used. */
  comparison?:
    | {
        rows: readonly ComparisonRow[];
        tolerance: number;
        /** Why the two runs may not be like for like (other scenario, target or duration), as `compare` warns. */
        warnings?: readonly string[];
      }
    | undefined;
  generatedAt: string;
  shardcastVersion: string;
}

/**
 * Renders the report. `libraries` replaces the inlined chart libraries (tests); `charts` are the
 * report's charts when the caller has built them already (to draw them as images too).
 */
export function renderReport(
  input: ReportInput,
  libraries: readonly InlineScript[] = chartLibraries(),
  charts: readonly ReportChart[] = reportCharts(input),
): string {
  if (!input.plan && !input.result) throw new Error('a report needs a plan or a run result');
  const scripts = [...libraries.map((l) => l.code), BOOTSTRAP];
  const csp = contentSecurityPolicy(scripts);
  const title = `shardcast — ${reportName(input)}`;
  const data = { charts: charts.map((c) => ({ id: c.id, spec: c.spec })) };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${html(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="shardcast ${html(input.shardcastVersion)}">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${banner(input)}
${scenarioSection(input)}
${input.plan ? planViewSections(planView(input.plan)) : ''}
${gatesSection(input)}
${input.result ? runSection(input.result) : ''}
${input.result ? targetSectionOf(input.result) : ''}${chartsSection(charts)}
${input.comparison ? comparisonSection(input.comparison, input.baseline) : ''}
<footer>Written by shardcast ${html(input.shardcastVersion)} at ${html(input.generatedAt)}. Charts drawn with ${libraries.map((l) => html(l.name)).join(', ')}, inlined: this file makes no network request.${input.result ? ' The full per-second data is in result.json.' : ''}</footer>
</main>
<script type="application/json" id="shardcast-data">${jsonForScript(data)}</script>
${scripts.map((code) => `<script>${code}</script>`).join('\n')}
</body>
</html>
`;
}

/**
 * The page's policy for `scripts` (its inline scripts, in order). Nothing may load: no network, no
 * fonts, no frames; inline scripts only by their hashes, and no eval (vega-embed's `ast: true`
 * evaluates chart expressions with vega's interpreter instead of compiling them with the Function
 * constructor).
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map(
    (code) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Draws each chart into its container; marks the container `data-rendered` when done, or shows
 * why it failed (and logs it) so that a broken chart is never silently empty.
 */
export const BOOTSTRAP = `(function () {
  var data = JSON.parse(document.getElementById('shardcast-data').textContent);
  data.charts.forEach(function (chart) {
    var container = document.getElementById('chart-' + chart.id);
    if (!container) return;
    vegaEmbed(container, chart.spec, { mode: 'vega-lite', renderer: 'svg', actions: false, ast: true })
      .then(function () { container.setAttribute('data-rendered', 'true'); })
      .catch(function (error) {
        container.setAttribute('data-error', String(error && error.message || error));
        container.textContent = 'This chart could not be drawn: ' + (error && error.message || error);
        console.error(error);
      });
  });
})();`;

function reportName(input: ReportInput): string {
  return input.plan?.scenario.name ?? input.result?.scenario.name ?? 'report';
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** A cell: text (escaped here) or markup already escaped. */
export type Cell = string | number | { html: string; className?: string };

function cell(c: Cell, tag: 'td' | 'th'): string {
  if (typeof c === 'object')
    return `<${tag}${c.className ? ` class="${c.className}"` : ''}>${c.html}</${tag}>`;
  return `<${tag}${typeof c === 'number' ? ' class="num"' : ''}>${html(typeof c === 'number' ? formatNumber(c) : c)}</${tag}>`;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  caption?: string,
): string {
  if (rows.length === 0) return '';
  return `<div class="table-wrap"><table>${caption ? `<caption>${html(caption)}</caption>` : ''}
<thead><tr>${headers.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

export function num(text: string): Cell {
  return { html: html(text), className: 'num' };
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${html(title)}</h2>\n${body}\n</section>`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function banner(input: ReportInput): string {
  const { plan, result, verdicts = [], pendingGates = [] } = input;
  const failed = verdicts.filter((v) => !v.passed);
  const regressions = input.comparison?.rows.filter((r) => r.regression) ?? [];
  const problems = planProblems(plan?.findings);
  let state: 'pass' | 'warn' | 'fail' | 'neutral';
  let headline: string;
  const aborted = result?.aborted;
  if (aborted !== undefined) {
    // A partial run is never a green light, whatever its gates say over the seconds it covers.
    state = failed.length > 0 ? 'fail' : 'warn';
    headline = `Aborted after ${formatSeconds(aborted.secondsDone)}${aborted.durationSeconds === undefined ? '' : ` of ${formatSeconds(aborted.durationSeconds)}`}${failed.length > 0 ? `: ${failed.length} of ${plural(verdicts.length, 'gate')} failed` : ''}`;
  } else if (failed.length > 0) {
    state = 'fail';
    headline = `${failed.length} of ${plural(verdicts.length, 'gate')} failed`;
  } else if (regressions.length > 0) {
    state = 'fail';
    headline = `${plural(regressions.length, 'regression')} against the baseline`;
  } else if (problems.length > 0) {
    // Gates that pass over a plan that finds the stream short (or a key over a shard, a consumer
    // behind) are not a green light.
    state = 'warn';
    headline = problemsHeadline(problems.length, verdicts.length);
  } else if (verdicts.length > 0) {
    state = 'pass';
    headline = `All ${plural(verdicts.length, 'gate')} passed`;
  } else {
    state = 'neutral';
    headline = result ? 'No gates' : 'Plan';
  }
  if (failed.length > 0 && regressions.length > 0) {
    headline += `, ${plural(regressions.length, 'regression')} against the baseline`;
  }
  const facts: string[] = [];
  if (plan) {
    const recommended = plan.shards.recommended;
    const provisioned = plan.cost.options.find((o) => o.option === 'provisioned');
    const cheapest = plan.cost.options.find((o) => o.option === plan.cost.cheapest);
    facts.push(
      `<div><dt>Binding constraint</dt><dd>${html(plan.binding)}</dd></div>`,
      `<div><dt>Recommended shards</dt><dd class="big">${html(formatNumber(recommended))}${plan.shards.configured !== null ? ` <span class="muted">(${html(formatNumber(plan.shards.configured))} configured)</span>` : ''}</dd></div>`,
    );
    // What the scenario costs as it runs (`cost.monthly.total`: the stream, its enhanced fan-out
    // consumers and every Firehose stream), then the stream alone when Firehose adds to it.
    const chosen = plan.cost.options.find((o) => o.option === plan.cost.chosen);
    facts.push(
      `<div><dt>Monthly cost, total</dt><dd class="big">${html(formatUsd(plan.cost.monthlyTotal))}</dd></div>`,
    );
    if (chosen && plan.cost.firehoseMonthly > 0) {
      facts.push(
        `<div><dt>Of which the stream (${html(chosen.label)})</dt><dd>${html(formatUsd(chosen.monthly))}/month</dd></div>`,
      );
    }
    if (cheapest && cheapest !== provisioned) {
      facts.push(
        `<div><dt>Cheapest option</dt><dd>${html(cheapest.label)}: ${html(formatUsd(cheapest.monthly))}/month</dd></div>`,
      );
    }
  }
  if (result) {
    const m = result.metrics;
    facts.push(
      `<div><dt>Throttled attempts</dt><dd class="big">${html(measuredOr(result, 'throttledRatio', formatPercent(m.throttledRatio ?? 0)))}</dd></div>`,
      `<div><dt>Records lost</dt><dd class="big">${html(measuredOr(result, 'lostRecords', formatNumber(m.lostRecords ?? 0)))}</dd></div>`,
    );
  }
  const pending =
    pendingGates.length > 0
      ? `<p class="muted">${html(`${plural(pendingGates.length, 'gate')} ${isSingular(pendingGates.length) ? 'needs' : 'need'} a run to be checked: ${pendingGates.join('; ')}`)}</p>`
      : '';
  const subtitle = result
    ? `Run ${result.header.runId} on ${result.scenario.target}, seed ${result.scenario.seed}`
    : 'Plan only: no run';
  return `<header class="banner ${state}" id="verdict" data-verdict="${state}">
<p class="eyebrow">shardcast report · ${html(reportName(input))}</p>
<h1>${html(headline)}</h1>
<p class="muted">${html(subtitle)}</p>
${aborted === undefined ? '' : `<p class="warn" id="aborted">${html(abortedText(aborted))}</p>\n`}<dl class="facts">${facts.join('')}</dl>
${failed.length > 0 ? `<ul class="failures">${failed.map((v) => `<li>${html(v.gate)}: ${html(v.message)}</li>`).join('')}</ul>` : ''}
${problems.length > 0 ? `<p>${html(failed.length > 0 || regressions.length > 0 ? `The plan also finds ${plural(problems.length, 'problem')}:` : 'The plan finds:')}</p><ul class="failures problems">${problems.map((f) => `<li data-code="${html(f.code)}">${html(findingText(f))}</li>`).join('')}</ul>` : ''}
${pending}
</header>`;
}

function scenarioSection(input: ReportInput): string {
  const { plan, result } = input;
  const lines: string[] = [];
  if (plan) {
    // The plan's own tables (traffic, shards, …) follow in the plan view's sections.
    if (plan.scenario.description) lines.push(`<p>${html(plan.scenario.description)}</p>`);
    lines.push(`<p>${html(planView(plan).subtitle)}</p>`);
  }
  if (result) {
    lines.push(
      `<p class="muted">${html(
        `Run ${result.header.runId} against ${result.scenario.target}: seed ${result.scenario.seed}, ${formatSeconds(result.scenario.durationSeconds)} at ${formatSeconds(result.scenario.tickSeconds)} ticks${result.header.wallSeconds > 0 ? `, ${formatSeconds(result.header.wallSeconds)} of wall time` : ''}${result.header.startedAt ? `, started ${result.header.startedAt}` : ''}.`,
      )}</p>`,
    );
  }
  return section('scenario', `Scenario: ${reportName(input)}`, lines.join('\n'));
}

function gatesSection(input: ReportInput): string {
  const verdicts = input.verdicts ?? [];
  const pending = input.pendingGates ?? [];
  if (verdicts.length === 0 && pending.length === 0) return '';
  const rows: Cell[][] = verdicts.map((v) => [
    { html: `<code>${html(v.gate)}</code>` },
    num(v.measuredText),
    num(v.allowedText),
    { html: v.passed ? '<span class="good">passed</span>' : '<span class="bad">failed</span>' },
  ]);
  for (const g of pending)
    rows.push([{ html: `<code>${html(g)}</code>` }, num('—'), num('—'), 'needs a run']);
  return section('gates', 'Gates', table(['gate', 'measured', 'allowed', 'verdict'], rows));
}

function runSection(result: RunResult): string {
  const c = result.counters;
  const m = result.metrics;
  const h = result.histograms;
  // A metric the target did not measure says so, rather than show a measured-looking 0.
  const shown = (metric: string, value: Cell): Cell => (isMeasured(result, metric) ? value : NOT_MEASURED);
  const rows: Cell[][] = [
    ['records produced', shown('records.produced', c.produced)],
    ['records acknowledged', shown('records.acknowledged', c.acknowledged)],
    [
      'attempts throttled',
      shown(
        'records.throttled',
        num(
          `${formatNumber(c.throttled)} (${formatPercent(m.throttledRatio ?? 0)} of ${formatNumber(c.attempts)})`,
        ),
      ),
    ],
    ['retries', shown('records.retried', c.retried)],
    ['records lost (after the last attempt)', shown('records.dropped', c.dropped)],
    ...(c.pendingAtEnd > 0 ? [['still waiting for a retry at the end', c.pendingAtEnd] as Cell[]] : []),
    [
      'put latency p50 / p95 / p99 / max',
      shown(
        'putLatency.p50',
        num(
          `${formatSeconds(percentileSeconds(h.putLatency, 50))} / ${formatSeconds(percentileSeconds(h.putLatency, 95))} / ${formatSeconds(percentileSeconds(h.putLatency, 99))} / ${formatSeconds(percentileSeconds(h.putLatency, 100))}`,
        ),
      ),
    ],
    [
      'end-to-end latency p50 / p95 / p99',
      shown(
        'e2eLatency.p50',
        ((e2e) => (typeof e2e === 'string' ? e2e : num(e2e.join(' / '))))(
          endToEndPercentiles(result, [50, 95, 99]),
        ),
      ),
    ],
    [
      'hottest shard',
      shown(
        'shards.maxUtilization',
        num(
          `${formatPercent(m['shards.maxUtilization'] ?? 0)}${
            result.shardSeries.hottestStepSeconds === undefined
              ? ''
              : ` (per-shard rows kept at ${formatSeconds(result.shardSeries.hottestStepSeconds)} steps to bound memory: each the maximum of its seconds)`
          }`,
        ),
      ),
    ],
  ];
  for (const [name, delivered] of Object.entries(c.delivered)) {
    rows.push([
      `${name}: records processed, lag max`,
      shown(
        `consumers.${name}.delivered`,
        num(`${formatNumber(delivered)}, ${formatSeconds(m[`consumers.${name}.lagSeconds.max`] ?? 0)}`),
      ),
    ]);
  }
  for (const [name, f] of Object.entries(c.firehose)) {
    rows.push([
      `Firehose ${name}: objects, mean size`,
      shown(
        `firehose.${name}.objects`,
        num(`${formatNumber(f.objects)}, ${formatBytes(f.objects > 0 ? f.objectBytes / f.objects : 0)}`),
      ),
    ]);
  }
  return section('run', 'Run', table(['', ''], rows));
}

function targetSectionOf(result: RunResult): string {
  const view = targetView(result);
  return view === undefined ? '' : `${targetSection(view)}\n`;
}

export function chartsSection(charts: readonly ReportChart[]): string {
  if (charts.length === 0) return '';
  return section(
    'charts',
    'Charts',
    charts
      .map(
        (c) => `<figure class="chart">
<figcaption><strong>${html(c.title)}</strong> <span class="muted">${html(c.description)}</span></figcaption>
<div class="chart-body" id="chart-${c.id}" data-chart="${c.id}"><noscript>Charts need JavaScript.</noscript></div>
</figure>`,
      )
      .join('\n'),
  );
}

function comparisonSection(comparison: NonNullable<ReportInput['comparison']>, baseline?: RunResult): string {
  const rows = [...comparison.rows].sort((a, b) => Number(b.regression) - Number(a.regression));
  const format = (metric: string, value: number | null) =>
    value === null ? '—' : formatQuantity(value, metricQuantity(metric));
  const body = table(
    ['metric', 'baseline', 'current', 'change', ''],
    rows.map((r) => [
      { html: `<code>${html(r.metric)}</code>` },
      num(format(r.metric, r.baseline)),
      num(format(r.metric, r.current)),
      num(changeText(r) || '—'),
      r.regression ? { html: '<span class="bad">regression</span>' } : '',
    ]),
  );
  const regressions = rows.filter((r) => r.regression).length;
  return section(
    'comparison',
    'Against the baseline',
    `<p>${html(
      `${baseline ? `Baseline: run ${baseline.header.runId} (seed ${baseline.scenario.seed}). ` : ''}${plural(regressions, 'metric')} worse by more than ${formatNumber(comparison.tolerance * 100)}%. Charts show the baseline dashed.`,
    )}</p>${(comparison.warnings ?? []).map((w) => `<p class="warn">⚠ Not like for like: ${html(w)}</p>`).join('')}${body}`,
  );
}

export const STYLE = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e3; --good: #1a7f37; --bad: #c62828; --warn: #9a5b00; --bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6em; margin: 0.1em 0; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.good { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.banner { border-radius: 8px; padding: 16px 20px; border-left: 8px solid #999; background: #f5f5f5; }
.banner.pass { border-left-color: var(--good); background: #eef7f0; }
.banner.fail { border-left-color: var(--bad); background: #fbeeee; }
.banner.warn { border-left-color: var(--warn); background: #fff5e0; }
p.warn { color: var(--warn); font-weight: 600; }
.findings { padding-left: 20px; }
/* Notes and findings name prices and keys that have no spaces (kinesis.onDemandAdvantage.…): they
   wrap where they must rather than widen a phone's page. */
section > p, .findings li, .failures li { overflow-wrap: break-word; }
.finding .severity { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; font-weight: 600; }
.finding.error .severity { color: var(--bad); }
.finding.warning .severity { color: var(--warn); }
.finding.info .severity { color: var(--muted); }
.eyebrow { margin: 0; color: var(--muted); font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.04em; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px 20px; margin: 12px 0 0; }
.facts dt { color: var(--muted); font-size: 0.85em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.facts dd.big { font-size: 1.35em; font-weight: 600; }
.failures { margin: 12px 0 0; padding-left: 20px; }
.table-wrap { overflow-x: auto; margin: 0.5em 0 1em; }
table { border-collapse: collapse; min-width: 60%; font-size: 0.92em; }
caption { text-align: left; color: var(--muted); padding: 0 0 4px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
/* A key, gate or metric name in a table is one word: never broken inside ("key" / "-0" on a phone); the table scrolls instead. */
td code { white-space: nowrap; overflow-wrap: normal; word-break: keep-all; }
td.word { white-space: nowrap; }
td.phrase { min-width: 10em; }
figure.chart { margin: 0 0 24px; break-inside: avoid; page-break-inside: avoid; }
figcaption { margin-bottom: 6px; }
.chart-body { width: 100%; min-height: 120px; }
.chart-body .vega-embed { width: 100%; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
@media (max-width: 600px) { main { padding: 8px; } body { font-size: 14px; } .banner { padding: 12px; } }
@media print {
  main { max-width: none; padding: 0; }
  .banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section, .table-wrap { break-inside: avoid-page; }
  .table-wrap { overflow: visible; }
  /* Charts are drawn at the screen's width: scale them to the page (vega's SVG has a viewBox). */
  .chart-body svg { max-width: 100%; height: auto; }
  a { color: inherit; text-decoration: none; }
}
`;
