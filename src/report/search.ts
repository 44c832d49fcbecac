/**
 * The HTML report of a search (`shardcast sweep`, `shardcast find`): one self-contained file, as
 * the run's report is (html.ts: the same policy, styles, chart bootstrap and tables). A banner with
 * the sweep's tally or the find's answer, the table of points, and the charts of
 * `charts/search.ts`. Every string from the table (scenario names, gate texts, axis values, errors)
 * is user input and is escaped.
 *
 * Bounded for any grid: the table shows at most `MAX_TABLE_ROWS` points (evenly spaced, said so),
 * the charts sample as charts/search.ts says; every point is in the table files.
 */
import { formatQuantity, metricQuantity } from '../gates/metrics.js';
import { formatNumber, formatPercent, formatSeconds, plural } from '../scenario/units.js';
import type { FindAnswer, PointOutcome, SearchTable } from '../search/types.js';
import { chartLibraries, type InlineScript } from './assets.js';
import type { ReportChart } from './charts/base.js';
import { searchCharts } from './charts/search.js';
import { html, jsonForScript } from './escape.js';
import {
  BOOTSTRAP,
  type Cell,
  chartsSection,
  contentSecurityPolicy,
  num,
  STYLE,
  section,
  table,
} from './html.js';
import {
  atText,
  chartedMetrics,
  evenSample,
  formatAnswerValue,
  OFFERED_METRIC,
  triedValue,
} from './search-rows.js';

/** Rows of the points table, at most: a 10,000-point sweep shows every 20th or so. */
export const MAX_TABLE_ROWS = 400;

/** Renders a search's report. `libraries` replaces the inlined chart libraries (tests). */
export function renderSearchReport(
  input: SearchTable,
  libraries: readonly InlineScript[] = chartLibraries(),
  charts: readonly ReportChart[] = searchCharts(input),
): string {
  const scripts = [...libraries.map((l) => l.code), BOOTSTRAP];
  const csp = contentSecurityPolicy(scripts);
  const title = `shardcast ${input.kind} — ${input.scenario.name}`;
  const data = { charts: charts.map((c) => ({ id: c.id, spec: c.spec })) };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${html(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="shardcast ${html(input.header.shardcastVersion)}">
<title>${html(title)}</title>
<style>${STYLE}${SEARCH_STYLE}</style>
</head>
<body>
<main>
${banner(input)}
${pointsSection(input)}
${chartsSection(charts)}
<footer>Written by shardcast ${html(input.header.shardcastVersion)} at ${html(input.header.startedAt)}. Charts drawn with ${libraries.map((l) => html(l.name)).join(', ')}, inlined: this file makes no network request. Every point, with all its metrics and each seed's gates, is in the table files beside it (JSON and CSV).</footer>
</main>
<script type="application/json" id="shardcast-data">${jsonForScript(data)}</script>
${scripts.map((code) => `<script>${code}</script>`).join('\n')}
</body>
</html>
`;
}

const SEARCH_STYLE = `
td.verdict { white-space: nowrap; }
tr.passed td.verdict { color: var(--good); font-weight: 600; }
tr.failed td.verdict { color: var(--bad); font-weight: 600; }
tr.error td.verdict { color: var(--warn); font-weight: 600; }
tr.bracket td { background: #fff8e1; }
td.error-text { white-space: normal; min-width: 16em; color: var(--warn); }
`;

// ---------------------------------------------------------------------------------------------
// The banner

/** The pass rule in words: "1 seed per point", "3 seeds per point, a point passes when all do". */
export function ruleText(rule: SearchTable['rule']): string {
  if (rule.seeds <= 1) return '1 seed per point';
  const need = Math.ceil(rule.share * rule.seeds - 1e-9);
  return `${plural(rule.seeds, 'seed')} per point; a point passes when ${need >= rule.seeds ? 'all pass' : `${need} of ${rule.seeds} (${formatPercent(rule.share)}) pass`}`;
}

/** A sweep's headline: "20 points, 6 passed every gate" (and how many could not run). */
export function sweepHeadline(t: SearchTable): string {
  const passed = t.points.filter((p) => p.passed).length;
  const errors = t.points.filter((p) => p.error !== undefined).length;
  return `${plural(t.points.length, 'point')}, ${formatNumber(passed)} passed every gate${errors > 0 ? `, ${formatNumber(errors)} could not run` : ''}`;
}

/** A find's answer in words: what was searched, the value with its unit, or why there is none. */
export function answerHeadline(answer: FindAnswer): string {
  const what = subjectWords(answer);
  if (answer.value === null) {
    if (answer.goal === 'maximize' && answer.bracket[0] !== null && answer.bracket[1] === null)
      return `Every ${what} tried passes, up to ${formatAnswerValue(answer.bracket[0], answer.unit)}: the search’s limit`;
    return `No ${what} tried passes every gate`;
  }
  const value = formatAnswerValue(answer.value, answer.unit);
  if (answer.goal === 'maximize') return `The most ${what} that passes every gate: ${value}`;
  if (answer.subject.startsWith('cost.monthly'))
    return `The cheapest configuration that passes every gate: ${value}/month`;
  if (answer.subject === 'stream.shards') return `The fewest shards that pass every gate: ${value}`;
  return `The least ${what} that passes every gate: ${value}`;
}

function subjectWords(answer: FindAnswer): string {
  if (answer.subject === 'load') return 'load (× every producer’s rate)';
  if (answer.subject === 'stream.shards') return 'shards';
  return answer.subject;
}

/** The bracket in words: "between ×0.99 (passes) and ×1 (fails), to 1%". */
export function bracketText(answer: FindAnswer): string {
  const [low, high] = answer.bracket;
  const side = (v: number | null) => (v === null ? 'no run' : formatAnswerValue(v, answer.unit));
  // maximize: [passes, fails]; minimize: [fails, passes] (types.ts).
  const [first, second] = answer.goal === 'maximize' ? ['passes', 'fails'] : ['fails', 'passes'];
  // The cheapest of listed options has no resolution: every option runs.
  if (answer.subject.startsWith('cost.'))
    return `Bracketed by ${side(low)} (the next cheaper option, fails) and ${side(high)} (passes).`;
  const resolution =
    answer.unit === 'shards' || answer.resolution >= 1
      ? `resolution ${formatNumber(answer.resolution)}`
      : `resolution ${formatPercent(answer.resolution)}`;
  return `Bracketed by ${side(low)} (${first}) and ${side(high)} (${second}); ${resolution}.`;
}

function banner(t: SearchTable): string {
  const passed = t.points.filter((p) => p.passed).length;
  let state: 'pass' | 'warn' | 'fail' | 'neutral';
  let headline: string;
  const lines: string[] = [];
  if (t.answer) {
    headline = answerHeadline(t.answer);
    state = t.answer.value === null ? 'fail' : 'pass';
    lines.push(bracketText(t.answer));
    // Over listed options, which one the answer is: its value of each axis.
    const chosen = t.answer.bracketPoints?.[t.answer.goal === 'maximize' ? 0 : 1];
    if (t.axes.length > 0 && chosen !== null && chosen !== undefined && t.points[chosen])
      lines.push(`The answer is ${atText(t, t.points[chosen]!)}.`);
    if (t.answer.binding) lines.push(`The gate that binds at the edge: ${t.answer.binding}.`);
    if (t.answer.closeness) lines.push(t.answer.closeness);
  } else {
    headline = sweepHeadline(t);
    state = passed === t.points.length && passed > 0 ? 'pass' : passed === 0 ? 'fail' : 'neutral';
  }
  const facts = [
    ['Points run', formatNumber(t.points.length)],
    ['Passed every gate', formatNumber(passed)],
    ['Seeds', ruleText(t.rule)],
    ['Each run', `${formatSeconds(t.header.durationSeconds)} on the model`],
    ['Wall time', `${formatSeconds(t.header.wallSeconds)} on ${plural(t.header.parallel, 'thread')}`],
  ];
  const gates =
    t.gates.length > 0
      ? `<p>Gates: ${t.gates.map((g) => `<code>${html(g)}</code>`).join(' · ')}</p>`
      : '<p class="warn">No gates: every point that runs passes.</p>';
  const axes =
    t.axes.length > 0
      ? `<p class="muted">Varied: ${t.axes.map((a) => `<code>${html(a.text)}</code>`).join(' · ')}</p>`
      : '';
  return `<header class="banner ${state}" id="verdict" data-verdict="${state}">
<p class="eyebrow">shardcast ${t.kind} · ${html(t.scenario.name)}</p>
<h1>${html(headline)}</h1>
${lines.map((l) => `<p>${html(l)}</p>`).join('\n')}
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${html(k!)}</dt><dd>${html(v!)}</dd></div>`).join('')}</dl>
${gates}
${axes}
<p class="muted">Scenario file: <code>${html(t.scenario.file)}</code></p>
</header>`;
}

// ---------------------------------------------------------------------------------------------
// The points

/** The metrics the table shows per point: what the charts show, then the throughput offered. */
export function tableMetrics(t: SearchTable): string[] {
  // A find that minimized a metric the charts leave out (`cost.monthly.total`) shows it too.
  const subject = t.answer?.subject;
  const charted = chartedMetrics(t);
  if (subject?.startsWith('cost.') && !charted.includes(subject)) charted.push(subject);
  return t.points.some((p) => p.metrics[OFFERED_METRIC] !== undefined)
    ? [OFFERED_METRIC, ...charted]
    : charted;
}

/** A gate's margin in words: "12% room", "3.1% over". */
export function marginText(margin: number | null | undefined): string {
  if (margin === null || margin === undefined || !Number.isFinite(margin)) return '';
  return margin >= 0 ? `${formatPercent(margin)} room` : `${formatPercent(-margin)} over`;
}

/** The binding gate's least margin over a point's seeds. */
function bindingMargin(p: PointOutcome): number | null {
  let least: number | null = null;
  for (const run of p.runs)
    for (const g of run.gates)
      if (g.gate === p.binding && g.margin !== null && (least === null || g.margin < least)) least = g.margin;
  return least;
}

function verdictText(t: SearchTable, p: PointOutcome): string {
  if (p.error !== undefined) return 'could not run';
  const word = p.passed ? 'passed' : 'failed';
  return t.rule.seeds > 1 ? `${word} (${formatPercent(p.passShare)} of seeds)` : word;
}

function pointsSection(t: SearchTable): string {
  const metrics = tableMetrics(t);
  const bracket = new Set<number>(
    ((t.answer?.bracketPoints ?? []) as (number | null)[]).filter((i): i is number => i !== null),
  );
  const shown = evenSample(t.points.length, MAX_TABLE_ROWS);
  // Always list the bracket's points, sampled out or not.
  const indexes = [...new Set([...shown, ...bracket])]
    .filter((i) => i < t.points.length)
    .sort((a, b) => a - b);
  // A find over a rate, the load or a count has no axes: its column is the value tried. Over
  // listed options the axes are the columns (and the cost one of the metrics).
  const tried = t.answer !== undefined && t.axes.length === 0;
  const headers = [
    '#',
    ...t.axes.map((a) => a.path),
    ...(tried ? [t.answer!.subject] : []),
    'verdict',
    'binding gate',
    ...metrics,
  ];
  const rows = indexes.map((i) => {
    const p = t.points[i]!;
    const cells: Cell[] = [num(formatNumber(p.point.index))];
    for (const a of t.axes) cells.push({ html: `<code>${html(p.point.at[a.path] ?? '—')}</code>` });
    if (tried) {
      const v = triedValue(t, p);
      cells.push(num(v === undefined ? '—' : formatAnswerValue(v, t.answer!.unit)));
    }
    cells.push({ html: html(verdictText(t, p)), className: 'verdict' });
    if (p.error !== undefined) {
      cells.push({ html: html(p.error), className: 'error-text' });
      for (const _ of metrics) cells.push(num('—'));
    } else {
      const margin = marginText(bindingMargin(p));
      cells.push(
        p.binding === undefined
          ? '—'
          : {
              html: `<code>${html(p.binding)}</code>${margin ? ` <span class="muted">${html(margin)}</span>` : ''}`,
              className: 'word',
            },
      );
      for (const m of metrics) {
        const v = p.metrics[m];
        cells.push(num(v === undefined ? '—' : formatQuantity(v, metricQuantity(m))));
      }
    }
    return {
      cells,
      className: `${p.error !== undefined ? 'error' : p.passed ? 'passed' : 'failed'}${bracket.has(i) ? ' bracket' : ''}`,
    };
  });
  const caption =
    indexes.length < t.points.length
      ? `${formatNumber(indexes.length)} of ${formatNumber(t.points.length)} points shown, evenly spaced in the order run; every point is in the table files.`
      : `Every point, in the order run${t.kind === 'find' ? ' (search order)' : ' (grid order)'}${bracket.size > 0 ? '; highlighted: the two that bracket the answer' : ''}. Metrics are the mean over each point’s seeds.`;
  // html.ts's table, each row then given its class (its verdict, the bracket) for the styles.
  let body = table(
    headers,
    rows.map((r) => r.cells),
    caption,
  );
  let at = 0;
  body = body.replace(/<tr><td/g, (m) => {
    const row = rows[at++];
    return row ? `<tr class="${row.className}"><td` : m;
  });
  return section('points', t.kind === 'find' ? 'Runs' : 'Points', body);
}
