/**
 * The first proof, as a user runs it: the bundled `scenarios/launch-day.yaml`, scaled down
 * to 20 s by `--duration` and `--set` (a tenth of its rate, a 5 s Firehose buffer), replayed through
 * `shardcast run --target aws` against `shardcast serve --data DIR`, and its `result.json` read back:
 * every record acknowledged is read by both applications, none is lost, and Firehose delivers what
 * the stream took as objects in the data folder.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/serve/index.js';
import { runAws, serveHolds, serveMetrics, startLocalServe, tempDir } from './e2e-helpers.js';

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
    // The gates decide the exit code: 0 when all passed, 1 when one failed.
    const failed = (JSON.parse(io.writtenFile(join(dir, 'gates.json')) ?? '{}') as { passed?: boolean })
      .passed;
    expect(code).toBe(failed === false ? 1 : 0);
    // Serve took exactly what the client counted as acknowledged (no fault: none twice).
    const streams = (await serveMetrics(server.endpoint)).services.Kinesis_20131202?.streams ?? [];
    expect(streams).toEqual([]);
    expect(await serveHolds(server.endpoint)).toEqual({ streams: [], consumers: [], deliveryStreams: [] });
  }, 90_000);
});
