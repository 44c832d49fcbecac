/** The monthly cost of each capacity option, stacked by line item, with its caption and legend words. */
import type { TopLevelSpec } from 'vega-lite';
import type { Plan } from '../../planner/types.js';
import { formatUsd } from '../../scenario/units.js';
import { base, type Row } from './base.js';

/** Monthly cost of each capacity option, stacked by line item, with Firehose on top of each. */
export function costChart(plan: Plan): TopLevelSpec {
  const rows: Row[] = [];
  for (const option of plan.cost.options) {
    for (const line of option.lines) {
      if (line.usd > 0)
        rows.push({
          option: option.label,
          item: costItemLabel(line.item),
          detail: line.detail,
          usd: round2(line.usd),
          amount: formatUsd(line.usd),
        });
    }
    if (plan.cost.firehoseMonthly > 0) {
      rows.push({
        option: option.label,
        item: 'Firehose (any option)',
        usd: round2(plan.cost.firehoseMonthly),
        amount: formatUsd(plan.cost.firehoseMonthly),
      });
    }
  }
  return {
    ...base(Math.max(90, plan.cost.options.length * 44)),
    // Vega sizes the chart counting a two-line legend label (`wrapLegendLabel`) as one line, which
    // cut the last entry off at the bottom by ~one line: a line of padding keeps it in.
    padding: { left: 5, top: 5, right: 5, bottom: 5 + LEGEND_LINE_PX },
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'option', type: 'nominal', title: null, sort: plan.cost.options.map((o) => o.label) },
      x: {
        field: 'usd',
        type: 'quantitative',
        title: 'USD per month (730 h)',
        stack: 'zero',
        axis: { format: '$,.0f' },
      },
      color: { field: 'item', type: 'nominal', title: null, legend: { labelExpr: wrapLegendLabel } },
      tooltip: [
        { field: 'option', type: 'nominal' },
        { field: 'item', type: 'nominal' },
        { field: 'detail', type: 'nominal' },
        // Worded as the cost table beside the chart writes it (formatUsd), not d3's own '$,.2f'.
        { field: 'amount', type: 'nominal', title: 'per month' },
      ],
    },
  };
}

/**
 * A legend label in two lines, broken at the last space that fits, when it is wider than the plot
 * (the legend starts under the plot, right of the option names): "enhanced fan-out consumer-shard-
 * hours" ran off a 390-px phone. At 11 px a character is ~6.5 px wide; the symbol takes ~25 px.
 */
/** A legend label's line at 11 px. */
const LEGEND_LINE_PX = 14;

const wrapLegendLabel = (() => {
  const fits = 'max(12, floor((width - 25) / 6.5))';
  const cut = `lastindexof(substring(datum.label, 0, ${fits}), ' ')`;
  return `length(datum.label) <= ${fits} || ${cut} <= 0 ? datum.label : [substring(datum.label, 0, ${cut}), substring(datum.label, ${cut} + 1)]`;
})();

/**
 * What each bar of the cost chart holds, from the plan's own line items (a bar without enhanced
 * fan-out says nothing of it): the caption must not leave a reader guessing whether consumers or
 * Firehose are in a bar.
 */
export function costChartCaption(plan: Plan): string {
  const bars = plan.cost.options.map((o) => {
    const items = [...new Set(o.lines.filter((l) => l.usd > 0).map((l) => costItemLabel(l.item)))];
    return `${o.label}: ${items.length > 0 ? items.join(', ') : 'nothing billed'}`;
  });
  const firehoseParts: [keyof Plan['firehose'][number]['monthly'], string][] = [
    ['ingestion', 'ingestion'],
    ['formatConversion', 'format conversion'],
    ['dynamicPartitioning', 'dynamic partitioning'],
    ['s3Requests', 'S3 requests'],
  ];
  const firehoseItems = firehoseParts
    .filter(([key]) => plan.firehose.some((f) => f.monthly[key] > 0))
    .map(([, words]) => words);
  const firehose =
    plan.cost.firehoseMonthly > 0
      ? ` On top of every bar, the same Firehose cost (${firehoseItems.join(', ')}).`
      : ' No Firehose streams.';
  const total = plan.cost.options.find((o) => o.option === plan.cost.chosen);
  return `Each bar is what one capacity option would cost a 730-hour month at the scenario’s average traffic. ${bars.join('; ')}.${firehose}${total ? ` The scenario runs as ${total.label}: that bar is cost.monthly.total.` : ''}`;
}

/** What a price is for, in words (the price names of src/aws/pricing.ts), for the cost legend. */
const COST_ITEMS: Readonly<Record<string, string>> = {
  shardHour: 'shard-hours',
  putPayloadUnitsPerMillion: 'PUT payload units',
  streamHour: 'stream-hours',
  ingestGb: 'data written',
  retrievalGb: 'data read (polling)',
  efoRetrievalGb: 'data read (enhanced fan-out)',
  efoConsumerShardHour: 'enhanced fan-out consumer-shard-hours',
  extendedRetentionShardHour: 'extended retention',
  extendedRetentionGbMonth: 'extended retention',
  longTermRetentionGbMonth: 'long-term retention',
};

export function costItemLabel(priceName: string): string {
  const key = priceName.split('.').pop() ?? priceName;
  return COST_ITEMS[key] ?? priceName;
}

/** Dollars to the cent, as the chart's tooltips show them. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
