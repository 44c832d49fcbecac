/**
 * The `aws` target: a scenario replayed against Amazon Kinesis Data Streams and Firehose through
 * the AWS SDK v3 clients, or against a local endpoint speaking their wire protocols (`shardcast
 * serve`, kinesalite, kinesis-local). `prepare` runs the safety rails in this order (README,
 * "Safety rails"), each before anything that could cost money:
 * 1. the scenario and the flags: `--stream` needs `--allow-existing`, and on an existing stream
 *    nothing that would change it (exit 2);
 * 2. the cost estimate, printed, and refused above `--max-cost` (exit 2) — no network call yet;
 * 3. against AWS, `--yes` or a yes at the terminal (exit 2 without) — still no network call;
 * 4. one ListStreams proving the credentials and the endpoint (exit 3 with the fix);
 * 5. the resources, created and ACTIVE, or removed again when a step fails (exit 3).
 * The session's `cleanup` deletes what step 5 created and nothing else (or keeps it with `--keep`).
 */
import { asTargetFailure } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Target, TargetContext, TargetSession } from '../target.js';
import { checkAccess, createClients, destroyClients } from './clients.js';
import { awsNeedsConfirmation, checkCost, confirmRun, estimateAwsCost, maxCostOf } from './cost.js';
import { awsDryRun } from './dry-run.js';
import { AWS_FLAGS, type AwsOptions, awsOptionsSchema } from './options.js';
import {
  awsOnlyProblems,
  existingStreamProblems,
  firehoseDestination,
  refuseProblems,
  runPrefix,
} from './resource-rules.js';
import { deleteResources, keptLines, prepareResources, type ResourceLedger } from './resources.js';
import type { AwsClients, RunResources } from './run.js';
import { createAwsSession } from './session.js';

/** The run metrics the aws target measures (README, "Run metrics"), as `measures` patterns. */
export const AWS_MEASURES: readonly string[] = [
  'records.*',
  'putRequests',
  'lostRecords',
  'throttledRatio',
  'throughput.*',
  'putLatency.*',
  'e2eLatency.*',
  'consumers.*.lagSeconds.max',
  'consumers.*.delivered',
  'consumerLag.*',
  'shards.*',
  // Records, bytes and throttles from the producers' PutRecordBatch answers; objects, their bytes
  // and delivery latency from the objects read back (`--delivery-dir`).
  'firehose.**',
];

/** The aws target's own metrics for a scenario (README, "Target metrics"): known before the run. */
export function awsOwnMetrics(scenario: Scenario): string[] {
  return [
    ...scenario.consumers.flatMap((c) =>
      ['delivered', 'missing', 'duplicates', 'outOfOrder'].map((m) => `integrity.${c.name}.${m}`),
    ),
    'requests.**',
    'entries.**',
    'http.**',
    'errors.**',
    'sdk.retries',
    ...scenario.events.map((_, i) => `reshards.${i}.activeAfterSeconds`),
  ];
}

/** The run's own lines for the user, one per resource, as `cleanup` will treat it. */
function resourceLinesOf(resources: RunResources, ledger: ResourceLedger, keep: boolean): string[] {
  // What became of them is the cleanup's to say (the pipeline adds its lines after it ran).
  const lines = ledger.created.map(
    (r) => `${r.kind} ${r.name}: created by this run${keep ? ', kept (--keep)' : ''}`,
  );
  if (resources.existing) lines.unshift(`stream ${resources.streamName}: existing, never changed or deleted`);
  return lines;
}

/** What makes the run itself (`createAwsSession`): a parameter so tests drive the lifecycle around it. */
export type AwsSessionFactory = typeof createAwsSession;

async function prepareAws(
  context: TargetContext<AwsOptions>,
  createSession: AwsSessionFactory,
): Promise<TargetSession> {
  const { scenario, options, header } = context;
  const print = (line: string) => context.interaction?.print(line);
  refuseProblems([...existingStreamProblems(scenario, options), ...awsOnlyProblems(scenario, options)]);
  const estimate = checkCost(context);
  await confirmRun(context, estimate);
  const clients: AwsClients = createClients(
    options,
    scenario.producers.reduce((n, p) => n + p.instances, 0),
  );
  try {
    const region = await checkAccess(clients, options, context.signal);
    const { resources, ledger } = await prepareResources({
      clients,
      scenario,
      options,
      runId: header.runId,
      version: header.shardcastVersion,
      now: new Date(header.startedAt),
      signal: context.signal,
      print,
    });
    const details: Record<string, string> = {
      [options.endpoint === undefined ? 'region' : 'endpoint']: options.endpoint ?? region,
      stream: resources.streamName,
      streamOwner: resources.existing ? 'existing (--allow-existing)' : 'created by this run',
      estimatedCostUsd: estimate.totalUsd.toFixed(4),
    };
    for (const [app, arn] of resources.consumerArns) details[`consumer.${app}`] = arn;
    // With --firehose-bucket, where each delivery stream's objects are (and stay).
    const objectsAt = (name: string) =>
      options.firehoseBucket === undefined
        ? ''
        : ` writing to s3://${options.firehoseBucket}/${firehoseDestination(options, header.runId, name).prefix}`;
    for (const [name, deliveryStream] of resources.deliveryStreams)
      details[`firehose.${name}`] = `${deliveryStream}${objectsAt(name)}`;
    const session = createSession(context, clients, resources, {
      details,
      measures: AWS_MEASURES,
      resourceLines: () => resourceLinesOf(resources, ledger, options.keep),
    });
    let cleaned: Promise<string[]> | undefined;
    return {
      // An SDK error no part turned into words (a listing refused by the endpoint) is the
      // target's failure, exit 3, in one line: never an internal error with a stack trace.
      run: () => session.run().catch((error: unknown) => Promise.reject(asTargetFailure(error))),
      partial: () => session.partial(),
      // Once, however often it is called: the pipeline calls it after a result, an error or an abort.
      cleanup: () => {
        cleaned ??= (async () => {
          try {
            const lines = options.keep ? keptLines(ledger, options) : await deleteResources(clients, ledger);
            if (resources.existing)
              lines.push(`left stream ${resources.streamName} as it was (existing; --allow-existing)`);
            if (options.firehoseBucket !== undefined && resources.deliveryStreams.size > 0)
              lines.push(
                `left the run's Firehose objects in s3://${options.firehoseBucket}/${runPrefix(header.runId)} (shardcast deletes nothing in the bucket)`,
              );
            return lines;
          } finally {
            destroyClients(clients);
          }
        })();
        return cleaned;
      },
    };
  } catch (error) {
    destroyClients(clients);
    throw error;
  }
}

/** The aws target around a session factory (the real one by default: `awsTarget`). */
export function makeAwsTarget(createSession: AwsSessionFactory = createAwsSession): Target<AwsOptions> {
  return {
    ...AWS_TARGET_BASE,
    prepare: (context) => prepareAws(context, createSession),
  };
}

const AWS_TARGET_BASE = {
  name: 'aws',
  describe: () =>
    `Amazon Kinesis Data Streams and Firehose through the AWS SDK v3, or a local endpoint (--endpoint: shardcast serve, kinesalite); creates its own stream and deletes it after`,
  options: awsOptionsSchema,
  flags: AWS_FLAGS,
  measures: AWS_MEASURES,
  // Every record is accounted for by reading the whole stream back: one process must see all of it.
  supportsShares: false,
  whyNoShares:
    'the aws target checks every record by reading the whole stream back in one process; split runs come later',
  ownMetrics: awsOwnMetrics,
  dryRun: awsDryRun,
  estimateCost: estimateAwsCost,
  costLimitUsd: maxCostOf,
  needsConfirmation: awsNeedsConfirmation,
} satisfies Omit<Target<AwsOptions>, 'prepare'>;

export const awsTarget: Target<AwsOptions> = makeAwsTarget();
