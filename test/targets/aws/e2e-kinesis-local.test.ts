/**
 * An enhanced fan-out run through the CLI against kinesis-local (kinesis-mock), an independent
 * Kinesis with RegisterStreamConsumer and SubscribeToShard over HTTP/2: every record acknowledged
 * is read by both applications once — so the event-stream framing and the control plane are not
 * tuned to `shardcast serve` — and the stream and consumer are deleted after.
 */
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { runAws, tempDir } from './e2e-helpers.js';
import { awsOptions, type LocalEndpoint, startKinesisLocal } from './servers.js';

const YAML = `
name: mock
duration: 10s
stream: { shards: 2 }
producers:
  - name: web
    rate: 100/s
    recordSize: 512B
    keys: { dist: uniform, count: 200 }
    batching: { maxRecords: 50, linger: 50ms }
consumers:
  - { name: fraud, type: enhanced-fan-out }
  - { name: archiver, type: polling, pollInterval: 500ms }
`;

let local: LocalEndpoint;
let clients: AwsClients;
const out = tempDir('e2e-kinesis-local');
beforeAll(async () => {
  local = await startKinesisLocal(100);
  clients = createClients(awsOptions({ endpoint: local.endpoint }));
}, 60_000);
afterAll(async () => {
  destroyClients(clients);
  await local?.close();
  out.cleanup();
});

describe('against kinesis-local', () => {
  it('replays an enhanced fan-out scenario with nothing missing, lost or read twice', async () => {
    const { code, io, result } = await runAws('mock.yaml', local.endpoint, join(out.path, 'run'), [], {
      'mock.yaml': YAML,
    });
    expect(io.err).not.toMatch(/error:/);
    expect(code).toBe(0);
    const r = result!;
    // 10 s × 100/s = 1,000 records, all acknowledged and read by each application once.
    expect(r.counters.produced).toBe(1000);
    expect(r.counters.acknowledged).toBe(1000);
    expect(r.metrics.lostRecords).toBe(0);
    for (const app of ['fraud', 'archiver']) {
      expect(r.metrics[`integrity.${app}.delivered`], app).toBe(1000);
      expect(r.metrics[`integrity.${app}.missing`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.duplicates`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.outOfOrder`], app).toBe(0);
    }
    // kinesis-local's event stream is HTTP/1.1 only: at most the first subscription of each shard
    // failed over HTTP/2 (and a resubscription within 5 s of it was refused as in use) before the
    // client went over to HTTP/1.1; the subscriptions after it lasted the run.
    expect(r.metrics['errors.ERR_HTTP2_ERROR'] ?? 0).toBeLessThanOrEqual(2);
    // Each shard's last subscription, answered and read until the run closed it, is an ok request:
    // at least one a shard.
    expect(r.metrics['requests.SubscribeToShard.ok']).toBeGreaterThanOrEqual(2);
    expect(io.err).toContain('cleanup: deregistered consumer shardcast-fraud');
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  }, 90_000);
});
