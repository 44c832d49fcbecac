import { dirname, join } from 'node:path';
import { evaluatePlanGates, renderPlanGates } from '../../gates/plan-gates.js';
import { parseCliGates, parseScenarioGates } from '../../gates/validate.js';
import { knownMetrics } from '../../load.js';
import { planScenario } from '../../planner/index.js';
import { renderReport } from '../../report/html.js';
import { displayPath, type Io, resolvePath } from '../io.js';
import { GATES_FILE, loadScenario, serializeGates } from '../read.js';
import { renderPlan } from '../render-plan.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface PlanArgs {
  file: string;
  json: boolean;
  out?: string | undefined;
  /** With --out, write index.html (the plan's report) beside the JSON. */
  html: boolean;
  /** `--gate EXPR` arguments, checked beside the scenario's gates. */
  gate: readonly string[];
}

/**
 * `shardcast plan FILE [--json] [--out FILE] [--no-html] [--gate EXPR]…`: exit 1 when a gate the
 * plan can check fails (gates over run metrics are listed as pending).
 */
export function commandPlan(io: Io, args: PlanArgs): number {
  const { scenario } = loadScenario(io, args.file);
  // The scenario's gates were checked when it loaded; --gate ones are now, against the same names.
  const gates = [
    ...parseScenarioGates(scenario.gates, args.file),
    ...parseCliGates(args.gate, knownMetrics(scenario)),
  ];
  const plan = planScenario(scenario);
  const planGates = evaluatePlanGates(gates, plan.metrics);
  const { verdicts, pending: pendingGates } = planGates;
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  // --json prints the Plan with the gates beside its fields (`gates`), so `.shards.recommended`
  // reads as before; the file --out writes stays the Plan alone.
  io.stdout(
    args.json
      ? `${JSON.stringify({ ...plan, gates: planGates }, null, 2)}\n`
      : `${renderPlan(plan)}${renderPlanGates(planGates)}`,
  );
  if (args.out) {
    const out = resolvePath(io, args.out);
    io.writeFile(out, json);
    // Both the verdicts and the pending gates go to gates.json beside the plan, so that
    // `shardcast report` rebuilds the same page.
    io.writeFile(join(dirname(out), GATES_FILE), serializeGates(verdicts, pendingGates));
    if (args.html) {
      const report = join(dirname(out), 'index.html');
      io.writeFile(
        report,
        renderReport({
          plan,
          verdicts,
          pendingGates,
          generatedAt: io.now().toISOString(),
          shardcastVersion: SHARDCAST_VERSION,
        }),
      );
      if (!args.json)
        io.stderr(`Wrote ${displayPath(io.cwd, out)} and its report, ${displayPath(io.cwd, report)}\n`);
    }
  }
  return planGates.passed ? 0 : 1;
}
