/**
 * Planner benchmarks: `npm run bench`. Prints wall-clock figures (median of several runs) for the
 * planner on a 10,000-shard stream with 1,000,000 enumerated keys and on every bundled scenario.
 * Targets on a 2-core machine: under 2 s and under 50 ms. Benchmarks measure the compiled code
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

const dir = 'scenarios';
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const { scenario } = loadScenarioFile(join(dir, file));
  time(`plan: ${file}`, 20, () => planScenario(scenario), 50);
}
