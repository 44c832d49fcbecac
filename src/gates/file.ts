/**
 * gates.json, written by `run` beside result.json and by `plan --out` beside the plan: each gate's
 * verdict, and (for a plan) the gates that need a run. Here, below the CLI, so the run pipeline's
 * `writeArtifacts` writes it without importing the CLI; reading it back stays in `cli/read.ts`.
 */
import type { GateVerdict } from './evaluate.js';

export interface GatesFile {
  version: 1;
  verdicts: GateVerdict[];
  pending: string[];
}

export const GATES_FILE = 'gates.json';

export function serializeGates(verdicts: readonly GateVerdict[], pending: readonly string[] = []): string {
  const file: GatesFile = { version: 1, verdicts: [...verdicts], pending: [...pending] };
  return `${JSON.stringify(file, null, 2)}\n`;
}
