/**
 * The same kind of run through the CLI against kinesalite, an independent Kinesis (in-process on
 * 127.0.0.1): a polling application only, as kinesalite has neither enhanced fan-out nor
 * UpdateShardCount. Every record acknowledged is read once, none lost — so the wire calls are not
 * tuned to `shardcast serve` — and the stream shardcast made is deleted after.
 */
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { runAws, tempDir } from './e2e-helpers.js';
import { awsOptions, type LocalEndpoint, startKinesalite } from './servers.js';

const YAML = `
name: independent
duration: 10s
stream: { shards: 3 }
producers:
  - name: web
    rate: 150/s
    recordSize: { dist: uniform, min: 100B, max: 2KiB }
    keys: { dist: zipf, count: 1000, exponent: 1.1 }
    batching: { maxRecords: 100, linger: 50ms }
consumers:
  - { name: archiver, type: polling, pollInterval: 500ms }
`;

let local: LocalEndpoint;
let clients: AwsClients;
const out = tempDir('e2e-kinesalite');
beforeAll(async () => {
  local = await startKinesalite();
  clients = createClients(awsOptions({ endpoint: local.endpoint }));
});
afterAll(async () => {
  destroyClients(clients);
  await local?.close();
  out.cleanup();
});

describe('against kinesalite', () => {
  it('replays the scenario with nothing missing, lost or read twice', async () => {
    const { code, io, result } = await runAws('independent.yaml', local.endpoint, join(out.path, 'run'), [], {
      'independent.yaml': YAML,
    });
    expect(io.err).not.toMatch(/error:/);
    expect(code).toBe(0);
    const r = result!;
    // 10 s × 150/s = 1,500 records; kinesalite never throttles: every one acknowledged.
    expect(r.counters.produced).toBe(1500);
    expect(r.counters.acknowledged).toBe(1500);
    expect(r.metrics.lostRecords).toBe(0);
    expect(r.metrics['integrity.archiver.delivered']).toBe(1500);
    expect(r.metrics['integrity.archiver.missing']).toBe(0);
    expect(r.metrics['integrity.archiver.duplicates']).toBe(0);
    expect(r.metrics['integrity.archiver.outOfOrder']).toBe(0);
    expect(r.metrics['requests.GetRecords.ok']).toBeGreaterThan(0);
    expect(r.series.shards.every((n) => n === 3)).toBe(true);
    expect(io.err).toMatch(/cleanup: deleted stream shardcast-independent-/);
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  }, 60_000);
});
