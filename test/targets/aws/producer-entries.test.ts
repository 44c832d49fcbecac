/**
 * Entry-level failures other than throttling, which serve never answers: a Kinesis-shaped service
 * of this test answers each PutRecords entry with InternalFailure the first time it sees its
 * partition key (and always for the key `doomed`), through the real transport and SDK client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Operation, Service } from '../../../src/serve/protocol.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { runProducers } from '../../../src/targets/aws/producer.js';
import type { AwsClients } from '../../../src/targets/aws/run.js';
import { buildRun, clientsFor } from './producer-harness.js';

const seen = new Set<string>();
let entriesAnswered = 0;
const flaky: Service = {
  targetPrefix: 'Kinesis_20131202',
  operations: new Map<string, Operation>([
    [
      'ListShards',
      () => ({
        Shards: [
          {
            ShardId: 'shardId-000000000000',
            HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
            SequenceNumberRange: { StartingSequenceNumber: '1' },
          },
        ],
      }),
    ],
    [
      'PutRecords',
      (input) => {
        const records = input.Records as { PartitionKey: string }[];
        entriesAnswered += records.length;
        const results = records.map((r, i) => {
          const first = !seen.has(r.PartitionKey);
          seen.add(r.PartitionKey);
          return first || r.PartitionKey === 'doomed'
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
            : { SequenceNumber: String(entriesAnswered * 1000 + i), ShardId: 'shardId-000000000000' };
        });
        return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
      },
    ],
  ]),
};

let server: RunningServer;
let clients: AwsClients;
beforeAll(async () => {
  server = await startServer({ services: [flaky], port: 0, limits: 'off' });
  clients = clientsFor(server.endpoint);
});
afterAll(async () => {
  clients.kinesis.destroy();
  clients.firehose.destroy();
  await server.close();
});

it('InternalFailure entries are retried with the backoff, counted by code, not as throttled; exhausted ones are dropped', async () => {
  const run = await buildRun(
    `
name: entries
seed: 3
duration: 1s
stream: { shards: 1 }
producers:
  - name: flaky
    rate: 100/s
    recordSize: 64B
    retry: { maxAttempts: 3, baseDelay: 10ms }
  - name: doomed
    rate: 10/s
    recordSize: 64B
    keys: { dist: weighted, keys: [{ key: doomed, weight: 1 }] }
    retry: { maxAttempts: 3, baseDelay: 10ms }
`,
    clients,
    { streamName: 'entries' },
  );
  const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
  const totals = run.recorder.totals;
  // Hand: flaky sends 100 records (unique keys), each refused once and accepted on attempt 2:
  // 100 offered, 100 retried, 100 acknowledged. doomed sends 10, each refused on all 3 attempts:
  // 10 offered, 20 retried, 10 dropped. InternalFailure entries: 100 + 10 × 3 = 130.
  expect(outcome.pendingAtEnd).toBe(0);
  expect(totals.produced).toBe(110);
  expect(totals.retried).toBe(100 + 20);
  expect(totals.acknowledged).toBe(100);
  expect(totals.dropped).toBe(10);
  expect(totals.throttled).toBe(0);
  expect(run.ledger.acknowledgedTotal).toBe(100);
  expect(run.stats.metrics()['entries.PutRecords.InternalFailure']).toBe(130);
  expect(entriesAnswered).toBe(110 + 120);
  // Attempts: 110 first + 120 retries = 230 entries answered by the service.
  expect(totals.attempts).toBe(230);
}, 30_000);
