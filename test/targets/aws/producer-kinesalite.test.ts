/**
 * The producers against kinesalite, an independent Kinesis implementation (in-process, 127.0.0.1):
 * the same SDK calls are accepted by a server that is not ours, so they are not tuned to serve.
 * kinesalite never throttles: every record is acknowledged, none dropped, each read back once.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProducers } from '../../../src/targets/aws/producer.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { buildRun, clientsFor, createActiveStream, readBack } from './producer-harness.js';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as (options: Record<string, unknown>) => Server;

let server: Server;
let clients: AwsClients;

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 10 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  clients = clientsFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  clients.kinesis.destroy();
  clients.firehose.destroy();
  await new Promise((resolve) => server.close(resolve));
});

it('kinesalite takes every record the producers send, each once, with its header', async () => {
  await createActiveStream(clients.kinesis, 'k', 3);
  // Two producers: records of varied sizes in batches of 64, and KPL aggregates.
  const run = await buildRun(
    `
name: kinesalite
seed: 11
duration: 2s
stream: { shards: 3 }
producers:
  - name: plain
    rate: 300/s
    recordSize: { dist: uniform, min: 50B, max: 2KiB }
    batching: { maxRecords: 64 }
  - name: packed
    rate: 200/s
    recordSize: 200B
    aggregation: true
`,
    clients,
    { streamName: 'k' },
  );
  const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
  // Hand: 300/s × 2 s + 200/s × 2 s = 600 + 400 = 1,000 user records.
  expect(outcome.pendingAtEnd).toBe(0);
  expect(run.recorder.totals.produced).toBe(1000);
  expect(run.recorder.totals.acknowledged).toBe(1000);
  expect(run.recorder.totals.dropped).toBe(0);
  const { decodeAggregatedRecord } = await import('../../../src/aws/deaggregation.js');
  const { readRecordHeader } = await import('../../../src/workload/record-header.js');
  const byProducer: number[][] = [[], []];
  for (const r of await readBack(clients.kinesis, 'k')) {
    const users = decodeAggregatedRecord(r.data)?.map((u) => u.data) ?? [r.data];
    for (const data of users) {
      const header = readRecordHeader(data)!;
      expect(header.runTag).toBe(run.ledger.runTag);
      expect(data.length).toBe(header.recordBytes);
      byProducer[header.producer]!.push(header.sequence);
    }
  }
  expect(byProducer[0]!.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  expect(byProducer[1]!.sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i));
}, 30_000);
