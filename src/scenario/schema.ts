/**
 * The scenario schema: the one description of a scenario file. The TypeScript types, the defaults,
 * the JSON Schema (`shardcast schema`) and the README's field table all come from it.
 *
 * Written quantities (`10m`, `1.2KiB`, `5k/s`) are parsed here, at the edge: the output type holds
 * numbers in base units (bytes, seconds, per second). Rules that need AWS limits (record size
 * maximum, EFO consumers per stream, Firehose buffer ranges) live in `src/aws/checks.ts`.
 */
import { z } from 'zod';
import { NOT_FINITE } from './bounds.js';
import { PATTERNS, parseDuration, parseRate, parseSize, type Rate } from './units.js';

// ---------------------------------------------------------------------------------------------
// Quantities

function quantity<T>(kind: string, pattern: string, example: string, parse: (text: string) => T | undefined) {
  const expected = `${kind} such as ${example}`;
  return z
    .union([
      z
        .string({ error: `expected ${expected}` })
        .regex(new RegExp(pattern), { error: `expected ${expected}` }),
      z.number({ error: `expected ${expected}` }),
    ])
    .meta({ description: `${kind[0]!.toUpperCase()}${kind.slice(1)}, e.g. ${example}` })
    .transform((value, ctx): T | number => {
      if (typeof value === 'number') return value;
      const parsed = parse(value);
      if (parsed === undefined) {
        ctx.issues.push({ code: 'custom', message: `expected ${expected}`, input: value });
        return z.NEVER;
      }
      // `1e999KiB` matches the pattern and parses to Infinity: say so rather than "wrong type".
      if (!Number.isFinite(typeof parsed === 'number' ? parsed : (parsed as Rate).perSecond)) {
        ctx.issues.push({ code: 'custom', message: NOT_FINITE, input: value });
        return z.NEVER;
      }
      return parsed;
    });
}

/** A size in bytes: `1.2KiB`, `64MiB`, or a plain number of bytes. */
export const size = quantity('a size', PATTERNS.size, '1KiB, 64MiB or 512B', parseSize).pipe(
  z.number().nonnegative({ error: 'a size cannot be negative' }),
);
/** A duration in seconds: `250ms`, `10m`, `1h30m`, or a plain number of seconds. */
export const duration = quantity(
  'a duration',
  PATTERNS.duration,
  '250ms, 30s, 10m or 24h',
  parseDuration,
).pipe(z.number().nonnegative({ error: 'a duration cannot be negative' }));
/** A rate of records (`3000/s`, `5k/s`, a plain number) or of bytes (`5MiB/s`). */
export const rate = quantity(
  'a rate',
  PATTERNS.rate,
  '3000/s, 5k/s, 2M/s or 5MiB/s',
  (text): Rate | undefined => parseRate(text),
)
  .transform((value): Rate => (typeof value === 'number' ? { kind: 'records', perSecond: value } : value))
  .refine((r) => r.perSecond >= 0, { error: 'a rate cannot be negative' });
/** A rate of bytes per second only: `4.5MiB/s` or a plain number of bytes per second. */
export const byteRate = quantity('a byte rate', PATTERNS.byteRate, '4.5MiB/s or 500KB/s', (text) => {
  const parsed = parseRate(text);
  return parsed?.kind === 'bytes' ? parsed.perSecond : undefined;
}).pipe(z.number().nonnegative({ error: 'a rate cannot be negative' }));
/** A rate of records per second only: `5000/s`, `5k/s` or a plain number. */
export const recordRate = quantity('a record rate', PATTERNS.recordRate, '5000/s or 5k/s', (text) => {
  const parsed = parseRate(text);
  return parsed?.kind === 'records' ? parsed.perSecond : undefined;
}).pipe(z.number().nonnegative({ error: 'a rate cannot be negative' }));

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  error: 'expected a name of letters, digits, ".", "_" or "-" (it names files and AWS resources)',
});
const positiveInt = z.number().int().positive();

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
  steps: z.array(z.strictObject({ at: duration, rate })).min(1),
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
  sizes: z.array(z.strictObject({ size: recordBytes, weight: z.number().positive() })).min(1),
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
    .min(1),
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

const producer = z.strictObject({
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

// ---------------------------------------------------------------------------------------------
// Consumers

const pollingConsumer = z.strictObject({
  name: name.describe('Names the application.'),
  type: z.literal('polling'),
  instances: positiveInt.default(1),
  pollInterval: duration
    .default(1)
    .describe("Time between GetRecords calls on a shard (KCL's default is 1 s)."),
  maxRecordsPerCall: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(10_000)
    .describe('GetRecords `Limit` (1–10,000).'),
  processingRate: recordRate
    .optional()
    .describe('Records per second one instance processes; omitted means it keeps up with anything.'),
});
const efoConsumer = z.strictObject({
  name: name.describe('Names the application (its registered consumer).'),
  type: z.literal('enhanced-fan-out'),
  instances: positiveInt.default(1),
  processingRate: recordRate.optional(),
});
export const consumer = z.discriminatedUnion('type', [pollingConsumer, efoConsumer]);

// ---------------------------------------------------------------------------------------------
// Firehose

export const FIREHOSE_DESTINATIONS = [
  's3',
  'iceberg',
  'redshift',
  'opensearch',
  'opensearch-serverless',
  'splunk',
  'http-endpoint',
  'snowflake',
] as const;

const firehose = z.strictObject({
  name,
  source: z
    .enum(['stream', 'direct-put'])
    .default('stream')
    .describe(
      "`stream`: reads the scenario's stream (one more polling reader); `direct-put`: producers send to it.",
    ),
  destination: z.enum(FIREHOSE_DESTINATIONS).default('s3'),
  buffer: z
    .strictObject({ size: size.optional(), interval: duration.optional() })
    .prefault({})
    .describe(
      'Buffering hints; a flush happens at whichever is reached first. Defaults depend on the destination.',
    ),
  compressionRatio: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('Object bytes ÷ buffered bytes (0.25 for gzip on JSON logs); 1 means no compression.'),
  dynamicPartitions: positiveInt
    .optional()
    .describe('Active dynamic partitions the records spread over (S3 only); omitted means none.'),
  formatConversion: z
    .enum(['none', 'parquet', 'orc'])
    .default('none')
    .describe('Record format conversion to Parquet or ORC.'),
  deliveryTime: duration.prefault('1s').describe('Time to write an object once a buffer flushes.'),
});

// ---------------------------------------------------------------------------------------------
// Stream, events, pricing

const stream = z.strictObject({
  name: name
    .optional()
    .describe("The stream's name when the scenario runs against AWS (default: the scenario's name)."),
  mode: z.enum(['provisioned', 'on-demand']).default('provisioned'),
  shards: positiveInt
    .optional()
    .describe(
      "Shard count (provisioned; omitted: the plan's recommended count, which a run starts with); for on-demand, the shards the stream starts with, if known.",
    ),
  retention: duration.prefault('24h'),
  maxRecordSize: size
    .prefault('1MiB')
    .describe("The stream's MaxRecordSizeInKiB (1 MiB by default, up to 10 MiB)."),
  shardOperationTime: duration
    .prefault('30s')
    .describe('Time per shard split or merge during a reshard (docs/aws-facts.md, "Reshard duration").'),
  onDemand: z
    .strictObject({
      advantage: z
        .boolean()
        .default(false)
        .describe('On-demand Advantage (account-level billing mode) rather than Standard.'),
      previousPeak: z
        .strictObject({ bytesPerSecond: byteRate.optional(), recordsPerSecond: recordRate.optional() })
        .optional()
        .describe(
          "Peak write of the previous 30 days; a new stream's capacity (4 MiB/s, 4,000 records/s) is the floor.",
        ),
    })
    .prefault({}),
});

const event = z.strictObject({
  at: duration,
  reshard: z.strictObject({ shards: positiveInt }).describe('UpdateShardCount to this many shards.'),
});

// ---------------------------------------------------------------------------------------------
// The engine model

const engine = z.strictObject({
  tick: duration
    .prefault('100ms')
    .pipe(
      z
        .number()
        .min(0.001, { error: 'a tick is at least 1ms' })
        .max(1, { error: "a tick is at most 1s (the token buckets hold one second's worth)" }),
    )
    .describe(
      'Virtual time step of the engine model; per-second limits are enforced with token buckets refilled every tick.',
    ),
  initialBurst: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "Capacity a shard (or a Direct PUT quota) has at the start beyond its limit, as a fraction of its token bucket: 0, the default (AWS documents no initial credit), admits at most the limit in the first second; 1 adds a full bucket (one second's worth, or the 10 MiB large-record bucket), as for a stream idle before the run.",
    ),
  serviceTime: z
    .strictObject({
      median: duration.prefault('20ms'),
      p99: duration.prefault('120ms'),
    })
    .prefault({})
    .describe(
      'Time one PutRecords attempt takes, a lognormal (an assumption: AWS publishes no latency figure; measure yours and set it).',
    ),
});

// ---------------------------------------------------------------------------------------------
// The scenario

export const scenarioSchema = z
  .strictObject({
    name: name.describe("The scenario's name: names report folders and, against AWS, the stream."),
    description: z.string().optional().describe('What the scenario models, in a sentence.'),
    region: z
      .string()
      .default('us-east-1')
      .describe('AWS region: sets the Direct PUT quota and which prices apply.'),
    duration: duration
      .prefault('1h')
      .refine((v) => v > 0, { error: 'a duration must be longer than 0s' })
      .describe('How long the traffic runs.'),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(4_294_967_295, { error: 'a seed is at most 4294967295 (32 bits)' })
      .default(1)
      .describe("Seed of the engine model's random numbers."),
    stream: stream.prefault({}).describe('The Kinesis data stream.'),
    producers: z
      .array(producer)
      .min(1, { error: 'a scenario needs at least one producer' })
      .describe('Who writes, how fast, how big, with which partition keys.'),
    consumers: z.array(consumer).default([]).describe('Consumer applications reading the stream.'),
    firehose: z.array(firehose).default([]).describe('Firehose delivery streams.'),
    events: z.array(event).default([]).describe('Things that happen during the run, in time order.'),
    engine: engine
      .prefault({})
      .describe('Settings of the built-in engine model (`shardcast run --target model`).'),
    headroom: z.number().min(0).max(10).default(0.2).describe('Plan for peak × (1 + headroom).'),
    pricing: z
      .record(z.string(), z.number().nonnegative())
      .default({})
      .describe('Price overrides by name (see `shardcast facts`), in USD.'),
    gates: z
      .array(z.string())
      .default([])
      .describe('Gate expressions over plan and run metrics, e.g. `cost.monthly.provisioned < 1500`.'),
  })
  .superRefine((s, ctx) => {
    checkUniqueNames(ctx, 'producers', s.producers);
    checkUniqueNames(ctx, 'consumers', s.consumers);
    checkUniqueNames(ctx, 'firehose', s.firehose);
    const directPut = new Set(s.firehose.filter((f) => f.source === 'direct-put').map((f) => f.name));
    s.producers.forEach((p, i) => {
      if (p.destination !== 'stream' && !directPut.has(p.destination)) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'destination'],
          message: `"${p.destination}" is neither "stream" nor a direct-put Firehose stream of this scenario`,
          input: p.destination,
        });
      }
    });
    s.firehose.forEach((f, i) => {
      if (f.source === 'direct-put' && !s.producers.some((p) => p.destination === f.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['firehose', i, 'source'],
          message: `direct-put Firehose stream "${f.name}" has no producer: set a producer's destination to "${f.name}"`,
          input: f.source,
        });
      }
      if (f.dynamicPartitions !== undefined && f.destination !== 's3') {
        ctx.addIssue({
          code: 'custom',
          path: ['firehose', i, 'dynamicPartitions'],
          message: `dynamic partitioning is only available for the s3 destination, not ${f.destination}`,
          input: f.dynamicPartitions,
        });
      }
    });
    s.events.forEach((e, i) => {
      if (e.at > s.duration) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'at'],
          message: `the event is at ${e.at} s, after the end of the run (duration ${s.duration} s)`,
          input: e.at,
        });
      }
      if (s.stream.mode === 'on-demand') {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'reshard'],
          message: 'an on-demand stream scales itself: reshard events need mode: provisioned',
          input: e.reshard,
        });
      }
      const previous = s.events[i - 1];
      if (previous !== undefined && e.at < previous.at) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'at'],
          message: 'events must be in time order',
          input: e.at,
        });
      }
    });
    s.producers.forEach((p, i) => {
      const r = p.recordSize;
      if (r.dist === 'uniform' && r.min > r.max) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'recordSize', 'min'],
          message: 'min is above max',
          input: r.min,
        });
      }
      if (r.dist === 'lognormal' && r.p99 < r.median) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'recordSize', 'p99'],
          message: 'p99 is below the median',
          input: r.p99,
        });
      }
      const k = p.keys;
      if (k.dist === 'hot-set' && k.hot > k.count) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'keys', 'hot'],
          message: `more hot keys (${k.hot}) than keys (${k.count})`,
          input: k.hot,
        });
      }
      if (k.dist === 'hot-set' && k.hot === k.count && k.share < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'keys', 'share'],
          message: 'every key is hot: share must be 1',
          input: k.share,
        });
      }
      const t = p.rate;
      if (t.profile === 'trace' && t.points !== undefined) {
        const points = t.points;
        points.forEach((point, j) => {
          const before = points[j - 1];
          if (before !== undefined && point[0] <= before[0]) {
            ctx.addIssue({
              code: 'custom',
              path: ['producers', i, 'rate', 'points', j],
              message: `trace points must be in strictly increasing time: ${point[0]} s comes after ${before[0]} s`,
              input: point,
            });
          }
        });
      }
      if (t.profile === 'trace' && (t.file === undefined) === (t.points === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'rate'],
          message: 'a trace needs exactly one of file or points',
          input: t,
        });
      }
      if (p.retry.baseDelay > p.retry.maxDelay) {
        ctx.addIssue({
          code: 'custom',
          path: ['producers', i, 'retry', 'baseDelay'],
          message: 'baseDelay is above maxDelay',
          input: p.retry.baseDelay,
        });
      }
    });
  });

function checkUniqueNames(ctx: z.RefinementCtx, field: string, items: readonly { name: string }[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [field, i, 'name'],
        message: `duplicate name "${item.name}"`,
        input: item.name,
      });
    }
    seen.add(item.name);
  });
}

/** A scenario as written (before defaults and unit parsing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario: defaults filled, quantities in base units (bytes, seconds, per second). */
export type Scenario = z.output<typeof scenarioSchema>;
export type Producer = Scenario['producers'][number];
export type Consumer = Scenario['consumers'][number];
export type FirehoseStream = Scenario['firehose'][number];
export type ReshardEvent = Scenario['events'][number];
export type RateProfile = Producer['rate'];
export type RecordSizeDistribution = Producer['recordSize'];
export type KeyDistribution = Producer['keys'];
export type StreamConfig = Scenario['stream'];
