/** The readable summary `shardcast plan` prints: tables with units, the binding constraint, warnings and advice. */
import { monthlyTotalText } from '../planner/cost.js';
import { lagGrowthText } from '../planner/fan-out.js';
import { reshardStepNote } from '../planner/reshard.js';
import type { Plan } from '../planner/types.js';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../scenario/units.js';
import { renderTable } from './table.js';

const usd = (x: number) => `$${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2)}`;
const rate = (x: number) => formatNumber(x);
const noteText = (note: { text: string; bad: boolean } | undefined) =>
  note === undefined ? '' : `${note.bad ? '✗ ' : ''}${note.text}`;
const bps = (x: number) => `${formatBytes(x)}/s`;

export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  const { traffic, shards, hotKeys, fanOut, firehose, reshard, cost, onDemand } = plan;
  const h = traffic.headroom;
  out.push(
    `Plan for ${plan.scenario.name}${plan.scenario.description ? ` — ${plan.scenario.description}` : ''}`,
  );
  // `plan --set` values are part of what was planned: say so before the figures.
  if (plan.scenario.overrides?.length) {
    out.push(`with ${plan.scenario.overrides.map((o) => `--set ${o}`).join(' ')}`);
  }
  out.push(
    `${plan.scenario.region} · ${plan.scenario.mode}${shards.configured === null ? (shards.sizedByPlan ? ' · shards sized by the plan' : '') : ` · ${shards.configured} shards configured`} · headroom ${formatPercent(h)} · peak at ${formatSeconds(traffic.peakAt)} of ${formatSeconds(plan.scenario.durationSeconds)}`,
  );

  out.push('', 'Traffic at peak');
  out.push(
    renderTable(
      ['producer', 'to', 'records/s', 'avg records/s', 'record', 'key', 'written/s', 'Kinesis records/s'],
      traffic.producers.map((p) => [
        p.name,
        p.destination,
        rate(p.recordsPerSecond),
        rate(p.averageRecordsPerSecond),
        formatBytes(p.meanDataBytes),
        formatBytes(p.meanKeyBytes),
        p.destination === 'stream' ? bps(p.writeBytesPerSecond) : '—',
        p.destination === 'stream'
          ? `${rate(p.kinesisRecordsPerSecond)}${p.aggregation.enabled ? ` (${formatNumber(p.aggregation.userRecordsPerKinesisRecord)} per aggregate)` : ''}`
          : '—',
      ]),
    ),
  );

  out.push('', `Shards (peak × ${formatNumber(1 + h)})`);
  const mark = (n: number) => (n === shards.required ? '  ← binds' : '');
  const rows: string[][] = [
    ['by write bytes (1 MiB/s each)', String(shards.byWriteBytes), mark(shards.byWriteBytes).trim()],
    ['by write records (1,000/s each)', String(shards.byWriteRecords), mark(shards.byWriteRecords).trim()],
    [
      `by polling reads (2 MiB/s shared by ${shards.pollingReaders})`,
      String(shards.byRead),
      mark(shards.byRead).trim(),
    ],
    ['required', String(shards.required), ''],
    [
      'recommended',
      String(shards.recommended),
      shards.recommended > shards.required
        ? hotKeys.raisedByReads
          ? "raised for the hottest shard's readers"
          : 'raised for the hottest shard'
        : '',
    ],
  ];
  if (shards.sizedByPlan)
    rows.push(['configured', '—', 'stream.shards not set: a run starts at recommended']);
  if (shards.configured !== null) {
    rows.push([
      'configured',
      String(shards.configured),
      shards.configured < shards.recommended
        ? `short by ${shards.recommended - shards.configured}`
        : 'enough',
    ]);
  }
  out.push(renderTable(['', 'shards', ''], rows));
  if (shards.aggregation.requiredWith !== shards.aggregation.requiredWithout) {
    out.push(
      `  KPL aggregation: ${shards.aggregation.requiredWithout} shards without, ${shards.aggregation.requiredWith} with (${shards.aggregation.enabled ? 'on' : 'off'} in this scenario)`,
    );
  }
  out.push(
    `  GetRecords calls per shard: ${formatNumber(shards.getRecordsCallsPerShardPerSecond)}/s of 5${shards.getRecordsOverLimit ? '  ✗ over the limit' : ''}`,
  );
  out.push(`  Binding: ${plan.binding}`);

  out.push(
    '',
    hotKeys.estimate
      ? `Hot keys (estimated: the heaviest ${formatNumber(hotKeys.estimate.hashedKeys)} hashed, the hottest shard ±${formatPercent(hotKeys.estimate.relativeError)})`
      : `Hot keys (${hotKeys.method})`,
  );
  const notable = hotKeys.keys.filter((k) => k.shardUtilization >= 0.01);
  if (hotKeys.keys.length === 0) out.push('  none: every record has its own key');
  else if (notable.length === 0) {
    out.push(
      `  no key carries 1% of a shard's limit (heaviest: ${hotKeys.keys[0]!.key} at ${formatPercent(hotKeys.keys[0]!.shardUtilization)})`,
    );
  } else {
    const showConfigured = shards.configured !== null && shards.configured !== shards.recommended;
    out.push(
      renderTable(
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
        notable
          .slice(0, 10)
          .map((k) => [
            k.key,
            k.producer,
            rate(k.recordsPerSecond),
            bps(k.bytesPerSecond),
            formatPercent(k.shardUtilization),
            ...(showConfigured ? [String(k.shardAtConfigured)] : []),
            String(k.shardAtRecommended),
            k.overShardLimit ? `✗ over one shard: salt ×${k.saltingFactor}` : '',
          ]),
      ),
    );
  }
  const hot = [hotKeys.atConfigured, hotKeys.atRequired, hotKeys.atRecommended]
    .filter((x, i, all) => x !== null && all.findIndex((y) => y?.shardCount === x.shardCount) === i)
    .map((x) => [
      String(x!.shardCount),
      String(x!.shard),
      rate(x!.recordsPerSecond),
      bps(x!.bytesPerSecond),
      formatPercent(x!.utilization),
      formatPercent(x!.utilizationWithoutOversizedKeys),
      formatPercent(x!.averageUtilization),
    ]);
  out.push(
    renderTable(
      [
        'shards',
        'hottest shard',
        'records/s',
        'bytes/s',
        'of its limit',
        'oversized keys salted',
        'average shard',
      ],
      hot,
    ),
  );

  if (fanOut.consumers.length > 0) {
    out.push('', 'Consumers');
    out.push(
      renderTable(
        ['application', 'type', 'read/s per shard', 'delay', 'lag growth', '$/month (prov.)'],
        fanOut.consumers.map((c) => [
          c.name,
          c.type,
          bps(c.readBytesPerSecondPerShard),
          formatSeconds(c.propagationDelaySeconds),
          lagGrowthText(c),
          usd(c.monthlyCost.provisioned),
        ]),
      ),
    );
    for (const c of fanOut.consumers) out.push(`  ${c.name}: ${c.recommendation}`);
    out.push(`  ${fanOut.crossover}`);
  }

  if (firehose.length > 0) {
    out.push('', 'Firehose');
    out.push(
      renderTable(
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
          const r = f.atRecommended;
          const rows = [
            [
              f.name,
              f.source,
              `${f.buffers} per ${f.bufferScope}${f.countIs === null ? '' : ` (${f.countIs})`}`,
              f.flushTrigger,
              formatSeconds(f.flushIntervalSeconds),
              formatBytes(f.objectBytes),
              rate(f.objectsPerHour),
              `${formatSeconds(f.meanDeliveryLatencySeconds)} / ${formatSeconds(f.maxDeliveryLatencySeconds)}`,
              usd(f.monthly.total),
            ],
          ];
          // Buffers per shard: the configured count the run uses, then the recommended count.
          if (r !== null && r.shardCount !== f.shardCount) {
            rows.push([
              '',
              '',
              `${r.buffers} per shard (recommended)`,
              r.flushTrigger,
              formatSeconds(r.flushIntervalSeconds),
              formatBytes(r.objectBytes),
              rate(r.objectsPerHour),
              `${formatSeconds(r.meanDeliveryLatencySeconds)} / ${formatSeconds(r.maxDeliveryLatencySeconds)}`,
              usd(r.monthlyTotal),
            ]);
          }
          return rows;
        }),
      ),
    );
    for (const f of firehose) {
      if (f.directPutQuotaUtilization !== null)
        out.push(`  ${f.name}: Direct PUT quota ${formatPercent(f.directPutQuotaUtilization)} used at peak`);
    }
  }

  const steps = [...reshard.steps, ...(reshard.toRecommended ? [reshard.toRecommended] : [])];
  if (steps.length > 0) {
    out.push('', 'Resharding (UpdateShardCount, one shard operation at a time)');
    out.push(
      renderTable(
        ['when', 'from → to', 'calls', 'splits', 'merges', 'duration', ''],
        steps.map((s) => [
          s.at === null ? 'to recommended' : `at ${formatSeconds(s.at)}`,
          `${s.from} → ${s.to}`,
          `${s.updateShardCountCalls}${s.calls.length > 1 ? ` (${[s.from, ...s.calls].join(' → ')})` : ''}`,
          String(s.splits),
          String(s.merges),
          formatSeconds(s.durationSeconds),
          noteText(reshardStepNote(s)),
        ]),
      ),
    );
  }

  // Plans written before the list existed have none.
  const friendly = reshard.friendlyCounts ?? [];
  if (friendly.length > 1 && shards.configured !== null) {
    out.push(
      '',
      `Reshard-friendly counts (from ${shards.configured} configured: each reshards sooner than every smaller count listed)`,
    );
    out.push(
      renderTable(
        ['shards', 'over recommended', 'route', 'operations', 'duration', 'per month'],
        friendly.map((f, i) => [
          String(f.shards),
          i === 0 ? 'recommended' : `+${f.shards - friendly[0]!.shards}`,
          f.calls.length === 0 ? 'configured' : [shards.configured, ...f.calls].join(' → '),
          String(f.shardOperations),
          formatSeconds(f.durationSeconds),
          i === 0 ? '' : `+${usd(f.monthlyCostDelta)}`,
        ]),
      ),
    );
  }

  if (onDemand) {
    out.push('', 'On-demand');
    out.push(
      `  Capacity without scaling: ${bps(onDemand.capacityBytesPerSecond)} and ${rate(onDemand.capacityRecordsPerSecond)} records/s; peak ${bps(onDemand.peakBytesPerSecond)} and ${rate(onDemand.peakRecordsPerSecond)} records/s.`,
    );
    const within = onDemand.previousPeakGiven
      ? '2× the previous peak'
      : "a new stream's 4 MiB/s and 4,000 records/s";
    out.push(
      onDemand.throttledSeconds > 0
        ? `  Throttles for ~${formatSeconds(onDemand.throttledSeconds)} (${formatPercent(onDemand.throttledRecordShare)} of records over capacity)${onDemand.keysOverShardLimit > 0 ? `; ${onDemand.keysOverShardLimit === 1 ? "1 key above one shard's limit throttles" : `${onDemand.keysOverShardLimit} keys above one shard's limit throttle`} whatever the capacity` : ' while it scales'}.`
        : `  No throttling expected: the peak stays within ${within}.`,
    );
  }

  out.push('', 'Monthly cost (730 h, at the average rate)');
  out.push(
    renderTable(
      ['option', 'per month', 'if peak held', ''],
      cost.options.map((o) => [
        o.label,
        usd(o.monthly),
        usd(o.monthlyAtPeak),
        o.option === cost.cheapest ? '← cheapest' : '',
      ]),
    ),
  );
  for (const o of cost.options)
    for (const note of o.notes.slice(o.option === 'onDemand' ? 1 : 0)) out.push(`  ${o.label}: ${note}`);
  if (cost.firehoseMonthly > 0) out.push(`  Firehose, on top of any option: ${usd(cost.firehoseMonthly)}`);
  const total = monthlyTotalText(cost);
  if (total !== '') out.push(`  ${total[0]!.toUpperCase()}${total.slice(1)}`);
  if (cost.unconfirmedPrices.length > 0) {
    out.push(`  Unconfirmed prices used (⚠️ third-party or derived): ${cost.unconfirmedPrices.join(', ')}`);
  }

  if (plan.warnings.length > 0) {
    out.push('', 'Warnings');
    for (const w of plan.warnings) out.push(`  ! ${w}`);
  }
  if (plan.recommendations.length > 0) {
    out.push('', 'Recommendations');
    for (const r of plan.recommendations) out.push(`  → ${r}`);
  }
  return `${out.join('\n')}\n`;
}
