/**
 * Key distributions and their per-shard load (docs/architecture.md, "Modules"): the planner asks how a
 * producer's records spread over a layout of shards, the engine asks once per hash-range layout.
 */
export {
  distinctKeyCount,
  type EnumerableKeyDistribution,
  type GeneratedKeyDistribution,
  keyShares,
  maxKeyBytes,
  meanKeyBytes,
  sumPowers,
} from './distribution.js';
export { estimateHottestShard, type HottestShardEstimate } from './estimate.js';
export { hashRangeWidths, type ShardLayout } from './layout.js';
export { type HotKey, type KeyLoad, type KeyLoadOptions, keyLoad, type TailEstimate } from './load.js';
export { Md5 } from './md5.js';
export { keyName } from './template.js';
