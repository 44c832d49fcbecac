/**
 * Where a JSON text first goes wrong. JSON.parse says so in words that change between Node versions
 * and often without a position (Node 20: `Unexpected token '}', …`), so after it fails this small
 * recursive-descent reader finds the line and column and says what was expected there.
 */

export interface JsonSyntaxProblem {
  /** 1-based. */
  line: number;
  column: number;
  /** e.g. `expected a value, found '}'`. */
  message: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

function scan(text: string): void {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (char: string, expected: string) => {
    if (text[i] !== char) throw new Stop(i, expected);
    i++;
  };
  const string = () => {
    expect('"', 'a string in double quotes');
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'a closing double quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i, 'a closing double quote (control characters must be escaped)');
      if (c === 0x5c) {
        const escaped = text[i + 1];
        if (escaped === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) throw new Stop(i + 2, 'four hex digits after \\u');
          i += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i += 2;
        else throw new Stop(i + 1, 'an escape: one of " \\ / b f n r t u');
      } else i++;
    }
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') throw new Stop(i, 'a property name in double quotes');
        string();
        skipSpace();
        expect(':', "':' after the property name");
        value();
        skipSpace();
        if (text[i] !== ',') {
          expect('}', "',' or '}'");
          return;
        }
        i++;
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[i] !== ',') {
          expect(']', "',' or ']'");
          return;
        }
        i++;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (!number) throw new Stop(i, 'a value');
    i += number[0].length;
  };
  value();
  skipSpace();
  if (i < text.length) throw new Stop(i, 'the end of the document');
}

/** The first syntax error of `text`, or undefined when this reader finds none. */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined; // e.g. nesting too deep for the stack
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    const char = text[error.offset];
    const found =
      char === undefined ? 'the end of the file' : char >= ' ' ? `'${char}'` : JSON.stringify(char);
    return { line, column, message: `expected ${error.expected}, found ${found}` };
  }
}
