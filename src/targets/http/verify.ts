/**
 * `--verify-endpoint URL --verify-stream NAME`: the stream behind the front, read back with the
 * aws target's consumers, so a run through an HTTP front reports what reached Kinesis: integrity
 * per consumer application (missing, duplicates, out of order), end-to-end latency from each
 * record's schedule, and the load on each shard (records routed by the stream's own hash ranges).
 */
import type { RunRecorder } from '../../result/recorder.js';
import type { IntegrityCounts } from '../../workload/integrity.js';
import type { RunClock } from '../aws/run.js';
import type { HttpRecord } from './formats.js';

/** What the session asks of the reading side. */
export interface Verifier {
  /** Lists the stream's shards (before the clock starts). */
  prepare(signal: AbortSignal): Promise<void>;
  /** Starts the consumers on the run's clock and recorder. */
  start(clock: RunClock, recorder: RunRecorder): void;
  /** A record the front acknowledged during `second`: expected on the stream. */
  acknowledged(record: HttpRecord, second: number): void;
  /** Second `second` closes: the stream's shards and their load. */
  closeSecond(second: number): void;
  /** Waits until every application read every acknowledged record, or `drainSeconds` pass. */
  drain(drainSeconds: number, signal: AbortSignal): Promise<void>;
  /** Stops the consumers and releases the clients. */
  stop(): Promise<void>;
  /** Integrity per application. */
  counts(): Record<string, IntegrityCounts>;
}
