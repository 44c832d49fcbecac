/**
 * Speed of the per-shard key load: `npx tsx bench/keys.bench.ts`.
 *
 * The planner's budget is 1,000,000 enumerated keys on 10,000 shards in well under 2 s on a
 * 2-core machine, everything included (naming, MD5, shard lookup, hot keys, key bytes). Each case
 * is timed cold (the first call in the process, JIT warm-up included) and then warm (the median
 * of five more calls). The last lines compare the MD5 used here with node:crypto.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { type KeyLoadOptions, keyLoad, Md5 } from '../dist/keys/index.js';
import type { KeyDistribution } from '../dist/scenario/schema.js';

interface Case {
  name: string;
  dist: KeyDistribution;
  shardCount: number;
  /** Keys named and hashed, for keys/s; omitted for estimates. */
  keys?: number;
  options?: KeyLoadOptions;
}

const cases: Case[] = [
  {
    name: 'zipf 1,000,000 keys s=1, 10,000 shards',
    dist: { dist: 'zipf', count: 1_000_000, exponent: 1, template: 'key-{i}' },
    shardCount: 10_000,
    keys: 1_000_000,
  },
  {
    name: 'zipf 1,000,000 keys s=1, 8 shards',
    dist: { dist: 'zipf', count: 1_000_000, exponent: 1, template: 'key-{i}' },
    shardCount: 8,
    keys: 1_000_000,
  },
  {
    name: 'uniform 100,000 keys, 64 shards',
    dist: { dist: 'uniform', count: 100_000, template: 'user-{i}' },
    shardCount: 64,
    keys: 100_000,
  },
  {
    name: 'zipf 1,000,000,000 keys s=1, 10,000 shards (analytical, 10,000 placed)',
    dist: { dist: 'zipf', count: 1_000_000_000, exponent: 1, template: 'key-{i}' },
    shardCount: 10_000,
  },
];

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log('case'.padEnd(74), 'cold ms'.padStart(9), 'warm ms'.padStart(9), 'keys/s (warm)'.padStart(15));
for (const c of cases) {
  const layout = { shardCount: c.shardCount };
  const cold = time(() => keyLoad(c.dist, layout, c.options));
  const warm = median(Array.from({ length: 5 }, () => time(() => keyLoad(c.dist, layout, c.options))));
  console.log(
    c.name.padEnd(74),
    fmt(cold).padStart(9),
    fmt(warm).padStart(9),
    (c.keys === undefined ? '—' : fmt((c.keys / warm) * 1000)).padStart(15),
  );
}

// MD5 alone: this module's allocation-free MD5 against node:crypto, on 200,000 names.
const names = Array.from({ length: 200_000 }, (_, i) => `key-${i}`);
const md5 = new Md5();
const utf8 = new TextEncoder();
let check = 0;
const jsMs = median(
  Array.from({ length: 3 }, () =>
    time(() => {
      for (const name of names) {
        md5.digest(utf8.encodeInto(name, md5.buffer).written);
        check ^= md5.words[0]!;
      }
    }),
  ),
);
const cryptoMs = median(
  Array.from({ length: 3 }, () =>
    time(() => {
      for (const name of names) check ^= createHash('md5').update(name, 'utf8').digest().readUInt32BE(0);
    }),
  ),
);
console.log(`MD5 of 200,000 names: src/keys/md5.ts ${fmt(jsMs)} ms (${fmt((jsMs / 200) * 1000)} ns/key),`);
console.log(`  node:crypto createHash ${fmt(cryptoMs)} ms (${fmt((cryptoMs / 200) * 1000)} ns/key)`);
// Both loops ran three times over the same names, so their XORs cancel: 0 means the digests agree.
console.log(`  digests agree: ${check === 0}`);
