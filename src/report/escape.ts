/**
 * Escaping for the HTML report: every string that comes from a scenario or a result (names,
 * descriptions, keys) goes through `html`, and embedded JSON through `jsonForScript`, so that a
 * scenario named `</script><script>alert(1)</script>` renders as text.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML element's content or a quoted attribute value. */
export function html(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON to place inside a `<script type="application/json">` element: `<`, `>` and `&` become
 * `\u003c`, `\u003e`, `\u0026` (still the same JSON once parsed), so no `</script>` or `<!--` can
 * appear and end the element early; U+2028 and U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
