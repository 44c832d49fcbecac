/**
 * Kinesis Data Streams and Firehose limits and behaviours as data. Every figure carries the source
 * key and date of the row in docs/aws-facts.md it comes from; the planner and the engine
 * read them from here and from nowhere else.
 */

/** A documented figure. `confirmed: false` marks ⚠️ rows (not confirmed from an AWS source). */
export interface Fact<T = number> {
  value: T;
  unit: string;
  /** Source code(s), e.g. `Q`, `API-K`: titles and URLs in `SOURCES` (sources.ts), docs/aws-facts.md. */
  source: string;
  /** Date (or range) of the source's content. */
  asOf: string;
  confirmed: boolean;
  note?: string;
}

function fact<T>(
  value: T,
  unit: string,
  source: string,
  asOf: string,
  note?: string,
  confirmed = true,
): Fact<T> {
  return note === undefined
    ? { value, unit, source, asOf, confirmed }
    : { value, unit, source, asOf, confirmed, note };
}

const MiB = 1024 * 1024;

/** Kinesis Data Streams (docs/aws-facts.md, sections KDS 1–7). */
export const KINESIS = {
  // KDS 1. Per-shard throughput
  shardWriteBytesPerSecond: fact(MiB, 'bytes/s', 'Q, API-K, FAQ', '~2026', 'partition key bytes included'),
  shardWriteRecordsPerSecond: fact(1000, 'records/s', 'Q, API-K, FAQ', '~2026'),
  largeRecordBurstBytes: fact(10 * MiB, 'bytes', 'B-LR, LR', '2025-10-28', 'bucket refilled at 1 MiB/s'),
  shardReadBytesPerSecond: fact(2 * MiB, 'bytes/s', 'Q, FAQ', '~2026', 'shared by all polling consumers'),
  shardReadRecordsPerSecond: fact(2000, 'records/s', 'Q', '~2026', 'as the quota page words it'),
  getRecordsPerSecondPerShard: fact(5, 'calls/s', 'Q, API-K', '~2026'),
  getRecordsMaxRecords: fact(10_000, 'records', 'Q, API-K', '2026-02-03'),
  getRecordsMaxBytes: fact(10 * MiB, 'bytes', 'Q, API-K', '2026-02-03'),
  // KDS 2. Records and PutRecords
  defaultMaxRecordBytes: fact(MiB, 'bytes', 'API-K, LR', '2025-10-27', 'data blob + partition key'),
  largestMaxRecordBytes: fact(
    10 * MiB,
    'bytes',
    'API-K, LR, B-LR',
    '2025-10-27',
    'MaxRecordSizeInKiB up to 10,240',
  ),
  largeRecordMaxShare: fact(
    0.02,
    'share of records',
    'LR, B-LR',
    '2025-10-28',
    'records above 1 MiB are for intermittent use: keep them under 2% of traffic',
  ),
  partitionKeyMaxChars: fact(256, 'characters', 'API-K', '2026-02-03'),
  putRecordsMaxRecords: fact(500, 'records', 'API-K, Q', '2026-02-03'),
  putRecordsMaxBytes: fact(10 * MiB, 'bytes', 'API-K, B-LR', '2025-10-27', 'was 5 MiB before 2025-10'),
  // KDS 3. Enhanced fan-out and latency
  efoBytesPerSecondPerConsumer: fact(2 * MiB, 'bytes/s', 'API-K', '2026-02-03', 'per consumer per shard'),
  efoMaxConsumers: fact(20, 'consumers', 'Q, API-K', '2025-11-20', 'Provisioned and On-demand Standard'),
  efoMaxConsumersAdvantage: fact(50, 'consumers', 'Q, API-K', '2025-11-20', 'On-demand Advantage'),
  efoPropagationSeconds: fact(0.07, 's', 'FAQ, KDS22', '2022-08-31', '"typically within 70 milliseconds"'),
  pollingPropagationOneConsumerSeconds: fact(0.2, 's', 'KDS22', '2022-08-31', 'average with one consumer'),
  pollingPropagationFiveConsumersSeconds: fact(1, 's', 'KDS22', '2022-08-31', 'average with five consumers'),
  // KDS 4. Resharding
  updateShardCountCallsPer24h: fact(10, 'calls', 'API-K', '2020-08-17'),
  updateShardCountMaxFactor: fact(2, '×', 'API-K', '2026-02-03'),
  updateShardCountMinFactor: fact(0.5, '×', 'API-K', '2026-02-03'),
  maxShardsPerStream: fact(10_000, 'shards', 'API-K, Q', '2021-11'),
  shardOperationSeconds: fact(
    30,
    's',
    'TRAIN (training material)',
    '2026-11',
    '≈ 8.3 h to split 1,000 shards one by one; AWS publishes no per-operation time',
    false,
  ),
  // KDS 5. On-demand
  onDemandInitialWriteBytesPerSecond: fact(4 * MiB, 'bytes/s', 'Q, FAQ', '~2026', 'written "4 MB/s"'),
  onDemandInitialWriteRecordsPerSecond: fact(4000, 'records/s', 'Q, FAQ', '~2026'),
  onDemandPeakMultiple: fact(2, '×', 'FAQ, SIZE', '≥2025-11', '2× the previous 30-day peak'),
  onDemandScaleSeconds: fact(
    900,
    's',
    'FAQ, SIZE',
    '≥2025-11',
    'throttles for up to ~15 minutes while it scales',
  ),
  onDemandMaxWriteBytesPerSecond: fact(
    10e9,
    'bytes/s',
    'Q, B-ODA',
    '2025-11-03',
    'us-east-1, us-west-2, eu-west-1',
  ),
  // KDS 6. Retention
  retentionDefaultSeconds: fact(24 * 3600, 's', 'API-K, Q', '2026-02-03'),
  retentionExtendedMaxSeconds: fact(
    7 * 24 * 3600,
    's',
    'FAQ, PR-K',
    '≥2025-11',
    'extended tier up to 7 days',
  ),
  retentionMaxSeconds: fact(8760 * 3600, 's', 'API-K, Q', '2026-02-03'),
  // Tags (API-K AddTagsToStream, CreateStream, ListTagsForStream)
  tagsPerStreamMax: fact(50, 'tags', 'API-K', '2026-02-03'),
  tagsPerAddTagsToStreamMax: fact(10, 'tags', 'API-K', '2026-02-03', 'a call; CreateStream takes up to 50'),
  tagKeyMaxChars: fact(128, 'characters', 'API-K', '2026-02-03', 'at least 1'),
  tagValueMaxChars: fact(256, 'characters', 'API-K', '2026-02-03', 'may be empty'),
  // KDS 7. SDK retry defaults (aws-sdk-js-v3)
  sdkMaxAttempts: fact(3, 'attempts', 'SMITHY', '2026-08-20'),
  sdkBaseDelaySeconds: fact(0.1, 's', 'SMITHY', '2026-08-20'),
  sdkThrottlingBaseDelaySeconds: fact(0.5, 's', 'SMITHY', '2026-08-20'),
  sdkMaxDelaySeconds: fact(20, 's', 'SMITHY', '2026-08-20'),
} as const;

/** Firehose buffering hints per destination: size range and default (MiB), interval range and default (s). */
export interface BufferRange {
  sizeMiB: { min: number; max: number; default: number };
  intervalSeconds: { min: number; max: number; default: number };
  source: string;
  note?: string;
}

const S3_LIKE: BufferRange = {
  sizeMiB: { min: 1, max: 128, default: 5 },
  intervalSeconds: { min: 0, max: 900, default: 300 },
  source: 'FH-BH, API-F (~2025)',
};

/** docs/aws-facts.md, Firehose 10 "Buffering" (FH-BH ~2025, API-F 2026-06-12). */
export const FIREHOSE_BUFFER_RANGES: Readonly<Record<string, BufferRange>> = {
  s3: S3_LIKE,
  iceberg: S3_LIKE,
  redshift: S3_LIKE,
  opensearch: { ...S3_LIKE, sizeMiB: { min: 1, max: 100, default: 5 } },
  'opensearch-serverless': { ...S3_LIKE, sizeMiB: { min: 1, max: 100, default: 5 } },
  splunk: {
    sizeMiB: { min: 1, max: 5, default: 5 },
    intervalSeconds: { min: 0, max: 60, default: 60 },
    source: 'FH-BH, API-F (~2025)',
  },
  'http-endpoint': {
    sizeMiB: { min: 1, max: 64, default: 5 },
    intervalSeconds: { min: 0, max: 900, default: 60 },
    source: 'FH-BH (~2025)',
    note: 'default interval 60 s in the docs table, 300 s in the API doc; the docs table is used',
  },
  snowflake: {
    sizeMiB: { min: 1, max: 128, default: 1 },
    intervalSeconds: { min: 0, max: 900, default: 0 },
    source: 'FH-BH (~2025)',
    note: 'default size 1 MiB in the docs table, 128 in the API doc; the docs table is used',
  },
};

/** Firehose (docs/aws-facts.md, Firehose 9–10). */
export const FIREHOSE = {
  // Direct PUT quota per Firehose stream, us-east-1 / us-west-2 / eu-west-1, and elsewhere.
  directPutRecordsPerSecond: fact(500_000, 'records/s', 'FH-Q', '~2025', 'us-east-1, us-west-2, eu-west-1'),
  directPutRequestsPerSecond: fact(2000, 'requests/s', 'FH-Q', '~2025', 'us-east-1, us-west-2, eu-west-1'),
  directPutBytesPerSecond: fact(5 * MiB, 'bytes/s', 'FH-Q', '~2025', 'us-east-1, us-west-2, eu-west-1'),
  directPutRecordsPerSecondOther: fact(100_000, 'records/s', 'FH-Q', '~2025', 'other regions'),
  directPutRequestsPerSecondOther: fact(1000, 'requests/s', 'FH-Q', '~2025', 'other regions'),
  directPutBytesPerSecondOther: fact(MiB, 'bytes/s', 'FH-Q', '~2025', 'other regions'),
  putRecordBatchMaxRecords: fact(500, 'records', 'FH-Q, API-F', '2026-06-12'),
  putRecordBatchMaxBytes: fact(4 * MiB, 'bytes', 'FH-Q, API-F', '2026-06-12'),
  maxRecordBytes: fact(1_024_000, 'bytes', 'FH-Q, API-F', '2026-06-12', '1,000 KiB before base64'),
  streamSourcePollsPerSecond: fact(1, 'GetRecords/s per shard', 'FH23', '2023-03-07'),
  formatConversionMinBufferMiB: fact(64, 'MiB', 'FH23', '2023-03-07'),
  formatConversionDefaultBufferMiB: fact(128, 'MiB', 'FH23', '2023-03-07'),
  dynamicPartitioningLatencyFactor: fact(1.5, '×', 'FH-DPB', 'current', 'multi-stage buffering'),
  dynamicPartitioningMaxActivePartitions: fact(
    500,
    'partitions',
    'FH-DPB, FH-Q',
    'current',
    'raisable to 5,000',
  ),
  dynamicPartitioningMaxActivePartitionsRaised: fact(
    5000,
    'partitions',
    'FH-DPB, FH-Q',
    'current',
    'the most the active-partition quota can be raised to',
  ),
  multipartIntervalBelowSeconds: fact(60, 's', 'FH-BH', '~2025', 'S3 interval < 60 s uses multipart upload'),
  ingestionRoundingBytes: fact(5120, 'bytes', 'PR-F, FH-Q', 'current', 'each record billed in 5 KB steps'),
} as const;

/** Direct PUT quota for a region (the three big regions have the higher one). */
export function directPutQuota(region: string): {
  recordsPerSecond: number;
  requestsPerSecond: number;
  bytesPerSecond: number;
} {
  const big = ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region);
  return big
    ? {
        recordsPerSecond: FIREHOSE.directPutRecordsPerSecond.value,
        requestsPerSecond: FIREHOSE.directPutRequestsPerSecond.value,
        bytesPerSecond: FIREHOSE.directPutBytesPerSecond.value,
      }
    : {
        recordsPerSecond: FIREHOSE.directPutRecordsPerSecondOther.value,
        requestsPerSecond: FIREHOSE.directPutRequestsPerSecondOther.value,
        bytesPerSecond: FIREHOSE.directPutBytesPerSecondOther.value,
      };
}

/** Hours in the month every monthly cost uses (AWS pricing examples use 730). */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** AWS bills data in GB of 2^30 bytes (the Price List's "GB"). */
export const BYTES_PER_BILLED_GB = 1024 ** 3;
