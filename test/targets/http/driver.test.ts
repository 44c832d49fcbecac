/**
 * The http target against a local server started by each test: request counts against the
 * scenario's rate × duration (constant and ramp), bodies that decode to the scenario's keys and
 * sizes, 429s retried until acknowledged, a server that cuts connections counted, not crashed on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../../src/errors.js';
import { mergeResults } from '../../../src/result/merge.js';
import { scenarioSchema } from '../../../src/scenario/schema.js';
import { httpOptionsSchema } from '../../../src/targets/http/options.js';
import { createHttpSession } from '../../../src/targets/http/session.js';
import { readRecordHeader } from '../../../src/workload/record-header.js';
import { chiSquare } from '../../workload/stats.js';
import { runHttp, startTestServer, type TestServer } from './harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const one = { maxRecords: 1 };

describe('http target: rate', () => {
  it('sends a constant 200/s for 3 s as 600 requests, about 200 in each second', async () => {
    server = await startTestServer();
    const { result, startedMs } = await runHttp(
      {
        name: 'constant',
        duration: '3s',
        stream: { shards: 1 },
        producers: [{ name: 'web', rate: '200/s', recordSize: '100B', batching: one }],
      },
      { url: server.url, format: 'json' },
    );
    // 200 records/s × 3 s = 600 records, one a request (maxRecords 1): 600 requests, ±1 % = ±6.
    expect(Math.abs(server.seen.length - 600)).toBeLessThanOrEqual(6);
    expect(result.counters.acknowledged).toBe(600);
    expect(result.metrics['requests.json.ok']).toBe(600);
    expect(result.metrics['http.status.200']).toBe(600);
    // 600 requests over 3 seconds: 200 a second on average.
    expect(result.metrics['http.requestsPerSecond.mean']).toBeCloseTo(200, 0);
    expect(result.metrics['http.requestsPerSecond.max']).toBeLessThanOrEqual(220);
    // Spread over the run, not in bursts: each second got 200 ± 10 % (a loaded machine's timers).
    const perSecond = [0, 0, 0, 0];
    for (const s of server.seen) perSecond[Math.min(3, Math.floor((s.atMs - startedMs) / 1000))]! += 1;
    for (const n of perSecond.slice(0, 3)) expect(Math.abs(n - 200)).toBeLessThanOrEqual(20);
    // The target rate, second by second: 200/s puts records k = 0 … 599 at (k + ½)/200 s, 200 in
    // each second, every one taken by the end (exact). One record a request: the requests
    // series holds the 600 sends, second by second as the driver's clock counted them.
    expect(result.series.scheduled).toEqual([200, 200, 200]);
    expect(result.series.requests).toHaveLength(3);
    expect(result.series.requests!.reduce((a, b) => a + b, 0)).toBe(600);
    for (const n of result.series.requests!) expect(Math.abs(n - 200)).toBeLessThanOrEqual(20);
    // Latency from the schedule, in µs: a server answering at once on loopback is well under 1 s.
    expect(result.metrics['putLatency.p50']).toBeGreaterThan(0);
    expect(result.metrics['putLatency.p50']).toBeLessThan(1);
  }, 20_000);

  it('follows a ramp from 50/s to 350/s over 4 s: 800 requests', async () => {
    server = await startTestServer();
    const { result, startedMs } = await runHttp(
      {
        name: 'ramp',
        duration: '4s',
        stream: { shards: 1 },
        producers: [
          {
            name: 'web',
            rate: { profile: 'ramp', from: '50/s', to: '350/s', over: '4s' },
            recordSize: '64B',
            batching: one,
          },
        ],
      },
      { url: server.url, format: 'json' },
    );
    // ∫₀⁴ (50 + 75 t) dt = 50·4 + 75·16/2 = 200 + 600 = 800 requests; ±1 % = ±8.
    expect(Math.abs(server.seen.length - 800)).toBeLessThanOrEqual(8);
    // Second i carries ∫ᵢ^{i+1} (50 + 75 t) dt = 50 + 75 (i + ½): 87.5, 162.5, 237.5, 312.5 (±15 %).
    const perSecond = [0, 0, 0, 0, 0];
    for (const s of server.seen) perSecond[Math.min(4, Math.floor((s.atMs - startedMs) / 1000))]! += 1;
    [87.5, 162.5, 237.5, 312.5].forEach((expected, i) => {
      expect(Math.abs(perSecond[i]! - expected)).toBeLessThanOrEqual(expected * 0.15);
    });
    // The schedule itself, exactly: Λ(t) = ∫₀ᵗ (50 + 75 u) du = 50 t + 37.5 t², record k due when
    // Λ reaches k + ½, so the records due before t are those with k + ½ < Λ(t): ⌈Λ(t) − ½⌉.
    //   Λ(1) = 50 + 37.5 = 87.5    → k ≤ 86: 87 records (k = 87 is due at t = 1 exactly:
    //                                 √(2500 + 150·87.5) = √15625 = 125, t = (125 − 50)/75 = 1)
    //   Λ(2) = 100 + 150 = 250     → 250 records: 250 − 87 = 163 in second 1
    //   Λ(3) = 150 + 337.5 = 487.5 → 487 records (k = 487 at t = 3: √75625 = 275): 237 in second 2
    //   Λ(4) = 200 + 600 = 800     → 800 records: 313 in second 3
    expect(result.series.scheduled).toEqual([87, 163, 237, 313]);
    expect(result.series.requests!.reduce((a, b) => a + b, 0)).toBe(800);
  }, 20_000);
});

/** The records a body carries: key and data, whichever format. */
function recordsOf(
  format: string,
  seen: { body: Buffer; headers: Record<string, unknown> },
): { key: string; data: Buffer }[] {
  if (format === 'raw')
    return [{ key: decodeURIComponent(String(seen.headers['x-partition-key'])), data: seen.body }];
  const json = JSON.parse(seen.body.toString()) as unknown;
  if (format === 'json') {
    const list = (Array.isArray(json) ? json : [json]) as { key: string; data: string }[];
    return list.map((r) => ({ key: r.key, data: Buffer.from(r.data, 'base64') }));
  }
  const body = json as {
    Records?: { PartitionKey: string; Data: string }[];
    PartitionKey?: string;
    Data?: string;
  };
  const list = body.Records ?? [{ PartitionKey: body.PartitionKey!, Data: body.Data! }];
  return list.map((r) => ({ key: r.PartitionKey, data: Buffer.from(r.Data, 'base64') }));
}

describe('http target: workers', () => {
  it("splits the target rate between workers, and their merged series are the whole run's", async () => {
    server = await startTestServer();
    const scenario = scenarioSchema.parse({
      name: 'workers',
      duration: '3s',
      stream: { shards: 1 },
      producers: [{ name: 'web', rate: '200/s', recordSize: '64B', batching: one }],
    });
    const worker = (index: number) =>
      createHttpSession(
        {
          scenario,
          options: httpOptionsSchema.parse({ url: server!.url, format: 'json' }),
          seed: 1,
          durationSeconds: 3,
          header: { runId: 'r1', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: 'test' },
          share: { index, count: 2 },
          signal: new AbortController().signal,
        },
        { details: {}, measures: [] },
      ).run();
    const [first, second] = await Promise.all([worker(0), worker(1)]);
    // Worker i of 2 takes records k ≡ i (mod 2): second j holds k = 200 j … 200 j + 199, 100 of
    // each parity, so each worker's target rate is 100/s, and the merge's 200/s, 600 requests.
    expect(first.series.scheduled).toEqual([100, 100, 100]);
    expect(second.series.scheduled).toEqual([100, 100, 100]);
    const merged = mergeResults([first, second]);
    expect(merged.series.scheduled).toEqual([200, 200, 200]);
    expect(merged.series.requests!.reduce((a, b) => a + b, 0)).toBe(600);
  }, 20_000);
});

describe('http target: bodies', () => {
  for (const [format, batching] of [
    ['api-gateway-kinesis', { maxRecords: 50, linger: '50ms' }],
    ['api-gateway-kinesis', { maxRecords: 1 }],
    ['json', { maxRecords: 20, linger: '50ms' }],
    ['raw', { maxRecords: 50 }],
  ] as const) {
    it(`${format} (maxRecords ${batching.maxRecords}): every record once, keys uniform, sizes within the distribution`, async () => {
      server = await startTestServer();
      const { result } = await runHttp(
        {
          name: 'bodies',
          duration: '2s',
          stream: { name: 'orders', shards: 1 },
          producers: [
            {
              name: 'web',
              rate: '500/s',
              recordSize: { dist: 'uniform', min: '100B', max: '400B' },
              keys: { dist: 'uniform', count: 10, template: 'key-{i}' },
              batching,
            },
          ],
        },
        { url: server.url, format },
      );
      const records = server.seen.flatMap((s) => recordsOf(format, s));
      // 500/s × 2 s = 1,000 records, each exactly once (sequences 0 … 999).
      expect(records.length).toBe(1000);
      const sequences = new Set<number>();
      const byKey = new Map<string, number>();
      for (const r of records) {
        const header = readRecordHeader(r.data);
        expect(header).toBeDefined();
        expect(header!.producer).toBe(0);
        sequences.add(header!.sequence);
        // The data is the header's own record size, within the distribution's [100, 400] bytes.
        expect(r.data.length).toBe(header!.recordBytes);
        expect(r.data.length).toBeGreaterThanOrEqual(100);
        expect(r.data.length).toBeLessThanOrEqual(400);
        byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1);
      }
      expect(sequences.size).toBe(1000);
      // 10 uniform keys: 100 records expected each; χ² with 9 degrees of freedom stays under
      // 27.877 (p = 0.001) for a uniform sampler.
      expect([...byKey.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `key-${i}`).sort());
      expect(chiSquare([...byKey.values()], new Array(10).fill(100))).toBeLessThan(27.877);
      // Requests: batches within maxRecords (raw: one record a request).
      const perRequest = server.seen.map((s) => recordsOf(format, s).length);
      expect(Math.max(...perRequest)).toBeLessThanOrEqual(format === 'raw' ? 1 : batching.maxRecords);
      expect(result.counters.putRequests).toBe(server.seen.length);
      if (format === 'api-gateway-kinesis') {
        const body = JSON.parse(server.seen[0]!.body.toString()) as Record<string, unknown>;
        expect(body.StreamName).toBe('orders');
        expect(Object.keys(body).sort()).toEqual(
          batching.maxRecords === 1 ? ['Data', 'PartitionKey', 'StreamName'] : ['Records', 'StreamName'],
        );
      }
    }, 20_000);
  }
});

describe('http target: producer instances', () => {
  it('deals the producer to its instances: each batches its own share, so a lingering batch holds 1/n of the records', async () => {
    server = await startTestServer();
    await runHttp(
      {
        name: 'instances',
        duration: '2s',
        stream: { shards: 1 },
        producers: [
          {
            name: 'fleet',
            rate: '400/s',
            instances: 4,
            recordSize: '100B',
            batching: { maxRecords: 500, linger: '200ms' },
          },
        ],
      },
      { url: server.url, format: 'json' },
    );
    const batches = server.seen.map((s) =>
      recordsOf('json', s).map((r) => readRecordHeader(r.data)!.sequence),
    );
    // 400/s × 2 s = 800 records, each sent once, numbered 0 … 799 by the producer.
    const sequences = batches.flat();
    expect(sequences.length).toBe(800);
    expect(new Set(sequences).size).toBe(800);
    // Record k goes to instance k mod 4, and a request carries one instance's records only.
    for (const batch of batches) expect(new Set(batch.map((k) => k % 4)).size).toBe(1);
    // Evenly spaced arrivals: 2.5 ms apart, so one instance's come every 4 × 2.5 = 10 ms. A batch
    // opened by a record at t₀ closes at t₀ + 200 ms with the records of [t₀, t₀ + 200 ms]:
    // 200 / 10 = 20 gaps, 20 or 21 records (the one at the edge, by rounding). One instance
    // alone would have gathered 80 a batch; four share the 800 records in ≈ 40 requests.
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(21);
    const full = batches.filter((b) => b.length >= 20).length;
    // Each instance's 200 records: 9 or 10 batches of 20–21, the last cut short by the end.
    expect(full).toBeGreaterThanOrEqual(4 * 9);
    expect(batches.length).toBeLessThanOrEqual(4 * 11);
  }, 20_000);
});

describe('http target: outcomes', () => {
  const scenario = (rate: string, batching: Record<string, unknown> = one) => ({
    name: 'outcomes',
    duration: '2s',
    stream: { shards: 1 },
    producers: [
      {
        name: 'web',
        rate,
        recordSize: '64B',
        batching,
        retry: { maxAttempts: 20, baseDelay: '10ms', maxDelay: '100ms' },
      },
    ],
  });

  it('a server answering 429 to every 5th request: throttledRatio 0.2, every record acknowledged after retries', async () => {
    server = await startTestServer((n) => (n % 5 === 4 ? { status: 429 } : { status: 200 }));
    const { result } = await runHttp(scenario('300/s'), { url: server.url, format: 'json' });
    // 300/s × 2 s = 600 records, one a request. Every 5th request of all (first sends and
    // retries) is refused: throttled / attempts = ⌊requests / 5⌋ / requests ≈ 1/5.
    expect(result.counters.acknowledged).toBe(600);
    expect(result.counters.dropped).toBe(0);
    expect(result.metrics.lostRecords).toBe(0);
    const requests = server.seen.length;
    expect(result.counters.attempts).toBe(requests);
    expect(result.counters.throttled).toBe(Math.floor(requests / 5));
    expect(result.metrics.throttledRatio).toBeCloseTo(0.2, 2);
    expect(result.metrics['http.status.429']).toBe(Math.floor(requests / 5));
    expect(result.metrics['requests.json.throttled']).toBe(Math.floor(requests / 5));
    // Response times by status, in µs resolution: both statuses seen, each well under a second.
    for (const status of ['200', '429']) {
      expect(result.metrics[`http.latency.${status}.p50Seconds`]).toBeGreaterThan(0);
      expect(result.metrics[`http.latency.${status}.p99Seconds`]).toBeLessThan(1);
    }
  }, 20_000);

  it('a server that cuts every 10th connection: counted by code, retried, nothing lost', async () => {
    let cut = 0;
    server = await startTestServer((n) => {
      if (n % 10 !== 9) return { status: 200 };
      cut += 1;
      return 'destroy';
    });
    const { result } = await runHttp(scenario('200/s'), { url: server.url, format: 'json', connections: 4 });
    // The server closes the socket with the request on it: no response, no reset seen first.
    expect(Object.keys(result.metrics).filter((m) => m.startsWith('http.errors.'))).toEqual([
      'http.errors.ECONNCLOSED',
    ]);
    const errors = Object.entries(result.metrics)
      .filter(([name]) => name.startsWith('http.errors.'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(cut).toBeGreaterThan(0);
    expect(errors).toBe(cut);
    expect(result.metrics['requests.json.error']).toBe(cut);
    expect(result.counters.acknowledged).toBe(400);
    expect(result.metrics.lostRecords).toBe(0);
  }, 20_000);

  it('a request unanswered for --timeout is an error (ETIMEDOUT), retried on a new connection', async () => {
    // The 4th request gets no answer at all; the others, 200 at once.
    server = await startTestServer((n) => (n === 3 ? 'hold' : { status: 200 }));
    const { result } = await runHttp(scenario('50/s'), { url: server.url, format: 'json', timeout: '1s' });
    // 50/s × 2 s = 100 records; the held one is retried after its timeout and acknowledged.
    expect(result.metrics['http.errors.ETIMEDOUT']).toBe(1);
    expect(result.counters.acknowledged).toBe(100);
    expect(result.metrics['http.latency.ETIMEDOUT.p50Seconds']).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('a 400 is not retried: its records are lost', async () => {
    server = await startTestServer(() => ({ status: 400, body: '{"message":"bad"}' }));
    const { result } = await runHttp(scenario('50/s'), { url: server.url, format: 'json' });
    // 50/s × 2 s = 100 records, 100 requests, each refused once.
    expect(server.seen.length).toBe(100);
    expect(result.metrics['http.status.400']).toBe(100);
    expect(result.counters.dropped).toBe(100);
    expect(result.metrics.lostRecords).toBe(100);
  }, 20_000);

  it('a PutRecords answer with FailedRecordCount: the refused entries are throttled and retried', async () => {
    // The first entry of every request of more than one record is refused.
    let refused = 0;
    server = await startTestServer((_n, seen) => {
      const records = (JSON.parse(seen.body.toString()) as { Records: unknown[] }).Records;
      const failFirst = records.length > 1;
      if (failFirst) refused += 1;
      return {
        status: 200,
        body: JSON.stringify({
          FailedRecordCount: failFirst ? 1 : 0,
          Records: records.map((_, i) =>
            failFirst && i === 0
              ? {
                  ErrorCode: 'ProvisionedThroughputExceededException',
                  ErrorMessage: 'Rate exceeded for shard',
                }
              : { SequenceNumber: String(i), ShardId: 'shardId-000000000000' },
          ),
        }),
      };
    });
    const { result } = await runHttp(scenario('400/s', { maxRecords: 10, linger: '20ms' }), {
      url: server.url,
      format: 'api-gateway-kinesis',
    });
    // 400/s × 2 s = 800 records, all acknowledged in the end; one refusal per multi-record request.
    expect(refused).toBeGreaterThan(0);
    expect(result.counters.acknowledged).toBe(800);
    expect(result.counters.throttled).toBe(refused);
    expect(result.metrics['entries.ProvisionedThroughputExceededException']).toBe(refused);
    expect(result.metrics.lostRecords).toBe(0);
  }, 20_000);
});

describe('http target: an abort', () => {
  it('stops at once with RunAbortedError, and partial() covers the seconds closed', async () => {
    server = await startTestServer();
    const scenario = scenarioSchema.parse({
      name: 'abort',
      duration: '30s',
      stream: { shards: 1 },
      producers: [{ name: 'web', rate: '100/s', recordSize: '64B', batching: one }],
    });
    const controller = new AbortController();
    let samples = 0;
    const session = createHttpSession(
      {
        scenario,
        options: httpOptionsSchema.parse({ url: server.url, format: 'json' }),
        seed: 1,
        durationSeconds: 30,
        header: { runId: 'r1', startedAt: '', finishedAt: '', wallSeconds: 0, shardcastVersion: 'test' },
        share: { index: 0, count: 1 },
        signal: controller.signal,
        onSample: () => {
          samples += 1;
          if (samples === 2) controller.abort();
        },
      },
      { details: {}, measures: [] },
    );
    const started = performance.now();
    await expect(session.run()).rejects.toBeInstanceOf(RunAbortedError);
    // Two seconds closed, then the abort: well before the 30 s of the scenario.
    expect(performance.now() - started).toBeLessThan(5000);
    const partial = session.partial();
    expect(partial?.scenario.durationSeconds).toBe(2);
    // 100/s over the 2 seconds closed: 200 records offered, the counters the series' sums.
    expect(Math.abs((partial?.counters.produced ?? 0) - 200)).toBeLessThanOrEqual(2);
    expect(partial?.target?.metrics['requests.json.ok']).toBeGreaterThan(0);
    // The request and target-rate series cover the same 2 seconds: 100 records scheduled in each
    // (records k = 0 … 199 at (k + ½)/100 s, all taken by the abort, ±1 for a timer's lateness at
    // the edge), one a request (maxRecords 1): about as many requests.
    expect(partial?.series.scheduled).toHaveLength(2);
    for (const n of partial!.series.scheduled!) expect(Math.abs(n - 100)).toBeLessThanOrEqual(1);
    expect(partial?.series.requests).toHaveLength(2);
    const requests = partial!.series.requests!.reduce((a, b) => a + b, 0);
    expect(Math.abs(requests - 200)).toBeLessThanOrEqual(2);
  }, 20_000);
});
