/**
 * A search worker thread (`pool.ts` starts it): holds the job it was started with and runs each
 * point it is sent with `evaluatePoint`, answering `{ id, outcome }` or, for a failure that is no
 * point's finding (a bug), `{ id, error }`. Its key placements live as long as it does, so the
 * points a worker runs share them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ShardcastError } from '../errors.js';
import { evaluatePoint, type SearchJob } from './point.js';
import type { GridPoint, PointOutcome } from './types.js';

/** What the pool sends: a point to run, by a request id. */
export interface PointRequest {
  id: number;
  point: GridPoint;
}

/** What a worker answers: the point's outcome, or why it could not be run at all. */
export type PointReply =
  | { id: number; outcome: PointOutcome }
  | {
      id: number;
      error: { message: string; code?: string; exitCode?: number; hint?: string; stack?: string };
    };

const job = workerData as SearchJob;
const port = parentPort;

port?.on('message', (request: PointRequest) => {
  evaluatePoint(job, request.point).then(
    (outcome) => port.postMessage({ id: request.id, outcome } satisfies PointReply),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      const reply: PointReply = {
        id: request.id,
        error:
          e instanceof ShardcastError
            ? {
                message: e.message,
                code: e.code,
                exitCode: e.exitCode,
                ...(e.hint === undefined ? {} : { hint: e.hint }),
              }
            : { message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) },
      };
      port.postMessage(reply);
    },
  );
});
