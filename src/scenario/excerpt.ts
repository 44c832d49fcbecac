/**
 * A short, escaped excerpt of text a user supplied, for quoting in an error. A malformed line of a
 * file a scenario names is quoted so the user can find it; quoting it whole would let a scenario
 * print lines of any file it can read into a CI log, and control characters in it could rewrite
 * the terminal (issue 9, point 15).
 */

/** The most characters of a line an error quotes. */
export const EXCERPT_CHARS = 40;

/** `text` as a JSON string literal, cut to `EXCERPT_CHARS` characters (then `…` and the full length). */
export function excerpt(text: string): string {
  const chars = [...text];
  if (chars.length <= EXCERPT_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(chars.slice(0, EXCERPT_CHARS).join(''))}… (${chars.length} characters)`;
}
