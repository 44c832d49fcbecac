/**
 * `shardcast cleanup` (src/cli/commands/cleanup.ts, src/targets/aws/leftovers.ts) and the Safety
 * proof: streams and delivery streams created outside shardcast — untagged, or tagged by someone
 * else, with a consumer of their own — survive `cleanup --yes` and a run without
 * `--allow-existing`; what a `--keep` run left is listed, then deleted with `--yes`. Against
 * `shardcast serve` and kinesalite, through the real SDK clients.
 */
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  ListDeliveryStreamsCommand,
} from '@aws-sdk/client-firehose';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/errors.js';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import { streamSummary } from '../../../src/targets/aws/resources.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { WHOLE_RUN } from '../../../src/targets/target.js';
import { FakeIo } from '../../helpers/fake-io.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions, type LocalEndpoint, startKinesalite, startServe } from './servers.js';

/** FakeIo's clock reads 2025-01-01T00:00:00Z: a run "started" two hours before it. */
const STARTED = '2024-12-31T22:00:00.000Z';

async function keptRun(endpoint: string, yaml: string, runId: string): Promise<string[]> {
  const session = await awsTarget.prepare({
    scenario: scenarioOf(yaml),
    options: awsOptions({ endpoint, keep: true, drain: '0s' }),
    seed: 1,
    durationSeconds: 10,
    header: { runId, startedAt: STARTED, finishedAt: '', wallSeconds: 0, shardcastVersion: '0.1.0' },
    share: WHOLE_RUN,
    signal: new AbortController().signal,
  });
  return session.cleanup();
}

async function active(clients: AwsClients, name: string): Promise<string> {
  for (;;) {
    const s = await streamSummary(clients.kinesis, name);
    if (s?.status === 'ACTIVE') return s.arn;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function cli(args: string[], files: Record<string, string> = {}) {
  const io = new FakeIo({ files });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

const WITH_EFO = `
name: left
stream: { shards: 1 }
producers:
  - { name: p, rate: 10/s, recordSize: 100B }
  - { name: logs, rate: 10/s, recordSize: 100B, destination: fh }
consumers: [{ name: fraud, type: enhanced-fan-out }]
firehose: [{ name: fh, source: direct-put }]
`;

describe('against shardcast serve', () => {
  let serve: LocalEndpoint;
  let clients: AwsClients;
  let theirArn = '';
  beforeAll(async () => {
    serve = await startServe(100);
    clients = createClients(awsOptions({ endpoint: serve.endpoint }));
    // Someone else's: an untagged stream with a consumer, a stream tagged by another tool, an untagged delivery stream.
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'theirs', ShardCount: 1 }));
    theirArn = await active(clients, 'theirs');
    await clients.kinesis.send(
      new RegisterStreamConsumerCommand({ StreamARN: theirArn, ConsumerName: 'their-app' }),
    );
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'tagged-other', ShardCount: 1 }));
    await active(clients, 'tagged-other');
    await clients.kinesis.send(
      new AddTagsToStreamCommand({
        StreamName: 'tagged-other',
        Tags: { team: 'payments', 'created-by': 'terraform' },
      }),
    );
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'their-fh',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/theirs',
          BucketARN: 'arn:aws:s3:::theirs',
        },
      }),
    );
  });
  afterAll(async () => {
    destroyClients(clients);
    await serve.close();
  });

  const intact = async () => {
    expect((await streamSummary(clients.kinesis, 'theirs'))?.status).toBe('ACTIVE');
    expect((await streamSummary(clients.kinesis, 'tagged-other'))?.status).toBe('ACTIVE');
    const consumers = await clients.kinesis.send(new ListStreamConsumersCommand({ StreamARN: theirArn }));
    expect(consumers.Consumers?.map((c) => [c.ConsumerName, c.ConsumerStatus])).toEqual([
      ['their-app', 'ACTIVE'],
    ]);
    const fh = await clients.firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'their-fh' }),
    );
    expect(fh.DeliveryStreamDescription?.DeliveryStreamStatus).toBe('ACTIVE');
  };

  it('lists what a --keep run left, deletes it with --yes, and touches nothing else', async () => {
    expect(await keptRun(serve.endpoint, WITH_EFO, 'r1')).toHaveLength(3);

    const listed = await cli(['cleanup', '--endpoint', serve.endpoint]);
    expect(listed.code).toBe(ExitCode.ok);
    expect(listed.out).toBe(
      [
        `2 resources at ${serve.endpoint} tagged shardcast/created-by:`,
        '  delivery stream shardcast-fh-r1 (run r1, shardcast 0.1.0, created 2024-12-31 22:00:00 UTC, 2 h ago)',
        '  stream shardcast-left-r1 (run r1, shardcast 0.1.0, created 2024-12-31 22:00:00 UTC, 2 h ago)',
        'nothing deleted: run again with --yes to delete them',
        '',
      ].join('\n'),
    );
    // Younger than 3 h: left alone, and said so.
    const young = await cli(['cleanup', '--endpoint', serve.endpoint, '--older-than', '3h', '--yes']);
    expect(young.out).toMatch(
      /^nothing to clean up at http:\S+: no stream or delivery stream tagged shardcast\/created-by older than 3h\n$/,
    );
    expect(young.err).toBe("left 2 of shardcast's resources younger than 3h (or of unknown age)\n");

    const deleted = await cli(['cleanup', '--endpoint', serve.endpoint, '--older-than', '1h', '--yes']);
    expect(deleted.code).toBe(ExitCode.ok);
    expect(deleted.out).toContain('deleted delivery stream shardcast-fh-r1\n');
    expect(deleted.out).toContain('deleted stream shardcast-left-r1 (deregistered shardcast-fraud)\n');
    // DeleteStream is asynchronous on AWS as on serve: DELETING for a while, then gone.
    const status = (await streamSummary(clients.kinesis, 'shardcast-left-r1'))?.status;
    expect([undefined, 'DELETING']).toContain(status);
    expect((await clients.firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual([
      'their-fh',
    ]);
    await intact();

    // And again: nothing of shardcast's is left to find.
    for (let i = 0; i < 100 && (await streamSummary(clients.kinesis, 'shardcast-left-r1')) !== undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await cli(['cleanup', '--endpoint', serve.endpoint, '--yes']);
    expect(again.out).toMatch(/^nothing to clean up/);
    await intact();
  });

  it('on a terminal, asks before deleting: no keeps, yes deletes', async () => {
    expect(await keptRun(serve.endpoint, WITH_EFO.replace('name: left', 'name: asked'), 'r3')).toHaveLength(
      3,
    );
    const asking = (answer: string) =>
      Object.assign(new FakeIo(), {
        interactive: true,
        questions: [] as string[],
        prompt(this: { questions: string[] }, question: string) {
          this.questions.push(question);
          return Promise.resolve(answer);
        },
      });
    const no = asking('');
    expect(await main(['cleanup', '--endpoint', serve.endpoint], no)).toBe(ExitCode.ok);
    expect(no.questions).toEqual(['Delete these 2? [y/N] ']);
    expect(no.out).toMatch(/nothing deleted: run again with --yes to delete them\n$/);
    const yes = asking('y');
    expect(await main(['cleanup', '--endpoint', serve.endpoint], yes)).toBe(ExitCode.ok);
    expect(yes.out).toContain('deleted stream shardcast-asked-r3 (deregistered shardcast-fraud)\n');
    await intact();
  });

  it('a run on their stream without --allow-existing is refused (exit 2), and the stream is intact', async () => {
    const yaml = 'name: x\nduration: 10s\nproducers: [{ name: p, rate: 1/s, recordSize: 1B }]\n';
    const run = await cli(
      ['run', 'x.yaml', '--target', 'aws', '--endpoint', serve.endpoint, '--stream', 'theirs'],
      { 'x.yaml': yaml },
    );
    expect(run.code).toBe(ExitCode.invalidInput);
    expect(run.err).toMatch(/add --allow-existing/);
    await intact();
  });
});

describe('against kinesalite', () => {
  let kinesalite: LocalEndpoint;
  let clients: AwsClients;
  beforeAll(async () => {
    kinesalite = await startKinesalite();
    clients = createClients(awsOptions({ endpoint: kinesalite.endpoint }));
  });
  afterAll(async () => {
    destroyClients(clients);
    await kinesalite.close();
  });

  it('deletes the stream a --keep run left and leaves the one created outside shardcast', async () => {
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'theirs', ShardCount: 1 }));
    await active(clients, 'theirs');
    const yaml = 'name: k\nstream: { shards: 2 }\nproducers: [{ name: p, rate: 1/s, recordSize: 1B }]\n';
    expect(await keptRun(kinesalite.endpoint, yaml, 'r2')).toEqual([
      `kept stream shardcast-k-r2 (delete with: shardcast cleanup --endpoint ${kinesalite.endpoint} --yes)`,
    ]);
    const deleted = await cli(['cleanup', '--endpoint', kinesalite.endpoint, '--yes']);
    expect(deleted.code).toBe(ExitCode.ok);
    expect(deleted.out).toContain('deleted stream shardcast-k-r2\n');
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['theirs']);
  });
});

describe('arguments', () => {
  it('--older-than that is not a duration is exit 2', async () => {
    const r = await cli(['cleanup', '--endpoint', 'http://127.0.0.1:9', '--older-than', 'soon']);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.err).toMatch(/--older-than soon is not a duration/);
  });
});
