/**
 * The fault proof through the CLI: `shardcast serve --faults
 * 'throttle=10%,error5xx=2%,reset=1%'` (on every operation: PutRecords, GetRecords,
 * SubscribeToShard, the control plane), a polling and an enhanced fan-out application, and the run's
 * own counts set against serve's (`GET /_shardcast/metrics`, read before cleanup with `--keep`).
 *
 * Serve decides a fault before the operation runs (src/serve/transport/request.ts: a reset drops
 * the connection before anything is stored), so a faulted PutRecords stores nothing and its retry
 * cannot write a record twice: records serve accepted − records the client acknowledged (distinct)
 * = duplicates written = 0, and each application's duplicates must be that 0. A polling
 * application whose GetRecords fails keeps its iterator, an enhanced fan-out one resubscribes after
 * the last sequence number it processed: neither re-reads.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { SignalIo } from '../../helpers/signal-io.js';
import { runAws, serveHoldsAfter, serveMetrics, startLocalServe, tempDir } from './e2e-helpers.js';

const FAULTS = 'throttle=10%,error5xx=2%,reset=1%';
const YAML = `
name: faulty
duration: 15s
stream: { shards: 2 }
producers:
  - name: web
    rate: 200/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
    batching: { maxRecords: 50, linger: 50ms }
    retry: { maxAttempts: 10, baseDelay: 50ms, maxDelay: 1s }
consumers:
  - { name: polling-app, type: polling, pollInterval: 500ms }
  - { name: efo-app, type: enhanced-fan-out }
`;

let server: RunningServer;
const out = tempDir('e2e-faults');
beforeAll(async () => {
  server = await startLocalServe({ faults: FAULTS });
});
afterAll(async () => {
  await server?.close();
  out.cleanup();
});

/** Serve's attempts of `operation` by HTTP status (0: a reset connection). */
function attempts(
  metrics: Awaited<ReturnType<typeof serveMetrics>>,
  operation: string,
): Record<string, number> {
  return metrics.transport.requests[`Kinesis_20131202.${operation}`] ?? {};
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('under faults, against serve', () => {
  it('delivers every acknowledged record, and its duplicates and requests agree with serve', async () => {
    const { code, io, result } = await runAws(
      'faulty.yaml',
      server.endpoint,
      join(out.path, 'run'),
      ['--keep', '--drain', '20s'],
      { 'faulty.yaml': YAML },
    );
    expect(io.err).not.toMatch(/error:/);
    expect(code).toBe(0);
    const r = result!;
    const metrics = await serveMetrics(server.endpoint);
    // The faults did happen, on every kind.
    expect(metrics.transport.faults.throttle).toBeGreaterThan(0);
    expect(metrics.transport.faults.reset).toBeGreaterThan(0);
    expect(
      (metrics.transport.faults.error500 ?? 0) + (metrics.transport.faults.error503 ?? 0),
    ).toBeGreaterThan(0);

    // Nothing lost, nothing missing: 15 s × 200/s = 3,000 records offered and acknowledged.
    expect(r.counters.produced).toBe(3000);
    expect(r.counters.acknowledged).toBe(3000);
    expect(r.metrics.lostRecords).toBe(0);
    // What serve stored is what the client acknowledged: duplicates written = 3,000 − 3,000 = 0.
    const streams = metrics.services.Kinesis_20131202?.streams ?? [];
    expect(streams).toHaveLength(1);
    const accepted = streams[0]!.recordsAccepted;
    const duplicatesWritten = accepted - r.counters.acknowledged;
    expect(duplicatesWritten).toBe(0);
    for (const app of ['polling-app', 'efo-app']) {
      expect(r.metrics[`integrity.${app}.missing`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.delivered`], app).toBe(3000);
      expect(r.metrics[`integrity.${app}.duplicates`], app).toBe(duplicatesWritten);
    }

    // Requests: the data plane makes one HTTP attempt a call (the scenario's retry policy resends,
    // not the SDK), so every PutRecords serve saw — 200, 400 throttled, 500/503, a reset — is one
    // request the client counted, by its outcome, and each 200 is one the client saw succeed.
    const put = attempts(metrics, 'PutRecords');
    expect(r.metrics['requests.PutRecords.ok']).toBe(put['200']);
    const clientPuts =
      (r.metrics['requests.PutRecords.ok'] ?? 0) +
      (r.metrics['requests.PutRecords.throttled'] ?? 0) +
      (r.metrics['requests.PutRecords.error'] ?? 0);
    expect(total(put)).toBe(clientPuts);
    expect(total(put) - put['200']!).toBeGreaterThan(0);
    // Statuses the client ended on are statuses serve answered.
    expect(r.metrics['http.status.200']).toBeGreaterThanOrEqual(put['200']!);

    // Cleanup with the CLI deletes what --keep kept.
    const cleanup = new SignalIo();
    expect(await main(['cleanup', '--endpoint', server.endpoint, '--yes'], cleanup)).toBe(0);
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });
  }, 90_000);
});
