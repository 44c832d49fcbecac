import { dirname, join } from 'node:path';
import { evaluateGates } from '../../gates/evaluate.js';
import { parseScenarioGates } from '../../gates/validate.js';
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
  /** Folders beyond the scenario's own that files it names may be read from (`--allow-path`). */
  allowPath?: readonly string[] | undefined;
}

/** `shardcast plan FILE [--json] [--out FILE] [--no-html]`. */
export function commandPlan(io: Io, args: PlanArgs): number {
  const { scenario } = loadScenario(io, args.file, args.allowPath);
  const plan = planScenario(scenario);
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  io.stdout(args.json ? json : renderPlan(plan));
  if (args.out) {
    const out = resolvePath(io, args.out);
    io.writeFile(out, json);
    // The gates over plan metrics are checked now; the others need a run. Both go to gates.json
    // beside the plan, so that `shardcast report` rebuilds the same page.
    const gates = parseScenarioGates(scenario.gates, args.file);
    const planGates = gates.filter((g) => Object.hasOwn(plan.metrics, g.metric));
    const verdicts = evaluateGates(planGates, plan.metrics);
    const pendingGates = gates.filter((g) => !planGates.includes(g)).map((g) => g.text);
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
  return 0;
}
