/**
 * The analytical planner: Scenario → Plan. Pure: no clock, no randomness, no I/O.
 */
import { KINESIS } from '../aws/facts.js';
import { isBundledRegion, type PriceTable, resolvePrices } from '../aws/pricing.js';
import type { PlacedKeys } from '../keys/placement.js';
import { maxOf } from '../numbers.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytesPerSecond, formatNumber, plural } from '../scenario/units.js';
import { chosenCostOption, monthlyTotal, planCosts } from './cost.js';
import { planFanOut } from './fan-out.js';
import { type Finding, readShortfallText } from './findings.js';
import { planFirehoseStream } from './firehose.js';
import { buildKeyModels, type KeyHashingOptions, planHotKeys } from './hot-keys.js';
import { flattenMetrics } from './metrics.js';
import { onDemandInitialCapacity, onDemandThrottling } from './on-demand.js';
import { pricesUsed } from './prices-used.js';
import { groupedShardLoads, planProfile, shardDemandFunction } from './profile.js';
import { type ShardReadLimits, shardReaders, shardReadLimits } from './read-limits.js';
import {
  friendlyCountAdvice,
  planFriendlyCounts,
  planReshard,
  shardsInForce,
  shardsInForceAt,
} from './reshard.js';
import { shardLoads } from './shard-loads.js';
import { ceilShards, getRecordsCallsPerShard, pollingReaderCount, shardCounts } from './shards.js';
import { planTraffic } from './traffic.js';
import {
  type OnDemandPlan,
  PLAN_VERSION,
  type Plan,
  type ReshardStep,
  type RunShardCount,
  type ShardPlan,
  type Traffic,
} from './types.js';

export type { Plan } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;

export interface PlanOptions {
  /** Prices to use (default: the bundled us-east-1 prices with the scenario's overrides). */
  prices?: PriceTable;
  /** How many keys are hashed one by one before the hottest shard is estimated (tests and benchmarks). */
  keyHashing?: KeyHashingOptions;
  /** Every producer's keys already placed (`placeProducerKeys`), so a run hashes them once for plan and engine. */
  placedKeys?: ReadonlyMap<string, PlacedKeys>;
}

/** Plans a validated scenario (with service defaults filled, as `loadScenarioFile` returns it). */
export function planScenario(scenario: Scenario, planOptions: PlanOptions = {}): Plan {
  const prices = planOptions.prices ?? resolvePrices(scenario.pricing);
  const findings: Finding[] = [];

  const keyModels = buildKeyModels(scenario, planOptions.keyHashing, planOptions.placedKeys);
  const keyBytes = new Map([...keyModels].map(([name, m]) => [name, m.meanKeyBytes]));
  const times = sampleTimes(
    scenario.producers.map((p) => p.rate),
    scenario.duration,
  );
  const traffic = planTraffic(scenario, keyBytes, { times });
  const readers = pollingReaderCount(scenario);
  const counts = shardCounts(traffic, readers);
  const anyAggregation = scenario.producers.some((p) => p.aggregation.enabled);
  const without = anyAggregation
    ? shardCounts(planTraffic(scenario, keyBytes, { aggregation: false, times }), readers)
    : counts;
  const withAgg = anyAggregation
    ? counts
    : shardCounts(planTraffic(scenario, keyBytes, { aggregation: true, times }), readers);
  const configured = scenario.stream.shards ?? null;

  const readLimits = shardReadLimits(shardReaders(scenario));
  const { plan: hotKeys, saltAsAdvised } = planHotKeys({
    scenario,
    traffic,
    keyModels,
    required: counts.required,
    configured,
    readLimits,
  });
  const recommended = Math.max(counts.required, hotKeys.smallestFittingShardCount);
  const calls = getRecordsCallsPerShard(scenario);
  const binding: ShardPlan['binding'] =
    recommended > counts.required
      ? hotKeys.raisedByReads
        ? 'read'
        : 'hotShard'
      : counts.required === counts.byWriteBytes
        ? 'writeBytes'
        : counts.required === counts.byWriteRecords
          ? 'writeRecords'
          : 'read';
  const h = 1 + traffic.headroom;
  const sizedByPlan = scenario.stream.mode === 'provisioned' && configured === null;
  const shards: ShardPlan = {
    configured,
    sizedByPlan,
    ...counts,
    recommended,
    binding,
    aggregation: {
      enabled: anyAggregation,
      requiredWithout: without.required,
      requiredWith: withAgg.required,
      byWriteRecordsWithout: without.byWriteRecords,
      byWriteRecordsWith: withAgg.byWriteRecords,
    },
    pollingReaders: readers,
    getRecordsCallsPerShardPerSecond: calls,
    getRecordsOverLimit: calls > CALLS_PER_SHARD,
    configuredUtilization:
      configured === null
        ? null
        : Math.max(traffic.writeBytesPerSecond / WRITE_BYTES, traffic.writeRecordsPerSecond / WRITE_RECORDS) /
          configured,
  };

  // The run uses the configured count (a provisioned stream has one); the plan recommends another.
  // Figures that depend on the count (consumer lag, Firehose buffers per shard) are planned at the
  // count the run uses, and again at the recommended count when it differs.
  // A run that reshards before the planning instant has the count its events reached by then.
  // A provisioned stream without a count starts at the recommended one (the run does the same).
  const runsConfigured = scenario.stream.mode === 'provisioned' && configured !== null;
  const startShards = configured ?? recommended;
  const atPeak =
    scenario.stream.mode === 'provisioned'
      ? shardsInForceAt(
          startShards,
          scenario.events.map((e) => ({ at: e.at, shards: e.reshard.shards })),
          scenario.stream.shardOperationTime,
          traffic.peakAt,
        )
      : recommended;
  const runShards = atPeak;
  const runCountIs: RunShardCount =
    atPeak !== startShards ? 'after reshards' : runsConfigured ? 'configured' : 'recommended';
  const fanOut = planFanOut({
    scenario,
    traffic,
    shards: recommended,
    // A shard never writes more than its limit, so readers never need more than that from it.
    hottestShardBytesPerSecond: Math.min(hotKeys.atRecommended.bytesPerSecond * h, WRITE_BYTES),
    prices,
    lagAt: {
      run: {
        ...shardLoads(traffic, keyModels, runShards),
        countIs: runCountIs,
      },
      recommended: runsConfigured ? shardLoads(traffic, keyModels, recommended) : null,
    },
  });
  const firehoseCounts = {
    run: runShards,
    countIs: runCountIs,
    recommended,
  };
  const firehose = scenario.firehose.map((f) =>
    planFirehoseStream(f, scenario, traffic, firehoseCounts, prices),
  );

  // Resharding: each event from the count before it, and configured → recommended.
  const demandAt = shardDemandFunction(scenario, traffic, readers);
  const demandShardsAt = (t: number) => ceilShards(demandAt(t));
  const steps: ReshardStep[] = [];
  let current = configured ?? recommended;
  scenario.events.forEach((event, i) => {
    const step = planReshard(current, event.reshard.shards, scenario.stream.shardOperationTime, event.at);
    const end = event.at + step.durationSeconds;
    const needed =
      event.reshard.shards > current ? times.find((t) => t < end && demandShardsAt(t) > current) : undefined;
    if (needed !== undefined) {
      step.completesAfterNeed = true;
      step.neededFrom = needed;
    }
    // A scale-down leaves `to` shards from its end until the next event (or the end of the run).
    if (event.reshard.shards < current) {
      const until = scenario.events[i + 1]?.at ?? scenario.duration;
      const short = [end, ...times].find(
        (t) => t >= end && t <= until && demandShardsAt(t) > event.reshard.shards,
      );
      if (short !== undefined) step.tooFewFrom = short;
    }
    steps.push(step);
    current = event.reshard.shards;
  });
  const toRecommended =
    configured !== null && scenario.stream.mode === 'provisioned' && configured !== recommended
      ? planReshard(configured, recommended, scenario.stream.shardOperationTime, null)
      : null;

  const onDemand =
    scenario.stream.mode === 'on-demand' ? planOnDemand(scenario, traffic, hotKeys, times) : null;

  const efoConsumers = scenario.consumers.filter((c) => c.type === 'enhanced-fan-out').length;
  const costOptions = planCosts({
    scenario,
    traffic,
    shards: recommended,
    prices,
    pollingReaders: readers,
    efoConsumers,
  });
  // At the recommended count, as the cost options are.
  const firehoseMonthly = firehose.reduce(
    (a, f) => a + (f.atRecommended?.monthlyTotal ?? f.monthly.total),
    0,
  );
  const cheapest = costOptions.reduce((a, b) => (b.monthly < a.monthly ? b : a)).option;
  // Only the prices these costs use: a scenario without Firehose relies on no Firehose price.
  const unconfirmedPrices = pricesUsed(costOptions, firehose, scenario).filter((n) => !prices[n].confirmed);
  // The option the scenario runs as, whose total (stream + Firehose) is `cost.monthly.total`.
  const chosen = chosenCostOption(scenario);

  // Counts that reshard from the configured one sooner than the recommended count, priced.
  const friendlyCounts =
    configured !== null && scenario.stream.mode === 'provisioned'
      ? planFriendlyCounts(
          configured,
          recommended,
          scenario.stream.shardOperationTime,
          (n) =>
            planCosts({ scenario, traffic, shards: n, prices, pollingReaders: readers, efoConsumers }).find(
              (o) => o.option === 'provisioned',
            )!.monthly,
        )
      : [];

  // ---- Findings: what is wrong or worth changing, as data (worded by `findingText`)
  const bindingText = describeBinding(binding, traffic, counts, hotKeys, recommended, readers, readLimits);
  // The keys a count is planned with salted (named, as the hot keys table shows them).
  const salted = hotKeys.keys
    .filter((k) => k.saltingFactor > 1)
    .map((k) => ({ name: k.key, figures: { saltingFactor: k.saltingFactor } }));
  const add = (
    code: Finding['code'],
    severity: Finding['severity'],
    figures: Finding['figures'],
    subject: Finding['subject'] = {},
    items?: Finding['items'],
  ) => findings.push({ code, severity, subject, figures, ...(items === undefined ? {} : { items }) });
  if (configured !== null && scenario.stream.mode === 'provisioned') {
    if (configured < recommended) {
      // Short at the peak unless the scenario's own reshards reach the count by then (their timing
      // is checked step by step below): then it is a note, not a problem.
      add('shards-short', atPeak < recommended ? 'error' : 'info', {
        configured,
        recommended,
        atPeak,
        headroomFactor: h,
        calls: toRecommended?.updateShardCountCalls ?? 0,
        durationSeconds: toRecommended?.durationSeconds ?? 0,
      });
    } else if (configured > recommended * 1.5 && configured > recommended + 1) {
      // Everything priced per shard (shard-hours, extended retention, EFO consumer-shard-hours).
      const provisionedAt = (n: number) =>
        planCosts({ scenario, traffic, shards: n, prices, pollingReaders: readers, efoConsumers }).find(
          (o) => o.option === 'provisioned',
        )!.monthly;
      add('shards-excess', 'info', {
        configured,
        recommended,
        monthlySavingUsd: provisionedAt(configured) - provisionedAt(recommended),
      });
    }
  }
  for (const key of hotKeys.keys.filter((k) => k.saltingFactor > 1)) {
    add(
      key.overShardLimit ? 'key-over-shard' : 'key-needs-salt',
      key.overShardLimit ? 'error' : 'warning',
      {
        recordsPerSecond: key.recordsPerSecond,
        bytesPerSecond: key.bytesPerSecond,
        shardUtilization: key.shardUtilization,
        headroom: traffic.headroom,
        saltingFactor: key.saltingFactor,
      },
      { producer: key.producer, key: key.key },
    );
  }
  if (!hotKeys.fits) {
    add('hot-shard-unfixable', 'error', {
      shardCount: hotKeys.smallestFittingShardCount,
      shard: hotKeys.atRecommended.shardAfterSalting,
      utilizationWithHeadroom: hotKeys.atRecommended.utilizationWithoutOversizedKeys * h,
      headroomFactor: h,
    });
  } else if (hotKeys.raisedByReads) {
    const shortfall = readShortfall(hotKeys.atRequired, readLimits, h, readers);
    add(
      'readers-set-count',
      'info',
      { required: counts.required, recommended, ...shortfall.figures },
      shortfall.subject,
      salted,
    );
  } else if (hotKeys.raisedByHotShard) {
    add(
      'hot-shard-sets-count',
      'info',
      {
        required: counts.required,
        recommended,
        shard: hotKeys.atRequired.shard,
        utilization: hotKeys.atRequired.utilization,
      },
      {},
      salted,
    );
  }
  if (hotKeys.estimate) {
    add('hot-shard-estimated', 'warning', {
      hashedKeys: hotKeys.estimate.hashedKeys,
      recommended,
      relativeError: hotKeys.estimate.relativeError,
    });
  }
  if (shards.getRecordsOverLimit) {
    // Each reader keeps a max-min fair share of the calls, so only the busiest are slowed.
    const delayed = fanOut.consumers
      .filter(
        (c) =>
          c.pollIntervalSeconds !== null &&
          c.effectivePollIntervalSeconds !== null &&
          c.effectivePollIntervalSeconds > c.pollIntervalSeconds * (1 + 1e-9),
      )
      .map((c) => ({
        name: c.name,
        figures: {
          pollIntervalSeconds: c.pollIntervalSeconds!,
          effectivePollIntervalSeconds: c.effectivePollIntervalSeconds!,
        },
      }));
    add('get-records-over-limit', 'error', { callsPerShardPerSecond: calls }, {}, delayed);
  }
  if (!shards.aggregation.enabled && withAgg.required < without.required) {
    add('aggregation-would-help', 'info', {
      byWriteRecordsWithout: without.byWriteRecords,
      byWriteRecordsWith: withAgg.byWriteRecords,
      requiredWithout: without.required,
      requiredWith: withAgg.required,
    });
  }
  for (const p of traffic.producers) {
    if (p.largeRecordShare > KINESIS.largeRecordMaxShare.value) {
      add('large-records', 'warning', { largeRecordShare: p.largeRecordShare }, { producer: p.name });
    }
  }
  for (const c of fanOut.consumers) {
    const atRecommended = c.lagAtRecommended;
    const other =
      atRecommended !== null && atRecommended.shardCount !== c.lag.shardCount ? atRecommended : null;
    if (c.lag.recordsPerSecond > 0 || (other?.recordsPerSecond ?? 0) > 0) {
      // Behind at the count the run uses, or only at the recommended one (then that count's lag).
      const lag = c.lag.recordsPerSecond > 0 ? c.lag : other!;
      add(
        'consumer-behind',
        'error',
        {
          lagRecordsPerSecond: lag.recordsPerSecond,
          shardCount: lag.shardCount,
          shardsBehind: lag.shardsBehind,
          ...(other !== null && lag === c.lag
            ? {
                recommendedShards: other.shardCount,
                lagAtRecommendedRecordsPerSecond: other.recordsPerSecond,
              }
            : {}),
        },
        { consumer: c.name, countIs: lag.countIs, binding: lag.binding ?? '' },
      );
    } else if (c.demandBytesPerSecondPerShard > c.readBytesPerSecondPerShard) {
      add(
        'consumer-read-short',
        'warning',
        {
          demandBytesPerSecond: c.demandBytesPerSecondPerShard,
          readBytesPerSecond: c.readBytesPerSecondPerShard,
          recommendedShards: recommended,
        },
        { consumer: c.name },
      );
    }
  }
  for (const f of firehose) findings.push(...f.findings);
  for (const step of steps) {
    const at = step.at ?? 0;
    if (step.completesAfterNeed) {
      add('reshard-late', 'error', {
        at,
        from: step.from,
        to: step.to,
        durationSeconds: step.durationSeconds,
        neededFrom: step.neededFrom ?? 0,
      });
    }
    if (step.tooFewFrom !== undefined) {
      add('reshard-down-too-far', 'error', {
        at,
        to: step.to,
        durationSeconds: step.durationSeconds,
        tooFewFrom: step.tooFewFrom,
      });
    }
    if (step.days > 1) {
      add('reshard-spans-days', 'warning', {
        from: step.from,
        to: step.to,
        calls: step.updateShardCountCalls,
        days: step.days,
      });
    }
  }
  if (recommended > KINESIS.maxShardsPerStream.value) add('shards-over-max', 'error', { recommended });
  if (sizedByPlan) add('shards-sized-by-plan', 'info', { recommended });
  const overCapacity =
    onDemand !== null &&
    (onDemand.peakBytesPerSecond > onDemand.capacityBytesPerSecond ||
      onDemand.peakRecordsPerSecond > onDemand.capacityRecordsPerSecond);
  if (onDemand && onDemand.throttledSeconds > 0 && overCapacity) {
    add('on-demand-throttles', 'error', {
      capacityBytesPerSecond: onDemand.capacityBytesPerSecond,
      capacityRecordsPerSecond: onDemand.capacityRecordsPerSecond,
      throttledSeconds: onDemand.throttledSeconds,
      throttledRecordShare: onDemand.throttledRecordShare,
      previousPeakGiven: onDemand.previousPeakGiven ? 1 : 0,
    });
  }
  if (!isBundledRegion(scenario.region)) add('region-prices', 'warning', {}, { region: scenario.region });
  const friendly = configured === null ? undefined : friendlyCountAdvice(configured, friendlyCounts);
  if (friendly !== undefined) add('friendly-count', 'info', friendly.figures, friendly.subject);
  const cheapestOption = costOptions.find((o) => o.option === cheapest)!;
  add(
    'cheapest-option',
    'info',
    { monthlyUsd: cheapestOption.monthly },
    { option: cheapestOption.label },
    costOptions.map((o) => ({ name: o.label, figures: { monthlyUsd: o.monthly } })),
  );

  const plan: Plan = {
    version: PLAN_VERSION,
    scenario: {
      name: scenario.name,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
      region: scenario.region,
      mode: scenario.stream.mode,
      durationSeconds: scenario.duration,
    },
    traffic,
    shards,
    hotKeys,
    fanOut,
    firehose,
    reshard: { steps, toRecommended, friendlyCounts },
    onDemand,
    cost: {
      options: costOptions,
      firehoseMonthly,
      chosen,
      monthlyTotal: monthlyTotal({ options: costOptions, firehoseMonthly }, chosen),
      cheapest,
      unconfirmedPrices,
    },
    binding: bindingText,
    findings,
    metrics: {},
  };
  plan.metrics = flattenMetrics(plan);
  // The report's charts without a run: demand against the shards in force, and the per-shard load
  // at each count the plan names (configured, after the reshards by the peak, recommended).
  const loadCounts: { n: number; countIs: RunShardCount }[] = [];
  if (runsConfigured && configured !== null) loadCounts.push({ n: configured, countIs: 'configured' });
  if (runsConfigured && runShards !== configured)
    loadCounts.push({ n: runShards, countIs: 'after reshards' });
  if (!loadCounts.some((c) => c.n === recommended))
    loadCounts.push({ n: recommended, countIs: 'recommended' });
  plan.profile = planProfile({
    demandAt,
    times,
    durationSeconds: scenario.duration,
    inForce:
      runsConfigured && configured !== null
        ? shardsInForce(
            configured,
            scenario.events.map((e) => ({ at: e.at, shards: e.reshard.shards })),
            scenario.stream.shardOperationTime,
          )
        : null,
    // The recommended count is sized with the oversized keys salted as advised: drawn as-is it
    // would show a shard over the limit the plan says that count keeps every shard under.
    shardLoads: loadCounts.map((c) => {
      const loads = shardLoads(traffic, keyModels, c.n);
      return groupedShardLoads(c.countIs === 'recommended' ? saltAsAdvised(loads) : loads, c.countIs);
    }),
  });
  return plan;
}

function describeBinding(
  binding: ShardPlan['binding'],
  traffic: Traffic,
  counts: ReturnType<typeof shardCounts>,
  hotKeys: Plan['hotKeys'],
  recommended: number,
  readers: number,
  readLimits: ShardReadLimits,
): string {
  const h = 1 + traffic.headroom;
  if (binding === 'read' && recommended > counts.required) {
    const shortfall = readShortfall(hotKeys.atRequired, readLimits, h, readers);
    return `reads on the hottest shard: at ${plural(counts.required, 'shard')} ${readShortfallText(shortfall.subject, shortfall.figures)}; ${plural(recommended, 'shard')} keep every shard within what its readers take${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ', with the oversized keys salted' : ''}`;
  }
  switch (binding) {
    case 'hotShard':
      return hotKeys.fits
        ? `the hottest shard: at ${plural(counts.required, 'shard')} shard ${hotKeys.atRequired.shard} runs at ${formatNumber(hotKeys.atRequired.utilization * 100)}% of its write limit; ${plural(recommended, 'shard')} keep every shard under it${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ', with the oversized keys salted' : ''}`
        : `the hottest shard: at ${plural(counts.required, 'shard')} shard ${hotKeys.atRequired.shard} runs at ${formatNumber(hotKeys.atRequired.utilization * 100)}% of its write limit, and no count up to ${formatNumber(recommended)} keeps every shard under it`;
    case 'writeBytes':
      return `write bytes: ${formatBytesPerSecond(traffic.writeBytesPerSecond)} at peak × ${formatNumber(h)} over ${formatBytesPerSecond(WRITE_BYTES)} per shard = ${plural(counts.byWriteBytes, 'shard')}`;
    case 'writeRecords':
      return `write records: ${formatNumber(traffic.writeRecordsPerSecond)} records/s at peak × ${formatNumber(h)} over ${formatNumber(WRITE_RECORDS)} per shard = ${plural(counts.byWriteRecords, 'shard')}`;
    default:
      return `polling reads: ${plural(readers, 'reader')} × ${formatBytesPerSecond(traffic.writeBytesPerSecond)} × ${formatNumber(h)} over ${formatBytesPerSecond(READ_BYTES)} per shard = ${plural(counts.byRead, 'shard')}`;
  }
}

/**
 * Why the hottest shard at a count is more than its readers take, as figures for
 * `readShortfallText`: its load at peak, the headroom factor and what its readers take.
 */
function readShortfall(
  hot: Plan['hotKeys']['atRequired'],
  limits: ShardReadLimits,
  h: number,
  readers: number,
): Pick<Finding, 'subject' | 'figures'> {
  const bytes = hot.bytesPerSecond * h;
  const records = hot.recordsPerSecond * h;
  // The share of 2 MiB/s, or less when a slow poller's 10 MiB a call binds first.
  const share = KINESIS.shardReadBytesPerSecond.value / Math.max(1, readers);
  const reader =
    readers === 0 || limits.bytesPerSecond >= KINESIS.efoBytesPerSecondPerConsumer.value
      ? 'efo'
      : limits.bytesPerSecond < share - 1e-9
        ? 'slowest'
        : 'each';
  const limit =
    bytes > limits.bytesPerSecond ? 'bytes' : records > limits.recordsPerSecond ? 'records' : 'none';
  return {
    subject: { reader, limit },
    figures: {
      shard: hot.shard,
      bytesPerSecond: hot.bytesPerSecond,
      recordsPerSecond: hot.recordsPerSecond,
      headroomFactor: h,
      readBytesPerSecond: limits.bytesPerSecond,
      readRecordsPerSecond: limits.recordsPerSecond,
      pollingReaders: readers,
    },
  };
}

function planOnDemand(
  scenario: Scenario,
  traffic: Traffic,
  hotKeys: Plan['hotKeys'],
  times: readonly number[],
): OnDemandPlan {
  const keysOverShardLimit = hotKeys.keysOverShardLimit;
  const previous = scenario.stream.onDemand.previousPeak;
  const capacity = onDemandInitialCapacity({
    previousPeakBytesPerSecond: previous?.bytesPerSecond,
    previousPeakRecordsPerSecond: previous?.recordsPerSecond,
  });
  const bytes: number[] = [];
  const records: number[] = [];
  for (const t of times) {
    let b = 0;
    let r = 0;
    scenario.producers.forEach((producer, i) => {
      const pt = traffic.producers[i]!;
      if (producer.destination !== 'stream') return;
      const kinesis = rateAt(producer.rate, t, pt.meanDataBytes) / pt.aggregation.userRecordsPerKinesisRecord;
      r += kinesis;
      b += kinesis * pt.aggregation.kinesisRecordBytes;
    });
    bytes.push(b);
    records.push(r);
  }
  const byBytes = onDemandThrottling(times, bytes, capacity.bytesPerSecond);
  const byRecords = onDemandThrottling(times, records, capacity.recordsPerSecond);
  // A key above one shard's limit throttles on-demand too (B-ODA: at most 1 MiB/s of data per
  // partition key): its excess over the limit, whenever its producer's rate puts it there.
  // Each oversized key with its producer's profile and planning-instant traffic, looked up once.
  const oversized = hotKeys.keys
    .filter((k) => k.overShardLimit)
    .map((k) => {
      const index = scenario.producers.findIndex((p) => p.name === k.producer);
      return { key: k, producer: scenario.producers[index]!, pt: traffic.producers[index]! };
    });
  let keySeconds = 0;
  let keyExcess = 0;
  let offered = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const dt = times[i + 1]! - times[i]!;
    let over = false;
    for (const { key: k, producer, pt } of oversized) {
      const scale =
        pt.recordsPerSecond > 0
          ? rateAt(producer.rate, times[i]!, pt.meanDataBytes) / pt.recordsPerSecond
          : 0;
      const u = k.shardUtilization * scale;
      if (u > 1) {
        over = true;
        keyExcess += k.recordsPerSecond * scale * (1 - 1 / u) * dt;
      }
    }
    if (over) keySeconds += dt;
    offered += records[i]! * dt;
  }
  const keyShare = offered > 0 ? keyExcess / offered : 0;
  return {
    capacityBytesPerSecond: capacity.bytesPerSecond,
    capacityRecordsPerSecond: capacity.recordsPerSecond,
    peakBytesPerSecond: maxOf(bytes),
    peakRecordsPerSecond: maxOf(records),
    throttledSeconds: Math.max(byBytes.throttledSeconds, byRecords.throttledSeconds, keySeconds),
    throttledRecordShare: Math.min(1, Math.max(byBytes.throttledShare, byRecords.throttledShare) + keyShare),
    keysOverShardLimit,
    previousPeakGiven: previous?.bytesPerSecond !== undefined || previous?.recordsPerSecond !== undefined,
  };
}
