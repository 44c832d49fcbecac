/**
 * `shardcast targets [--json]`: where `run` can go, and what each target measures, whether it runs
 * a share of the load, and its flags: what a user needs to know before writing a gate or a
 * `--worker` for it (README, "Targets").
 */
import { ExitCode } from '../../errors.js';
import type { Target, TargetRegistry } from '../../targets/target.js';
import type { Io } from '../io.js';

/** One target as `targets --json` prints it. */
export interface TargetSummary {
  name: string;
  description: string;
  /** Patterns of the run metrics it measures (README, "Targets"). */
  measures: string[];
  supportsShares: boolean;
  /** Why it cannot run a share, when it cannot and says why. */
  whyNoShares?: string;
  flags: { flag: string; option: string; type: string; description: string }[];
}

export function targetSummary(target: Target<unknown>): TargetSummary {
  return {
    name: target.name,
    description: target.describe(),
    measures: [...target.measures],
    supportsShares: target.supportsShares,
    ...(target.whyNoShares === undefined ? {} : { whyNoShares: target.whyNoShares }),
    flags: (target.flags ?? []).map((f) => ({
      flag: `--${f.name}`,
      option: f.option,
      type: f.type,
      description: f.description,
    })),
  };
}

/** `**` in words; any other pattern as written. */
function measuresText(measures: readonly string[]): string {
  if (measures.includes('**')) return 'every run metric (**)';
  return measures.length === 0 ? 'no run metric (gates on plan metrics only)' : measures.join(', ');
}

export function commandTargets(io: Io, args: { json: boolean }, targets: TargetRegistry): number {
  const summaries = [...targets.values()].map(targetSummary);
  if (args.json) {
    io.stdout(`${JSON.stringify({ version: 1, targets: summaries }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const out: string[] = [];
  for (const t of summaries) {
    out.push(`${t.name}: ${t.description}`);
    out.push(`  measures  ${measuresText(t.measures)}`);
    out.push(
      `  shares    ${t.supportsShares ? 'yes: run --worker I/N on each of N machines' : `no${t.whyNoShares === undefined ? '' : `: ${t.whyNoShares}`}`}`,
    );
    if (t.flags.length === 0) out.push('  options   none');
    else {
      const width = Math.max(...t.flags.map((f) => f.flag.length));
      t.flags.forEach((f, i) => {
        out.push(`  ${i === 0 ? 'options' : '       '}   ${f.flag.padEnd(width)}  ${f.description}`);
      });
    }
    out.push('');
  }
  io.stdout(`${out.join('\n')}`);
  return ExitCode.ok;
}
