/**
 * One consumer application's reading, whatever its kind (polling or enhanced fan-out): each shard
 * of the first listing read by one of its instances at a time (a lease, as the KCL's), a child
 * shard started once its parents are done (its lineage: a merge's child waits for both), its lag
 * watched until `signal` aborts, and done when every shard task has ended.
 */
import type { Rng } from '../../../workload/random.js';
import type { AwsRun } from '../run.js';
import { type ChildShardRef, LagTracker, Leases, ProcessingPace, ShardLineage } from './reading.js';
import { type ConsumerContext, type StartPosition, startingPositionOf } from './shared.js';

/** What reading one shard is given: the instance's processing pace (its lease), the application's lag and random source. */
export interface ShardTask {
  pace: ProcessingPace;
  lag: LagTracker;
  rng: Rng;
}

/**
 * Reads one shard from `position` until its end (resolving with its children) or the run's stop
 * (resolving undefined); never rejects.
 */
export type ShardReader = (
  shardId: string,
  position: StartPosition,
  task: ShardTask,
) => Promise<readonly ChildShardRef[] | undefined>;

export async function readApplication(
  run: AwsRun,
  app: { name: string; instances: number; processingRate?: number | undefined },
  context: ConsumerContext,
  kind: string,
  signal: AbortSignal,
  readShard: ShardReader,
): Promise<void> {
  const lag = new LagTracker(run, app.name);
  const leases = new Leases(
    Array.from({ length: app.instances }, () => new ProcessingPace(run.clock, app.processingRate)),
  );
  const lineage = new ShardLineage();
  const rng = context.rng.fork(`${kind}:${app.name}`);
  const tasks = new Set<Promise<void>>();

  const start = (shardId: string, position: StartPosition): void => {
    if (!lineage.start(shardId)) return;
    const task = read(shardId, position).finally(() => tasks.delete(task));
    tasks.add(task);
  };

  const read = async (shardId: string, position: StartPosition): Promise<void> => {
    const lease = leases.take();
    try {
      const children = await readShard(shardId, position, { pace: lease.instance, lag, rng });
      lag.finished(shardId);
      if (children === undefined) return;
      for (const child of lineage.finish(shardId, children)) start(child.shardId, { Type: 'TRIM_HORIZON' });
    } finally {
      lease.release();
    }
  };

  for (const shardId of await context.initialShards(signal)) start(shardId, startingPositionOf(run));
  const watching = lag.watch(signal);
  while (tasks.size > 0) await Promise.all([...tasks]);
  await watching;
}
