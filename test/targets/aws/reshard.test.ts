/**
 * The scenario's reshard events against `shardcast serve` (src/targets/aws/reshard.ts), its clock
 * 1,000× real time: a split or merge takes serve's 30 s of server time, 30 ms here. What is checked:
 * each event's UpdateShardCount at its time, ACTIVE again after it, the shard directory following
 * the new shards, more than 2× in several calls, and a refused call recorded rather than thrown.
 */
import { CreateStreamCommand, UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { type ReshardRun, runReshards } from '../../../src/targets/aws/reshard.js';
import { streamSummary } from '../../../src/targets/aws/resources.js';
import { type AwsClients, RequestStats } from '../../../src/targets/aws/run.js';
import { listAllShards, ShardDirectory } from '../../../src/targets/aws/shards.js';
import { RunClock } from '../../../src/targets/clock.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions, type LocalEndpoint, startServe } from './servers.js';

let serve: LocalEndpoint;
let clients: AwsClients;
beforeAll(async () => {
  serve = await startServe(1000);
  clients = createClients(awsOptions({ endpoint: serve.endpoint }));
});
afterAll(async () => {
  destroyClients(clients);
  await serve.close();
});

/** A run on a fresh stream of `shards` shards, with the scenario's events. */
async function runOn(
  name: string,
  shards: number,
  events: string,
  durationSeconds = 10,
): Promise<ReshardRun> {
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  while ((await streamSummary(clients.kinesis, name))?.status !== 'ACTIVE')
    await new Promise((resolve) => setTimeout(resolve, 10));
  const stats = new RequestStats();
  const directory = new ShardDirectory();
  directory.update(await listAllShards(clients.kinesis, { StreamName: name }, stats));
  return {
    clients,
    resources: {
      streamName: name,
      streamArn: '',
      existing: false,
      consumerArns: new Map(),
      deliveryStreams: new Map(),
    },
    scenario: scenarioOf(`
name: r
duration: ${durationSeconds}s
stream: { shards: ${shards} }
producers: [{ name: p, rate: 1/s, recordSize: 1B }]
events: ${events}
`),
    durationSeconds,
    clock: new RunClock(durationSeconds),
    stats,
    shards: directory,
  };
}

describe('runReshards', () => {
  it('reshards at each event, waits for ACTIVE and follows the new shards', async () => {
    // 2 → 4 at 0.2 s (one call); 4 → 1 at 0.4 s (4 → 2 → 1: two calls, ½× at most each).
    const run = await runOn(
      'up-down',
      2,
      '[{ at: 0.2s, reshard: { shards: 4 } }, { at: 0.4s, reshard: { shards: 1 } }]',
    );
    const outcomes = await runReshards(run, new AbortController().signal);
    expect(outcomes.map((o) => [o.shards, o.error])).toEqual([
      [4, undefined],
      [1, undefined],
    ]);
    // Called at its time (never before it), and ACTIVE again after a positive time.
    expect(outcomes[0]!.at).toBeGreaterThanOrEqual(0.2);
    for (const o of outcomes) expect(o.activeAfterSeconds).toBeGreaterThan(0);
    expect(run.shards.openCount).toBe(1);
    // 2 parents + 4 children + 2 (4 → 2) + 1 (2 → 1): each shard seen gets an index.
    expect(run.shards.all().length).toBe(2 + 4 + 2 + 1);
    expect(run.stats.metrics()['requests.UpdateShardCount.ok']).toBe(3);
    expect((await streamSummary(clients.kinesis, 'up-down'))?.openShards).toBe(1);
  });

  it('records a refused call on its event and goes on', async () => {
    // The 11th UpdateShardCount in 24 h is refused (API-K: 10 per rolling 24 h). Ten calls made
    // before the run (1 → 2 → 1 …, each waiting for ACTIVE), then the run's event is the 11th.
    const run = await runOn('limit', 1, '[{ at: 0.1s, reshard: { shards: 2 } }]');
    for (let i = 0; i < 10; i++) {
      await clients.kinesis.send(
        new UpdateShardCountCommand({
          StreamName: 'limit',
          TargetShardCount: i % 2 === 0 ? 2 : 1,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      while ((await streamSummary(clients.kinesis, 'limit'))?.status !== 'ACTIVE')
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const outcomes = await runReshards(run, new AbortController().signal);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.error).toBe('LimitExceededException');
    expect(outcomes[0]?.activeAfterSeconds).toBeUndefined();
    expect(run.stats.metrics()).toMatchObject({
      'requests.UpdateShardCount.throttled': 1,
      'errors.LimitExceededException': 1,
      'http.status.400': 1,
    });
    // The run goes on at the count it had: 1 shard.
    expect(run.shards.openCount).toBe(1);
  });

  it('stops waiting at the run end: an event not yet ACTIVE has no time, a later one is left out', async () => {
    // 1 → 2 at 0.1 s; the run ends at 0.15 s, before serve's split (30 s of server time = 30 ms)…
    // is polled ACTIVE at the next 250 ms poll. The second event (at 5 s) is never reached.
    const run = await runOn(
      'cut',
      1,
      '[{ at: 0.1s, reshard: { shards: 2 } }, { at: 5s, reshard: { shards: 4 } }]',
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const outcomes = await runReshards(run, controller.signal);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.shards).toBe(2);
    expect(outcomes[0]?.activeAfterSeconds).toBeUndefined();
    expect(outcomes[0]?.error).toBeUndefined();
  });
});
