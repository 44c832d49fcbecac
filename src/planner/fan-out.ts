/**
 * Fan-out: what each consumer application gets from a shard, how late it sees records, what it
 * costs, and whether it should poll or use enhanced fan-out (docs/aws-facts.md, KDS 1 and 3).
 */
import { pollingPropagationSeconds } from '../aws/behaviour.js';
import { BYTES_PER_BILLED_GB, FIREHOSE, HOURS_PER_MONTH, KINESIS, SECONDS_PER_MONTH } from '../aws/facts.js';
import type { PriceTable } from '../aws/pricing.js';
import type { Scenario } from '../scenario/schema.js';
import {
  formatBytes,
  formatBytesPerSecond,
  formatNumber,
  formatSeconds,
  formatUsd,
  plural,
} from '../scenario/units.js';
import { shardReaders } from './read-limits.js';
import type { ShardLoads } from './shard-loads.js';
import type { ConsumerLag, ConsumerPlan, FanOutPlan, LagCap, Traffic } from './types.js';

const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;
const CALL_MAX_RECORDS = KINESIS.getRecordsMaxRecords.value;
const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
// The limits as the advice words them, from the facts (not typed into the prose).
const READ_TEXT = `${formatBytesPerSecond(READ_BYTES)}`;
const EFO_TEXT = `${formatBytesPerSecond(KINESIS.efoBytesPerSecondPerConsumer.value)}`;
const CALLS_TEXT = formatNumber(KINESIS.getRecordsPerSecondPerShard.value);
const CALL_BYTES_TEXT = formatBytes(KINESIS.getRecordsMaxBytes.value);
const CALL_RECORDS_TEXT = formatNumber(CALL_MAX_RECORDS);

export { pollingPropagationSeconds };

interface Reader {
  name: string;
  type: ConsumerPlan['type'];
  instances: number;
  pollInterval: number | null;
  /** GetRecords `Limit`, at most 10,000 (null: enhanced fan-out). */
  maxRecordsPerCall: number | null;
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
  /**
   * Every shard's load at the count the run uses (configured, for a provisioned stream) and at the
   * recommended count (null when the run uses the recommended count): lag growth is planned at both.
   */
  lagAt: { run: ShardLoads & { countIs: ConsumerLag['countIs'] }; recommended: ShardLoads | null };
}

export function planFanOut(input: FanOutInput): FanOutPlan {
  const { scenario, traffic, shards, prices } = input;
  const readers: Reader[] = [
    ...scenario.consumers.map((c) => ({
      name: c.name,
      type: c.type,
      instances: c.instances,
      pollInterval: c.type === 'polling' ? c.pollInterval : null,
      maxRecordsPerCall: c.type === 'polling' ? Math.min(c.maxRecordsPerCall, CALL_MAX_RECORDS) : null,
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
        maxRecordsPerCall: CALL_MAX_RECORDS,
        processingRate: null,
      })),
  ];
  const polling = readers.filter((r) => r.type !== 'enhanced-fan-out');
  const efo = readers.filter((r) => r.type === 'enhanced-fan-out');
  const wantedCalls = polling.map((r) => 1 / Math.max(r.pollInterval!, 1e-3));
  const callsPerShard = wantedCalls.reduce((a, c) => a + c, 0);
  // Each polling reader's calls per shard after the 5/s limit, a max-min fair share.
  const shared = new Map(shardReaders(scenario).map((r) => [r.name, r]));
  const callRates = new Map(polling.map((r) => [r, shared.get(r.name)!.callsPerSecond]));
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
    const calls = isPolling ? callRates.get(r)! : null;
    const wanted = isPolling ? 1 / Math.max(r.pollInterval!, 1e-3) : null;
    const effectiveInterval = calls === null ? null : 1 / calls;
    const processing = r.processingRate === null ? null : r.processingRate * r.instances;
    // A polling reader's share of 2 MiB/s, at most 10 MiB a call; an EFO consumer's 2 MiB/s.
    const share = shared.get(r.name)!.bytesPerSecond;
    const caps: ReadCaps = {
      readBytesPerSecond: share,
      callsPerSecond: calls ?? Number.POSITIVE_INFINITY,
      wantedCallsPerSecond: wanted ?? Number.POSITIVE_INFINITY,
      recordsPerCall: r.maxRecordsPerCall ?? Number.POSITIVE_INFINITY,
      processingRecordsPerSecond: processing ?? Number.POSITIVE_INFINITY,
    };
    const lag = consumerLag(input.lagAt.run, input.lagAt.run.countIs, caps);
    const lagAtRecommended =
      input.lagAt.recommended === null ? null : consumerLag(input.lagAt.recommended, 'recommended', caps);
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
      pollIntervalSeconds: r.pollInterval,
      effectivePollIntervalSeconds: effectiveInterval,
      readRecordsPerSecondPerShard: calls === null ? null : calls * r.maxRecordsPerCall!,
      processingRecordsPerSecond: processing,
      lagGrowthRecordsPerSecond: lag.recordsPerSecond,
      lag,
      lagAtRecommended,
      monthlyCost: monthly,
      recommendation: '',
    };
    plan.recommendation = recommend(plan, {
      shards,
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
      : `At ${plural(shards, 'shard')} the hottest shard carries ${formatBytesPerSecond(perShardWrite)} at peak with headroom, so up to ${Number.isFinite(pollingAppsBeforeReadBinds) ? plural(pollingAppsBeforeReadBinds, 'polling reader') : '∞ polling readers'} fit its ${READ_TEXT} (${polling.length} now, ${formatNumber(callsPerShard)} GetRecords/s of ${CALLS_TEXT}). ` +
        (extraShards > 0
          ? `One more polling application would need ${plural(extraShards, 'more shard')} (${formatUsd(extraPollingAppMonthlyCost)}/month); an enhanced fan-out consumer costs ${formatUsd(efoMonthly)}/month.`
          : `One more polling application needs no more shards; an enhanced fan-out consumer would cost ${formatUsd(efoMonthly)}/month.`);
  return {
    consumers,
    pollingAppsBeforeReadBinds: Number.isFinite(pollingAppsBeforeReadBinds) ? pollingAppsBeforeReadBinds : 0,
    efoConsumerMonthlyCost: efoMonthly,
    extraPollingAppMonthlyCost,
    crossover,
  };
}

/** What one reader may take from one shard per second. */
interface ReadCaps {
  /** Its share of the shard's read bytes (2 MiB/s ÷ polling readers, or 2 MiB/s with enhanced fan-out). */
  readBytesPerSecond: number;
  /** GetRecords calls per second it gets (its max-min fair share of 5) and asks for; Infinity for enhanced fan-out. */
  callsPerSecond: number;
  wantedCallsPerSecond: number;
  /** Kinesis records one call returns at most: min(Limit, 10,000). */
  recordsPerCall: number;
  /** Records per second the whole application processes (instances × processingRate). */
  processingRecordsPerSecond: number;
}

/**
 * How fast a reader's backlog grows at peak with `loads.shardCount` shards, from every cap, shard
 * by shard.
 *
 * Shard s is offered k Kinesis records, b write bytes and a user records a second (every key placed
 * where it hashes). It takes in at most its write limits: offered at ρ = max(k ÷ 1,000, b ÷ 1 MiB)
 * > 1, it takes in k ÷ ρ, b ÷ ρ and a ÷ ρ (the rest is throttled; readers never see it). The reader
 * falls short on it by
 *   short = max(0, a − min(a × share ÷ b, calls × recordsPerCall × a ÷ k))
 * (a byte budget takes share ÷ b of the shard's records, whatever their size; each call returns at
 * most recordsPerCall Kinesis records, each carrying a ÷ k user records under KPL aggregation).
 * The application processes P records/s in all, over the shards it reads (the engine gives each
 * shard a share in proportion to its backlog), so of the U = Σ a it takes in it delivers
 * min(P, U − Σ short), and the lag grows by max(U − P, Σ short).
 */
export function consumerLag(loads: ShardLoads, countIs: ConsumerLag['countIs'], caps: ReadCaps): ConsumerLag {
  const n = loads.shardCount;
  // What the shards take in: the stream less what throttling turns away (summed that way so that an
  // unthrottled stream's total is exact).
  let arriving = loads.totalUserRecordsPerSecond;
  let byBytes = 0;
  let byRecordsWanted = 0;
  let byRecordsGot = 0;
  let readShort = 0;
  let readBehind = 0;
  for (let s = 0; s < n; s++) {
    const rho = Math.max(1, loads.records[s]! / WRITE_RECORDS, loads.bytes[s]! / WRITE_BYTES);
    const k = loads.records[s]! / rho;
    const b = loads.bytes[s]! / rho;
    const a = loads.userRecords[s]! / rho;
    arriving -= loads.userRecords[s]! - a;
    if (a <= 0) continue;
    const userPerKinesis = a / k;
    const bytesShort = b > caps.readBytesPerSecond ? a * (1 - caps.readBytesPerSecond / b) : 0;
    const recordsShort = (calls: number) => Math.max(0, a - calls * caps.recordsPerCall * userPerKinesis);
    const got = recordsShort(caps.callsPerSecond);
    const short = Math.max(bytesShort, got);
    byBytes += bytesShort;
    byRecordsWanted += recordsShort(caps.wantedCallsPerSecond);
    byRecordsGot += got;
    readShort += short;
    if (short > 0) readBehind++;
  }
  const processingShort = Math.max(0, arriving - caps.processingRecordsPerSecond);
  const byCap: Record<LagCap, number> = {
    readBytes: byBytes,
    // The records its calls return at the calls it asks for, and what the 5/s sharing costs on top.
    recordsPerCall: byRecordsWanted,
    getRecordsCalls: Math.max(0, byRecordsGot - byRecordsWanted),
    processing: processingShort,
  };
  const recordsPerSecond = Math.max(processingShort, readShort);
  const order: LagCap[] = ['processing', 'readBytes', 'recordsPerCall', 'getRecordsCalls'];
  const binding =
    recordsPerSecond > 0 ? order.reduce((best, cap) => (byCap[cap] > byCap[best] ? cap : best)) : null;
  return {
    shardCount: n,
    countIs,
    recordsPerSecond,
    shardsBehind: processingShort > readShort ? n : readBehind,
    binding,
    byCap,
  };
}

function recommend(
  c: ConsumerPlan,
  ctx: {
    /** The recommended count, at which `demand` is the hottest shard's write bytes with headroom. */
    shards: number;
    demand: number;
    efoMonthly: number;
    extraPollingAppMonthlyCost: number;
    polling: number;
  },
): string {
  const parts: string[] = [];
  if (c.type === 'enhanced-fan-out') {
    parts.push(
      `dedicated ${EFO_TEXT} per shard, ~${formatSeconds(c.propagationDelaySeconds)} delay, ${formatUsd(c.monthlyCost.provisioned)}/month provisioned`,
    );
    if (ctx.polling < 2 && ctx.demand <= READ_BYTES / (ctx.polling + 1)) {
      parts.push(
        `polling would fit (${plural(ctx.polling + 1, 'reader')}) and save that, at ~${formatSeconds(pollingPropagationSeconds(ctx.polling + 1, 1))} delay`,
      );
    }
  } else {
    // Only a reader that gets fewer calls than it asks for is delayed: one calling every 200 s
    // keeps its call however busy the shard is (getRecordsCallRates).
    if (c.effectivePollIntervalSeconds! > c.pollIntervalSeconds! * (1 + 1e-9)) {
      parts.push(
        `GetRecords calls exceed ${CALLS_TEXT}/s per shard, so its polls are delayed from every ${formatSeconds(c.pollIntervalSeconds!)} to every ${formatSeconds(c.effectivePollIntervalSeconds!)}: lengthen poll intervals or move an application to enhanced fan-out (more shards do not shorten the delay)`,
      );
    }
    if (c.demandBytesPerSecondPerShard > c.readBytesPerSecondPerShard) {
      parts.push(
        `needs ${formatBytesPerSecond(c.demandBytesPerSecondPerShard)} from the hottest shard at the recommended ${plural(ctx.shards, 'shard')} with headroom but gets ${formatBytesPerSecond(c.readBytesPerSecondPerShard)}: use enhanced fan-out (${formatUsd(ctx.efoMonthly)}/month) or more shards`,
      );
    } else if (parts.length === 0 && c.lag.recordsPerSecond === 0) {
      parts.push(
        `polling fits: ${formatBytesPerSecond(c.readBytesPerSecondPerShard)} per shard available, ~${formatSeconds(c.propagationDelaySeconds)} delay`,
      );
    }
  }
  const atRecommended = c.lagAtRecommended;
  const other =
    atRecommended !== null && atRecommended.shardCount !== c.lag.shardCount ? atRecommended : null;
  if (
    other !== null &&
    c.lag.binding === 'processing' &&
    other.binding === 'processing' &&
    other.recordsPerSecond === c.lag.recordsPerSecond
  ) {
    // Processing does not depend on the count: one sentence for both.
    parts.push(describeLag(c, c.lag, ctx.efoMonthly, ` and ${other.shardCount} (recommended)`));
  } else {
    if (c.lag.recordsPerSecond > 0) parts.push(describeLag(c, c.lag, ctx.efoMonthly));
    if (other !== null && other.recordsPerSecond > 0) parts.push(describeLag(c, other, ctx.efoMonthly));
    else if (other !== null && c.lag.recordsPerSecond > 0)
      parts.push(`at the recommended ${plural(other.shardCount, 'shard')} it keeps up`);
  }
  return parts.join('; ');
}

/** The lag in words: how fast, where, the cap that binds and what fixes it. */
function describeLag(c: ConsumerPlan, lag: ConsumerLag, efoMonthly: number, alsoAt = ''): string {
  const at = `at ${plural(lag.shardCount, 'shard')} (${lag.countIs})${alsoAt}`;
  const grows = `lag grows by ${formatNumber(lag.recordsPerSecond)} records every second at peak`;
  const where =
    lag.shardsBehind >= lag.shardCount
      ? 'on every shard'
      : `on ${lag.shardsBehind} of ${plural(lag.shardCount, 'shard')}`;
  switch (lag.binding) {
    case 'processing':
      return `${at} it processes ${formatNumber(c.processingRecordsPerSecond!)} records/s of ${formatNumber(c.processingRecordsPerSecond! + lag.byCap.processing)}: ${grows} — add instances`;
    case 'readBytes': {
      // Firehose reads a stream with GetRecords only: another application can move off the pipe.
      const alternative =
        c.type === 'polling'
          ? ` or enhanced fan-out (${formatUsd(efoMonthly)}/month)`
          : c.type === 'firehose'
            ? ' or move a polling application to enhanced fan-out'
            : '';
      return `${at} its ${formatBytesPerSecond(c.readBytesPerSecondPerShard)} of a shard's reads ${c.type === 'enhanced-fan-out' ? '' : `(${READ_TEXT} shared by the polling readers, at most ${CALL_BYTES_TEXT} a call) `}fall short ${where}: ${grows} — more shards (each carries less)${alternative}`;
    }
    case 'recordsPerCall': {
      const perCall = c.readRecordsPerSecondPerShard! * c.effectivePollIntervalSeconds!;
      return `${at} its GetRecords calls return at most ${formatNumber(perCall)} records each, ${formatNumber(c.readRecordsPerSecondPerShard!)} records/s per shard, short ${where}: ${grows} — more shards (each carries fewer records)${perCall < CALL_MAX_RECORDS - 1e-9 ? `, a larger maxRecordsPerCall (up to ${CALL_RECORDS_TEXT})` : ''} or a shorter poll interval`;
    }
    case 'getRecordsCalls': {
      const perCall = c.readRecordsPerSecondPerShard! * c.effectivePollIntervalSeconds!;
      return `${at} its GetRecords calls are cut to ${formatNumber(1 / c.effectivePollIntervalSeconds!)}/s per shard by the ${CALLS_TEXT} calls/s the polling readers share, ${formatNumber(c.readRecordsPerSecondPerShard!)} records/s, short ${where}: ${grows} — more shards (each carries fewer records; they do not raise a shard's call rate), longer poll intervals for the other readers, or an application moved to enhanced fan-out${perCall < CALL_MAX_RECORDS - 1e-9 ? `, or raise maxRecordsPerCall (up to ${CALL_RECORDS_TEXT})` : ''}`;
    }
    default:
      return `${at}: ${grows}`;
  }
}

/**
 * The lag growth cell of the plan's consumer table (terminal and HTML alike): the figure at the
 * count the run uses, and at the recommended count when that differs, each with its count.
 */
export function lagGrowthText(c: ConsumerPlan): string {
  const one = (lag: ConsumerLag) =>
    lag.recordsPerSecond > 0 ? `${formatNumber(lag.recordsPerSecond)} records/s` : '—';
  const r = c.lagAtRecommended;
  if (
    r === null ||
    r.shardCount === c.lag.shardCount ||
    (r.recordsPerSecond === 0 && c.lag.recordsPerSecond === 0)
  )
    return one(c.lag);
  return `${one(c.lag)} at ${c.lag.shardCount} (${c.lag.countIs}), ${one(r)} at ${r.shardCount} (recommended)`;
}
