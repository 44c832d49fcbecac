/**
 * Scenario rules that need an AWS limit (the schema in `src/scenario/schema.ts` checks shape and
 * internal consistency; this file checks the scenario against Kinesis and Firehose). Every limit
 * comes from `facts.ts`, which cites its row in docs/aws-facts.md.
 *
 * The rules run on the scenario as parsed, before `withServiceDefaults` fills service defaults:
 * a rule that looks at an optional field (a Firehose buffer size, a lognormal `max`) only judges
 * what the user wrote, and every path it reports exists in the document.
 */
import { Buffer } from 'node:buffer';
import type { ScenarioIssue } from '../scenario/issues.js';
import { exceedance } from '../scenario/record-size.js';
import type { FirehoseStream, KeyDistribution, Producer, Scenario } from '../scenario/schema.js';
import { formatBytes, formatNumber, formatSeconds, parseSize } from '../scenario/units.js';
import { suggest } from '../suggest.js';
import { KPL_AGGREGATION_MAX_BYTES_DEFAULT } from './aggregation.js';
import { FIREHOSE, FIREHOSE_BUFFER_RANGES, KINESIS } from './facts.js';
import { isBundledRegion, PRICE_NAMES } from './pricing.js';

type Path = (string | number)[];

const MiB = 1024 * 1024;
/** LR: records above the former 1 MiB maximum are "large" and draw on the burst bucket. */
const LARGE_RECORD_BYTES = KINESIS.defaultMaxRecordBytes.value;
/** API-K (UpdateShardCount): at most 10 calls per rolling 24 hours. */
const RESHARD_WINDOW_SECONDS = 24 * 3600;

/**
 * Every rule of a scenario that needs an AWS limit, as issues with the path of the offending field.
 * Run it on the scenario as parsed (before `withServiceDefaults`).
 */
export function checkScenarioLimits(s: Scenario): ScenarioIssue[] {
  return [
    ...checkStream(s),
    ...s.producers.flatMap((p, i) => checkProducer(s, p, i)),
    ...checkEnhancedFanOut(s),
    ...s.firehose.flatMap((f, i) => checkFirehose(f, i)),
    ...checkEvents(s),
    ...checkPricing(s),
    ...checkRegion(s),
  ];
}

// ---------------------------------------------------------------------------------------------
// Stream

function checkStream(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const { maxRecordSize, retention, shards } = s.stream;
  const lowest = KINESIS.defaultMaxRecordBytes.value;
  const highest = KINESIS.largestMaxRecordBytes.value;
  // API-K: MaxRecordSizeInKiB 1,024 … 10,240.
  if (maxRecordSize < lowest || maxRecordSize > highest) {
    issues.push({
      path: ['stream', 'maxRecordSize'],
      message: `the stream's maximum record size (MaxRecordSizeInKiB) must be between ${bytesText(lowest)} and ${bytesText(highest)}`,
      expected: `${bytesText(lowest)} … ${bytesText(highest)}`,
      found: bytesText(maxRecordSize),
      severity: 'error',
    });
  }
  // API-K, Q: retention 24 h … 8,760 h (365 days).
  const minRetention = KINESIS.retentionDefaultSeconds.value;
  const maxRetention = KINESIS.retentionMaxSeconds.value;
  if (retention < minRetention || retention > maxRetention) {
    issues.push({
      path: ['stream', 'retention'],
      message: 'a stream keeps records for 24 hours at least and 365 days (8,760 hours) at most',
      expected: '24 h … 8,760 h',
      found: formatSeconds(retention),
      severity: 'error',
    });
  }
  // API-K, Q: UpdateShardCount cannot go above 10,000 shards; the default shard limit is 10,000.
  const maxShards = KINESIS.maxShardsPerStream.value;
  if (shards !== undefined && shards > maxShards) {
    issues.push({
      path: ['stream', 'shards'],
      message:
        `more than ${formatNumber(maxShards)} shards: UpdateShardCount cannot scale a stream above ` +
        `${formatNumber(maxShards)} shards, and ${formatNumber(maxShards)} is the default shard limit`,
      expected: `at most ${formatNumber(maxShards)} shards without a quota increase`,
      found: `${formatNumber(shards)} shards`,
      hint: 'ask AWS for a quota increase before the run, or spread the traffic over several streams',
      severity: 'warning',
    });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Producers: record sizes, keys, batching, aggregation

/** The record sizes a producer can send that are worth checking, each with where it is written. */
interface SizeCandidate {
  dataBytes: number;
  path: Path;
  /** How the record is described in a message. */
  label: string;
}

/**
 * The largest records of a distribution: a fixed size, a uniform max, a lognormal max (or its p99
 * when no max is given: records beyond it are capped only by the stream's limit), each weighted size.
 */
function largestRecords(p: Producer, i: number): SizeCandidate[] {
  const base: Path = ['producers', i, 'recordSize'];
  const r = p.recordSize;
  switch (r.dist) {
    case 'fixed':
      return [{ dataBytes: r.size, path: base, label: 'every record' }];
    case 'uniform':
      return [{ dataBytes: r.max, path: [...base, 'max'], label: 'the largest record' }];
    case 'lognormal':
      return r.max !== undefined
        ? [{ dataBytes: r.max, path: [...base, 'max'], label: 'the largest record' }]
        : [{ dataBytes: r.p99, path: [...base, 'p99'], label: 'the 99th-percentile record (no max given)' }];
    case 'weighted':
      return r.sizes.map((entry, j) => ({
        dataBytes: entry.size,
        path: [...base, 'sizes', j, 'size'],
        label: 'a record of this size',
      }));
  }
}

/** The longest partition key of a distribution, in UTF-8 bytes and in characters. */
export interface LongestKey {
  bytes: number;
  characters: number;
}

export function longestKey(keys: KeyDistribution): LongestKey {
  switch (keys.dist) {
    case 'uniform':
    case 'zipf':
    case 'hot-set': {
      // The largest index has the most digits, so it makes the longest key.
      const index = keys.count - 1;
      const key = keys.template.replaceAll('{i}', String(index));
      return { bytes: Buffer.byteLength(key, 'utf8'), characters: [...key].length };
    }
    case 'unique':
      // Generated keys (UUID-like) are ASCII: one byte per character.
      return { bytes: keys.length, characters: keys.length };
    case 'weighted': {
      let bytes = 0;
      let characters = 0;
      for (const k of keys.keys) {
        bytes = Math.max(bytes, Buffer.byteLength(k.key, 'utf8'));
        characters = Math.max(characters, [...k.key].length);
      }
      return { bytes, characters };
    }
  }
}

function checkProducer(s: Scenario, p: Producer, i: number): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const key = longestKey(p.keys);
  const records = largestRecords(p, i);

  if (p.destination !== 'stream') {
    const firehose = s.firehose.find((f) => f.name === p.destination && f.source === 'direct-put');
    // An unknown destination is the schema's to report.
    return firehose === undefined ? [] : checkDirectPutProducer(p, i, firehose, records);
  }

  // API-K: a partition key has 1–256 characters (Unicode scalar values, as Smithy's length trait
  // counts them). Templates are the only keys the schema cannot bound. Firehose has no keys.
  const maxChars = KINESIS.partitionKeyMaxChars.value;
  const k = p.keys;
  if ((k.dist === 'uniform' || k.dist === 'zipf' || k.dist === 'hot-set') && key.characters > maxChars) {
    issues.push({
      path: ['producers', i, 'keys', 'template'],
      message: `the longest partition key this template makes (key ${k.count - 1}) has ${formatNumber(key.characters)} characters; Kinesis allows at most ${maxChars}`,
      expected: `at most ${maxChars} characters`,
      found: `${formatNumber(key.characters)} characters`,
      severity: 'error',
    });
  }

  // API-K, LR: a record (data + partition key) must fit the stream's MaxRecordSizeInKiB.
  const maxRecord = s.stream.maxRecordSize;
  const largestAllowed = KINESIS.largestMaxRecordBytes.value;
  for (const r of records) {
    const total = r.dataBytes + key.bytes;
    if (total <= maxRecord) continue;
    issues.push({
      path: r.path,
      message:
        `${r.label}: ${bytesText(r.dataBytes)} of data + ${bytesText(key.bytes)} of partition key = ` +
        `${bytesText(total)}, above the stream's maximum record size`,
      expected: `at most ${bytesText(maxRecord)} per record, partition key included (stream.maxRecordSize)`,
      found: bytesText(total),
      hint:
        maxRecord < largestAllowed
          ? `raise stream.maxRecordSize (up to ${bytesText(largestAllowed)}), or make the records or their partition keys smaller`
          : `a Kinesis record is at most ${bytesText(largestAllowed)}: make the records or their partition keys smaller`,
      severity: 'error',
    });
  }

  // LR, B-LR: records above 1 MiB are for intermittent use (under 2% of traffic). Only where the
  // stream accepts them; on a 1 MiB stream they are already errors above.
  if (maxRecord > LARGE_RECORD_BYTES) {
    const large = largeRecordShare(p, i);
    if (large !== undefined) {
      issues.push({
        path: large.path,
        message:
          "records above 1 MiB draw on a shard's 10 MiB burst allowance, refilled at 1 MiB/s: AWS designs " +
          'them for intermittent use and advises keeping them under 2% of traffic',
        expected: `records above 1 MiB in under ${formatNumber(KINESIS.largeRecordMaxShare.value * 100)}% of traffic`,
        found: large.found,
        hint: 'store large payloads elsewhere (S3) and send a reference, or split them',
        severity: 'warning',
      });
    }
  }

  // API-K, B-LR: a PutRecords request is at most 10 MiB, partition keys included.
  const maxRequest = KINESIS.putRecordsMaxBytes.value;
  const batchPath: Path = ['producers', i, 'batching', 'maxBytes'];
  if (p.batching.maxBytes > maxRequest) {
    issues.push({
      path: batchPath,
      message: `a PutRecords request carries at most ${bytesText(maxRequest)}, partition keys included`,
      expected: `at most ${bytesText(maxRequest)}`,
      found: bytesText(p.batching.maxBytes),
      severity: 'error',
    });
  }
  const largest = Math.max(...records.map((r) => r.dataBytes)) + key.bytes;
  if (p.batching.maxBytes < largest) {
    issues.push(batchTooSmall(batchPath, p.batching.maxBytes, largest, 'with its partition key'));
  }

  // KPL: an aggregated record has the 1-byte partition key "a"; data + key must fit the stream.
  if (p.aggregation.enabled && p.aggregation.maxBytes + 1 > maxRecord) {
    issues.push({
      path: ['producers', i, 'aggregation', 'maxBytes'],
      message:
        "an aggregated record of this size, with its 1-byte partition key, is above the stream's maximum record size",
      expected: `at most stream.maxRecordSize − 1 byte = ${bytesText(maxRecord - 1)}`,
      found: bytesText(p.aggregation.maxBytes),
      hint: `the KPL default is ${formatNumber(KPL_AGGREGATION_MAX_BYTES_DEFAULT)} bytes`,
      severity: 'error',
    });
  }
  return issues;
}

function checkDirectPutProducer(
  p: Producer,
  i: number,
  firehose: FirehoseStream,
  records: readonly SizeCandidate[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  // FH-Q, API-F: a Firehose record is at most 1,000 KiB before base64 (no partition key).
  const maxRecord = FIREHOSE.maxRecordBytes.value;
  for (const r of records) {
    if (r.dataBytes <= maxRecord) continue;
    issues.push({
      path: r.path,
      message: `${r.label} is ${bytesText(r.dataBytes)}, more than Firehose stream "${firehose.name}" accepts`,
      expected: `at most ${bytesText(maxRecord)} per record (before base64)`,
      found: bytesText(r.dataBytes),
      severity: 'error',
    });
  }
  // PutRecordBatch's 4 MiB limit is not checked here: the schema's batching.maxBytes defaults to
  // PutRecords' 10 MiB for every producer, so a direct-put producer sends min(maxBytes, 4 MiB).
  const largest = Math.max(...records.map((r) => r.dataBytes));
  if (p.batching.maxBytes < largest) {
    issues.push(batchTooSmall(['producers', i, 'batching', 'maxBytes'], p.batching.maxBytes, largest, ''));
  }
  return issues;
}

function batchTooSmall(path: Path, maxBytes: number, largest: number, withKey: string): ScenarioIssue {
  const what = withKey === '' ? 'the largest record' : `the largest record ${withKey}`;
  return {
    path,
    message: `a request of at most ${bytesText(maxBytes)} cannot carry ${what}: ${bytesText(largest)}`,
    expected: `at least ${bytesText(largest)}`,
    found: bytesText(maxBytes),
    severity: 'error',
  };
}

/**
 * Where a producer sends records above 1 MiB, and what share of its records they are, when that
 * share is above the 2% AWS advises (the same share and threshold the planner warns at).
 */
function largeRecordShare(p: Producer, i: number): { path: Path; found: string } | undefined {
  const base: Path = ['producers', i, 'recordSize'];
  const r = p.recordSize;
  const share = exceedance(r, LARGE_RECORD_BYTES);
  if (share <= KINESIS.largeRecordMaxShare.value) return undefined;
  switch (r.dist) {
    case 'fixed':
      return { path: base, found: `every record is ${bytesText(r.size)} (100% of records)` };
    case 'uniform':
      return {
        path: [...base, 'max'],
        found: `${percent(share)} of records above 1 MiB (uniform up to ${bytesText(r.max)})`,
      };
    case 'lognormal':
      return {
        path: [...base, 'p99'],
        found: `${percent(share)} of records above 1 MiB (p99 ${bytesText(r.p99)})`,
      };
    case 'weighted':
      return {
        path: [...base, 'sizes', r.sizes.findIndex((e) => e.size > LARGE_RECORD_BYTES), 'size'],
        found: `${percent(share)} of records above 1 MiB`,
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Consumers

function checkEnhancedFanOut(s: Scenario): ScenarioIssue[] {
  // Q, API-K: 20 registered consumers per stream; 50 with On-demand Advantage.
  const advantage = s.stream.mode === 'on-demand' && s.stream.onDemand.advantage;
  const limit = advantage ? KINESIS.efoMaxConsumersAdvantage.value : KINESIS.efoMaxConsumers.value;
  const efo = s.consumers.flatMap((c, i) => (c.type === 'enhanced-fan-out' ? [i] : []));
  const first = efo[limit];
  if (first === undefined) return [];
  const consumer = s.consumers[first]!;
  return [
    {
      path: ['consumers', first],
      message:
        `consumer "${consumer.name}" is enhanced fan-out consumer number ${limit + 1}; ` +
        `${advantage ? 'an On-demand Advantage stream' : 'this stream'} registers at most ${limit}`,
      expected: `at most ${limit} enhanced fan-out consumers per stream`,
      found: `${efo.length} enhanced fan-out consumers`,
      hint: advantage
        ? 'make some of them polling consumers'
        : 'make some of them polling consumers, or use an on-demand stream with On-demand Advantage (50 consumers)',
      severity: 'error',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Firehose

function checkFirehose(f: FirehoseStream, i: number): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const range = FIREHOSE_BUFFER_RANGES[f.destination];
  const { size, interval } = f.buffer;
  const base: Path = ['firehose', i];

  // FH-BH, API-F: buffering hints per destination.
  if (range !== undefined && size !== undefined) {
    const lo = range.sizeMiB.min * MiB;
    const hi = range.sizeMiB.max * MiB;
    if (size < lo || size > hi) {
      issues.push({
        path: [...base, 'buffer', 'size'],
        message: `the buffer size is outside the range the ${f.destination} destination allows`,
        expected: `${bytesText(lo)} … ${bytesText(hi)}`,
        found: bytesText(size),
        severity: 'error',
      });
    }
  }
  if (range !== undefined && interval !== undefined) {
    const { min, max } = range.intervalSeconds;
    if (interval < min || interval > max) {
      issues.push({
        path: [...base, 'buffer', 'interval'],
        message: `the buffer interval is outside the range the ${f.destination} destination allows`,
        expected: `${secondsText(min)} … ${secondsText(max)}`,
        found: secondsText(interval),
        severity: 'error',
      });
    }
  }

  // FH23 (record-format-conversion): SizeInMBs cannot be below 64 when conversion is enabled.
  if (f.formatConversion !== 'none') {
    const minConversion = FIREHOSE.formatConversionMinBufferMiB.value * MiB;
    if (size !== undefined && size < minConversion) {
      issues.push({
        path: [...base, 'buffer', 'size'],
        message: `format conversion to ${f.formatConversion} needs a buffer size of at least 64 MiB`,
        expected: `at least ${bytesText(minConversion)}`,
        found: bytesText(size),
        hint: 'omit buffer.size to get the 128 MiB default of format conversion',
        severity: 'error',
      });
    } else if (size === undefined && range !== undefined && range.sizeMiB.max * MiB < minConversion) {
      issues.push({
        path: [...base, 'formatConversion'],
        message: `format conversion needs a buffer of at least 64 MiB; the ${f.destination} destination allows at most ${range.sizeMiB.max} MiB`,
        expected: 'none',
        found: `"${f.formatConversion}"`,
        severity: 'error',
      });
    }
  }

  if (f.dynamicPartitions !== undefined) {
    // FH-BH, FH-DPB: zero buffering is not available with dynamic partitioning.
    if (interval === 0) {
      issues.push({
        path: [...base, 'buffer', 'interval'],
        message: 'zero buffering (interval 0) is not available with dynamic partitioning',
        expected: 'an interval above 0 s',
        found: '0 s',
        severity: 'error',
      });
    }
    // FH-DPB, FH-Q: 500 active partitions by default, raisable to 5,000; beyond the quota, records
    // go to the S3 error prefix (activePartitionExceeded).
    const quota = FIREHOSE.dynamicPartitioningMaxActivePartitions.value;
    const raised = FIREHOSE.dynamicPartitioningMaxActivePartitionsRaised.value;
    const n = f.dynamicPartitions;
    if (n > raised) {
      issues.push({
        path: [...base, 'dynamicPartitions'],
        message: `more active partitions than a Firehose stream can have (${formatNumber(raised)} with a raised quota)`,
        expected: `at most ${formatNumber(raised)}`,
        found: formatNumber(n),
        severity: 'error',
      });
    } else if (n > quota) {
      issues.push({
        path: [...base, 'dynamicPartitions'],
        message:
          `more active partitions than the default quota of ${formatNumber(quota)} per Firehose stream; ` +
          'records beyond the quota go to the S3 error prefix (activePartitionExceeded)',
        expected: `at most ${formatNumber(quota)} (the default quota; it can be raised to ${formatNumber(raised)})`,
        found: formatNumber(n),
        hint: 'ask AWS to raise the active-partition quota before the run',
        severity: 'warning',
      });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Reshard events (UpdateShardCount, API-K)

function checkEvents(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const maxShards = KINESIS.maxShardsPerStream.value;
  const maxCalls = KINESIS.updateShardCountCallsPer24h.value;
  let current = s.stream.mode === 'provisioned' ? s.stream.shards : undefined;
  s.events.forEach((e, i) => {
    const target = e.reshard.shards;
    const path: Path = ['events', i, 'reshard', 'shards'];
    if (target > maxShards) {
      issues.push({
        path,
        message: `UpdateShardCount cannot scale a stream above ${formatNumber(maxShards)} shards`,
        expected: `at most ${formatNumber(maxShards)} shards`,
        found: `${formatNumber(target)} shards`,
        severity: 'error',
      });
    } else if (current !== undefined) {
      // One call scales to at most 2× and at least ½ of the current count; a bigger step takes
      // several calls, which the planner sequences (and the engine replays) one after another.
      const lo = Math.ceil(current * KINESIS.updateShardCountMinFactor.value);
      const hi = current * KINESIS.updateShardCountMaxFactor.value;
      if (target < lo || target > hi) {
        issues.push({
          path,
          message: `one UpdateShardCount scales between half and double the current count (${formatNumber(current)} shards), so this event takes several calls in a row`,
          expected: `${formatNumber(lo)} … ${formatNumber(hi)} shards for a single call`,
          found: `${formatNumber(target)} shards`,
          severity: 'warning',
        });
      }
    }
    current = target;
    // Eleven calls within 24 h: this one and the ten before it.
    const tenBefore = s.events[i - maxCalls];
    if (tenBefore !== undefined && e.at - tenBefore.at < RESHARD_WINDOW_SECONDS) {
      issues.push({
        path: ['events', i],
        message: 'more than 10 UpdateShardCount calls within 24 hours',
        expected: `at most ${maxCalls} reshard events in any 24 hours`,
        found: `${maxCalls + 1} within ${formatSeconds(e.at - tenBefore.at)}`,
        severity: 'error',
      });
    }
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Pricing and region

function checkPricing(s: Scenario): ScenarioIssue[] {
  const known = new Set<string>(PRICE_NAMES);
  return Object.keys(s.pricing)
    .filter((name) => !known.has(name))
    .map((name): ScenarioIssue => {
      const issue: ScenarioIssue = {
        path: ['pricing', name],
        message: `unknown price "${name}"`,
        expected: 'a price name listed by `shardcast facts`',
        found: `"${name}"`,
        severity: 'error',
      };
      const suggestion = suggestPriceName(name);
      if (suggestion !== undefined) issue.hint = `did you mean "${suggestion}"?`;
      return issue;
    });
}

/** The closest price name if it is close enough to be a typo: a few edits, or the name without its prefix. */
export function suggestPriceName(name: string): string | undefined {
  const suffixMatches = PRICE_NAMES.filter((p) => p.toLowerCase().endsWith(`.${name.toLowerCase()}`));
  if (suffixMatches.length === 1) return suffixMatches[0];
  return suggest(name, PRICE_NAMES);
}

function checkRegion(s: Scenario): ScenarioIssue[] {
  if (isBundledRegion(s.region)) return [];
  return [
    {
      path: ['region'],
      message: `shardcast's bundled prices are us-east-1's; prices and quotas in ${s.region} may differ`,
      expected: 'us-east-1 for bundled prices',
      found: `"${s.region}"`,
      hint: `set ${s.region}'s prices in the pricing: block (see shardcast facts)`,
      severity: 'warning',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** `1.5 MiB`, or `1 MiB (1,048,616 bytes)` when the short form is not exact. */
function bytesText(bytes: number): string {
  const shown = formatBytes(bytes);
  return parseSize(shown.replaceAll(',', '')) === bytes ? shown : `${shown} (${formatNumber(bytes)} bytes)`;
}

function secondsText(seconds: number): string {
  return seconds === 0 ? '0 s' : formatSeconds(seconds);
}

function percent(share: number): string {
  return `${formatNumber(share * 100)}%`;
}
