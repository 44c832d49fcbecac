/**
 * The real `@aws-sdk/client-firehose` parses what the Firehose model answers: a tiny `node:http`
 * server routes `X-Amz-Target: Firehose_20150804.<Operation>` to the service and writes JSON 1.1
 * responses and errors (`{"__type", "message"}` with the error's status). The transport of
 * `shardcast serve` replaces this server; the point here is that our shapes are AWS's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConcurrentModificationException,
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  FirehoseServiceException,
  InvalidArgumentException,
  LimitExceededException,
  ListDeliveryStreamsCommand,
  ListTagsForDeliveryStreamCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  TagDeliveryStreamCommand,
  UntagDeliveryStreamCommand,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsError, type JsonOperation } from '../../../src/serve/protocol.js';
import { harness, KiB, ROLE, START_MS } from './helpers.js';

const h = harness({ region: 'eu-central-1' });
let server: Server;
let client: FirehoseClient;

function serve(): Server {
  const context = {
    clock: h.clock,
    region: 'eu-central-1',
    accountId: '000000000000',
    limits: 'aws' as const,
  };
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, name] = target.split('.');
      const op =
        prefix === h.firehose.targetPrefix
          ? (h.firehose.operations.get(name ?? '') as JsonOperation)
          : undefined;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'test' });
        res.end(JSON.stringify(body));
      };
      try {
        if (op === undefined) throw new AwsError('UnknownOperationException', target);
        send(200, op(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, context));
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        send(e.status, { __type: e.type, message: e.message });
      }
    });
  });
}

beforeAll(async () => {
  server = serve();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new FirehoseClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    // One attempt: the test sees each error as the server sent it, not after the SDK's retries.
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await h.firehose.close?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the AWS SDK v3 Firehose client against the Firehose model', () => {
  it('creates, describes and lists delivery streams', async () => {
    const created = await client.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'sdk',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: ROLE,
          BucketARN: 'arn:aws:s3:::bucket',
          Prefix: 'sdk/',
          CompressionFormat: 'GZIP',
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        },
      }),
    );
    expect(created.DeliveryStreamARN).toBe('arn:aws:firehose:eu-central-1:000000000000:deliverystream/sdk');
    await expect(
      client.send(new PutRecordCommand({ DeliveryStreamName: 'sdk', Record: { Data: new Uint8Array(1) } })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    h.clock.advanceBy(1000);
    const d = (await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sdk' })))
      .DeliveryStreamDescription;
    expect(d?.DeliveryStreamStatus).toBe('ACTIVE');
    expect(d?.CreateTimestamp).toEqual(new Date(START_MS));
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      Prefix: 'sdk/',
      CompressionFormat: 'GZIP',
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
    });
    const listed = await client.send(new ListDeliveryStreamsCommand({}));
    expect(listed).toMatchObject({ DeliveryStreamNames: ['sdk'], HasMoreDeliveryStreams: false });
    await expect(
      client.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'sdk',
          S3DestinationConfiguration: { RoleARN: ROLE, BucketARN: 'arn:aws:s3:::bucket' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it('puts records and parses partial failures and the quota errors', async () => {
    const put = await client.send(
      new PutRecordCommand({ DeliveryStreamName: 'sdk', Record: { Data: Buffer.from('hello\n') } }),
    );
    expect(put.RecordId).toMatch(/^[A-Za-z0-9+/=]{44}$/);
    expect(put.Encrypted).toBe(false);
    // eu-central-1: 1 MiB/s = 1,048,576 bytes; the 6 bytes above leave 1,048,570. Ten 100 KiB records
    // (10 × 102,400 = 1,024,000) fit, leaving 24,570; the eleventh (102,400) does not, nor does a
    // PutRecord of 100 KiB after it (the manual clock has not moved, so nothing refilled).
    const batch = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'sdk',
        Records: Array.from({ length: 11 }, () => ({ Data: new Uint8Array(100 * KiB) })),
      }),
    );
    expect(batch.FailedPutCount).toBe(1);
    expect(batch.RequestResponses?.[10]).toEqual({
      ErrorCode: 'ServiceUnavailableException',
      ErrorMessage: 'Slow down.',
    });
    expect(batch.RequestResponses?.[9]?.RecordId).toBeDefined();
    const throttled = await client
      .send(new PutRecordCommand({ DeliveryStreamName: 'sdk', Record: { Data: new Uint8Array(100 * KiB) } }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ServiceUnavailableException);
    expect((throttled as ServiceUnavailableException).$metadata.httpStatusCode).toBe(503);
    expect((throttled as ServiceUnavailableException).message).toBe('Slow down.');
  });

  it('parses InvalidArgumentException and ValidationException', async () => {
    const invalid = await client
      .send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'bad',
          ExtendedS3DestinationConfiguration: {
            RoleARN: ROLE,
            BucketARN: 'arn:aws:s3:::bucket',
            Prefix: '!{timestamp:yyyy}/',
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidArgumentException);
    const validation = await client
      .send(new PutRecordBatchCommand({ DeliveryStreamName: 'sdk', Records: [] }))
      .catch((e: unknown) => e);
    expect(validation).toBeInstanceOf(FirehoseServiceException);
    expect((validation as FirehoseServiceException).name).toBe('ValidationException');
    expect((validation as FirehoseServiceException).message).toContain("at 'records'");
  });

  it('tags, lists tags in pages, untags, and refuses a 51st tag', async () => {
    await client.send(
      new TagDeliveryStreamCommand({
        DeliveryStreamName: 'sdk',
        Tags: [{ Key: 'team', Value: 'data' }, { Key: 'env' }],
      }),
    );
    const page = await client.send(
      new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'sdk', Limit: 1 }),
    );
    expect(page).toMatchObject({ Tags: [{ Key: 'env' }], HasMoreTags: true });
    const rest = await client.send(
      new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'sdk', ExclusiveStartTagKey: 'env' }),
    );
    expect(rest).toMatchObject({ Tags: [{ Key: 'team', Value: 'data' }], HasMoreTags: false });
    await client.send(
      new UntagDeliveryStreamCommand({ DeliveryStreamName: 'sdk', TagKeys: ['env', 'absent'] }),
    );
    // One tag left; 50 more would make 51 (a delivery stream holds up to 50).
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(
      client.send(new TagDeliveryStreamCommand({ DeliveryStreamName: 'sdk', Tags: many })),
    ).rejects.toBeInstanceOf(LimitExceededException);
    const all = await client.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'sdk' }));
    expect(all.Tags).toEqual([{ Key: 'team', Value: 'data' }]);
  });

  it("refuses a tag key starting with 'aws:' or a character outside the model's pattern, and keeps __proto__", async () => {
    // API-F Tag.Key: pattern ^(?!aws:)[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$, so a ValidationException.
    for (const tag of [
      { Key: 'aws:owner', Value: 'x' },
      { Key: 'team', Value: 'a;b' },
    ]) {
      const error = await client
        .send(new TagDeliveryStreamCommand({ DeliveryStreamName: 'sdk', Tags: [tag] }))
        .then(
          () => undefined,
          (e: unknown) => e as FirehoseServiceException,
        );
      expect(error?.name).toBe('ValidationException');
      expect(error?.message).toContain('Member must satisfy regular expression pattern: ^');
    }
    await client.send(
      new TagDeliveryStreamCommand({ DeliveryStreamName: 'sdk', Tags: [{ Key: '__proto__', Value: 'p' }] }),
    );
    const all = await client.send(new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: 'sdk' }));
    expect(all.Tags).toEqual([
      { Key: '__proto__', Value: 'p' },
      { Key: 'team', Value: 'data' },
    ]);
    await client.send(new UntagDeliveryStreamCommand({ DeliveryStreamName: 'sdk', TagKeys: ['__proto__'] }));
  });

  it('updates the destination, and parses ConcurrentModificationException for a stale version', async () => {
    const update = {
      DeliveryStreamName: 'sdk',
      CurrentDeliveryStreamVersionId: '1',
      DestinationId: 'destinationId-000000000001',
      ExtendedS3DestinationUpdate: { BufferingHints: { SizeInMBs: 2, IntervalInSeconds: 120 } },
    };
    await client.send(new UpdateDestinationCommand(update));
    const d = (await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sdk' })))
      .DeliveryStreamDescription;
    expect(d?.VersionId).toBe('2');
    expect(d?.LastUpdateTimestamp).toBeInstanceOf(Date);
    await expect(client.send(new UpdateDestinationCommand(update))).rejects.toBeInstanceOf(
      ConcurrentModificationException,
    );
  });

  it('deletes', async () => {
    await client.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'sdk' }));
    const d = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sdk' }));
    expect(d.DeliveryStreamDescription?.DeliveryStreamStatus).toBe('DELETING');
    h.clock.advanceBy(1000);
    await expect(
      client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sdk' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
