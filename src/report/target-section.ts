/**
 * The HTML report's "Target" section for a run on a real target (`targetView`): where it ran,
 * what it measures and what it does not, its own metrics in tables, the resources it created,
 * kept or deleted. Every string is escaped here.
 */
import { html } from './escape.js';
import type { TargetView } from './target-view.js';

/** A table: its cells after the first right-aligned when `numeric` (figures), left-aligned otherwise (words, ARNs); no heading row when every heading is empty. */
function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  caption?: string,
  numeric = true,
): string {
  if (rows.length === 0) return '';
  const num = (i: number) => (numeric && i > 0 ? ' class="num"' : '');
  const cells = (r: readonly string[]) => r.map((c, i) => `<td${num(i)}>${html(c)}</td>`).join('');
  const head = headers.every((h) => h === '')
    ? ''
    : `<thead><tr>${headers.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>\n`;
  return `<div class="table-wrap"><table>${caption === undefined ? '' : `<caption>${html(caption)}</caption>`}
${head}<tbody>${rows.map((r) => `<tr>${cells(r)}</tr>`).join('\n')}</tbody></table></div>`;
}

const codes = (names: readonly string[]) => names.map((n) => `<code>${html(n)}</code>`).join(', ');

export function targetSection(view: TargetView): string {
  const parts = [
    table(['', ''], view.details, 'Where it ran', false),
    `<p>This target measures ${codes(view.measures)}.${
      view.notMeasured.length === 0
        ? ''
        : ` Not measured by this target (shown as “not measured”, never as a measured 0): ${codes(view.notMeasured)}.`
    }</p>`,
    ...view.groups.map((g) => table(g.headers, g.rows, g.title)),
    view.resources.length === 0
      ? ''
      : `<p>Resources:</p><ul class="resources">${view.resources.map((r) => `<li>${html(r)}</li>`).join('')}</ul>`,
  ];
  return `<section id="target"><h2>${html(`Target: ${view.name}`)}</h2>\n${parts.filter((p) => p !== '').join('\n')}\n</section>`;
}
