/**
 * Planner benchmarks: `npm run bench`. Prints wall-clock figures (median of several runs) for the
 * planner on a 10,000-shard stream with 1,000,000 enumerated keys and on every bundled scenario.
 * Targets on a 2-core machine: under 2 s and under 50 ms (plus 0.5 µs a key for scenarios whose
 * keys the planner hashes one by one); with 10,000,000 keys hashed, a plan under 5 s. Benchmarks measure the compiled code
 * (dist/, built by `npm run bench`), as users run it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenarioFile, loadScenarioText } from '../dist/load.js';
import { planScenario } from '../dist/planner/index.js';

function time(label: string, runs: number, fn: () => unknown, target: number): void {
  fn(); // warm-up: JIT and module initialisation
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const verdict = median <= target ? 'ok' : 'OVER TARGET';
  console.log(
    `${label.padEnd(52)} median ${median.toFixed(1).padStart(8)} ms  min ${samples[0]!.toFixed(1).padStart(8)} ms  (target ${target} ms: ${verdict})`,
  );
}

const big = loadScenarioText(
  `
name: bench-10k-shards-1m-keys
duration: 1h
stream: { mode: provisioned, shards: 10000 }
producers:
  - name: fleet
    instances: 500
    rate: 7M/s
    recordSize: 100B
    keys: { dist: zipf, count: 1000000, exponent: 0.6 }
consumers:
  - { name: reader, type: polling }
  - { name: fan, type: enhanced-fan-out }
`,
  'bench-10k.yaml',
).scenario;

console.log(`shardcast planner benchmarks (node ${process.version}, ${process.platform}/${process.arch})`);
time('plan: 10,000 shards, 1,000,000 zipf keys', 5, () => planScenario(big), 2000);

// Hot keys at scale: every key hashed up to 10,000,000 (target: a whole plan under 5 s), an
// estimate beyond. Each is planned once, cold for its keys (as the CLI runs it), after the case
// above has warmed the JIT; CPU time is printed beside wall time, for a shared machine.
const keyed = (count: number, dist: string) =>
  loadScenarioText(
    `
name: bench-hot-keys
stream: { shards: 2400 }
producers:
  - name: p
    rate: 2M/s
    recordSize: 100B
    keys: { dist: ${dist}, count: ${count}${dist === 'zipf' ? ', exponent: 0.6' : ''}, template: "user-{i}" }
`,
    'bench-hot-keys.yaml',
  ).scenario;
for (const [count, dist] of [
  [1_000_000, 'uniform'],
  [1_000_000, 'zipf'],
  [10_000_000, 'uniform'],
  [10_000_000, 'zipf'],
  [100_000_000, 'zipf'],
] as const) {
  const scenario = keyed(count, dist);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const plan = planScenario(scenario);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `${`plan: ${count.toLocaleString('en-US')} ${dist} keys, ~2,400 shards`.padEnd(52)} once   ${wall.toFixed(0).padStart(8)} ms  cpu ${cpuMs.toFixed(0).padStart(8)} ms  (target 5000 ms: ${wall <= 5000 ? 'ok' : 'OVER TARGET'}) → ${plan.shards.recommended} shards, ${plan.hotKeys.method}${plan.hotKeys.estimate ? ` ±${(plan.hotKeys.estimate.relativeError * 100).toFixed(1)}%` : ''}`,
  );
}

const dir = 'scenarios';
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const { scenario } = loadScenarioFile(join(dir, file));
  // Every key is hashed (up to 10,000,000 a producer): 50 ms, plus 0.5 µs a key hashed.
  const hashed = scenario.producers.reduce(
    (a, p) => a + ('count' in p.keys && p.keys.count <= 10_000_000 ? p.keys.count : 0),
    0,
  );
  time(`plan: ${file}`, hashed > 100_000 ? 5 : 20, () => planScenario(scenario), 50 + hashed / 2000);
}
