/**
 * A test client that follows a scenario against `shardcast serve` with the real SDK, standing in
 * for the AWS target of the next issue: it creates the scenario's stream, waits for ACTIVE, then
 * sends each producer's records (`ProducerWorkload`: the same open-loop schedule, keys and sizes a
 * real target sends) at their scheduled server time, grouped into PutRecords calls as the
 * producer's batching says (a batch opens at its first record and is sent when it holds
 * `maxRecords` or its `linger` has passed, whichever comes first). Calls are not awaited before the
 * next is sent (open loop, as a target with enough connections). No retries: the scenarios it runs
 * set `retry: { maxAttempts: 1 }`, so every entry is one attempt, and a throttled entry is dropped.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { Scenario } from '../../src/scenario/schema.js';
import type { ServeClock } from '../../src/serve/protocol.js';
import { type ProducerRecord, ProducerWorkload } from '../../src/workload/index.js';

export interface ClientRun {
  /** Entries sent (each one attempt: no retries). */
  attempts: number;
  /** Entries refused with ProvisionedThroughputExceededException. */
  throttled: number;
  /** Entries refused with any other error code, or in a call that failed as a whole. */
  failed: number;
  calls: number;
  /** The latest a call left after its scheduled server time, in server ms (how well the client kept up). */
  maxLateMs: number;
  /** Server ms from the first scheduled send to the last response. */
  elapsedServerMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates `name` with `shards` shards and waits until it is ACTIVE. */
export async function createActiveStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 500; i++) {
    const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    if (summary?.StreamStatus === 'ACTIVE') return;
    await sleep(10);
  }
  throw new Error(`${name} never became ACTIVE`);
}

interface Batch {
  /** Server seconds from the run's start at which it is sent. */
  sendAt: number;
  records: ProducerRecord[];
}

/** A producer's batches in send order: `maxRecords` or `linger`, whichever closes a batch first. */
function* batches(workload: ProducerWorkload): Generator<Batch> {
  const { maxRecords, linger } = workload.producer.batching;
  let open: ProducerRecord[] = [];
  let openedAt = 0;
  for (const record of workload) {
    if (open.length > 0 && record.at > openedAt + linger) {
      yield { sendAt: openedAt + linger, records: open };
      open = [];
    }
    if (open.length === 0) openedAt = record.at;
    open.push(record);
    if (open.length >= maxRecords) {
      yield { sendAt: record.at, records: open };
      open = [];
    }
  }
  if (open.length > 0) yield { sendAt: openedAt + linger, records: open };
}

/**
 * Follows `scenario` against the stream `streamName` (already ACTIVE): every producer's records,
 * from server time `clock.nowMs()` at the call, for the scenario's duration.
 */
export async function followScenario(
  client: KinesisClient,
  clock: ServeClock,
  scenario: Scenario,
  streamName: string,
): Promise<ClientRun> {
  for (const p of scenario.producers) {
    if (p.retry.maxAttempts !== 1)
      throw new Error(`${p.name}: the client sends no retries (retry.maxAttempts 1)`);
    if (p.aggregation.enabled) throw new Error(`${p.name}: the client does not aggregate`);
  }
  const run: ClientRun = { attempts: 0, throttled: 0, failed: 0, calls: 0, maxLateMs: 0, elapsedServerMs: 0 };
  const startMs = clock.nowMs();
  const inFlight = new Set<Promise<void>>();
  // One data buffer for every record: serve counts its bytes, not its content.
  const largest = new Uint8Array(1024 * 1024);

  const send = (entries: PutRecordsRequestEntry[]): Promise<void> =>
    client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries })).then(
      (response) => {
        for (const entry of response.Records ?? []) {
          if (entry.ErrorCode === undefined) continue;
          if (entry.ErrorCode === 'ProvisionedThroughputExceededException') run.throttled += 1;
          else run.failed += 1;
        }
      },
      () => {
        run.failed += entries.length;
      },
    );

  const follow = async (workload: ProducerWorkload): Promise<void> => {
    for (const batch of batches(workload)) {
      const dueMs = startMs + batch.sendAt * 1000;
      const waitServerMs = dueMs - clock.nowMs();
      if (waitServerMs > 0) await sleep(waitServerMs / clock.timeScale);
      run.maxLateMs = Math.max(run.maxLateMs, clock.nowMs() - dueMs);
      const entries = batch.records.map(
        (r): PutRecordsRequestEntry => ({
          PartitionKey: r.partitionKey,
          ...(r.explicitHashKey === undefined ? {} : { ExplicitHashKey: r.explicitHashKey }),
          Data: largest.subarray(0, r.dataBytes),
        }),
      );
      run.attempts += entries.length;
      run.calls += 1;
      const call = send(entries);
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
    }
  };

  await Promise.all(
    scenario.producers.map((producer) =>
      follow(new ProducerWorkload(producer, { seed: scenario.seed, durationSeconds: scenario.duration })),
    ),
  );
  await Promise.all(inFlight);
  run.elapsedServerMs = clock.nowMs() - startMs;
  return run;
}

export interface ReaderRun {
  /** Records taken. */
  processed: number;
  /** The largest iterator age seen, in server seconds: at each poll, now − the arrival of the oldest record not yet taken. */
  maxLagSeconds: number;
}

/**
 * A polling consumer slower than its shard, on a one-shard stream: from TRIM_HORIZON, one
 * GetRecords every `pollSeconds` of server time taking at most `processingRate × pollSeconds`
 * records (what it can process until the next poll), until `durationSeconds` after the call.
 */
export async function pollingReader(
  client: KinesisClient,
  clock: ServeClock,
  streamName: string,
  options: { pollSeconds: number; processingRate: number; durationSeconds: number },
): Promise<ReaderRun> {
  const startMs = clock.nowMs();
  const shardId = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards?.[0]?.ShardId;
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  const limit = Math.round(options.processingRate * options.pollSeconds);
  const run: ReaderRun = { processed: 0, maxLagSeconds: 0 };
  for (let poll = 1; poll * options.pollSeconds <= options.durationSeconds; poll++) {
    const waitServerMs = startMs + poll * options.pollSeconds * 1000 - clock.nowMs();
    if (waitServerMs > 0) await sleep(waitServerMs / clock.timeScale);
    const now = clock.nowMs();
    const response = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    const oldest = response.Records?.[0]?.ApproximateArrivalTimestamp;
    if (oldest !== undefined)
      run.maxLagSeconds = Math.max(run.maxLagSeconds, (now - oldest.getTime()) / 1000);
    run.processed += response.Records?.length ?? 0;
    iterator = response.NextShardIterator;
  }
  return run;
}
