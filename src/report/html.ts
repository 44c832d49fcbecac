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
import { monthlyTotalText } from '../planner/cost.js';
import { lagGrowthText } from '../planner/fan-out.js';
import { reshardStepNote } from '../planner/reshard.js';
import type { FirehoseBufferFigures, Plan } from '../planner/types.js';
import { percentileSeconds } from '../result/histogram.js';
import type { RunResult } from '../result/types.js';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../scenario/units.js';
import { chartLibraries, type InlineScript } from './assets.js';
import { costItemLabel, type ReportChart, reportCharts } from './charts.js';
import { html, jsonForScript } from './escape.js';

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
  comparison?: { rows: readonly ComparisonRow[]; tolerance: number } | undefined;
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
  const bootstrap = BOOTSTRAP;
  const scripts = [...libraries.map((l) => l.code), bootstrap];
  const hashes = scripts.map(
    (code) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`,
  );
  // Nothing may load: no network, no fonts, no frames; inline scripts only by their hashes, and no
  // eval (vega-embed's `ast: true` evaluates chart expressions with vega's interpreter instead of
  // compiling them with the Function constructor).
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
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
${input.plan ? planSections(input.plan) : ''}
${gatesSection(input)}
${input.result ? runSection(input.result) : ''}
${chartsSection(charts)}
${input.comparison ? comparisonSection(input.comparison, input.baseline) : ''}
${input.plan ? notesSection(input.plan) : ''}
<footer>Written by shardcast ${html(input.shardcastVersion)} at ${html(input.generatedAt)}. Charts drawn with ${libraries.map((l) => html(l.name)).join(', ')}, inlined: this file makes no network request. The full per-second data is in result.json.</footer>
</main>
<script type="application/json" id="shardcast-data">${jsonForScript(data)}</script>
${scripts.map((code) => `<script>${code}</script>`).join('\n')}
</body>
</html>
`;
}

/**
 * Draws each chart into its container; marks the container `data-rendered` when done, or shows
 * why it failed (and logs it) so that a broken chart is never silently empty.
 */
const BOOTSTRAP = `(function () {
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
type Cell = string | number | { html: string; className?: string };

function cell(c: Cell, tag: 'td' | 'th'): string {
  if (typeof c === 'object')
    return `<${tag}${c.className ? ` class="${c.className}"` : ''}>${c.html}</${tag}>`;
  return `<${tag}${typeof c === 'number' ? ' class="num"' : ''}>${html(typeof c === 'number' ? formatNumber(c) : c)}</${tag}>`;
}

function table(headers: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): string {
  if (rows.length === 0) return '';
  return `<div class="table-wrap"><table>${caption ? `<caption>${html(caption)}</caption>` : ''}
<thead><tr>${headers.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

function num(text: string): Cell {
  return { html: html(text), className: 'num' };
}

function usd(value: number): string {
  return formatQuantity(value, 'usd');
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${html(title)}</h2>\n${body}\n</section>`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function banner(input: ReportInput): string {
  const { plan, result, verdicts = [], pendingGates = [] } = input;
  const failed = verdicts.filter((v) => !v.passed);
  const regressions = input.comparison?.rows.filter((r) => r.regression) ?? [];
  let state: 'pass' | 'fail' | 'neutral';
  let headline: string;
  if (failed.length > 0) {
    state = 'fail';
    headline = `${failed.length} of ${verdicts.length} gate${verdicts.length === 1 ? '' : 's'} failed`;
  } else if (regressions.length > 0) {
    state = 'fail';
    headline = `${regressions.length} regression${regressions.length === 1 ? '' : 's'} against the baseline`;
  } else if (verdicts.length > 0) {
    state = 'pass';
    headline = `All ${verdicts.length} gate${verdicts.length === 1 ? '' : 's'} passed`;
  } else {
    state = 'neutral';
    headline = result ? 'No gates' : 'Plan';
  }
  if (failed.length > 0 && regressions.length > 0) {
    headline += `, ${regressions.length} regression${regressions.length === 1 ? '' : 's'} against the baseline`;
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
    if (provisioned) {
      facts.push(
        `<div><dt>Monthly cost, provisioned</dt><dd class="big">${html(usd(provisioned.monthly))}</dd></div>`,
      );
    }
    if (cheapest && cheapest !== provisioned) {
      facts.push(
        `<div><dt>Cheapest option</dt><dd>${html(cheapest.label)}: ${html(usd(cheapest.monthly))}/month</dd></div>`,
      );
    }
  }
  if (result) {
    const m = result.metrics;
    facts.push(
      `<div><dt>Throttled attempts</dt><dd class="big">${html(formatPercent(m.throttledRatio ?? 0))}</dd></div>`,
      `<div><dt>Records lost</dt><dd class="big">${html(formatNumber(m.lostRecords ?? 0))}</dd></div>`,
    );
  }
  const pending =
    pendingGates.length > 0
      ? `<p class="muted">${html(`${pendingGates.length} gate${pendingGates.length === 1 ? ' needs' : 's need'} a run to be checked: ${pendingGates.join('; ')}`)}</p>`
      : '';
  const subtitle = result
    ? `Run ${result.header.runId} on ${result.scenario.target}, seed ${result.scenario.seed}`
    : 'Plan only: no run';
  return `<header class="banner ${state}" id="verdict" data-verdict="${state}">
<p class="eyebrow">shardcast report · ${html(reportName(input))}</p>
<h1>${html(headline)}</h1>
<p class="muted">${html(subtitle)}</p>
<dl class="facts">${facts.join('')}</dl>
${failed.length > 0 ? `<ul class="failures">${failed.map((v) => `<li>${html(v.gate)}: ${html(v.message)}</li>`).join('')}</ul>` : ''}
${pending}
</header>`;
}

function scenarioSection(input: ReportInput): string {
  const { plan, result } = input;
  const lines: string[] = [];
  if (plan) {
    const s = plan.scenario;
    if (s.description) lines.push(`<p>${html(s.description)}</p>`);
    if (s.overrides?.length) {
      lines.push(`<p>With ${html(s.overrides.map((o) => `--set ${o}`).join(' '))}</p>`);
    }
    lines.push(
      `<p>${html(
        [
          s.region,
          s.mode,
          plan.shards.configured !== null
            ? `${formatNumber(plan.shards.configured)} shards configured`
            : plan.shards.sizedByPlan
              ? `${formatNumber(plan.shards.recommended)} shards, sized by the plan (stream.shards not set)`
              : null,
          `${formatSeconds(s.durationSeconds)} of traffic`,
          `headroom ${formatPercent(plan.traffic.headroom)}`,
          `peak at ${formatSeconds(plan.traffic.peakAt)}`,
        ]
          .filter((x) => x !== null)
          .join(' · '),
      )}</p>`,
    );
    lines.push(
      table(
        ['producer', 'to', 'records/s at peak', 'average records/s', 'record', 'written/s'],
        plan.traffic.producers.map((p) => [
          p.name,
          p.destination,
          p.recordsPerSecond,
          p.averageRecordsPerSecond,
          num(formatBytes(p.meanDataBytes)),
          num(`${formatBytes(p.writeBytesPerSecond)}/s`),
        ]),
        'Producers',
      ),
    );
    const consumers = plan.fanOut.consumers.map((c) => `${c.name} (${c.type})`);
    if (consumers.length > 0) lines.push(`<p>Consumers: ${html(consumers.join(', '))}</p>`);
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

function planSections(plan: Plan): string {
  const s = plan.shards;
  // As the terminal plan has it: every dimension that needs the required count binds.
  const bind = (n: number) => (n === s.required ? '← binds' : '');
  const shards = table(
    ['dimension', 'shards', ''],
    [
      ['write bytes (1 MiB/s a shard)', s.byWriteBytes, bind(s.byWriteBytes)],
      ['write records (1,000/s a shard)', s.byWriteRecords, bind(s.byWriteRecords)],
      [
        `reads (2 MiB/s a shard, ${s.pollingReaders} polling reader${s.pollingReaders === 1 ? '' : 's'})`,
        s.byRead,
        bind(s.byRead),
      ],
      ['required', s.required, ''],
      ['recommended', s.recommended, s.recommended > s.required ? 'raised for the hottest shard' : ''],
      ...(s.sizedByPlan
        ? [['configured', '—', 'stream.shards not set: a run starts at recommended'] as Cell[]]
        : []),
      ...(s.configured !== null
        ? [
            [
              'configured',
              s.configured,
              s.configured < s.recommended
                ? `short by ${formatNumber(s.recommended - s.configured)}`
                : 'enough',
            ] as Cell[],
          ]
        : []),
    ],
    'Shards needed at peak × (1 + headroom)',
  );
  const hk = plan.hotKeys;
  const hotKeys =
    hk.keys.length > 0
      ? table(
          ['key', 'producer', 'records/s', 'bytes/s', 'of a shard', 'fix'],
          hk.keys
            .slice(0, 15)
            .map((k) => [
              { html: `<code>${html(k.key)}</code>` },
              k.producer,
              k.recordsPerSecond,
              num(`${formatBytes(k.bytesPerSecond)}/s`),
              num(formatPercent(k.shardUtilization)),
              k.overShardLimit
                ? { html: `<span class="bad">over one shard: salt ×${html(k.saltingFactor)}</span>` }
                : k.saltingFactor > 1
                  ? `salt ×${k.saltingFactor} for headroom`
                  : '',
            ]),
          `Hot keys (${hk.estimate ? `estimated: the heaviest ${formatNumber(hk.estimate.hashedKeys)} hashed` : hk.method}); the hottest shard at ${formatNumber(hk.atRecommended.shardCount)} shards runs at ${formatPercent(hk.atRecommended.utilization)} of its limit${hk.estimate ? ` (±${formatPercent(hk.estimate.relativeError)}, 5%–95%)` : ''}`,
        )
      : '<p class="muted">No key stands out: the load spreads evenly.</p>';
  const fanOut = table(
    ['application', 'type', 'read/s per shard', 'delay', 'lag growth', '$/month (provisioned)', 'advice'],
    plan.fanOut.consumers.map((c) => [
      c.name,
      c.type,
      num(`${formatBytes(c.readBytesPerSecondPerShard)}/s`),
      num(formatSeconds(c.propagationDelaySeconds)),
      // Two counts may be named: a cell that wraps, so the advice beside it keeps its width.
      lagGrowthText(c),
      num(usd(c.monthlyCost.provisioned)),
      c.recommendation,
    ]),
    'Fan-out per consumer',
  );
  const firehose = table(
    [
      'stream',
      'source',
      'buffers',
      'flush on',
      'every',
      'object',
      'objects/h',
      'latency mean / max',
      '$/month',
    ],
    plan.firehose.flatMap((f) => {
      // One row of buffer figures, after the stream's name and source (blank on a second row).
      const figures = (
        head: [string, string],
        buffers: string,
        x: FirehoseBufferFigures,
        monthly: number,
      ) => [
        ...head,
        num(buffers),
        x.flushTrigger,
        num(formatSeconds(x.flushIntervalSeconds)),
        num(formatBytes(x.objectBytes)),
        x.objectsPerHour,
        num(`${formatSeconds(x.meanDeliveryLatencySeconds)} / ${formatSeconds(x.maxDeliveryLatencySeconds)}`),
        num(usd(monthly)),
      ];
      const rows: Cell[][] = [
        figures(
          [f.name, f.source],
          `${formatNumber(f.buffers)} per ${f.bufferScope}${f.countIs === null ? '' : ` (${f.countIs})`}`,
          f,
          f.monthly.total,
        ),
      ];
      // Buffers per shard: the count the run has, then the recommended count.
      const r = f.atRecommended;
      if (r !== null && r.shardCount !== f.shardCount) {
        rows.push(figures(['', ''], `${formatNumber(r.buffers)} per shard (recommended)`, r, r.monthlyTotal));
      }
      return rows;
    }),
    'Firehose per delivery stream',
  );
  const steps = [
    ...plan.reshard.steps.map((step) => ({ label: `at ${formatSeconds(step.at ?? 0)}`, step })),
    ...(plan.reshard.toRecommended ? [{ label: 'to recommended', step: plan.reshard.toRecommended }] : []),
  ];
  const reshard = table(
    ['when', 'from → to', 'calls', 'splits', 'merges', 'duration', ''],
    steps.map(({ label, step }) => {
      const note = reshardStepNote(step);
      return [
        label,
        num(`${step.from} → ${step.to}`),
        num(
          step.calls.length > 1
            ? `${step.updateShardCountCalls} (${[step.from, ...step.calls].join(' → ')})`
            : String(step.updateShardCountCalls),
        ),
        step.splits,
        step.merges,
        num(formatSeconds(step.durationSeconds)),
        note === undefined
          ? ''
          : { html: `<span class="${note.bad ? 'bad' : 'muted'}">${html(note.text)}</span>` },
      ];
    }),
    'Resharding (UpdateShardCount, one shard operation at a time)',
  );
  // Plans written before the list existed have none.
  const friendly = plan.reshard.friendlyCounts ?? [];
  const friendlyTable =
    friendly.length > 1 && plan.shards.configured !== null
      ? table(
          ['shards', 'over recommended', 'route', 'operations', 'duration', 'per month'],
          friendly.map((f, i) => [
            f.shards,
            i === 0 ? 'recommended' : num(`+${f.shards - friendly[0]!.shards}`),
            f.calls.length === 0 ? 'configured' : [plan.shards.configured, ...f.calls].join(' → '),
            f.shardOperations,
            num(formatSeconds(f.durationSeconds)),
            i === 0 ? '' : num(`+${usd(f.monthlyCostDelta)}`),
          ]),
          `Reshard-friendly counts from ${plan.shards.configured} configured: each reshards sooner than every smaller count listed`,
        )
      : '';
  const cost = table(
    ['option', 'per month', 'if the peak held', 'line items'],
    plan.cost.options.map((o) => [
      {
        html: `${html(o.label)}${o.option === plan.cost.cheapest ? ' <span class="good">cheapest</span>' : ''}`,
      },
      num(usd(o.monthly)),
      num(usd(o.monthlyAtPeak)),
      {
        html: o.lines
          .filter((l) => l.usd > 0)
          .map(
            (l) =>
              `${html(costItemLabel(l.item))}: ${html(usd(l.usd))} <span class="muted">(${html(l.detail)})</span>`,
          )
          .join('<br>'),
      },
    ]),
    `Monthly cost (730 h at the average rate)${plan.cost.firehoseMonthly > 0 ? `; Firehose adds ${usd(plan.cost.firehoseMonthly)} to any option` : ''}${monthlyTotalText(plan.cost) === '' ? '' : `; ${monthlyTotalText(plan.cost)}`}`,
  );
  const od = plan.onDemand
    ? `<p>${html(
        `On-demand: ${formatBytes(plan.onDemand.capacityBytesPerSecond)}/s and ${formatNumber(plan.onDemand.capacityRecordsPerSecond)} records/s without scaling; ${formatSeconds(plan.onDemand.throttledSeconds)} above it while the stream scales (${formatPercent(plan.onDemand.throttledRecordShare)} of those records over it).`,
      )}</p>`
    : '';
  return [
    section('plan-shards', 'Shards', `${shards}<p>${html(plan.binding)}</p>`),
    section('plan-hot-keys', 'Hot keys', hotKeys),
    plan.fanOut.consumers.length > 0
      ? section('plan-fan-out', 'Fan-out', `${fanOut}<p>${html(plan.fanOut.crossover)}</p>`)
      : '',
    plan.firehose.length > 0 ? section('plan-firehose', 'Firehose', firehose) : '',
    steps.length > 0 ? section('plan-reshard', 'Resharding', `${reshard}${friendlyTable}`) : '',
    section('plan-cost', 'Cost', `${cost}${od}`),
  ].join('\n');
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
  const rows: Cell[][] = [
    ['records produced', c.produced],
    ['records acknowledged', c.acknowledged],
    [
      'attempts throttled',
      num(
        `${formatNumber(c.throttled)} (${formatPercent(m.throttledRatio ?? 0)} of ${formatNumber(c.attempts)})`,
      ),
    ],
    ['retries', c.retried],
    ['records lost (after the last attempt)', c.dropped],
    ...(c.pendingAtEnd > 0 ? [['still waiting for a retry at the end', c.pendingAtEnd] as Cell[]] : []),
    [
      'put latency p50 / p95 / p99 / max',
      num(
        `${formatSeconds(percentileSeconds(h.putLatency, 50))} / ${formatSeconds(percentileSeconds(h.putLatency, 95))} / ${formatSeconds(percentileSeconds(h.putLatency, 99))} / ${formatSeconds(percentileSeconds(h.putLatency, 100))}`,
      ),
    ],
    [
      'end-to-end latency p50 / p95 / p99',
      num(
        `${formatSeconds(percentileSeconds(h.e2eLatency, 50))} / ${formatSeconds(percentileSeconds(h.e2eLatency, 95))} / ${formatSeconds(percentileSeconds(h.e2eLatency, 99))}`,
      ),
    ],
    [
      'hottest shard',
      num(
        `${formatPercent(m['shards.maxUtilization'] ?? 0)}${
          result.shardSeries.hottestStepSeconds === undefined
            ? ''
            : ` (per-shard rows kept at ${formatSeconds(result.shardSeries.hottestStepSeconds)} steps to bound memory: each the maximum of its seconds)`
        }`,
      ),
    ],
  ];
  for (const [name, delivered] of Object.entries(c.delivered)) {
    rows.push([
      `${name}: records processed, lag max`,
      num(`${formatNumber(delivered)}, ${formatSeconds(m[`consumers.${name}.lagSeconds.max`] ?? 0)}`),
    ]);
  }
  for (const [name, f] of Object.entries(c.firehose)) {
    rows.push([
      `Firehose ${name}: objects, mean size`,
      num(`${formatNumber(f.objects)}, ${formatBytes(f.objects > 0 ? f.objectBytes / f.objects : 0)}`),
    ]);
  }
  return section('run', 'Run', table(['', ''], rows));
}

function chartsSection(charts: readonly ReportChart[]): string {
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
      `${baseline ? `Baseline: run ${baseline.header.runId} (seed ${baseline.scenario.seed}). ` : ''}${regressions} metric${regressions === 1 ? '' : 's'} worse by more than ${formatNumber(comparison.tolerance * 100)}%. Charts show the baseline dashed.`,
    )}</p>${body}`,
  );
}

function notesSection(plan: Plan): string {
  if (plan.warnings.length === 0 && plan.recommendations.length === 0) return '';
  return section(
    'notes',
    'Warnings and recommendations',
    `${plan.warnings.length > 0 ? `<ul class="warnings">${plan.warnings.map((w) => `<li>${html(w)}</li>`).join('')}</ul>` : ''}
${plan.recommendations.length > 0 ? `<ul class="recommendations">${plan.recommendations.map((r) => `<li>${html(r)}</li>`).join('')}</ul>` : ''}`,
  );
}

const STYLE = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e3; --good: #1a7f37; --bad: #c62828; --bg: #fff; }
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
