/**
 * The tables of docs/aws-facts.md that list what the code uses, generated from `facts.ts`,
 * `pricing.ts` and `sources.ts` (`npm run docs`), so the document cannot drift from the figures
 * the planner and the engine compute with; a test fails when it is stale.
 */
import { type Fact, FIREHOSE, FIREHOSE_BUFFER_RANGES, KINESIS } from './facts.js';
import { type Price, US_EAST_1_PRICES } from './pricing.js';
import { SOURCES, sourceCodes } from './sources.js';

const START = '<!-- facts:start -->';
const END = '<!-- facts:end -->';

/** 1048576 → 1,048,576; 0.015 stays 0.015 (digits after the point are not grouped). */
function grouped(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const withCommas = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

/** A table cell: pipes escaped, newlines flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Source codes linked to their row in the Sources table, with what the code string adds ("−60%"). */
function sourceCell(source: string): string {
  const codes = sourceCodes(source);
  if (codes.length === 0) return cell(source);
  const linked = codes.map((c) => `[${c}](#source-${c.toLowerCase()})`).join(', ');
  const extra = /\(([^)]*)\)\s*$/.exec(source)?.[1];
  return extra === undefined ? linked : `${linked} (${cell(extra)})`;
}

const confirmedCell = (confirmed: boolean) => (confirmed ? '✅' : '⚠️ not confirmed');

function factRows(facts: Readonly<Record<string, Fact<unknown>>>): string[] {
  return Object.entries(facts).map(
    ([name, f]) =>
      `| \`${name}\` | ${typeof f.value === 'number' ? grouped(f.value) : cell(String(f.value))} ${cell(f.unit)} | ${sourceCell(f.source)} | ${cell(f.asOf)} | ${confirmedCell(f.confirmed)} | ${cell(f.note ?? '')} |`,
  );
}

function priceRows(prices: Readonly<Record<string, Price>>): string[] {
  return Object.entries(prices).map(
    ([name, p]) =>
      `| \`${name}\` | $${p.usd} per ${cell(p.per)} | ${sourceCell(p.source)} | ${cell(p.asOf)} | ${confirmedCell(p.confirmed)} | ${cell(p.note ?? '')} |`,
  );
}

const FACT_HEADER = [
  '| name in `facts.ts` | value | source | as of | confirmed | note |',
  '| --- | --- | --- | --- | --- | --- |',
];

/** The generated part of docs/aws-facts.md: figures, buffering ranges, prices and sources. */
export function factsTables(): string {
  const ranges = Object.entries(FIREHOSE_BUFFER_RANGES).map(
    ([destination, r]) =>
      `| ${destination} | ${r.sizeMiB.min}–${r.sizeMiB.max} MiB (default ${r.sizeMiB.default}) | ${r.intervalSeconds.min}–${r.intervalSeconds.max} s (default ${r.intervalSeconds.default}) | ${sourceCell(r.source)} | ${cell(r.note ?? '')} |`,
  );
  const sources = Object.values(SOURCES).map(
    (s) =>
      `| <a id="source-${s.code.toLowerCase()}"></a>${s.code} | ${s.url === null ? cell(s.title) : `[${cell(s.title)}](${s.url})`} | ${cell(s.contentDate)} | ${s.checked} | ${s.authority} | ${cell(s.note ?? '')} |`,
  );
  return [
    '### Kinesis Data Streams (`KINESIS`)',
    '',
    ...FACT_HEADER,
    ...factRows(KINESIS),
    '',
    '### Firehose (`FIREHOSE`)',
    '',
    ...FACT_HEADER,
    ...factRows(FIREHOSE),
    '',
    '### Firehose buffering hints per destination (`FIREHOSE_BUFFER_RANGES`)',
    '',
    '| destination | size | interval | source | note |',
    '| --- | --- | --- | --- | --- |',
    ...ranges,
    '',
    '### Prices, us-east-1 (`US_EAST_1_PRICES`; a scenario’s `pricing:` block overrides any by name)',
    '',
    '| name | price | source | as of | confirmed | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...priceRows(US_EAST_1_PRICES),
    '',
    '### Sources (`SOURCES`)',
    '',
    '| code | title and link | content date | checked | authority | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...sources,
  ].join('\n');
}

/** `markdown` with the text between the facts markers replaced by `factsTables()`. */
export function replaceFactsTables(markdown: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start)
    throw new Error('docs/aws-facts.md has no <!-- facts:start --> … <!-- facts:end --> markers');
  return `${markdown.slice(0, start + START.length)}\n${factsTables()}\n${markdown.slice(end)}`;
}
