/**
 * A tiny, strict XML reader for tests: elements, attributes in double quotes, text, the five named
 * entities and character references. It throws on anything a conforming parser would reject that
 * our writers could plausibly produce: unbalanced or mismatched tags, a raw `<` or `&` in text or an
 * attribute, an unknown entity, a raw `"` inside an attribute, a duplicate attribute, trailing content.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element, entities decoded. */
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw "<" in ${where}: ${raw}`);
  const withoutEntities = raw.replace(ENTITY, '');
  if (withoutEntities.includes('&')) throw new Error(`raw "&" or unknown entity in ${where}: ${raw}`);
  return raw.replace(
    ENTITY,
    (_, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
      if (named !== undefined) return NAMED[named]!;
      return String.fromCodePoint(dec !== undefined ? Number(dec) : Number.parseInt(hex!, 16));
    },
  );
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${pos}: …${xml.slice(pos, pos + 40)}`);
  };
  const skipSpace = () => {
    while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(xml);
    if (!m) return fail('expected a name');
    pos += m[0].length;
    return m[0];
  };
  const expect = (text: string) => {
    if (!xml.startsWith(text, pos)) fail(`expected "${text}"`);
    pos += text.length;
  };

  const element = (): XmlElement => {
    expect('<');
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const before = pos;
      skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return el;
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected whitespace before an attribute');
      const attribute = name();
      expect('="');
      const end = xml.indexOf('"', pos);
      if (end < 0) fail('unterminated attribute');
      if (attribute in el.attributes) fail(`duplicate attribute ${attribute}`);
      el.attributes[attribute] = decode(xml.slice(pos, end), `attribute ${attribute}`);
      pos = end + 1;
    }
    for (;;) {
      if (pos >= xml.length) fail(`unclosed <${el.name}>`);
      if (xml.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        expect('>');
        return el;
      }
      if (xml[pos] === '<') {
        el.children.push(element());
        continue;
      }
      const next = xml.indexOf('<', pos);
      const end = next < 0 ? xml.length : next;
      el.text += decode(xml.slice(pos, end), `text of <${el.name}>`);
      pos = end;
    }
  };

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    pos = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== xml.length) fail('content after the root element');
  return root;
}
