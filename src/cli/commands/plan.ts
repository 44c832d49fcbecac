import { loadScenarioFile } from '../../load.js';
import { planScenario } from '../../planner/index.js';
import { type Io, resolvePath } from '../io.js';
import { formatWarnings } from '../main.js';
import { renderPlan } from '../render-plan.js';

export interface PlanArgs {
  file: string;
  json: boolean;
  out?: string | undefined;
}

/** `shardcast plan FILE [--json] [--out FILE]`. */
export function commandPlan(io: Io, args: PlanArgs): number {
  const loaded = loadScenarioFile(args.file, { readFile: (p) => io.readFile(resolvePath(io, p)) }, io.cwd);
  io.stderr(formatWarnings(loaded.warnings));
  const plan = planScenario(loaded.scenario);
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (args.out) io.writeFile(resolvePath(io, args.out), json);
  io.stdout(args.json ? json : renderPlan(plan));
  return 0;
}
