/**
 * Firehose delivery streams: what triggers a flush, object sizes and counts, delivery latency,
 * Direct PUT quota headroom and monthly cost (docs/aws-facts.md, Firehose 9–12).
 */

import { putRequestsPerSecond } from '../aws/behaviour.js';
import { bufferHints, flushIntervalSeconds } from '../aws/defaults.js';
import {
  BYTES_PER_BILLED_GB,
  directPutQuota,
  FIREHOSE,
  HOURS_PER_MONTH,
  KINESIS,
  SECONDS_PER_MONTH,
} from '../aws/facts.js';
import { FIREHOSE_INGEST_TIERS, type PriceTable } from '../aws/pricing.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import { meanUnitsPerRecord } from '../scenario/record-size.js';
import type { FirehoseStream, Scenario } from '../scenario/schema.js';
import type { Finding } from './findings.js';
import { shardReaders } from './read-limits.js';
import type { FirehosePlan, ProducerTraffic, RunShardCount, Traffic } from './types.js';

const MiB = 1024 * 1024;
const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const INGEST_STEP = FIREHOSE.ingestionRoundingBytes.value;
/** S3 requests per object with multipart upload (interval < 60 s): create, one part, complete. ⚠️ undocumented. */
export const MULTIPART_REQUESTS_PER_OBJECT = 3;

interface Input {
  /** At peak: the stream's planning instant (stream source) or the Firehose stream's own peak (Direct PUT). */
  recordsPerSecond: number;
  bytesPerSecond: number;
  averageRecordsPerSecond: number;
  averageBytesPerSecond: number;
  /** Billed 5 KB units per second on average. */
  averageUnitsPerSecond: number;
  /** Own peaks of the direct-put producers, for the quota. */
  quotaRecordsPerSecond: number;
  quotaBytesPerSecond: number;
  quotaRequestsPerSecond: number;
}

function inputOf(f: FirehoseStream, scenario: Scenario, traffic: Traffic): Input {
  const senders: ProducerTraffic[] = traffic.producers.filter((p) =>
    f.source === 'stream' ? p.destination === 'stream' : p.destination === f.name,
  );
  const input: Input = {
    recordsPerSecond: 0,
    bytesPerSecond: 0,
    averageRecordsPerSecond: 0,
    averageBytesPerSecond: 0,
    averageUnitsPerSecond: 0,
    quotaRecordsPerSecond: 0,
    quotaBytesPerSecond: 0,
    quotaRequestsPerSecond: 0,
  };
  if (f.source === 'direct-put') {
    // The stream's planning instant says nothing about a Direct PUT stream: its producers write to
    // Firehose only, so its peak is the highest total of its own producers over the run.
    const producers = senders.map((p) => ({
      traffic: p,
      producer: scenario.producers.find((x) => x.name === p.name)!,
    }));
    const times = sampleTimes(
      producers.map((x) => x.producer.rate),
      scenario.duration,
    );
    for (const t of times) {
      let records = 0;
      let bytes = 0;
      for (const { traffic: p, producer } of producers) {
        const r = rateAt(producer.rate, t, p.meanDataBytes);
        records += r;
        bytes += r * p.meanDataBytes;
      }
      if (
        bytes > input.bytesPerSecond ||
        (bytes === input.bytesPerSecond && records > input.recordsPerSecond)
      ) {
        input.bytesPerSecond = bytes;
        input.recordsPerSecond = records;
      }
    }
  }
  for (const p of senders) {
    const producer = scenario.producers.find((x) => x.name === p.name)!;
    // Firehose de-aggregates KPL records from a stream, but bills the records it reads.
    const aggregated =
      f.source === 'stream' && p.aggregation.enabled && p.aggregation.userRecordsPerKinesisRecord > 1;
    const units = aggregated
      ? Math.ceil(p.aggregation.kinesisRecordBytes / INGEST_STEP) / p.aggregation.userRecordsPerKinesisRecord
      : meanUnitsPerRecord(producer.recordSize, INGEST_STEP);
    if (f.source === 'stream') {
      input.recordsPerSecond += p.recordsPerSecond;
      input.bytesPerSecond += p.recordsPerSecond * p.meanDataBytes;
    }
    input.averageRecordsPerSecond += p.averageRecordsPerSecond;
    input.averageBytesPerSecond += p.averageRecordsPerSecond * p.meanDataBytes;
    input.averageUnitsPerSecond += p.averageRecordsPerSecond * units;
    if (f.source === 'direct-put') {
      input.quotaRecordsPerSecond += p.ownPeakRecordsPerSecond;
      input.quotaBytesPerSecond += p.ownPeakRecordsPerSecond * p.meanDataBytes;
      input.quotaRequestsPerSecond += putRequestsPerSecond(
        producer.batching,
        producer.instances,
        p.ownPeakRecordsPerSecond,
        p.meanDataBytes,
        {
          maxRecords: FIREHOSE.putRecordBatchMaxRecords.value,
          maxBytes: FIREHOSE.putRecordBatchMaxBytes.value,
        },
      );
    }
  }
  return input;
}

/**
 * What a stream-sourced Firehose stream may read from one shard a second: 2 MiB/s shared by the
 * polling readers, and its GetRecords calls (1/s, FH23, or less in a max-min fair share of the
 * shard's 5 calls/s) × 10,000 Kinesis records a call.
 */
function firehoseReadShare(
  f: FirehoseStream,
  scenario: Scenario,
): { bytesPerSecond: number; recordsPerSecond: number } {
  const readers = shardReaders(scenario);
  const self = readers.find((r) => r.type === 'firehose' && r.name === `firehose:${f.name}`)!;
  return {
    bytesPerSecond: self.bytesPerSecond,
    recordsPerSecond: self.callsPerSecond * KINESIS.getRecordsMaxRecords.value,
  };
}

/** Cost of `gb` ingested in a month over the tiers (first 500 TB, next 1.5 PB, next 3 PB); the first tier's price may be overridden. */
function tieredIngestCost(gb: number, firstTierUsd: number): number {
  let cost = 0;
  let lower = 0;
  FIREHOSE_INGEST_TIERS.forEach((tier, i) => {
    const inTier = Math.max(0, Math.min(gb, tier.upToGb) - lower);
    cost += inTier * (i === 0 ? firstTierUsd : tier.usd);
    lower = tier.upToGb;
  });
  const last = FIREHOSE_INGEST_TIERS[FIREHOSE_INGEST_TIERS.length - 1]!;
  if (gb > last.upToGb) cost += (gb - last.upToGb) * last.usd; // beyond 5 PB: "contact AWS"; the last tier's price
  return cost;
}

/** Flush behaviour for buffers each receiving `bytesPerSecond`. */
export function flushOf(sizeBytes: number, intervalSeconds: number, bytesPerSecond: number) {
  const interval = flushIntervalSeconds(intervalSeconds);
  const fillSeconds = bytesPerSecond > 0 ? sizeBytes / bytesPerSecond : Number.POSITIVE_INFINITY;
  const trigger: 'size' | 'interval' = fillSeconds < interval ? 'size' : 'interval';
  return { trigger, seconds: Math.min(fillSeconds, interval) };
}

/** Which shard counts a stream-sourced Firehose stream is planned at. */
export interface FirehoseShardCounts {
  /** The count the run uses: configured when the stream is provisioned, else the recommended one. */
  run: number;
  countIs: RunShardCount;
  /** The recommended count, planned as well when `run` is the configured count. */
  recommended: number;
}

/**
 * Plans a Firehose stream. Buffer hints apply per shard when it reads the stream (FH-BH), so its
 * flushes, objects and latency depend on the shard count: the figures are at the count the run
 * uses, and again at the recommended count in `atRecommended` when that differs (4 configured
 * shards fill each buffer twice as fast as 8 recommended ones).
 */
export function planFirehoseStream(
  f: FirehoseStream,
  scenario: Scenario,
  traffic: Traffic,
  shards: FirehoseShardCounts,
  prices: PriceTable,
): FirehosePlan {
  const plan = planFirehoseAt(f, scenario, traffic, shards.run, prices);
  if (plan.bufferScope !== 'shard') return plan;
  plan.shardCount = shards.run;
  plan.countIs = shards.countIs;
  // Planned at the recommended count whenever the run uses the configured one (even when they
  // are equal), so the metric names follow from the scenario alone.
  if (shards.countIs !== 'recommended') {
    const r = planFirehoseAt(f, scenario, traffic, shards.recommended, prices);
    plan.atRecommended = {
      shardCount: shards.recommended,
      buffers: r.buffers,
      flushTrigger: r.flushTrigger,
      flushIntervalSeconds: r.flushIntervalSeconds,
      objectBytes: r.objectBytes,
      objectsPerHour: r.objectsPerHour,
      objectsPerHourPerBuffer: r.objectsPerHourPerBuffer,
      meanDeliveryLatencySeconds: r.meanDeliveryLatencySeconds,
      maxDeliveryLatencySeconds: r.maxDeliveryLatencySeconds,
      monthlyTotal: r.monthly.total,
    };
  }
  return plan;
}

function planFirehoseAt(
  f: FirehoseStream,
  scenario: Scenario,
  traffic: Traffic,
  shards: number,
  prices: PriceTable,
): FirehosePlan {
  const findings: Finding[] = [];
  const about = { firehose: f.name };
  const input = inputOf(f, scenario, traffic);
  const { sizeBytes, intervalSeconds } = bufferHints(f);
  // Hints apply per shard (stream source) or per partition with dynamic partitioning (FH-BH).
  const scope: FirehosePlan['bufferScope'] =
    f.dynamicPartitions !== undefined ? 'partition' : f.source === 'stream' ? 'shard' : 'stream';
  const buffers = scope === 'partition' ? f.dynamicPartitions! : scope === 'shard' ? shards : 1;

  // Reading the stream, a buffer fills with what Firehose reads from its shard: at most what the
  // shard takes in (a shard offered more than its write limits, ρ = max(records ÷ 1,000, bytes ÷
  // 1 MiB) per shard > 1, takes in 1/ρ of it: a short configured count), and at most what its
  // GetRecords calls return: its share of the shard's 2 MiB/s read bytes and its calls (a max-min
  // fair share of 5/s, at most 1/s) × 10,000 records. Both are fractions of the shard's data.
  const readShare = scope === 'shard' ? firehoseReadShare(f, scenario) : null;
  const takenFraction = (records: number, bytes: number) => {
    if (readShare === null) return 1;
    const rho = Math.max(1, records / buffers / WRITE_RECORDS, bytes / buffers / WRITE_BYTES);
    const shardRecords = records / buffers / rho;
    const shardBytes = bytes / buffers / rho;
    const read = Math.min(
      1,
      shardBytes > 0 ? readShare.bytesPerSecond / shardBytes : 1,
      shardRecords > 0 ? readShare.recordsPerSecond / shardRecords : 1,
    );
    return read / rho;
  };
  const peakPerBuffer =
    (input.bytesPerSecond / buffers) *
    takenFraction(traffic.writeRecordsPerSecond, traffic.writeBytesPerSecond);
  const averagePerBuffer =
    (input.averageBytesPerSecond / buffers) *
    takenFraction(traffic.average.writeRecordsPerSecond, traffic.average.writeBytesPerSecond);
  const peak = flushOf(sizeBytes, intervalSeconds, peakPerBuffer);
  const average = flushOf(sizeBytes, intervalSeconds, averagePerBuffer);
  const objectBytes = peakPerBuffer * peak.seconds * f.compressionRatio;
  // An empty buffer never flushes: no traffic, no objects.
  const objectsPerHourPerBuffer = input.bytesPerSecond > 0 ? 3600 / peak.seconds : 0;
  // Records wait on average half a flush period, at most a whole one; dynamic partitioning's
  // multi-stage buffering stretches that up to 1.5× (FH-DPB).
  const stretch = scope === 'partition' ? FIREHOSE.dynamicPartitioningLatencyFactor.value : 1;
  const meanDeliveryLatencySeconds = (peak.seconds / 2) * stretch + f.deliveryTime;
  const maxDeliveryLatencySeconds = peak.seconds * stretch + f.deliveryTime;

  let directPutQuotaUtilization: number | null = null;
  if (f.source === 'direct-put') {
    const quota = directPutQuota(scenario.region);
    directPutQuotaUtilization = Math.max(
      input.quotaRecordsPerSecond / quota.recordsPerSecond,
      input.quotaBytesPerSecond / quota.bytesPerSecond,
      input.quotaRequestsPerSecond / quota.requestsPerSecond,
    );
    if (directPutQuotaUtilization > 1) {
      findings.push({
        code: 'firehose-direct-put-quota',
        severity: 'error',
        subject: about,
        figures: {
          utilization: directPutQuotaUtilization,
          quotaBytesPerSecond: quota.bytesPerSecond,
          quotaRecordsPerSecond: quota.recordsPerSecond,
          quotaRequestsPerSecond: quota.requestsPerSecond,
        },
      });
    }
  }

  // FH-BH: multipart upload follows from the configured interval (< 60 s), not from how often a
  // size-triggered flush happens to come.
  const multipart = f.destination === 's3' && intervalSeconds < FIREHOSE.multipartIntervalBelowSeconds.value;
  const s3PutRequestsPerObject = multipart ? MULTIPART_REQUESTS_PER_OBJECT : 1;
  const monthlyObjects =
    input.averageBytesPerSecond > 0 ? ((buffers * 3600) / average.seconds) * HOURS_PER_MONTH : 0;
  const billedGb = (input.averageUnitsPerSecond * INGEST_STEP * SECONDS_PER_MONTH) / BYTES_PER_BILLED_GB;
  const deliveredGb = (input.averageBytesPerSecond * SECONDS_PER_MONTH) / BYTES_PER_BILLED_GB;
  const ingestion = tieredIngestCost(billedGb, prices['firehose.ingestGb'].usd);
  const formatConversion =
    f.formatConversion === 'none' ? 0 : billedGb * prices['firehose.formatConversionGb'].usd;
  const dynamicPartitioning =
    scope === 'partition'
      ? deliveredGb * prices['firehose.dynamicPartitioningGb'].usd +
        (monthlyObjects / 1000) * prices['firehose.dynamicPartitioningObjectsPerThousand'].usd
      : 0;
  const s3Requests =
    f.destination === 's3'
      ? ((monthlyObjects * s3PutRequestsPerObject) / 1000) * prices['s3.putRequestsPerThousand'].usd
      : 0;

  if (input.bytesPerSecond > 0 && peak.trigger === 'interval' && objectBytes < MiB && peak.seconds >= 60) {
    findings.push({
      code: 'firehose-small-objects',
      severity: 'warning',
      subject: { ...about, scope },
      figures: { objectBytes, flushIntervalSeconds: peak.seconds },
    });
  }
  if (multipart) {
    findings.push({
      code: 'firehose-multipart',
      severity: 'warning',
      subject: about,
      figures: { flushIntervalSeconds: peak.seconds, requestsPerObject: MULTIPART_REQUESTS_PER_OBJECT },
    });
  }
  if (scope === 'partition' && f.dynamicPartitions! > FIREHOSE.dynamicPartitioningMaxActivePartitions.value) {
    findings.push({
      code: 'firehose-partitions-quota',
      severity: 'warning',
      subject: about,
      figures: { partitions: f.dynamicPartitions! },
    });
  }
  return {
    name: f.name,
    source: f.source,
    destination: f.destination,
    bufferSizeBytes: sizeBytes,
    bufferIntervalSeconds: intervalSeconds,
    buffers,
    bufferScope: scope,
    inputBytesPerSecond: input.bytesPerSecond,
    inputRecordsPerSecond: input.recordsPerSecond,
    flushTrigger: peak.trigger,
    flushIntervalSeconds: peak.seconds,
    objectBytes,
    objectsPerHour: objectsPerHourPerBuffer * buffers,
    objectsPerHourPerBuffer,
    meanDeliveryLatencySeconds,
    maxDeliveryLatencySeconds,
    shardCount: null,
    countIs: null,
    atRecommended: null,
    directPutQuotaUtilization,
    s3PutRequestsPerObject,
    monthly: {
      ingestion,
      formatConversion,
      dynamicPartitioning,
      s3Requests,
      total: ingestion + formatConversion + dynamicPartitioning + s3Requests,
      objects: monthlyObjects,
      billedGb,
    },
    findings,
  };
}
