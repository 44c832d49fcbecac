/**
 * Fan-out: what each consumer application gets from a shard, how late it sees records, what it
 * costs, and whether it should poll or use enhanced fan-out (aws-facts.md, KDS 1 and 3).
 */
import { pollingPropagationSeconds } from '../aws/behaviour.js';
import { BYTES_PER_BILLED_GB, FIREHOSE, HOURS_PER_MONTH, KINESIS, SECONDS_PER_MONTH } from '../aws/facts.js';
import type { PriceTable } from '../aws/pricing.js';
import type { Scenario } from '../scenario/schema.js';
import { formatBytes, formatNumber, formatSeconds } from '../scenario/units.js';
import type { ConsumerPlan, FanOutPlan, Traffic } from './types.js';

const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const CALLS_PER_SHARD = KINESIS.getRecordsPerSecondPerShard.value;
const EFO_BYTES = KINESIS.efoBytesPerSecondPerConsumer.value;

export { pollingPropagationSeconds };

interface Reader {
  name: string;
  type: ConsumerPlan['type'];
  instances: number;
  pollInterval: number | null;
  processingRate: number | null;
}

export interface FanOutInput {
  scenario: Scenario;
  traffic: Traffic;
  /** Shard count the plan recommends. */
  shards: number;
  /** Write bytes per second of the hottest shard at that count (with headroom). */
  hottestShardBytesPerSecond: number;
  prices: PriceTable;
}

export function planFanOut(input: FanOutInput): FanOutPlan {
  const { scenario, traffic, shards, prices } = input;
  const readers: Reader[] = [
    ...scenario.consumers.map((c) => ({
      name: c.name,
      type: c.type,
      instances: c.instances,
      pollInterval: c.type === 'polling' ? c.pollInterval : null,
      processingRate: c.processingRate ?? null,
    })),
    ...scenario.firehose
      .filter((f) => f.source === 'stream')
      .map((f) => ({
        name: `firehose:${f.name}`,
        type: 'firehose' as const,
        instances: 1,
        // Firehose calls GetRecords once per second per shard (FH23).
        pollInterval: 1 / FIREHOSE.streamSourcePollsPerSecond.value,
        processingRate: null,
      })),
  ];
  const polling = readers.filter((r) => r.type !== 'enhanced-fan-out');
  const efo = readers.filter((r) => r.type === 'enhanced-fan-out');
  const callsPerShard = polling.reduce((a, r) => a + 1 / Math.max(r.pollInterval!, 1e-3), 0);
  const callScale = callsPerShard > CALLS_PER_SHARD ? CALLS_PER_SHARD / callsPerShard : 1;
  const pollingShare = polling.length > 0 ? READ_BYTES / polling.length : READ_BYTES;
  const demand = input.hottestShardBytesPerSecond;
  const monthGb = (traffic.average.writeBytesPerSecond * SECONDS_PER_MONTH) / BYTES_PER_BILLED_GB;
  const shardMonth = prices['kinesis.shardHour'].usd * HOURS_PER_MONTH;
  const efoMonthly =
    shards * HOURS_PER_MONTH * prices['kinesis.efoConsumerShardHour'].usd +
    monthGb * prices['kinesis.efoRetrievalGb'].usd;

  // Polling applications the recommended shards can feed: each reader needs the shard's write
  // bytes, and the hottest shard's (with headroom, at most its write limit) binds first.
  const perShardWrite = demand;
  const pollingAppsBeforeReadBinds =
    perShardWrite > 0 ? Math.floor(READ_BYTES / perShardWrite) : Number.POSITIVE_INFINITY;
  const shardsForReaders = (n: number) =>
    Math.ceil((n * traffic.writeBytesPerSecond * (1 + traffic.headroom)) / READ_BYTES - 1e-9);
  const extraShards = Math.max(
    0,
    shardsForReaders(polling.length + 1) - Math.max(shards, shardsForReaders(polling.length)),
  );
  const extraPollingAppMonthlyCost = extraShards * shardMonth;

  const consumers: ConsumerPlan[] = readers.map((r) => {
    const isPolling = r.type !== 'enhanced-fan-out';
    const effectiveInterval = isPolling ? r.pollInterval! / callScale : null;
    const processing = r.processingRate === null ? null : r.processingRate * r.instances;
    const lagGrowth = processing === null ? 0 : Math.max(0, traffic.userRecordsPerSecond - processing);
    const share = isPolling ? pollingShare : EFO_BYTES;
    const monthly = isPolling
      ? {
          provisioned: 0,
          onDemand: monthGb * prices['kinesis.onDemand.retrievalGb'].usd,
          onDemandAdvantage: monthGb * prices['kinesis.onDemandAdvantage.retrievalGb'].usd,
        }
      : {
          provisioned: efoMonthly,
          onDemand: monthGb * prices['kinesis.onDemand.efoRetrievalGb'].usd,
          onDemandAdvantage: monthGb * prices['kinesis.onDemandAdvantage.efoRetrievalGb'].usd,
        };
    const plan: ConsumerPlan = {
      name: r.name,
      type: r.type,
      instances: r.instances,
      readBytesPerSecondPerShard: share,
      demandBytesPerSecondPerShard: demand,
      propagationDelaySeconds: isPolling
        ? pollingPropagationSeconds(polling.length, effectiveInterval!)
        : KINESIS.efoPropagationSeconds.value,
      effectivePollIntervalSeconds: effectiveInterval,
      processingRecordsPerSecond: processing,
      lagGrowthRecordsPerSecond: lagGrowth,
      monthlyCost: monthly,
      recommendation: '',
    };
    plan.recommendation = recommend(plan, {
      callScale,
      demand,
      efoMonthly,
      extraPollingAppMonthlyCost,
      polling: polling.length,
    });
    return plan;
  });

  const crossover =
    polling.length === 0 && efo.length === 0
      ? 'no consumers'
      : `At ${shards} shards the hottest shard carries ${formatBytes(perShardWrite)}/s at peak with headroom, so up to ${Number.isFinite(pollingAppsBeforeReadBinds) ? pollingAppsBeforeReadBinds : '∞'} polling readers fit its 2 MiB/s (${polling.length} now, ${formatNumber(callsPerShard)} GetRecords/s of 5). ` +
        (extraShards > 0
          ? `One more polling application would need ${extraShards} more shard${extraShards === 1 ? '' : 's'} ($${formatNumber(extraPollingAppMonthlyCost)}/month); an enhanced fan-out consumer costs $${formatNumber(efoMonthly)}/month.`
          : `One more polling application needs no more shards; an enhanced fan-out consumer would cost $${formatNumber(efoMonthly)}/month.`);
  return {
    consumers,
    pollingAppsBeforeReadBinds: Number.isFinite(pollingAppsBeforeReadBinds) ? pollingAppsBeforeReadBinds : 0,
    efoConsumerMonthlyCost: efoMonthly,
    extraPollingAppMonthlyCost,
    crossover,
  };
}

function recommend(
  c: ConsumerPlan,
  ctx: {
    callScale: number;
    demand: number;
    efoMonthly: number;
    extraPollingAppMonthlyCost: number;
    polling: number;
  },
): string {
  const parts: string[] = [];
  if (c.type === 'enhanced-fan-out') {
    parts.push(
      `dedicated 2 MiB/s per shard, ~${formatSeconds(c.propagationDelaySeconds)} delay, $${formatNumber(c.monthlyCost.provisioned)}/month provisioned`,
    );
    if (ctx.polling < 2 && ctx.demand <= READ_BYTES / (ctx.polling + 1)) {
      parts.push(
        `polling would fit (${ctx.polling + 1} readers) and save that, at ~${formatSeconds(pollingPropagationSeconds(ctx.polling + 1, 1))} delay`,
      );
    }
  } else {
    if (ctx.callScale < 1) {
      parts.push(
        `GetRecords calls exceed 5/s per shard, so polls are delayed to every ${formatSeconds(c.effectivePollIntervalSeconds!)}: lengthen poll intervals or move an application to enhanced fan-out (more shards do not help)`,
      );
    }
    if (c.demandBytesPerSecondPerShard > c.readBytesPerSecondPerShard) {
      parts.push(
        `needs ${formatBytes(c.demandBytesPerSecondPerShard)}/s per shard but gets ${formatBytes(c.readBytesPerSecondPerShard)}/s: use enhanced fan-out ($${formatNumber(ctx.efoMonthly)}/month) or more shards`,
      );
    } else if (parts.length === 0) {
      parts.push(
        `polling fits: ${formatBytes(c.readBytesPerSecondPerShard)}/s per shard available, ~${formatSeconds(c.propagationDelaySeconds)} delay`,
      );
    }
  }
  if (c.lagGrowthRecordsPerSecond > 0) {
    parts.push(
      `processes ${formatNumber(c.processingRecordsPerSecond!)} records/s of ${formatNumber(c.processingRecordsPerSecond! + c.lagGrowthRecordsPerSecond)}: lag grows by ${formatNumber(c.lagGrowthRecordsPerSecond)} records every second at peak — add instances`,
    );
  }
  return parts.join('; ');
}
