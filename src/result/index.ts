/** The RunResult module: its types and schema, latency histograms, per-second series, metrics, I/O. */

export {
  decodeHistogram,
  emptyHistogram,
  HISTOGRAM_HIGHEST_US,
  HISTOGRAM_LOWEST_US,
  HISTOGRAM_SIGNIFICANT_DIGITS,
  LatencyRecorder,
  maxSeconds,
  meanSeconds,
  mergeHistograms,
  minSeconds,
  percentileSeconds,
  percentilesSeconds,
} from './histogram.js';
export {
  formatResultPath,
  parseResult,
  ResultFormatError,
  type ResultProblem,
  serializeResult,
} from './io.js';
export type { SecondSample } from './live.js';
export { mergeResults, ResultMergeError } from './merge.js';
export { runMetrics } from './metrics.js';
export { type FirehoseTotals, type RecorderShape, RunRecorder, type WriteCounts } from './recorder.js';
export { encodedHistogramSchema, runResultSchema } from './schema.js';
export { type DownsampleMode, downsample, SeriesBuilder } from './series.js';
export { buildShardSeries, SHARD_ROW_BUDGET, ShardRows } from './shard-rows.js';
export * from './types.js';
