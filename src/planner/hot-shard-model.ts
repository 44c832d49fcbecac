/**
 * Each shard's load at a shard count, as the hot-key search sees it: the keys hashed one by one
 * placed exactly, the tail of a huge key space as a normal model, and the keys the plan advises
 * salting moved onto their pieces. It answers "does every shard fit these limits at n?" and "how
 * hot is the hottest shard at n?".
 */
import { KINESIS } from '../aws/facts.js';
import { logNormalCdf } from '../keys/estimate.js';
import { shardOfPosition, shardShareWalker, shareOfShard } from '../keys/placement.js';
import { type ProducerLoad, shardLoadsOf } from './shard-loads.js';

export const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
export const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;

/**
 * An estimated hottest shard is the median of the hottest shard's utilisation under the normal
 * model; the error the plan states is the distance to its 5% and 95% quantiles.
 */
const ESTIMATE_QUANTILE = 0.5;
const ERROR_QUANTILES = [0.05, 0.95] as const;

/** Standard deviations above which a shard's chance of exceeding a level is below 1e−17. */
const REACH = 8.5;

/** A stream producer's rates at the planning instant with its placed keys. */
export type Rates = ProducerLoad;

/** Records and bytes per second a shard may carry: its limits, write or read. */
export interface Limits {
  records: number;
  bytes: number;
}

export const WRITE_LIMITS: Limits = { records: WRITE_RECORDS, bytes: WRITE_BYTES };

/** A shard's load over its limits: max(records ÷ record limit, bytes ÷ byte limit). */
export const utilizationOf = (records: number, bytes: number, limits: Limits) =>
  Math.max(records / limits.records, bytes / limits.bytes);
/** The same against the write limits (1,000 records/s, 1 MiB/s). */
export const utilization = (records: number, bytes: number) => utilizationOf(records, bytes, WRITE_LIMITS);

/**
 * Moves each salted key's load off its shard and onto its pieces' shards at n shards, in place:
 * the change following the plan's advice makes (each piece takes 1/pieces of the key).
 */
export function applySalting(
  salted: readonly SaltedKey[],
  n: number,
  records: Float64Array,
  bytes: Float64Array,
): void {
  for (const k of salted) {
    const s = shardOfPosition(k.position, k.hashKey, n);
    records[s]! -= k.recordsPerSecond;
    bytes[s]! -= k.bytesPerSecond;
    for (const piece of k.pieces) {
      const p = shardOfPosition(piece.position, piece.hashKey, n);
      records[p]! += k.recordsPerSecond / k.pieces.length;
      bytes[p]! += k.bytesPerSecond / k.pieces.length;
    }
  }
}

export interface ShardLoad {
  shardCount: number;
  shard: number;
  records: number;
  bytes: number;
  utilization: number;
  average: number;
  /** The hottest shard's utilisation with the keys no count can fix salted as advised. */
  fitUtilization: number;
  /** The shard with that utilisation. */
  fitShard: number;
  /** For an estimate: how far the 5% and 95% quantiles of `utilization` lie from it, relatively. */
  relativeError: number;
}

/** A key too hot for one shard, with the hash keys of the pieces the plan advises salting it into. */
export interface SaltedKey {
  position: number;
  hashKey: bigint;
  recordsPerSecond: number;
  bytesPerSecond: number;
  pieces: { hashKey: bigint; position: number }[];
}

/**
 * Each shard's load at n even shards. Keys hashed one by one are placed exactly; keys beyond the
 * exact limit (the tail of a huge distribution) are spread: shard j's tail share is a sum of
 * independent terms, key i landing there with probability 1/n, so it has mean tail/n and variance
 * Σ w_i² · (1/n)(1 − 1/n), the same for every shard. With thousands of tail keys a shard that sum
 * is close to normal; shards are taken as independent (they are slightly negatively correlated,
 * summing to 1, so the model errs a little high). Then P(every shard ≤ x) = Π_j Φ((x − μ_j)/σ),
 * and the hottest shard is reported at the median of that distribution, with its 5%–95% range.
 */
export class LoadModel {
  private readonly sdRecordsPerShard: (n: number) => number;
  private readonly sdBytesPerShard: (n: number) => number;
  readonly estimating: boolean;

  constructor(
    private readonly rates: readonly Rates[],
    private readonly salted: readonly SaltedKey[],
    private readonly h: number,
  ) {
    let varRecords = 0;
    let varBytes = 0;
    for (const r of rates) {
      varRecords += r.records * r.records * r.placed.spreadSumSquaredShares;
      varBytes += r.bytes * r.bytes * r.placed.spreadSumSquaredShares;
    }
    this.estimating = varRecords > 0 || varBytes > 0;
    this.sdRecordsPerShard = (n) => Math.sqrt(varRecords * (1 / n) * (1 - 1 / n));
    this.sdBytesPerShard = (n) => Math.sqrt(varBytes * (1 / n) * (1 - 1 / n));
  }

  /** Mean records and bytes of every shard, unsalted and with the salted keys' pieces. */
  private means(n: number) {
    const { records, bytes } = shardLoadsOf(this.rates, n, 0);
    const saltedRecords = Float64Array.from(records);
    const saltedBytes = Float64Array.from(bytes);
    // The change salting makes: each salted key leaves its shard, its pieces land on theirs.
    applySalting(this.salted, n, saltedRecords, saltedBytes);
    return { records, bytes, saltedRecords, saltedBytes };
  }

  /** What salting changes at n: shard → [records, bytes] added (negative where a salted key leaves). */
  private saltDeltas(n: number): Map<number, [number, number]> {
    const deltas = new Map<number, [number, number]>();
    const add = (s: number, records: number, bytes: number) => {
      const d = deltas.get(s);
      if (d === undefined) deltas.set(s, [records, bytes]);
      else {
        d[0] += records;
        d[1] += bytes;
      }
    };
    for (const k of this.salted) {
      add(shardOfPosition(k.position, k.hashKey, n), -k.recordsPerSecond, -k.bytesPerSecond);
      for (const piece of k.pieces) {
        add(
          shardOfPosition(piece.position, piece.hashKey, n),
          k.recordsPerSecond / k.pieces.length,
          k.bytesPerSecond / k.pieces.length,
        );
      }
    }
    return deltas;
  }

  /** Salted shard j alone: does its mean load fit `limits` with headroom? O(producers × log K). */
  shardFits(n: number, j: number, limits: Limits): boolean {
    let records = 0;
    let bytes = 0;
    for (const r of this.rates) {
      const share = shareOfShard(r.placed, j, n);
      records += r.records * share;
      bytes += r.bytes * share;
    }
    for (const k of this.salted) {
      if (shardOfPosition(k.position, k.hashKey, n) === j) {
        records -= k.recordsPerSecond;
        bytes -= k.bytesPerSecond;
      }
      for (const piece of k.pieces) {
        if (shardOfPosition(piece.position, piece.hashKey, n) === j) {
          records += k.recordsPerSecond / k.pieces.length;
          bytes += k.bytesPerSecond / k.pieces.length;
        }
      }
    }
    return utilizationOf(records, bytes, limits) * this.h <= 1 + 1e-9;
  }

  /**
   * Whether every shard, salted as advised, fits `limits` with headroom (for an estimate: whether
   * the median hottest shard does), and the worst shard.
   */
  fit(n: number, limits: Limits): { fits: boolean; worstShard: number } {
    // Shard by shard, stopping at the first over the limit: counts that fail (nearly all the
    // search sees) rarely need the whole layout.
    const walkers = this.rates.map((r) => ({ rate: r, next: shardShareWalker(r.placed, n) }));
    const deltas = this.saltDeltas(n);
    const level = (1 + 1e-9) / this.h;
    for (let s = 0; s < n; s++) {
      let records = 0;
      let bytes = 0;
      for (const w of walkers) {
        const share = w.next();
        records += w.rate.records * share;
        bytes += w.rate.bytes * share;
      }
      const d = deltas.get(s);
      if (d !== undefined) {
        records += d[0];
        bytes += d[1];
      }
      if (utilizationOf(records, bytes, limits) > level) return { fits: false, worstShard: s };
    }
    if (!this.estimating) return { fits: true, worstShard: 0 };
    const { saltedRecords, saltedBytes } = this.means(n);
    let worstShard = 0;
    let worst = -1;
    for (let s = 0; s < n; s++) {
      const u = utilizationOf(saltedRecords[s]!, saltedBytes[s]!, limits);
      if (u > worst) {
        worst = u;
        worstShard = s;
      }
    }
    if (worst > level) return { fits: false, worstShard };
    const logP = this.logProbabilityAllUnder(saltedRecords, saltedBytes, limits, level, n);
    return { fits: logP >= Math.log(ESTIMATE_QUANTILE), worstShard };
  }

  /**
   * ln P(every shard's utilisation ≤ x) under the normal model. A shard is under x when both its
   * records and its bytes are; for one producer the two move together (bytes = records × record
   * bytes), so the chance is that of the tighter one, Φ(min(z_records, z_bytes)).
   */
  private logProbabilityAllUnder(
    records: Float64Array,
    bytes: Float64Array,
    limits: Limits,
    x: number,
    n: number,
  ): number {
    const sdR = this.sdRecordsPerShard(n);
    const sdB = this.sdBytesPerShard(n);
    let sum = 0;
    for (let s = 0; s < n; s++) {
      const zR =
        sdR > 0
          ? (x * limits.records - records[s]!) / sdR
          : records[s]! <= x * limits.records
            ? Infinity
            : -Infinity;
      const zB =
        sdB > 0 ? (x * limits.bytes - bytes[s]!) / sdB : bytes[s]! <= x * limits.bytes ? Infinity : -Infinity;
      const z = Math.min(zR, zB);
      if (z === Number.NEGATIVE_INFINITY) return z;
      if (z < REACH) sum += logNormalCdf(z);
    }
    return sum;
  }

  /** The quantile q of the hottest shard's utilisation (bisection: P(max ≤ x) grows with x). */
  private quantileOfMax(
    records: Float64Array,
    bytes: Float64Array,
    n: number,
    q: number,
    meanMax: number,
  ): number {
    const reach =
      REACH * Math.max(this.sdRecordsPerShard(n) / WRITE_RECORDS, this.sdBytesPerShard(n) / WRITE_BYTES);
    let lo = meanMax - reach;
    let hi = meanMax + reach + 1e-12;
    const target = Math.log(q);
    for (let i = 0; i < 60 && hi - lo > 1e-12 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (this.logProbabilityAllUnder(records, bytes, WRITE_LIMITS, mid, n) < target) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** The hottest shard at n, as the plan reports it. */
  load(n: number): ShardLoad {
    const { records, bytes, saltedRecords, saltedBytes } = this.means(n);
    let shard = 0;
    let max = -1;
    let fit = -1;
    let fitShard = 0;
    let totalRecords = 0;
    let totalBytes = 0;
    for (let s = 0; s < n; s++) {
      const u = utilization(records[s]!, bytes[s]!);
      if (u > max) {
        max = u;
        shard = s;
      }
      const f = utilization(saltedRecords[s]!, saltedBytes[s]!);
      if (f > fit) {
        fit = f;
        fitShard = s;
      }
      totalRecords += records[s]!;
      totalBytes += bytes[s]!;
    }
    let hot = Math.max(0, max);
    let hotSalted = Math.max(0, fit);
    let relativeError = 0;
    // The shard with the heaviest mean stands for whichever turns out hottest; its records and
    // bytes are scaled to the estimated utilisation.
    let scale = 1;
    if (this.estimating) {
      const median = this.quantileOfMax(records, bytes, n, ESTIMATE_QUANTILE, hot);
      const [low, high] = ERROR_QUANTILES.map((q) => this.quantileOfMax(records, bytes, n, q, hot)) as [
        number,
        number,
      ];
      relativeError = median > 0 ? Math.max(high - median, median - low) / median : 0;
      scale = hot > 0 ? median / hot : 1;
      hot = median;
      hotSalted = this.quantileOfMax(saltedRecords, saltedBytes, n, ESTIMATE_QUANTILE, hotSalted);
    }
    return {
      shardCount: n,
      shard,
      records: records[shard]! * scale,
      bytes: bytes[shard]! * scale,
      utilization: hot,
      average: utilization(totalRecords / n, totalBytes / n),
      fitUtilization: hotSalted,
      fitShard,
      relativeError,
    };
  }
}
