/**
 * The Plan's flat metrics: the names gates use (README, "Plan metrics"). Base units: seconds,
 * bytes, records, USD; rates per second; costs per 730-hour month.
 */
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
    m[`consumers.${c.name}.monthlyCost`] = c.monthlyCost.provisioned;
  }
  for (const f of firehose) {
    m[`firehose.${f.name}.flushIntervalSeconds`] = f.flushIntervalSeconds;
    m[`firehose.${f.name}.objectBytes`] = f.objectBytes;
    m[`firehose.${f.name}.objectsPerHour`] = f.objectsPerHour;
    m[`firehose.${f.name}.deliveryLatencySeconds`] = f.maxDeliveryLatencySeconds;
    m[`firehose.${f.name}.monthlyCost`] = f.monthly.total;
    if (f.directPutQuotaUtilization !== null)
      m[`firehose.${f.name}.directPutQuotaUtilization`] = f.directPutQuotaUtilization;
  }
  const first = reshard.steps[0] ?? reshard.toRecommended;
  m['reshard.updateShardCountCalls'] = first?.updateShardCountCalls ?? 0;
  m['reshard.durationSeconds'] = first?.durationSeconds ?? 0;
  m['reshard.shardOperations'] = first?.shardOperations ?? 0;
  for (const option of cost.options) m[`cost.monthly.${option.option}`] = option.monthly;
  m['cost.monthly.firehose'] = cost.firehoseMonthly;
  if (onDemand) {
    m['onDemand.throttledSeconds'] = onDemand.throttledSeconds;
    m['onDemand.throttledRecordShare'] = onDemand.throttledRecordShare;
  }
  return m;
}
