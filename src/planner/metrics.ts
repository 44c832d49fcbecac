/**
 * The Plan's flat metrics: the names gates use (README, "Plan metrics"). Base units: seconds,
 * bytes, records, USD; rates per second; costs per 730-hour month.
 */
import type { Scenario } from '../scenario/schema.js';
import { monthlyTotal } from './cost.js';
import type { Plan } from './types.js';

export function flattenMetrics(plan: Omit<Plan, 'metrics'>): Record<string, number> {
  const m: Record<string, number> = {};
  const { traffic, shards, hotKeys, fanOut, firehose, reshard, cost, onDemand } = plan;
  m['traffic.peakAtSeconds'] = traffic.peakAt;
  m['traffic.peakRecordsPerSecond'] = traffic.userRecordsPerSecond;
  m['traffic.peakWriteBytesPerSecond'] = traffic.writeBytesPerSecond;
  m['traffic.peakKinesisRecordsPerSecond'] = traffic.writeRecordsPerSecond;
  m['traffic.averageRecordsPerSecond'] = traffic.average.userRecordsPerSecond;
  m['shards.byWriteBytes'] = shards.byWriteBytes;
  m['shards.byWriteRecords'] = shards.byWriteRecords;
  m['shards.byRead'] = shards.byRead;
  m['shards.required'] = shards.required;
  m['shards.recommended'] = shards.recommended;
  if (shards.configured !== null) m['shards.configured'] = shards.configured;
  m['shards.requiredWithoutAggregation'] = shards.aggregation.requiredWithout;
  m['shards.requiredWithAggregation'] = shards.aggregation.requiredWith;
  m['shards.getRecordsCallsPerSecond'] = shards.getRecordsCallsPerShardPerSecond;
  m['hotKey.maxKeyRecordsPerSecond'] = hotKeys.maxKeyRecordsPerSecond;
  m['hotKey.maxKeyBytesPerSecond'] = hotKeys.maxKeyBytesPerSecond;
  m['hotKey.keysOverShardLimit'] = hotKeys.keysOverShardLimit;
  m['hotKey.maxShardUtilization'] = (hotKeys.atConfigured ?? hotKeys.atRecommended).utilization;
  if (hotKeys.atConfigured) m['hotKey.maxShardUtilizationAtConfigured'] = hotKeys.atConfigured.utilization;
  m['hotKey.maxShardUtilizationAtRecommended'] = hotKeys.atRecommended.utilization;
  for (const c of fanOut.consumers) {
    if (c.type === 'firehose') continue;
    m[`consumers.${c.name}.readBytesPerSecond`] = c.readBytesPerSecondPerShard;
    m[`consumers.${c.name}.propagationDelaySeconds`] = c.propagationDelaySeconds;
    m[`consumers.${c.name}.lagGrowthRecordsPerSecond`] = c.lagGrowthRecordsPerSecond;
    if (c.lagAtRecommended)
      m[`consumers.${c.name}.atRecommended.lagGrowthRecordsPerSecond`] = c.lagAtRecommended.recordsPerSecond;
    m[`consumers.${c.name}.monthlyCost`] = c.monthlyCost.provisioned;
  }
  for (const f of firehose) {
    m[`firehose.${f.name}.flushIntervalSeconds`] = f.flushIntervalSeconds;
    m[`firehose.${f.name}.objectBytes`] = f.objectBytes;
    m[`firehose.${f.name}.objectsPerHour`] = f.objectsPerHour;
    m[`firehose.${f.name}.deliveryLatencySeconds`] = f.maxDeliveryLatencySeconds;
    m[`firehose.${f.name}.monthlyCost`] = f.monthly.total;
    const r = f.atRecommended;
    if (r) {
      m[`firehose.${f.name}.atRecommended.flushIntervalSeconds`] = r.flushIntervalSeconds;
      m[`firehose.${f.name}.atRecommended.objectBytes`] = r.objectBytes;
      m[`firehose.${f.name}.atRecommended.objectsPerHour`] = r.objectsPerHour;
      m[`firehose.${f.name}.atRecommended.deliveryLatencySeconds`] = r.maxDeliveryLatencySeconds;
      m[`firehose.${f.name}.atRecommended.monthlyCost`] = r.monthlyTotal;
    }
    if (f.directPutQuotaUtilization !== null)
      m[`firehose.${f.name}.directPutQuotaUtilization`] = f.directPutQuotaUtilization;
  }
  const first = reshard.steps[0] ?? reshard.toRecommended;
  m['reshard.updateShardCountCalls'] = first?.updateShardCountCalls ?? 0;
  m['reshard.durationSeconds'] = first?.durationSeconds ?? 0;
  m['reshard.shardOperations'] = first?.shardOperations ?? 0;
  for (const option of cost.options) m[`cost.monthly.${option.option}`] = option.monthly;
  m['cost.monthly.firehose'] = cost.firehoseMonthly;
  m['cost.monthly.total'] = cost.monthlyTotal;
  m['cost.monthly.configured'] = cost.monthlyConfigured ?? cost.monthlyTotal;
  for (const option of cost.options)
    m[`cost.monthly.total.${option.option}`] = monthlyTotal(cost, option.option);
  if (onDemand) {
    m['onDemand.throttledSeconds'] = onDemand.throttledSeconds;
    m['onDemand.throttledRecordShare'] = onDemand.throttledRecordShare;
  }
  return m;
}

/**
 * The metric names `planScenario(scenario).metrics` has, without planning (gates are checked
 * against them when a scenario loads). A test holds this to the real plan of every bundled scenario.
 */
export function planMetricNames(scenario: Scenario): string[] {
  const provisioned = scenario.stream.mode === 'provisioned';
  const names = [
    'traffic.peakAtSeconds',
    'traffic.peakRecordsPerSecond',
    'traffic.peakWriteBytesPerSecond',
    'traffic.peakKinesisRecordsPerSecond',
    'traffic.averageRecordsPerSecond',
    'shards.byWriteBytes',
    'shards.byWriteRecords',
    'shards.byRead',
    'shards.required',
    'shards.recommended',
    ...(scenario.stream.shards === undefined ? [] : ['shards.configured']),
    'shards.requiredWithoutAggregation',
    'shards.requiredWithAggregation',
    'shards.getRecordsCallsPerSecond',
    'hotKey.maxKeyRecordsPerSecond',
    'hotKey.maxKeyBytesPerSecond',
    'hotKey.keysOverShardLimit',
    'hotKey.maxShardUtilization',
    ...(scenario.stream.shards === undefined ? [] : ['hotKey.maxShardUtilizationAtConfigured']),
    'hotKey.maxShardUtilizationAtRecommended',
  ];
  for (const c of scenario.consumers) {
    for (const m of [
      'readBytesPerSecond',
      'propagationDelaySeconds',
      'lagGrowthRecordsPerSecond',
      'monthlyCost',
    ]) {
      names.push(`consumers.${c.name}.${m}`);
    }
    // The run uses the configured count; lag is planned at the recommended count too.
    if (provisioned) names.push(`consumers.${c.name}.atRecommended.lagGrowthRecordsPerSecond`);
  }
  for (const f of scenario.firehose) {
    for (const m of [
      'flushIntervalSeconds',
      'objectBytes',
      'objectsPerHour',
      'deliveryLatencySeconds',
      'monthlyCost',
    ]) {
      names.push(`firehose.${f.name}.${m}`);
      // Buffers per shard: planned at the configured count the run uses and at the recommended one.
      if (provisioned && f.source === 'stream' && f.dynamicPartitions === undefined)
        names.push(`firehose.${f.name}.atRecommended.${m}`);
    }
    if (f.source === 'direct-put') names.push(`firehose.${f.name}.directPutQuotaUtilization`);
  }
  names.push('reshard.updateShardCountCalls', 'reshard.durationSeconds', 'reshard.shardOperations');
  names.push(
    'cost.monthly.provisioned',
    'cost.monthly.onDemand',
    'cost.monthly.onDemandAdvantage',
    'cost.monthly.firehose',
    'cost.monthly.total',
    'cost.monthly.configured',
    'cost.monthly.total.provisioned',
    'cost.monthly.total.onDemand',
    'cost.monthly.total.onDemandAdvantage',
  );
  if (scenario.stream.mode === 'on-demand')
    names.push('onDemand.throttledSeconds', 'onDemand.throttledRecordShare');
  return names;
}
