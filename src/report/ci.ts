/**
 * Gate verdicts for CI: JUnit XML (one test case per gate, so a pipeline lists failed gates like
 * failed tests) and a Markdown summary for a job's step summary (`$GITHUB_STEP_SUMMARY`).
 * Pure: strings in, strings out; the caller writes the files.
 */

import { type ComparisonRow, formatChange } from '../gates/compare.js';
import type { GateVerdict } from '../gates/evaluate.js';
import { formatQuantity, metricQuantity } from '../gates/metrics.js';
import { plural } from '../scenario/units.js';
import type { TargetView } from './target-view.js';

export interface JUnitOptions {
  /** The test suite's name, e.g. the scenario's name. */
  suiteName: string;
  /** When the run started: an ISO 8601 string or a Date (injected; never read from the clock here). */
  timestamp?: string | Date;
  /** How long the run took, in seconds. */
  timeSeconds?: number;
  /**
   * Why the run stopped early (`abortedText`): a test case `run completed` fails with it, so a
   * pipeline never reads a partial run's passing gates as a finished run's.
   */
  aborted?: string | undefined;
  /** `<properties>` of the suite (the target, its details and own metrics), in order. */
  properties?: readonly (readonly [string, string])[] | undefined;
}

/**
 * Renders verdicts as JUnit XML: `<testsuites>` around one `<testsuite>`, one
 * `<testcase classname="shardcast.gates" name="GATE">` per gate, and a `<failure>` for each failed gate.
 */
export function renderJUnit(verdicts: readonly GateVerdict[], options: JUnitOptions): string {
  const aborted = options.aborted === undefined ? 0 : 1;
  const failures = verdicts.filter((v) => !v.passed).length + aborted;
  const tests = verdicts.length + aborted;
  const time = options.timeSeconds === undefined ? undefined : formatTime(options.timeSeconds);
  const timestamp =
    options.timestamp === undefined
      ? undefined
      : typeof options.timestamp === 'string'
        ? options.timestamp
        : options.timestamp.toISOString();

  const suiteAttributes = attributes({
    name: options.suiteName,
    tests,
    failures,
    errors: 0,
    skipped: 0,
    timestamp,
    time,
  });
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'shardcast', tests, failures, errors: 0, time })}>`,
    `  <testsuite${suiteAttributes}>`,
  ];
  const properties = options.properties ?? [];
  if (properties.length > 0) {
    lines.push('    <properties>');
    for (const [name, value] of properties) lines.push(`      <property${attributes({ name, value })}/>`);
    lines.push('    </properties>');
  }
  if (options.aborted !== undefined) {
    lines.push(
      `    <testcase${attributes({ classname: 'shardcast.run', name: 'run completed', time: '0' })}>`,
      `      <failure${attributes({ message: options.aborted, type: 'aborted' })}>${escapeText(options.aborted)}</failure>`,
      '    </testcase>',
    );
  }
  for (const v of verdicts) {
    const caseAttributes = attributes({ classname: 'shardcast.gates', name: v.gate, time: '0' });
    if (v.passed) {
      lines.push(`    <testcase${caseAttributes}/>`);
      continue;
    }
    const from = v.source === 'cli' ? 'the command line' : 'the scenario';
    const body =
      v.measured === null
        ? `${v.message} (gate from ${from})`
        : `measured ${v.measuredText}, allowed ${v.allowedText} (gate from ${from})`;
    lines.push(
      `    <testcase${caseAttributes}>`,
      `      <failure${attributes({ message: v.message, type: 'gate' })}>${escapeText(body)}</failure>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

export interface SummaryInput {
  scenarioName: string;
  /** Where the run went: `model`, `aws`, `http`, or `plan` for gates over a plan alone. */
  target: string;
  verdicts: readonly GateVerdict[];
  /** A few figures worth a glance, already rendered: `{ 'shards.recommended': '23' }`. */
  keyFigures?: Readonly<Record<string, string>>;
  /** A baseline comparison; its regressions are listed. */
  comparison?: readonly ComparisonRow[];
  /** Why the run stopped early (`abortedText`): the summary's first line. */
  aborted?: string | undefined;
  /** What a real target adds (`targetView`): a "Target" section. */
  targetView?: TargetView | undefined;
}

/** Renders summary.md: a heading with the outcome, a ✅/❌ table of gates, key figures, regressions. */
export function renderSummaryMarkdown(input: SummaryInput): string {
  const failed = input.verdicts.filter((v) => !v.passed).length;
  const total = input.verdicts.length;
  const outcome =
    total === 0
      ? 'no gates'
      : failed === 0
        ? `✅ all ${plural(total, 'gate')} passed`
        : `❌ ${failed} of ${plural(total, 'gate')} failed`;
  const lines = [
    ...(input.aborted === undefined ? [] : [`**⚠ ${escapeInline(input.aborted)}**`, '']),
    `## shardcast: ${escapeInline(input.scenarioName)} on ${escapeInline(input.target)} — ${outcome}`,
    '',
  ];

  if (total > 0) {
    lines.push('| | gate | measured | allowed | from |', '| --- | --- | --- | --- | --- |');
    for (const v of input.verdicts) {
      lines.push(
        row([
          v.passed ? '✅' : '❌',
          code(v.gate),
          escapeCell(v.measuredText),
          escapeCell(v.allowedText),
          v.source === 'cli' ? '`--gate`' : 'scenario',
        ]),
      );
    }
    const unmeasured = input.verdicts.filter((v) => !v.passed && v.measured === null);
    for (const v of unmeasured) lines.push('', `> ${escapeInline(v.message)}`);
    lines.push('');
  } else {
    lines.push('No gates were defined: add `gates:` to the scenario or pass `--gate EXPR`.', '');
  }

  const figures = Object.entries(input.keyFigures ?? {});
  if (figures.length > 0) {
    lines.push('### Key figures', '', '| figure | value |', '| --- | --- |');
    for (const [name, value] of figures) lines.push(row([escapeCell(name), escapeCell(value)]));
    lines.push('');
  }

  if (input.targetView !== undefined) lines.push(...targetMarkdown(input.targetView));

  if (input.comparison !== undefined) {
    const regressions = input.comparison.filter((r) => r.regression);
    lines.push('### Compared with the baseline', '');
    if (regressions.length === 0) {
      lines.push('No regressions.', '');
    } else {
      lines.push('| metric | baseline | current | change |', '| --- | --- | --- | --- |');
      for (const r of regressions) {
        const quantity = metricQuantity(r.metric);
        lines.push(
          row([
            code(r.metric),
            r.baseline === null ? '–' : escapeCell(formatQuantity(r.baseline, quantity)),
            r.current === null ? '–' : escapeCell(formatQuantity(r.current, quantity)),
            r.change === null ? 'from 0' : formatChange(r.change),
          ]),
        );
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** The "Target" section of summary.md: where it ran, what it measured and not, its own metrics. */
function targetMarkdown(view: TargetView): string[] {
  const lines = [`### Target: ${escapeInline(view.name)}`, ''];
  if (view.details.length > 0) {
    lines.push('| | |', '| --- | --- |');
    for (const [name, value] of view.details) lines.push(row([escapeCell(name), escapeCell(value)]));
    lines.push('');
  }
  lines.push(`Measures ${view.measures.map(code).join(', ')}.`);
  if (view.notMeasured.length > 0) {
    lines.push(`Not measured by this target: ${view.notMeasured.map(code).join(', ')}.`);
  }
  lines.push('');
  for (const group of view.groups) {
    lines.push(
      `#### ${escapeInline(group.title)}`,
      '',
      row(group.headers.map(escapeCell)),
      row(group.headers.map(() => '---')),
    );
    for (const r of group.rows) lines.push(row(r.map(escapeCell)));
    lines.push('');
  }
  if (view.resources.length > 0) {
    lines.push('#### Resources', '');
    for (const line of view.resources) lines.push(`- ${escapeInline(line)}`);
    lines.push('');
  }
  return lines;
}

/** junit.xml's properties of a run on a real target: its name, details and own metrics. */
export function targetProperties(
  view: TargetView | undefined,
  metrics: Readonly<Record<string, number>>,
): [string, string][] {
  if (view === undefined) return [];
  return [
    ['shardcast.target', view.name],
    ...view.details.map(([name, value]): [string, string] => [`shardcast.target.${name}`, value]),
    ['shardcast.target.measures', view.measures.join(', ')],
    ...(view.notMeasured.length > 0
      ? [['shardcast.target.notMeasured', view.notMeasured.join(', ')] as [string, string]]
      : []),
    ...Object.entries(metrics).map(([name, value]): [string, string] => [name, String(value)]),
  ];
}

// ---------------------------------------------------------------------------------------------
// XML

/**
 * Replaces what XML 1.0 does not allow at all, even escaped, with U+FFFD: C0 controls other than tab,
 * LF and CR; U+FFFE and U+FFFF; lone surrogates. (A loop rather than a regex: the linter rightly
 * objects to control characters in regexes.)
 */
function replaceInvalidXml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const high = c >= 0xd800 && c <= 0xdbff;
    const low = c >= 0xdc00 && c <= 0xdfff;
    if (high) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    const invalid =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff || high || low;
    out += invalid ? '\uFFFD' : text[i]!;
  }
  return out;
}

/** Escapes text content: `&`, `<`, `>` (the last for `]]>`). */
export function escapeText(text: string): string {
  return replaceInvalidXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value in double quotes; line breaks and tabs as references so they survive normalisation. */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

function formatTime(seconds: number): string {
  return Number.isFinite(seconds) && seconds >= 0 ? seconds.toFixed(3) : '0';
}

// ---------------------------------------------------------------------------------------------
// Markdown

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A table cell: no line breaks, pipes escaped, HTML inert. */
function escapeCell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|');
}

/** Inline text: one line, `<`, `>` and `&` as entities so a name cannot open HTML. */
function escapeInline(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A code span in a table cell. A backtick inside needs a longer fence; a pipe still ends a GFM cell
 * even inside code, so it is escaped (GFM removes the backslash before rendering the code).
 */
function code(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${padded.replace(/\|/g, '\\|')}${fence}`;
}
