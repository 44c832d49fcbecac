/**
 * A minimal, test-only HTTP/1.1 adapter in front of a service: the body as JSON, `X-Amz-Target` to
 * an operation, the output as JSON or an error as `{ __type, message }` with its status. Not serve's
 * transport (that is `src/serve/server.ts`): just enough for the real SDK client to talk to the
 * operations, on 127.0.0.1 and port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  AwsError,
  type JsonOperation,
  type RequestContext,
  type Service,
} from '../../../src/serve/protocol.js';

export async function serveForTest(
  service: Service,
  context: RequestContext,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = service.operations.get(target.slice(target.indexOf('.') + 1)) as JsonOperation | undefined;
      let status = 200;
      let body: unknown;
      try {
        if (op === undefined) throw new AwsError('UnknownOperationException', target);
        body = op(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'), context);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        status = error.status;
        body = { __type: error.type, message: error.message };
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An SDK v3 Kinesis client for `url` over HTTP/1.1 (the client's default is HTTP/2), no retries. */
export function sdkClient(url: string): KinesisClient {
  return new KinesisClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}
