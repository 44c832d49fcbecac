/**
 * Random valid scenarios through the whole `run` command (in-process: engine, metrics, gates,
 * result.json and the HTML report), asserting what must hold for any of them:
 * - it ends with exit 0 (no gates here), never 70: no input that passes validation crashes;
 * - no NaN or infinite figure, no negative count, anywhere in the result;
 * - records are conserved: produced = acknowledged + dropped + pending at the end;
 * - no end-to-end latency exceeds the run: a record processed by the end was produced after it began.
 * And, over the engine alone, that a shard's utilisation and throttling agree, given its token bucket.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { simulateScenario } from '../../src/engine/simulate.js';
import { parseResult } from '../../src/result/io.js';
import type { RunResult } from '../../src/result/types.js';
import { run } from '../helpers/fake-io.js';
import {
  type GeneratedScenario,
  generatedScenarioArb,
  scenarioDocument,
  scenarioOf,
  type WideScenario,
  wideScenarioArb,
  wideScenarioYaml,
} from './generated-scenarios.js';

/** Every number in a JSON value, with its path. */
function numbers(value: unknown, path: string, out: { path: string; value: number }[]): void {
  if (typeof value === 'number') out.push({ path, value });
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) numbers(value[i], `${path}[${i}]`, out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) numbers(v, `${path}.${k}`, out);
}

function checkResult(result: RunResult, yaml: string): void {
  const where = `\n--- scenario ---\n${yaml}`;
  const all: { path: string; value: number }[] = [];
  numbers({ counters: result.counters, series: result.series, shardSeries: result.shardSeries }, '', all);
  numbers(result.metrics, 'metrics', all);
  for (const { path, value } of all) {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}${where}`);
    if (value < 0) throw new Error(`${path} is negative: ${value}${where}`);
  }
  const c = result.counters;
  // Counters are rounded to a thousandth of a record each.
  const balance = c.acknowledged + c.dropped + c.pendingAtEnd;
  expect(Math.abs(c.produced - balance), `produced ${c.produced} ≠ ${balance}${where}`).toBeLessThanOrEqual(
    0.01 + 1e-9 * c.produced,
  );
  const duration = result.scenario.durationSeconds;
  for (const name of ['e2eLatency.max', 'e2eLatency.p999', 'e2eLatency.p50']) {
    expect(result.metrics[name]!, `${name} beyond the run's ${duration} s${where}`).toBeLessThanOrEqual(
      duration + 1e-6,
    );
  }
  for (const p99 of result.series.latency?.e2e.p99 ?? [])
    expect(p99, `a second's e2e p99 beyond the run${where}`).toBeLessThanOrEqual(duration + 1e-6);
}

describe('random valid scenarios through `run`', () => {
  it('end in a result that adds up: no crash, NaN or negative count; records conserved; e2e within the run', async () => {
    let longest = 0;
    await fc.assert(
      fc.asyncProperty(wideScenarioArb, async (w: WideScenario) => {
        const yaml = wideScenarioYaml(w);
        const r = await run(['run', 'wide.yaml', '--out', '/virtual/out', '--quiet'], { 'wide.yaml': yaml });
        expect(r.code, `exit ${r.code}: ${r.stderr}\n--- scenario ---\n${yaml}`).toBe(0);
        const text = r.io.writtenFile('/virtual/out/result.json');
        expect(text, `no result.json\n${yaml}`).toBeDefined();
        const result = parseResult(text!, 'result.json');
        longest = Math.max(longest, result.scenario.durationSeconds);
        checkResult(result, yaml);
      }),
      { numRuns: 12 },
    );
    // The draws did include long runs.
    expect(longest).toBeGreaterThan(3000);
  }, 120_000);
});

/**
 * Utilisation (first attempts each second over the shard's limit, in Kinesis records and bytes)
 * against throttling, given the token bucket (one second's worth, refilled continuously, no credit
 * at the start). Two sound consequences, checked on each of the hottest shards' one-second series:
 * - if the load beyond the limit over some seconds a … b, Σ (u − 1), is more than a full bucket
 *   can hold (1), or from the start more than 0 (no initial credit), the shard throttled;
 * - if nothing exceeds the limit, nothing throttles: throttling needs the bucket empty, which
 *   needs some second near or above the limit (a 5% margin for Poisson ticks inside a second).
 * Margin: 5%, for a second's mix of records and bytes (u is the larger of the two).
 */
function excessOverWindows(u: readonly number[]): { fromStart: number; anyWindow: number } {
  let prefix = 0;
  let fromStart = Number.NEGATIVE_INFINITY;
  let best = Number.NEGATIVE_INFINITY;
  let running = 0;
  for (const x of u) {
    prefix += x - 1;
    fromStart = Math.max(fromStart, prefix);
    running = Math.max(x - 1, running + x - 1);
    best = Math.max(best, running);
  }
  return { fromStart, anyWindow: best };
}

describe('utilisation and throttling agree (engine, generated scenarios, with and without KPL aggregation)', () => {
  it('load beyond what the bucket holds throttles; load within the limit does not', () => {
    fc.assert(
      fc.property(generatedScenarioArb, fc.boolean(), (g: GeneratedScenario, aggregation: boolean) => {
        const doc = scenarioDocument(g);
        const producers = (doc.producers as Record<string, unknown>[]).map((p) => ({
          ...p,
          aggregation: { enabled: aggregation },
          batching: { linger: 0.1 },
        }));
        const yaml = stringify({ ...doc, producers });
        const r = simulateScenario(scenarioOf(yaml));
        const where = `\n--- scenario ---\n${yaml}`;
        const throttled = r.counters.throttled;
        for (const { utilization } of r.shardSeries.hottest) {
          const { fromStart, anyWindow } = excessOverWindows(utilization);
          if (fromStart > 0.05 || anyWindow > 1.05) {
            expect(
              throttled,
              `utilisation beyond the bucket (${fromStart}, ${anyWindow}) but nothing throttled${where}`,
            ).toBeGreaterThan(0);
          }
        }
        const maxUtilization = r.metrics['shards.maxUtilization']!;
        if (throttled > 0) {
          expect(
            maxUtilization,
            `throttled ${throttled} with every second at most ${maxUtilization}${where}`,
          ).toBeGreaterThan(0.95);
        }
        if (maxUtilization <= 1) {
          // The first second has no credit but takes its limit at any moment: nothing throttles.
          expect(r.series.throttled[0], where).toBe(0);
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
