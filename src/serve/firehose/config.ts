/**
 * CreateDeliveryStream's input, read and checked as the Firehose API model constrains it (API-F),
 * into the configuration the service runs; and the description DescribeDeliveryStream returns.
 * serve delivers to S3 only (`S3DestinationConfiguration` or `ExtendedS3DestinationConfiguration`),
 * from Direct PUT or a Kinesis stream, uncompressed or GZIP: anything else is refused with
 * InvalidArgumentException saying what serve does not model, never silently ignored.
 */
import { FIREHOSE_BUFFER_RANGES } from '../../aws/facts.js';
import { AwsError } from '../protocol.js';
import { BUCKET_NAME, keyStaysInBucket } from './delivery.js';
import { type Input, integer, string, structure, Violations } from './input.js';
import { checkPrefix, evaluatePrefix, hasExpressions } from './object-key.js';
import { readTagList } from './tags.js';

export const STREAM_NAME_RULE = {
  required: true,
  min: 1,
  max: 64,
  pattern: /^[a-zA-Z0-9_.-]+$/,
  patternText: '[a-zA-Z0-9_.-]+',
} as const;
const ARN_RULE = { required: true, min: 1, max: 512, pattern: /^arn:.*$/, patternText: 'arn:.*' } as const;
const BUCKET_ARN_RULE = { ...ARN_RULE, max: 2048 } as const;
const PREFIX_RULE = { max: 1024 } as const;
const FILE_EXTENSION_RULE = {
  max: 128,
  pattern: /^$|^\.[0-9a-z!\-_.*'()]+$/,
  patternText: "^$|\\.[0-9a-z!\\-_.*'()]+",
} as const;
const STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'] as const;
const COMPRESSION = ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'] as const;
/** Destinations the API has and serve does not deliver to. */
const OTHER_DESTINATIONS = [
  'RedshiftDestinationConfiguration',
  'ElasticsearchDestinationConfiguration',
  'AmazonopensearchserviceDestinationConfiguration',
  'SplunkDestinationConfiguration',
  'HttpEndpointDestinationConfiguration',
  'AmazonOpenSearchServerlessDestinationConfiguration',
  'SnowflakeDestinationConfiguration',
  'IcebergDestinationConfiguration',
] as const;
/** S3 buffering hints' bounds and defaults (FH-BH, API-F): 1–128 MiB, 0–900 s, 5 MiB and 300 s. */
const S3_BUFFER = FIREHOSE_BUFFER_RANGES.s3 as NonNullable<(typeof FIREHOSE_BUFFER_RANGES)['s3']>;

export interface DeliveryStreamConfig {
  name: string;
  type: 'DirectPut' | 'KinesisStreamAsSource';
  /** The source stream's ARN as given, and the role, for a Kinesis source. */
  source?: { streamArn: string; roleArn: string };
  /** Which destination member the user gave (both are described). */
  destinationMember: 'S3DestinationConfiguration' | 'ExtendedS3DestinationConfiguration';
  roleArn: string;
  bucketArn: string;
  bucket: string;
  prefix: string;
  errorOutputPrefix?: string;
  sizeMiB: number;
  intervalSeconds: number;
  compression: 'UNCOMPRESSED' | 'GZIP';
  fileExtension?: string;
  tags: { Key: string; Value?: string }[];
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidArgumentException', message);
}

/** Reads CreateDeliveryStream's input; throws ValidationException or InvalidArgumentException. */
export function readCreateInput(input: Input): DeliveryStreamConfig {
  const v = new Violations();
  const name = string(input, 'DeliveryStreamName', STREAM_NAME_RULE, v);
  const type = string(input, 'DeliveryStreamType', { oneOf: STREAM_TYPES }, v) ?? 'DirectPut';
  const kinesis = structure(input, 'KinesisStreamSourceConfiguration');
  let source: DeliveryStreamConfig['source'];
  if (kinesis !== undefined) {
    const parent = 'kinesisStreamSourceConfiguration';
    const streamArn = string(kinesis, 'KinesisStreamARN', ARN_RULE, v, parent);
    const roleArn = string(kinesis, 'RoleARN', ARN_RULE, v, parent);
    if (streamArn !== undefined && roleArn !== undefined) source = { streamArn, roleArn };
  }
  const s3 = structure(input, 'S3DestinationConfiguration');
  const extended = structure(input, 'ExtendedS3DestinationConfiguration');
  const member = extended !== undefined ? 'ExtendedS3DestinationConfiguration' : 'S3DestinationConfiguration';
  const destination = readS3Destination(extended ?? s3, member, v);
  const tags = readTagList(input, v, false);
  v.throwIfAny();

  if (type === 'MSKAsSource' || type === 'DatabaseAsSource') {
    throw invalid(
      `DeliveryStreamType ${type} is not modelled by serve: use DirectPut or KinesisStreamAsSource`,
    );
  }
  if (type === 'KinesisStreamAsSource' && kinesis === undefined) {
    throw invalid(
      'KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource',
    );
  }
  if (type === 'DirectPut' && kinesis !== undefined) {
    throw invalid(
      'KinesisStreamSourceConfiguration is only valid when DeliveryStreamType is KinesisStreamAsSource',
    );
  }
  const others = OTHER_DESTINATIONS.filter((d) => input[d] !== undefined && input[d] !== null);
  if (others.length > 0) throw invalid(`${others.join(', ')}: serve delivers to S3 only`);
  if (s3 !== undefined && extended !== undefined) {
    throw invalid('Specify only one of S3DestinationConfiguration and ExtendedS3DestinationConfiguration');
  }
  if (destination === undefined) {
    throw invalid(
      'A destination is required: S3DestinationConfiguration or ExtendedS3DestinationConfiguration',
    );
  }
  return {
    name: name as string,
    type: type as DeliveryStreamConfig['type'],
    ...(source === undefined ? {} : { source }),
    destinationMember: member,
    ...destination,
    tags,
  };
}

type S3Part = Omit<DeliveryStreamConfig, 'name' | 'type' | 'source' | 'destinationMember' | 'tags'>;

function readS3Destination(d: Input | undefined, member: string, v: Violations): S3Part | undefined {
  if (d === undefined) return undefined;
  const parent = member.charAt(0).toLowerCase() + member.slice(1);
  const roleArn = string(d, 'RoleARN', ARN_RULE, v, parent);
  const bucketArn = string(d, 'BucketARN', BUCKET_ARN_RULE, v, parent);
  const prefix = string(d, 'Prefix', PREFIX_RULE, v, parent) ?? '';
  const errorOutputPrefix = string(d, 'ErrorOutputPrefix', PREFIX_RULE, v, parent);
  const hints = structure(d, 'BufferingHints', parent) ?? {};
  const hintsPath = `${parent}.bufferingHints`;
  const sizeMiB = integer(hints, 'SizeInMBs', S3_BUFFER.sizeMiB, v, hintsPath) ?? S3_BUFFER.sizeMiB.default;
  const intervalSeconds =
    integer(hints, 'IntervalInSeconds', S3_BUFFER.intervalSeconds, v, hintsPath) ??
    S3_BUFFER.intervalSeconds.default;
  const compression = string(d, 'CompressionFormat', { oneOf: COMPRESSION }, v, parent) ?? 'UNCOMPRESSED';
  const fileExtension =
    member === 'ExtendedS3DestinationConfiguration'
      ? string(d, 'FileExtension', FILE_EXTENSION_RULE, v, parent)
      : undefined;
  if (v.count > 0 || roleArn === undefined || bucketArn === undefined) return undefined;

  // API-F BufferingHints: "If you specify a value for one of them, you must also provide a value
  // for the other" (FH-BH says the same).
  if ((hints.SizeInMBs === undefined) !== (hints.IntervalInSeconds === undefined)) {
    throw invalid('BufferingHints: specify both SizeInMBs and IntervalInSeconds, or neither');
  }
  if (compression !== 'UNCOMPRESSED' && compression !== 'GZIP') {
    throw invalid(`CompressionFormat ${compression} is not modelled by serve: use UNCOMPRESSED or GZIP`);
  }
  const bucket = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(bucketArn)?.[1];
  if (bucket === undefined || !BUCKET_NAME.test(bucket)) {
    throw invalid(`BucketARN '${bucketArn}' does not name an S3 bucket (arn:aws:s3:::<bucket name>)`);
  }
  checkPrefix(prefix, 'Prefix', false);
  if (errorOutputPrefix !== undefined) checkPrefix(errorOutputPrefix, 'ErrorOutputPrefix', true);
  if (hasExpressions(prefix) && (errorOutputPrefix ?? '') === '') {
    throw invalid('ErrorOutputPrefix cannot be null or empty when Prefix contains expressions');
  }
  // serve stores objects as files: a key must stay inside its bucket's folder.
  // Checked on the evaluated prefix too: a quoted literal (`!{timestamp:'..'}`) could climb out.
  if (
    !keyStaysInBucket(`${prefix}object`) ||
    !keyStaysInBucket(`${evaluatePrefix(prefix, 0, 'check')}object`)
  ) {
    throw invalid(
      `Prefix '${prefix}': serve writes objects as files, so a prefix cannot leave its bucket (.. or a leading /)`,
    );
  }
  return {
    roleArn,
    bucketArn,
    bucket,
    prefix,
    ...(errorOutputPrefix === undefined ? {} : { errorOutputPrefix }),
    sizeMiB,
    intervalSeconds,
    compression,
    ...(fileExtension === undefined ? {} : { fileExtension }),
  };
}

/** The one destination's id (DescribeDeliveryStream's `DestinationId`). */
export const DESTINATION_ID = 'destinationId-000000000001';

/**
 * UpdateDestination's input applied to `config` (API-F): the S3 destination's members given
 * replace the current ones, the others stay ("Firehose merges the configuration parameters"), and
 * the result is checked as CreateDeliveryStream checks it. A stale `CurrentDeliveryStreamVersionId`
 * is a ConcurrentModificationException.
 */
export function applyDestinationUpdate(
  config: DeliveryStreamConfig,
  version: number,
  input: Input,
): DeliveryStreamConfig {
  const v = new Violations();
  const current = string(
    input,
    'CurrentDeliveryStreamVersionId',
    { required: true, min: 1, max: 50, pattern: /^[0-9]+$/, patternText: '[0-9]+' },
    v,
  );
  const destinationId = string(input, 'DestinationId', { required: true, min: 1, max: 100 }, v);
  const s3 = structure(input, 'S3DestinationUpdate');
  const extended = structure(input, 'ExtendedS3DestinationUpdate');
  v.throwIfAny();
  if (current !== String(version)) {
    throw new AwsError(
      'ConcurrentModificationException',
      `CurrentDeliveryStreamVersionId ${current} is not the current version ${version} of Firehose ${config.name}.`,
    );
  }
  if (destinationId !== DESTINATION_ID)
    throw invalid(`Destination ${destinationId} not found; the destination is ${DESTINATION_ID}.`);
  const others = OTHER_DESTINATIONS.map((d) => d.replace('Configuration', 'Update')).filter(
    (d) => input[d] !== undefined && input[d] !== null,
  );
  if (others.length > 0) throw invalid(`${others.join(', ')}: serve delivers to S3 only`);
  if (s3 !== undefined && extended !== undefined)
    throw invalid('Specify only one of S3DestinationUpdate and ExtendedS3DestinationUpdate');
  const update = extended ?? s3 ?? {};
  const member = extended !== undefined ? 'ExtendedS3DestinationConfiguration' : config.destinationMember;
  const merged: Input = {
    RoleARN: config.roleArn,
    BucketARN: config.bucketArn,
    Prefix: config.prefix,
    ErrorOutputPrefix: config.errorOutputPrefix,
    BufferingHints: { SizeInMBs: config.sizeMiB, IntervalInSeconds: config.intervalSeconds },
    CompressionFormat: config.compression,
    ...(member === 'ExtendedS3DestinationConfiguration' ? { FileExtension: config.fileExtension } : {}),
    ...Object.fromEntries(
      Object.entries(update).filter(([, value]) => value !== undefined && value !== null),
    ),
  };
  const destination = readS3Destination(merged, member, v);
  v.throwIfAny();
  return { ...config, destinationMember: member, ...(destination as S3Part) };
}

export type DeliveryStreamStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

/** DescribeDeliveryStream's `DeliveryStreamDescription` (timestamps in epoch seconds, as JSON 1.1 sends them). */
export function describe(
  config: DeliveryStreamConfig,
  state: {
    arn: string;
    status: DeliveryStreamStatus;
    createdAtMs: number;
    version: number;
    lastUpdateMs?: number;
    deliveryStartMs?: number;
  },
): Record<string, unknown> {
  const buffering = { SizeInMBs: config.sizeMiB, IntervalInSeconds: config.intervalSeconds };
  const s3 = {
    RoleARN: config.roleArn,
    BucketARN: config.bucketArn,
    Prefix: config.prefix,
    ...(config.errorOutputPrefix === undefined ? {} : { ErrorOutputPrefix: config.errorOutputPrefix }),
    BufferingHints: buffering,
    CompressionFormat: config.compression,
    EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
    CloudWatchLoggingOptions: { Enabled: false },
  };
  const created = state.createdAtMs / 1000;
  return {
    DeliveryStreamName: config.name,
    DeliveryStreamARN: state.arn,
    DeliveryStreamStatus: state.status,
    DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
    DeliveryStreamType: config.type,
    VersionId: String(state.version),
    CreateTimestamp: created,
    ...(state.lastUpdateMs === undefined ? {} : { LastUpdateTimestamp: state.lastUpdateMs / 1000 }),
    ...(config.source === undefined
      ? {}
      : {
          Source: {
            KinesisStreamSourceDescription: {
              KinesisStreamARN: config.source.streamArn,
              RoleARN: config.source.roleArn,
              ...(state.deliveryStartMs === undefined
                ? {}
                : { DeliveryStartTimestamp: state.deliveryStartMs / 1000 }),
            },
          },
        }),
    // AWS describes an S3 destination both ways, whichever member created it.
    Destinations: [
      {
        DestinationId: DESTINATION_ID,
        S3DestinationDescription: s3,
        ExtendedS3DestinationDescription: {
          ...s3,
          S3BackupMode: 'Disabled',
          ...(config.fileExtension === undefined ? {} : { FileExtension: config.fileExtension }),
        },
      },
    ],
    HasMoreDestinations: false,
  };
}
