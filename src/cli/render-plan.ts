/**
 * The readable summary `shardcast plan` prints: the plan view (`src/report/plan-view.ts`, which
 * the HTML report renders too) as plain text — tables with units, notes, then the findings.
 */
import type { Plan } from '../planner/types.js';
import { printable } from '../printable.js';
import { type PlanView, planView, type ViewCell, type ViewFinding } from '../report/plan-view.js';
import { renderTable } from './table.js';

/** A bad cell or note is marked, since a terminal may have no colour. */
const cellText = (cell: ViewCell) => (cell.tone === 'bad' && cell.text !== '' ? `✗ ${cell.text}` : cell.text);

const FINDING_MARK: Record<ViewFinding['severity'], string> = { error: '✗', warning: '!', info: '→' };

export function renderPlan(plan: Plan): string {
  return renderPlanView(planView(plan));
}

export function renderPlanView(view: PlanView): string {
  // The title holds the scenario's description, any text: printed escaped and cut (printable.ts);
  // the plan's own sentences are kept whole (up to a bound no sentence of ours reaches).
  const out: string[] = [printable(view.title, 300), printable(view.subtitle, 2000)];
  for (const section of view.sections) {
    out.push('', section.title);
    for (const block of section.blocks) {
      if (block.kind === 'table')
        out.push(
          renderTable(
            block.headers,
            block.rows.map((r) => r.map(cellText)),
          ),
        );
      else if (block.kind === 'note')
        out.push(`  ${block.tone === 'bad' ? '✗ ' : ''}${printable(block.text, 2000)}`);
      else
        for (const f of block.findings) out.push(`  ${FINDING_MARK[f.severity]} ${printable(f.text, 2000)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
