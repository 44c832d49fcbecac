/**
 * A `PointRunner` over worker threads (`--parallel N`): N workers, each holding the search job
 * and running the points it is dealt (`worker.ts`). Points wait in a queue and go to the first
 * worker free, so a slow point never holds back the others; each caller gets its own point's
 * outcome (a sweep awaits them in grid order).
 *
 * From the built `dist/` the worker is `worker.js`; run from `src/` (vitest, tsx) it is
 * `worker.ts`, started with tsx's loader, the only way a thread runs TypeScript.
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { ExitCode, ShardcastError } from '../errors.js';
import { describePoint } from './grid.js';
import { inThreadRunner, type SearchJob } from './point.js';
import type { GridPoint, PointOutcome, PointRunner } from './types.js';
import type { PointReply, PointRequest } from './worker.js';

interface Task {
  id: number;
  point: GridPoint;
  resolve: (outcome: PointOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The task it runs, if any. */
  task: Task | undefined;
}

/**
 * How to start a worker on the module beside this one: `worker.js` from the built `dist/`; from
 * `src/` (vitest, tsx) `worker.ts`, through a few lines that register tsx's loader in the thread
 * first (`execArgv: ['--import', 'tsx']` does not reach a worker's loader in Node 20).
 */
function workerSource(): { source: string | URL; eval: boolean } {
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  if (!url.pathname.endsWith('.ts')) return { source: url, eval: false };
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return { source: load, eval: true };
}

/** An error a worker sent back, as the error it was (a ShardcastError keeps its exit code). */
function replyError(error: Extract<PointReply, { error: unknown }>['error']): Error {
  if (error.exitCode !== undefined && error.code !== undefined) {
    return new ShardcastError(error.code, error.message, error.exitCode as ExitCode, error.hint);
  }
  const e = new Error(error.message);
  if (error.stack !== undefined) e.stack = error.stack;
  return e;
}

/**
 * Runs points in `size` worker threads; with `size` 1, in this thread (`inThreadRunner`): a
 * thread of its own would only add its start-up. `limits` caps each worker's heap (a worker over
 * it dies, failing its point).
 */
export function workerPool(job: SearchJob, size: number, limits?: ResourceLimits): PointRunner {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`a pool needs at least one worker (got ${size})`);
  if (size === 1) return inThreadRunner(job);
  const module = workerSource();
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 0;
  let closed = false;

  const start = (): Slot => {
    const worker = new Worker(module.source, {
      workerData: job,
      eval: module.eval,
      ...(limits === undefined ? {} : { resourceLimits: limits }),
    });
    const slot: Slot = { worker, task: undefined };
    worker.on('message', (reply: PointReply) => {
      const task = slot.task;
      if (task === undefined || task.id !== reply.id) return;
      slot.task = undefined;
      if ('outcome' in reply) task.resolve(reply.outcome);
      else task.reject(replyError(reply.error));
      deal();
    });
    // A worker that dies (an uncaught error, out of memory) fails the point it held; the next
    // points go to a fresh worker.
    const lost = (why: string) => {
      const at = slots.indexOf(slot);
      if (at < 0) return;
      slots.splice(at, 1);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(
        new ShardcastError(
          'worker-crashed',
          `the worker thread running ${describePoint(task.point)} stopped: ${why}`,
          ExitCode.internal,
        ),
      );
      if (!closed) deal();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`it exited with code ${code}`));
    slots.push(slot);
    return slot;
  };

  /** Deals queued points to idle workers, starting workers up to `size`. */
  const deal = () => {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => s.task === undefined) ?? (slots.length < size ? start() : undefined);
      if (slot === undefined) return;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, point: task.point } satisfies PointRequest);
    }
  };

  // Every worker starts now: each loads its modules (a few hundred ms of CPU) while the caller
  // still checks the points, rather than when the first point is dealt.
  for (let i = 0; i < size; i++) start();

  return {
    size,
    run: (point) =>
      new Promise<PointOutcome>((resolve, reject) => {
        if (closed) {
          reject(
            new ShardcastError(
              'pool-closed',
              `${describePoint(point)}: the pool is closed`,
              ExitCode.internal,
            ),
          );
          return;
        }
        queue.push({ id: nextId++, point, resolve, reject });
        deal();
      }),
    close: async () => {
      closed = true;
      const stopped = new ShardcastError(
        'pool-closed',
        'the search stopped before this point ran',
        ExitCode.interrupted,
      );
      for (const task of queue.splice(0)) task.reject(stopped);
      const running = slots.splice(0);
      for (const slot of running) slot.task?.reject(stopped);
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}
