/** The `aws` module: Kinesis and Firehose limits, prices and behaviours as data and pure functions. */
export * from './aggregation.js';
export * from './checks.js';
export * from './defaults.js';
export * from './facts.js';
export * from './hash.js';
export * from './pricing.js';
