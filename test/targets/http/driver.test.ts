/**
 * The http target against a local server started by each test: request counts against the
 * scenario's rate × duration (constant and ramp), bodies that decode to the scenario's keys and
 * sizes, 429s retried until acknowledged, a server that cuts connections counted, not crashed on.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
    expect(result.metrics['requests.ok']).toBe(600);
    expect(result.metrics['http.status.200']).toBe(600);
    // Spread over the run, not in bursts: each second got 200 ± 10 % (a loaded machine's timers).
    const perSecond = [0, 0, 0, 0];
    for (const s of server.seen) perSecond[Math.min(3, Math.floor((s.atMs - startedMs) / 1000))]! += 1;
    for (const n of perSecond.slice(0, 3)) expect(Math.abs(n - 200)).toBeLessThanOrEqual(20);
    // Latency from the schedule, in µs: a server answering at once on loopback is well under 1 s.
    expect(result.metrics['putLatency.p50']).toBeGreaterThan(0);
    expect(result.metrics['putLatency.p50']).toBeLessThan(1);
  }, 20_000);

  it('follows a ramp from 50/s to 350/s over 4 s: 800 requests', async () => {
    server = await startTestServer();
    const { startedMs } = await runHttp(
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
  }, 20_000);
});
