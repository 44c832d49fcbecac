/**
 * Monthly cost (730 hours) of the stream under each capacity option, for the same traffic
 * (docs/aws-facts.md, KDS 8). Costs use the scenario's average rate; `monthlyAtPeak` shows the same
 * if the planning instant's rate held all month.
 */
import { BYTES_PER_BILLED_GB, HOURS_PER_MONTH, KINESIS, SECONDS_PER_MONTH } from '../aws/facts.js';
import type { PriceName, PriceTable } from '../aws/pricing.js';
import { meanUnitsPerRecord } from '../scenario/record-size.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytes, formatNumber, formatUsd, plural } from '../scenario/units.js';
import { pricesUsed } from './prices-used.js';
import type { CostLine, CostOption, CostPlan, FirehosePlan, ProducerTraffic, Traffic } from './types.js';

/** PUT payload unit: 25 KB, taken as 25 × 1,024 bytes (PR-K; whether the key counts is ⚠️, it is counted). */
export const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
/** On-demand ingest rounds each record up to 1 KB = 1,024 bytes (PR-K). */
export const ON_DEMAND_ROUNDING_BYTES = 1024;
/** On-demand Advantage bills at least 25 MiB/s of ingest and of retrieval (B-ODA, API-K). */
export const ADVANTAGE_MINIMUM_BYTES_PER_SECOND = 25 * 1024 * 1024;

const EXTENDED_RETENTION_MAX = KINESIS.retentionExtendedMaxSeconds.value;
const RETENTION_INCLUDED = KINESIS.retentionDefaultSeconds.value;

export interface CostInput {
  scenario: Scenario;
  traffic: Traffic;
  /** Shards the provisioned option is priced at (the recommended count). */
  shards: number;
  prices: PriceTable;
  /** Polling readers (applications and stream-sourced Firehose). */
  pollingReaders: number;
  efoConsumers: number;
}

type Basis = 'average' | 'peak';

/** Mean billing units per Kinesis record of a producer when records round up to `step` bytes. */
function unitsPerRecord(p: ProducerTraffic, scenario: Scenario, step: number): number {
  if (p.aggregation.enabled && p.aggregation.userRecordsPerKinesisRecord > 1) {
    return Math.max(1, Math.ceil(p.aggregation.kinesisRecordBytes / step));
  }
  const producer = scenario.producers.find((x) => x.name === p.name)!;
  return meanUnitsPerRecord(producer.recordSize, step, p.meanKeyBytes);
}

function ratesFor(traffic: Traffic, basis: Basis) {
  const onStream = traffic.producers.filter((p) => p.destination === 'stream');
  const scale = (p: ProducerTraffic) =>
    basis === 'peak' ? 1 : p.recordsPerSecond > 0 ? p.averageRecordsPerSecond / p.recordsPerSecond : 0;
  return {
    onStream,
    scale,
    writeBytesPerSecond: onStream.reduce((a, p) => a + p.writeBytesPerSecond * scale(p), 0),
  };
}

const gbPerMonth = (bytesPerSecond: number) => (bytesPerSecond * SECONDS_PER_MONTH) / BYTES_PER_BILLED_GB;

function line(prices: PriceTable, name: PriceName, quantity: number, unitLabel: string, per = 1): CostLine {
  const p = prices[name];
  return {
    item: name,
    usd: (quantity / per) * p.usd,
    detail: `${formatNumber(quantity)} ${unitLabel} × $${p.usd}${per === 1 ? '' : ` per ${formatNumber(per)}`}`,
  };
}

/** Stored bytes beyond 24 h (extended tier, ≤ 7 d) and beyond 7 d (long-term tier), in GB-months. */
function retentionGbMonths(writeBytesPerSecond: number, retentionSeconds: number) {
  const extended = Math.max(0, Math.min(retentionSeconds, EXTENDED_RETENTION_MAX) - RETENTION_INCLUDED);
  const longTerm = Math.max(0, retentionSeconds - EXTENDED_RETENTION_MAX);
  return {
    extended: (writeBytesPerSecond * extended) / BYTES_PER_BILLED_GB,
    longTerm: (writeBytesPerSecond * longTerm) / BYTES_PER_BILLED_GB,
  };
}

function provisioned(input: CostInput, basis: Basis): CostLine[] {
  const { scenario, traffic, shards, prices } = input;
  const r = ratesFor(traffic, basis);
  const lines: CostLine[] = [line(prices, 'kinesis.shardHour', shards * HOURS_PER_MONTH, 'shard-hours')];
  const unitsPerSecond = r.onStream.reduce(
    (a, p) =>
      a + p.kinesisRecordsPerSecond * r.scale(p) * unitsPerRecord(p, scenario, PUT_PAYLOAD_UNIT_BYTES),
    0,
  );
  lines.push(
    line(
      prices,
      'kinesis.putPayloadUnitsPerMillion',
      unitsPerSecond * SECONDS_PER_MONTH,
      'PUT payload units',
      1e6,
    ),
  );
  if (scenario.stream.retention > RETENTION_INCLUDED) {
    lines.push(
      line(
        prices,
        'kinesis.extendedRetentionShardHour',
        shards * HOURS_PER_MONTH,
        'shard-hours of extended retention',
      ),
    );
  }
  const stored = retentionGbMonths(r.writeBytesPerSecond, scenario.stream.retention);
  if (stored.longTerm > 0)
    lines.push(line(prices, 'kinesis.longTermRetentionGbMonth', stored.longTerm, 'GB-months beyond 7 days'));
  if (input.efoConsumers > 0) {
    lines.push(
      line(
        prices,
        'kinesis.efoConsumerShardHour',
        input.efoConsumers * shards * HOURS_PER_MONTH,
        'consumer-shard-hours',
      ),
      line(
        prices,
        'kinesis.efoRetrievalGb',
        input.efoConsumers * gbPerMonth(r.writeBytesPerSecond),
        'GB read by EFO',
      ),
    );
  }
  return lines;
}

function onDemand(
  input: CostInput,
  basis: Basis,
  advantage: boolean,
): { lines: CostLine[]; notes: string[] } {
  const { scenario, traffic, prices } = input;
  const r = ratesFor(traffic, basis);
  const prefix = advantage ? 'kinesis.onDemandAdvantage' : 'kinesis.onDemand';
  const notes: string[] = [];
  const lines: CostLine[] = [];
  if (!advantage) lines.push(line(prices, 'kinesis.onDemand.streamHour', HOURS_PER_MONTH, 'stream-hours'));
  // Ingest: each record rounded up to 1 KB (PR-K).
  const ingestBytesPerSecond = r.onStream.reduce(
    (a, p) =>
      a +
      p.kinesisRecordsPerSecond *
        r.scale(p) *
        unitsPerRecord(p, scenario, ON_DEMAND_ROUNDING_BYTES) *
        ON_DEMAND_ROUNDING_BYTES,
    0,
  );
  const readBytesPerSecond = input.pollingReaders * r.writeBytesPerSecond;
  const efoBytesPerSecond = input.efoConsumers * r.writeBytesPerSecond;
  let ingestGb = gbPerMonth(ingestBytesPerSecond);
  let readGb = gbPerMonth(readBytesPerSecond);
  const efoGb = gbPerMonth(efoBytesPerSecond);
  if (advantage) {
    const minimumGb = gbPerMonth(ADVANTAGE_MINIMUM_BYTES_PER_SECOND);
    if (ingestGb < minimumGb) {
      notes.push(
        `Advantage bills at least 25 MiB/s of ingest per account and region: ${formatNumber(minimumGb)} GB instead of ${formatNumber(ingestGb)} GB (less if other on-demand streams in the account make up the minimum)`,
      );
      ingestGb = minimumGb;
    }
    if (readGb + efoGb < minimumGb) {
      notes.push(
        `Advantage bills at least 25 MiB/s of retrieval: the shortfall is billed at the polling retrieval rate`,
      );
      readGb = minimumGb - efoGb;
    }
  }
  lines.push(line(prices, `${prefix}.ingestGb` as PriceName, ingestGb, 'GB written (1 KB rounding)'));
  if (readGb > 0)
    lines.push(line(prices, `${prefix}.retrievalGb` as PriceName, readGb, 'GB read by polling'));
  if (efoGb > 0) lines.push(line(prices, `${prefix}.efoRetrievalGb` as PriceName, efoGb, 'GB read by EFO'));
  const stored = retentionGbMonths(r.writeBytesPerSecond, scenario.stream.retention);
  if (stored.extended > 0) {
    lines.push(
      line(
        prices,
        `${prefix}.extendedRetentionGbMonth` as PriceName,
        stored.extended,
        'GB-months stored 24 h–7 d',
      ),
    );
  }
  if (stored.longTerm > 0)
    lines.push(line(prices, 'kinesis.longTermRetentionGbMonth', stored.longTerm, 'GB-months beyond 7 days'));
  return { lines, notes };
}

const total = (lines: readonly CostLine[]) => lines.reduce((a, l) => a + l.usd, 0);

/** The stream's monthly cost as provisioned (at `shards`), On-demand Standard and On-demand Advantage. */
export function planCosts(input: CostInput): CostOption[] {
  const prov = provisioned(input, 'average');
  const std = onDemand(input, 'average', false);
  const adv = onDemand(input, 'average', true);
  const readRate = formatBytes(ratesFor(input.traffic, 'average').writeBytesPerSecond);
  return [
    {
      option: 'provisioned',
      label: `Provisioned, ${plural(input.shards, 'shard')}`,
      monthly: total(prov),
      monthlyAtPeak: total(provisioned(input, 'peak')),
      lines: prov,
      notes: [],
    },
    {
      option: 'onDemand',
      label: 'On-demand Standard',
      monthly: total(std.lines),
      monthlyAtPeak: total(onDemand(input, 'peak', false).lines),
      lines: std.lines,
      notes: [`average write ${readRate}/s`, ...std.notes],
    },
    {
      option: 'onDemandAdvantage',
      label: 'On-demand Advantage',
      monthly: total(adv.lines),
      monthlyAtPeak: total(onDemand(input, 'peak', true).lines),
      lines: adv.lines,
      notes: adv.notes,
    },
  ];
}

/**
 * The option a scenario runs under: its `stream.mode`, and for on-demand whether the account bills
 * On-demand Advantage (`stream.onDemand.advantage`).
 */
export function chosenCostOption(scenario: Scenario): CostOption['option'] {
  if (scenario.stream.mode === 'provisioned') return 'provisioned';
  return scenario.stream.onDemand.advantage ? 'onDemandAdvantage' : 'onDemand';
}

/**
 * Everything the scenario costs a month under one option: the stream's line items (which already
 * hold the enhanced fan-out consumers: consumer-shard-hours and GB read on provisioned, GB read on
 * on-demand) plus every Firehose stream. Firehose bills the same under every option, so the
 * totals differ only by the stream's cost.
 */
export function monthlyTotal(
  cost: Pick<CostPlan, 'options' | 'firehoseMonthly'>,
  option: CostOption['option'],
): number {
  const stream = cost.options.find((o) => o.option === option)?.monthly ?? 0;
  return stream + cost.firehoseMonthly;
}

/**
 * The total in words, worded once for the terminal and the HTML plan. The provisioned option is
 * priced at the recommended count (as every cost option is), whatever count the scenario
 * configures, and says so: "total as the scenario runs (provisioned, priced at the recommended 31
 * shards): $3,646 a month (stream $1,167 with enhanced fan-out + Firehose $2,479)".
 */
export function monthlyTotalText(cost: CostPlan, recommendedShards: number): string {
  const option = cost.options.find((o) => o.option === cost.chosen);
  if (option === undefined) return '';
  const efo = option.lines.some((l) => /efo/i.test(l.item));
  const parts = [`stream ${formatUsd(option.monthly)}${efo ? ' with enhanced fan-out' : ''}`];
  if (cost.firehoseMonthly > 0) parts.push(`Firehose ${formatUsd(cost.firehoseMonthly)}`);
  const pricedAs =
    option.option === 'provisioned'
      ? `provisioned, priced at the recommended ${plural(recommendedShards, 'shard')}`
      : option.label;
  return `total as the scenario runs (${pricedAs}): ${formatUsd(cost.monthlyTotal)} a month (${parts.join(' + ')})`;
}

/**
 * The plan's cost section: each capacity option at the recommended count (`input.shards`), the
 * Firehose streams at that count too, the cheapest option, the one the scenario runs as and its
 * total, and which of the prices used are not confirmed from an AWS source.
 */
export function planCost(input: CostInput & { firehose: readonly FirehosePlan[] }): CostPlan {
  const { firehose, ...costInput } = input;
  const { scenario, prices } = costInput;
  const options = planCosts(costInput);
  // At the recommended count, as the cost options are.
  const firehoseMonthly = firehose.reduce(
    (a, f) => a + (f.atRecommended?.monthlyTotal ?? f.monthly.total),
    0,
  );
  const cheapest = options.reduce((a, b) => (b.monthly < a.monthly ? b : a)).option;
  // Only the prices these costs use: a scenario without Firehose relies on no Firehose price.
  const unconfirmedPrices = pricesUsed(options, firehose, scenario).filter((n) => !prices[n].confirmed);
  // The option the scenario runs as, whose total (stream + Firehose) is `cost.monthly.total`.
  const chosen = chosenCostOption(scenario);
  return {
    options,
    firehoseMonthly,
    chosen,
    monthlyTotal: monthlyTotal({ options, firehoseMonthly }, chosen),
    cheapest,
    unconfirmedPrices,
  };
}
