import { compareMetrics, parseTolerance, renderComparison } from '../../gates/compare.js';
import type { Io } from '../io.js';
import { readResult } from '../read.js';

export interface CompareArgs {
  baseline: string;
  current: string;
  tolerance: string;
}

const HINT = 'compare takes two result.json files written by shardcast run';

/** `shardcast compare BASELINE CURRENT [--tolerance 10%]`: exit 1 when a metric got worse beyond the tolerance. */
export function commandCompare(io: Io, args: CompareArgs): number {
  const tolerance = parseTolerance(args.tolerance);
  const baseline = readResult(io, args.baseline, HINT);
  const current = readResult(io, args.current, HINT);
  const rows = compareMetrics(baseline.metrics, current.metrics, { tolerance });
  io.stdout(`${renderComparison(rows, { tolerance })}\n`);
  return rows.some((r) => r.regression) ? 1 : 0;
}
