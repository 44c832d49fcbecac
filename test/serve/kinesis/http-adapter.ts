/**
 * A service behind serve's own transport (`src/serve/server.ts`), on 127.0.0.1 and port 0, with the
 * test's clock (a hand-driven one: time passes only when the test says): the real SDK client then
 * talks to the operations over the same wire code `shardcast serve` uses.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RequestContext, Service } from '../../../src/serve/protocol.js';
import { startServer } from '../../../src/serve/server.js';

export async function serveForTest(
  service: Service,
  context: RequestContext,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startServer({
    services: [service],
    port: 0,
    limits: context.limits,
    region: context.region,
    accountId: context.accountId,
    // The test's clock; the server's own close() cancels nothing of it.
    clock: Object.assign(Object.create(context.clock) as typeof context.clock, { close: () => {} }),
  });
  return { url: server.endpoint, close: () => server.close() };
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
