/**
 * A `PointRunner` for a real target (`sweep --target aws|http`): the points run ONE AT A TIME in
 * this thread, each through `runScenario`, so each point's stream is created, run and deleted
 * before the next is created (two at once would double what exists, and what is billed, at a
 * time). A target's options, its interaction and its stop signal do not cross to a worker thread.
 *
 * The whole search was priced and confirmed before the first point (`cost-guard.ts`); each point's
 * own guard still runs in the target's `prepare` (its estimate printed, its limit checked: a
 * point's estimate is part of the sum already held to the same limit, so it passes). It does not
 * ask again: the interaction each point gets answers its question with the answer the person
 * gave for the whole search, once. That is honest where the alternatives are not: rewriting the
 * user's options (`yes: true`) would make every result's header say `--yes` was given, and the
 * generic search does not know a target's option names.
 */
import type { TargetInteraction } from '../targets/target.js';
import { describePoint } from './grid.js';
import { evaluatePoint, type PointTarget, type SearchJob } from './point.js';
import type { GridPoint, PointOutcome, PointRunner } from './types.js';

export interface TargetRunnerOptions extends Omit<PointTarget, 'interaction' | 'onCleanup'> {
  /** The user: each point's lines go here, prefixed with the point. */
  interaction: TargetInteraction;
}

/** The runner, with what went wrong in the target itself (the sweep then exits 3). */
export interface TargetRunner extends PointRunner {
  /**
   * One line per point the target failed (`point 1 (stream.shards=4): cleanup failed: …`): a
   * cleanup that failed leaves what it created (and its bill); a run the target failed (the
   * endpoint down) is listed in the table as a point that could not run.
   */
  readonly failures: readonly string[];
}

/**
 * Runs points on `options.target`, one at a time. Made once `guardSearchCost` has passed: the
 * whole search is confirmed then (by `--yes`, a yes at the terminal, or a target that needs none),
 * so a point's own question is answered yes.
 */
export function targetRunner(job: SearchJob, options: TargetRunnerOptions): TargetRunner {
  const { interaction, ...on } = options;
  const failures: string[] = [];
  let current: Promise<unknown> = Promise.resolve();
  return {
    size: 1,
    failures,
    run: (point: GridPoint): Promise<PointOutcome> => {
      const label = describePoint(point);
      const pointInteraction: TargetInteraction = {
        print: (line) => interaction.print(`${label}: ${line}`),
        // Confirmed once for the whole search: the point's question is already answered.
        interactive: true,
        confirm: async () => true,
      };
      const running = current.then(() =>
        evaluatePoint(job, point, {
          ...on,
          interaction: pointInteraction,
          onCleanup: (report) => {
            if (report.ok) for (const line of report.lines) interaction.print(`${label}: cleanup: ${line}`);
            else {
              const why = report.error instanceof Error ? report.error.message : String(report.error);
              failures.push(`${label}: cleanup failed: ${why}`);
              interaction.print(
                `${label}: cleanup failed: ${why} (what the target created may still exist, and cost money: remove it by hand)`,
              );
            }
          },
          onTargetFailure: (error) => failures.push(`${label}: ${error.message}`),
        }),
      );
      // The next point waits for this one, its cleanup included, whether it ran or failed.
      current = running.catch(() => undefined);
      return running;
    },
    // Resolves once the point under way has stopped and cleaned up (the signal stops it).
    close: async () => {
      await current;
    },
  };
}
