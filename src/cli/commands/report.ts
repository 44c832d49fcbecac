import { dirname, join } from 'node:path';
import { ExitCode, ShardcastError } from '../../errors.js';
import { compareMetrics, parseTolerance } from '../../gates/compare.js';
import { PLAN_VERSION, type Plan } from '../../planner/types.js';
import { chartLibraries } from '../../report/assets.js';
import { reportCharts } from '../../report/charts.js';
import { renderReport } from '../../report/html.js';
import type { RunResult } from '../../result/types.js';
import { displayPath, type Io, resolvePath } from '../io.js';
import { outputDirectory, writeArtefact } from '../out.js';
import {
  GATES_FILE,
  parseGates,
  parsePlan,
  readResult,
  readResultOrPlan,
  readTextIfExists,
} from '../read.js';
import { comparabilityWarnings, comparedRun } from '../summary.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface ReportArgs {
  file: string;
  baseline?: string | undefined;
  out?: string | undefined;
  /** yargs lets only these through. */
  format?: 'svg' | 'png' | undefined;
  tolerance: string;
}

/**
 * `shardcast report RESULT.json [--baseline OLD.json] [--out DIR] [--format svg|png]`: the HTML
 * report of a run or of a plan, with the plan.json (for a run) and gates.json found beside it,
 * written as index.html (and the chart images) into DIR, by default the folder of RESULT.json.
 */
export async function commandReport(io: Io, args: ReportArgs): Promise<number> {
  const tolerance = parseTolerance(args.tolerance);
  const source = readResultOrPlan(io, args.file);
  const dir = dirname(args.file);
  // An unusable --out is found before the report is built.
  const outDir = args.out === undefined ? resolvePath(io, dir) : outputDirectory(io, args.out);
  let plan: Plan | undefined;
  let result: RunResult | undefined;
  if (source.kind === 'result') {
    result = source.result;
    const planFile = join(dir, 'plan.json');
    const planText = readTextIfExists(io, planFile);
    // A run written by another shardcast keeps its report: the plan beside it is left out, saying
    // so, rather than the whole report refused (a plan given as the input is still refused).
    const version = planText === undefined ? undefined : planVersionOf(planText);
    if (version !== undefined && version !== PLAN_VERSION) {
      io.stderr(
        `warning: ${displayPath(io.cwd, planFile)} is plan format ${JSON.stringify(version)} (this shardcast reads ${PLAN_VERSION}): the report leaves the plan out; write it again with \`shardcast plan SCENARIO --out ${displayPath(io.cwd, dir)}\`\n`,
      );
    } else if (planText !== undefined) plan = parsePlan(planText, planFile);
  } else plan = source.plan;
  const gatesFile = join(dir, GATES_FILE);
  const gatesText = readTextIfExists(io, gatesFile);
  const gates = gatesText === undefined ? undefined : parseGates(gatesText, gatesFile);
  let baseline: RunResult | undefined;
  let comparison:
    | { rows: ReturnType<typeof compareMetrics>; tolerance: number; warnings: string[] }
    | undefined;
  if (args.baseline !== undefined) {
    if (!result) {
      throw new ShardcastError(
        'usage',
        '--baseline compares runs: give a result.json, not a plan',
        ExitCode.invalidInput,
      );
    }
    baseline = readResult(io, args.baseline, '--baseline takes a result.json written by shardcast run');
    // The same warning as `compare`: a comparison of unlike runs is drawn, but said to be one.
    const warnings = comparabilityWarnings(
      comparedRun(baseline, args.baseline),
      comparedRun(result, args.file),
    );
    for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
    comparison = {
      rows: compareMetrics(baseline.metrics, result.metrics, { tolerance }),
      tolerance,
      warnings,
    };
  }
  const out = join(outDir, 'index.html');
  const input = {
    plan,
    result,
    baseline,
    verdicts: gates?.verdicts,
    pendingGates: gates?.pending,
    comparison,
    generatedAt: io.now().toISOString(),
    shardcastVersion: SHARDCAST_VERSION,
  };
  const charts = reportCharts(input);
  writeArtefact(io, out, renderReport(input, chartLibraries(), charts));
  const written = [out];
  if (args.format) {
    // Loaded only for images: vega, vega-lite and resvg took 0.4 s of CPU to load, on every command.
    const { renderChartImages } = await import('../../report/images.js');
    for (const image of await renderChartImages(charts, args.format)) {
      const file = join(outDir, image.file);
      writeArtefact(io, file, image.data);
      written.push(file);
    }
  }
  io.stdout(`Wrote ${written.map((f) => displayPath(io.cwd, f)).join(', ')}\n`);
  return ExitCode.ok;
}

/** The `version` field of a plan file, if it is JSON with one (parsePlan reports everything else). */
function planVersionOf(text: string): unknown {
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && 'version' in data ? data.version : undefined;
  } catch {
    return undefined;
  }
}
