/**
 * The first proof, as a user runs it: the bundled `scenarios/launch-day.yaml`, scaled down
 * to 20 s by `--duration` and `--set` (a tenth of its rate, a 5 s Firehose buffer), replayed through
 * `shardcast run --target aws` against `shardcast serve --data DIR`, and its `result.json` read back:
 * every record acknowledged is read by both applications, none is lost, and Firehose delivers what
 * the stream took as objects in the data folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/serve/index.js';
import { runAws, serveHoldsAfter, startLocalServe, tempDir } from './e2e-helpers.js';

let server: RunningServer;
const data = tempDir('e2e-data');
const out = tempDir('e2e-out');

beforeAll(async () => {
  server = await startLocalServe({ dataDir: data.path });
});
afterAll(async () => {
  await server?.close();
  data.cleanup();
  out.cleanup();
});

describe('launch-day scaled down to 20 s, against serve', () => {
  it('delivers every acknowledged record to both applications and to Firehose', async () => {
    const dir = join(out.path, 'launch');
    const { code, io, result } = await runAws('scenarios/launch-day.yaml', server.endpoint, dir, [
      '--duration',
      '20s',
      // The ramp from 2,000/s to 6,000/s over 10 min, a tenth of it: 200/s rising to 600/s over
      // 10 min, of which 20 s is 200 → 200 + 400 × 20/600 ≈ 213/s — what a loaded 2-core machine
      // sends, reads twice and checks comfortably.
      '--set',
      'producers[0].rate.from=200/s',
      '--set',
      'producers[0].rate.to=600/s',
      // Objects within the run: the 300 s buffer interval down to 5 s.
      '--set',
      'firehose[0].buffer.interval=5s',
      '--delivery-dir',
      data.path,
      '--drain',
      '15s',
    ]);
    expect(io.err).not.toMatch(/error:/);
    expect(result).toBeDefined();
    const r = result!;
    // Every application read every acknowledged record once.
    expect(r.counters.acknowledged).toBeGreaterThan(4000);
    for (const app of ['analytics', 'archiver']) {
      expect(r.metrics[`integrity.${app}.missing`], app).toBe(0);
      expect(r.metrics[`integrity.${app}.delivered`], app).toBe(r.counters.acknowledged);
      expect(r.metrics[`integrity.${app}.duplicates`], app).toBe(0);
    }
    expect(r.metrics.lostRecords).toBe(0);
    // Firehose read the stream and wrote objects; each of its records was one the stream took.
    const firehose = r.counters.firehose['to-s3']!;
    expect(firehose.objects).toBeGreaterThan(0);
    expect(firehose.records).toBe(r.counters.acknowledged);
    // The gates decide the exit code: 0 when all 4 passed, 1 when one failed (putLatency.p99 <
    // 250ms may, on a loaded machine).
    const gates = JSON.parse(readFileSync(join(dir, 'gates.json'), 'utf8')) as {
      verdicts: { gate: string; passed: boolean }[];
    };
    expect(gates.verdicts).toHaveLength(4);
    expect(code).toBe(gates.verdicts.every((v) => v.passed) ? 0 : 1);
    expect(gates.verdicts.find((v) => v.gate === 'lostRecords == 0')?.passed).toBe(true);
    // Cleanup deleted the stream, its consumer and the delivery stream: serve holds none of them.
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });
  }, 90_000);
});
