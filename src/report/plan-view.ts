import { type Finding, type FindingSeverity, findingText } from '../planner/findings.js';
import type { Plan } from '../planner/types.js';
import { formatPercent, formatSeconds, plural } from '../scenario/units.js';
import {
  consumersSections,
  costSections,
  firehoseSections,
  hotKeysSections,
  onDemandSections,
  reshardsSections,
  shardsSections,
  trafficSections,
} from './plan-sections.js';

/** How a cell or note reads: `bad` (over a limit, short), `good`, or `muted`. */
export type ViewTone = 'bad' | 'good' | 'muted';

export interface ViewCell {
  text: string;
  tone?: ViewTone;
  /** A name from the scenario (a key), shown as code in HTML. */
  code?: boolean;
}

export interface ViewTable {
  kind: 'table';
  headers: string[];
  rows: ViewCell[][];
}

export interface ViewNote {
  kind: 'note';
  text: string;
  tone?: ViewTone;
}

export interface ViewFinding {
  code: Finding['code'];
  severity: FindingSeverity;
  text: string;
}

export interface ViewFindings {
  kind: 'findings';
  findings: ViewFinding[];
}

export type ViewBlock = ViewTable | ViewNote | ViewFindings;

export interface ViewSection {
  id: string;
  title: string;
  blocks: ViewBlock[];
}

export interface PlanView {
  title: string;
  /** Region, mode, configured shards, headroom, peak: one line. */
  subtitle: string;
  sections: ViewSection[];
}

const SEVERITY_ORDER: readonly FindingSeverity[] = ['error', 'warning', 'info'];

/** The findings, errors first, each worded by `findingText`. */
export function viewFindings(findings: readonly Finding[]): ViewFinding[] {
  return SEVERITY_ORDER.flatMap((severity) =>
    findings
      .filter((f) => f.severity === severity)
      .map((f) => ({ code: f.code, severity, text: findingText(f) })),
  );
}

export function planView(plan: Plan): PlanView {
  const { traffic, shards } = plan;
  const h = traffic.headroom;
  // One builder a section (plan-sections.ts), in reading order; a section without data is left out.
  const sections: ViewSection[] = [
    ...trafficSections(plan),
    ...shardsSections(plan),
    ...hotKeysSections(plan),
    ...consumersSections(plan),
    ...firehoseSections(plan),
    ...reshardsSections(plan),
    ...onDemandSections(plan),
    ...costSections(plan),
  ];

  const findings = viewFindings(plan.findings);
  if (findings.length > 0) {
    sections.push({ id: 'plan-findings', title: 'Findings', blocks: [{ kind: 'findings', findings }] });
  }

  return {
    title: `Plan for ${plan.scenario.name}${plan.scenario.description ? ` — ${plan.scenario.description}` : ''}`,
    subtitle: [
      plan.scenario.region,
      plan.scenario.mode,
      ...(shards.configured === null ? [] : [`${plural(shards.configured, 'shard')} configured`]),
      ...(shards.sizedByPlan ? [`${plural(shards.recommended, 'shard')} sized by the plan`] : []),
      // `--set` values are part of what was planned.
      ...(plan.scenario.overrides ?? []).map((o) => `--set ${o}`),
      `headroom ${formatPercent(h)}`,
      `peak at ${formatSeconds(traffic.peakAt)} of ${formatSeconds(plan.scenario.durationSeconds)}`,
    ].join(' · '),
    sections,
  };
}

/** Every text a view shows (titles, cells, notes, findings): what both renderings must contain. */
export function viewTexts(view: PlanView): string[] {
  const texts = [view.title, view.subtitle];
  for (const s of view.sections) {
    texts.push(s.title);
    for (const b of s.blocks) {
      if (b.kind === 'note') texts.push(b.text);
      else if (b.kind === 'findings') texts.push(...b.findings.map((f) => f.text));
      else texts.push(...b.headers, ...b.rows.flatMap((r) => r.map((x) => x.text)));
    }
  }
  return texts.filter((t) => t !== '');
}
