/**
 * fast-check generators of whole scenarios for the engine's property tests, written as scenario
 * documents (what a user would write) and loaded as the CLI loads them.
 *
 * Shape: a provisioned stream of 1–64 shards, one or two producers, each with a constant rate or
 * a rising ramp, fixed or lognormal record sizes, uniform / zipf / hot-set / unique keys, 0–3
 * consumers, headroom 0.2. Every producer reaches its own peak before the last `hold` seconds
 * (60–180 s) and stays there, so the planner's planning instant (the moment of highest demand) is
 * a moment the engine runs through for at least a minute with every producer at its peak.
 *
 * Rates are drawn as a fraction of the stream's capacity for the producer's records (0.02–1.6 of
 * it, split between the producers), so that scenarios with ample headroom, scenarios that are
 * short, and the band in between all come up often.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadScenarioText } from '../../src/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

/** One shard's write limits (docs/aws-facts.md, KDS 1), written here so the generator stays an oracle. */
const SHARD_RECORDS = 1000;
const SHARD_BYTES = 1024 * 1024;

export type GeneratedKeys =
  | { dist: 'uniform'; count: number }
  | { dist: 'zipf'; count: number; exponent: number }
  | { dist: 'hot-set'; count: number; hot: number; share: number }
  | { dist: 'unique'; length: number };

export type GeneratedSize =
  | { dist: 'fixed'; size: number }
  | { dist: 'lognormal'; median: number; p99: number };

export interface GeneratedProducer {
  /** Fraction of the stream's capacity for this producer's records at its peak. */
  load: number;
  /** Ramp from this fraction of the peak (1 = constant). */
  rampFrom: number;
  rampStart: number;
  rampOver: number;
  size: GeneratedSize;
  keys: GeneratedKeys;
  maxAttempts: number;
}

export interface GeneratedConsumer {
  type: 'polling' | 'enhanced-fan-out';
  pollInterval: number;
  processingRate: number | null;
}

export interface GeneratedScenario {
  shards: number;
  producers: GeneratedProducer[];
  consumers: GeneratedConsumer[];
  /** Seconds every producer spends at its peak at the end of the run. */
  hold: number;
  seed: number;
}

/**
 * A number in hundredths, drawn evenly (fc.double draws evenly over the doubles themselves, which
 * crowds small values), and readable in a printed scenario.
 */
const percent = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 100);

const keysArb: fc.Arbitrary<GeneratedKeys> = fc.oneof(
  fc.record({ dist: fc.constant('uniform' as const), count: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({
    dist: fc.constant('zipf' as const),
    count: fc.integer({ min: 2, max: 20_000 }),
    exponent: percent(0, 150),
  }),
  fc
    .record({
      dist: fc.constant('hot-set' as const),
      count: fc.integer({ min: 1, max: 5_000 }),
      hot: fc.integer({ min: 1, max: 3 }),
      share: percent(0, 90),
    })
    // When every key is hot they carry everything: the schema asks for share 1 then.
    .map((k) => ({ ...k, hot: Math.min(k.hot, k.count), share: k.hot >= k.count ? 1 : k.share })),
  fc.record({ dist: fc.constant('unique' as const), length: fc.integer({ min: 8, max: 64 }) }),
);

// Records of at most ~20 KiB: a shard then takes ≥ ~50 records a second, so the Poisson noise of
// arrivals stays small against its one-second token bucket (see agreement.test.ts).
const sizeArb: fc.Arbitrary<GeneratedSize> = fc.oneof(
  fc.record({ dist: fc.constant('fixed' as const), size: fc.integer({ min: 20, max: 20_000 }) }),
  fc
    .record({ median: fc.integer({ min: 50, max: 4_000 }), spread: percent(100, 500) })
    .map(({ median, spread }) => ({ dist: 'lognormal' as const, median, p99: Math.round(median * spread) })),
);

const producerArb: fc.Arbitrary<GeneratedProducer> = fc.record({
  load: percent(2, 160),
  rampFrom: fc.oneof(fc.constant(1), percent(0, 99)),
  rampStart: fc.integer({ min: 0, max: 120 }),
  rampOver: fc.integer({ min: 0, max: 300 }),
  size: sizeArb,
  keys: keysArb,
  maxAttempts: fc.constantFrom(1, 3, 5),
});

const consumerArb: fc.Arbitrary<GeneratedConsumer> = fc.record({
  type: fc.constantFrom('polling' as const, 'enhanced-fan-out' as const),
  pollInterval: fc.constantFrom(0.25, 0.5, 1, 2),
  processingRate: fc.option(fc.integer({ min: 100, max: 50_000 }), { nil: null }),
});

export const generatedScenarioArb: fc.Arbitrary<GeneratedScenario> = fc
  .record({
    shards: fc.integer({ min: 1, max: 64 }),
    producers: fc.array(producerArb, { minLength: 1, maxLength: 2 }),
    consumers: fc.array(consumerArb, { maxLength: 3 }),
    hold: fc.integer({ min: 60, max: 180 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  // Two producers share the load they were drawn with: together they still span 0.02–1.6.
  .map((g) =>
    g.producers.length === 1
      ? g
      : { ...g, producers: g.producers.map((p) => ({ ...p, load: p.load / g.producers.length })) },
  );

function meanBytes(size: GeneratedSize): number {
  if (size.dist === 'fixed') return size.size;
  // Lognormal: mean = median · exp(σ²/2), σ = ln(p99/median) / z₀.₉₉.
  const sigma = Math.log(size.p99 / size.median) / 2.3263;
  return size.median * Math.exp((sigma * sigma) / 2);
}

function keyBytesGuess(keys: GeneratedKeys): number {
  return keys.dist === 'unique' ? keys.length : 10;
}

/** The last moment any producer is still ramping: the hold starts here. */
function rampEnd(g: GeneratedScenario): number {
  return Math.max(0, ...g.producers.map((p) => (p.rampFrom === 1 ? 0 : p.rampStart + p.rampOver)));
}

/** The scenario document, as a user would write it (numbers in base units: records/s, bytes, seconds). */
export function scenarioDocument(g: GeneratedScenario): Record<string, unknown> {
  const producers = g.producers.map((p, i) => {
    const perRecord = meanBytes(p.size) + keyBytesGuess(p.keys);
    const capacity = g.shards * Math.min(SHARD_RECORDS, SHARD_BYTES / perRecord);
    const peak = Math.max(1, Math.round(p.load * capacity * 100) / 100);
    const rate =
      p.rampFrom === 1
        ? peak
        : {
            profile: 'ramp',
            from: Math.round(peak * p.rampFrom * 100) / 100,
            to: peak,
            start: p.rampStart,
            over: p.rampOver,
          };
    const keys =
      p.keys.dist === 'unique' ? p.keys : { ...p.keys, template: i === 0 ? 'key-{i}' : `p${i}-{i}` };
    return {
      name: `producer-${i}`,
      instances: 4,
      rate,
      recordSize: p.size,
      keys,
      retry: { maxAttempts: p.maxAttempts, baseDelay: 0.1, maxDelay: 5 },
    };
  });
  const consumers = g.consumers.map((c, i) =>
    c.type === 'polling'
      ? {
          name: `consumer-${i}`,
          type: 'polling',
          pollInterval: c.pollInterval,
          ...(c.processingRate === null ? {} : { processingRate: c.processingRate }),
        }
      : {
          name: `consumer-${i}`,
          type: 'enhanced-fan-out',
          ...(c.processingRate === null ? {} : { processingRate: c.processingRate }),
        },
  );
  return {
    name: 'generated',
    duration: rampEnd(g) + g.hold,
    seed: g.seed,
    stream: { mode: 'provisioned', shards: g.shards },
    producers,
    consumers,
    headroom: 0.2,
  };
}

/** The document as YAML, for assertion messages (it loads back with `scenarioOf`). */
export function scenarioYaml(g: GeneratedScenario): string {
  return stringify(scenarioDocument(g));
}

/** Loads scenario text as the CLI does (parse, checks against AWS limits, service defaults). */
export function scenarioOf(text: string): Scenario {
  return loadScenarioText(text, '/virtual/generated.yaml', {
    readFile: (path) => {
      throw new Error(`no file ${path} in a generated scenario`);
    },
  }).scenario;
}

/**
 * Wider scenarios for the engine's robustness properties (no input that passes validation may end
 * in a crash or a result that does not add up): everything above, and runs of up to ~1.5 h more on
 * a coarse tick, up to 15 consumer applications (polling from every 100 ms to every 200 s, and
 * enhanced fan-out, many processing slower than they receive, so they lag at different rates), up
 * to 10 attempts, KPL aggregation, reshard events and Firehose delivery streams (from the stream and
 * Direct PUT). (Longer runs with lagging applications are slow to simulate today: the arrival history
 * grows with the lag.)
 * Shards are kept at 1–16 so that a long run stays quick.
 */
export interface WideScenario {
  base: GeneratedScenario;
  /** Seconds added to the run after the hold. */
  extraSeconds: number;
  tickSeconds: number;
  aggregation: boolean;
  maxAttempts: number;
  pollers: { pollInterval: number; processingRate: number | null }[];
  /** Enhanced fan-out applications, each processing at most this many records/s (null: unbounded). */
  fanOut: (number | null)[];
  /** Reshard events: when (a fraction of the run) and to how many shards. */
  reshards: { at: number; shards: number }[];
  streamFirehose: boolean;
  /** A Direct PUT Firehose stream fed by its own producer, at this many records/s (0: none). */
  directPutRate: number;
}

export const wideScenarioArb: fc.Arbitrary<WideScenario> = fc.record({
  base: generatedScenarioArb.map((g) => ({ ...g, shards: 1 + (g.shards % 16) })),
  extraSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 60, max: 5400 })),
  tickSeconds: fc.constantFrom(0.1, 0.5, 1),
  aggregation: fc.boolean(),
  maxAttempts: fc.constantFrom(1, 3, 10),
  pollers: fc.array(
    fc.record({
      pollInterval: fc.constantFrom(0.1, 0.2, 1, 5, 60, 200),
      processingRate: fc.option(fc.integer({ min: 10, max: 50_000 }), { nil: null }),
    }),
    { maxLength: 6 },
  ),
  fanOut: fc.array(fc.option(fc.integer({ min: 10, max: 50_000 }), { nil: null }), { maxLength: 6 }),
  reshards: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 95 }).map((x) => x / 100),
      shards: fc.integer({ min: 1, max: 24 }),
    }),
    { maxLength: 3 },
  ),
  streamFirehose: fc.boolean(),
  directPutRate: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
});

/** The wide scenario as a document: the base scenario's, with the wider parts added. */
export function wideScenarioDocument(w: WideScenario): Record<string, unknown> {
  const doc = scenarioDocument(w.base);
  const duration = (doc.duration as number) + w.extraSeconds;
  const producers: Record<string, unknown>[] = (doc.producers as Record<string, unknown>[]).map((p) => ({
    ...p,
    aggregation: { enabled: w.aggregation },
    batching: { linger: 0.1 },
    retry: { maxAttempts: w.maxAttempts, baseDelay: 0.1, maxDelay: 5 },
  }));
  const firehose: Record<string, unknown>[] = [];
  if (w.streamFirehose)
    firehose.push({ name: 'from-stream', source: 'stream', buffer: { size: 1048576, interval: 60 } });
  if (w.directPutRate > 0) {
    firehose.push({ name: 'direct', source: 'direct-put', buffer: { size: 1048576, interval: 60 } });
    producers.push({
      name: 'direct-writer',
      instances: 2,
      rate: w.directPutRate,
      recordSize: 2000,
      destination: 'direct',
      retry: { maxAttempts: w.maxAttempts, baseDelay: 0.1, maxDelay: 5 },
    });
  }
  const consumers = [
    ...(doc.consumers as Record<string, unknown>[]),
    ...w.pollers.map((c, i) => ({
      name: `poller-${i}`,
      type: 'polling',
      pollInterval: c.pollInterval,
      ...(c.processingRate === null ? {} : { processingRate: c.processingRate }),
    })),
    ...w.fanOut.map((rate, i) => ({
      name: `efo-${i}`,
      type: 'enhanced-fan-out',
      ...(rate === null ? {} : { processingRate: rate }),
    })),
  ];
  const events = [...w.reshards]
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ at: Math.round(e.at * duration), reshard: { shards: e.shards } }));
  return {
    ...doc,
    duration,
    producers,
    consumers,
    firehose,
    events,
    // Long runs on a one-second tick: the engine's cost is shards × ticks.
    engine: { tick: w.extraSeconds > 600 ? 1 : w.tickSeconds },
  };
}

export function wideScenarioYaml(w: WideScenario): string {
  return stringify(wideScenarioDocument(w));
}
