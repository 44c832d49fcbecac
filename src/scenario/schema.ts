/**
 * The scenario schema: the one description of a scenario file. The TypeScript types, the defaults,
 * the JSON Schema (`shardcast schema`) and the README's field table all come from it. Its parts:
 * quantities and names (`schema-quantities.ts`), producers (`schema-producer.ts`), and here the
 * consumers, Firehose, the stream, events, the engine model and the scenario with its cross-field rules.
 *
 * Written quantities (`10m`, `1.2KiB`, `5k/s`) are parsed here, at the edge: the output type holds
 * numbers in base units (bytes, seconds, per second). Rules that need AWS limits (record size
 * maximum, EFO consumers per stream, Firehose buffer ranges) live in `src/aws/checks.ts`.
 */
import { z } from 'zod';
import { LIST_BOUNDS, listBoundError } from './limits.js';
import { producer } from './schema-producer.js';
import { byteRate, duration, name, positiveInt, recordRate, size } from './schema-quantities.js';

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
      .max(LIST_BOUNDS.producers.max, { error: listBoundError(LIST_BOUNDS.producers) })
      .describe('Who writes, how fast, how big, with which partition keys.'),
    consumers: z
      .array(consumer)
      .max(LIST_BOUNDS.consumers.max, { error: listBoundError(LIST_BOUNDS.consumers) })
      .default([])
      .describe('Consumer applications reading the stream.'),
    firehose: z
      .array(firehose)
      .max(LIST_BOUNDS.firehose.max, { error: listBoundError(LIST_BOUNDS.firehose) })
      .default([])
      .describe('Firehose delivery streams.'),
    events: z
      .array(event)
      .max(LIST_BOUNDS.events.max, { error: listBoundError(LIST_BOUNDS.events) })
      .default([])
      .describe('Things that happen during the run, in time order.'),
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
      .max(LIST_BOUNDS.gates.max, { error: listBoundError(LIST_BOUNDS.gates) })
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
