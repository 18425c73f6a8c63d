/**
 * A minimal, strict XML reader: enough to check that a generated chart is well-formed and to
 * find its elements in tests. Elements, attributes, text, comments, the XML declaration and the
 * five predefined entities plus numeric references; anything else is an error with its offset.
 */

/** An element of the parsed tree. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated text directly inside this element. */
  readonly text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parses `source`, returning the root element.
 * @throws Error naming the offset of the first problem (unclosed tag, bad attribute, stray text).
 */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML error at offset ${i}: ${what}`);
  };
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(source);
    if (m === null) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (all, ent: string | undefined) => {
      if (ent === undefined) fail('bare "&"');
      if (ent!.startsWith('#x')) return String.fromCodePoint(parseInt(ent!.slice(2), 16));
      if (ent!.startsWith('#')) return String.fromCodePoint(parseInt(ent!.slice(1), 10));
      const v = ENTITIES[ent!];
      if (v === undefined) fail(`unknown entity ${all}`);
      return v!;
    });
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<?', i)) {
        const end = source.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (source.startsWith('<!--', i)) {
        const end = source.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail('expected "<"');
    i++;
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', i)) {
        i += 2;
        return { name: tag, attrs, children: [], text: '' };
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      const key = name();
      if (key in attrs) fail(`duplicate attribute ${key}`);
      skipSpace();
      if (source[i] !== '=') fail(`attribute ${key} without "="`);
      i++;
      skipSpace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail(`attribute ${key} not quoted`);
      const end = source.indexOf(quote!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = source.slice(i + 1, end);
      if (raw.includes('<')) fail(`"<" inside attribute ${key}`);
      attrs[key] = decode(raw);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let content = '';
    for (;;) {
      if (i >= source.length) fail(`<${tag}> is never closed`);
      if (source.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (source[i] !== '>') fail('expected ">"');
        i++;
        return { name: tag, attrs, children, text: decode(content) };
      }
      if (source.startsWith('<!--', i)) {
        const end = source.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (source[i] === '<') children.push(element());
      else {
        const next = source.indexOf('<', i);
        content += source.slice(i, next < 0 ? source.length : next);
        i = next < 0 ? source.length : next;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== source.length) fail('content after the root element');
  return root;
}

/** Every element of the tree (depth first) satisfying `match`. */
export function findAll(root: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (match(e)) out.push(e);
    for (const c of e.children) walk(c);
  };
  walk(root);
  return out;
}
