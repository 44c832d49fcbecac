/**
 * The producers at a shard's limit, against `shardcast serve --limits aws`: what they count as
 * throttled is exactly what serve refused. These run one at a time, apart from the other producer
 * tests: a shard's 1-s window turns a sender's stalls into unused capacity, so the throttled ratio
 * is the hand figure only when the schedule is kept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runProducers } from '../../../src/targets/aws/producer.js';
import type { AwsRun } from '../../../src/targets/aws/run.js';
import { buildRun, createActiveStream, type Serve, startServe } from './producer-harness.js';

const servers: Serve[] = [];
function track(serve: Serve): Serve {
  servers.push(serve);
  return serve;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** One producer on `shards` shards for `seconds`, with the producer's YAML lines given. */
function scenario(seconds: number, shards: number, producerLines: string): string {
  return `
name: producers
seed: 7
duration: ${seconds}s
stream: { shards: ${shards} }
producers:
  - name: p
${producerLines
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;
}

const totals = (run: AwsRun) => run.recorder.totals;
const statsOf = (run: AwsRun) => run.stats.metrics();

describe("runProducers at a shard's limit", () => {
  it("(b) 1.5× one shard for 3 s with limits aws: 1/3 of first attempts throttled, counts equal serve's", async () => {
    const serve = track(await startServe({ limits: 'aws' }));
    await createActiveStream(serve.clients.kinesis, 'b', 1);
    // Small records so the record limit (1,000/s a shard) binds, not the bytes (1,500 × 132 B ≪ 1 MiB/s).
    const run = await buildRun(
      scenario(3, 1, 'rate: 1500/s\nrecordSize: 100B\nbatching: { linger: 50ms }\nretry: { maxAttempts: 1 }'),
      serve.clients,
      { streamName: 'b' },
    );
    await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    const metrics = await serve.metrics();
    const stream = metrics.services.Kinesis_20131202.streams[0]!;
    // Hand: 1,500 offered a second (batches of 75 every 50 ms), the shard takes at most 1,000 in
    // any 1-s window (serve's sliding window): over the 3 s, 4,500 offered, 3,000 accepted and
    // 1,500 throttled, a throttled ratio of 1,500 / 4,500 = 1/3 (measured here: exactly that).
    // One attempt each (maxAttempts 1): every throttled record is dropped. A sender that stalls
    // (a busy machine) leaves part of a window unused and then sends a burst the window refuses,
    // so the ratio moves off 1/3 (0.44 measured with twelve other tests sharing this process):
    // held within 1/3 ± 0.05 here, running alone.
    expect(totals(run).produced).toBe(4500);
    expect(totals(run).throttled).toBe(stream.recordsThrottled);
    expect(totals(run).acknowledged).toBe(stream.recordsAccepted);
    expect(totals(run).dropped).toBe(totals(run).throttled);
    expect(totals(run).acknowledged + totals(run).throttled).toBe(4500);
    expect(Math.abs(totals(run).throttled / totals(run).produced - 1 / 3)).toBeLessThanOrEqual(0.05);
    expect(statsOf(run)['entries.PutRecords.ProvisionedThroughputExceededException']).toBeGreaterThan(0);
  }, 30_000);

  it("(b′) with retries (5 attempts) the throttled records are resent: accepted stays within the shard's limit", async () => {
    const serve = track(await startServe({ limits: 'aws' }));
    await createActiveStream(serve.clients.kinesis, 'b2', 1);
    const run = await buildRun(
      scenario(
        3,
        1,
        'rate: 1500/s\nrecordSize: 100B\nbatching: { linger: 50ms }\nretry: { maxAttempts: 5, baseDelay: 100ms }',
      ),
      serve.clients,
      { streamName: 'b2' },
    );
    const started = performance.now();
    await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    const elapsedSeconds = (performance.now() - started) / 1000;
    const stream = (await serve.metrics()).services.Kinesis_20131202.streams[0]!;
    // Every attempt the server refused is one throttled count here, and every retry was counted.
    expect(totals(run).throttled).toBe(stream.recordsThrottled);
    expect(totals(run).acknowledged).toBe(stream.recordsAccepted);
    expect(totals(run).retried).toBeGreaterThan(0);
    // Every record ends acknowledged or dropped: produced = acknowledged + dropped.
    expect(totals(run).acknowledged + totals(run).dropped).toBe(totals(run).produced);
    // Hand: the shard takes at most 1,000 records per 1-s window of serve's clock; the run
    // lasted `elapsed` seconds (retries run past the 3 s), so at most ⌈elapsed⌉ + 1 windows.
    expect(totals(run).acknowledged).toBeLessThanOrEqual(1000 * (Math.ceil(elapsedSeconds) + 1));
  }, 30_000);
});
