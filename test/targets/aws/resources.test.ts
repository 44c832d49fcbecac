/**
 * The aws target's resources (src/targets/aws/resources.ts) against `shardcast serve` and
 * kinesalite, through the real SDK v3 clients: what a run creates is tagged, ACTIVE before the run
 * and deleted exactly; a failure halfway removes what was created and nothing else; an existing
 * stream is used as it is.
 */
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
} from '@aws-sdk/client-firehose';
import {
  CreateStreamCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
} from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, RunAbortedError } from '../../../src/errors.js';
import {
  clientConfig,
  createClients,
  destroyClients,
  isLocalEndpoint,
} from '../../../src/targets/aws/clients.js';
import {
  bufferingHints,
  deliveryStreamNameFor,
  existingStreamProblems,
  parseTagTime,
  resourceName,
  streamNameFor,
  tagTime,
} from '../../../src/targets/aws/resource-rules.js';
import {
  deleteResources,
  keptLines,
  prepareResources,
  streamSummary,
} from '../../../src/targets/aws/resources.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions, type LocalEndpoint, startKinesalite, startServe } from './servers.js';

const SCENARIO = `
name: shop
stream: { shards: 2 }
producers:
  - { name: orders, rate: 100/s, recordSize: 1KiB }
  - { name: logs, rate: 100/s, recordSize: 1KiB, destination: logs }
consumers:
  - { name: billing, type: polling }
  - { name: fraud, type: enhanced-fan-out }
firehose:
  - { name: logs, source: direct-put, buffer: { size: 2MiB, interval: 60s } }
  - { name: archive, source: stream }
`;

const never = new AbortController().signal;
/** Each test group's endpoint, by its clients. */
const ENDPOINTS = new Map<AwsClients, string>();

function input(clients: AwsClients, yaml: string, runId: string, given: Record<string, unknown> = {}) {
  const printed: string[] = [];
  const endpoint = ENDPOINTS.get(clients);
  return {
    printed,
    input: {
      clients,
      scenario: scenarioOf(yaml),
      options: awsOptions({ ...(endpoint === undefined ? {} : { endpoint }), ...given }),
      runId,
      version: '0.1.0',
      now: new Date('2026-12-06T12:00:00Z'),
      signal: never,
      print: (line: string) => printed.push(line),
    },
  };
}

describe('against shardcast serve', () => {
  let serve: LocalEndpoint;
  let clients: AwsClients;
  beforeAll(async () => {
    serve = await startServe(100);
    clients = createClients(awsOptions({ endpoint: serve.endpoint }));
    ENDPOINTS.set(clients, serve.endpoint);
  });
  afterAll(async () => {
    destroyClients(clients);
    await serve.close();
  });

  const streams = async () => (await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
  const deliveryStreams = async () =>
    (await clients.firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames ?? [];

  it('creates a tagged stream, its consumer and delivery streams, all ACTIVE, and deletes exactly them', async () => {
    const { input: given, printed } = input(clients, SCENARIO, '20261206-120000-s1');
    const { resources, ledger } = await prepareResources(given);
    expect(resources.streamName).toBe('shardcast-shop-20261206-120000-s1');
    expect(resources.existing).toBe(false);
    const summary = await streamSummary(clients.kinesis, resources.streamName);
    expect(summary).toMatchObject({ status: 'ACTIVE', openShards: 2, arn: resources.streamArn });
    const tags = await clients.kinesis.send(
      new ListTagsForStreamCommand({ StreamName: resources.streamName }),
    );
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      'shardcast/run-id': '20261206-120000-s1',
      'shardcast/created-by': 'shardcast 0.1.0',
      'shardcast/created-at': '20261206T120000Z',
    });
    const consumers = await clients.kinesis.send(
      new ListStreamConsumersCommand({ StreamARN: resources.streamArn }),
    );
    expect(consumers.Consumers?.map((c) => [c.ConsumerName, c.ConsumerStatus])).toEqual([
      ['shardcast-fraud', 'ACTIVE'],
    ]);
    expect(resources.consumerArns.get('fraud')).toBe(consumers.Consumers?.[0]?.ConsumerARN);
    expect([...resources.deliveryStreams]).toEqual([
      ['logs', 'shardcast-logs-20261206-120000-s1'],
      ['archive', 'shardcast-archive-20261206-120000-s1'],
    ]);
    const fhTags = await clients.firehose.send(
      new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'shardcast-logs-20261206-120000-s1' }),
    );
    expect(fhTags.Tags?.find((t) => t.Key === 'shardcast/created-by')?.Value).toBe('shardcast 0.1.0');
    expect(printed[0]).toMatch(
      /^created stream shardcast-shop-20261206-120000-s1 \(2 shards\), ACTIVE after/,
    );
    // The HTTP/2 client (SubscribeToShard's) reaches the same endpoint and sees the same stream.
    const overHttp2 = await clients.kinesisStreaming.send(new ListStreamsCommand({}));
    expect(overHttp2.StreamNames).toEqual([resources.streamName]);

    expect(keptLines(ledger, given.options)).toEqual([
      `kept delivery stream shardcast-archive-20261206-120000-s1 (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)`,
      `kept delivery stream shardcast-logs-20261206-120000-s1 (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)`,
      `kept consumer shardcast-fraud (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)`,
      `kept stream shardcast-shop-20261206-120000-s1 (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)`,
    ]);
    // Newest first: delivery streams, the consumer, the stream.
    expect(await deleteResources(clients, ledger)).toEqual([
      'deleted delivery stream shardcast-archive-20261206-120000-s1',
      'deleted delivery stream shardcast-logs-20261206-120000-s1',
      'deregistered consumer shardcast-fraud',
      'deleted stream shardcast-shop-20261206-120000-s1',
    ]);
    expect(await streams()).toEqual([]);
    expect(await deliveryStreams()).toEqual([]);
  });

  it('with --firehose-role and --firehose-bucket, the delivery streams use them and write under the run prefix', async () => {
    const role = 'arn:aws:iam::123456789012:role/firehose-to-s3';
    const { input: given, printed } = input(clients, SCENARIO, '20261206-120000-s9', {
      firehoseRole: role,
      firehoseBucket: 'my-loadtests',
    });
    const { ledger } = await prepareResources(given);
    try {
      for (const [firehose, fromStream] of [
        ['logs', false],
        ['archive', true],
      ] as const) {
        const name = `shardcast-${firehose}-20261206-120000-s9`;
        const d = await clients.firehose.send(
          new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
        );
        const s3 = d.DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription;
        expect(s3).toMatchObject({
          RoleARN: role,
          BucketARN: 'arn:aws:s3:::my-loadtests',
          Prefix: `shardcast/20261206-120000-s9/${firehose}/`,
        });
        if (fromStream)
          expect(d.DeliveryStreamDescription?.Source?.KinesisStreamSourceDescription?.RoleARN).toBe(role);
      }
      expect(
        printed.some((l) => l.includes('writing to s3://my-loadtests/shardcast/20261206-120000-s9/logs/')),
      ).toBe(true);
    } finally {
      await deleteResources(clients, ledger);
    }
  });

  it('removes what it created when a step fails halfway, and leaves what it did not create', async () => {
    // Someone else's delivery stream holds the name the run's second delivery stream would take.
    const { input: given, printed } = input(clients, SCENARIO, 'clash');
    const taken = deliveryStreamNameFor('archive', 'clash');
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: taken,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/theirs',
          BucketARN: 'arn:aws:s3:::theirs',
        },
      }),
    );
    await expect(prepareResources(given)).rejects.toThrow(/ResourceInUse|already exists|in use/i);
    expect(printed).toContain("creating the run's resources failed: removing the 3 resources created");
    expect(printed).toContain('deleted stream shardcast-shop-clash');
    expect(await streams()).toEqual([]);
    // Theirs is still there; the run's first delivery stream is gone.
    expect(await deliveryStreams()).toEqual([taken]);
  });

  it('uses an existing stream as it is: no resource created, nothing to delete', async () => {
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'theirs', ShardCount: 3 }));
    for (let i = 0; i < 200 && (await streamSummary(clients.kinesis, 'theirs'))?.status !== 'ACTIVE'; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const yaml = `
name: shop
producers: [{ name: orders, rate: 100/s, recordSize: 1KiB }]
consumers: [{ name: billing, type: polling }]
`;
    const { input: given, printed } = input(clients, yaml, 'r1', { stream: 'theirs', allowExisting: true });
    const { resources, ledger } = await prepareResources(given);
    expect(resources).toMatchObject({ streamName: 'theirs', existing: true });
    expect(ledger.created).toEqual([]);
    expect(printed).toEqual([
      'using existing stream theirs (3 open shards): shardcast will not change or delete it',
    ]);
    expect(await deleteResources(clients, ledger)).toEqual([]);
    expect(await streams()).toContain('theirs');

    const missing = input(clients, yaml, 'r2', { stream: 'nowhere', allowExisting: true });
    const error = await prepareResources(missing.input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems[0]?.message).toMatch(
      /^there is no stream "nowhere" at http/,
    );
  });
});

describe('stopped while creating (serve at real time: a stream is CREATING for 500 ms)', () => {
  let serve: LocalEndpoint;
  let clients: AwsClients;
  beforeAll(async () => {
    serve = await startServe(1);
    clients = createClients(awsOptions({ endpoint: serve.endpoint }));
    ENDPOINTS.set(clients, serve.endpoint);
  });
  afterAll(async () => {
    destroyClients(clients);
    await serve.close();
  });

  it('a signal while the stream is CREATING: it waits until the stream can be deleted, deletes it, and stops', async () => {
    const { input: given, printed } = input(clients, SCENARIO, 'stopped');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await prepareResources({ ...given, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunAbortedError);
    expect(printed).toContain('deleted stream shardcast-shop-stopped');
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  });
});

describe('against kinesalite', () => {
  let kinesalite: LocalEndpoint;
  let clients: AwsClients;
  beforeAll(async () => {
    kinesalite = await startKinesalite();
    clients = createClients(awsOptions({ endpoint: kinesalite.endpoint }));
    ENDPOINTS.set(clients, kinesalite.endpoint);
  });
  afterAll(async () => {
    destroyClients(clients);
    await kinesalite.close();
  });

  it('creates and tags the stream (kinesalite ignores CreateStream Tags: AddTagsToStream fills them in) and deletes it', async () => {
    const yaml = `
name: plain
stream: { shards: 3 }
producers: [{ name: p, rate: 10/s, recordSize: 100B }]
`;
    const { input: given } = input(clients, yaml, 'k1');
    const { resources, ledger } = await prepareResources(given);
    const tags = await clients.kinesis.send(
      new ListTagsForStreamCommand({ StreamName: resources.streamName }),
    );
    expect(tags.Tags?.map((t) => t.Key).sort()).toEqual([
      'shardcast/created-at',
      'shardcast/created-by',
      'shardcast/run-id',
    ]);
    expect((await streamSummary(clients.kinesis, resources.streamName))?.openShards).toBe(3);
    expect(await deleteResources(clients, ledger)).toEqual(['deleted stream shardcast-plain-k1']);
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  });
});

describe('names and checks', () => {
  it("keeps names within Kinesis' and Firehose's rules, the run id whole", () => {
    const long = 'x'.repeat(128);
    const scenario = scenarioOf(`
name: ${long}
producers: [{ name: p, rate: 1/s, recordSize: 1B }]
`);
    // 128 = "shardcast-" (10) + 101 x's + "-" + "20261206-120000-s1" (18) − check: 10 + 99 + 1 + 18 = 128.
    const name = streamNameFor(scenario, '20261206-120000-s1');
    expect(name).toHaveLength(128);
    expect(name.endsWith('-20261206-120000-s1')).toBe(true);
    // Firehose: 64 at most.
    expect(deliveryStreamNameFor(long, '20261206-120000-s1')).toHaveLength(64);
    expect(resourceName('shardcast', 'a b/c', 'r', 64)).toBe('shardcast-a-b-c-r');
  });

  it('any scenario name and run id make a valid name that ends with the run id (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.stringMatching(/^[A-Za-z0-9-]{1,30}$/),
        (middle, runId) => {
          for (const max of [64, 128]) {
            const name = resourceName('shardcast', middle, runId, max);
            expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
            expect(name.length).toBeLessThanOrEqual(max);
            expect(name.startsWith('shardcast-')).toBe(true);
            expect(name.endsWith(`-${runId}`)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the created-at tag reads back as the time it was written, to the second (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (seconds) => {
        const date = new Date(seconds * 1000 + 123);
        const text = tagTime(date);
        // Kinesis tag values: letters, digits, white space and _ . / = + - % @ only.
        expect(text).toMatch(/^[0-9TZ]+$/);
        expect(parseTagTime(text)?.getTime()).toBe(seconds * 1000);
      }),
      { numRuns: 200 },
    );
    expect(tagTime(new Date('2026-12-06T12:00:00.500Z'))).toBe('20261206T120000Z');
    expect(parseTagTime('2026-12-06T12:00:00Z')).toBeUndefined();
  });

  it('tells a local endpoint from AWS', () => {
    for (const local of [
      'http://127.0.0.1:4567',
      'http://localhost:1',
      'http://[::1]:9',
      'http://127.10.0.2',
    ]) {
      expect(isLocalEndpoint(local)).toBe(true);
    }
    for (const remote of [
      undefined,
      'https://kinesis.us-east-1.amazonaws.com',
      'http://10.0.0.1:4567',
      'http://127.0.0.1.example.com',
    ]) {
      expect(isLocalEndpoint(remote)).toBe(false);
    }
    // A local endpoint gets dummy credentials and us-east-1; AWS gets the SDK's chain.
    expect(clientConfig(awsOptions({ endpoint: 'http://127.0.0.1:9' }))).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(clientConfig(awsOptions({ endpoint: 'http://127.0.0.1:9', profile: 'dev' }))).toEqual({
      region: 'us-east-1',
      profile: 'dev',
      endpoint: 'http://127.0.0.1:9',
    });
    expect(clientConfig(awsOptions({ region: 'eu-west-1' }))).toEqual({ region: 'eu-west-1' });
  });

  it('buffers Firehose as the scenario says, within S3 ranges', () => {
    const scenario = scenarioOf(SCENARIO);
    // 2 MiB → 2; 60 s.
    expect(bufferingHints(scenario.firehose[0]!)).toEqual({ SizeInMBs: 2, IntervalInSeconds: 60 });
    // No hints: S3's defaults, 5 MiB and 300 s.
    expect(bufferingHints(scenario.firehose[1]!)).toEqual({ SizeInMBs: 5, IntervalInSeconds: 300 });
  });

  it('refuses on an existing stream what would change it, naming each field', () => {
    const scenario = scenarioOf(`${SCENARIO}
events: [{ at: 1m, reshard: { shards: 4 } }]
`);
    const problems = existingStreamProblems(
      scenario,
      awsOptions({ stream: 's', allowExisting: true }),
      'shop.yaml',
    );
    expect(problems.map((p) => p.location.path)).toEqual([
      'events[0].reshard',
      'consumers[1].type',
      'firehose[1].source',
    ]);
    expect(problems[0]?.message).toMatch(/cannot reshard to 4 shards/);
    const withoutAllow = existingStreamProblems(scenario, awsOptions({ stream: 's' }));
    expect(withoutAllow).toHaveLength(1);
    expect(withoutAllow[0]?.location.path).toBe('--stream');
    expect(withoutAllow[0]?.message).toMatch(/add --allow-existing/);
  });
});
