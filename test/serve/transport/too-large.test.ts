/**
 * A PutRecords over the body bound, sent by the real SDK over both handlers: the server reads the
 * rest of the body and drops it, so the SDK gets the 413 and its JSON error (not EPIPE or
 * NGHTTP2_ENHANCE_YOUR_CALM), and the same client's next request is served.
 */
import {
  CreateStreamCommand,
  KinesisClient,
  KinesisServiceException,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import { createClock, createServices } from '../../../src/serve/index.js';
import { DEFAULT_MAX_BODY_BYTES, type RunningServer, startServer } from '../../../src/serve/server.js';
import { CREDENTIALS } from './fixtures.js';

let server: RunningServer;
beforeAll(async () => {
  // 1,000× server time: the stream is ACTIVE after a few real milliseconds.
  const clock = createClock(1000);
  const services = createServices({
    clock,
    limits: 'aws',
    dataDir: undefined,
    region: 'us-east-1',
    accountId: '000000000000',
  });
  server = await startServer({ services, port: 0, clock });
});
afterAll(() => server.close());

const HANDLERS = {
  'HTTP/2 (NodeHttp2Handler)': () => new NodeHttp2Handler({ disableConcurrentStreams: true }),
  'HTTP/1.1 (NodeHttpHandler)': () => new NodeHttpHandler(),
};

// 15 records of 1 MiB less a byte (each under the 1 MiB record limit with its 1-character key):
// 15 × 1,048,575 = 15,728,625 bytes of data, ⌈1,048,575 / 3⌉ × 4 = 1,398,100 base64 characters each,
// 15 × 1,398,100 = 20,971,500 in all: over the 14,621,016-byte bound, under 4 × that (58,484,064).
const RECORD_BYTES = KINESIS.defaultMaxRecordBytes.value - 1;
const RECORDS = 15;

for (const [name, handler] of Object.entries(HANDLERS)) {
  describe(`a PutRecords body over the bound, over ${name}`, () => {
    let client: KinesisClient;
    const stream = `big-${name.slice(0, 6).replace(/\W/g, '')}`;
    beforeAll(async () => {
      client = new KinesisClient({
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: CREDENTIALS,
        maxAttempts: 1,
        requestHandler: handler(),
      });
      await client.send(
        new CreateStreamCommand({
          StreamName: stream,
          ShardCount: 1,
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    });
    afterAll(() => client.destroy());

    it('is rejected with a parseable RequestEntityTooLargeException (413), and the next request is served', async () => {
      expect(Math.ceil(RECORD_BYTES / 3) * 4 * RECORDS).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
      const data = new Uint8Array(RECORD_BYTES).fill(7);
      const error = await client
        .send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: Array.from({ length: RECORDS }, (_, i) => ({ Data: data, PartitionKey: `${i % 10}` })),
          }),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(KinesisServiceException);
      const e = error as KinesisServiceException;
      expect(e.name).toBe('RequestEntityTooLargeException');
      expect(e.message).toBe(`Request body exceeds the limit of ${DEFAULT_MAX_BODY_BYTES} bytes.`);
      expect(e.$metadata.httpStatusCode).toBe(413);
      expect(e.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

      const next = await client.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: [{ Data: new TextEncoder().encode('after'), PartitionKey: 'k' }],
        }),
      );
      expect(next.FailedRecordCount).toBe(0);
      expect(next.Records?.[0]?.ShardId).toBe('shardId-000000000000');
    });
  });
}
