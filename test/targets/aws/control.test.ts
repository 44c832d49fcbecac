/**
 * The aws target's safety rails (src/targets/aws/index.ts, cost.ts, clients.ts), through
 * `awsTarget.prepare` and the command line: the cost guard refuses before any network call, a run
 * against AWS needs --yes or a yes, a credential problem is one line with its fix (exit 3) and
 * nothing is created, an existing stream needs --allow-existing, and what a run creates is deleted
 * by its cleanup (or kept with --keep).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, ListStreamsCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode, InvalidInputError, ShardcastError } from '../../../src/errors.js';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import type { AwsOptions } from '../../../src/targets/aws/options.js';
import { streamSummary } from '../../../src/targets/aws/resources.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { type TargetContext, WHOLE_RUN } from '../../../src/targets/target.js';
import { FakeIo } from '../../helpers/fake-io.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions, type LocalEndpoint, startServe } from './servers.js';

/** 2 shards, 1,000 records/s of 988 B + a 36-byte key for 20 s (run-cost.test.ts works it out: $0.03028). */
const YAML = `
name: guarded
duration: 20s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 988B, keys: { dist: unique, length: 36 } }
consumers:
  - { name: billing, type: polling }
`;

interface Asked {
  printed: string[];
  questions: string[];
}

function contextOf(
  yaml: string,
  given: Record<string, unknown>,
  interaction?: { interactive: boolean; answer: boolean },
): { context: TargetContext<AwsOptions>; asked: Asked } {
  const asked: Asked = { printed: [], questions: [] };
  return {
    asked,
    context: {
      scenario: scenarioOf(yaml),
      options: awsOptions({ drain: '0s', ...given }),
      seed: 1,
      durationSeconds: 20,
      header: {
        runId: '20261206-120000-s1',
        startedAt: '2026-12-06T12:00:00.000Z',
        finishedAt: '',
        wallSeconds: 0,
        shardcastVersion: '0.1.0',
      },
      share: WHOLE_RUN,
      signal: new AbortController().signal,
      interaction: {
        print: (line) => asked.printed.push(line),
        interactive: interaction?.interactive ?? false,
        confirm: async (question) => {
          asked.questions.push(question);
          return interaction?.answer ?? false;
        },
      },
    },
  };
}

/** Counts the TCP connections this process opens (every SDK request goes through one). */
function countConnections(): { count: () => number } {
  const spy = vi.spyOn(net.Socket.prototype, 'connect');
  return { count: () => spy.mock.calls.length };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function failure(promise: Promise<unknown>): Promise<ShardcastError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShardcastError);
  return error as ShardcastError;
}

describe('the cost guard', () => {
  it('prints the estimate and refuses a run above --max-cost before any network call (exit 2)', async () => {
    const sockets = countConnections();
    // The endpoint is never reached: a closed port would do; 127.0.0.1 so a mistake stays local.
    const { context, asked } = contextOf(YAML, { endpoint: 'http://127.0.0.1:9', maxCost: '$0.01' });
    const error = await failure(awsTarget.prepare(context));
    expect(error.exitCode).toBe(ExitCode.invalidInput);
    // $0.03028 (2 shard-hours × $0.015 + 20,000 PUT units × $0.014 per million) > $0.01.
    expect(error.message).toMatch(
      /^the run's estimated cost, \$0\.03, is above --max-cost \$0\.01; nothing was created/,
    );
    // The estimate was printed just before: the refusal does not repeat it.
    expect(error.message).not.toContain('kinesis.shardHour');
    expect(asked.printed[1]).toBe('  kinesis.shardHour: 2 shard-hours × $0.015 = $0.03');
    expect(asked.printed[0]).toBe(
      'estimated cost if AWS ran it: $0.03 for 20 s (run and drain; 1 billed hour), limit $0.01',
    );
    expect(sockets.count()).toBe(0);
  });

  it('has no limit against a local endpoint unless one is given, and $5 against AWS', async () => {
    const sockets = countConnections();
    // 10,000 shards for 20 s: 10,000 shard-hours × $0.015 = $150, above the $5 default against AWS.
    const big = YAML.replace('shards: 2', 'shards: 10000');
    const error = await failure(awsTarget.prepare(contextOf(big, { yes: true }).context));
    expect(error.exitCode).toBe(ExitCode.invalidInput);
    expect(error.message).toMatch(/is above --max-cost \$5\.00 \(the default against AWS\)/);
    expect(sockets.count()).toBe(0);
  });

  it('needs --yes or a yes at the terminal against AWS, asking with the estimate', async () => {
    const sockets = countConnections();
    const nobody = await failure(awsTarget.prepare(contextOf(YAML, {}).context));
    expect(nobody.exitCode).toBe(ExitCode.invalidInput);
    expect(nobody.message).toMatch(/confirm it with --yes/);
    const { context, asked } = contextOf(YAML, {}, { interactive: true, answer: false });
    const declined = await failure(awsTarget.prepare(context));
    expect(declined.message).toBe('the run against AWS was not confirmed; nothing was created');
    expect(asked.questions).toEqual(['Create the resources and run against AWS for about $0.03?']);
    // An endpoint that is not this machine (a VPC endpoint) bills as AWS does: --yes still needed.
    const vpc = await failure(
      awsTarget.prepare(
        contextOf(YAML, { endpoint: 'https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com' }).context,
      ),
    );
    expect(vpc.message).toMatch(/confirm it with --yes/);
    expect(sockets.count()).toBe(0);
  });
});

describe('credentials and the endpoint', () => {
  let refusing: Server;
  let refusingUrl = '';
  beforeAll(async () => {
    // Answers every call as AWS answers a request signed with an unknown key.
    refusing = createServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          __type: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        }),
      );
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', () => resolve()));
    refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

  it('refused credentials: one line with the fix, exit 3, nothing created', async () => {
    const error = await failure(awsTarget.prepare(contextOf(YAML, { endpoint: refusingUrl }).context));
    expect(error.exitCode).toBe(ExitCode.targetFailed);
    expect(error.message).toMatch(
      /^AWS credentials for http:\/\/127\.0\.0\.1:\d+ are missing, expired or refused \(UnrecognizedClientException: The security token included in the request is invalid\.\); nothing was created$/,
    );
    expect(error.hint).toMatch(/AWS_PROFILE/);
  });

  it('a profile that does not exist: exit 3 naming the profile and the fix', async () => {
    // No shared files and no instance metadata: the chain has nothing to find, and never leaves this machine.
    const empty = mkdtempSync(join(tmpdir(), 'shardcast-aws-'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(empty, 'credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(empty, 'config'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      const error = await failure(
        awsTarget.prepare(contextOf(YAML, { endpoint: refusingUrl, profile: 'nosuch' }).context),
      );
      expect(error.exitCode).toBe(ExitCode.targetFailed);
      expect(error.message).toMatch(/are missing, expired or refused \(CredentialsProviderError: /);
      expect(error.hint).toMatch(/aws sso login --profile nosuch/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('no region anywhere: exit 2 saying where to set one, before any connection', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'shardcast-aws-'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(empty, 'credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(empty, 'config'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const sockets = countConnections();
    try {
      const error = await failure(awsTarget.prepare(contextOf(YAML, { yes: true }).context));
      expect(error.exitCode).toBe(ExitCode.invalidInput);
      expect(error.message).toMatch(/^no AWS region: /);
      expect(error.hint).toBe('pass --region, set AWS_REGION, or set a region in the profile');
      expect(sockets.count()).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an endpoint that does not answer: exit 3 saying so', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      awsTarget.prepare(contextOf(YAML, { endpoint: `http://127.0.0.1:${port}` }).context),
    );
    expect(error.exitCode).toBe(ExitCode.targetFailed);
    expect(error.message).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port} did not answer ListStreams`));
  });
});

describe('against shardcast serve', () => {
  let serve: LocalEndpoint;
  let clients: AwsClients;
  beforeAll(async () => {
    serve = await startServe(100);
    clients = createClients(awsOptions({ endpoint: serve.endpoint }));
  });
  afterAll(async () => {
    destroyClients(clients);
    await serve.close();
  });
  const streams = async () => (await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];

  it('creates its stream, says so, and its cleanup deletes exactly it, once', async () => {
    // The counter of the tests above sees connections when there are some.
    const sockets = countConnections();
    const { context, asked } = contextOf(YAML, { endpoint: serve.endpoint });
    const session = await awsTarget.prepare(context);
    expect(sockets.count()).toBeGreaterThan(0);
    expect(asked.printed[0]).toMatch(/^estimated cost if AWS ran it: \$0\.03 /);
    expect(asked.printed.at(-1)).toMatch(/^created stream shardcast-guarded-20261206-120000-s1 \(2 shards\)/);
    expect(await streams()).toEqual(['shardcast-guarded-20261206-120000-s1']);
    const first = session.cleanup();
    expect(session.cleanup()).toBe(first);
    expect(await first).toEqual(['deleted stream shardcast-guarded-20261206-120000-s1']);
    expect(await streams()).toEqual([]);
  });

  it('with --firehose-bucket: its delivery stream deleted, the objects left in the bucket, and says so', async () => {
    const yaml = `
name: shipped
duration: 20s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 988B }
  - { name: logs, rate: 10/s, recordSize: 1KiB, destination: fh }
firehose:
  - { name: fh, source: direct-put }
`;
    const { context, asked } = contextOf(yaml, {
      endpoint: serve.endpoint,
      firehoseRole: 'arn:aws:iam::123456789012:role/r',
      firehoseBucket: 'my-loadtests',
    });
    const session = await awsTarget.prepare(context);
    expect(asked.printed.at(-1)).toMatch(
      /^created delivery stream shardcast-fh-20261206-120000-s1 for fh writing to s3:\/\/my-loadtests\/shardcast\/20261206-120000-s1\/fh\/, ACTIVE after/,
    );
    expect(await session.cleanup()).toEqual([
      'deleted delivery stream shardcast-fh-20261206-120000-s1',
      'deleted stream shardcast-shipped-20261206-120000-s1',
      "left the run's Firehose objects in s3://my-loadtests/shardcast/20261206-120000-s1/ (shardcast deletes nothing in the bucket)",
    ]);
  });

  it('--keep leaves what it created and says how to delete it', async () => {
    const { context } = contextOf(YAML.replace('guarded', 'kept'), { endpoint: serve.endpoint, keep: true });
    const session = await awsTarget.prepare(context);
    expect(await session.cleanup()).toEqual([
      `kept stream shardcast-kept-20261206-120000-s1 (delete with: shardcast cleanup --endpoint ${serve.endpoint} --yes)`,
    ]);
    const tags = await clients.kinesis.send(
      new ListTagsForStreamCommand({ StreamName: 'shardcast-kept-20261206-120000-s1' }),
    );
    expect(tags.Tags?.find((t) => t.Key === 'shardcast/run-id')?.Value).toBe('20261206-120000-s1');
  });

  it('an existing stream: needs --allow-existing, is used as it is, and is left as it was', async () => {
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'theirs', ShardCount: 1 }));
    while ((await streamSummary(clients.kinesis, 'theirs'))?.status !== 'ACTIVE')
      await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await failure(
      awsTarget.prepare(contextOf(YAML, { endpoint: serve.endpoint, stream: 'theirs' }).context),
    );
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).problems[0]?.location.path).toBe('--stream');

    const { context, asked } = contextOf(YAML, {
      endpoint: serve.endpoint,
      stream: 'theirs',
      allowExisting: true,
    });
    const session = await awsTarget.prepare(context);
    expect(asked.printed).toContain(
      'using existing stream theirs (1 open shard): shardcast will not change or delete it',
    );
    expect(await session.cleanup()).toEqual(['left stream theirs as it was (existing; --allow-existing)']);
    expect((await streamSummary(clients.kinesis, 'theirs'))?.status).toBe('ACTIVE');

    // A scenario that would change it is refused before any call, naming the field.
    const efo = `${YAML}  - { name: fraud, type: enhanced-fan-out }\n`;
    const changing = await failure(
      awsTarget.prepare(
        contextOf(efo, { endpoint: serve.endpoint, stream: 'theirs', allowExisting: true }).context,
      ),
    );
    expect((changing as InvalidInputError).problems.map((p) => p.location.path)).toEqual([
      'consumers[1].type',
    ]);
  });
});

describe('on the command line', () => {
  it('run --target aws refuses a run above --max-cost with exit 2 and the estimate', async () => {
    const io = new FakeIo({ files: { 'guarded.yaml': YAML } });
    const { main } = await import('../../../src/cli/main.js');
    const code = await main(
      ['run', 'guarded.yaml', '--target', 'aws', '--endpoint', 'http://127.0.0.1:9', '--max-cost', '0.01'],
      io,
    );
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.err).toMatch(
      /error: the run's estimated cost, \$0\.03, is above --max-cost \$0\.01; nothing was created/,
    );
    // Printed once, whether the interaction printed it or the refusal carries it.
    expect(io.err.split('kinesis.shardHour: 2 shard-hours').length - 1).toBe(1);
    expect(io.err).not.toMatch(/internal error/);
  });

  it('--max-cost that is not an amount is exit 2 saying what is expected', async () => {
    const io = new FakeIo({ files: { 'guarded.yaml': YAML } });
    const { main } = await import('../../../src/cli/main.js');
    expect(await main(['run', 'guarded.yaml', '--target', 'aws', '--max-cost', 'lots'], io)).toBe(
      ExitCode.invalidInput,
    );
    expect(io.err).toContain('--max-cost: expected an amount in USD such as 5 or $12.50');
  });

  it('--stream without --allow-existing is exit 2 naming the flag', async () => {
    const io = new FakeIo({ files: { 'guarded.yaml': YAML } });
    const { main } = await import('../../../src/cli/main.js');
    const code = await main(
      ['run', 'guarded.yaml', '--target', 'aws', '--endpoint', 'http://127.0.0.1:9', '--stream', 'theirs'],
      io,
    );
    expect(code).toBe(ExitCode.invalidInput);
    expect(io.err).toMatch(
      /--stream: shardcast would write to "theirs", a stream it did not create: add --allow-existing/,
    );
  });
});
