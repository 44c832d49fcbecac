/**
 * The AWS target's producers against `shardcast serve` (in-process, 127.0.0.1, port 0), through
 * the real SDK v3 clients: what they send is what the scenario says, every record carries its
 * header, and what they count is what the server saw.
 */
import type { PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAggregatedRecord } from '../../../src/aws/deaggregation.js';
import { runProducers } from '../../../src/targets/aws/producer.js';
import type { AwsRun } from '../../../src/targets/aws/run.js';
import {
  buildRun,
  createActiveStream,
  createDirectPut,
  readBack,
  type Serve,
  setFaults,
  startServe,
} from './producer-harness.js';

// The tests run concurrently (most of their time is waiting for a schedule to pass), each with
// its own server, closed at the end.
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

/** Records per PutRecords request, and their bytes (data + key), seen by an SDK middleware. */
function watchRequests(run: AwsRun): { records: number; bytes: number }[] {
  const seen: { records: number; bytes: number }[] = [];
  run.clients.kinesis.middlewareStack.add(
    (next) => async (args) => {
      const records = (args.input as PutRecordsCommandInput).Records;
      if (records !== undefined) {
        seen.push({
          records: records.length,
          bytes: records.reduce((sum, r) => sum + r.Data!.length + r.PartitionKey!.length, 0),
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'watchPutRecords' },
  );
  return seen;
}

const totals = (run: AwsRun) => run.recorder.totals;
const statsOf = (run: AwsRun) => run.stats.metrics();

describe.concurrent('runProducers against shardcast serve', () => {
  it('(a) 200 records/s for 3 s onto 2 shards, limits off: 600 offered and acknowledged, each read back with its header', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'a', 2);
    const run = await buildRun(scenario(3, 2, 'rate: 200/s\nrecordSize: 100B'), serve.clients, {
      streamName: 'a',
    });
    const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
    // Hand: 200 records/s × 3 s = 600, evenly spaced (record k at (k + ½)/200 s): exactly 600.
    expect(outcome.pendingAtEnd).toBe(0);
    expect(totals(run).produced).toBe(600);
    expect(totals(run).acknowledged).toBe(600);
    expect(run.ledger.acknowledgedTotal).toBe(600);
    expect(totals(run).dropped).toBe(0);
    expect(totals(run).throttled).toBe(0);
    // Bytes accepted: 600 × (100 data + 36 key characters, unique keys) = 81,600.
    expect(totals(run).writeBytes).toBe(600 * (100 + 36));
    const metrics = await serve.metrics();
    expect(metrics.services.Kinesis_20131202.streams[0]!.recordsAccepted).toBe(600);
    expect(statsOf(run)['requests.PutRecords.ok']).toBe(
      metrics.transport.requests['Kinesis_20131202.PutRecords']!['200'],
    );
    expect(totals(run).putRequests).toBe(statsOf(run)['requests.PutRecords.ok']);
    const read = await readBack(serve.clients.kinesis, 'a');
    expect(read).toHaveLength(600);
    const sequences = read.map((r) => {
      expect(r.header).toBeDefined();
      expect(r.header!.producer).toBe(0);
      expect(r.header!.runTag).toBe(run.ledger.runTag);
      expect(r.header!.recordBytes).toBe(100);
      expect(r.data.length).toBe(100);
      return r.header!.sequence;
    });
    expect(sequences.sort((x, y) => x - y)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    // Every record's scheduled time is its place in the schedule: (k + ½)/200 s after the start.
    for (const r of read) {
      expect(run.clock.secondsAt(r.header!.scheduledEpochMicros)).toBeCloseTo(
        (r.header!.sequence + 0.5) / 200,
        5,
      );
    }
    // Per-shard offered load reached the directory: the two shards' rows sum to 600 records over
    // 1,000 records/s a shard; each second's row is records / 1,000 (bytes are far below 1 MiB/s).
    let load = 0;
    for (let s = 0; s < 3; s++) for (const u of run.shards.takeRow(s)) load += u;
    expect(load * 1000).toBeCloseTo(600, 2);
  }, 30_000);

  it('(c) faults error5xx=20%: every record acknowledged in the end, requests counted by outcome', async () => {
    const serve = track(await startServe({ limits: 'off', seed: 3 }));
    await createActiveStream(serve.clients.kinesis, 'c', 2);
    await setFaults(serve, 'PutRecords:error5xx=20%');
    const run = await buildRun(
      scenario(
        3,
        2,
        'rate: 500/s\nrecordSize: 200B\nbatching: { maxRecords: 50 }\nretry: { maxAttempts: 10, baseDelay: 20ms }',
      ),
      serve.clients,
      { streamName: 'c' },
    );
    const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    // Hand: 500/s × 3 s = 1,500 records. A request fails with 5xx with p = 0.2; the SDK makes
    // 3 attempts (p all fail = 0.008) and the producer up to 10 (p ≈ 0.008^10): none is lost.
    expect(outcome.pendingAtEnd).toBe(0);
    expect(totals(run).produced).toBe(1500);
    expect(totals(run).acknowledged).toBe(1500);
    expect(totals(run).dropped).toBe(0);
    const metrics = await serve.metrics();
    const byStatus = metrics.transport.requests['Kinesis_20131202.PutRecords']!;
    const fiveXx = (byStatus['500'] ?? 0) + (byStatus['503'] ?? 0);
    const stats = statsOf(run);
    // Every HTTP 200 is one request that ended ok; every 5xx is an SDK retry of a request, or the
    // last attempt of one that ended in error: 5xx = sdk.retries + requests.error.
    expect(stats['requests.PutRecords.ok']).toBe(byStatus['200']);
    expect(fiveXx).toBeGreaterThan(0);
    expect(fiveXx).toBe((stats['sdk.retries'] ?? 0) + (stats['requests.PutRecords.error'] ?? 0));
    expect((stats['requests.PutRecords.ok'] ?? 0) + (stats['requests.PutRecords.error'] ?? 0)).toBe(
      totals(run).putRequests,
    );
    // The records the server accepted are each acknowledged once: no 5xx here writes anything.
    expect(metrics.services.Kinesis_20131202.streams[0]!.recordsAccepted).toBe(1500);
  }, 30_000);

  it('(c′) throttle=10%, error5xx=2%, reset=5% on whole requests: nothing lost, every HTTP call accounted for', async () => {
    const serve = track(await startServe({ limits: 'off', seed: 5 }));
    await createActiveStream(serve.clients.kinesis, 'c2', 2);
    await setFaults(serve, 'PutRecords:throttle=10%,PutRecords:error5xx=2%,PutRecords:reset=5%');
    const run = await buildRun(
      scenario(
        3,
        2,
        'rate: 500/s\nrecordSize: 200B\nbatching: { maxRecords: 25 }\nretry: { maxAttempts: 10, baseDelay: 20ms }',
      ),
      serve.clients,
      { streamName: 'c2' },
    );
    const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    expect(outcome.pendingAtEnd).toBe(0);
    expect(totals(run).acknowledged).toBe(1500);
    // serve refuses or drops a faulty request before it writes anything: each record once.
    const metrics = await serve.metrics();
    expect(metrics.services.Kinesis_20131202.streams[0]!.recordsAccepted).toBe(1500);
    // Hand: every HTTP call serve saw (200; 400 throttled; 500/503; 0 for a dropped connection) is
    // the last attempt of one request of ours (ok, throttled or error) or one of the SDK's retries.
    const calls = Object.values(metrics.transport.requests['Kinesis_20131202.PutRecords']!).reduce(
      (a, b) => a + b,
      0,
    );
    const stats = statsOf(run);
    const requests =
      (stats['requests.PutRecords.ok'] ?? 0) +
      (stats['requests.PutRecords.throttled'] ?? 0) +
      (stats['requests.PutRecords.error'] ?? 0);
    expect(requests).toBe(totals(run).putRequests);
    expect(calls).toBe(requests + (stats['sdk.retries'] ?? 0));
    expect(metrics.transport.faults.reset).toBeGreaterThan(0);
    expect(metrics.transport.faults.throttle).toBeGreaterThan(0);
  }, 30_000);

  it('(d) batching: maxRecords, maxBytes and linger bound every request', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'd', 4);
    // maxRecords 100 at 1,000 records/s for 2 s, linger 60 s: a batch fills in 0.1 s, long before
    // its linger (even on a machine that stalls this process for seconds): 2,000 / 100 = 20
    // requests of exactly 100.
    const byRecords = await buildRun(
      scenario(2, 4, 'rate: 1000/s\nrecordSize: 100B\nbatching: { maxRecords: 100, linger: 60s }'),
      serve.clients,
      { streamName: 'd' },
    );
    const seenRecords = watchRequests(byRecords);
    await runProducers(byRecords, new AbortController().signal, { maxInFlight: 8 });
    expect(seenRecords.map((r) => r.records)).toEqual(Array.from({ length: 20 }, () => 100));
    expect(totals(byRecords).putRequests).toBe(20);
  }, 30_000);

  it('(d′) batching by bytes: 1 KiB records with 36-character keys, maxBytes 10 KiB → 9 a request', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'd2', 4);
    // Entry bytes: 1,024 data + 36 key = 1,060. 9 × 1,060 = 9,540 ≤ 10,240 < 10 × 1,060 = 10,600.
    // 1,000 records at 1,000/s: 111 requests of 9 (999) and the last record alone: 112 (a linger
    // of 60 s never cuts a batch short, even on a machine that stalls this process for seconds).
    const run = await buildRun(
      scenario(1, 4, 'rate: 1000/s\nrecordSize: 1KiB\nbatching: { maxBytes: 10KiB, linger: 60s }'),
      serve.clients,
      { streamName: 'd2' },
    );
    const seen = watchRequests(run);
    await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    expect(seen).toHaveLength(112);
    expect(seen.slice(0, 111).every((r) => r.records === 9 && r.bytes === 9540)).toBe(true);
    expect(seen[111]).toEqual({ records: 1, bytes: 1060 });
  }, 30_000);

  it('(d″) linger: 10 records/s with a 250 ms linger → batches of 3', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'd3', 1);
    // Records at 0.05, 0.15, 0.25, 0.35, … s. A batch opened by the record at t goes at t + 0.25:
    // it holds t, t + 0.1, t + 0.2 (t + 0.3 is after its linger): 30 records in 3 s, 10 batches of 3.
    const run = await buildRun(
      scenario(3, 1, 'rate: 10/s\nrecordSize: 100B\nbatching: { linger: 250ms }'),
      serve.clients,
      {
        streamName: 'd3',
      },
    );
    const seen = watchRequests(run);
    await runProducers(run, new AbortController().signal, { maxInFlight: 8 });
    expect(seen.map((r) => r.records)).toEqual(Array.from({ length: 10 }, () => 3));
  }, 30_000);

  it('(e) a server slowed by 500 ms: put latency from the schedule is at least 0.5 s', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'e', 1);
    await setFaults(serve, 'PutRecords:latency=500ms');
    // maxInFlight 1 at 100 records/s with a 10 ms linger: one request takes ≥ 0.5 s, so records
    // wait behind it (≈ 50 a request): their latency counts the wait from their schedule.
    const run = await buildRun(
      scenario(2, 1, 'rate: 100/s\nrecordSize: 100B\nbatching: { linger: 10ms }'),
      serve.clients,
      {
        streamName: 'e',
      },
    );
    await runProducers(run, new AbortController().signal, { maxInFlight: 1 });
    const latency = run.recorder.putLatency.encode();
    expect(totals(run).acknowledged).toBe(200);
    expect(latency.minUs).toBeGreaterThanOrEqual(500_000);
    // Stalled records wait for the request ahead: the slowest waited about two requests (≥ 1 s).
    expect(latency.maxUs).toBeGreaterThanOrEqual(1_000_000);
  }, 30_000);

  it('(f) KPL aggregation: fewer Kinesis records than user records, serve stores aggregates that unpack to every header', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'f', 2);
    const run = await buildRun(
      scenario(2, 2, 'rate: 500/s\nrecordSize: 100B\naggregation: { maxBytes: 4KiB }'),
      serve.clients,
      { streamName: 'f' },
    );
    await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
    // 500/s × 2 s = 1,000 user records, all acknowledged; an aggregate of 4 KiB holds ~27 of
    // them (100 data + 36 key + ~6 framing bytes each), so far fewer Kinesis records.
    expect(totals(run).acknowledged).toBe(1000);
    const kinesisRecords = run.recorder.perSecond.writeRecords.reduce((a, b) => a + b, 0);
    expect(kinesisRecords).toBeLessThan(1000 / 10);
    const stream = (await serve.metrics()).services.Kinesis_20131202.streams[0]!;
    expect(stream.recordsAccepted).toBe(kinesisRecords);
    const read = await readBack(serve.clients.kinesis, 'f');
    const users = read.flatMap((r) => {
      const unpacked = decodeAggregatedRecord(r.data);
      if (unpacked === undefined) return [r.data];
      expect(r.partitionKey).toBe('a');
      return unpacked.map((u) => u.data);
    });
    expect(read.length).toBe(kinesisRecords);
    const { readRecordHeader } = await import('../../../src/workload/record-header.js');
    const sequences = users.map((d) => readRecordHeader(d)!.sequence).sort((x, y) => x - y);
    expect(sequences).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  }, 30_000);

  it('(g) a direct-put Firehose producer: PutRecordBatch to its delivery stream, every record acknowledged', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'g', 1);
    await createDirectPut(serve.clients.firehose, 'shardcast-logs');
    const yaml = `
name: producers
seed: 7
duration: 2s
stream: { shards: 1 }
producers:
  - name: shipper
    rate: 300/s
    recordSize: 2KiB
    destination: logs
firehose:
  - name: logs
    source: direct-put
`;
    const run = await buildRun(yaml, serve.clients, {
      streamName: 'g',
      deliveryStreams: { logs: 'shardcast-logs' },
    });
    const outcome = await runProducers(run, new AbortController().signal, { maxInFlight: 4 });
    // Hand: 300/s × 2 s = 600 records of 2,048 bytes: 1,228,800 bytes (Firehose counts data only).
    expect(outcome.firehose).toEqual({ logs: { records: 600, bytes: 600 * 2048, throttled: 0 } });
    expect(run.ledger.acknowledgedTotal).toBe(600);
    expect(totals(run).acknowledged).toBe(600);
    const metrics = await serve.metrics();
    expect(statsOf(run)['requests.PutRecordBatch.ok']).toBe(
      metrics.transport.requests['Firehose_20150804.PutRecordBatch']!['200'],
    );
    // Nothing went to the Kinesis stream.
    expect(metrics.services.Kinesis_20131202.streams[0]!.recordsAccepted).toBe(0);
  }, 30_000);

  it('aborting stops at once and resolves with what was left pending', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'h', 1);
    await setFaults(serve, 'PutRecords:latency=2s');
    const run = await buildRun(scenario(10, 1, 'rate: 100/s\nrecordSize: 100B'), serve.clients, {
      streamName: 'h',
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = performance.now();
    const outcome = await runProducers(run, controller.signal, { maxInFlight: 2 });
    // Stopped 0.5 s in, every request still waiting on its 2 s: nothing acknowledged, and every
    // record sent is pending (two requests in flight, ≈ 0.1 s of 100/s each at the 100 ms linger).
    expect(performance.now() - started).toBeLessThan(1500);
    expect(totals(run).acknowledged).toBe(0);
    expect(outcome.pendingAtEnd).toBe(totals(run).produced);
    expect(outcome.pendingAtEnd).toBeGreaterThan(0);
  }, 30_000);

  it('a stream that does not exist: rejects with ResourceNotFoundException named, exit 3', async () => {
    const serve = track(await startServe({ limits: 'off' }));
    await createActiveStream(serve.clients.kinesis, 'exists', 1);
    const run = await buildRun(scenario(2, 1, 'rate: 100/s\nrecordSize: 100B'), serve.clients, {
      streamName: 'exists',
    });
    run.resources.streamName = 'gone';
    const error = await runProducers(run, new AbortController().signal, { maxInFlight: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ exitCode: 3 });
    expect(String((error as Error).message)).toContain('ResourceNotFoundException');
    expect(String((error as Error).message)).toContain('stream gone');
  }, 30_000);
});
