/**
 * How many shards a scenario needs: the count each write and read limit asks for (with and without
 * KPL aggregation), the hot-key search on top of them, the recommended count and what sets it, as
 * figures (`ShardPlan`) and in words (`Plan.binding`).
 */
import { KINESIS } from '../aws/facts.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytesPerSecond, formatNumber, plural } from '../scenario/units.js';
import { type Finding, readShortfallText } from './findings.js';
import { type HotKeyAnalysis, type KeyModel, planHotKeys } from './hot-keys.js';
import { type ShardReadLimits, shardReaders, shardReadLimits } from './read-limits.js';
import { getRecordsCallsPerShard, pollingReaderCount, type ShardCounts, shardCounts } from './shards.js';
import { planTraffic } from './traffic.js';
import type { Plan, ShardPlan, Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;

/** The shard counts of a plan, and what the later sections plan with. */
export interface ShardSizing {
  /** Shards each limit needs at the scenario's traffic. */
  counts: ShardCounts;
  /** The same with every producer's aggregation off, and on (one of them is `counts`). */
  without: ShardCounts;
  withAgg: ShardCounts;
  /** Polling readers per shard (applications and stream-sourced Firehose streams). */
  readers: number;
  /** What a shard's readers take from it. */
  readLimits: ShardReadLimits;
  hotKeys: HotKeyAnalysis['plan'];
  /** Per-shard loads with the keys the plan says to salt salted (what the recommended count is sized for). */
  saltAsAdvised: HotKeyAnalysis['saltAsAdvised'];
  recommended: number;
  shards: ShardPlan;
  /** The constraint that sets the count, in words. */
  bindingText: string;
}

/** Sizes the stream for `traffic` at its planning instant; aggregation's effect is planned at the same `times`. */
export function planShardSizing(input: {
  scenario: Scenario;
  traffic: Traffic;
  keyModels: ReadonlyMap<string, KeyModel>;
  keyBytes: ReadonlyMap<string, number>;
  times: number[];
}): ShardSizing {
  const { scenario, traffic, keyModels, keyBytes, times } = input;
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

  const bindingText = describeBinding(binding, traffic, counts, hotKeys, recommended, readers, readLimits);
  return {
    counts,
    without,
    withAgg,
    readers,
    readLimits,
    hotKeys,
    saltAsAdvised,
    recommended,
    shards,
    bindingText,
  };
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
export function readShortfall(
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
