/**
 * The sections of the plan view (`plan-view.ts`), one builder each, in the order the view shows
 * them: each takes the Plan and returns its section, or none when the plan has nothing for it.
 */
import { KINESIS } from '../aws/facts.js';
import { monthlyTotalText } from '../planner/cost.js';
import { lagGrowthText } from '../planner/fan-out.js';
import { HOT_KEYS_LISTED } from '../planner/hot-keys.js';
import { reshardStepNote } from '../planner/reshard.js';
import type { FirehoseBufferFigures, Plan } from '../planner/types.js';
import {
  formatBytes,
  formatBytesPerSecond,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatUsd,
  isSingular,
  plural,
} from '../scenario/units.js';
import { costItemLabel } from './charts/cost.js';
import type { ViewBlock, ViewCell, ViewNote, ViewSection, ViewTable, ViewTone } from './plan-view.js';

/** Keys shown in the hot keys table: the heaviest, down to 1% of a shard's limit. */
export const HOT_KEYS_SHOWN = 10;
export const HOT_KEY_MIN_SHARE = 0.01;

const c = (text: string | number, tone?: ViewTone): ViewCell =>
  tone === undefined ? { text: String(text) } : { text: String(text), tone };
const table = (headers: string[], rows: ViewCell[][]): ViewTable => ({ kind: 'table', headers, rows });
const note = (text: string, tone?: ViewTone): ViewNote =>
  tone === undefined ? { kind: 'note', text } : { kind: 'note', text, tone };

/** The traffic of each producer at the planning instant. */
export function trafficSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { traffic } = plan;
  sections.push({
    id: 'plan-traffic',
    title: 'Traffic at peak',
    blocks: [
      table(
        ['producer', 'to', 'records/s', 'avg records/s', 'record', 'key', 'written/s', 'Kinesis records/s'],
        traffic.producers.map((p) => [
          c(p.name),
          c(p.destination),
          c(formatNumber(p.recordsPerSecond)),
          c(formatNumber(p.averageRecordsPerSecond)),
          c(formatBytes(p.meanDataBytes)),
          c(formatBytes(p.meanKeyBytes)),
          c(p.destination === 'stream' ? formatBytesPerSecond(p.writeBytesPerSecond) : '—'),
          c(
            p.destination === 'stream'
              ? `${formatNumber(p.kinesisRecordsPerSecond)}${p.aggregation.enabled ? ` (${formatNumber(p.aggregation.userRecordsPerKinesisRecord)} per aggregate)` : ''}`
              : '—',
          ),
        ]),
      ),
    ],
  });
  return sections;
}

/** The shard counts by each limit, the required, recommended and configured counts, and what binds. */
export function shardsSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { shards, hotKeys } = plan;
  const h = plan.traffic.headroom;
  // Every dimension that needs the required count binds.
  const binds = (n: number) => c(n === shards.required ? '← binds' : '');
  const shardRows: ViewCell[][] = [
    [
      c(`by write bytes (${formatBytesPerSecond(KINESIS.shardWriteBytesPerSecond.value)} each)`),
      c(shards.byWriteBytes),
      binds(shards.byWriteBytes),
    ],
    [
      c(`by write records (${formatNumber(KINESIS.shardWriteRecordsPerSecond.value)}/s each)`),
      c(shards.byWriteRecords),
      binds(shards.byWriteRecords),
    ],
    [
      c(
        shards.pollingReaders === 0
          ? 'by polling reads (no polling readers)'
          : `by polling reads (${formatBytesPerSecond(KINESIS.shardReadBytesPerSecond.value)} shared by ${plural(shards.pollingReaders, 'reader')})`,
      ),
      c(shards.byRead),
      binds(shards.byRead),
    ],
    [c('required'), c(shards.required), c('')],
    [
      c('recommended'),
      c(shards.recommended),
      c(
        shards.recommended > shards.required
          ? hotKeys.raisedByReads
            ? "raised for the hottest shard's readers"
            : 'raised for the hottest shard'
          : '',
      ),
    ],
  ];
  if (shards.sizedByPlan)
    shardRows.push([c('configured'), c('—'), c('stream.shards not set: a run starts at recommended')]);
  if (shards.configured !== null) {
    const short = shards.configured < shards.recommended;
    // Short only until the scenario's own reshards when they reach the count by the peak.
    const untilReshards = plan.findings.some((f) => f.code === 'shards-short' && f.severity !== 'error');
    const by = `short by ${formatNumber(shards.recommended - shards.configured)}`;
    shardRows.push([
      c('configured'),
      c(shards.configured),
      !short ? c('enough') : untilReshards ? c(`${by} until the scenario's reshards`) : c(by, 'bad'),
    ]);
  }
  const shardNotes: ViewNote[] = [];
  if (shards.aggregation.requiredWith !== shards.aggregation.requiredWithout) {
    shardNotes.push(
      note(
        `KPL aggregation: ${plural(shards.aggregation.requiredWithout, 'shard')} without, ${formatNumber(shards.aggregation.requiredWith)} with (${shards.aggregation.enabled ? 'on' : 'off'} in this scenario)`,
      ),
    );
  }
  shardNotes.push(
    note(
      `GetRecords calls per shard: ${formatNumber(shards.getRecordsCallsPerShardPerSecond)}/s of ${formatNumber(KINESIS.getRecordsPerSecondPerShard.value)}${shards.getRecordsOverLimit ? ', over the limit' : ''}`,
      shards.getRecordsOverLimit ? 'bad' : undefined,
    ),
    note(`Binding: ${plan.binding}`),
  );
  sections.push({
    id: 'plan-shards',
    title: `Shards (peak × ${formatNumber(1 + h)})`,
    blocks: [table(['', 'shards', ''], shardRows), ...shardNotes],
  });
  return sections;
}

/** The heaviest keys and the hottest shard at each count the plan names. */
export function hotKeysSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { shards, hotKeys } = plan;
  // Hot keys: the heaviest down to 1% of a shard, and every key over a shard's limit.
  const notable = hotKeys.keys.filter((k) => k.shardUtilization >= HOT_KEY_MIN_SHARE);
  const shown = [
    ...notable.slice(0, HOT_KEYS_SHOWN),
    ...notable.slice(HOT_KEYS_SHOWN).filter((k) => k.overShardLimit),
  ];
  const hotBlocks: ViewBlock[] = [];
  if (hotKeys.keys.length === 0) hotBlocks.push(note('none: every record has its own key', 'muted'));
  else if (shown.length === 0) {
    hotBlocks.push(
      note(
        `no key carries ${formatPercent(HOT_KEY_MIN_SHARE)} of a shard's limit (heaviest: ${hotKeys.keys[0]!.key} at ${formatPercent(hotKeys.keys[0]!.shardUtilization)})`,
        'muted',
      ),
    );
  } else {
    const showConfigured = shards.configured !== null && shards.configured !== shards.recommended;
    hotBlocks.push(
      table(
        [
          'key',
          'producer',
          'records/s',
          'bytes/s',
          'of a shard',
          ...(showConfigured ? [`shard @${shards.configured}`] : []),
          `shard @${shards.recommended}`,
          '',
        ],
        shown.map((k) => [
          { text: k.key, code: true },
          c(k.producer),
          c(formatNumber(k.recordsPerSecond)),
          c(formatBytesPerSecond(k.bytesPerSecond)),
          c(formatPercent(k.shardUtilization)),
          ...(showConfigured ? [c(String(k.shardAtConfigured))] : []),
          c(k.shardAtRecommended),
          k.overShardLimit
            ? c(`over one shard: salt ×${k.saltingFactor}`, 'bad')
            : c(k.saltingFactor > 1 ? `salt ×${k.saltingFactor} for headroom` : ''),
        ]),
      ),
    );
    if (notable.length > shown.length) {
      hotBlocks.push(
        note(
          `${plural(notable.length - shown.length, 'more key')} at ${formatPercent(HOT_KEY_MIN_SHARE)} of a shard or more (\`plan --json\` lists up to ${HOT_KEYS_LISTED})`,
          'muted',
        ),
      );
    }
  }
  const counts = [hotKeys.atConfigured, hotKeys.atRequired, hotKeys.atRecommended].filter(
    (x, i, all): x is NonNullable<typeof x> =>
      x !== null && all.findIndex((y) => y?.shardCount === x.shardCount) === i,
  );
  hotBlocks.push(
    table(
      [
        'shards',
        'hottest shard',
        'records/s',
        'bytes/s',
        'of its limit',
        'oversized keys salted',
        'average shard',
      ],
      counts.map((x) => [
        c(x.shardCount),
        c(x.shard),
        c(formatNumber(x.recordsPerSecond)),
        c(formatBytesPerSecond(x.bytesPerSecond)),
        c(formatPercent(x.utilization)),
        c(formatPercent(x.utilizationWithoutOversizedKeys)),
        c(formatPercent(x.averageUtilization)),
      ]),
    ),
  );
  sections.push({
    id: 'plan-hot-keys',
    title: hotKeys.estimate
      ? `Hot keys (estimated: the heaviest ${formatNumber(hotKeys.estimate.hashedKeys)} hashed, the hottest shard ±${formatPercent(hotKeys.estimate.relativeError)})`
      : `Hot keys (${hotKeys.method})`,
    blocks: hotBlocks,
  });
  return sections;
}

/** Each consumer application's read throughput, delay, lag and cost (none without consumers). */
export function consumersSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { fanOut } = plan;
  if (fanOut.consumers.length > 0) {
    sections.push({
      id: 'plan-fan-out',
      title: 'Consumers',
      blocks: [
        table(
          ['application', 'type', 'read/s per shard', 'delay', 'lag growth', '$/month (prov.)'],
          fanOut.consumers.map((x) => [
            c(x.name),
            c(x.type),
            c(formatBytesPerSecond(x.readBytesPerSecondPerShard)),
            c(formatSeconds(x.propagationDelaySeconds)),
            c(lagGrowthText(x), x.lag.recordsPerSecond > 0 ? 'bad' : undefined),
            c(formatUsd(x.monthlyCost.provisioned)),
          ]),
        ),
        ...fanOut.consumers.map((x) => note(`${x.name}: ${x.recommendation}`)),
        note(fanOut.crossover),
      ],
    });
  }
  return sections;
}

/** Each Firehose stream's buffers, flushes, objects, latency and cost (none without Firehose). */
export function firehoseSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { firehose } = plan;
  if (firehose.length > 0) {
    // One row of buffer figures, after the stream's name and source (blank on a second row).
    const figures = (head: [string, string], buffers: string, x: FirehoseBufferFigures, monthly: number) => [
      c(head[0]),
      c(head[1]),
      c(buffers),
      c(x.flushTrigger),
      c(formatSeconds(x.flushIntervalSeconds)),
      c(formatBytes(x.objectBytes)),
      c(formatNumber(x.objectsPerHour)),
      c(`${formatSeconds(x.meanDeliveryLatencySeconds)} / ${formatSeconds(x.maxDeliveryLatencySeconds)}`),
      c(formatUsd(monthly)),
    ];
    sections.push({
      id: 'plan-firehose',
      title: 'Firehose',
      blocks: [
        table(
          [
            'stream',
            'source',
            'buffers',
            'flush on',
            'every',
            'object',
            'objects/h',
            'latency (mean/max)',
            '$/month',
          ],
          firehose.flatMap((f) => {
            const rows = [
              figures(
                [f.name, f.source],
                `${formatNumber(f.buffers)} per ${f.bufferScope}${f.countIs === null ? '' : ` (${f.countIs})`}`,
                f,
                f.monthly.total,
              ),
            ];
            // Buffers per shard: the count the run has, then the recommended count.
            const r = f.atRecommended;
            if (r !== null && r.shardCount !== f.shardCount) {
              rows.push(
                figures(['', ''], `${formatNumber(r.buffers)} per shard (recommended)`, r, r.monthlyTotal),
              );
            }
            return rows;
          }),
        ),
        ...firehose
          .filter((f) => f.directPutQuotaUtilization !== null)
          .map((f) =>
            note(
              `${f.name}: Direct PUT quota ${formatPercent(f.directPutQuotaUtilization!)} used at peak`,
              f.directPutQuotaUtilization! > 1 ? 'bad' : undefined,
            ),
          ),
      ],
    });
  }
  return sections;
}

/** The scenario's reshards and the one to the recommended count, with reshard-friendly counts. */
export function reshardsSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { shards, reshard } = plan;
  const steps = [...reshard.steps, ...(reshard.toRecommended ? [reshard.toRecommended] : [])];
  const friendly = reshard.friendlyCounts;
  if (steps.length > 0) {
    const blocks: ViewBlock[] = [
      table(
        ['when', 'from → to', 'calls', 'splits', 'merges', 'duration', ''],
        steps.map((s) => {
          const n = reshardStepNote(s);
          return [
            c(s.at === null ? 'to recommended' : `at ${formatSeconds(s.at)}`),
            c(`${s.from} → ${s.to}`),
            c(
              `${s.updateShardCountCalls}${s.calls.length > 1 ? ` (${[s.from, ...s.calls].join(' → ')})` : ''}`,
            ),
            c(s.splits),
            c(s.merges),
            c(formatSeconds(s.durationSeconds)),
            n === undefined ? c('') : c(n.text, n.bad ? 'bad' : 'muted'),
          ];
        }),
      ),
    ];
    if (friendly.length > 1 && shards.configured !== null) {
      blocks.push(
        note(
          `Reshard-friendly counts from ${plural(shards.configured, 'configured shard')}: each reshards sooner than every smaller count listed`,
        ),
        table(
          ['shards', 'over recommended', 'route', 'operations', 'duration', 'per month'],
          friendly.map((f, i) => [
            c(f.shards),
            c(i === 0 ? 'recommended' : `+${f.shards - friendly[0]!.shards}`),
            c(f.calls.length === 0 ? 'configured' : [shards.configured, ...f.calls].join(' → ')),
            c(f.shardOperations),
            c(formatSeconds(f.durationSeconds)),
            c(i === 0 ? '' : `+${formatUsd(f.monthlyCostDelta)}`),
          ]),
        ),
      );
    }
    sections.push({
      id: 'plan-reshard',
      title: 'Resharding (UpdateShardCount, one shard operation at a time)',
      blocks,
    });
  }
  return sections;
}

/** An on-demand stream's capacity and throttling (none for a provisioned stream). */
export function onDemandSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { onDemand } = plan;
  if (onDemand) {
    const within = onDemand.previousPeakGiven
      ? `${formatNumber(KINESIS.onDemandPeakMultiple.value)}× the previous peak`
      : `a new stream's ${formatBytesPerSecond(KINESIS.onDemandInitialWriteBytesPerSecond.value)} and ${formatNumber(KINESIS.onDemandInitialWriteRecordsPerSecond.value)} records/s`;
    const over = onDemand.keysOverShardLimit;
    sections.push({
      id: 'plan-on-demand',
      title: 'On-demand',
      blocks: [
        note(
          `Capacity without scaling: ${formatBytesPerSecond(onDemand.capacityBytesPerSecond)} and ${formatNumber(onDemand.capacityRecordsPerSecond)} records/s; peak ${formatBytesPerSecond(onDemand.peakBytesPerSecond)} and ${formatNumber(onDemand.peakRecordsPerSecond)} records/s.`,
        ),
        onDemand.throttledSeconds > 0
          ? note(
              `Throttles for ~${formatSeconds(onDemand.throttledSeconds)} (${formatPercent(onDemand.throttledRecordShare)} of records over capacity)${over > 0 ? `; ${plural(over, 'key')} above one shard's limit ${isSingular(over) ? 'throttles' : 'throttle'} whatever the capacity` : ' while it scales'}.`,
              'bad',
            )
          : note(`No throttling expected: the peak stays within ${within}.`),
      ],
    });
  }
  return sections;
}

/** The monthly cost of each capacity option, line by line, with Firehose on top. */
export function costSections(plan: Plan): ViewSection[] {
  const sections: ViewSection[] = [];
  const { shards, cost } = plan;
  const costBlocks: ViewBlock[] = [
    table(
      ['option', 'per month', 'if peak held', ''],
      cost.options.map((o) => [
        c(o.label),
        c(formatUsd(o.monthly)),
        c(formatUsd(o.monthlyAtPeak)),
        o.option === cost.cheapest ? c('← cheapest', 'good') : c(''),
      ]),
    ),
    table(
      ['option', 'item', 'per month', 'how'],
      cost.options.flatMap((o) =>
        o.lines
          .filter((l) => l.usd > 0)
          .map((l) => [c(o.label), c(costItemLabel(l.item)), c(formatUsd(l.usd)), c(l.detail, 'muted')]),
      ),
    ),
  ];
  for (const o of cost.options)
    for (const n of o.notes.slice(o.option === 'onDemand' ? 1 : 0)) costBlocks.push(note(`${o.label}: ${n}`));
  if (cost.firehoseMonthly > 0)
    costBlocks.push(note(`Firehose, on top of any option: ${formatUsd(cost.firehoseMonthly)}`));
  const total = monthlyTotalText(cost, shards.recommended);
  if (total !== '') costBlocks.push(note(`${total[0]!.toUpperCase()}${total.slice(1)}`));
  if (cost.unconfirmedPrices.length > 0) {
    costBlocks.push(
      note(
        `Unconfirmed prices used (⚠️ third-party or derived): ${cost.unconfirmedPrices.join(', ')}`,
        'muted',
      ),
    );
  }
  sections.push({ id: 'plan-cost', title: 'Monthly cost (730 h, at the average rate)', blocks: costBlocks });
  return sections;
}
