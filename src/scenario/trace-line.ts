/**
 * One line of a trace CSV, `seconds,recordsPerSecond`, read by a scanner that looks at each
 * character once. It replaces the expression `^\s*([0-9.eE+-]+)\s*[,;\t ]\s*([0-9.eE+-]+)\s*$`,
 * whose `\s*[,;\t ]\s*` can split a run of n tabs between its three parts in ~n²/2 ways before it
 * gives up: a line of `1`, 200,000 tabs and `1x` did not finish in 60 s (issue 15, point 4). The
 * language is the same (test/scenario/trace-line.test.ts checks it against the expression): a
 * number's characters, then a separator of whitespace around at most one `,` or `;` (or whitespace
 * alone, with at least one space or tab), then a number's characters, whitespace around it all.
 */

/** The two fields of a line as written (not yet numbers), or undefined when the line is not `a,b`. */
export function scanTraceLine(line: string): [string, string] | undefined {
  const end = line.length;
  let i = skipSpace(line, 0);
  const firstStart = i;
  while (i < end && isNumberChar(line.charCodeAt(i))) i++;
  if (i === firstStart) return undefined;
  const first = line.slice(firstStart, i);
  // The separator: whitespace, at most one `,` or `;`, whitespace. Without a `,` or `;` the
  // expression's middle `[,;\t ]` must be a space or a tab among the whitespace.
  let punctuation = 0;
  let spaceOrTab = false;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === COMMA || c === SEMICOLON) punctuation++;
    else if (c === SPACE || c === TAB) spaceOrTab = true;
    else if (!isSpace(c)) break;
    i++;
  }
  if (punctuation > 1 || (punctuation === 0 && !spaceOrTab)) return undefined;
  const secondStart = i;
  while (i < end && isNumberChar(line.charCodeAt(i))) i++;
  if (i === secondStart) return undefined;
  const second = line.slice(secondStart, i);
  return skipSpace(line, i) === end ? [first, second] : undefined;
}

const TAB = 0x09;
const SPACE = 0x20;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/** `[0-9.eE+-]`. */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function skipSpace(line: string, from: number): number {
  let i = from;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  return i;
}

/** What `\s` matches in a JavaScript regular expression (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === SPACE || (c >= TAB && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
