import { join } from 'node:path';
import { ExitCode } from '../../errors.js';
import { evaluatePlanGates, renderPlanGates } from '../../gates/plan-gates.js';
import { parseCliGates, parseScenarioGates } from '../../gates/validate.js';
import { absentMetrics, knownMetrics } from '../../load.js';
import { planScenario } from '../../planner/index.js';
import { renderReport } from '../../report/html.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, writeArtefact } from '../out.js';
import { GATES_FILE, loadScenario, serializeGates } from '../read.js';
import { renderPlan } from '../render-plan.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface PlanArgs {
  file: string;
  json: boolean;
  out?: string | undefined;
  /** With --out, also write index.html (the plan's report) into the directory. */
  html: boolean;
  /** `--set PATH=VALUE` overrides. */
  set: readonly string[];
  /** `--gate EXPR` arguments, checked beside the scenario's gates. */
  gate: readonly string[];
  /** Folders beyond the scenario's own that files it names may be read from (`--allow-path`). */
  allowPath?: readonly string[] | undefined;
}

/**
 * `shardcast plan FILE [--json] [--out DIR] [--no-html] [--gate EXPR]… [--set PATH=VALUE]…`: DIR
 * gets plan.json, gates.json and index.html; exit 1 when a gate the plan can check fails (gates over
 * run metrics are listed as pending).
 */
export function commandPlan(io: Io, args: PlanArgs): number {
  const { scenario, overrides } = loadScenario(io, args.file, args.set, args.allowPath);
  // The scenario's gates were checked when it loaded; --gate ones are now, against the same names.
  const gates = [
    ...parseScenarioGates(scenario.gates, args.file),
    ...parseCliGates(args.gate, knownMetrics(scenario), absentMetrics(scenario)),
  ];
  // An unusable --out is found before anything is printed or written.
  const dir = args.out === undefined ? undefined : outputDirectory(io, args.out);
  const plan = planScenario(scenario);
  if (overrides.length > 0) plan.scenario.overrides = overrides;
  const planGates = evaluatePlanGates(gates, plan.metrics);
  const { verdicts, pending: pendingGates } = planGates;
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  // --json prints the Plan with the gates beside its fields (`gates`), so `.shards.recommended`
  // reads as before; the plan.json --out writes stays the Plan alone.
  io.stdout(
    args.json
      ? `${JSON.stringify({ ...plan, gates: planGates }, null, 2)}\n`
      : `${renderPlan(plan)}${renderPlanGates(planGates)}`,
  );
  if (dir !== undefined) {
    const out = join(dir, 'plan.json');
    writeArtefact(io, out, json);
    // Both the verdicts and the pending gates go to gates.json beside the plan, so that
    // `shardcast report` rebuilds the same page.
    writeArtefact(io, join(dir, GATES_FILE), serializeGates(verdicts, pendingGates));
    if (args.html) {
      const report = join(dir, 'index.html');
      writeArtefact(
        io,
        report,
        renderReport({
          plan,
          verdicts,
          pendingGates,
          generatedAt: io.now().toISOString(),
          shardcastVersion: SHARDCAST_VERSION,
        }),
      );
    }
    if (!args.json) {
      const where = displayPath(io.cwd, dir);
      io.stderr(`Wrote ${where}/plan.json, gates.json${args.html ? ' and index.html (the report)' : ''}\n`);
    }
  }
  return planGates.passed ? ExitCode.ok : ExitCode.gateFailed;
}
