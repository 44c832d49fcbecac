import { ShardcastError } from '../../errors.js';
import { compareMetrics, parseTolerance, renderComparison } from '../../gates/compare.js';
import { parseResult, ResultFormatError } from '../../result/io.js';
import type { RunResult } from '../../result/types.js';
import { type Io, resolvePath } from '../io.js';

export interface CompareArgs {
  baseline: string;
  current: string;
  tolerance: string;
}

/** `shardcast compare BASELINE CURRENT [--tolerance 10%]`: exit 1 when a metric got worse beyond the tolerance. */
export function commandCompare(io: Io, args: CompareArgs): number {
  const tolerance = parseTolerance(args.tolerance);
  const baseline = readResult(io, args.baseline);
  const current = readResult(io, args.current);
  const rows = compareMetrics(baseline.metrics, current.metrics, { tolerance });
  io.stdout(`${renderComparison(rows, { tolerance })}\n`);
  return rows.some((r) => r.regression) ? 1 : 0;
}

function readResult(io: Io, file: string): RunResult {
  let text: string;
  try {
    text = io.readFile(resolvePath(io, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ShardcastError(
      'file',
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`,
      2,
    );
  }
  try {
    return parseResult(text, file);
  } catch (error) {
    if (error instanceof ResultFormatError)
      throw new ShardcastError(
        'invalid-result',
        error.message,
        2,
        'compare takes two result.json files written by shardcast run',
      );
    throw error;
  }
}
