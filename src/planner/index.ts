/**
 * The analytical planner: Scenario → Plan. Pure: no clock, no randomness, no I/O.
 */
import { KINESIS } from '../aws/facts.js';
import { isBundledRegion, type PriceTable, resolvePrices } from '../aws/pricing.js';
import type { PlacedKeys } from '../keys/placement.js';
import { maxOf } from '../numbers.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytes, formatNumber, formatSeconds } from '../scenario/units.js';
import { chosenCostOption, monthlyTotal, planCosts } from './cost.js';
import { planFanOut } from './fan-out.js';
import { planFirehoseStream } from './firehose.js';
import { buildKeyModels, type KeyHashingOptions, planHotKeys } from './hot-keys.js';
import { flattenMetrics } from './metrics.js';
import { onDemandInitialCapacity, onDemandThrottling } from './on-demand.js';
import { pricesUsed } from './prices-used.js';
import { groupedShardLoads, planProfile, shardDemandFunction, shardsInForce } from './profile.js';
import { type ShardReadLimits, shardReaders, shardReadLimits } from './read-limits.js';
import { friendlyCountAdvice, planFriendlyCounts, planReshard, shardsInForceAt } from './reshard.js';
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
  const warnings: string[] = [];
  const recommendations: string[] = [];

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
  const hotKeys = planHotKeys({
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

  // ---- Words: binding constraint, warnings, recommendations
  const bindingText = describeBinding(binding, traffic, counts, hotKeys, recommended, readers, readLimits);
  if (sizedByPlan) {
    recommendations.push(
      `stream.shards is not set: the plan sizes the stream at ${recommended} shards (${bindingText}), and a run starts with them.`,
    );
  }
  if (configured !== null && scenario.stream.mode === 'provisioned') {
    if (configured < recommended) {
      warnings.push(
        `${configured} configured shards are short: peak × ${formatNumber(h)} needs ${recommended} (${bindingText}). UpdateShardCount ${configured} → ${recommended} takes ${toRecommended?.updateShardCountCalls ?? 0} call(s) and ~${formatSeconds(toRecommended?.durationSeconds ?? 0)}.`,
      );
    } else if (configured > recommended * 1.5 && configured > recommended + 1) {
      // Everything priced per shard (shard-hours, extended retention, EFO consumer-shard-hours).
      const provisionedAt = (n: number) =>
        planCosts({ scenario, traffic, shards: n, prices, pollingReaders: readers, efoConsumers }).find(
          (o) => o.option === 'provisioned',
        )!.monthly;
      const saving = provisionedAt(configured) - provisionedAt(recommended);
      recommendations.push(
        `${configured} configured shards are more than needed: ${recommended} would do and save $${formatNumber(saving)}/month.`,
      );
    }
  }
  for (const key of hotKeys.keys.filter((k) => !k.overShardLimit && k.saltingFactor > 1)) {
    warnings.push(
      `key "${key.key}" of ${key.producer} carries ${formatNumber(key.recordsPerSecond)} records/s and ${formatBytes(key.bytesPerSecond)}/s, ${formatNumber(key.shardUtilization * 100)}% of one shard's limit by itself: no shard count leaves its shard the ${formatNumber(traffic.headroom * 100)}% headroom, and the shard throttles if its peak grows by more than ${formatNumber((1 / key.shardUtilization - 1) * 100)}%. Salt it over ${key.saltingFactor} keys (e.g. "${key.key}#0" … "${key.key}#${key.saltingFactor - 1}").`,
    );
  }
  for (const key of hotKeys.keys.filter((k) => k.overShardLimit)) {
    warnings.push(
      `key "${key.key}" of ${key.producer} carries ${formatNumber(key.recordsPerSecond)} records/s and ${formatBytes(key.bytesPerSecond)}/s, above one shard's 1,000 records/s or 1 MiB/s by itself: more shards cannot fix it. Salt it over ${key.saltingFactor} keys (e.g. "${key.key}#0" … "${key.key}#${key.saltingFactor - 1}") and merge per key downstream.`,
    );
  }
  if (!hotKeys.fits) {
    warnings.push(
      `The hottest shard cannot be fixed with shards: even ${formatNumber(hotKeys.smallestFittingShardCount)} shards leave shard ${hotKeys.atRecommended.shardAfterSalting} at ${formatNumber(hotKeys.atRecommended.utilizationWithoutOversizedKeys * h * 100)}% of its limit at peak × ${formatNumber(h)}; split the traffic over several streams.`,
    );
  } else if (hotKeys.raisedByReads) {
    recommendations.push(
      `The hottest shard's readers set the count: ${counts.required} shards carry the average load, but ${describeReadShortfall(hotKeys.atRequired, readLimits, h, readers)}; ${recommended} shards keep every shard within what its readers take${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ' once the keys named below are salted' : ''}.`,
    );
  } else if (hotKeys.raisedByHotShard) {
    recommendations.push(
      `The hottest shard sets the count: ${counts.required} shards carry the average load, but shard ${hotKeys.atRequired.shard} would run at ${formatNumber(hotKeys.atRequired.utilization * 100)}% of its limit; ${recommended} shards keep every shard under it${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ' once the keys named below are salted' : ''}.`,
    );
  }
  if (hotKeys.estimate) {
    warnings.push(
      `The hottest shard is estimated: a producer has more keys than are hashed one by one, so its heaviest ${formatNumber(hotKeys.estimate.hashedKeys)} are hashed and the rest spread by a normal model of where they hash. At ${recommended} shards its figure is the median, ±${formatNumber(hotKeys.estimate.relativeError * 100)}% for the 5%–95% range (tests keep it within 2% of hashing every key).`,
    );
  }
  if (shards.getRecordsOverLimit) {
    warnings.push(
      `Polling readers make ${formatNumber(calls)} GetRecords calls/s per shard, above the 5/s limit: more shards cannot fix this. ${delayedReaders(fanOut.consumers)}Lengthen poll intervals or move applications to enhanced fan-out.`,
    );
  }
  if (!shards.aggregation.enabled && withAgg.required < without.required) {
    recommendations.push(
      `KPL aggregation would lower the shards write records need from ${without.byWriteRecords} to ${withAgg.byWriteRecords}, and the shards required from ${without.required} to ${withAgg.required}.`,
    );
  }
  for (const p of traffic.producers) {
    if (p.largeRecordShare > KINESIS.largeRecordMaxShare.value) {
      warnings.push(
        `${p.name}: ${formatNumber(p.largeRecordShare * 100)}% of records are above 1 MiB; large records are meant to stay under ~2% of traffic (LR) and draw on a 10 MiB burst bucket per shard.`,
      );
    }
  }
  for (const c of fanOut.consumers) {
    if (c.lagGrowthRecordsPerSecond > 0 || (c.lagAtRecommended?.recordsPerSecond ?? 0) > 0)
      warnings.push(`${c.name}: ${c.recommendation}`);
    else if (c.demandBytesPerSecondPerShard > c.readBytesPerSecondPerShard)
      warnings.push(`${c.name}: ${c.recommendation}`);
  }
  for (const f of firehose) warnings.push(...f.warnings);
  for (const step of steps) {
    if (step.completesAfterNeed) {
      warnings.push(
        `The reshard at ${formatSeconds(step.at ?? 0)} (${step.from} → ${step.to}) completes at ${formatSeconds((step.at ?? 0) + step.durationSeconds)}, but traffic needs more than ${step.from} shards from ${formatSeconds(step.neededFrom ?? 0)}: start it before then (it takes ~${formatSeconds(step.durationSeconds)}).`,
      );
    }
    if (step.tooFewFrom !== undefined) {
      warnings.push(
        `The reshard at ${formatSeconds(step.at ?? 0)} scales down to ${step.to} shards (done at ${formatSeconds((step.at ?? 0) + step.durationSeconds)}), but traffic needs more than ${step.to} from ${formatSeconds(step.tooFewFrom)}: scale down less, or later.`,
      );
    }
    if (step.days > 1) {
      warnings.push(
        `The reshard ${step.from} → ${step.to} needs ${step.updateShardCountCalls} UpdateShardCount calls; at 10 per rolling 24 h it spans ${step.days} days.`,
      );
    }
  }
  if (recommended > KINESIS.maxShardsPerStream.value) {
    warnings.push(
      `${recommended} shards exceed the 10,000 a stream can scale to with UpdateShardCount; split the traffic over several streams or use on-demand.`,
    );
  }
  const overCapacity =
    onDemand !== null &&
    (onDemand.peakBytesPerSecond > onDemand.capacityBytesPerSecond ||
      onDemand.peakRecordsPerSecond > onDemand.capacityRecordsPerSecond);
  if (onDemand && onDemand.throttledSeconds > 0 && overCapacity) {
    warnings.push(
      `On-demand: traffic rises above the ${formatBytes(onDemand.capacityBytesPerSecond)}/s and ${formatNumber(onDemand.capacityRecordsPerSecond)} records/s it takes without scaling (${onDemand.previousPeakGiven ? '2× the previous peak' : "a new stream's capacity"}) and throttles for ~${formatSeconds(onDemand.throttledSeconds)} while the stream scales (${formatNumber(onDemand.throttledRecordShare * 100)}% of records). Raise the previous peak in advance (warm throughput with Advantage) or pre-scale.`,
    );
  }
  if (!isBundledRegion(scenario.region)) {
    warnings.push(
      `Prices are us-east-1 list prices; ${scenario.region} differs. Override them in the scenario's pricing: block.`,
    );
  }
  const friendlyAdvice = configured === null ? undefined : friendlyCountAdvice(configured, friendlyCounts);
  if (friendlyAdvice !== undefined) recommendations.push(friendlyAdvice);
  const cheapestOption = costOptions.find((o) => o.option === cheapest)!;
  recommendations.push(
    `Cheapest for this traffic: ${cheapestOption.label} at $${formatNumber(cheapestOption.monthly)}/month (${costOptions.map((o) => `${o.label} $${formatNumber(o.monthly)}`).join(', ')}).`,
  );
  if (fanOut.consumers.length > 0) recommendations.push(fanOut.crossover);

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
    warnings,
    recommendations,
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
    shardLoads: loadCounts.map((c) => groupedShardLoads(shardLoads(traffic, keyModels, c.n), c.countIs)),
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
    return `reads on the hottest shard: at ${counts.required} shards ${describeReadShortfall(hotKeys.atRequired, readLimits, h, readers)}; ${recommended} shards keep every shard within what its readers take${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ', with the oversized keys salted' : ''}`;
  }
  switch (binding) {
    case 'hotShard':
      return hotKeys.fits
        ? `the hottest shard: at ${counts.required} shards shard ${hotKeys.atRequired.shard} runs at ${formatNumber(hotKeys.atRequired.utilization * 100)}% of its write limit; ${recommended} shards keep every shard under it${hotKeys.keys.some((k) => k.saltingFactor > 1) ? ', with the oversized keys salted' : ''}`
        : `the hottest shard: at ${counts.required} shards shard ${hotKeys.atRequired.shard} runs at ${formatNumber(hotKeys.atRequired.utilization * 100)}% of its write limit, and no count up to ${formatNumber(recommended)} keeps every shard under it`;
    case 'writeBytes':
      return `write bytes: ${formatBytes(traffic.writeBytesPerSecond)}/s at peak × ${formatNumber(h)} over 1 MiB/s per shard = ${counts.byWriteBytes} shards`;
    case 'writeRecords':
      return `write records: ${formatNumber(traffic.writeRecordsPerSecond)} records/s at peak × ${formatNumber(h)} over 1,000 per shard = ${counts.byWriteRecords} shards`;
    default:
      return `polling reads: ${readers} readers × ${formatBytes(traffic.writeBytesPerSecond)}/s × ${formatNumber(h)} over 2 MiB/s per shard = ${counts.byRead} shards`;
  }
}

/** Why the hottest shard at a count is more than its readers take, in words, with the arithmetic. */
function describeReadShortfall(
  hot: Plan['hotKeys']['atRequired'],
  limits: ShardReadLimits,
  h: number,
  readers: number,
): string {
  const bytes = hot.bytesPerSecond * h;
  const records = hot.recordsPerSecond * h;
  if (bytes > limits.bytesPerSecond) {
    // The share of 2 MiB/s, or less when a slow poller's 10 MiB a call binds first.
    const share = KINESIS.shardReadBytesPerSecond.value / Math.max(1, readers);
    const who =
      readers === 0 || limits.bytesPerSecond >= KINESIS.efoBytesPerSecondPerConsumer.value
        ? 'an enhanced fan-out consumer gets'
        : limits.bytesPerSecond < share - 1e-9
          ? `the slowest polling reader takes (10 MiB a GetRecords call × its calls a second)`
          : `each of its ${readers} polling readers gets`;
    return `shard ${hot.shard} carries ${formatBytes(hot.bytesPerSecond)}/s at peak, × ${formatNumber(h)} = ${formatBytes(bytes)}/s, more than the ${formatBytes(limits.bytesPerSecond)}/s ${who}`;
  }
  if (records > limits.recordsPerSecond) {
    return `shard ${hot.shard} carries ${formatNumber(hot.recordsPerSecond)} records/s at peak, × ${formatNumber(h)} = ${formatNumber(records)}/s, more than the slowest polling reader takes (${formatNumber(limits.recordsPerSecond)} records/s: its GetRecords calls a second × records a call)`;
  }
  return `a shard carries more than its readers take (${formatBytes(limits.bytesPerSecond)}/s, ${formatNumber(limits.recordsPerSecond)} records/s)`;
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

/**
 * The polling readers the 5 calls/s per shard delays, in words: each keeps a max-min fair share,
 * so a reader that calls rarely keeps its interval and only the busiest are slowed.
 */
function delayedReaders(consumers: readonly Plan['fanOut']['consumers'][number][]): string {
  const delayed = consumers.filter(
    (c) =>
      c.pollIntervalSeconds !== null &&
      c.effectivePollIntervalSeconds !== null &&
      c.effectivePollIntervalSeconds > c.pollIntervalSeconds * (1 + 1e-9),
  );
  if (delayed.length === 0) return '';
  return `${delayed.map((c) => `${c.name} polls every ${formatSeconds(c.effectivePollIntervalSeconds!)} instead of ${formatSeconds(c.pollIntervalSeconds!)}`).join(', ')}; the others get the calls they ask for. `;
}
