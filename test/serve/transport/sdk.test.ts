/**
 * The real AWS SDK v3 clients against the transport (fixture services): if they parse our answers,
 * errors and event streams, the wire format is AWS's. Both of the Kinesis client's handlers: the
 * default HTTP/2 one (`NodeHttp2Handler`, cleartext with prior knowledge) and `NodeHttpHandler`.
 */
import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  ResourceNotFoundException as FirehoseNotFound,
  PutRecordBatchCommand,
} from '@aws-sdk/client-firehose';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  InternalFailureException,
  KinesisClient,
  KinesisServiceException,
  ListStreamsCommand,
  PutRecordsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { ARRIVAL_MS, CREDENTIALS, type FixtureKinesis, fixtureFirehose, fixtureKinesis } from './fixtures.js';

let server: RunningServer;
let kinesis: FixtureKinesis;

beforeAll(async () => {
  kinesis = fixtureKinesis();
  server = await startServer({ services: [kinesis, fixtureFirehose()], port: 0 });
});
afterAll(() => server.close());

const HANDLERS = {
  'HTTP/2 (the default NodeHttp2Handler)': () => new NodeHttp2Handler({ disableConcurrentStreams: true }),
  'HTTP/1.1 (NodeHttpHandler)': () => new NodeHttpHandler(),
};

for (const [name, handler] of Object.entries(HANDLERS)) {
  describe(`KinesisClient over ${name}`, () => {
    let client: KinesisClient;
    beforeAll(() => {
      client = new KinesisClient({
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: CREDENTIALS,
        maxAttempts: 1,
        requestHandler: handler(),
      });
    });
    afterAll(() => client.destroy());

    it('routes ListStreams and parses its answer', async () => {
      const out = await client.send(new ListStreamsCommand({}));
      expect(out.StreamNames).toEqual(['orders', 'clicks']);
      expect(out.HasMoreStreams).toBe(false);
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('hands the service base64 blobs and parses FailedRecordCount with per-record errors', async () => {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: 'orders',
          Records: [
            { Data: new TextEncoder().encode('hello'), PartitionKey: 'a' },
            { Data: new Uint8Array([0, 255]), PartitionKey: 'fail' },
          ],
        }),
      );
      expect(out.FailedRecordCount).toBe(1);
      expect(out.Records?.[0]).toEqual({ SequenceNumber: '1000', ShardId: 'shardId-000000000000' });
      expect(out.Records?.[1]?.ErrorCode).toBe('ProvisionedThroughputExceededException');
      const input = kinesis.calls.filter((c) => c.operation === 'PutRecords').at(-1)!.input;
      // 'hello' in base64 is aGVsbG8=; [0, 255] is AP8=.
      expect(input.Records).toEqual([
        { Data: 'aGVsbG8=', PartitionKey: 'a' },
        { Data: 'AP8=', PartitionKey: 'fail' },
      ]);
    });

    it('writes blobs as base64 and timestamps as epoch seconds, which the SDK reads back', async () => {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: 'it' }));
      expect(out.Records?.map((r) => new TextDecoder().decode(r.Data))).toEqual(['one', 'two']);
      expect(out.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(ARRIVAL_MS);
      expect(out.NextShardIterator).toBe('next');
    });

    it('an AwsError becomes the SDK exception of its class, with its status and message', async () => {
      const error = await client
        .send(new DescribeStreamSummaryCommand({ StreamName: 'missing' }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe('Stream missing under account 000000000000 not found.');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a ValidationException the service throws reaches the SDK by name', async () => {
      const error = await client
        .send(new PutRecordsCommand({ StreamName: 'orders', Records: undefined as never }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(KinesisServiceException);
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
    });

    it('reads a SubscribeToShard event stream: the initial response, then every event in order', async () => {
      const out = await client.send(
        new SubscribeToShardCommand({
          ConsumerARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/c:1',
          ShardId: 'shardId-000000000000',
          StartingPosition: { Type: 'LATEST' },
        }),
      );
      const texts: string[] = [];
      for await (const event of out.EventStream!) {
        for (const r of event.SubscribeToShardEvent?.Records ?? []) {
          texts.push(new TextDecoder().decode(r.Data));
          expect(r.ApproximateArrivalTimestamp?.getTime()).toBe(ARRIVAL_MS);
        }
      }
      expect(texts).toEqual(['event 1', 'event 2', 'event 3']);
    });

    it('a subscription refused before it starts is a plain error answer', async () => {
      const error = await client
        .send(
          new SubscribeToShardCommand({
            ConsumerARN: 'c',
            ShardId: 'bad',
            StartingPosition: { Type: 'LATEST' },
          }),
        )
        .catch((e) => e);
      expect(error).toBeInstanceOf(ResourceInUseException);
      expect(error.$metadata.httpStatusCode).toBe(400);
    });

    it('an exception message in the stream is thrown by the loop reading it, after the events before it', async () => {
      const out = await client.send(
        new SubscribeToShardCommand({
          ConsumerARN: 'c',
          ShardId: 'late',
          StartingPosition: { Type: 'LATEST' },
        }),
      );
      const seen: string[] = [];
      const error = await (async () => {
        for await (const event of out.EventStream!) {
          for (const r of event.SubscribeToShardEvent?.Records ?? [])
            seen.push(new TextDecoder().decode(r.Data));
        }
      })().catch((e) => e);
      expect(seen).toEqual(['event 1']);
      expect(error).toBeInstanceOf(InternalFailureException);
      expect(error?.message).toBe('The shard went away.');
    });
  });
}

describe('FirehoseClient (its default handler, HTTP/1.1)', () => {
  let client: FirehoseClient;
  beforeAll(() => {
    client = new FirehoseClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(() => client.destroy());

  it('routes PutRecordBatch by its target prefix and parses FailedPutCount', async () => {
    const out = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'logs',
        Records: [{ Data: new TextEncoder().encode('ok') }, { Data: new TextEncoder().encode('fail') }],
      }),
    );
    expect(out.FailedPutCount).toBe(1);
    // 'ok' in base64 is b2s=.
    expect(out.RequestResponses?.[0]?.RecordId).toBe('id-b2s=');
    expect(out.RequestResponses?.[1]?.ErrorCode).toBe('ServiceUnavailableException');
  });

  it('parses ResourceNotFoundException into its class', async () => {
    const error = await client
      .send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'nope' }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(FirehoseNotFound);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});
