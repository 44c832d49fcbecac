/**
 * How deep a scenario's mappings and lists nest, measured before the document is built. Building a
 * YAML document (yaml's composer), turning it into values and validating them all recurse once per
 * level: 20,000 nested `[` ended in "Maximum call stack size exceeded" (issue 9, point 14). yaml's
 * CST parser keeps an explicit stack, so the depth can be measured on its tokens without recursion,
 * and a document nested beyond a stated depth is refused where it first goes too deep.
 */
import { type CST, Parser } from 'yaml';
import type { Problem } from '../errors.js';

/**
 * The deepest nesting a scenario may have. The schema's deepest field is 6 levels down
 * (`producers[0].rate.steps[0].rate`, or a flow pair inside it); 64 leaves room for any
 * hand-written layout while keeping every recursive step (compose, toJS, zod) a few hundred frames.
 */
export const MAX_NESTING_DEPTH = 64;

/** A problem for a document nested deeper than `MAX_NESTING_DEPTH`, located at the first such collection. */
export function nestingProblem(text: string, file: string): Problem | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  try {
    for (const token of new Parser().parse(text)) stack.push({ token, depth: 0 });
  } catch (error) {
    // yaml's parser itself recurses once per block collection it opens inside an unclosed flow
    // collection: `[` before 5,000 block list items overflowed the stack (exit 70, found by the
    // fuzz test, issue 15). Only that is input; anything else is a bug.
    if (!(error instanceof RangeError)) throw error;
    return tooDeepToParse(text, file);
  }
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    const children: (CST.Token | undefined)[] = [];
    let level = depth;
    switch (token.type) {
      case 'document':
        children.push(token.value);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        level = depth + 1;
        if (level > MAX_NESTING_DEPTH) return problemAt(text, file, token.offset);
        for (const item of token.items) {
          if ('key' in item) children.push(item.key ?? undefined);
          children.push(item.value);
        }
        break;
      default:
        break;
    }
    for (const child of children) if (child !== undefined) stack.push({ token: child, depth: level });
  }
  return undefined;
}

/**
 * The problem for text the parser could not follow: located at the first `[` or `{` that opens a
 * line's content, the usual culprit (an unclosed flow collection swallowing the block that
 * follows), else at the first line.
 */
function tooDeepToParse(text: string, file: string): Problem {
  const opener = /^[ \t]*(?:-[ \t]+)?[[{]|:[ \t]+[[{]/m.exec(text);
  const offset = opener === null ? 0 : opener.index + opener[0].length - 1;
  return {
    ...problemAt(text, file, offset),
    message:
      'mappings and lists nest too deep for the YAML parser from here: an unclosed [ or { takes everything after it in',
  };
}

function problemAt(text: string, file: string, offset: number): Problem {
  // 1-based line and column of `offset`, counted without building a line table for the whole text.
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return {
    location: { file, line, column: offset - lineStart + 1, path: '' },
    message: `mappings and lists nest more than ${MAX_NESTING_DEPTH} levels deep here; a scenario nests at most about 6`,
    expected: `at most ${MAX_NESTING_DEPTH} levels of nesting`,
    hint: 'a scenario has a fixed shape (see `shardcast schema`): look for unbalanced [ or { or runaway indentation',
  };
}
