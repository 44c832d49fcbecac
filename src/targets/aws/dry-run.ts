/**
 * `run --target aws --dry-run`: every control-plane call the run would make, in order and with its
 * arguments, the data-plane requests it would send, and the cost estimate, without a single network
 * call (no client is even made: the SDK's credential chain may read the instance metadata service).
 * The run's refusal by the cost guard is reported as `refusal` (the CLI then exits 2); the checks
 * on `--stream` throw as `prepare` does.
 *
 * Expected data-plane requests, integrated over the run by trapezoids on each profile's breakpoints:
 * - PutRecords (PutRecordBatch for direct-put): `putRequestsPerSecond` (aws/behaviour.ts), the
 *   rule the engine batches by: a batch leaves full or after the linger time, whichever is first;
 * - GetRecords: per shard, each polling application's 1 / pollInterval calls a second, shared within
 *   the shard's 5 a second (`getRecordsCallRates`), times the shards in force;
 * - SubscribeToShard: per enhanced fan-out application and shard, one subscription per started
 *   5 minutes (a subscription lasts 5 minutes), for the shards open at the start and for each
 *   reshard's new shards from its time.
 */
import { getRecordsCallRates, putRequestsPerSecond } from '../../aws/behaviour.js';
import { FIREHOSE, KINESIS } from '../../aws/facts.js';
import { greedySequence } from '../../aws/reshard-calls.js';
import { planScenario } from '../../planner/index.js';
import { rateAt, sampleTimes } from '../../scenario/profiles.js';
import { meanRecordBytes } from '../../scenario/record-size.js';
import type { Producer, Scenario } from '../../scenario/schema.js';
import { formatNumber, formatSeconds } from '../../scenario/units.js';
import type { DryRunReport, TargetContext } from '../target.js';
import { isLocalEndpoint } from './clients.js';
import { costLines, costRefusal, runCostOf } from './cost.js';
import type { AwsOptions } from './options.js';
import {
  awsOnlyProblems,
  bufferingHints,
  consumerNameFor,
  deliveryStreamNameFor,
  existingStreamProblems,
  firehoseDestination,
  refuseProblems,
  runTags,
  streamNameFor,
  streamNeeded,
} from './resource-rules.js';
import { keptLinesFor, WAIT_LIMITS_MS } from './resources.js';

/** A subscription to a shard lasts 5 minutes (API-K, SubscribeToShard): then the consumer resubscribes. */
export const SUBSCRIPTION_SECONDS = 300;

/** ∫₀^duration f(t) dt by trapezoids on the producer's breakpoints and a regular grid. */
function integrate(producer: Producer, durationSeconds: number, f: (t: number) => number): number {
  const times = sampleTimes([producer.rate], durationSeconds);
  let sum = 0;
  for (let i = 1; i < times.length; i++)
    sum += ((f(times[i - 1]!) + f(times[i]!)) / 2) * (times[i]! - times[i - 1]!);
  return sum;
}

/** Shards in force over the run: the start's, then each reshard event's from its time. */
function shardSegments(scenario: Scenario, durationSeconds: number, initial: number) {
  const segments: { from: number; to: number; shards: number }[] = [];
  let from = 0;
  let shards = initial;
  for (const e of scenario.events) {
    if (e.at >= durationSeconds) break;
    segments.push({ from, to: e.at, shards });
    from = e.at;
    shards = e.reshard.shards;
  }
  segments.push({ from, to: durationSeconds, shards });
  return segments.filter((s) => s.to > s.from);
}

/** The data-plane requests a run would send, one line each. */
export function dataPlaneLines(
  scenario: Scenario,
  durationSeconds: number,
  keyBytes: ReadonlyMap<string, number>,
): string[] {
  const lines: string[] = [];
  for (const p of scenario.producers) {
    const mean = meanRecordBytes(p.recordSize);
    const toStream = p.destination === 'stream';
    const api = toStream
      ? { maxRecords: KINESIS.putRecordsMaxRecords.value, maxBytes: KINESIS.putRecordsMaxBytes.value }
      : {
          maxRecords: FIREHOSE.putRecordBatchMaxRecords.value,
          maxBytes: FIREHOSE.putRecordBatchMaxBytes.value,
        };
    const recordBytes = mean + (toStream ? (keyBytes.get(p.name) ?? 0) : 0);
    const records = integrate(p, durationSeconds, (t) => rateAt(p.rate, t, mean));
    const requests = integrate(p, durationSeconds, (t) =>
      putRequestsPerSecond(p.batching, p.instances, rateAt(p.rate, t, mean), recordBytes, api),
    );
    lines.push(
      `${toStream ? 'PutRecords' : 'PutRecordBatch'}: about ${formatNumber(Math.round(requests))} requests carrying ${formatNumber(Math.round(records))} records from producer ${p.name} to ${toStream ? 'the stream' : `Firehose ${p.destination}`}${p.retry.maxAttempts > 1 ? `, plus retries (up to ${p.retry.maxAttempts} attempts a record)` : ''}`,
    );
  }
  const initial = scenario.stream.shards ?? 1;
  const segments = shardSegments(scenario, durationSeconds, initial);
  const pollers = scenario.consumers.filter((c) => c.type === 'polling');
  const readers = [
    ...pollers.map((c) => ({ name: `application ${c.name}`, wanted: 1 / Math.max(c.pollInterval, 1e-3) })),
    ...scenario.firehose
      .filter((f) => f.source === 'stream')
      .map((f) => ({ name: `Firehose ${f.name}`, wanted: FIREHOSE.streamSourcePollsPerSecond.value })),
  ];
  const rates = getRecordsCallRates(readers.map((r) => r.wanted));
  readers.forEach((r, i) => {
    const calls = segments.reduce((a, s) => a + rates[i]! * s.shards * (s.to - s.from), 0);
    lines.push(
      `GetRecords: about ${formatNumber(Math.round(calls))} calls by ${r.name} (${formatNumber(rates[i]!)} a second per shard)`,
    );
  });
  for (const c of scenario.consumers) {
    if (c.type !== 'enhanced-fan-out') continue;
    // The shards of the start, and each reshard's new ones, from their time to the end (a parent's
    // subscriptions after it closes are counted too: an upper bound).
    const subscriptions = segments.reduce(
      (a, s) => a + s.shards * Math.ceil((durationSeconds - s.from) / SUBSCRIPTION_SECONDS),
      0,
    );
    lines.push(
      `SubscribeToShard: about ${formatNumber(subscriptions)} subscriptions by application ${c.name} (one a shard each 5 min)`,
    );
  }
  return lines;
}

/** The dry run of `awsTarget` (see the module comment). */
export async function awsDryRun(context: TargetContext<AwsOptions>): Promise<DryRunReport> {
  const { scenario, options, durationSeconds } = context;
  refuseProblems([...existingStreamProblems(scenario, options), ...awsOnlyProblems(scenario, options)]);
  const runId = context.header.runId;
  const plan = context.plan ?? planScenario(scenario);
  const estimate = runCostOf({ ...context, plan });
  const region = options.region ?? (options.endpoint === undefined ? 'from the SDK chain' : 'us-east-1');
  const where = options.endpoint ?? 'AWS';
  const lines: string[] = [
    `dry run: no network call is made. Run ${runId} against ${where} (region ${region})${isLocalEndpoint(options.endpoint) ? '' : options.yes ? ', --yes given' : ', to be confirmed (or --yes)'}`,
    ...costLines(estimate, options),
    'control plane, in order:',
  ];
  const calls: string[] = [];
  const call = (text: string) => calls.push(text);
  const wait = (what: string, limitMs: number) =>
    call(`  ${what} (polled every 50 ms, doubling to 1 s, for at most ${formatSeconds(limitMs / 1000)})`);
  call('ListStreams Limit=1 (proves the credentials and the endpoint; nothing is created if it fails)');
  const tags = runTags(runId, context.header.shardcastVersion, new Date(context.header.startedAt));
  const tagText = Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const needsStream = streamNeeded(scenario);
  const streamName = options.stream ?? streamNameFor(scenario, runId);
  if (options.stream !== undefined) {
    call(
      `DescribeStreamSummary StreamName=${streamName} (the existing stream: used, never changed or deleted)`,
    );
  } else if (needsStream) {
    const onDemand = scenario.stream.mode === 'on-demand';
    call(
      `CreateStream StreamName=${streamName}${onDemand ? '' : ` ShardCount=${scenario.stream.shards ?? 1}`} StreamModeDetails={StreamMode=${onDemand ? 'ON_DEMAND' : 'PROVISIONED'}}${scenario.stream.maxRecordSize > KINESIS.defaultMaxRecordBytes.value ? ` MaxRecordSizeInKiB=${Math.ceil(scenario.stream.maxRecordSize / 1024)}` : ''} Tags={${tagText}}`,
    );
    wait(`DescribeStreamSummary StreamName=${streamName} until StreamStatus=ACTIVE`, WAIT_LIMITS_MS.stream);
    call(
      `ListTagsForStream StreamName=${streamName} (AddTagsToStream with the same tags if the endpoint dropped them)`,
    );
  }
  for (const c of scenario.consumers) {
    if (c.type !== 'enhanced-fan-out') continue;
    call(`RegisterStreamConsumer StreamARN=<${streamName}'s ARN> ConsumerName=${consumerNameFor(c.name)}`);
    wait(`DescribeStreamConsumer ConsumerARN=<its ARN> until ConsumerStatus=ACTIVE`, WAIT_LIMITS_MS.consumer);
  }
  for (const f of scenario.firehose) {
    const name = deliveryStreamNameFor(f.name, runId);
    const hints = bufferingHints(f);
    const to = firehoseDestination(options, runId, f.name);
    call(
      `CreateDeliveryStream DeliveryStreamName=${name} DeliveryStreamType=${f.source === 'stream' ? `KinesisStreamAsSource KinesisStreamSourceConfiguration={KinesisStreamARN=<${streamName}'s ARN>, RoleARN=${to.roleArn}}` : 'DirectPut'} ExtendedS3DestinationConfiguration={RoleARN=${to.roleArn}, BucketARN=${to.bucketArn}, Prefix=${to.prefix}, BufferingHints={SizeInMBs=${hints.SizeInMBs}, IntervalInSeconds=${hints.IntervalInSeconds}}, CompressionFormat=UNCOMPRESSED} Tags={${tagText}}`,
    );
    wait(
      `DescribeDeliveryStream DeliveryStreamName=${name} until DeliveryStreamStatus=ACTIVE`,
      WAIT_LIMITS_MS.deliveryStream,
    );
  }
  if (needsStream) call(`ListShards StreamName=${streamName} (every page)`);
  let shards = scenario.stream.shards ?? 1;
  for (const e of scenario.events) {
    if (e.at >= durationSeconds) {
      call(
        `(reshard at ${formatSeconds(e.at)} is after the run's ${formatSeconds(durationSeconds)}: not made)`,
      );
      continue;
    }
    for (const count of greedySequence(shards, e.reshard.shards)) {
      call(
        `at ${formatSeconds(e.at)}: UpdateShardCount StreamName=${streamName} TargetShardCount=${count} ScalingType=UNIFORM_SCALING, DescribeStreamSummary until ACTIVE, ListShards`,
      );
    }
    shards = e.reshard.shards;
  }
  const drain = `after the run and the drain (up to ${formatSeconds(options.drain)}):`;
  if (options.keep) {
    call(`${drain} nothing deleted (--keep); left:`);
    for (const line of keptLinesFor(scenario, options, runId)) call(`  ${line}`);
  } else {
    call(`${drain} deleting what was created, newest first`);
    for (const f of [...scenario.firehose].reverse())
      call(`  DeleteDeliveryStream DeliveryStreamName=${deliveryStreamNameFor(f.name, runId)}`);
    for (const c of [...scenario.consumers].reverse()) {
      if (c.type === 'enhanced-fan-out')
        call(
          `  DeregisterStreamConsumer ConsumerARN=<${consumerNameFor(c.name)}'s ARN>, DescribeStreamConsumer until it is gone`,
        );
    }
    if (options.stream === undefined && needsStream)
      call(
        `  DeleteStream StreamName=${streamName} EnforceConsumerDeletion=false, DescribeStreamSummary until it is gone`,
      );
  }
  let n = 0;
  for (const c of calls) lines.push(c.startsWith('  ') ? `     ${c}` : `  ${String(++n).padStart(2)}. ${c}`);
  const keyBytes = new Map(plan.traffic.producers.map((p) => [p.name, p.meanKeyBytes]));
  lines.push(`data plane, over the run's ${formatSeconds(durationSeconds)}:`);
  for (const l of dataPlaneLines(scenario, durationSeconds, keyBytes)) lines.push(`  ${l}`);
  const refusal = costRefusal(estimate, options);
  return refusal === undefined ? { lines } : { lines, refusal };
}
