/**
 * The zod schema of the Plan (format version 3): what a plan JSON read back (`shardcast report
 * plan.json`, the plan.json beside a result) must hold before a report reads it. It mirrors
 * `types.ts` field for field; a compile-time check below fails when the two drift apart.
 *
 * Numbers are only `z.number()`: a plan holds differences (a cost delta, a shard move) that may be
 * negative, and the planner's figures are finite, so JSON (which has no Infinity) holds them as
 * written.
 */
import { z } from 'zod';
import type { Finding, FindingCode } from './findings.js';
import { PLAN_VERSION, type Plan } from './types.js';

const num = z.number();
const int = z.number().int();
const named = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

const FINDING_CODES = [
  'shards-short',
  'shards-sized-by-plan',
  'shards-excess',
  'shards-over-max',
  'key-over-shard',
  'key-needs-salt',
  'hot-shard-unfixable',
  'hot-shard-sets-count',
  'readers-set-count',
  'hot-shard-estimated',
  'get-records-over-limit',
  'aggregation-would-help',
  'large-records',
  'consumer-behind',
  'consumer-read-short',
  'firehose-direct-put-quota',
  'firehose-small-objects',
  'firehose-multipart',
  'firehose-partitions-quota',
  'reshard-late',
  'reshard-down-too-far',
  'reshard-spans-days',
  'on-demand-throttles',
  'region-prices',
  'friendly-count',
  'cheapest-option',
] as const satisfies readonly FindingCode[];

const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity: z.enum(['error', 'warning', 'info']),
  subject: named(z.string()),
  figures: named(num),
  items: z.array(z.object({ name: z.string(), figures: named(num) })).optional(),
}) satisfies z.ZodType<Finding>;

const producerTrafficSchema = z.object({
  name: z.string(),
  destination: z.string(),
  meanDataBytes: num,
  meanKeyBytes: num,
  maxRecordBytes: num,
  recordsPerSecond: num,
  ownPeakRecordsPerSecond: num,
  averageRecordsPerSecond: num,
  writeBytesPerSecond: num,
  kinesisRecordsPerSecond: num,
  aggregation: z.object({
    enabled: z.boolean(),
    userRecordsPerKinesisRecord: num,
    kinesisRecordBytes: num,
  }),
  largeRecordShare: num,
});

const trafficSchema = z.object({
  peakAt: num,
  producers: z.array(producerTrafficSchema),
  writeBytesPerSecond: num,
  writeRecordsPerSecond: num,
  userRecordsPerSecond: num,
  dataBytesPerSecond: num,
  average: z.object({
    writeBytesPerSecond: num,
    writeRecordsPerSecond: num,
    userRecordsPerSecond: num,
    dataBytesPerSecond: num,
  }),
  headroom: num,
});

const runShardCount = z.enum(['configured', 'after reshards', 'recommended']);

const shardPlanSchema = z.object({
  configured: int.nullable(),
  sizedByPlan: z.boolean(),
  byWriteBytes: num,
  byWriteRecords: num,
  byRead: num,
  required: int,
  recommended: int,
  binding: z.enum(['writeBytes', 'writeRecords', 'read', 'hotShard', 'configured']),
  aggregation: z.object({
    enabled: z.boolean(),
    requiredWithout: num,
    requiredWith: num,
    byWriteRecordsWithout: num,
    byWriteRecordsWith: num,
  }),
  pollingReaders: num,
  getRecordsCallsPerShardPerSecond: num,
  getRecordsOverLimit: z.boolean(),
  configuredUtilization: num.nullable(),
});

const hotKeySchema = z.object({
  producer: z.string(),
  key: z.string(),
  recordsPerSecond: num,
  bytesPerSecond: num,
  shardUtilization: num,
  overShardLimit: z.boolean(),
  saltingFactor: int,
  shardAtConfigured: int.nullable(),
  shardAtRecommended: int,
});

const hotShardSchema = z.object({
  shardCount: int,
  shard: int,
  recordsPerSecond: num,
  bytesPerSecond: num,
  utilization: num,
  averageUtilization: num,
  utilizationWithoutOversizedKeys: num,
  shardAfterSalting: int,
});

const hotKeyPlanSchema = z.object({
  method: z.enum(['exact', 'analytical', 'none']),
  keys: z.array(hotKeySchema),
  maxKeyRecordsPerSecond: num,
  maxKeyBytesPerSecond: num,
  keysOverShardLimit: int,
  atConfigured: hotShardSchema.nullable(),
  atRequired: hotShardSchema,
  atRecommended: hotShardSchema,
  smallestFittingShardCount: int,
  fits: z.boolean(),
  raisedByHotShard: z.boolean(),
  readLimitsApplied: z.boolean(),
  raisedByReads: z.boolean(),
  estimate: z.object({ hashedKeys: int, relativeError: num }).nullable(),
});

const consumerLagSchema = z.object({
  shardCount: int,
  countIs: runShardCount,
  recordsPerSecond: num,
  shardsBehind: int,
  binding: z.enum(['readBytes', 'recordsPerCall', 'getRecordsCalls', 'processing']).nullable(),
  byCap: z.object({ readBytes: num, recordsPerCall: num, getRecordsCalls: num, processing: num }),
});

const consumerPlanSchema = z.object({
  name: z.string(),
  type: z.enum(['polling', 'enhanced-fan-out', 'firehose']),
  instances: int,
  readBytesPerSecondPerShard: num,
  demandBytesPerSecondPerShard: num,
  propagationDelaySeconds: num,
  pollIntervalSeconds: num.nullable(),
  effectivePollIntervalSeconds: num.nullable(),
  readRecordsPerSecondPerShard: num.nullable(),
  processingRecordsPerSecond: num.nullable(),
  lagGrowthRecordsPerSecond: num,
  lag: consumerLagSchema,
  lagAtRecommended: consumerLagSchema.nullable(),
  monthlyCost: z.object({ provisioned: num, onDemand: num, onDemandAdvantage: num }),
  recommendation: z.string(),
});

const fanOutSchema = z.object({
  consumers: z.array(consumerPlanSchema),
  pollingAppsBeforeReadBinds: num,
  efoConsumerMonthlyCost: num,
  extraPollingAppMonthlyCost: num,
  crossover: z.string(),
});

const bufferFigures = {
  buffers: int,
  flushTrigger: z.enum(['size', 'interval']),
  flushIntervalSeconds: num,
  objectBytes: num,
  objectsPerHour: num,
  objectsPerHourPerBuffer: num,
  meanDeliveryLatencySeconds: num,
  maxDeliveryLatencySeconds: num,
};

const firehosePlanSchema = z.object({
  ...bufferFigures,
  name: z.string(),
  source: z.enum(['stream', 'direct-put']),
  destination: z.string(),
  bufferSizeBytes: num,
  bufferIntervalSeconds: num,
  bufferScope: z.enum(['shard', 'partition', 'stream']),
  inputBytesPerSecond: num,
  inputRecordsPerSecond: num,
  shardCount: int.nullable(),
  countIs: runShardCount.nullable(),
  atRecommended: z.object({ ...bufferFigures, shardCount: int, monthlyTotal: num }).nullable(),
  directPutQuotaUtilization: num.nullable(),
  s3PutRequestsPerObject: num,
  monthly: z.object({
    ingestion: num,
    formatConversion: num,
    dynamicPartitioning: num,
    s3Requests: num,
    total: num,
    objects: num,
    billedGb: num,
  }),
  findings: z.array(findingSchema),
});

const reshardStepSchema = z.object({
  at: num.nullable(),
  from: int,
  to: int,
  calls: z.array(int),
  updateShardCountCalls: int,
  days: num,
  splits: int,
  merges: int,
  shardOperations: int,
  durationSeconds: num,
  completesAfterNeed: z.boolean(),
  neededFrom: num.optional(),
  tooFewFrom: num.optional(),
});

const friendlyCountSchema = z.object({
  shards: int,
  calls: z.array(int),
  shardOperations: int,
  durationSeconds: num,
  monthlyCostDelta: num,
});

const onDemandSchema = z.object({
  capacityBytesPerSecond: num,
  capacityRecordsPerSecond: num,
  peakBytesPerSecond: num,
  peakRecordsPerSecond: num,
  throttledSeconds: num,
  throttledRecordShare: num,
  keysOverShardLimit: int,
  previousPeakGiven: z.boolean(),
});

const costOption = z.enum(['provisioned', 'onDemand', 'onDemandAdvantage']);

const costSchema = z.object({
  options: z.array(
    z.object({
      option: costOption,
      label: z.string(),
      monthly: num,
      monthlyAtPeak: num,
      lines: z.array(z.object({ item: z.string(), usd: num, detail: z.string() })),
      notes: z.array(z.string()),
    }),
  ),
  firehoseMonthly: num,
  chosen: costOption,
  monthlyTotal: num,
  monthlyConfigured: num.optional(),
  cheapest: costOption,
  unconfirmedPrices: z.array(z.string()),
});

const profileSchema = z.object({
  t: z.array(num),
  demandShards: z.array(num),
  shardsInForce: z.array(z.object({ at: num, shards: int })).nullable(),
  shardLoads: z.array(
    z.object({
      shardCount: int,
      countIs: runShardCount,
      groupSize: int,
      utilization: z.array(num),
      saltedKeys: int.optional(),
    }),
  ),
});

export const planSchema = z.object({
  version: z.literal(PLAN_VERSION),
  scenario: z.object({
    name: z.string(),
    description: z.string().optional(),
    region: z.string(),
    mode: z.enum(['provisioned', 'on-demand']),
    durationSeconds: num,
    overrides: z.array(z.string()).optional(),
  }),
  traffic: trafficSchema,
  shards: shardPlanSchema,
  hotKeys: hotKeyPlanSchema,
  fanOut: fanOutSchema,
  firehose: z.array(firehosePlanSchema),
  reshard: z.object({
    steps: z.array(reshardStepSchema),
    toRecommended: reshardStepSchema.nullable(),
    friendlyCounts: z.array(friendlyCountSchema),
  }),
  onDemand: onDemandSchema.nullable(),
  cost: costSchema,
  binding: z.string(),
  findings: z.array(findingSchema),
  metrics: named(num),
  profile: profileSchema.optional(),
});

/** Identical types, not merely assignable ones. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Fails to compile when types.ts and the schema above describe different plans.
const schemaMatchesType: Equals<z.infer<typeof planSchema>, Plan> = true;
void schemaMatchesType;
