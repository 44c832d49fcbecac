import { describe, expect, it } from 'vitest';
import {
  formatQuantity,
  formatQuantityPair,
  type MetricQuantity,
  metricQuantity,
  suggestMetric,
  unitFits,
} from '../../src/gates/metrics.js';

describe('metricQuantity reads the unit from the name', () => {
  it.each<[string, MetricQuantity]>([
    ['putLatency.p99', 'seconds'],
    ['putLatency.p99.9', 'seconds'],
    ['putLatency.p999', 'seconds'],
    ['firehose.logs.deliveryLatency.max', 'seconds'],
    ['firehose.logs.bytes', 'bytes'],
    ['shards.maxUtilization', 'ratio'],
    ['shards.max', 'count'], // a statistic of a count
    ['e2eLatency.mean', 'seconds'],
    ['consumerLag.max', 'seconds'],
    ['consumers.archiver.lagSeconds.max', 'seconds'],
    ['consumers.archiver.propagationDelaySeconds', 'seconds'],
    ['firehose.logs.deliveryLatencySeconds', 'seconds'],
    ['reshard.durationSeconds', 'seconds'],
    ['traffic.peakAtSeconds', 'seconds'],
    ['firehose.logs.objectBytes', 'bytes'],
    ['traffic.peakWriteBytesPerSecond', 'bytesPerSecond'],
    ['consumers.archiver.readBytesPerSecond', 'bytesPerSecond'],
    ['traffic.peakRecordsPerSecond', 'perSecond'],
    ['shards.getRecordsCallsPerSecond', 'perSecond'],
    ['consumers.archiver.lagGrowthRecordsPerSecond', 'perSecond'], // a rate, though it names lag
    ['cost.monthly.provisioned', 'usd'],
    ['cost.monthly.firehose', 'usd'],
    ['consumers.archiver.monthlyCost', 'usd'],
    ['throttledRatio', 'ratio'],
    ['onDemand.throttledRecordShare', 'ratio'],
    ['hotKey.maxShardUtilization', 'ratio'],
    ['hotKey.maxShardUtilizationAtConfigured', 'ratio'],
    ['firehose.logs.directPutQuotaUtilization', 'ratio'],
    ['shards.recommended', 'count'],
    ['throttled', 'count'],
    ['firehose.logs.objectsPerHour', 'count'],
    ['hotKey.keysOverShardLimit', 'count'],
  ])('%s → %s', (metric, quantity) => {
    expect(metricQuantity(metric)).toBe(quantity);
  });
});

describe('formatQuantity renders the natural unit', () => {
  it.each<[number, MetricQuantity, string]>([
    [0.312, 'seconds', '312 ms'],
    [0.25, 'seconds', '250 ms'],
    [1.5, 'seconds', '1.5 s'],
    [90, 'seconds', '90 s'],
    [600, 'seconds', '10 min'],
    [29_880, 'seconds', '8.3 h'], // 29,880 / 3600
    [0, 'seconds', '0 s'],
    [512, 'bytes', '512 B'],
    [1536, 'bytes', '1.5 KiB'],
    [67_108_864, 'bytes', '64 MiB'],
    [1_572_864, 'bytesPerSecond', '1.5 MiB/s'],
    [5000, 'perSecond', '5,000/s'],
    [1500, 'usd', '$1,500'],
    [1523.4, 'usd', '$1,523'],
    [0.001, 'ratio', '0.1%'],
    [0.05, 'ratio', '5%'],
    [1.33, 'ratio', '133%'],
    [12_000, 'count', '12,000'],
    [Number.POSITIVE_INFINITY, 'count', 'Infinity'],
  ])('%d %s → %s', (value, quantity, text) => {
    expect(formatQuantity(value, quantity)).toBe(text);
  });

  it('adds digits until two different values read differently', () => {
    expect(formatQuantityPair(0.2504, 0.25, 'seconds')).toEqual(['250.4 ms', '250 ms']);
    expect(formatQuantityPair(1500.004, 1500, 'usd')).toEqual(['$1,500.004', '$1,500.00']);
    expect(formatQuantityPair(1_048_577, 1_048_576, 'bytesPerSecond')).toEqual(['1.000001 MiB/s', '1 MiB/s']);
    expect(formatQuantityPair(0.312, 0.25, 'seconds')).toEqual(['312 ms', '250 ms']);
    expect(formatQuantityPair(5, 5, 'count')).toEqual(['5', '5']);
  });
});

describe('unitFits', () => {
  it('takes a plain number for any metric and a unit only for its quantity', () => {
    expect(unitFits('number', 'seconds')).toBe(true);
    expect(unitFits('duration', 'seconds')).toBe(true);
    expect(unitFits('size', 'seconds')).toBe(false);
    expect(unitFits('size', 'bytes')).toBe(true);
    expect(unitFits('byteRate', 'bytesPerSecond')).toBe(true);
    expect(unitFits('recordRate', 'bytesPerSecond')).toBe(false);
    expect(unitFits('recordRate', 'perSecond')).toBe(true);
    expect(unitFits('money', 'usd')).toBe(true);
    expect(unitFits('percent', 'ratio')).toBe(true);
    expect(unitFits('percent', 'count')).toBe(false);
  });
});

describe('suggestMetric', () => {
  const known = [
    'putLatency.p50',
    'putLatency.p99',
    'throttledRatio',
    'cost.monthly.provisioned',
    'cost.monthly.onDemand',
    'cost.monthly.onDemandAdvantage',
    'consumers.archiver.lagSeconds.max',
    'shards.recommended',
  ];

  it('finds a typo', () => {
    expect(suggestMetric('throttleRatio', known)).toBe('did you mean "throttledRatio"?');
    expect(suggestMetric('shards.recomended', known)).toBe('did you mean "shards.recommended"?');
  });

  it('finds a name that differs only in case, and says names are case-sensitive', () => {
    expect(suggestMetric('PutLatency.P99', known)).toBe(
      'did you mean "putLatency.p99"? (metric names are case-sensitive)',
    );
  });

  it('lists the members of a group written alone', () => {
    expect(suggestMetric('cost.monthly', known)).toBe(
      '"cost.monthly" is a group of metrics: pick one of "cost.monthly.provisioned", "cost.monthly.onDemand" and "cost.monthly.onDemandAdvantage"',
    );
  });

  it('completes the end of a name written without its prefix', () => {
    expect(suggestMetric('archiver.lagSeconds.max', known)).toBe(
      'did you mean "consumers.archiver.lagSeconds.max"?',
    );
    expect(suggestMetric('monthly.provisioned', known)).toBe('did you mean "cost.monthly.provisioned"?');
  });

  it('fixes the last segment under a right prefix', () => {
    expect(suggestMetric('consumers.archiver.lagSeconds.maximum', known)).toBe(
      'did you mean "consumers.archiver.lagSeconds.max"?',
    );
  });

  it('suggests nothing for a name far from every metric', () => {
    expect(suggestMetric('bananas', known)).toBeUndefined();
    expect(suggestMetric('throttledRatio', [])).toBeUndefined();
  });
});
