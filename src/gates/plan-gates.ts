/**
 * The gates a plan can check: those whose metric the plan measures (`shards.recommended`,
 * `cost.monthly.provisioned`, …) are evaluated against the plan's metrics; the others
 * (`throttledRatio`, `putLatency.p99`, …) need a run and are listed as pending, never passed.
 */
import { allGatesPassed, evaluateGates, type GateVerdict } from './evaluate.js';
import type { Gate } from './expression.js';

export interface PlanGates {
  verdicts: GateVerdict[];
  /** The gates, as written, whose metrics only a run measures. */
  pending: string[];
  /** True when every gate the plan can check passed (pending gates do not count either way). */
  passed: boolean;
}

export function evaluatePlanGates(
  gates: readonly Gate[],
  planMetrics: Readonly<Record<string, number>>,
): PlanGates {
  const checkable = gates.filter((g) => Object.hasOwn(planMetrics, g.metric));
  const verdicts = evaluateGates(checkable, planMetrics);
  const pending = gates.filter((g) => !checkable.includes(g)).map((g) => g.text);
  return { verdicts, pending, passed: allGatesPassed(verdicts) };
}

/**
 * The gates as the terminal shows them (as `run` prints its own): ✓/✗ with measured and allowed,
 * then the gates that need a run.
 */
export function renderPlanGates(gates: PlanGates): string {
  const { verdicts, pending } = gates;
  if (verdicts.length === 0 && pending.length === 0) return '';
  const out: string[] = [];
  if (verdicts.length > 0) {
    out.push(
      '',
      `Gates (${verdicts.filter((v) => v.passed).length} of ${verdicts.length} checked by the plan passed)`,
    );
    for (const v of verdicts) out.push(`  ${v.passed ? '✓' : '✗'} ${v.gate}: ${v.message}`);
  }
  if (pending.length > 0) {
    out.push('', `Gates that need a run (${pending.length}): \`shardcast run\` checks them`);
    for (const g of pending) out.push(`  · ${g}`);
  }
  return `${out.join('\n')}\n`;
}
