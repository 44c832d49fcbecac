/**
 * A reshard mid-run through the CLI: 2 shards to 4 at 6 s of a 16 s run, against `shardcast serve
 * --time-scale 10`, followed by a polling and an enhanced fan-out application with nothing missing.
 *
 * Why time scale 10: serve takes UpdateShardCount's time in server seconds, so at 10× the reshard
 * takes a tenth of it in real time — a few seconds, inside the run, with records written to the
 * parents before and to the children after. The throughput limits are per server second too, so a
 * shard takes 10 × 1,000 records per real second: 200/s throttles nothing, and what is checked is
 * the following of parent → child shards alone. Fan-out's 5-minute subscriptions last 30 s here,
 * longer than the run: the resubscriptions seen are the reshard's (a parent's subscription ends
 * when the parent closes).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/serve/index.js';
import { runAws, serveHoldsAfter, startLocalServe, tempDir } from './e2e-helpers.js';

const YAML = `
name: resharding
duration: 16s
stream: { shards: 2 }
producers:
  - name: web
    rate: 200/s
    recordSize: 512B
    keys: { dist: uniform, count: 500 }
    batching: { maxRecords: 100, linger: 50ms }
consumers:
  - { name: polling-app, type: polling, pollInterval: 500ms }
  - { name: efo-app, type: enhanced-fan-out }
events:
  - at: 6s
    reshard: { shards: 4 }
`;

let server: RunningServer;
const out = tempDir('e2e-reshard');
beforeAll(async () => {
  server = await startLocalServe({ timeScale: 10 });
});
afterAll(async () => {
  await server?.close();
  out.cleanup();
});

describe('a reshard mid-run, against serve', () => {
  it('is followed by both kinds of application with nothing missing, and recorded', async () => {
    const { code, io, result } = await runAws('resharding.yaml', server.endpoint, join(out.path, 'run'), [], {
      'resharding.yaml': YAML,
    });
    expect(io.err).not.toMatch(/error:/);
    expect(code).toBe(0);
    const r = result!;
    // 16 s × 200/s = 3,200 records, all acknowledged, all read by each application once and in
    // order per partition key (a child shard read only after its parent was read to its end).
    expect(r.counters.acknowledged).toBe(3200);
    for (const app of ['polling-app', 'efo-app']) {
      expect(r.metrics[`integrity.${app}.missing`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.delivered`], app).toBe(3200);
      expect(r.metrics[`integrity.${app}.duplicates`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.outOfOrder`], app).toBe(0);
    }
    // The reshard completed within the run, and the shard series shows 2, then 4.
    const active = r.metrics['reshards.0.activeAfterSeconds'];
    expect(active).toBeGreaterThan(0);
    expect(active).toBeLessThan(10);
    const shards = r.series.shards;
    expect(shards[0]).toBe(2);
    expect(shards.at(-1)).toBe(4);
    // Never anything else, and never back: 2, 2, …, 4, 4.
    expect(shards.every((n, i) => (n === 2 || n === 4) && (i === 0 || n >= shards[i - 1]!))).toBe(true);
    // The count changed no earlier than the event's second.
    expect(shards.indexOf(4)).toBeGreaterThanOrEqual(6);
    expect(r.metrics['requests.UpdateShardCount.ok']).toBe(1);
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });
  }, 90_000);
});
