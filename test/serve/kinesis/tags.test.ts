/**
 * Stream tags through serve's transport with the real SDK (HTTP/1.1): any key is a tag (`__proto__`,
 * `constructor`), AWS's reserved `aws:` prefix is refused, and the documented limits (API-K, from
 * `KINESIS`): 10 tags an AddTagsToStream call, 50 a stream, keys 1–128 and values 0–256 characters.
 */
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  InvalidArgumentException,
  KinesisClient,
  KinesisServiceException,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import { createClock, createServices } from '../../../src/serve/index.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';

let server: RunningServer;
let client: KinesisClient;
beforeAll(async () => {
  const clock = createClock(1000);
  const services = createServices({
    clock,
    limits: 'aws',
    dataDir: undefined,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  server = await startServer({ services, port: 0, clock });
  client = new KinesisClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

let streams = 0;
async function stream(tags?: Record<string, string>): Promise<string> {
  const name = `tags-${++streams}`;
  await client.send(
    new CreateStreamCommand({ StreamName: name, ShardCount: 1, ...(tags && { Tags: tags }) }),
  );
  return name;
}

async function tagsOf(name: string): Promise<Record<string, string>> {
  const out = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
}

async function errorOf(promise: Promise<unknown>): Promise<KinesisServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KinesisServiceException);
  return error as KinesisServiceException;
}

/** An object whose own keys are exactly `keys` (a `__proto__` key included, as JSON.parse makes it). */
const tagsWith = (entries: [string, string][]): Record<string, string> =>
  JSON.parse(JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [`#${k}`, v]))).replaceAll('"#', '"'));

describe('tag keys', () => {
  it('any key is a tag: __proto__, constructor, toString, hasOwnProperty', async () => {
    const keys = ['__proto__', 'constructor', 'toString'];
    const name = await stream(tagsWith(keys.map((k) => [k, `v-${k}`])));
    await client.send(
      new AddTagsToStreamCommand({ StreamName: name, Tags: tagsWith([['hasOwnProperty', 'h']]) }),
    );
    const out = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    expect(out.Tags).toEqual([
      { Key: '__proto__', Value: 'v-__proto__' },
      { Key: 'constructor', Value: 'v-constructor' },
      { Key: 'hasOwnProperty', Value: 'h' },
      { Key: 'toString', Value: 'v-toString' },
    ]);
    await client.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['__proto__'] }));
    expect(Object.keys(await tagsOf(name))).toEqual(['constructor', 'hasOwnProperty', 'toString']);
  });

  it("refuses the reserved 'aws:' prefix (any case) with InvalidArgumentException, in AddTagsToStream and CreateStream", async () => {
    const name = await stream({ team: 'a' });
    for (const key of ['aws:owner', 'AWS:cloudformation:stack-name']) {
      const error = await errorOf(
        client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { ok: '1', [key]: 'x' } })),
      );
      expect(error).toBeInstanceOf(InvalidArgumentException);
      expect(error.message).toBe(
        `Failed to add tags to stream ${name} under account 000000000000 because the tag key ${key} uses the prefix 'aws:', which is reserved for AWS use.`,
      );
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    // Nothing of a refused call is kept.
    expect(await tagsOf(name)).toEqual({ team: 'a' });
    const created = await errorOf(
      client.send(new CreateStreamCommand({ StreamName: 'reserved', ShardCount: 1, Tags: { 'aws:x': '1' } })),
    );
    expect(created.name).toBe('InvalidArgumentException');
    // A key that only mentions aws later on is a tag like any other.
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { 'my-aws-key': '1' } }));
    expect(await tagsOf(name)).toEqual({ 'my-aws-key': '1', team: 'a' });
  });
});

describe('tag limits, from KINESIS (API-K)', () => {
  it("refuses characters outside Kinesis' tag set (no ':', unlike other services' tags), in keys and values", async () => {
    const name = await stream();
    // Valid: Unicode letters, digits, white space and _ . / = + - % @ (AWS::Kinesis::Stream Tag).
    await client.send(
      new AddTagsToStreamCommand({
        StreamName: name,
        Tags: { 'shardcast/run-id': 'r 1', 'é_.=+-%@': 'x/y' },
      }),
    );
    const invalid: Record<string, string>[] = [{ 'shardcast:run-id': '1' }, { team: 'a:b' }, { 'a#b': '1' }];
    for (const tags of invalid) {
      const error = await errorOf(client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: tags })));
      expect(error).toBeInstanceOf(InvalidArgumentException);
      expect(error.message).toBe(
        'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
      );
    }
    expect(await tagsOf(name)).toEqual({ 'shardcast/run-id': 'r 1', 'é_.=+-%@': 'x/y' });
  });

  it('are the documented figures', () => {
    expect([
      KINESIS.tagsPerStreamMax.value,
      KINESIS.tagsPerAddTagsToStreamMax.value,
      KINESIS.tagKeyMaxChars.value,
      KINESIS.tagValueMaxChars.value,
    ]).toEqual([50, 10, 128, 256]);
  });

  it('AddTagsToStream takes at most 10 tags a call: 11 is a ValidationException on tags', async () => {
    const name = await stream();
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const error = await errorOf(client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: eleven })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v']));
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: ten }));
    expect(Object.keys(await tagsOf(name))).toHaveLength(10);
  });

  it('a stream holds at most 50: created with 45, +5 fits, then +1 new key is refused, a key given again is not', async () => {
    // 45 + 5 = 50 ≤ 50; 50 + 1 = 51 > 50; re-setting 'k0' keeps 50.
    const name = await stream(Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${i}`, 'v'])));
    await client.send(
      new AddTagsToStreamCommand({
        StreamName: name,
        Tags: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`n${i}`, 'v'])),
      }),
    );
    const error = await errorOf(
      client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { one: 'more' } })),
    );
    expect(error.name).toBe('InvalidArgumentException');
    expect(error.message).toContain('cannot have more than 50 tags');
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { k0: 'again' } }));
    const tags = await tagsOf(name);
    expect(Object.keys(tags)).toHaveLength(50);
    expect(tags.k0).toBe('again');
    // CreateStream: up to 50 (51 is a ValidationException on tags).
    const over = await errorOf(
      client.send(
        new CreateStreamCommand({
          StreamName: 'fifty-one',
          ShardCount: 1,
          Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        }),
      ),
    );
    expect(over.name).toBe('ValidationException');
  });

  it('keys of 1–128 characters and values of 0–256: one past either end is a ValidationException', async () => {
    const name = await stream();
    await client.send(
      new AddTagsToStreamCommand({ StreamName: name, Tags: { ['k'.repeat(128)]: 'v'.repeat(256), e: '' } }),
    );
    expect(Object.keys(await tagsOf(name))).toHaveLength(2);
    const bad: Record<string, string>[] = [{ ['k'.repeat(129)]: 'v' }, { k: 'v'.repeat(257) }, { '': 'v' }];
    for (const tags of bad) {
      const error = await errorOf(client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: tags })));
      expect(error.name).toBe('ValidationException');
    }
    expect(Object.keys(await tagsOf(name))).toHaveLength(2);
  });
});
