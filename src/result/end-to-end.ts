/**
 * The end-to-end latency a run can report, worded once for the terminal summary and the HTML run
 * table. End to end runs from a put to a consumer's read: without consumers, or with none of their
 * reads done, there is no such figure, and a `0 s` in its place would read as "instant".
 */
import { formatSeconds } from '../scenario/units.js';
import { percentileSeconds } from './histogram.js';
import type { RunResult } from './types.js';

/** Why the run has no end-to-end latency (`no consumers`, `no records read`), or undefined when it has one. */
export function endToEndAbsence(result: RunResult): string | undefined {
  if (Object.keys(result.series.consumerLagSeconds).length === 0) return 'no consumers';
  if (result.histograms.e2eLatency.count === 0) return 'no records read';
  return undefined;
}

/**
 * The end-to-end latency at each percentile, formatted, or the one reason there is none:
 * `['120 ms', '480 ms']` for [95, 99], or `'no consumers'`.
 */
export function endToEndPercentiles(result: RunResult, percentiles: readonly number[]): string[] | string {
  const absent = endToEndAbsence(result);
  if (absent !== undefined) return absent;
  return percentiles.map((p) => formatSeconds(percentileSeconds(result.histograms.e2eLatency, p)));
}
