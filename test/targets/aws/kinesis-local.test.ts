/**
 * The aws target's control plane against kinesis-local (kinesis-mock), an implementation that is
 * not ours and, unlike kinesalite, has enhanced fan-out consumers and UpdateShardCount: the stream,
 * its consumer and a reshard made as against serve, and deleted exactly — so the calls are not
 * tuned to `shardcast serve`.
 */
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { runReshards } from '../../../src/targets/aws/reshard.js';
import { deleteResources, prepareResources, streamSummary } from '../../../src/targets/aws/resources.js';
import { type AwsClients, RequestStats } from '../../../src/targets/aws/run.js';
import { listAllShards, ShardDirectory } from '../../../src/targets/aws/shards.js';
import { RunClock } from '../../../src/targets/clock.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions, type LocalEndpoint, startKinesisLocal } from './servers.js';

const YAML = `
name: mock
duration: 10s
stream: { shards: 2 }
producers: [{ name: p, rate: 10/s, recordSize: 100B }]
consumers: [{ name: fraud, type: enhanced-fan-out }]
events: [{ at: 0.2s, reshard: { shards: 4 } }]
`;

let local: LocalEndpoint;
let clients: AwsClients;
beforeAll(async () => {
  local = await startKinesisLocal(100);
  clients = createClients(awsOptions({ endpoint: local.endpoint }));
}, 60_000);
afterAll(async () => {
  destroyClients(clients);
  await local?.close();
});

describe('against kinesis-local', () => {
  it('creates the stream and its consumer, reshards it, and deletes exactly them', async () => {
    const scenario = scenarioOf(YAML);
    const printed: string[] = [];
    const { resources, ledger } = await prepareResources({
      clients,
      scenario,
      options: awsOptions({ endpoint: local.endpoint }),
      runId: 'm1',
      version: '0.1.0',
      now: new Date('2026-12-06T12:00:00Z'),
      signal: new AbortController().signal,
      print: (line) => printed.push(line),
    });
    expect(printed[0]).toMatch(/^created stream shardcast-mock-m1 \(2 shards\), ACTIVE after/);
    expect(printed[1]).toMatch(/^registered consumer shardcast-fraud for fraud, ACTIVE after/);
    expect(resources.consumerArns.get('fraud')).toMatch(/^arn:aws:kinesis:.*shardcast-fraud/);

    const stats = new RequestStats();
    const shards = new ShardDirectory();
    shards.update(await listAllShards(clients.kinesis, { StreamName: resources.streamName }, stats));
    const outcomes = await runReshards(
      { clients, resources, scenario, durationSeconds: 10, clock: new RunClock(10), stats, shards },
      new AbortController().signal,
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.error).toBeUndefined();
    expect(outcomes[0]?.activeAfterSeconds).toBeGreaterThan(0);
    expect(shards.openCount).toBe(4);
    expect((await streamSummary(clients.kinesis, resources.streamName))?.openShards).toBe(4);

    expect(await deleteResources(clients, ledger)).toEqual([
      'deregistered consumer shardcast-fraud',
      'deleted stream shardcast-mock-m1',
    ]);
    expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  });
});
