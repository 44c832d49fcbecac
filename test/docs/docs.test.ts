/**
 * The documents the code relies on exist in the repository and say what their citations say they
 * do: every `docs/….md` a source file, test, script, the README or a doc cites exists, with the
 * section it names ("Consumers", KDS 4, habit 11, #anchor); every relative link in the README and
 * docs/ resolves, anchors included; no citation points at a design note outside the repository;
 * and docs/aws-facts.md's generated tables match src/aws (`npm run docs` when this fails).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFactsTables } from '../../src/aws/facts-doc.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const THIS_FILE = 'test/docs/docs.test.ts';

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(path, extensions));
    else if (extensions.some((e) => entry.name.endsWith(e))) out.push(path);
  }
  return out;
}

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

const DOCS = filesUnder('docs', ['.md']);
/** Everything that may cite a doc: code, tests, scripts, benchmarks, the README and the docs. */
const CITING = [
  ...['src', 'test', 'bench', 'bin'].flatMap((d) => filesUnder(d, ['.ts', '.mts', '.js'])),
  'README.md',
  ...DOCS,
].filter((f) => f !== THIS_FILE);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

interface DocIndex {
  headings: string[];
  anchors: Set<string>;
  /** First cells of table rows and bold terms: the named rows a citation may quote. */
  terms: string[];
  /** Numbered list items (style.md's habits). */
  numbered: Set<number>;
}

function indexDoc(path: string): DocIndex {
  const text = read(path);
  const headings: string[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6} (.+)$/.exec(line);
    if (h) {
      headings.push(h[1]!);
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
  }
  for (const m of text.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]!);
  const terms = [
    ...[...text.matchAll(/^\| ([^|]+) \|/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!),
  ];
  const numbered = new Set([...text.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1])));
  return { headings, anchors, terms, numbered };
}

const INDEX = new Map(DOCS.map((d) => [d, indexDoc(d)]));

interface Citation {
  file: string;
  line: number;
  doc: string;
  /** What follows the doc's name up to the end of the parenthesis or line: the section it names. */
  tail: string;
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of CITING) {
    read(file)
      .split('\n')
      .forEach((text, i) => {
        for (const m of text.matchAll(/docs\/([a-z-]+\.md)/g)) {
          const rest = text.slice(m.index + m[0].length);
          found.push({ file, line: i + 1, doc: `docs/${m[1]}`, tail: /^[^);]*/.exec(rest)![0] });
        }
      });
  }
  return found;
}

/** The problems with one citation's section names: quoted names, KDS/Firehose sections, habits, anchors. */
function sectionProblems(c: Citation, doc: DocIndex): string[] {
  const problems: string[] = [];
  const where = `${c.file}:${c.line} cites ${c.doc}`;
  const anchor = /^#([\w-]+)/.exec(c.tail)?.[1];
  if (anchor !== undefined && !doc.anchors.has(anchor)) problems.push(`${where}#${anchor}: no such anchor`);
  for (const q of c.tail.matchAll(/"([^"]+)"/g)) {
    const name = q[1]!;
    const named = [...doc.headings, ...doc.terms].some((h) => h.includes(name));
    if (!named) problems.push(`${where}, "${name}": no heading, table row or bold term says so`);
  }
  for (const s of c.tail.matchAll(/\b(KDS|Firehose) (\d+)(?:[–-](\d+))?/g)) {
    const from = Number(s[2]);
    const to = s[3] === undefined ? from : Number(s[3]);
    for (let n = from; n <= to; n++) {
      // Section 12 is headed "12. S3 request pricing", without a service prefix.
      const ok = doc.headings.some((h) => h.startsWith(`${s[1]} ${n}.`) || h.startsWith(`${n}. `));
      if (!ok) problems.push(`${where}, ${s[1]} ${n}: no such section`);
    }
  }
  for (const h of c.tail.matchAll(/\bhabits? (\d+(?:(?:, | and )\d+)*)/g)) {
    for (const n of h[1]!.split(/, | and /).map(Number)) {
      if (!doc.numbered.has(n)) problems.push(`${where}, habit ${n}: no such habit`);
    }
  }
  return problems;
}

describe('documents cited from the code, tests and README', () => {
  const all = citations();

  it('are cited, and each exists with the sections it is cited for', () => {
    // Over 60 citations in src/, test/, bin/ and the README, most with a section.
    expect(all.filter((c) => /"|KDS|Firehose|habit|#/.test(c.tail)).length).toBeGreaterThan(40);
    // The code cites the engine model, the AWS facts and the conventions; the README links all.
    const cited = new Set(all.filter((c) => !c.file.startsWith('docs/')).map((c) => c.doc));
    expect([...cited].sort()).toEqual([
      'docs/architecture.md',
      'docs/aws-facts.md',
      'docs/engine.md',
      'docs/style.md',
    ]);
    const problems: string[] = [];
    for (const c of all) {
      const doc = INDEX.get(c.doc);
      if (doc === undefined) problems.push(`${c.file}:${c.line} cites ${c.doc}, which does not exist`);
      else problems.push(...sectionProblems(c, doc));
    }
    expect(problems).toEqual([]);
  });

  it('never point at design notes outside the repository', () => {
    const stale =
      /(?<![\w/.-])(?:ENGINE|ARCHITECTURE|STYLE|DEPENDENCIES)\.md|(?<![\w/.-])aws-facts\.md|shared\/design/;
    const problems: string[] = [];
    for (const file of CITING.filter((f) => !f.startsWith('docs/'))) {
      read(file)
        .split('\n')
        .forEach((text, i) => {
          // "docs/aws-facts.md" and a link's text "[aws-facts.md](docs/…)" are fine; a bare or outside name is not.
          if (stale.test(text.replace(/docs\/[a-z-]+\.md/g, '').replace(/\[[\w.-]+\.md\]\(/g, '(')))
            problems.push(`${file}:${i + 1}: ${text.trim()}`);
        });
    }
    expect(problems).toEqual([]);
  });

  it('the checker sees a missing section, a missing anchor and a missing habit', () => {
    const engine = INDEX.get('docs/engine.md')!;
    const bad = (tail: string) =>
      sectionProblems({ file: 'x.ts', line: 1, doc: 'docs/engine.md', tail }, engine);
    expect(bad(', "Consumers"')).toEqual([]);
    expect(bad(', "Quantum effects"')).toHaveLength(1);
    expect(bad('#consumers')).toEqual([]);
    expect(bad('#no-such-part')).toHaveLength(1);
    const facts = INDEX.get('docs/aws-facts.md')!;
    const cite = (tail: string) =>
      sectionProblems({ file: 'x.ts', line: 1, doc: 'docs/aws-facts.md', tail }, facts);
    expect(cite(', Firehose 9–12 and KDS 8')).toEqual([]);
    expect(cite(', KDS 9')).toHaveLength(1);
    const style = INDEX.get('docs/style.md')!;
    expect(
      sectionProblems({ file: 'x', line: 1, doc: 'docs/style.md', tail: ', habits 6 and 11' }, style),
    ).toEqual([]);
    expect(
      sectionProblems({ file: 'x', line: 1, doc: 'docs/style.md', tail: ', habit 15' }, style),
    ).toHaveLength(1);
  });
});

describe('links in the README and docs/', () => {
  it('every relative link resolves, its anchor too', () => {
    const problems: string[] = [];
    for (const file of ['README.md', ...DOCS]) {
      const text = read(file).replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : normalize(join(dirname(file), path));
        const full = join(REPO_ROOT, resolved);
        if (!existsSync(full)) {
          problems.push(`${file}: ${target} → ${relative('.', resolved)} does not exist`);
          continue;
        }
        if (anchor !== undefined) {
          const doc = statSync(full).isFile() && resolved.endsWith('.md') ? indexDoc(resolved) : null;
          if (doc === null || !doc.anchors.has(anchor)) problems.push(`${file}: ${target}: no such anchor`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the README links every document in docs/', () => {
    const readme = read('README.md');
    for (const doc of DOCS) expect(readme, doc).toContain(`](${doc})`);
  });
});

describe('docs/aws-facts.md', () => {
  it('has the current tables of figures, prices and sources (run `npm run docs` when this fails)', () => {
    const doc = read('docs/aws-facts.md');
    expect(replaceFactsTables(doc)).toBe(doc);
  });

  it('lists every source any figure cites, with a link or a reason there is none', () => {
    const doc = read('docs/aws-facts.md');
    for (const code of new Set([...doc.matchAll(/\]\(#source-([a-z0-9-]+)\)/g)].map((m) => m[1]!))) {
      expect(INDEX.get('docs/aws-facts.md')!.anchors.has(`source-${code}`), code).toBe(true);
    }
    expect(doc).toContain(
      '| <a id="source-api-k"></a>API-K | [Kinesis API model (botocore service-2.json, 2013-12-02)](https://github.com/boto/botocore/blob/',
    );
  });
});
