/**
 * The `aws` target's options and their flags (`run --target aws --region eu-west-1 …`): values
 * arrive as written on the command line (strings, booleans) and are converted and checked here.
 */
import { z } from 'zod';
import { duration } from '../../scenario/schema-quantities.js';
import type { TargetFlag } from '../target.js';

/** A dollar amount: `5`, `$5`, `$1,500.50`. */
const dollars = z.union(
  [
    z.number().nonnegative(),
    z
      .string()
      .regex(/^\$?\d[\d,]*(\.\d+)?$/, { error: 'expected an amount such as 5 or $12.50' })
      .transform((text) => Number(text.replace(/[$,]/g, ''))),
  ],
  { error: 'expected an amount in USD such as 5 or $12.50' },
);

const flagBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const awsOptionsSchema = z.strictObject({
  region: z
    .string()
    .min(1)
    .optional()
    .describe('AWS region (default: the SDK chain: AWS_REGION, the profile).'),
  profile: z
    .string()
    .min(1)
    .optional()
    .describe('A named profile of the shared AWS config and credentials files.'),
  endpoint: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .optional()
    .describe('Another Kinesis and Firehose endpoint: `shardcast serve`, kinesalite, kinesis-local.'),
  stream: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Use this stream instead of creating one (with allowExisting).'),
  allowExisting: flagBoolean.default(false),
  maxCost: dollars.optional().describe('Refuse the run when its estimated cost is above this (USD).'),
  yes: flagBoolean.default(false),
  keep: flagBoolean.default(false),
  drain: duration.default(30).describe('How long consumers may catch up after the producers stop.'),
  deliveryDir: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where a local endpoint writes Firehose's objects (`shardcast serve --data DIR`): read back to count them.",
    ),
  firehoseRole: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
      error: 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/firehose-to-s3',
    })
    .optional()
    .describe('The IAM role Firehose assumes to read the stream and write the bucket (with firehoseBucket).'),
  // S3's bucket naming rules: 3–63 of lowercase letters, digits, dots and hyphens, starting and
  // ending with a letter or digit.
  firehoseBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: 'expected an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens)',
    })
    .optional()
    .describe(
      'An existing S3 bucket the delivery streams write to under shardcast/<run id>/<firehose>/; never created, emptied or deleted.',
    ),
  maxInFlight: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(16)
    .describe('PutRecords requests in flight per producer.'),
});

export type AwsOptions = z.output<typeof awsOptionsSchema>;

export const AWS_FLAGS: readonly TargetFlag[] = [
  {
    name: 'region',
    option: 'region',
    type: 'string',
    description: 'AWS region (default: AWS_REGION or the profile)',
  },
  { name: 'profile', option: 'profile', type: 'string', description: 'named AWS profile for credentials' },
  {
    name: 'endpoint',
    option: 'endpoint',
    type: 'string',
    description: 'Kinesis/Firehose endpoint URL (shardcast serve, kinesalite); default: AWS',
  },
  {
    name: 'stream',
    option: 'stream',
    type: 'string',
    description: 'use this existing stream (needs --allow-existing)',
  },
  {
    name: 'allow-existing',
    option: 'allowExisting',
    type: 'boolean',
    description: 'write to --stream though shardcast did not create it (never changed or deleted)',
  },
  {
    name: 'max-cost',
    option: 'maxCost',
    type: 'string',
    description: 'refuse a run estimated above this many USD (default $5 on AWS, none on 127.0.0.1)',
  },
  { name: 'yes', option: 'yes', type: 'boolean', description: 'run against AWS without asking' },
  {
    name: 'keep',
    option: 'keep',
    type: 'boolean',
    description: 'keep the stream, consumers and delivery streams created',
  },
  {
    name: 'drain',
    option: 'drain',
    type: 'string',
    description: 'time consumers may catch up after producers stop (default 30s)',
  },
  {
    name: 'delivery-dir',
    option: 'deliveryDir',
    type: 'string',
    description: 'folder a local endpoint writes Firehose objects to (serve --data), to count them',
  },
  {
    name: 'firehose-role',
    option: 'firehoseRole',
    type: 'string',
    description: 'IAM role ARN Firehose assumes to read the stream and write --firehose-bucket',
  },
  {
    name: 'firehose-bucket',
    option: 'firehoseBucket',
    type: 'string',
    description:
      'existing S3 bucket Firehose writes to (prefix shardcast/<run id>/); nothing in it is deleted',
  },
  {
    name: 'max-in-flight',
    option: 'maxInFlight',
    type: 'string',
    description: 'PutRecords requests in flight per producer instance (default 16)',
  },
];
