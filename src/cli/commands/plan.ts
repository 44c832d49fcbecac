import { join } from 'node:path';
import { evaluateGates } from '../../gates/evaluate.js';
import { parseScenarioGates } from '../../gates/validate.js';
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
}

/** `shardcast plan FILE [--json] [--out DIR] [--no-html] [--set PATH=VALUE]…`: DIR gets plan.json, gates.json and index.html. */
export function commandPlan(io: Io, args: PlanArgs): number {
  const { scenario, overrides } = loadScenario(io, args.file, args.set);
  // An unusable --out is found before anything is printed or written.
  const dir = args.out === undefined ? undefined : outputDirectory(io, args.out);
  const plan = planScenario(scenario);
  if (overrides.length > 0) plan.scenario.overrides = overrides;
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  io.stdout(args.json ? json : renderPlan(plan));
  if (dir !== undefined) {
    const out = join(dir, 'plan.json');
    writeArtefact(io, out, json);
    // The gates over plan metrics are checked now; the others need a run. Both go to gates.json
    // beside the plan, so that `shardcast report` rebuilds the same page.
    const gates = parseScenarioGates(scenario.gates, args.file);
    const planGates = gates.filter((g) => Object.hasOwn(plan.metrics, g.metric));
    const verdicts = evaluateGates(planGates, plan.metrics);
    const pendingGates = gates.filter((g) => !planGates.includes(g)).map((g) => g.text);
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
  return 0;
}
