/**
 * The zod schema of RunResult: what `parseResult` accepts and the key order `serializeResult` writes.
 * It mirrors `types.ts`; a compile-time check below fails when the two drift apart.
 */
import { z } from 'zod';
import { decodeHistogram } from './histogram.js';
import { RESULT_VERSION, type RunResult } from './types.js';

/** Counts, sizes, times and ratios: every number in a result is finite and never negative. */
const amount = z.number().nonnegative();
const perSecond = z.array(amount);
const named = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

export const encodedHistogramSchema = z
  .object({
    encoded: z.string().min(1),
    count: amount,
    minUs: amount,
    maxUs: amount,
    clamped: amount,
  })
  .superRefine((h, ctx) => {
    if (h.minUs > h.maxUs) {
      ctx.addIssue({
        code: 'custom',
        path: ['minUs'],
        message: `minUs ${h.minUs} is above maxUs ${h.maxUs}`,
      });
    }
    try {
      const histogram = decodeHistogram(h);
      const total = histogram.totalCount;
      histogram.destroy();
      if (total !== h.count) {
        ctx.addIssue({
          code: 'custom',
          path: ['count'],
          message: `the histogram holds ${total} values but count is ${h.count}`,
        });
      }
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['encoded'],
        message: `not an HDR histogram in compressed base64 (${(error as Error).message})`,
      });
    }
  });

export const runResultSchema = z.object({
  version: z.literal(RESULT_VERSION),
  header: z.object({
    runId: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    wallSeconds: amount,
    shardcastVersion: z.string(),
  }),
  scenario: z.object({
    name: z.string(),
    seed: z.number(),
    durationSeconds: amount,
    tickSeconds: amount,
    target: z.string(),
    hash: z.string().optional(),
    shardsFromPlan: z.number().int().positive().optional(),
    overrides: z.array(z.string()).optional(),
  }),
  counters: z.object({
    produced: amount,
    acknowledged: amount,
    throttled: amount,
    attempts: amount,
    retried: amount,
    dropped: amount,
    pendingAtEnd: amount,
    putRequests: amount,
    delivered: named(amount),
    firehose: named(
      z.object({ records: amount, bytes: amount, objects: amount, objectBytes: amount, throttled: amount }),
    ),
  }),
  series: z.object({
    offered: perSecond,
    acknowledged: perSecond,
    throttled: perSecond,
    retried: perSecond,
    dropped: perSecond,
    writeBytes: perSecond,
    shards: perSecond,
    consumerLagSeconds: named(perSecond),
    delivered: named(perSecond),
    firehoseObjects: named(perSecond),
    latency: z
      .object({
        put: z.object({ p50: perSecond, p99: perSecond }),
        e2e: z.object({ p50: perSecond, p99: perSecond }),
      })
      .optional(),
    firehoseFullestBufferBytes: named(perSecond).optional(),
    writeRecords: perSecond.optional(),
    requests: perSecond.optional(),
    scheduled: perSecond.optional(),
  }),
  shardSeries: z.object({
    stepSeconds: z.number().positive(),
    all: z.array(z.array(amount.nullable())),
    hottest: z.array(z.object({ shard: z.number().int().nonnegative(), utilization: perSecond })),
    hottestStepSeconds: z.number().int().positive().optional(),
  }),
  histograms: z.object({
    putLatency: encodedHistogramSchema,
    e2eLatency: encodedHistogramSchema,
    consumerLag: encodedHistogramSchema,
    firehoseDeliveryLatency: named(encodedHistogramSchema),
  }),
  metrics: z.record(z.string(), z.number()),
  target: z
    .object({
      name: z.string(),
      details: z.record(z.string(), z.string()),
      measures: z.array(z.string()),
      metrics: z.record(z.string(), z.number()),
      resources: z.array(z.string()),
    })
    .optional(),
  aborted: z
    .object({
      reason: z.string(),
      secondsDone: z.number().nonnegative(),
      durationSeconds: z.number().positive().optional(),
    })
    .optional(),
});

/** Identical types, not merely assignable ones. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Fails to compile when types.ts and the schema above describe different results.
const schemaMatchesType: Equals<z.infer<typeof runResultSchema>, RunResult> = true;
void schemaMatchesType;
