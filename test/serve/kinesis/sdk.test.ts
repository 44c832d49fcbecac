/**
 * The real `@aws-sdk/client-kinesis` (v3, JSON 1.1 over HTTP/1.1) parses what the operations
 * return, errors included. The HTTP here is a minimal test-only adapter (`http-adapter.ts`), not
 * serve's transport: it proves the shapes,
 * field names and error types the SDK expects, on a scaled real-time clock (1 server second = 1 ms).
 */
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesis } from '../../../src/serve/kinesis/index.js';
import type { RequestContext, ServeClock } from '../../../src/serve/protocol.js';
import { sdkClient, serveForTest } from './http-adapter.js';

/** Server time runs `scale` times faster than real time; a test may change the rate. */
let scale = 1000;
let baseReal = Date.now();
let baseServer = baseReal;
const setScale = (next: number) => {
  baseServer = clock.nowMs();
  baseReal = Date.now();
  scale = next;
};
const clock: ServeClock = {
  get timeScale() {
    return scale;
  },
  nowMs: () => baseServer + (Date.now() - baseReal) * scale,
  after: (serverMs, fn) => {
    const timer = setTimeout(fn, serverMs / scale);
    return () => clearTimeout(timer);
  },
};
const context: RequestContext = { clock, region: 'us-east-1', accountId: '000000000000', limits: 'aws' };
const { service } = createKinesis({ ...context });

let server: { url: string; close(): Promise<void> };
let client: KinesisClient;

beforeAll(async () => {
  server = await serveForTest(service, context);
  client = sdkClient(server.url);
});

afterAll(async () => {
  client.destroy();
  service.close?.();
  await server.close();
});

async function active(name: string) {
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return s.StreamDescriptionSummary;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the AWS SDK v3 Kinesis client against the operations', () => {
  it('creates, describes, lists, tags', async () => {
    await client.send(new CreateStreamCommand({ StreamName: 'sdk', ShardCount: 2 }));
    const summary = await active('sdk');
    expect(summary.OpenShardCount).toBe(2);
    expect(summary.StreamCreationTimestamp).toBeInstanceOf(Date);
    const d = await client.send(new DescribeStreamCommand({ StreamName: 'sdk' }));
    expect(d.StreamDescription?.Shards?.[1]?.HashKeyRange?.StartingHashKey).toBe(
      '170141183460469231731687303715884105728',
    );
    const list = await client.send(new ListStreamsCommand({}));
    expect(list.StreamNames).toContain('sdk');
    expect(list.StreamSummaries?.find((s) => s.StreamName === 'sdk')?.StreamARN).toBe(
      'arn:aws:kinesis:us-east-1:000000000000:stream/sdk',
    );
    await client.send(new AddTagsToStreamCommand({ StreamName: 'sdk', Tags: { team: 'data' } }));
    const tags = await client.send(new ListTagsForStreamCommand({ StreamName: 'sdk' }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'data' }]);
  });

  it('puts and reads records, and parses PutRecords partial failures', async () => {
    const put = await client.send(
      new PutRecordCommand({
        StreamName: 'sdk',
        Data: new TextEncoder().encode('hello'),
        PartitionKey: 'p',
        ExplicitHashKey: '0',
      }),
    );
    expect(put.ShardId).toBe('shardId-000000000000');
    // 1,100 entries to shard 0 in one burst (3 calls: 500, 500, 100) at real-time speed: at most
    // 1,000 fit its 1-s window, so at least 100 fail (all within a second unless the machine stalls).
    setScale(1);
    const batch = (n: number) =>
      Array.from({ length: n }, () => ({
        Data: new Uint8Array([1]),
        PartitionKey: 'p',
        ExplicitHashKey: '0',
      }));
    const outs = [];
    for (const n of [500, 500, 100])
      outs.push(await client.send(new PutRecordsCommand({ StreamName: 'sdk', Records: batch(n) })));
    const failed = outs.reduce((sum, o) => sum + (o.FailedRecordCount ?? 0), 0);
    setScale(1000);
    expect(failed).toBeGreaterThanOrEqual(100);
    const entry = outs.flatMap((o) => o.Records ?? []).find((r) => r.ErrorCode !== undefined);
    expect(entry?.ErrorCode).toBe('ProvisionedThroughputExceededException');
    expect(entry?.ErrorMessage).toMatch(
      /^Rate exceeded for shard shardId-000000000000 in stream sdk under account 000000000000\.$/,
    );
    const it0 = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'sdk',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const got = await client.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator, Limit: 1 }));
    expect(new TextDecoder().decode(got.Records?.[0]?.Data)).toBe('hello');
    expect(got.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(got.Records?.[0]?.SequenceNumber).toBe(put.SequenceNumber);
    expect(typeof got.NextShardIterator).toBe('string');
    expect(got.MillisBehindLatest).toBeGreaterThanOrEqual(0);
  });

  it('raises the SDK exceptions by AWS error type', async () => {
    const missing = await client
      .send(new DescribeStreamCommand({ StreamName: 'nope' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe('Stream nope under account 000000000000 not found.');
    const invalid = await client
      .send(new CreateStreamCommand({ StreamName: 'bad name', ShardCount: 1 }))
      .catch((e: unknown) => e);
    expect((invalid as Error).name).toBe('ValidationException');
    expect((invalid as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });

  it('reshards on the scaled clock, with lineage the SDK reads', async () => {
    await client.send(
      new UpdateShardCountCommand({ StreamName: 'sdk', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
    );
    await active('sdk');
    const shards = await client.send(
      new ListShardsCommand({ StreamName: 'sdk', ShardFilter: { Type: 'AT_LATEST' } }),
    );
    expect(shards.Shards?.map((s) => s.ParentShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000001',
    ]);
    const it0 = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'sdk',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    const end = await client.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator }));
    expect(end.NextShardIterator).toBeUndefined();
    expect(end.ChildShards?.map((c) => c.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000003']);
  });
});
