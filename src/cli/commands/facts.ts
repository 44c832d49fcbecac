import { type Fact, FIREHOSE, KINESIS } from '../../aws/facts.js';
import { type Price, type PriceName, resolvePrices, US_EAST_1_PRICES } from '../../aws/pricing.js';
import { SOURCES, type Source, sourceCodes } from '../../aws/sources.js';
import { ExitCode } from '../../errors.js';
import { planScenario } from '../../planner/index.js';
import { pricesUsed } from '../../planner/prices-used.js';
import type { Scenario } from '../../scenario/schema.js';
import { formatBytes, formatBytesPerSecond, formatNumber, formatSeconds } from '../../scenario/units.js';
import type { Io } from '../io.js';
import { loadScenario } from '../read.js';
import { renderTable } from '../table.js';

export interface FactsArgs {
  /** A scenario: list only the facts and prices it relies on, with its price overrides. */
  file?: string | undefined;
  json: boolean;
}

type Entries<T> = [string, T][];

/** What a scenario relies on: every figure, or those of its stream mode, its Firehose streams and its costs. */
interface Selection {
  kinesis: Entries<Fact<unknown>>;
  firehose: Entries<Fact<unknown>>;
  prices: Entries<Price>;
}

function everything(): Selection {
  return {
    kinesis: Object.entries(KINESIS),
    firehose: Object.entries(FIREHOSE),
    prices: Object.entries(US_EAST_1_PRICES),
  };
}

/**
 * A scenario's figures: on-demand capacity only for an on-demand stream, Firehose limits only when
 * it has a Firehose stream, and only the prices its plan's costs are computed with (its overrides
 * applied), so an unconfirmed Firehose price is never listed for a scenario without Firehose.
 */
function forScenario(scenario: Scenario): Selection {
  const plan = planScenario(scenario);
  const prices = resolvePrices(scenario.pricing);
  const used = new Set<PriceName>(pricesUsed(plan.cost.options, plan.firehose, scenario));
  return {
    kinesis: Object.entries(KINESIS).filter(
      ([name]) => scenario.stream.mode === 'on-demand' || !name.startsWith('onDemand'),
    ),
    // Direct PUT quotas bind only Firehose streams producers write to directly.
    firehose: Object.entries(FIREHOSE).filter(
      ([name]) =>
        scenario.firehose.length > 0 &&
        (!name.startsWith('directPut') || scenario.firehose.some((f) => f.source === 'direct-put')),
    ),
    // In the table's order, not first-use order, so two scenarios' lists read alike.
    prices: (Object.keys(prices) as PriceName[]).filter((n) => used.has(n)).map((n) => [n, prices[n]]),
  };
}

/** The sources the selection cites, in the order of the source table. */
function citedSources(selection: Selection): Source[] {
  const cited = new Set(
    [...selection.kinesis, ...selection.firehose, ...selection.prices].flatMap(([, f]) =>
      sourceCodes(f.source),
    ),
  );
  return Object.values(SOURCES).filter((s) => cited.has(s.code));
}

/**
 * A figure as the rest of shardcast prints it (`1 MiB/s`, `5 min`, `10,000 records`), with the
 * exact number beside a rounded one; `--json` keeps the raw value and unit.
 */
export function factValueText(value: unknown, unit: string): string {
  if (typeof value !== 'number') return `${JSON.stringify(value)} ${unit}`;
  const exact = (text: string) =>
    Number.isInteger(value) && !text.startsWith(formatNumber(value))
      ? `${text} (${formatNumber(value)} ${unit})`
      : text;
  switch (unit) {
    case 'bytes':
      return exact(formatBytes(value));
    case 'bytes/s':
      return exact(formatBytesPerSecond(value));
    case 's':
      return exact(formatSeconds(value));
    case '×':
      return `${formatNumber(value)}×`;
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

const mark = (confirmed: boolean) => (confirmed ? '' : ' ⚠️');

/** `shardcast facts [FILE] [--json]`: the limits and prices in use, with their sources' titles and URLs. */
export function commandFacts(io: Io, args: FactsArgs): number {
  const loaded = args.file === undefined ? null : loadScenario(io, args.file);
  const selection = loaded === null ? everything() : forScenario(loaded.scenario);
  const sources = citedSources(selection);

  if (args.json) {
    const withCodes = <T extends { source: string }>(entries: Entries<T>) =>
      Object.fromEntries(entries.map(([name, f]) => [name, { ...f, sourceCodes: sourceCodes(f.source) }]));
    const json = {
      ...(loaded === null ? {} : { scenario: { name: loaded.scenario.name, file: args.file } }),
      kinesis: withCodes(selection.kinesis),
      firehose: withCodes(selection.firehose),
      prices: withCodes(selection.prices),
      sources: Object.fromEntries(sources.map((s) => [s.code, s])),
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return ExitCode.ok;
  }

  const limits = [...selection.kinesis, ...selection.firehose].map(([name, f]) => [
    name,
    factValueText(f.value, f.unit),
    `${f.source} (${f.asOf})${mark(f.confirmed)}`,
  ]);
  const prices = selection.prices.map(([name, p]) => [
    name,
    `$${p.usd} per ${p.per}`,
    `${p.source} (${p.asOf})${mark(p.confirmed)}`,
  ]);
  const out: string[] = [];
  if (loaded !== null) {
    const omitted = [
      loaded.scenario.stream.mode === 'on-demand' ? null : 'on-demand capacity (the stream is provisioned)',
      loaded.scenario.firehose.length > 0 ? null : 'Firehose limits (no Firehose stream)',
    ].filter((x) => x !== null);
    out.push(
      `The limits and prices scenario "${loaded.scenario.name}" relies on.${omitted.length > 0 ? ` Left out: ${omitted.join(', ')}.` : ''} \`shardcast facts\` lists them all.`,
      '',
    );
  }
  out.push('Limits and behaviours', renderTable(['fact', 'value', 'source'], limits), '');
  out.push(
    loaded === null
      ? "Prices (us-east-1; override any in a scenario's pricing: block)"
      : 'Prices its costs use (us-east-1, with its pricing: overrides)',
    prices.length > 0 ? renderTable(['price', 'value', 'source'], prices) : '  none',
    '',
  );
  out.push('Sources');
  for (const s of sources) {
    out.push(
      `  ${s.code.padEnd(6)} ${s.title} (content ${s.contentDate}, checked ${s.checked})`,
      `  ${' '.repeat(6)} ${s.url ?? `no public copy found${s.note === undefined ? '' : `: ${s.note}`}`}`,
    );
  }
  out.push('', '⚠️ = not confirmed from an AWS source (see docs/aws-facts.md)', '');
  io.stdout(out.join('\n'));
  return ExitCode.ok;
}
