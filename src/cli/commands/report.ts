import { dirname, join } from 'node:path';
import { ShardcastError } from '../../errors.js';
import { compareMetrics, parseTolerance } from '../../gates/compare.js';
import type { Plan } from '../../planner/types.js';
import { reportCharts } from '../../report/charts.js';
import { renderReport } from '../../report/html.js';
import { IMAGE_WIDTH, renderChartImages } from '../../report/images.js';
import type { RunResult } from '../../result/types.js';
import { displayPath, type Io, resolvePath } from '../io.js';
import { canRead, type GatesFile, readGates, readPlan, readResult, readResultOrPlan } from '../read.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface ReportArgs {
  file: string;
  baseline?: string | undefined;
  out?: string | undefined;
  format?: string | undefined;
  tolerance: string;
}

/**
 * `shardcast report RESULT.json [--baseline OLD.json] [--out FILE] [--format svg|png]`: the HTML
 * report of a run (with the plan.json and gates.json beside its result.json) or of a plan alone.
 */
export async function commandReport(io: Io, args: ReportArgs): Promise<number> {
  if (args.format !== undefined && args.format !== 'svg' && args.format !== 'png') {
    throw new ShardcastError(
      'usage',
      `--format ${args.format} is not an image format`,
      2,
      'use --format svg or --format png',
    );
  }
  const tolerance = parseTolerance(args.tolerance);
  const source = readResultOrPlan(io, args.file);
  const dir = dirname(args.file);
  let plan: Plan | undefined;
  let result: RunResult | undefined;
  if (source.kind === 'result') {
    result = source.result;
    const planFile = join(dir, 'plan.json');
    if (canRead(io, planFile)) plan = readPlan(io, planFile);
  } else plan = source.plan;
  // A run's gate verdicts are in gates.json beside its result.json.
  const gatesFile = join(dir, 'gates.json');
  const gates: GatesFile | undefined =
    source.kind === 'result' && canRead(io, gatesFile) ? readGates(io, gatesFile) : undefined;
  let baseline: RunResult | undefined;
  let comparison: { rows: ReturnType<typeof compareMetrics>; tolerance: number } | undefined;
  if (args.baseline !== undefined) {
    if (!result) {
      throw new ShardcastError('usage', '--baseline compares runs: give a result.json, not a plan', 2);
    }
    baseline = readResult(io, args.baseline, '--baseline takes a result.json written by shardcast run');
    comparison = { rows: compareMetrics(baseline.metrics, result.metrics, { tolerance }), tolerance };
  }
  const out = resolvePath(io, args.out ?? join(dir, 'index.html'));
  io.writeFile(
    out,
    renderReport({
      plan,
      result,
      baseline,
      verdicts: gates?.verdicts,
      pendingGates: gates?.pending,
      comparison,
      generatedAt: io.now().toISOString(),
      shardcastVersion: SHARDCAST_VERSION,
    }),
  );
  const written = [out];
  if (args.format === 'svg' || args.format === 'png') {
    const charts = reportCharts({ plan, result, baseline }, { width: IMAGE_WIDTH });
    for (const image of await renderChartImages(charts, args.format)) {
      const file = join(dirname(out), image.file);
      io.writeFile(file, image.data);
      written.push(file);
    }
  }
  io.stdout(`Wrote ${written.map((f) => displayPath(io.cwd, f)).join(', ')}\n`);
  return 0;
}
