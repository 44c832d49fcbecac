import { dirname, join } from 'node:path';
import { evaluateGates } from '../../gates/evaluate.js';
import { parseScenarioGates } from '../../gates/validate.js';
import { knownMetrics, loadScenarioFile } from '../../load.js';
import { planScenario } from '../../planner/index.js';
import { renderReport } from '../../report/html.js';
import { displayPath, type Io, resolvePath } from '../io.js';
import { formatWarnings } from '../main.js';
import { renderPlan } from '../render-plan.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface PlanArgs {
  file: string;
  json: boolean;
  out?: string | undefined;
  /** With --out, write index.html (the plan's report) beside the JSON. */
  html: boolean;
}

/** `shardcast plan FILE [--json] [--out FILE] [--no-html]`. */
export function commandPlan(io: Io, args: PlanArgs): number {
  const loaded = loadScenarioFile(args.file, { readFile: (p) => io.readFile(resolvePath(io, p)) }, io.cwd);
  io.stderr(formatWarnings(loaded.warnings));
  const scenario = loaded.scenario;
  const plan = planScenario(scenario);
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  io.stdout(args.json ? json : renderPlan(plan));
  if (args.out) {
    const out = resolvePath(io, args.out);
    io.writeFile(out, json);
    if (args.html) {
      // The gates over plan metrics are checked now; the others need a run.
      const gates = parseScenarioGates(scenario.gates, args.file, knownMetrics(scenario));
      const planGates = gates.filter((g) => Object.hasOwn(plan.metrics, g.metric));
      const report = join(dirname(out), 'index.html');
      io.writeFile(
        report,
        renderReport({
          plan,
          verdicts: evaluateGates(planGates, plan.metrics),
          pendingGates: gates.filter((g) => !planGates.includes(g)).map((g) => g.text),
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
