/**
 * Write admission and retries, one sink per call and tick: the producers' new records (Poisson)
 * and the retries due now make each shard's demand; each shard admits what its token buckets hold
 * (refilled every tick at limit × tick, capped at one second's worth, docs/engine.md) and rejects
 * the rest, which waits a full-jitter backoff for its next attempt or is dropped after the last.
 * The per-shard loops are top-level functions with their state passed in (see `admitFirstAttempts`).
 */
import { putRequestsPerSecond } from '../aws/behaviour.js';
import { FIREHOSE, KINESIS } from '../aws/facts.js';
import { rateAt } from '../scenario/profiles.js';
import type { Producer } from '../scenario/schema.js';
import type { Rng } from '../workload/random.js';
import { firehoseShardIn } from './firehose.js';
import type { FirstAttempts, ProducerState, Simulation, Sink, StreamTallies } from './state.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;

/**
 * Tick `k` (at time `t`, in second `second`) of one sink: demand, admission, and the outcomes
 * counted into the run's totals and the recorder's per-second series.
 */
export function writeSink(sim: Simulation, sink: Sink, k: number, t: number, second: number): void {
  const stream = sim.stream;
  const n = sink.shards;
  const dR = sink === stream ? sim.demandRecords : new Float64Array(n);
  const dB = sink === stream ? sim.demandBytes : new Float64Array(n);
  dR.fill(0);
  dB.fill(0);
  // Reused every tick: one entry per producer writing to this sink (no allocation in the loop).
  const firsts = sim.firstsBySink.get(sink)!;
  prepareFirstAttempts(sim, sink, firsts, dR, dB, k, t);
  const fraction = sink === stream ? sim.streamFraction : new Float64Array(n);
  const toStream = sink === stream;
  // One pass per shard: new records (Poisson), the shard's token buckets (refilled every tick at
  // limit × tick, capped at one second's worth, docs/engine.md), and the first attempts' outcomes.
  admitFirstAttempts(
    sink,
    firsts,
    dR,
    dB,
    fraction,
    toStream
      ? {
          records: sim.secondRecords,
          bytes: sim.secondBytes,
          arrivals: sim.arrivals,
          arrivalBytes: sim.arrivalBytes,
          arrivalDataBytes: sim.arrivalDataBytes,
        }
      : undefined,
    sim.rng,
    k,
    sim.dt,
  );
  const totals = sim.totals;
  const offered = sim.recorder.perSecond.offered;
  for (const first of firsts) {
    const produced = first.total * first.u;
    totals.produced += produced;
    offered[second]! += produced;
    totals.putRequests += requestsFor(first.p.producer, sink, first.total, first.kb, sim.dt);
    // On-demand capacity follows the peak write seen 15 minutes earlier (docs/engine.md, aws-facts
    // KDS 5): the records producers offer, not the retries a throttled second adds to them.
    if (sim.onDemand && toStream) {
      sim.odSecondRecords += first.total;
      sim.odSecondBytes += first.total * first.kb;
    }
  }
  // Retries, on the shards that have them, then the counters (local sums, added once a tick).
  for (const first of firsts) settleRetries(sim, sink, first, fraction, k, t, second);
}

/**
 * Each producer's first-attempt record for this tick (its expected records, weights, retry ring),
 * and the retries due now added to the shards' demand; for Direct PUT, the records limit the
 * request quota implies this tick.
 */
function prepareFirstAttempts(
  sim: Simulation,
  sink: Sink,
  firsts: readonly FirstAttempts[],
  dR: Float64Array,
  dB: Float64Array,
  k: number,
  t: number,
): void {
  const n = sink.shards;
  const dt = sim.dt;
  const newByProducer = sim.freshBuffers;
  let expectedRecords = 0;
  let expectedRequests = 0;
  for (const first of firsts) {
    const p = first.p;
    const attempts = p.retryRate.length - 1;
    const slot = k % p.ringLength;
    if (newByProducer[first.index]!.length !== n) newByProducer[first.index] = new Float64Array(n);
    if (p.sqrtWeights.length !== p.weights.length) p.sqrtWeights = p.weights.map(Math.sqrt);
    const userRate = rateAt(p.producer.rate, t, p.meanDataBytes);
    first.perTick = (userRate / p.userPerKinesis) * dt;
    first.sqrtPerTick = Math.sqrt(first.perTick);
    first.weights = p.weights;
    first.sqrtWeights = p.sqrtWeights;
    first.total = 0;
    first.fresh = newByProducer[first.index]!;
    first.ring = attempts > 1 ? p.retryRing[2]! : undefined;
    first.D = attempts > 1 ? p.backoffTicks[2]! : 1;
    first.start = (slot + 1) % p.ringLength;
    first.stop = (slot + 1 + first.D) % p.ringLength;
    first.u = p.userPerKinesis;
    first.kb = p.kinesisBytes;
    first.db = p.userPerKinesis * p.meanDataBytes;
    first.attempted = 0;
    first.admitted = 0;
    first.rejected = 0;
    first.dropped = 0;
    expectedRecords += first.perTick;
    expectedRequests += requestsFor(p.producer, sink, first.perTick, p.kinesisBytes, dt);
    // Retries: advance each attempt class's ring; the retries due now are demand too.
    if (k > p.retryActiveUntil) continue;
    dropIdleShards(p, k);
    const kb = p.kinesisBytes;
    for (let a = 2; a < p.retryRate.length; a++) {
      const rate = p.retryRate[a]!;
      const ring = p.retryRing[a]!;
      for (let j = 0; j < p.activeCount; j++) {
        const s = p.activeShards[j]!;
        const r = Math.max(0, rate[s]! + ring[slot * n + s]!);
        rate[s] = r;
        ring[slot * n + s] = 0;
        dR[s]! += r * dt;
        dB[s]! += r * dt * kb;
      }
    }
  }
  if (sink.quota) {
    // Direct PUT: 2,000 (or 1,000) requests/s become a records limit through the records each
    // request carries this tick (full batches, or what one linger time collects).
    const perRequest =
      expectedRequests > 0 ? expectedRecords / expectedRequests : FIREHOSE.putRecordBatchMaxRecords.value;
    sink.recordsPerSecond = Math.min(sink.quota.recordsPerSecond, sink.quota.requestsPerSecond * perRequest);
  }
}

/**
 * One producer's retries due now on the shards that have them (admitted at the shard's
 * `fraction`, the rejected scheduled for the next attempt class or dropped after the last), then
 * its tick's outcomes, first attempts included, into the totals and the per-second series.
 */
function settleRetries(
  sim: Simulation,
  sink: Sink,
  first: FirstAttempts,
  fraction: Float64Array,
  k: number,
  t: number,
  second: number,
): void {
  const n = sink.shards;
  const dt = sim.dt;
  const toStream = sink === sim.stream;
  const arrivals = sim.arrivals;
  const arrivalBytes = sim.arrivalBytes;
  const arrivalDataBytes = sim.arrivalDataBytes;
  const p = first.p;
  const attempts = p.retryRate.length - 1;
  const classes = k <= p.retryActiveUntil ? attempts : 1;
  const slot = k % p.ringLength;
  const start = (slot + 1) % p.ringLength;
  const kb = p.kinesisBytes;
  const u = p.userPerKinesis;
  let attempted = first.attempted;
  let retried = 0;
  let admittedAll = first.admitted;
  let rejectedAll = first.rejected;
  let dropped = first.dropped;
  p.admittedByAttempt[1]! += first.admitted * u;
  for (let a = 2; a <= classes; a++) {
    const rate = p.retryRate[a];
    const nextRing = a < attempts ? p.retryRing[a + 1]! : undefined;
    const D = a < attempts ? p.backoffTicks[a + 1]! : 1;
    const stop = (slot + 1 + D) % p.ringLength;
    let admittedClass = 0;
    for (let j = 0; j < p.activeCount; j++) {
      const s = p.activeShards[j]!;
      const count = rate![s]! * dt;
      if (count <= 0) continue;
      const admitted = count * fraction[s]!;
      const rejected = count - admitted;
      attempted += count;
      retried += count;
      admittedClass += admitted;
      if (toStream) {
        arrivals[s]! += admitted * u;
        arrivalBytes[s]! += admitted * kb;
        arrivalDataBytes[s]! += admitted * first.db;
      }
      if (rejected <= 0) continue;
      rejectedAll += rejected;
      if (nextRing === undefined) {
        dropped += rejected;
        continue;
      }
      // Resend after a full-jitter backoff: spread evenly over the next D ticks, as a rate
      // that starts next tick and stops D ticks later.
      const perSecondRate = rejected / D / dt;
      nextRing[start * n + s]! += perSecondRate;
      nextRing[stop * n + s]! -= perSecondRate;
      markRetrying(p, s, k + p.ringLength);
    }
    admittedAll += admittedClass;
    p.admittedByAttempt[a]! += admittedClass * p.userPerKinesis;
  }
  p.pending += rejectedAll - dropped - retried;
  if (rejectedAll > dropped) p.retryActiveUntil = k + p.ringLength;
  if (sink.firehose) {
    firehoseShardIn(sink.firehose, 0, admittedAll * u, admittedAll * kb, t);
    sink.firehose.throttled += rejectedAll * u;
  }
  const totals = sim.totals;
  const perSecond = sim.recorder.perSecond;
  totals.attempts += attempted * u;
  totals.retried += retried * u;
  totals.acknowledged += admittedAll * u;
  totals.throttled += rejectedAll * u;
  totals.dropped += dropped * u;
  perSecond.retried[second]! += retried * u;
  perSecond.acknowledged[second]! += admittedAll * u;
  perSecond.writeBytes[second]! += admittedAll * kb;
  perSecond.writeRecords[second]! += admittedAll;
  totals.writeBytes += admittedAll * kb;
  if (toStream) {
    sim.streamAcknowledged += admittedAll * u;
    sim.streamWriteBytes += admittedAll * kb;
    sim.acceptedDataBytes += admittedAll * first.db;
  }
  perSecond.throttled[second]! += rejectedAll * u;
  perSecond.dropped[second]! += dropped * u;
}

/**
 * One pass over a sink's shards: each producer's new records (Poisson), the shard's token buckets
 * (refilled every tick at limit × tick, capped at one second's worth, docs/engine.md), the admitted
 * fraction of its demand (`dR`, `dB`: retries due now, plus the new records), and the first
 * attempts' outcomes, rejected records scheduled for a retry. A top-level function with its state
 * passed in, so that V8 optimises this loop on its own (inside the run's closure it was compiled
 * on-stack with the whole run, and a second run in the same process was ten times slower).
 */
export function admitFirstAttempts(
  sink: Sink,
  firsts: readonly FirstAttempts[],
  dR: Float64Array,
  dB: Float64Array,
  fraction: Float64Array,
  tallies: StreamTallies | undefined,
  rng: Rng,
  k: number,
  dt: number,
): void {
  const n = sink.shards;
  const tR = sink.tokensRecords;
  const tB = sink.tokensBytes;
  const capR = sink.recordsPerSecond;
  const capB = sink.bytesBurst;
  // The refill, less what the buckets still owe for starting full (see `startingBuckets`); never
  // more than a bucket holds (a Direct PUT records limit follows the batch size, set every tick).
  if (sink.owedRecords > capR) sink.owedRecords = capR;
  if (sink.owedBytes > capB) sink.owedBytes = capB;
  const owedR = Math.min(sink.owedRecords, sink.recordsPerSecond * dt);
  const owedB = Math.min(sink.owedBytes, sink.bytesPerSecond * dt);
  sink.owedRecords -= owedR;
  sink.owedBytes -= owedB;
  const addR = sink.recordsPerSecond * dt - owedR;
  const addB = sink.bytesPerSecond * dt - owedB;
  // New records, producer by producer: Poisson(λ) per shard, λ = per tick × weight; above 30 the
  // normal approximation, with √λ = √(per tick) × √weight so that no square root is taken per shard.
  for (let q = 0; q < firsts.length; q++) {
    const first = firsts[q]!;
    const fresh = first.fresh;
    const weights = first.weights;
    const sqrtWeights = first.sqrtWeights;
    // A KPL producer's aggregates are not independent arrivals: each instance sends one per shard
    // every linger time, holding the user records that came in meanwhile. So the user records are
    // drawn (Poisson) and the Kinesis records are their count ÷ u. (Drawing the aggregates as Poisson
    // arrivals gave a shard's bytes the noise of 40 arrivals a second instead of 5,000: ±16%, and
    // 152% of the write limit in seconds the bucket absorbed, with nothing throttled.)
    const u = first.u;
    const perTick = first.perTick * u;
    const sqrtPerTick = u === 1 ? first.sqrtPerTick : Math.sqrt(perTick);
    const kb = first.kb;
    if (sink.noise.length < n) sink.noise = new Float64Array(n);
    const noise = sink.noise;
    rng.fillNormals(noise, n);
    let total = 0;
    for (let s = 0; s < n; s++) {
      const lambda = perTick * weights[s]!;
      const d =
        lambda < 30
          ? rng.poisson(lambda)
          : Math.max(0, Math.round(lambda + sqrtPerTick * sqrtWeights[s]! * noise[s]!));
      const records = u === 1 ? d : d / u;
      fresh[s] = records;
      total += records;
      dR[s]! += records;
      dB[s]! += records * kb;
    }
    first.total += total;
    if (tallies) {
      // Utilisation counts first attempts: the load the producers offer, not the retry storm.
      const records = tallies.records;
      const bytes = tallies.bytes;
      for (let s = 0; s < n; s++) {
        records[s]! += fresh[s]!;
        bytes[s]! += fresh[s]! * kb;
      }
    }
  }
  // Each shard admits what its buckets hold: everything (the common case: no division), or the
  // scarcer bucket sets the admitted fraction of the whole demand, retries included.
  for (let s = 0; s < n; s++) {
    const r = dR[s]!;
    const b = dB[s]!;
    const tokensR = Math.min(capR, tR[s]! + addR);
    const tokensB = Math.min(capB, tB[s]! + addB);
    const f = r <= tokensR && b <= tokensB ? 1 : Math.min(tokensR / r, b > 0 ? tokensB / b : 1);
    fraction[s] = f;
    tR[s] = tokensR - r * f;
    tB[s] = tokensB - b * f;
  }
  settleFirstAttempts(firsts, fraction, tallies, n, k, dt);
}

/**
 * The first attempts' outcomes on a sink, given each shard's admitted `fraction`: admitted records
 * arrive (the stream's `tallies`); rejected ones are scheduled for their second attempt, or
 * dropped when the producer makes only one. Top-level, as `admitFirstAttempts`.
 */
function settleFirstAttempts(
  firsts: readonly FirstAttempts[],
  fraction: Float64Array,
  tallies: StreamTallies | undefined,
  n: number,
  k: number,
  dt: number,
): void {
  // The first attempts' outcomes: admitted records arrive; rejected ones wait for a retry.
  for (let q = 0; q < firsts.length; q++) {
    const first = firsts[q]!;
    const fresh = first.fresh;
    const u = first.u;
    const kb = first.kb;
    let attempted = 0;
    let admittedAll = 0;
    if (tallies) {
      const arrivals = tallies.arrivals;
      const arrivalBytes = tallies.arrivalBytes;
      const arrivalDataBytes = tallies.arrivalDataBytes;
      const db = first.db;
      for (let s = 0; s < n; s++) {
        const admitted = fresh[s]! * fraction[s]!;
        arrivals[s]! += admitted * u;
        arrivalBytes[s]! += admitted * kb;
        arrivalDataBytes[s]! += admitted * db;
      }
    }
    for (let s = 0; s < n; s++) {
      const count = fresh[s]!;
      if (count <= 0) continue;
      const admitted = count * fraction[s]!;
      const rejected = count - admitted;
      attempted += count;
      admittedAll += admitted;
      if (rejected <= 0) continue;
      first.rejected += rejected;
      if (first.ring === undefined) {
        first.dropped += rejected;
        continue;
      }
      // Resend after a full-jitter backoff: spread evenly over the next D ticks, as a rate that
      // starts next tick and stops D ticks later.
      const perSecondRate = rejected / first.D / dt;
      first.ring[first.start * n + s]! += perSecondRate;
      first.ring[first.stop * n + s]! -= perSecondRate;
      markRetrying(first.p, s, k + first.p.ringLength);
    }
    first.attempted += attempted;
    first.admitted += admittedAll;
  }
}

/** Each shard's load offered this second over its write limit: the larger of records and bytes. */
export function utilizationRow(records: Float64Array, bytes: Float64Array): Float32Array {
  const row = new Float32Array(records.length);
  for (let s = 0; s < row.length; s++)
    row[s] = Math.max(records[s]! / WRITE_RECORDS, bytes[s]! / WRITE_BYTES);
  return row;
}

/** Notes that shard s has retries to carry until tick `until`. */
function markRetrying(p: ProducerState, s: number, until: number): void {
  if (until > p.shardRetryUntil[s]!) p.shardRetryUntil[s] = until;
  if (p.listed[s] === 0) {
    p.listed[s] = 1;
    p.activeShards[p.activeCount++] = s;
  }
}

/** Forgets shards whose retries are all done: their rates are back to zero and their ring slots empty. */
function dropIdleShards(p: ProducerState, k: number): void {
  let kept = 0;
  for (let j = 0; j < p.activeCount; j++) {
    const s = p.activeShards[j]!;
    if (k > p.shardRetryUntil[s]!) p.listed[s] = 0;
    else p.activeShards[kept++] = s;
  }
  p.activeCount = kept;
}

/**
 * Write requests (PutRecords, or PutRecordBatch for Direct PUT) in a tick of `dt` seconds for
 * `kinesisRecords` records of `recordBytes`, within the sink's API limits (see `putRequestsPerSecond`).
 */
function requestsFor(
  producer: Producer,
  sink: Sink,
  kinesisRecords: number,
  recordBytes: number,
  dt: number,
): number {
  return (
    putRequestsPerSecond(producer.batching, producer.instances, kinesisRecords / dt, recordBytes, sink.api) *
    dt
  );
}
