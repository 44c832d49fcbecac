/**
 * Ctrl-C mid-run through the CLI, against `shardcast serve`: a 20 s run with a stream, an enhanced
 * fan-out consumer and a delivery stream, sent SIGINT about 4 s after its resources are ACTIVE.
 * Cleanup deletes all of them (serve holds nothing after), the run exits 130 with its one line,
 * and `result.json` is a readable partial result of the seconds done, marked aborted.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import type { RunningServer } from '../../../src/serve/index.js';
import { runAws, serveHoldsAfter, startLocalServe, tempDir } from './e2e-helpers.js';

const YAML = `
name: interrupted
duration: 20s
stream: { shards: 2 }
producers: [{ name: web, rate: 200/s, recordSize: 512B }]
consumers:
  - { name: polling-app, type: polling, pollInterval: 500ms }
  - { name: efo-app, type: enhanced-fan-out }
firehose:
  - { name: archive, source: stream, buffer: { size: 1MiB, interval: 10s } }
`;

let server: RunningServer;
const out = tempDir('e2e-sigint');
beforeAll(async () => {
  server = await startLocalServe();
});
afterAll(async () => {
  await server?.close();
  out.cleanup();
});

describe('SIGINT mid-run, against serve', () => {
  it('deletes everything it created, exits 130, and leaves a readable partial result', async () => {
    const dir = join(out.path, 'run');
    let sentAt = 0;
    const { code, io, result } = await runAws(
      'interrupted.yaml',
      server.endpoint,
      dir,
      [],
      { 'interrupted.yaml': YAML },
      (signalIo) => {
        // The run's clock starts once every resource is ACTIVE (the delivery stream is the last
        // made): 4 s after that, Ctrl-C.
        const poll = setInterval(() => {
          if (!/created delivery stream .* ACTIVE after/.test(signalIo.err)) return;
          clearInterval(poll);
          setTimeout(() => {
            sentAt = performance.now();
            signalIo.send('SIGINT');
          }, 4_000);
        }, 50);
      },
    );
    expect(sentAt).toBeGreaterThan(0);
    expect(code).toBe(ExitCode.interrupted);
    // What it said: the signal, each deletion, and the one line of the partial result.
    expect(io.err).toContain('SIGINT: stopping the run and cleaning up');
    expect(io.err).toMatch(/cleanup: deleted delivery stream shardcast-archive-/);
    expect(io.err).toContain('cleanup: deregistered consumer shardcast-efo-app');
    expect(io.err).toMatch(/cleanup: deleted stream shardcast-interrupted-/);
    const line = /^interrupted after (\d+) s of 20 s: partial result written to .+$/m.exec(io.err);
    expect(line, io.err).not.toBeNull();
    expect(io.err).not.toMatch(/error:|at .*\.ts:\d+/);
    // Serve holds nothing of the run any more.
    expect(await serveHoldsAfter(server.endpoint)).toEqual({
      streams: [],
      consumers: [],
      deliveryStreams: [],
    });

    // The partial result: marked aborted, of the seconds closed before the signal (4 s after the
    // start: 3 or 4 closed, as a second closes when the next begins), its series that long.
    const r = result!;
    expect(r.aborted).toBeDefined();
    const done = r.aborted!.secondsDone;
    expect(done).toBe(Number(line![1]));
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThanOrEqual(6);
    expect(r.aborted!.durationSeconds).toBe(20);
    expect(r.scenario.durationSeconds).toBe(done);
    expect(r.series.offered).toHaveLength(done);
    expect(r.series.shards).toEqual(Array.from({ length: done }, () => 2));
    // 200 records a second offered in each closed second, arrivals drawn at random (Poisson: a
    // count over n seconds has mean 200·n and standard deviation √(200·n), 28 at n = 4): within 4
    // standard deviations.
    const offered = r.series.offered.reduce((a, b) => a + b, 0);
    expect(Math.abs(offered - 200 * done)).toBeLessThanOrEqual(4 * Math.sqrt(200 * done));
    expect(r.counters.produced).toBe(offered);
    expect(r.counters.acknowledged).toBeGreaterThan(0);
    expect(r.metrics['integrity.polling-app.delivered']).toBeGreaterThan(0);
  }, 90_000);
});
