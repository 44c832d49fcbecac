/**
 * Workload generators (docs/architecture.md, "Modules"): what a producer sends, record by record —
 * a seeded random source with independent forks, key and record-size samplers, open-loop arrival
 * times and the retry backoff. The engine draws the same quantities in aggregate from here (its
 * generator, its backoff); real targets draw each record from here.
 */
export { AliasTable } from './alias.js';
export {
  type ArrivalOptions,
  ArrivalSchedule,
  arrivals,
  scheduledRecords,
  type WorkerShare,
} from './arrivals.js';
export {
  backoffCapSeconds,
  meanBackoffSeconds,
  nextDelay,
  type RetryPolicy,
  retriesAfter,
} from './backoff.js';
export {
  type IndexedKeySampler,
  indexedKeySampler,
  type KeySampler,
  keySampler,
  type SampledKey,
  ZIPF_TABLE_KEYS,
  ZipfRejectionInversion,
} from './keys.js';
export {
  type ProducerRecord,
  ProducerWorkload,
  type ProducerWorkloadOptions,
} from './producer.js';
export { forkSeed, Rng } from './random.js';
export { type RecordSizeSampler, recordSizeSampler } from './sizes.js';
