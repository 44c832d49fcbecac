import { ExitCode } from '../../errors.js';
import { compareMetrics, parseTolerance, renderComparison, toleranceText } from '../../gates/compare.js';
import { printable } from '../../printable.js';
import { plural } from '../../scenario/units.js';
import type { Io } from '../io.js';
import { readResult } from '../read.js';
import { comparabilityWarnings, comparedRun, comparisonSummary, filterRows } from '../summary.js';

export interface CompareArgs {
  baseline: string;
  current: string;
  tolerance: string;
  /** Print the comparison as JSON (`ComparisonSummary`). */
  json?: boolean;
  /** Print only the rows that changed, or only the regressions (yargs lets only these through). */
  only?: 'changed' | 'regressed' | undefined;
}

const HINT = 'compare takes two result.json files written by shardcast run';

/**
 * `shardcast compare BASELINE CURRENT [--tolerance 10%] [--json] [--only changed|regressed]`: exit
 * 1 when a metric got worse beyond the tolerance (whatever `--only` shows). A warning on stderr
 * when the two results are not like for like: other scenarios, targets or durations.
 */
export function commandCompare(io: Io, args: CompareArgs): number {
  const tolerance = parseTolerance(args.tolerance);
  const baseline = readResult(io, args.baseline, HINT);
  const current = readResult(io, args.current, HINT);
  const rows = compareMetrics(baseline.metrics, current.metrics, { tolerance });
  const only = args.only ?? 'all';
  const shown = filterRows(rows, only);
  const baselineRun = comparedRun(baseline, args.baseline);
  const currentRun = comparedRun(current, args.current);
  const warnings = comparabilityWarnings(baselineRun, currentRun);
  // A warning names the runs' scenarios, from the files: printed escaped (printable.ts).
  for (const warning of warnings) io.stderr(`warning: ${printable(warning, 1000)}\n`);
  if (args.json) {
    const summary = comparisonSummary(rows, shown, {
      tolerance,
      baseline: baselineRun,
      current: currentRun,
      warnings,
      only,
    });
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    // With --only, one line counts what is shown out of all, and the regressions once: "9
    // regressions beyond 10%" followed by "9 of 52 metrics regressed" said the same thing twice.
    const regressions = rows.filter((r) => r.regression).length;
    const beyond = toleranceText(tolerance);
    const footer =
      only === 'regressed'
        ? `${shown.length} of ${plural(rows.length, 'metric')} regressed${beyond} (--only regressed)`
        : only === 'changed'
          ? `${shown.length} of ${plural(rows.length, 'metric')} changed, ${regressions} of them regressed${beyond} (--only changed)`
          : undefined;
    io.stdout(`${renderComparison(shown, { tolerance, ...(footer === undefined ? {} : { footer }) })}\n`);
  }
  return rows.some((r) => r.regression) ? ExitCode.gateFailed : ExitCode.ok;
}
