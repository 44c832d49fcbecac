/**
 * The analytical planner: Scenario → Plan. Pure: no clock, no randomness, no I/O.
 *
 * `planScenario` runs the sections in order, each in its own module: traffic at the planning
 * instant (`traffic.ts`), the shard count and the hot keys (`sizing.ts`), readers (`fan-out.ts`),
 * Firehose (`firehose.ts`), reshards (`reshard.ts`), on-demand capacity (`on-demand.ts`), cost
 * (`cost.ts`), then the findings over all of them (`plan-findings.ts`), the flat metrics and the
 * profile a report without a run draws.
 */
import { KINESIS } from '../aws/facts.js';
import { type PriceTable, resolvePrices } from '../aws/pricing.js';
import type { PlacedKeys } from '../keys/placement.js';
import { sampleTimes } from '../scenario/profiles.js';
import type { Scenario } from '../scenario/schema.js';
import { planCost, planCosts } from './cost.js';
import { planFanOut } from './fan-out.js';
import { planFirehoseStream } from './firehose.js';
import { buildKeyModels, type KeyHashingOptions, type KeyModel } from './hot-keys.js';
import { flattenMetrics } from './metrics.js';
import { planOnDemand } from './on-demand.js';
import { planFindings } from './plan-findings.js';
import { groupedShardLoads, planProfile, shardDemandFunction } from './profile.js';
import {
  planFriendlyCounts,
  planReshard,
  planReshardSteps,
  shardsInForce,
  shardsInForceAt,
} from './reshard.js';
import { shardLoads } from './shard-loads.js';
import { ceilShards } from './shards.js';
import { planShardSizing, type ShardSizing } from './sizing.js';
import { planTraffic } from './traffic.js';
import { PLAN_VERSION, type Plan, type PlanProfile, type RunShardCount, type Traffic } from './types.js';

export type { Plan } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;

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
  const keyModels = buildKeyModels(scenario, planOptions.keyHashing, planOptions.placedKeys);
  const keyBytes = new Map([...keyModels].map(([name, m]) => [name, m.meanKeyBytes]));
  const times = sampleTimes(
    scenario.producers.map((p) => p.rate),
    scenario.duration,
  );
  const traffic = planTraffic(scenario, keyBytes, { times });
  const sizing = planShardSizing({ scenario, traffic, keyModels, keyBytes, times });
  const { hotKeys, recommended, readers, shards } = sizing;
  const configured = shards.configured;
  const h = 1 + traffic.headroom;

  const run = runShardCount(scenario, configured, recommended, traffic.peakAt);
  const fanOut = planFanOut({
    scenario,
    traffic,
    shards: recommended,
    // A shard never writes more than its limit, so readers never need more than that from it.
    hottestShardBytesPerSecond: Math.min(hotKeys.atRecommended.bytesPerSecond * h, WRITE_BYTES),
    prices,
    lagAt: {
      run: {
        ...shardLoads(traffic, keyModels, run.shards),
        countIs: run.countIs,
      },
      recommended: run.runsConfigured ? shardLoads(traffic, keyModels, recommended) : null,
    },
  });
  const firehoseCounts = { run: run.shards, countIs: run.countIs, recommended };
  const firehose = scenario.firehose.map((f) =>
    planFirehoseStream(f, scenario, traffic, firehoseCounts, prices),
  );

  // Resharding: each event from the count before it, and configured → recommended.
  const demandAt = shardDemandFunction(scenario, traffic, readers);
  const steps = planReshardSteps(scenario, configured ?? recommended, times, (t) => ceilShards(demandAt(t)));
  const provisionedConfigured = configured !== null && scenario.stream.mode === 'provisioned';
  const toRecommended =
    provisionedConfigured && configured !== recommended
      ? planReshard(configured, recommended, scenario.stream.shardOperationTime, null)
      : null;

  const onDemand =
    scenario.stream.mode === 'on-demand' ? planOnDemand(scenario, traffic, hotKeys, times) : null;

  const efoConsumers = scenario.consumers.filter((c) => c.type === 'enhanced-fan-out').length;
  const costInput = { scenario, traffic, prices, pollingReaders: readers, efoConsumers };
  const cost = planCost({ ...costInput, shards: recommended, firehose });
  // Everything priced per shard (shard-hours, extended retention, EFO consumer-shard-hours).
  const provisionedMonthly = (n: number) =>
    planCosts({ ...costInput, shards: n }).find((o) => o.option === 'provisioned')!.monthly;
  // As configured: the provisioned stream at its own count, Firehose at that count (its `monthly`).
  cost.monthlyConfigured = provisionedConfigured
    ? provisionedMonthly(configured) + firehose.reduce((a, f) => a + f.monthly.total, 0)
    : cost.monthlyTotal;
  // Counts that reshard from the configured one sooner than the recommended count, priced.
  const friendlyCounts = provisionedConfigured
    ? planFriendlyCounts(configured, recommended, scenario.stream.shardOperationTime, provisionedMonthly)
    : [];

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
    cost,
    binding: sizing.bindingText,
    findings: planFindings({
      scenario,
      traffic,
      sizing,
      atPeak: run.shards,
      fanOut,
      firehose,
      steps,
      toRecommended,
      onDemand,
      cost,
      friendlyCounts,
      provisionedMonthly,
    }),
    metrics: {},
  };
  plan.metrics = flattenMetrics(plan);
  plan.profile = profileOf({ scenario, traffic, keyModels, sizing, run, demandAt, times });
  return plan;
}

/** The count a run has at the planning instant, and how it was chosen. */
interface RunShardCountAt {
  /** True for a provisioned stream with a configured count: the run starts there. */
  runsConfigured: boolean;
  shards: number;
  countIs: RunShardCount;
}

/**
 * The run uses the configured count (a provisioned stream has one); the plan recommends another.
 * Figures that depend on the count (consumer lag, Firehose buffers per shard) are planned at the
 * count the run uses, and again at the recommended count when it differs. A run that reshards
 * before the planning instant has the count its events reached by then. A provisioned stream
 * without a count starts at the recommended one (the run does the same).
 */
function runShardCount(
  scenario: Scenario,
  configured: number | null,
  recommended: number,
  peakAt: number,
): RunShardCountAt {
  const runsConfigured = scenario.stream.mode === 'provisioned' && configured !== null;
  const startShards = configured ?? recommended;
  const atPeak =
    scenario.stream.mode === 'provisioned'
      ? shardsInForceAt(
          startShards,
          scenario.events.map((e) => ({ at: e.at, shards: e.reshard.shards })),
          scenario.stream.shardOperationTime,
          peakAt,
        )
      : recommended;
  const countIs: RunShardCount =
    atPeak !== startShards ? 'after reshards' : runsConfigured ? 'configured' : 'recommended';
  return { runsConfigured, shards: atPeak, countIs };
}

/**
 * The report's charts without a run: demand against the shards in force, and the per-shard load
 * at each count the plan names (configured, after the reshards by the peak, recommended).
 */
function profileOf(input: {
  scenario: Scenario;
  traffic: Traffic;
  keyModels: ReadonlyMap<string, KeyModel>;
  sizing: ShardSizing;
  run: RunShardCountAt;
  demandAt: (t: number) => number;
  times: number[];
}): PlanProfile {
  const { scenario, traffic, keyModels, sizing, run, demandAt, times } = input;
  const { recommended, saltAsAdvised } = sizing;
  const configured = sizing.shards.configured;
  const { runsConfigured } = run;
  const runShards = run.shards;
  const loadCounts: { n: number; countIs: RunShardCount }[] = [];
  if (runsConfigured && configured !== null) loadCounts.push({ n: configured, countIs: 'configured' });
  if (runsConfigured && runShards !== configured)
    loadCounts.push({ n: runShards, countIs: 'after reshards' });
  if (!loadCounts.some((c) => c.n === recommended))
    loadCounts.push({ n: recommended, countIs: 'recommended' });
  return planProfile({
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
}
