/** Plain-text tables with aligned columns; numbers (and money) align right. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const numeric = header.map(
    (_, c) =>
      rows.length > 0 && rows.every((r) => /^[\s$≈~<>+−-]*[\d,.]+/.test(r[c] ?? '') || (r[c] ?? '') === ''),
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
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
