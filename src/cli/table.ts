/** Plain-text tables with aligned columns; numbers (and money) align right. */
import { printable } from '../printable.js';

export function renderTable(
  headerGiven: readonly string[],
  rowsGiven: readonly (readonly string[])[],
  indent = '  ',
): string {
  // A cell may hold a name from a file (a metric, a key): printed escaped and cut (printable.ts).
  const header = headerGiven.map((h) => printable(h, 500));
  const rows = rowsGiven.map((r) => r.map((t) => printable(t, 500)));
  // A column with no title and nothing in it (a notes column no row needed) is left out.
  const kept = header.map((h, c) => h !== '' || rows.some((r) => (r[c] ?? '') !== ''));
  if (kept.some((k) => !k)) {
    const pick = <T>(r: readonly T[]) => r.filter((_, c) => kept[c]);
    return renderTable(pick(header), rows.map(pick), indent);
  }
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const numeric = header.map(
    (_, c) =>
      rows.length > 0 &&
      // "—" stands for a number that does not exist (a count not configured): it aligns with them.
      rows.every((r) => /^[\s$≈~<>+−-]*[\d,.]+/.test(r[c] ?? '') || (r[c] ?? '') === '' || r[c] === '—'),
  );
  const cell = (text: string, c: number) => {
    const pad = ' '.repeat(widths[c]! - [...text].length);
    return numeric[c] ? pad + text : text + pad;
  };
  const line = (r: readonly string[]) =>
    indent +
    r
      .map((t, c) => cell(t, c))
      .join('  ')
      .trimEnd();
  const rule = (indent + widths.map((w) => '─'.repeat(w)).join('  ')).trimEnd();
  return [line(header), rule, ...rows.map(line)].join('\n');
}
