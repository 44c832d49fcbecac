/**
 * Text that came from a file (a field name, a metric name, a description) made safe to print on
 * a terminal: a newline in it would forge a line of our output, an escape sequence (ESC [ 2 J)
 * would clear the screen or recolour it. Control characters (C0, DEL, C1), the line and
 * paragraph separators and the bidirectional overrides are shown escaped, as JSON writes them
 * (`\n`, `\t`, `\u001b`), and a very long string is cut with a count of what was left out.
 */

/** Characters shown escaped rather than printed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The longest string printed whole in terminal output, in characters. */
export const MAX_PRINTED_CHARS = 200;

/** `text` with its control characters escaped (`\n`, `\u001b`), cut after `maxChars` characters. */
export function printable(text: string, maxChars = MAX_PRINTED_CHARS): string {
  const cut = shorten(text, maxChars);
  return cut.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` cut after `maxChars` characters (code points), with how many more there were. */
export function shorten(text: string, maxChars = MAX_PRINTED_CHARS): string {
  if (text.length <= maxChars) return text;
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  return `${chars.slice(0, maxChars).join('')}… (${(chars.length - maxChars).toLocaleString('en-US')} more characters)`;
}
