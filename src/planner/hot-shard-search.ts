/**
 * The search for the smallest shard count at which every shard fits: a cheap necessary condition
 * on the heaviest keys rules out most counts, the shards where recent counts failed rule out more,
 * and only the rest are checked shard by shard (`LoadModel.fit`).
 */
import { KINESIS } from '../aws/facts.js';
import { hashFraction } from '../aws/hash.js';
import { shardOfPosition } from '../keys/placement.js';
import type { Limits, LoadModel, Rates, SaltedKey } from './hot-shard-model.js';
import type { HotKey } from './types.js';

export const MAX_SHARDS = KINESIS.maxShardsPerStream.value;

/** Heaviest keys the search's cheap necessary condition places for every count it tries. */
const PREFILTER_KEYS = 256;
/** Failure points the search keeps and tries before walking a layout. */
const WITNESSES = 16;

/**
 * A necessary condition for `n` shards to fit, cheap enough to try every count: the heavy keys
 * that can have headroom and the salted keys' pieces, with the records spread evenly by range
 * width, already overflow no shard. Every other record only adds load, so a count this rules out cannot fit.
 */
export function heavyKeysMayFit(
  rates: readonly Rates[],
  keys: readonly (HotKey & { position: number; hashKey: bigint })[],
  salted: readonly SaltedKey[],
  h: number,
  limits: Limits,
): (n: number) => boolean {
  let spreadRecords = 0;
  let spreadBytes = 0;
  for (const r of rates) {
    spreadRecords += r.records * r.placed.spreadShare;
    spreadBytes += r.bytes * r.placed.spreadShare;
  }
  // A little slack, so that floating-point dust never rules out a count the exact check accepts.
  const limit = 1 + 1e-6;
  // The heaviest keys that can have headroom. Any subset keeps the condition necessary; a few
  // hundred rule out as many counts as all 2,000 do in practice, at a tenth of the cost (the exact
  // check, with its witnesses, rules out the rest).
  const fixable = keys
    .filter((k) => k.saltingFactor === 1)
    .sort((a, b) => b.shardUtilization - a.shardUtilization)
    .slice(0, PREFILTER_KEYS);
  // Pieces of salted keys by position in the key space (a fraction): floor(position × n) places
  // them, exactly but for keys within 2^-50 of a boundary, which a prefilter can afford.
  const pieces = salted.flatMap((k) =>
    k.pieces.map((piece) => ({
      position: hashFraction(piece.hashKey),
      records: k.recordsPerSecond / k.pieces.length,
      bytes: k.bytesPerSecond / k.pieces.length,
    })),
  );
  // The keys and pieces in typed arrays, heaviest keys first (this runs for every count the search
  // tries, up to ~10,000 of them, over up to 2,000 keys: keep it a tight loop). utilisation × h =
  // max(records × h ÷ record limit, bytes × h ÷ byte limit).
  const keyCount = fixable.length;
  const count = keyCount + pieces.length;
  const positions = new Float64Array(count);
  const keyRecords = new Float64Array(count);
  const keyBytes = new Float64Array(count);
  const hashKeys = fixable.map((k) => k.hashKey);
  fixable.forEach((k, i) => {
    positions[i] = k.position;
    keyRecords[i] = k.recordsPerSecond;
    keyBytes[i] = k.bytesPerSecond;
  });
  pieces.forEach((piece, i) => {
    positions[keyCount + i] = piece.position;
    keyRecords[keyCount + i] = piece.records;
    keyBytes[keyCount + i] = piece.bytes;
  });
  const perRecord = h / limits.records;
  const perByte = h / limits.bytes;
  // Scratch per shard, valid where its stamp is this call's (no clearing, no allocation per count).
  const records = new Float64Array(MAX_SHARDS + 1);
  const bytes = new Float64Array(MAX_SHARDS + 1);
  const stamps = new Int32Array(MAX_SHARDS + 1);
  let stamp = 0;
  return (n) => {
    stamp++;
    const baseRecords = spreadRecords / n;
    const baseBytes = spreadBytes / n;
    if (baseRecords * perRecord > limit || baseBytes * perByte > limit) return false;
    for (let i = 0; i < count; i++) {
      // Keys exactly as the exact check places them; salted pieces by floor(position × n).
      const s =
        i < keyCount
          ? shardOfPosition(positions[i]!, hashKeys[i]!, n)
          : Math.min(n - 1, Math.floor(positions[i]! * n));
      if (stamps[s] !== stamp) {
        stamps[s] = stamp;
        records[s] = baseRecords;
        bytes[s] = baseBytes;
      }
      const r = records[s]! + keyRecords[i]!;
      const b = bytes[s]! + keyBytes[i]!;
      records[s] = r;
      bytes[s] = b;
      if (r * perRecord > limit || b * perByte > limit) return false;
    }
    return true;
  };
}

/**
 * The smallest count in `from`…`to` at which every shard fits `limits` (`model.fit`), or null.
 * `mayFit` rules counts out cheaply first (`heavyKeysMayFit` for the same limits).
 */
export function searchFittingCount(
  model: LoadModel,
  mayFit: (n: number) => boolean,
  from: number,
  to: number,
  limits: Limits,
): number | null {
  // Where recent counts failed, as fractions of the key space: keys bunched there overflow the
  // shard holding that point at the next counts too, which one shard's check finds in O(log K)
  // before the layout is walked. The latest failure is tried first.
  const witnesses: number[] = [];
  for (let n = Math.max(1, from); n <= to; n++) {
    if (!mayFit(n)) continue;
    let ruledOut = false;
    for (let w = 0; w < witnesses.length && !ruledOut; w++) {
      const j = Math.min(n - 1, Math.floor(witnesses[w]! * n));
      if (!model.shardFits(n, j, limits)) {
        ruledOut = true;
        if (w > 0) witnesses.unshift(...witnesses.splice(w, 1));
      }
    }
    if (ruledOut) continue;
    const check = model.fit(n, limits);
    if (check.fits) return n;
    witnesses.unshift((check.worstShard + 0.5) / n);
    if (witnesses.length > WITNESSES) witnesses.pop();
  }
  return null;
}
