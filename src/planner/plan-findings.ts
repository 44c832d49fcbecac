/**
 * The plan's findings, collected from its sections in the order a reader meets them: the shard
 * count, the hot keys, the readers, Firehose, the reshards, then the stream as a whole and its
 * cost. Each is data (code, severity, figures); `findingText` words it.
 */
import { KINESIS } from '../aws/facts.js';
import { isBundledRegion } from '../aws/pricing.js';
import type { Scenario } from '../scenario/schema.js';
import type { Finding } from './findings.js';
import { friendlyCountAdvice } from './reshard.js';
import { readShortfall, type ShardSizing } from './sizing.js';
import type {
  CostPlan,
  FanOutPlan,
  FirehosePlan,
  FriendlyShardCount,
  OnDemandPlan,
  ReshardStep,
  Traffic,
} from './types.js';

export interface FindingsInput {
  scenario: Scenario;
  traffic: Traffic;
  sizing: ShardSizing;
  /** The count the run has at the planning instant (after the scenario's reshards by then). */
  atPeak: number;
  fanOut: FanOutPlan;
  firehose: FirehosePlan[];
  steps: ReshardStep[];
  toRecommended: ReshardStep | null;
  onDemand: OnDemandPlan | null;
  cost: CostPlan;
  friendlyCounts: FriendlyShardCount[];
  /** The provisioned option's monthly cost at a shard count. */
  provisionedMonthly: (shards: number) => number;
}

/** Every finding of a plan, in the order the plan lists them. */
export function planFindings(input: FindingsInput): Finding[] {
  return [
    ...shardCountFindings(input),
    ...hotKeyFindings(input),
    ...readerFindings(input),
    ...input.firehose.flatMap((f) => f.findings),
    ...reshardFindings(input.steps),
    ...streamFindings(input),
  ];
}

function finding(
  code: Finding['code'],
  severity: Finding['severity'],
  figures: Finding['figures'],
  subject: Finding['subject'] = {},
  items?: Finding['items'],
): Finding {
  return { code, severity, subject, figures, ...(items === undefined ? {} : { items }) };
}

/** A configured count short of the recommended one, or well above it. */
function shardCountFindings({
  scenario,
  traffic,
  sizing,
  atPeak,
  toRecommended,
  provisionedMonthly,
}: FindingsInput) {
  const { recommended } = sizing;
  const configured = sizing.shards.configured;
  const findings: Finding[] = [];
  if (configured === null || scenario.stream.mode !== 'provisioned') return findings;
  if (configured < recommended) {
    // Short at the peak unless the scenario's own reshards reach the count by then (their timing
    // is checked step by step below): then it is a note, not a problem.
    findings.push(
      finding('shards-short', atPeak < recommended ? 'error' : 'info', {
        configured,
        recommended,
        atPeak,
        headroomFactor: 1 + traffic.headroom,
        calls: toRecommended?.updateShardCountCalls ?? 0,
        durationSeconds: toRecommended?.durationSeconds ?? 0,
      }),
    );
  } else if (configured > recommended * 1.5 && configured > recommended + 1) {
    // Everything priced per shard (shard-hours, extended retention, EFO consumer-shard-hours).
    findings.push(
      finding('shards-excess', 'info', {
        configured,
        recommended,
        monthlySavingUsd: provisionedMonthly(configured) - provisionedMonthly(recommended),
      }),
    );
  }
  return findings;
}

/** Keys to salt, and a hottest shard that sets the count or that no count fixes. */
function hotKeyFindings({ traffic, sizing }: FindingsInput): Finding[] {
  const { hotKeys, counts, recommended, readLimits, readers } = sizing;
  const h = 1 + traffic.headroom;
  const findings: Finding[] = [];
  // The keys a count is planned with salted (named, as the hot keys table shows them).
  const salted = hotKeys.keys
    .filter((k) => k.saltingFactor > 1)
    .map((k) => ({ name: k.key, figures: { saltingFactor: k.saltingFactor } }));
  for (const key of hotKeys.keys.filter((k) => k.saltingFactor > 1)) {
    findings.push(
      finding(
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
      ),
    );
  }
  if (!hotKeys.fits) {
    findings.push(
      finding('hot-shard-unfixable', 'error', {
        shardCount: hotKeys.smallestFittingShardCount,
        shard: hotKeys.atRecommended.shardAfterSalting,
        utilizationWithHeadroom: hotKeys.atRecommended.utilizationWithoutOversizedKeys * h,
        headroomFactor: h,
      }),
    );
  } else if (hotKeys.raisedByReads) {
    const shortfall = readShortfall(hotKeys.atRequired, readLimits, h, readers);
    findings.push(
      finding(
        'readers-set-count',
        'info',
        { required: counts.required, recommended, ...shortfall.figures },
        shortfall.subject,
        salted,
      ),
    );
  } else if (hotKeys.raisedByHotShard) {
    findings.push(
      finding(
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
      ),
    );
  }
  if (hotKeys.estimate) {
    findings.push(
      finding('hot-shard-estimated', 'warning', {
        hashedKeys: hotKeys.estimate.hashedKeys,
        recommended,
        relativeError: hotKeys.estimate.relativeError,
      }),
    );
  }
  return findings;
}

/** GetRecords calls over a shard's limit, aggregation that would help, large records, consumers behind. */
function readerFindings({ traffic, sizing, fanOut }: FindingsInput): Finding[] {
  const { shards, without, withAgg, recommended } = sizing;
  const findings: Finding[] = [];
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
    findings.push(
      finding(
        'get-records-over-limit',
        'error',
        { callsPerShardPerSecond: shards.getRecordsCallsPerShardPerSecond },
        {},
        delayed,
      ),
    );
  }
  if (!shards.aggregation.enabled && withAgg.required < without.required) {
    findings.push(
      finding('aggregation-would-help', 'info', {
        byWriteRecordsWithout: without.byWriteRecords,
        byWriteRecordsWith: withAgg.byWriteRecords,
        requiredWithout: without.required,
        requiredWith: withAgg.required,
      }),
    );
  }
  for (const p of traffic.producers) {
    if (p.largeRecordShare > KINESIS.largeRecordMaxShare.value) {
      findings.push(
        finding('large-records', 'warning', { largeRecordShare: p.largeRecordShare }, { producer: p.name }),
      );
    }
  }
  for (const c of fanOut.consumers) {
    const atRecommended = c.lagAtRecommended;
    const other =
      atRecommended !== null && atRecommended.shardCount !== c.lag.shardCount ? atRecommended : null;
    if (c.lag.recordsPerSecond > 0 || (other?.recordsPerSecond ?? 0) > 0) {
      // Behind at the count the run uses, or only at the recommended one (then that count's lag).
      const lag = c.lag.recordsPerSecond > 0 ? c.lag : other!;
      findings.push(
        finding(
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
        ),
      );
    } else if (c.demandBytesPerSecondPerShard > c.readBytesPerSecondPerShard) {
      findings.push(
        finding(
          'consumer-read-short',
          'warning',
          {
            demandBytesPerSecond: c.demandBytesPerSecondPerShard,
            readBytesPerSecond: c.readBytesPerSecondPerShard,
            recommendedShards: recommended,
          },
          { consumer: c.name },
        ),
      );
    }
  }
  return findings;
}

/** Reshards that finish after the traffic needs them, scale down too far, or span days. */
function reshardFindings(steps: readonly ReshardStep[]): Finding[] {
  const findings: Finding[] = [];
  for (const step of steps) {
    const at = step.at ?? 0;
    if (step.completesAfterNeed) {
      findings.push(
        finding('reshard-late', 'error', {
          at,
          from: step.from,
          to: step.to,
          durationSeconds: step.durationSeconds,
          neededFrom: step.neededFrom ?? 0,
        }),
      );
    }
    if (step.tooFewFrom !== undefined) {
      findings.push(
        finding('reshard-down-too-far', 'error', {
          at,
          to: step.to,
          durationSeconds: step.durationSeconds,
          tooFewFrom: step.tooFewFrom,
        }),
      );
    }
    if (step.days > 1) {
      findings.push(
        finding('reshard-spans-days', 'warning', {
          from: step.from,
          to: step.to,
          calls: step.updateShardCountCalls,
          days: step.days,
        }),
      );
    }
  }
  return findings;
}

/** The stream as a whole: its count's bounds, on-demand throttling, prices, reshard-friendly counts, cost. */
function streamFindings({ scenario, sizing, onDemand, cost, friendlyCounts }: FindingsInput): Finding[] {
  const { recommended } = sizing;
  const configured = sizing.shards.configured;
  const findings: Finding[] = [];
  if (recommended > KINESIS.maxShardsPerStream.value)
    findings.push(finding('shards-over-max', 'error', { recommended }));
  if (sizing.shards.sizedByPlan) findings.push(finding('shards-sized-by-plan', 'info', { recommended }));
  const overCapacity =
    onDemand !== null &&
    (onDemand.peakBytesPerSecond > onDemand.capacityBytesPerSecond ||
      onDemand.peakRecordsPerSecond > onDemand.capacityRecordsPerSecond);
  if (onDemand && onDemand.throttledSeconds > 0 && overCapacity) {
    findings.push(
      finding('on-demand-throttles', 'error', {
        capacityBytesPerSecond: onDemand.capacityBytesPerSecond,
        capacityRecordsPerSecond: onDemand.capacityRecordsPerSecond,
        throttledSeconds: onDemand.throttledSeconds,
        throttledRecordShare: onDemand.throttledRecordShare,
        previousPeakGiven: onDemand.previousPeakGiven ? 1 : 0,
      }),
    );
  }
  if (!isBundledRegion(scenario.region))
    findings.push(finding('region-prices', 'warning', {}, { region: scenario.region }));
  const friendly = configured === null ? undefined : friendlyCountAdvice(configured, friendlyCounts);
  if (friendly !== undefined)
    findings.push(finding('friendly-count', 'info', friendly.figures, friendly.subject));
  const cheapestOption = cost.options.find((o) => o.option === cost.cheapest)!;
  findings.push(
    finding(
      'cheapest-option',
      'info',
      { monthlyUsd: cheapestOption.monthly },
      { option: cheapestOption.label },
      cost.options.map((o) => ({ name: o.label, figures: { monthlyUsd: o.monthly } })),
    ),
  );
  return findings;
}
