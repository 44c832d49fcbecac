/**
 * `paced`: a real implementation of the Target contract for tests, standing in for the AWS and
 * HTTP targets of later releases. It gets its figures from the engine model (so its result is a
 * whole, valid RunResult), then replays them second by second with real timers: one sample per
 * second of the run every `msPerSecond` milliseconds, stopped by its `signal` like a real target
 * stops its producers. It records every call (prepare, run, cleanup, with their order) so tests can
 * check the pipeline's lifecycle, measures only the producer side (no shards, no consumers), can
 * run a share, and has options with command-line flags, as the AWS target will.
 */
import { z } from 'zod';
import type { SecondSample } from '../../src/result/live.js';
import { RunRecorder } from '../../src/result/recorder.js';
import type { RunResult } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { sleep } from '../../src/targets/clock.js';
import { modelTarget } from '../../src/targets/model.js';
import type { DryRunReport, Target, TargetContext, TargetShare } from '../../src/targets/target.js';

export const pacedOptions = z.strictObject({
  /** Milliseconds of wall time per second of the run. */
  msPerSecond: z.coerce.number().int().min(0).max(1000).default(0),
  /** Throws from `run` after this many seconds (a target that lost its endpoint). */
  failAfter: z.coerce.number().int().min(0).optional(),
  /** Throws from `cleanup` (a stream that could not be deleted). */
  cleanupFails: z.boolean().default(false),
  /** Stands for a real target's region: checked against a pattern, as the AWS target will. */
  region: z
    .string()
    .regex(/^[a-z]{2}-[a-z]+-\d$/, { error: 'expected an AWS region such as eu-west-1' })
    .default('us-east-1'),
});
export type PacedOptions = z.infer<typeof pacedOptions>;

/** What a paced target saw: its calls in order, and what it was given. */
export interface PacedLog {
  calls: string[];
  contexts: TargetContext<PacedOptions>[];
  samples: SecondSample[];
}

/** One second of a RunResult's series, as a target would have observed it live. */
export function sampleAt(result: RunResult, second: number): SecondSample {
  const s = result.series;
  const at = (values: readonly number[] | undefined) => values?.[second] ?? 0;
  const each = (byName: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(byName).map(([name, values]) => [name, at(values)]));
  return {
    second,
    offered: at(s.offered),
    acknowledged: at(s.acknowledged),
    throttled: at(s.throttled),
    retried: at(s.retried),
    dropped: at(s.dropped),
    writeBytes: at(s.writeBytes),
    writeRecords: at(s.writeRecords),
    shards: at(s.shards),
    consumerLagSeconds: each(s.consumerLagSeconds),
    delivered: each(s.delivered),
    firehoseObjects: each(s.firehoseObjects),
    latency: {
      put: { p50: at(s.latency?.put.p50), p99: at(s.latency?.put.p99) },
      e2e: { p50: at(s.latency?.e2e.p50), p99: at(s.latency?.e2e.p99) },
    },
  };
}

/**
 * What a paced target can do beyond the base contract, as issue 12's AWS target does: a partial
 * result after an abort (the seconds it replayed, through a `RunRecorder` as a real target records
 * them), its own metrics (integrity per application, requests, HTTP statuses, SDK retries: figures
 * from the model's result, as a real target counts its own) with a `target` section, a dry run.
 */
export interface PacedFeatures {
  partial?: boolean;
  own?: boolean;
  dryRun?: DryRunReport;
}

/** The metrics a paced target with `own` adds, from the result it replays. */
function ownMetricsOf(result: RunResult): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [app, delivered] of Object.entries(result.counters.delivered)) {
    // Every record acknowledged and read once: none missing, duplicated or out of order.
    metrics[`integrity.${app}.delivered`] = delivered;
    metrics[`integrity.${app}.missing`] = 0;
    metrics[`integrity.${app}.duplicates`] = 0;
    metrics[`integrity.${app}.outOfOrder`] = 0;
  }
  metrics['requests.PutRecords.ok'] = result.counters.putRequests;
  metrics['http.status.200'] = result.counters.putRequests;
  metrics['sdk.retries'] = result.counters.retried;
  return metrics;
}

/** `result` with the target's section and own metrics, as a real target's session builds it. */
function withTarget(result: RunResult, context: TargetContext<PacedOptions>): RunResult {
  const own = ownMetricsOf(result);
  return {
    ...result,
    metrics: { ...result.metrics, ...own },
    target: {
      name: 'paced',
      details: { region: context.options.region, pace: `${context.options.msPerSecond} ms a second` },
      measures: [...PACED_MEASURES],
      metrics: own,
      resources: [`deleted stream shardcast-${context.header.runId}`],
    },
  };
}

/** What a producer-side target sees: its own puts, not the shards nor the consumers. */
const PACED_MEASURES = [
  'records.*',
  'lostRecords',
  'throttledRatio',
  'putRequests',
  'putLatency.*',
  'throughput.**',
] as const;

export function pacedTarget(
  log: PacedLog = { calls: [], contexts: [], samples: [] },
  features: PacedFeatures = {},
): Target<PacedOptions> & {
  log: PacedLog;
} {
  return {
    ...(features.own
      ? {
          ownMetrics: (scenario: Scenario) => [
            ...scenario.consumers.map((c) => `integrity.${c.name}.*`),
            'requests.*.*',
            'http.status.*',
            'sdk.retries',
          ],
        }
      : {}),
    ...(features.dryRun === undefined
      ? {}
      : {
          dryRun: async (context: TargetContext<PacedOptions>) => {
            log.calls.push('dryRun');
            log.contexts.push(context);
            return features.dryRun!;
          },
        }),
    name: 'paced',
    log,
    describe: () => 'the engine model replayed at a wall-clock pace, for tests',
    options: pacedOptions,
    flags: [
      {
        name: 'ms-per-second',
        option: 'msPerSecond',
        type: 'string',
        description: 'wall milliseconds per second of the run',
      },
      {
        name: 'fail-after',
        option: 'failAfter',
        type: 'string',
        description: 'fail after this many seconds',
      },
      { name: 'cleanup-fails', option: 'cleanupFails', type: 'boolean', description: 'make cleanup throw' },
      { name: 'region', option: 'region', type: 'string', description: 'a region, checked as an AWS one' },
    ],
    // What a producer-side target sees: its own puts, not the shards nor the consumers.
    measures: PACED_MEASURES,
    supportsShares: true,
    prepare: async (context) => {
      log.calls.push(`prepare ${context.share.index}/${context.share.count}`);
      log.contexts.push(context);
      // The seconds replayed so far, recorded as a real target records its own.
      let recorder: RunRecorder | undefined;
      let replayed: RunResult | undefined;
      const partial = () => {
        if (recorder === undefined || replayed === undefined) return undefined;
        log.calls.push('partial');
        const built = recorder.buildPartial({
          header: replayed.header,
          scenario: { ...replayed.scenario, target: 'paced' },
          pendingAtEnd: 0,
          firehose: {},
        });
        return built === undefined || !features.own ? built : withTarget(built, context);
      };
      return {
        ...(features.partial ? { partial } : {}),
        run: async () => {
          log.calls.push('run');
          const session = await modelTarget.prepare({
            ...context,
            options: {},
            onProgress: undefined,
            onSample: undefined,
          });
          const result = await session.run();
          replayed = result;
          recorder = new RunRecorder({
            seconds: context.durationSeconds,
            consumers: Object.keys(result.series.consumerLagSeconds),
            firehoses: Object.keys(result.series.firehoseObjects),
          });
          for (let second = 0; second < context.durationSeconds; second += 1) {
            await sleep(context.options.msPerSecond, context.signal);
            if (context.options.failAfter !== undefined && second >= context.options.failAfter) {
              throw new Error(`endpoint unreachable after ${second} s`);
            }
            const sample = sampleAt(result, second);
            recorder.addSecond(sample);
            log.samples.push(sample);
            context.onSample?.(sample);
            context.onProgress?.((second + 1) / context.durationSeconds);
          }
          log.calls.push('ran');
          return features.own ? withTarget(result, context) : result;
        },
        cleanup: async () => {
          log.calls.push('cleanup');
          if (context.options.cleanupFails) throw new Error('DeleteStream: AccessDenied');
          return [`deleted stream shardcast-${context.header.runId}`];
        },
      };
    },
  };
}

/** `2/4` (1-based, as `--worker` writes it) for a share. */
export function shareText(share: TargetShare): string {
  return `${share.index + 1}/${share.count}`;
}
