/**
 * The plan's findings: what is wrong or worth changing, as data. Each has a code, a severity and
 * the figures it rests on (base units, as the Plan's); `findingText` words it, once, for the
 * terminal and the HTML alike, with AWS limits read from the facts module.
 *
 * Severity: `error` when the scenario as configured loses or delays records (a stream short of
 * shards, a key over a shard's limit, a consumer falling behind, a reshard too late, throttling);
 * `warning` when it works but sits badly (no headroom for a key, small objects, prices for another
 * region); `info` for advice (a cheaper option, a count that reshards sooner).
 */
import { FIREHOSE, KINESIS } from '../aws/facts.js';
import {
  formatBytes,
  formatBytesPerSecond,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatUsd,
  isSingular,
  plural,
} from '../scenario/units.js';

export type FindingSeverity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'shards-short'
  | 'shards-sized-by-plan'
  | 'shards-excess'
  | 'shards-over-max'
  | 'key-over-shard'
  | 'key-needs-salt'
  | 'hot-shard-unfixable'
  | 'hot-shard-sets-count'
  | 'readers-set-count'
  | 'hot-shard-estimated'
  | 'get-records-over-limit'
  | 'aggregation-would-help'
  | 'large-records'
  | 'consumer-behind'
  | 'consumer-read-short'
  | 'firehose-direct-put-quota'
  | 'firehose-small-objects'
  | 'firehose-multipart'
  | 'firehose-partitions-quota'
  | 'reshard-late'
  | 'reshard-down-too-far'
  | 'reshard-spans-days'
  | 'on-demand-throttles'
  | 'region-prices'
  | 'friendly-count'
  | 'cheapest-option';

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** What it is about, by name: `producer`, `key`, `consumer`, `firehose`, `region`, … */
  subject: Record<string, string>;
  /** The numbers it rests on, in base units (bytes, seconds, records, USD; ratios as fractions). */
  figures: Record<string, number>;
  /** Named parts with figures of their own (the readers a limit delays, the keys to salt). */
  items?: { name: string; figures: Record<string, number> }[];
}

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;

/** A shard's write limits in words: `1,000 records/s or 1 MiB/s`. */
export function shardWriteLimitsText(): string {
  return `${formatNumber(WRITE_RECORDS)} records/s or ${formatBytesPerSecond(WRITE_BYTES)}`;
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function names(list: readonly string[]): string {
  const quoted = list.map((n) => `"${n}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/**
 * Why the hottest shard at a count is more than its readers take, with the arithmetic. Figures:
 * `shard`, `bytesPerSecond`, `recordsPerSecond` (at peak), `headroomFactor`, `readBytesPerSecond`,
 * `readRecordsPerSecond` (what the readers take from a shard); subject `reader`: `efo`, `slowest`
 * or `each`, and `limit`: `bytes` or `records`.
 */
export function readShortfallText(subject: Record<string, string>, f: Record<string, number>): string {
  const x = (k: string) => f[k] ?? Number.NaN;
  const h = x('headroomFactor');
  if (subject.limit === 'bytes') {
    const who =
      subject.reader === 'efo'
        ? 'an enhanced fan-out consumer gets'
        : subject.reader === 'slowest'
          ? `the slowest polling reader takes (${formatBytes(KINESIS.getRecordsMaxBytes.value)} a GetRecords call × its calls a second)`
          : `each of its ${formatNumber(x('pollingReaders'))} polling readers gets`;
    return `shard ${x('shard')} carries ${formatBytesPerSecond(x('bytesPerSecond'))} at peak, × ${formatNumber(h)} = ${formatBytesPerSecond(x('bytesPerSecond') * h)}, more than the ${formatBytesPerSecond(x('readBytesPerSecond'))} ${who}`;
  }
  if (subject.limit === 'records') {
    return `shard ${x('shard')} carries ${formatNumber(x('recordsPerSecond'))} records/s at peak, × ${formatNumber(h)} = ${formatNumber(x('recordsPerSecond') * h)}/s, more than the slowest polling reader takes (${formatNumber(x('readRecordsPerSecond'))} records/s: its GetRecords calls a second × records a call)`;
  }
  return `a shard carries more than its readers take (${formatBytesPerSecond(x('readBytesPerSecond'))}, ${formatNumber(x('readRecordsPerSecond'))} records/s)`;
}

/** What holds a consumer back, and what fixes it. */
const LAG_CAP_TEXT: Record<string, string> = {
  processing: 'its processing rate — add instances',
  readBytes: `its share of a shard's ${formatBytesPerSecond(KINESIS.shardReadBytesPerSecond.value)} reads — more shards (each carries less) or enhanced fan-out`,
  recordsPerCall: `the records its GetRecords calls return — more shards, a larger maxRecordsPerCall (up to ${formatNumber(KINESIS.getRecordsMaxRecords.value)}) or a shorter poll interval`,
  getRecordsCalls: `the ${formatNumber(KINESIS.getRecordsPerSecondPerShard.value)} GetRecords calls/s a shard shares between its polling readers — more shards, longer poll intervals for the other readers, or an application moved to enhanced fan-out`,
};

/** The finding in words: the one wording the terminal and the HTML report both show. */
export function findingText(finding: Finding): string {
  const f = finding.figures;
  const s = finding.subject;
  const x = (k: string) => f[k] ?? Number.NaN;
  switch (finding.code) {
    case 'shards-short':
      // The scenario's reshards reach enough shards by the peak.
      if (x('atPeak') >= x('recommended')) {
        return `${plural(x('configured'), 'configured shard')} ${isSingular(x('configured')) ? 'is' : 'are'} short of the ${formatNumber(x('recommended'))} peak × ${formatNumber(x('headroomFactor'))} needs until the scenario's reshards, which reach ${plural(x('atPeak'), 'shard')} by the peak.`;
      }
      if (x('atPeak') !== x('configured')) {
        return `${plural(x('atPeak'), 'shard')} at the peak (${formatNumber(x('configured'))} configured, after the scenario's reshards) ${isSingular(x('atPeak')) ? 'is' : 'are'} short by ${formatNumber(x('recommended') - x('atPeak'))}: peak × ${formatNumber(x('headroomFactor'))} needs ${formatNumber(x('recommended'))}. UpdateShardCount ${x('configured')} → ${x('recommended')} takes ${plural(x('calls'), 'call')} and ~${formatSeconds(x('durationSeconds'))}.`;
      }
      return `${plural(x('configured'), 'configured shard')} ${isSingular(x('configured')) ? 'is' : 'are'} short by ${formatNumber(x('recommended') - x('configured'))}: peak × ${formatNumber(x('headroomFactor'))} needs ${formatNumber(x('recommended'))}. UpdateShardCount ${x('configured')} → ${x('recommended')} takes ${plural(x('calls'), 'call')} and ~${formatSeconds(x('durationSeconds'))}.`;
    case 'shards-sized-by-plan':
      return `stream.shards is not set: the plan sizes the stream at the recommended ${plural(x('recommended'), 'shard')}, and a run starts with them.`;
    case 'shards-excess':
      return `${plural(x('configured'), 'configured shard')} ${isSingular(x('configured')) ? 'is' : 'are'} more than needed: ${formatNumber(x('recommended'))} would do and save ${formatUsd(x('monthlySavingUsd'))}/month.`;
    case 'shards-over-max':
      return `${plural(x('recommended'), 'shard')} exceed the ${formatNumber(KINESIS.maxShardsPerStream.value)} a stream can scale to with UpdateShardCount; split the traffic over several streams or use on-demand.`;
    case 'key-over-shard':
      return `key "${s.key}" of ${s.producer} carries ${formatNumber(x('recordsPerSecond'))} records/s and ${formatBytesPerSecond(x('bytesPerSecond'))}, ${formatPercent(x('shardUtilization'))} of one shard's ${shardWriteLimitsText()} by itself: more shards cannot fix it. Salt it over ${x('saltingFactor')} keys (e.g. "${s.key}#0" … "${s.key}#${x('saltingFactor') - 1}") and merge per key downstream.`;
    case 'key-needs-salt':
      return `key "${s.key}" of ${s.producer} carries ${formatNumber(x('recordsPerSecond'))} records/s and ${formatBytesPerSecond(x('bytesPerSecond'))}, ${formatPercent(x('shardUtilization'))} of one shard's limit by itself: no shard count leaves its shard the ${formatPercent(x('headroom'))} headroom, and the shard throttles if its peak grows by more than ${formatPercent(1 / x('shardUtilization') - 1)}. Salt it over ${x('saltingFactor')} keys (e.g. "${s.key}#0" … "${s.key}#${x('saltingFactor') - 1}").`;
    case 'hot-shard-unfixable':
      return `The hottest shard cannot be fixed with shards: even ${plural(x('shardCount'), 'shard')} leave shard ${x('shard')} at ${formatPercent(x('utilizationWithHeadroom'))} of its limit at peak × ${formatNumber(x('headroomFactor'))}; split the traffic over several streams.`;
    case 'hot-shard-sets-count':
      return `The hottest shard sets the count: ${plural(x('required'), 'shard')} carry the average load, but shard ${x('shard')} would run at ${formatPercent(x('utilization'))} of its limit; ${plural(x('recommended'), 'shard')} keep every shard under it${saltedClause(finding)}.`;
    case 'readers-set-count':
      return `The hottest shard's readers set the count: ${plural(x('required'), 'shard')} carry the average load, but ${readShortfallText(s, f)}; ${plural(x('recommended'), 'shard')} keep every shard within what its readers take${saltedClause(finding)}.`;
    case 'hot-shard-estimated':
      return `The hottest shard is estimated: a producer has more keys than are hashed one by one, so its heaviest ${formatNumber(x('hashedKeys'))} are hashed and the rest spread by a normal model of where they hash. At ${plural(x('recommended'), 'shard')} its figure is the median, ±${formatPercent(x('relativeError'))} for the 5%–95% range (tests keep it within 2% of hashing every key).`;
    case 'get-records-over-limit': {
      const delayed = (finding.items ?? []).map(
        (i) =>
          `${i.name} polls every ${formatSeconds(i.figures.effectivePollIntervalSeconds ?? Number.NaN)} instead of ${formatSeconds(i.figures.pollIntervalSeconds ?? Number.NaN)}`,
      );
      return `Polling readers make ${formatNumber(x('callsPerShardPerSecond'))} GetRecords calls/s per shard, above the ${formatNumber(KINESIS.getRecordsPerSecondPerShard.value)}/s limit: more shards cannot fix this. ${delayed.length > 0 ? `${delayed.join(', ')}; the others get the calls they ask for. ` : ''}Lengthen poll intervals or move applications to enhanced fan-out.`;
    }
    case 'aggregation-would-help':
      return `KPL aggregation would lower the shards write records need from ${formatNumber(x('byWriteRecordsWithout'))} to ${formatNumber(x('byWriteRecordsWith'))}, and the shards required from ${formatNumber(x('requiredWithout'))} to ${formatNumber(x('requiredWith'))}.`;
    case 'large-records':
      return `${s.producer}: ${formatPercent(x('largeRecordShare'))} of records are above ${formatBytes(KINESIS.defaultMaxRecordBytes.value)}; large records are meant to stay under ~${formatPercent(KINESIS.largeRecordMaxShare.value)} of traffic (LR) and draw on a ${formatBytes(KINESIS.largeRecordBurstBytes.value)} burst bucket per shard.`;
    case 'consumer-behind': {
      const where =
        x('shardsBehind') >= x('shardCount')
          ? 'on every shard'
          : `on ${formatNumber(x('shardsBehind'))} of ${plural(x('shardCount'), 'shard')}`;
      const recommended = f.recommendedShards;
      const atRecommended =
        recommended === undefined
          ? ''
          : (f.lagAtRecommendedRecordsPerSecond ?? 0) > 0
            ? `; at the recommended ${plural(recommended, 'shard')} it still falls behind by ${formatNumber(f.lagAtRecommendedRecordsPerSecond ?? 0)} records/s`
            : `; at the recommended ${plural(recommended, 'shard')} it keeps up`;
      return `${s.consumer}: falls behind at ${plural(x('shardCount'), 'shard')} (${s.countIs}): lag grows by ${formatNumber(x('lagRecordsPerSecond'))} records every second at peak ${where}, held back by ${LAG_CAP_TEXT[s.binding ?? ''] ?? 'its reads'}${atRecommended}.`;
    }
    case 'consumer-read-short':
      return `${s.consumer}: needs ${formatBytesPerSecond(x('demandBytesPerSecond'))} from the hottest shard at the recommended ${plural(x('recommendedShards'), 'shard')} with headroom but gets ${formatBytesPerSecond(x('readBytesPerSecond'))} (its share of ${formatBytesPerSecond(KINESIS.shardReadBytesPerSecond.value)}): use enhanced fan-out (${formatBytesPerSecond(KINESIS.efoBytesPerSecondPerConsumer.value)} a consumer) or more shards.`;
    case 'firehose-direct-put-quota':
      return `${s.firehose}: Direct PUT at ${formatPercent(x('utilization'))} of its quota (${formatBytesPerSecond(x('quotaBytesPerSecond'))}, ${formatNumber(x('quotaRecordsPerSecond'))} records/s, ${formatNumber(x('quotaRequestsPerSecond'))} requests/s): it throttles (503) until Firehose raises the limit; ask for a quota increase or send through a stream.`;
    case 'firehose-small-objects':
      return `${s.firehose}: objects of ${formatBytes(x('objectBytes'))} every ${formatSeconds(x('flushIntervalSeconds'))} per ${s.scope}: small objects make downstream queries slow; fewer ${s.scope === 'partition' ? 'partitions' : 'buffers'} or a longer interval give larger ones.`;
    case 'firehose-multipart':
      return `${s.firehose}: flushes every ${formatSeconds(x('flushIntervalSeconds'))} (< ${formatSeconds(FIREHOSE.multipartIntervalBelowSeconds.value)}) use S3 multipart upload: more PUT requests (assumed ${formatNumber(x('requestsPerObject'))} per object).`;
    case 'firehose-partitions-quota':
      return `${s.firehose}: ${formatNumber(x('partitions'))} active partitions exceed the default quota of ${formatNumber(FIREHOSE.dynamicPartitioningMaxActivePartitions.value)} (raisable to ${formatNumber(FIREHOSE.dynamicPartitioningMaxActivePartitionsRaised.value)}).`;
    case 'reshard-late':
      return `The reshard at ${formatSeconds(x('at'))} (${x('from')} → ${x('to')}) completes at ${formatSeconds(x('at') + x('durationSeconds'))}, but traffic needs more than ${plural(x('from'), 'shard')} from ${formatSeconds(x('neededFrom'))}: start it before then (it takes ~${formatSeconds(x('durationSeconds'))}).`;
    case 'reshard-down-too-far':
      return `The reshard at ${formatSeconds(x('at'))} scales down to ${plural(x('to'), 'shard')} (done at ${formatSeconds(x('at') + x('durationSeconds'))}), but traffic needs more than ${formatNumber(x('to'))} from ${formatSeconds(x('tooFewFrom'))}: scale down less, or later.`;
    case 'reshard-spans-days':
      return `The reshard ${x('from')} → ${x('to')} needs ${plural(x('calls'), 'UpdateShardCount call')}; at ${formatNumber(KINESIS.updateShardCountCallsPer24h.value)} per rolling 24 h it spans ${plural(x('days'), 'day')}.`;
    case 'on-demand-throttles':
      return `On-demand: traffic rises above the ${formatBytesPerSecond(x('capacityBytesPerSecond'))} and ${formatNumber(x('capacityRecordsPerSecond'))} records/s it takes without scaling (${x('previousPeakGiven') === 1 ? `${formatNumber(KINESIS.onDemandPeakMultiple.value)}× the previous peak` : "a new stream's capacity"}) and throttles for ~${formatSeconds(x('throttledSeconds'))} while the stream scales (${formatPercent(x('throttledRecordShare'))} of records). Raise the previous peak in advance (warm throughput with Advantage) or pre-scale.`;
    case 'region-prices':
      return `Prices are us-east-1 list prices; ${s.region} differs. Override them in the scenario's pricing: block.`;
    case 'friendly-count': {
      const extra = `+${formatNumber(x('shards') - x('recommended'))} over ${formatNumber(x('recommended'))}, +${formatUsd(x('monthlyCostDeltaUsd'))}/month`;
      if (x('shards') === x('configured')) {
        return `Keeping the ${plural(x('configured'), 'configured shard')} (${extra}) needs no reshard; reaching ${formatNumber(x('recommended'))} takes ${formatSeconds(x('recommendedDurationSeconds'))}.`;
      }
      return `${plural(x('shards'), 'shard')} (${extra}) reshard from ${formatNumber(x('configured'))} in ${formatSeconds(x('durationSeconds'))} (${s.route}) instead of ${formatSeconds(x('recommendedDurationSeconds'))}.`;
    }
    case 'cheapest-option':
      return `Cheapest for this traffic: ${s.option} at ${formatUsd(x('monthlyUsd'))}/month (${(finding.items ?? []).map((i) => `${i.name} ${formatUsd(i.figures.monthlyUsd ?? Number.NaN)}`).join(', ')}).`;
  }
}

/** ` once "key-0" is salted`: the keys a count assumes salted, named (they are listed in the hot keys table). */
function saltedClause(finding: Finding): string {
  const keys = (finding.items ?? []).map((i) => i.name);
  if (keys.length === 0) return '';
  return ` once ${keys.length === 1 ? `key ${names(keys)} is` : `keys ${names(keys)} are`} salted`;
}
