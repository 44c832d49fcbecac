/**
 * What a producer writes, as the scenario schema describes it: its rate over time (rate profiles),
 * its record sizes, its partition keys, and the producer itself (destination, batching, retries).
 */
import { z } from 'zod';
import { LIST_BOUNDS, listBoundError } from './limits.js';
import { duration, name, positiveInt, rate, size } from './schema-quantities.js';

// ---------------------------------------------------------------------------------------------
// Rate profiles: records (or bytes) per second over time, all instances of a producer together.

const constantProfile = z.strictObject({ profile: z.literal('constant'), rate });
const rampProfile = z.strictObject({
  profile: z.literal('ramp'),
  from: rate,
  to: rate,
  over: duration.describe('How long the ramp lasts; the rate holds at `to` afterwards.'),
  start: duration.prefault('0s').describe('When the ramp starts; the rate holds at `from` before.'),
});
const stepProfile = z.strictObject({
  profile: z.literal('step'),
  initial: rate.describe('The rate before the first step.'),
  steps: z
    .array(z.strictObject({ at: duration, rate }))
    .min(1)
    .max(LIST_BOUNDS.steps.max, { error: listBoundError(LIST_BOUNDS.steps) }),
});
const spikeProfile = z.strictObject({
  profile: z.literal('spike'),
  base: rate,
  peak: rate,
  at: duration,
  for: duration,
});
const diurnalProfile = z.strictObject({
  profile: z.literal('diurnal'),
  min: rate,
  max: rate,
  period: duration.prefault('24h').refine((v) => v > 0, { error: 'a period must be longer than 0s' }),
  peakAt: duration.prefault('14h').describe('Time of the peak within a period (a cosine around it).'),
});
const traceProfile = z.strictObject({
  profile: z.literal('trace'),
  file: z
    .string()
    .optional()
    .describe(
      'A CSV of `seconds,recordsPerSecond`, relative to the scenario file; read when the scenario loads.',
    ),
  points: z
    .array(z.tuple([z.number().nonnegative(), z.number().nonnegative()]))
    .max(LIST_BOUNDS.points.max, { error: listBoundError(LIST_BOUNDS.points) })
    .optional()
    .describe("The trace's points, `[seconds, recordsPerSecond]`, sorted by time (filled from `file`)."),
  scale: z.number().positive().default(1).describe('Multiplies every rate of the trace.'),
});

/** A rate profile, or a plain rate as shorthand for a constant one. */
export const rateProfile = z
  .union([
    rate,
    z.discriminatedUnion('profile', [
      constantProfile,
      rampProfile,
      stepProfile,
      spikeProfile,
      diurnalProfile,
      traceProfile,
    ]),
  ])
  .transform((value) => ('profile' in value ? value : { profile: 'constant' as const, rate: value }));

// ---------------------------------------------------------------------------------------------
// Record sizes (the data blob; the partition key is counted separately)

/** A record's data size: at least one byte (a record cannot be empty). */
const recordBytes = size.refine((v) => v < 0 || v >= 1, { error: 'a record size is at least 1 byte' });

const fixedSize = z.strictObject({ dist: z.literal('fixed'), size: recordBytes });
const uniformSize = z.strictObject({ dist: z.literal('uniform'), min: recordBytes, max: recordBytes });
const lognormalSize = z.strictObject({
  dist: z.literal('lognormal'),
  median: size.refine((v) => v > 0, { error: 'a median size must be above 0 bytes' }),
  p99: size.describe('The 99th percentile; sets the spread.'),
  max: size
    .optional()
    .describe(
      "Records are capped here (default: the stream's maximum record size less the longest partition key).",
    ),
});
const weightedSize = z.strictObject({
  dist: z.literal('weighted'),
  sizes: z
    .array(z.strictObject({ size: recordBytes, weight: z.number().positive() }))
    .min(1)
    .max(LIST_BOUNDS.weightedSizes.max, { error: listBoundError(LIST_BOUNDS.weightedSizes) }),
});

/** A record-size distribution, or a plain size as shorthand for a fixed one. */
export const recordSize = z
  .union([recordBytes, z.discriminatedUnion('dist', [fixedSize, uniformSize, lognormalSize, weightedSize])])
  .transform((value) => (typeof value === 'number' ? { dist: 'fixed' as const, size: value } : value));

// ---------------------------------------------------------------------------------------------
// Partition keys

/** The largest hash key: 2^128 − 1. */
const MAX_HASH_KEY = BigInt('340282366920938463463374607431768211455');

/** Names keys from their index: `{i}` is replaced by the key's index (0-based). */
const template = z
  .string()
  .refine((t) => t.includes('{i}'), { error: 'a key template must contain {i}, e.g. "device-{i}"' })
  .default('key-{i}');

const uniformKeys = z.strictObject({ dist: z.literal('uniform'), count: positiveInt, template });
const zipfKeys = z.strictObject({
  dist: z.literal('zipf'),
  count: positiveInt,
  exponent: z
    .number()
    .nonnegative()
    .default(1)
    .describe('Key of rank r (1-based) carries weight 1/r^exponent.'),
  template,
});
const hotSetKeys = z.strictObject({
  dist: z.literal('hot-set'),
  count: positiveInt,
  hot: positiveInt.describe('How many keys are hot: the first `hot` keys.'),
  share: z
    .number()
    .min(0)
    .max(1)
    .describe('The share of all records the hot keys carry together, split evenly among them.'),
  template,
});
const weightedKeys = z.strictObject({
  dist: z.literal('weighted'),
  keys: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(256),
        weight: z.number().positive(),
        explicitHashKey: z
          .string()
          .regex(/^(0|[1-9]\d{0,38})$/, { error: 'expected a decimal integer 0 … 2^128−1' })
          .refine((text) => !/^\d+$/.test(text) || BigInt(text) <= MAX_HASH_KEY, {
            error: 'an explicit hash key is at most 2^128−1 (340282366920938463463374607431768211455)',
          })
          .optional()
          .describe(
            "Routes this key's records by an ExplicitHashKey (a decimal 128-bit integer) instead of its MD5.",
          ),
      }),
    )
    .min(1)
    .max(LIST_BOUNDS.weightedKeys.max, { error: listBoundError(LIST_BOUNDS.weightedKeys) }),
});
const uniqueKeys = z.strictObject({
  dist: z.literal('unique'),
  length: z.number().int().min(1).max(256).default(36).describe('Characters in each key (a UUID has 36).'),
});

export const keyDistribution = z.discriminatedUnion('dist', [
  uniformKeys,
  zipfKeys,
  hotSetKeys,
  weightedKeys,
  uniqueKeys,
]);

// ---------------------------------------------------------------------------------------------
// Producers

export const producer = z.strictObject({
  name: name.describe('Names the producer in plans and reports.'),
  instances: positiveInt
    .default(1)
    .describe('Processes sending together; the rate is the total over all of them.'),
  rate: rateProfile.describe('Records (or bytes) per second over time: a plain rate, or a profile.'),
  recordSize: recordSize.prefault('1KiB').describe('Data bytes per record (the partition key comes on top).'),
  keys: keyDistribution.prefault({ dist: 'unique' }).describe('How records pick partition keys.'),
  destination: z
    .string()
    .default('stream')
    .describe('`stream` (the default) or the name of a `direct-put` Firehose stream.'),
  batching: z
    .strictObject({
      maxRecords: z
        .number()
        .int()
        .min(1)
        .max(500)
        .default(500)
        .describe('Records per PutRecords request (1–500).'),
      maxBytes: size
        .prefault('10MiB')
        .describe('Bytes per PutRecords request, partition keys included (at most 10 MiB).'),
      linger: duration.prefault('100ms').describe('How long a batch may wait to fill before it is sent.'),
    })
    .prefault({}),
  aggregation: z
    .union([
      z.boolean(),
      z.strictObject({
        enabled: z.boolean().default(true),
        maxBytes: size
          .prefault('50KiB')
          .describe("Largest aggregated record (the KPL's AggregationMaxSize defaults to 51,200 bytes)."),
      }),
    ])
    .default(false)
    .describe('KPL-style aggregation of user records into Kinesis records: true, false, or { maxBytes }.')
    .transform((value) => (typeof value === 'boolean' ? { enabled: value, maxBytes: 51_200 } : value)),
  retry: z
    .strictObject({
      maxAttempts: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(3)
        .describe('Attempts per record, the first included.'),
      baseDelay: duration.prefault('100ms'),
      maxDelay: duration.prefault('20s'),
    })
    .prefault({}),
});
