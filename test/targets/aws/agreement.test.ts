/**
 * Issue 12's "model vs reality": three small scenarios run by the aws target against `shardcast
 * serve` (AWS's limits, time scale 1: real time) and by the engine model, compared on three
 * metrics within 5% (relative):
 *   - `throttledRatio` (retry maxAttempts 1 on both sides, so it is throttled entries ÷ entries);
 *   - records per shard: each shard's mean utilisation over the run's seconds × 1,000 records/s
 *     (`shardSeries.all`, which both sides fill with a shard's *offered* load over its limit; the
 *     records bind in every case here — 100 B records, or 1 KiB + a 7-character key = 1,031 B,
 *     1,031 / 1,048,576 = 0.000983 of the byte limit against 0.001 of the record limit — so the
 *     utilisation × 1,000 is the records offered per second);
 *   - consumer lag: `consumers.<app>.lagSeconds.max` for a reader that falls behind; for one that
 *     keeps up (≈ 0 by hand), the median second's lag (`series.consumerLagSeconds`) within 0.7 s
 *     and the largest within 2 s (see below).
 * The figures by hand come from the records themselves (`byHand`: the producer's own
 * workload, which the aws target sends, routed by MD5 over the even hash ranges serve creates).
 *
 * What each side's lag is, and why the readers poll every 200 ms: the model's lag (docs/engine.md,
 * "Backlog and iterator age") is the age of the oldest record its flow has not taken, so a reader
 * that keeps up has lag 0 whatever its poll interval. The aws target's (LagTracker,
 * src/targets/aws/consumers/reading.ts) is sampled every 250 ms and at each response, and at a
 * response the oldest record just fetched is already up to a poll interval old: a reader that keeps
 * up shows about its poll interval (measured 0.22–0.25 s at 200 ms). That is the age a real
 * consumer sees (a record waits for the next poll), and it is bounded: for a reader that keeps up
 * both are ≈ 0 with an absolute tolerance of 0.7 s (the 200 ms poll, plus 0.5 s for a client made
 * late by a loaded machine) on the median second. The largest second is one stall of the machine
 * away from it (1.1 s once, with serve's own real-time agreement test running alongside), so it is
 * held to 2 s: a reader that keeps up is never seconds behind. For a reader that falls behind the two grow alike (t/2 here), and a
 * 200 ms poll keeps the aws reader's start-up (its first poll finds nothing yet) under 0.2 s of
 * the 10 s; at a 1 s poll it read 10.39 s against the model's 10.22 (1.7%).
 *
 * `--drain 0s` where the lag is compared: observations of the drain land in the last second, and
 * a slow reader's oldest record keeps ageing while it drains, so its maximum would be the drain's.
 *
 * Measured 3 times each on the shared 2-core machine (`npx vitest run
 * test/targets/aws/agreement.test.ts`, which prints these lines); the model is deterministic, and
 * so is what the aws target offers (its fixed schedule of the producer's own records):
 *   calm: throttledRatio 0 | 0 every run; per shard aws 260.1, 239.9 (= by hand) | model 258.4,
 *         246.4 (its Poisson draw, 2.7% off on shard 1); lag max aws 0.233–0.316 s, median second 0.23 s | model 0.
 *   hot:  throttledRatio aws 0.2613 every run (= by hand: serve admitted exactly 1,000 × 16 on the
 *         hot shard) | model 0.2590 (0.9% off); per shard aws 477.4, 1,522.6 | model 492.6,
 *         1,521.6 (3.2% off on the cold shard); lag aws 0.238–0.244 s | model 0.
 *   slow: lag aws 10.03–10.12 s | model 10.22 s (0.9–1.9% off); per shard aws 500.0 | model 510.9.
 * With serve's own real-time agreement test running alongside (that test's client late by up to
 * 477 ms): per shard still = by hand, hot throttledRatio 0.2633 (1.7% off the model), slow lag
 * 10.15 s, calm lag max 1.1 s. The margins left (5% less the differences above) hold a client late
 * by 0.5 s on the lag (0.5 s more is 10.6 s, 3.7% above the model's 10.22) and on the throttled
 * ratio (the window loses at most the gaps of a late client).
 *
 * The aws side's records per shard are held to the hand figure within 0.1%: it offers exactly
 * those records. Under load they once came out 0.2–0.4% short (51 of the hot shard's 24,361):
 * Node's timers fire up to a loop turn early against `performance.now()`, so the session closed a
 * second before its clock had reached the next, and an answer handled in that gap counted its
 * shard load into a second already taken. The session now closes a second only once its clock has
 * passed it (`RunClock.sleepPast`, test/targets/aws/run-clock.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evenShardRanges, findShard, routingHashKey } from '../../../src/aws/hash.js';
import { loadScenarioText } from '../../../src/load.js';
import type { RunResult } from '../../../src/result/types.js';
import { runScenario } from '../../../src/run/pipeline.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import { modelTarget } from '../../../src/targets/model.js';
import { ProducerWorkload } from '../../../src/workload/index.js';
import { takeRealTimeTurn } from '../../helpers/real-time-turn.js';
import { type LocalEndpoint, startServe } from './servers.js';

let serve: LocalEndpoint;
let releaseTurn: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // One real-time agreement file at a time: serve's and this one skew each other's figures when
  // they overlap (test/helpers/real-time-turn.ts).
  releaseTurn = await takeRealTimeTurn();
  // Time scale 1: serve's 1-s sliding window and the readers' 5 calls/s are real seconds.
  serve = await startServe(1);
}, 180_000);

afterAll(async () => {
  await serve?.close();
  await releaseTurn?.();
});

function scenarioOf(yaml: string): Scenario {
  return loadScenarioText(yaml, 'agreement.yaml').scenario;
}

/** What the comparison reads from a run. */
interface Measured {
  throttledRatio: number;
  /** Per shard index: mean offered records per second over the run. */
  recordsPerShard: number[];
  /** `consumers.reader.lagSeconds.max`. */
  lagSeconds: number;
  /** The median over the run's seconds of each second's largest lag (`series.consumerLagSeconds`). */
  typicalLagSeconds: number;
  metrics: Record<string, number>;
}

function measured(result: RunResult): Measured {
  const perShard = result.shardSeries.all.map((row) => {
    const points = row.filter((v): v is number => v !== null);
    return (points.reduce((a, b) => a + b, 0) / points.length) * 1000;
  });
  return {
    throttledRatio: result.metrics.throttledRatio ?? Number.NaN,
    recordsPerShard: perShard,
    lagSeconds: result.metrics['consumers.reader.lagSeconds.max'] ?? Number.NaN,
    typicalLagSeconds: median(result.series.consumerLagSeconds.reader ?? []),
    metrics: result.metrics,
  };
}

/** The scenario on the model, then on the aws target against serve. */
async function bothSides(
  scenario: Scenario,
  drain: string,
  hand: { perShard: number[]; ratio: number },
): Promise<{ aws: Measured; model: Measured }> {
  const model = measured((await runScenario(scenario, modelTarget)).result);
  const aws = measured(
    (await runScenario(scenario, awsTarget, { targetOptions: { endpoint: serve.endpoint, drain } })).result,
  );
  const show = (m: Measured) =>
    `throttledRatio ${m.throttledRatio.toFixed(4)}, per shard ${m.recordsPerShard.map((n) => n.toFixed(1)).join(' ')}, lag max ${m.lagSeconds.toFixed(3)} s (median second ${m.typicalLagSeconds.toFixed(3)} s)`;
  console.info(
    `${scenario.name}: by hand throttledRatio ${hand.ratio.toFixed(4)}, per shard ${hand.perShard.map((n) => n.toFixed(1)).join(' ')} | aws ${show(aws)} | model ${show(model)}`,
  );
  return { aws, model };
}

/**
 * By hand, from the records the producer sends: each shard's offered records per second (keys
 * routed by MD5 over the even hash ranges), and throttledRatio Σ_s max(0, n_s − 1,000 × D) / Σ_s n_s
 * (each shard's arrivals spread evenly over the run).
 */
function byHand(scenario: Scenario): { perShard: number[]; ratio: number } {
  const shards = scenario.stream.shards ?? 1;
  const ranges = evenShardRanges(shards);
  const offered = new Array<number>(shards).fill(0);
  for (const producer of scenario.producers) {
    const workload = new ProducerWorkload(producer, {
      seed: scenario.seed,
      durationSeconds: scenario.duration,
    });
    for (const record of workload)
      offered[findShard(ranges, routingHashKey(record.partitionKey, record.explicitHashKey))]! += 1;
  }
  const total = offered.reduce((a, b) => a + b, 0);
  const over = offered.reduce((sum, n) => sum + Math.max(0, n - 1000 * scenario.duration), 0);
  return { perShard: offered.map((n) => n / scenario.duration), ratio: over / total };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
/** A reader that keeps up: its typical lag is ≈ 0 within a 200 ms poll and 0.5 s of a late client (see the top). */
const KEEPING_UP_LAG_SECONDS = 0.7;
/** …and no second of it is seconds behind, even when the machine stalls the reader for a moment. */
const KEEPING_UP_MAX_LAG_SECONDS = 2;

function expectKeepingUp(aws: Measured, model: Measured): void {
  for (const [side, m] of [
    ['aws', aws],
    ['model', model],
  ] as const) {
    expect(m.typicalLagSeconds, `${side} typical lag`).toBeLessThan(KEEPING_UP_LAG_SECONDS);
    expect(m.lagSeconds, `${side} lagSeconds.max`).toBeLessThan(KEEPING_UP_MAX_LAG_SECONDS);
  }
}

function expectPerShardAgree(aws: Measured, model: Measured, hand: number[]): void {
  expect(aws.recordsPerShard).toHaveLength(hand.length);
  expect(model.recordsPerShard).toHaveLength(hand.length);
  hand.forEach((n, s) => {
    // The aws target offers exactly these records, once each (no retries): every one is counted in
    // its shard's row, whatever second its answer came in (0.1%: the series' rounding).
    expect(relative(aws.recordsPerShard[s]!, n), `aws shard ${s} vs by hand`).toBeLessThan(0.001);
    expect(
      relative(aws.recordsPerShard[s]!, model.recordsPerShard[s]!),
      `aws shard ${s} vs model`,
    ).toBeLessThan(0.05);
  });
}

describe('the aws target against serve agrees with the model', () => {
  it('calm: 500 records/s of 1 KiB on 2 shards, a reader that keeps up', async () => {
    // 500/s × 16 s = 8,000 records over 1,000 uniform keys: ~250/s a shard (the routed records of
    // seed 7: 4,162 and 3,838, 260.1 and 239.9/s), a quarter of the 1,000/s limit: throttledRatio 0
    // on both sides (exactly: nothing is refused). The reader takes what a poll returns at once:
    // lag 0 in the model, ≈ its 200 ms poll on the aws side.
    const scenario = scenarioOf(`name: calm
duration: 16s
seed: 7
stream: { shards: 2 }
producers:
  - name: app
    rate: 500/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
    batching: { maxRecords: 500, linger: 20ms }
    retry: { maxAttempts: 1 }
consumers:
  - { name: reader, type: polling, pollInterval: 200ms }
`);
    const hand = byHand(scenario);
    const { aws, model } = await bothSides(scenario, '5s', hand);
    expect(hand.ratio).toBe(0);
    expect(aws.throttledRatio).toBe(0);
    expect(model.throttledRatio).toBe(0);
    expectPerShardAgree(aws, model, hand.perShard);
    expectKeepingUp(aws, model);
    // Every record the stream acknowledged was read, once, in order (the drain lets the last ones in).
    expect(aws.metrics['integrity.reader.delivered']).toBe(8000);
    expect(aws.metrics['integrity.reader.missing']).toBe(0);
  }, 120_000);

  it('one hot key putting 1.5× a shard’s record limit on it', async () => {
    // 2,000 records/s of 100 B on 2 shards for 16 s; hot-set: key-0 carries half, 1,000/s, the
    // other 99 share the rest evenly, 1,000 / 99 = 10.10/s each. By MD5 key-0 and 51 of the 99 land
    // on shard 1: 1,000 + 51 × 10.10 = 1,515/s (1.5× its limit); 48 on shard 0: 48 × 10.10 =
    // 485/s. Shard 1 admits 1,000/s: throttledRatio = (1,515 − 1,000) / 2,000 = 0.258. The records
    // seed 11 draws (`byHand`) give 477.4 and 1,522.6/s: (1,522.6 − 1,000) × 16 / 32,000 = 0.2613.
    // The reader keeps up (nothing slows it): lag ≈ 0 on both sides.
    const scenario = scenarioOf(`name: hot
duration: 16s
seed: 11
stream: { shards: 2 }
producers:
  - name: app
    rate: 2000/s
    recordSize: 100B
    keys: { dist: hot-set, count: 100, hot: 1, share: 0.5 }
    batching: { maxRecords: 500, linger: 20ms }
    retry: { maxAttempts: 1 }
consumers:
  - { name: reader, type: polling, pollInterval: 200ms }
`);
    const hand = byHand(scenario);
    const { aws, model } = await bothSides(scenario, '5s', hand);
    expect(Math.max(...hand.perShard)).toBeGreaterThan(1400);
    expect(relative(aws.throttledRatio, hand.ratio)).toBeLessThan(0.05);
    expect(relative(model.throttledRatio, hand.ratio)).toBeLessThan(0.05);
    expect(relative(aws.throttledRatio, model.throttledRatio)).toBeLessThan(0.05);
    expectPerShardAgree(aws, model, hand.perShard);
    expectKeepingUp(aws, model);
  }, 120_000);

  it('a reader processing half its shard’s write rate falls behind alike', async () => {
    // 500 records/s on one shard (half its limit: nothing throttled) for D = 20 s; the reader
    // processes 250/s. At time t it has processed 250·t records, which arrived by t/2: its oldest
    // unprocessed record is t − t/2 = t/2 old, 20 / 2 = 10 s at the end. (The model draws Poisson
    // arrivals: seed 5 offers ~510/s, so its lag is t − 250·t/510 = 0.51·t, 10.2 s.)
    const scenario = scenarioOf(`name: slow
duration: 20s
seed: 5
stream: { shards: 1 }
producers:
  - name: app
    rate: 500/s
    recordSize: 100B
    keys: { dist: uniform, count: 100 }
    batching: { maxRecords: 500, linger: 20ms }
    retry: { maxAttempts: 1 }
consumers:
  - { name: reader, type: polling, pollInterval: 200ms, processingRate: 250/s }
`);
    const hand = byHand(scenario);
    const { aws, model } = await bothSides(scenario, '0s', hand);
    const handLag = scenario.duration / 2;
    expect(aws.throttledRatio).toBe(0);
    expect(model.throttledRatio).toBe(0);
    expectPerShardAgree(aws, model, hand.perShard);
    expect(relative(model.lagSeconds, handLag)).toBeLessThan(0.05);
    // Against the hand figure the aws side is held at 10%: a reader made late by a loaded machine
    // adds its lateness to the lag (0.5 s is 5% of 10 s); the criterion is against the model.
    expect(relative(aws.lagSeconds, handLag)).toBeLessThan(0.1);
    expect(relative(aws.lagSeconds, model.lagSeconds)).toBeLessThan(0.05);
  }, 120_000);
});
