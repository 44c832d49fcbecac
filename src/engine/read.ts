/**
 * Consumers and reads, once per consumer step (a second: polling applications call every second
 * or so, and the lag is in seconds): each application reads what arrived, within its read caps
 * and processing rate; its iterator age and the end-to-end latency of what it processed go to
 * the recorder; a stream-sourced Firehose stream's reads fill its buffers.
 */
import type { ArrivalHistory } from './arrival-history.js';
import { firehoseShardIn } from './firehose.js';
import { meanPutLatency, recordEndToEnd } from './latency.js';
import type { ConsumerState, Simulation } from './state.js';

/** Whether tick `k` ends a consumer step. */
export function isConsumerTurn(sim: Simulation, k: number): boolean {
  return (k + 1) % sim.consumerStep === 0 || k === sim.ticks - 1;
}

/**
 * Tick `k` (at time `t`, in second `second`) when it ends a consumer step: every application
 * reads, then the arrivals are cleared and history no application still needs is dropped.
 */
export function readConsumers(sim: Simulation, k: number, t: number, second: number): void {
  if (!isConsumerTurn(sim, k)) return;
  const now = t + sim.dt;
  if (sim.consumers.length > 0) sim.history.append(now, sim.arrivals);
  // The oldest record some application still has to process: older history is not needed.
  let oldestNeeded = now;
  for (const c of sim.consumers) oldestNeeded = Math.min(oldestNeeded, readConsumer(sim, c, k, t, second));
  sim.history.trimBefore(oldestNeeded);
  sim.arrivals.fill(0);
  sim.arrivalBytes.fill(0);
  sim.arrivalDataBytes.fill(0);
}

/** One application's step; returns the arrival time of the oldest record it still has to process. */
function readConsumer(sim: Simulation, c: ConsumerState, k: number, t: number, second: number): number {
  const dt = sim.dt;
  const now = t + dt;
  const endSeconds = sim.ticks * dt;
  const stepDt = ((k % sim.consumerStep) + 1) * dt;
  // GetRecords returns at most 10,000 Kinesis records a call: with KPL aggregation each carries
  // several user records, and the backlog counts user records.
  const capR = c.readRecordsPerSecond * stepDt * sim.userPerKinesisRecord;
  const capB = c.readBytesPerSecond * stepDt;
  const acknowledged = sim.streamAcknowledged;
  const read = readShards(c, sim.arrivals, sim.arrivalBytes, sim.arrivalDataBytes, sim.history, {
    capR,
    capB,
    processPerStep: c.processingPerSecond * stepDt,
    now,
    t,
    fallbackBytesPerRecord: acknowledged > 0 ? sim.streamWriteBytes / acknowledged : 1000,
    fallbackDataBytesPerRecord: acknowledged > 0 ? sim.acceptedDataBytes / acknowledged : 1000,
    endSeconds,
    stepSeconds: stepDt,
  });
  const { delivered, maxAge } = read;
  c.delivered += delivered;
  if (c.kind === 'firehose') return read.oldestArrival;
  const recorder = sim.recorder;
  recorder.delivered.get(c.name)![second]! += delivered;
  recorder.recordConsumerLag(c.name, second, maxAge);
  if (read.processedByEnd > 0) {
    // End to end: the put latency of this second's records (every attempt class, retries and
    // backoff included), then the wait to be read: propagation, or the time queued in the
    // backlog when that is longer (it includes the propagation). No record is processed later
    // than now (plus the propagation of one that just arrived), nor produced before 0 s, so
    // none waited longer than that: the put-latency points' tail (long backoffs) describes
    // records of later seconds.
    recordEndToEnd(
      sim.producers,
      sim.stream,
      read.waitWeighted / read.processedByEnd,
      read.processedByEnd,
      recorder.e2eLatency,
      recorder.e2eSecond,
      Math.min(endSeconds, now + c.propagation),
    );
    // The record that waited longest (on a shard behind): its wait and a mean put latency.
    if (read.longestWait > 0)
      recorder.e2eLatency.extend(
        Number.POSITIVE_INFINITY,
        Math.min(
          endSeconds,
          now + c.propagation,
          meanPutLatency(sim.producers, sim.stream) + read.longestWait,
        ),
      );
  }
  return read.oldestArrival;
}

/** What one consumer step read from the shards. */
interface ShardsRead {
  delivered: number;
  /** Of those, the records processed by the end of the run (the rest are read within its last propagation delay). */
  processedByEnd: number;
  /** Sum of `processedByEnd` × their wait from arrival in the shard to processing (for the mean wait). */
  waitWeighted: number;
  maxAge: number;
  /** The longest wait of a record read now, on a shard left behind (0 when every shard keeps up). */
  longestWait: number;
  /** Arrival time of the oldest record still in some backlog (`now` when every backlog is empty). */
  oldestArrival: number;
}

/**
 * One consumer step over every shard: what arrived joins each shard's backlog, and the consumer
 * takes what its processing share, read records cap and read bytes cap allow. Its iterator age
 * on a shard is how long ago the oldest record still in the backlog arrived (records are read in
 * order, so it is the one after the first total − backlog). Top-level for the same reason as
 * `admitFirstAttempts`.
 */
function readShards(
  c: ConsumerState,
  arrivals: Float64Array,
  arrivalBytes: Float64Array,
  arrivalDataBytes: Float64Array,
  history: ArrivalHistory,
  step: {
    capR: number;
    capB: number;
    processPerStep: number;
    now: number;
    t: number;
    fallbackBytesPerRecord: number;
    fallbackDataBytesPerRecord: number;
    /** When the run ends, and the length of this consumer step (seconds). */
    endSeconds: number;
    stepSeconds: number;
  },
): ShardsRead {
  const n = c.backlog.length;
  const backlog = c.backlog;
  let readable = 0;
  for (let s = 0; s < n; s++) {
    backlog[s]! += arrivals[s]!;
    readable += backlog[s]!;
  }
  const processShare = readable > 0 ? Math.min(1, step.processPerStep / readable) : 1;
  let delivered = 0;
  let processedByEnd = 0;
  let waitWeighted = 0;
  let maxAge = 0;
  let longestWait = 0;
  let oldestArrival = step.now;
  for (let s = 0; s < n; s++) {
    const b = backlog[s]!;
    if (b <= 0) continue;
    const bytesPerRecord = arrivals[s]! > 0 ? arrivalBytes[s]! / arrivals[s]! : step.fallbackBytesPerRecord;
    const take = Math.min(b * processShare, step.capR, step.capB / Math.max(1, bytesPerRecord), b);
    backlog[s] = b - take;
    delivered += take;
    let age = 0;
    if (backlog[s]! > 1e-9) {
      const arrived = history.arrivalTime(s, history.total(s) - backlog[s]!);
      age = Math.max(0, step.now - arrived);
      oldestArrival = Math.min(oldestArrival, arrived);
      // The oldest record read now, at the head before the read, waited longer than `age` (the
      // age of the record left at the head): the exact top of the waits, for e2eLatency.max.
      if (take > 0) {
        const head = Math.max(0, step.now - history.arrivalTime(s, history.total(s) - b));
        longestWait = Math.max(longestWait, c.propagation, head);
      }
    }
    // A record waits for the propagation delay (which for polling includes half the poll interval),
    // or longer when it queued behind others; the backlog age already holds the propagation, so the
    // two are not added (they were: a 600 s run reported 740 s end to end, 540 s of backlog + 200 s).
    const wait = Math.max(c.propagation, age);
    // Records read now arrived within the last step, or by now − age: those that arrived less than
    // the propagation delay before the end are not processed within the run.
    const inRun =
      age >= c.propagation
        ? 1
        : Math.min(
            1,
            Math.max(
              0,
              (step.endSeconds - c.propagation - (step.now - age - step.stepSeconds)) / step.stepSeconds,
            ),
          );
    processedByEnd += take * inRun;
    waitWeighted += take * inRun * wait;
    maxAge = Math.max(maxAge, age);
    // Firehose writes the data blobs: partition keys are not part of the object, and it
    // de-aggregates KPL records before delivering them ("Firehose de-aggregates the records before it
    // delivers them to the destination", https://docs.aws.amazon.com/streams/latest/dev/kpl-with-firehose.html,
    // and FH23 writing-with-kinesis-streams.md), so neither keys nor aggregation framing fill its buffers.
    if (c.firehose) {
      const dataBytesPerRecord =
        arrivals[s]! > 0 ? arrivalDataBytes[s]! / arrivals[s]! : step.fallbackDataBytesPerRecord;
      firehoseShardIn(c.firehose, s, take, take * dataBytesPerRecord, step.t);
    }
  }
  return { delivered, processedByEnd, waitWeighted, maxAge, longestWait, oldestArrival };
}
