/**
 * Speed of the workload generators (src/workload/): `npm run bench`, or after `npm run build`,
 * `node --import tsx bench/workload.bench.ts`.
 *
 * A real target draws a key, a size and a send time per record; at 100,000 records/s per process
 * each draw has about a microsecond. Machines differ, so every figure is also printed as a ratio
 * to a baseline measured in the same run: a loop of `Math.random()` (V8's xorshift128+, about
 * the cheapest random number a JavaScript program gets). Each case runs 3 times after a warm-up
 * round; the median counts.
 */
import { cpus } from 'node:os';
import type { RateProfile, RecordSizeDistribution } from '../dist/scenario/schema.js';
import {
  arrivals,
  indexedKeySampler,
  keySampler,
  nextDelay,
  Rng,
  recordSizeSampler,
} from '../dist/workload/index.js';

const DRAWS = 1_000_000;
/** Keeps every draw alive so the JIT cannot drop a loop. */
let sink = 0;

/** Draws per second of `draw`, the median of three rounds of DRAWS after one warm-up round. */
function perSecond(draw: () => number): number {
  const rates: number[] = [];
  for (let round = 0; round < 4; round++) {
    const started = performance.now();
    for (let i = 0; i < DRAWS; i++) sink += draw();
    const seconds = (performance.now() - started) / 1000;
    if (round > 0) rates.push(DRAWS / seconds);
  }
  return rates.sort((a, b) => a - b)[1]!;
}

const records = (n: number) => ({ kind: 'records' as const, perSecond: n });
const rng = new Rng(1);

const sizes: [string, RecordSizeDistribution][] = [
  ['size: fixed 1 KiB', { dist: 'fixed', size: 1024 }],
  ['size: fixed 1.2 KiB (rounded up or down)', { dist: 'fixed', size: 1228.8 }],
  ['size: uniform 100 B … 10 KiB', { dist: 'uniform', min: 100, max: 10_240 }],
  [
    'size: lognormal median 1 KiB, p99 16 KiB, max 1 MiB',
    { dist: 'lognormal', median: 1024, p99: 16_384, max: 1 << 20 },
  ],
  [
    'size: weighted, 3 sizes',
    {
      dist: 'weighted',
      sizes: [
        { size: 100, weight: 1 },
        { size: 1024, weight: 3 },
        { size: 65_536, weight: 1 },
      ],
    },
  ],
];

/** An arrival schedule long enough for every round, drawn one time at a time. */
function arrivalDraw(profile: RateProfile): () => number {
  // 10^6 records/s for an hour: 3.6 × 10⁹ arrivals, far more than the rounds take.
  const schedule = arrivals(profile, { durationSeconds: 3600, meanRecordBytes: 1024 });
  return () => schedule.next().value ?? 0;
}

const cases: [string, () => number][] = [
  ['Rng.uniform (32 bits)', () => rng.uniform()],
  ['Rng.uniform53 (53 bits, two steps)', () => rng.uniform53()],
  [
    'key index: uniform, 1,000,000 keys',
    indexedKeySampler({ dist: 'uniform', count: 1_000_000, template: 'k-{i}' }, rng).nextIndex,
  ],
  [
    'key index: zipf s=1, 1,000 keys (alias table)',
    indexedKeySampler({ dist: 'zipf', count: 1000, exponent: 1, template: 'k-{i}' }, rng).nextIndex,
  ],
  [
    'key index: zipf s=1, 1,000,000 keys (alias table)',
    indexedKeySampler({ dist: 'zipf', count: 1_000_000, exponent: 1, template: 'k-{i}' }, rng).nextIndex,
  ],
  [
    'key index: zipf s=1, 10^9 keys (table + rejection tail)',
    indexedKeySampler({ dist: 'zipf', count: 1_000_000_000, exponent: 1, template: 'k-{i}' }, rng).nextIndex,
  ],
  [
    'key index: hot-set 10 of 100,000 carry 0.5',
    indexedKeySampler({ dist: 'hot-set', count: 100_000, hot: 10, share: 0.5, template: 'k-{i}' }, rng)
      .nextIndex,
  ],
  [
    'key index: weighted, 100 keys',
    indexedKeySampler(
      { dist: 'weighted', keys: Array.from({ length: 100 }, (_, i) => ({ key: `w${i}`, weight: i + 1 })) },
      rng,
    ).nextIndex,
  ],
  [
    'key named: zipf s=1, 1,000,000 keys ("device-{i}")',
    (() => {
      const s = keySampler({ dist: 'zipf', count: 1_000_000, exponent: 1, template: 'device-{i}' }, rng);
      return () => s.next().partitionKey.length;
    })(),
  ],
  [
    'key named: unique, 36 characters',
    (() => {
      const s = keySampler({ dist: 'unique', length: 36 }, rng);
      return () => s.next().partitionKey.length;
    })(),
  ],
  ...sizes.map(([name, dist]): [string, () => number] => [name, recordSizeSampler(dist, rng).next]),
  ['arrival: constant 10^6/s', arrivalDraw({ profile: 'constant', rate: records(1e6) })],
  [
    'arrival: ramp 0 → 2·10^6/s over 1 h',
    arrivalDraw({ profile: 'ramp', from: records(0), to: records(2e6), over: 3600, start: 0 }),
  ],
  [
    'arrival: diurnal 0 … 2·10^6/s (Newton per arrival)',
    arrivalDraw({ profile: 'diurnal', min: records(0), max: records(2e6), period: 600, peakAt: 300 }),
  ],
  [
    'backoff: nextDelay, attempt 3',
    () => nextDelay({ maxAttempts: 3, baseDelay: 0.1, maxDelay: 20 }, 3, rng),
  ],
];

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
const baseline = perSecond(Math.random);
console.log('workload sampler'.padEnd(58), 'draws/s'.padStart(14), '÷ Math.random'.padStart(14));
console.log('Math.random() (baseline)'.padEnd(58), fmt(baseline).padStart(14), '1.00'.padStart(14));
for (const [name, draw] of cases) {
  const rate = perSecond(draw);
  console.log(name.padEnd(58), fmt(rate).padStart(14), (rate / baseline).toFixed(2).padStart(14));
}
if (Number.isNaN(sink)) console.log('(sink)');
