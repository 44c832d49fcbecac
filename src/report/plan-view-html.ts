/**
 * The plan view (`plan-view.ts`) as HTML sections: the same sections, tables, notes and findings
 * the terminal prints, escaped here.
 */
import type { Finding } from '../planner/findings.js';
import { plural } from '../scenario/units.js';
import { html } from './escape.js';
import type { PlanView, ViewBlock, ViewCell, ViewFinding } from './plan-view.js';

/** A figure (a number with or without its unit) aligns right. */
const NUMERIC = /^[\s$≈~<>+−-]*[\d,.]+/;

/**
 * A note's text as HTML: escaped, with its Markdown code spans (`plan --json`, written for the
 * terminal, which prints them as they are) as `<code>`. An unpaired backtick stays as text.
 */
export function inlineHtml(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? `<code>${html(part.slice(1, -1))}</code>` : html(part)))
    .join('');
}

/** Text of at least this many characters is a phrase: it wraps, but not word by word. */
const PHRASE_CHARS = 16;

/**
 * A cell's class: a figure aligns right; one word or a few ("firehose:to-s3", "enhanced-fan-out",
 * "to recommended") stay on one line, never broken at a hyphen; a phrase ("finishes after traffic
 * needs it") keeps a width of a few words, so that on a 390-px phone it does not wrap one word a
 * line, 100 px tall (the table scrolls instead).
 */
function cellClass(cell: ViewCell, numeric: boolean): string | null {
  if (numeric) return 'num';
  if (cell.code || cell.text === '') return null;
  return cell.text.length < PHRASE_CHARS || !/\s/.test(cell.text) ? 'word' : 'phrase';
}

function cellHtml(cell: ViewCell, numeric: boolean): string {
  const text = cell.code ? `<code>${html(cell.text)}</code>` : inlineHtml(cell.text);
  const inner = cell.tone === undefined ? text : `<span class="${cell.tone}">${text}</span>`;
  const cls = cellClass(cell, numeric);
  return `<td${cls === null ? '' : ` class="${cls}"`}>${inner}</td>`;
}

const SEVERITY_LABEL: Record<ViewFinding['severity'], string> = {
  error: 'problem',
  warning: 'warning',
  info: 'advice',
};

function blockHtml(block: ViewBlock): string {
  if (block.kind === 'note') {
    return `<p${block.tone === undefined ? '' : ` class="${block.tone}"`}>${inlineHtml(block.text)}</p>`;
  }
  if (block.kind === 'findings') {
    return `<ul class="findings">${block.findings
      .map(
        (f) =>
          `<li class="finding ${f.severity}" data-code="${html(f.code)}"><span class="severity">${SEVERITY_LABEL[f.severity]}</span> ${inlineHtml(f.text)}</li>`,
      )
      .join('\n')}</ul>`;
  }
  if (block.rows.length === 0) return '';
  // A column of figures aligns right, as the terminal's does.
  const numeric = block.headers.map(
    (_, i) =>
      block.rows.length > 0 &&
      block.rows.every((r) => NUMERIC.test(r[i]?.text ?? '') || (r[i]?.text ?? '') === ''),
  );
  return `<div class="table-wrap"><table>
<thead><tr>${block.headers.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${block.rows.map((r) => `<tr>${r.map((x, i) => cellHtml(x, numeric[i] ?? false)).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

/** The view's sections, each an HTML `<section>` with the id the view gives it. */
export function planViewSections(view: PlanView): string {
  return view.sections
    .map(
      (s) =>
        `<section id="${html(s.id)}"><h2>${html(s.title)}</h2>\n${s.blocks.map(blockHtml).join('\n')}\n</section>`,
    )
    .join('\n');
}

/**
 * The plan's verdict apart from gates: the error findings (a stream short of shards, a key over a
 * shard's limit, a consumer falling behind, …) that keep a report's banner from showing green.
 */
export function planProblems(findings: readonly Finding[] | undefined): Finding[] {
  return (findings ?? []).filter((f) => f.severity === 'error');
}

export function problemsHeadline(problems: number, gatesPassed: number): string {
  const finds = `the plan finds ${plural(problems, 'problem')}`;
  return gatesPassed > 0
    ? `${gatesPassed === 1 ? 'The 1 gate' : `All ${gatesPassed} gates`} passed, but ${finds}`
    : `${finds[0]!.toUpperCase()}${finds.slice(1)}`;
}
