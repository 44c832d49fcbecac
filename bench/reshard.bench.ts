/**
 * Speed of the fastest-reshard-route search: `npm run build && node --import tsx bench/reshard.bench.ts`.
 *
 * The planner calls `updateShardCountSequence` per reshard event and for configured → recommended,
 * and `fastestReshardsFrom` once for the reshard-friendly counts; the engine calls the first per
 * event. Budget: well under 50 ms a pair once warm, for any pair up to 10,000 shards. Cases: the
 * issue's pairs, the slowest pairs found (a small count to a large, awkward one: a prime, or
 * 9,999 = 9 × 1,111), and 1,000 random pairs (worst and mean). Each named case is timed cold (first
 * call, JIT warm-up included) and warm (median of five).
 */
import { fastestReshardsFrom, updateShardCountSequence } from '../dist/aws/reshard.js';

const named: [number, number][] = [
  [64, 600],
  [256, 600],
  [600, 64],
  [1, 10_000],
  [10_000, 1],
  [7, 9999],
  [3, 9973],
  [9973, 3],
  [1024, 9973],
  [17, 9909],
  [8445, 1048],
];

const time = (f: () => unknown) => {
  const start = performance.now();
  f();
  return performance.now() - start;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const lines: string[] = [];
for (const [from, to] of named) {
  const cold = time(() => updateShardCountSequence(from, to));
  const warm = median(Array.from({ length: 5 }, () => time(() => updateShardCountSequence(from, to))));
  const route = updateShardCountSequence(from, to);
  lines.push(
    `${`${from} → ${to}`.padEnd(14)} cold ${cold.toFixed(1).padStart(7)} ms  warm ${warm.toFixed(1).padStart(6)} ms  ${[from, ...route].join(' → ')}`,
  );
}

// A fixed linear congruential sequence, so every run times the same pairs.
let seed = 20_261_206;
const next = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return 1 + Math.floor((seed / 2_147_483_648) * 10_000);
};
let worst = { ms: 0, pair: '' };
let total = 0;
const pairs = 1000;
for (let i = 0; i < pairs; i++) {
  const from = next();
  // Half the pairs far apart (a small count to a large one), as the slow cases are.
  const to = i % 2 === 0 ? next() : Math.max(1, Math.floor(next() / 500));
  const ms = time(() => updateShardCountSequence(from, to));
  total += ms;
  if (ms > worst.ms) worst = { ms, pair: `${from} → ${to}` };
}
lines.push(
  `${pairs} random pairs: mean ${(total / pairs).toFixed(2)} ms, worst ${worst.ms.toFixed(1)} ms (${worst.pair})`,
);
const friendly = time(() => fastestReshardsFrom(64, 5000, 10_000));
lines.push(`fastestReshardsFrom 64 → each of 5,000 … 10,000: ${friendly.toFixed(1)} ms`);

process.stdout.write(`${lines.join('\n')}\n`);
