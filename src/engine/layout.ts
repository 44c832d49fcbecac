/**
 * The stream's layout: a reshard (an UpdateShardCount call completing, or on-demand capacity
 * following a peak) moves every per-shard quantity from an even split of the old count to one of
 * the new, by hash-range overlap.
 */
import { type PlacedKeys, sharesOnEvenShards } from '../keys/placement.js';
import { flushAll } from './firehose.js';
import type { Simulation } from './state.js';

/** Moves per-shard quantities from an even split of `from` shards to one of `to`, by hash-range overlap. */
export function remap(values: Float64Array, from: number, to: number): Float64Array {
  const out = new Float64Array(to);
  if (from === to) {
    out.set(values);
    return out;
  }
  // Walk both sets of boundaries (fractions of the key space) in order.
  let i = 0;
  let j = 0;
  let position = 0;
  while (i < from && j < to) {
    const endOld = (i + 1) / from;
    const endNew = (j + 1) / to;
    const end = Math.min(endOld, endNew);
    out[j]! += values[i]! * ((end - position) * from);
    position = end;
    if (endOld <= end + 1e-15) i++;
    if (endNew <= end + 1e-15) j++;
  }
  return out;
}

/** The producer's share of records on each of `shards` even shards, its keys placed as Kinesis hashes them. */
export function keyWeights(placed: PlacedKeys, shards: number): Float64Array {
  return sharesOnEvenShards(placed, shards);
}

/** Applies every UpdateShardCount call completed by time `t`: the new even layout takes effect. */
export function applyReshards(sim: Simulation, t: number): void {
  while (sim.nextChange < sim.layoutChanges.length && sim.layoutChanges[sim.nextChange]!.at <= t + 1e-9) {
    const next = sim.layoutChanges[sim.nextChange]!.shards;
    relayout(sim, sim.shardCount, next);
    sim.shardCount = next;
    sim.secondRecords = remap(sim.secondRecords, sim.secondRecords.length, next);
    sim.secondBytes = remap(sim.secondBytes, sim.secondBytes.length, next);
    resizeScratch(sim);
    sim.nextChange++;
  }
}

/** On-demand capacity grew to `target` shards at the end of a second (its per-second tallies are empty). */
export function scaleOnDemand(sim: Simulation, target: number): void {
  relayout(sim, sim.shardCount, target);
  sim.shardCount = target;
  sim.secondRecords = new Float64Array(target);
  sim.secondBytes = new Float64Array(target);
  resizeScratch(sim);
}

/** The tick's scratch at the new count; arrivals not yet read follow their hash ranges. */
function resizeScratch(sim: Simulation): void {
  const n = sim.shardCount;
  sim.demandRecords = new Float64Array(n);
  sim.streamFraction = new Float64Array(n);
  sim.demandBytes = new Float64Array(n);
  sim.arrivals = remap(sim.arrivals, sim.arrivals.length, n);
  sim.arrivalBytes = remap(sim.arrivalBytes, sim.arrivalBytes.length, n);
  sim.arrivalDataBytes = remap(sim.arrivalDataBytes, sim.arrivalDataBytes.length, n);
}

/** Moves the model's per-shard state from `from` even shards to `to`. */
function relayout(sim: Simulation, from: number, to: number): void {
  const stream = sim.stream;
  for (const p of sim.producers) {
    if (p.sink !== stream) continue;
    p.weights = keyWeights(p.placed!, to);
    p.sqrtWeights = p.weights.map(Math.sqrt);
    p.retryRate = p.retryRate.map((rate) => remap(rate, from, to));
    const rings: Float64Array[] = [];
    for (const ring of p.retryRing) {
      const next = new Float64Array(p.ringLength * to);
      for (let slot = 0; slot < p.ringLength; slot++)
        next.set(remap(ring.subarray(slot * from, (slot + 1) * from), from, to), slot * to);
      rings.push(next);
    }
    p.retryRing = rings;
    // Every new shard may have inherited retries: track them all until the retry window closes.
    p.shardRetryUntil = new Int32Array(to).fill(p.retryActiveUntil);
    p.activeShards = Int32Array.from({ length: to }, (_, s) => s);
    p.activeCount = to;
    p.listed = new Uint8Array(to).fill(1);
  }
  // A child inherits its share of its parents' backlog.
  stream.shards = to;
  // Children inherit their share of their parents' tokens (a split halves a bucket, a merge adds
  // two), so a reshard adds no burst of capacity beyond what the shards had.
  stream.tokensRecords = remap(stream.tokensRecords, from, to);
  stream.tokensBytes = remap(stream.tokensBytes, from, to);
  // Children refill at once: what their parents still owed from the start is forgiven (a
  // reshard completes many seconds in, after any debt of a one-second bucket is paid).
  stream.owedRecords = 0;
  stream.owedBytes = 0;
  for (const c of sim.consumers) c.backlog = remap(c.backlog, from, to);
  sim.history.relayout((values) => remap(values, from, to));
  for (const fh of sim.firehoses) {
    if (fh.stream.source !== 'stream' || fh.stream.dynamicPartitions !== undefined) continue;
    // Buffers are per shard: each new shard starts an empty buffer; the old ones flush.
    flushAll(fh, 0, 0, true);
    fh.buffers = to;
    fh.bufferBytes = new Float64Array(to);
    fh.bufferRecords = new Float64Array(to);
    fh.bufferStart = new Float64Array(to).fill(-1);
  }
}
