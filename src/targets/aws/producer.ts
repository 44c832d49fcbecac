/**
 * The AWS target's producers (issue 12, point 1): each scenario producer sends its records as the
 * scenario describes, open loop, through the session's SDK clients.
 *
 * - **Open loop.** A record is taken from the workload when its scheduled time comes
 *   (`run.clock`), never when a response comes back. When a producer has `maxInFlight` requests
 *   out, it stops taking records until one returns: the records keep their scheduled time, so the
 *   stall shows as put latency (measured from the schedule, not the send: no coordinated
 *   omission), and memory stays O(requests in flight), not O(backlog).
 * - **Batching** as `producer.batching` says: a batch goes when the next entry would take it past
 *   `maxRecords` or `maxBytes` (data + partition key for Kinesis, data for Firehose, within the
 *   API's limits from facts.ts), or when `linger` has passed since its first record was scheduled.
 *   When the workload is exhausted the last batch goes at once.
 * - **Aggregation** (`producer.aggregation.enabled`, Kinesis only): user records go through the
 *   KPL aggregator (`kpl.ts`) and the batch carries aggregates.
 * - **Retries.** An entry refused inside a successful response (PutRecords' ErrorCode,
 *   PutRecordBatch's) and every entry of a request that failed as a whole (5xx, reset, timeout, a
 *   throttling error, after the SDK's own retries) waits `nextDelay(retry, attempt, backoffRng)`
 *   and joins a later batch, while `retriesAfter(retry, attempt)`; otherwise its user records are
 *   dropped (`lostRecords`). A request refused for a reason a retry cannot fix (the stream does not
 *   exist, access denied, a malformed request) stops every producer: `runProducers` rejects.
 *
 * What is counted, at the run second it happens: `offered` (user records on their first send),
 * `retried` (later sends), `acknowledged`, `throttled` (user records whose attempt was refused
 * for throughput: ProvisionedThroughputExceededException entries, Firehose's
 * ServiceUnavailableException entries, and whole requests refused with a throttling error),
 * `dropped`, `writeBytes` and `writeRecords` (Kinesis records accepted: an aggregate is one), each
 * request in `putRequests` and in `run.stats` (`requests.<Op>.<ok|throttled|error>`, the HTTP status,
 * the error's name, the SDK's retries), each refused entry's code (`entries.<Op>.<ErrorCode>`:
 * an InternalFailure entry is counted there, retried, and not counted as throttled), the put
 * latency of every acknowledged user record, and each Kinesis record's offered load on its shard.
 */
import { setMaxListeners } from 'node:events';
import { ExitCode, ShardcastError } from '../../errors.js';
import type { Producer } from '../../scenario/schema.js';
import { nextDelay, retriesAfter } from '../../workload/backoff.js';
import { InstanceDealer, type NumberedRecord } from '../../workload/instances.js';
import { ProducerWorkload } from '../../workload/producer.js';
import { recordDataBytes } from '../../workload/record-header.js';
import { type Entry, plainEntry, RetryQueue, type UserRecord } from './entries.js';
import { type HeaderBase, KplAggregator } from './kpl.js';
import { type AwsRun, callDetails, type ProducersOutcome, type RequestOutcome } from './run.js';
import { type EntryResult, firehoseSink, kinesisSink, type Sink } from './sinks.js';

/** A request refused for a reason retrying cannot fix: the producers stop, the run fails (exit 3). */
export class ProducerError extends ShardcastError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super('target-failed', message, ExitCode.targetFailed, hint);
    if (cause !== undefined) this.cause = cause;
  }
}

/** Errors of a whole request that mean "over a limit, try later": retried, counted as throttled. */
const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ServiceUnavailableException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * Connection failures the SDK treats as transient (smithy `util-retry`'s NODEJS_TIMEOUT_ERROR_CODES
 * and network errors): a reset reaches us as `TimeoutError` with code ECONNRESET ("socket hang up").
 */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** How a whole request's failure is handled: retried (throttled or an error), or the end of the run. */
export function classifyRequestError(error: unknown): 'throttled' | 'retryable' | 'fatal' {
  const details = callDetails(error);
  if (details.error !== undefined && THROTTLING_ERRORS.has(details.error)) return 'throttled';
  const fault = (error as { $fault?: string } | null)?.$fault;
  if (fault === 'server' || (details.httpStatus !== undefined && details.httpStatus >= 500))
    return 'retryable';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return 'retryable';
  // Timeouts the SDK names (RequestTimeout, TimeoutError) come without a 5xx status.
  if (details.error !== undefined && /Timeout/i.test(details.error)) return 'retryable';
  // A client fault (the stream is gone, access denied, a malformed request), a credential the
  // chain could not find, or anything else: retrying would send the same request to the same end.
  return 'fatal';
}

/** Sends every producer's records; see the file's comment. */
export async function runProducers(
  run: AwsRun,
  signal: AbortSignal,
  options: { maxInFlight: number },
): Promise<ProducersOutcome> {
  const failed = new AbortController();
  const stop = AbortSignal.any([signal, run.signal, failed.signal]);
  // Every runner and every request in flight listens to it: hundreds of listeners are expected.
  setMaxListeners(0, stop);
  const firehose: ProducersOutcome['firehose'] = {};
  const runners = run.scenario.producers.flatMap((producer, index) => {
    let counts: ProducersOutcome['firehose'][string] | undefined;
    if (producer.destination !== 'stream') {
      counts = firehose[producer.destination] ?? { records: 0, bytes: 0, throttled: 0 };
      firehose[producer.destination] = counts;
    }
    // One runner per instance, as the producer's processes would run: each with its own batches,
    // aggregates and requests in flight (the model's batching is per instance too).
    const dealer = new InstanceDealer(
      new ProducerWorkload(producer, {
        seed: run.seed,
        durationSeconds: run.durationSeconds,
        share: run.share,
      }),
      producer.instances,
    );
    return Array.from(
      { length: producer.instances },
      (_, instance) =>
        new ProducerRunner(run, index, producer, dealer, instance, options.maxInFlight, stop, counts),
    );
  });
  const settled = await Promise.allSettled(
    runners.map((runner) =>
      runner.produce().catch((error: unknown) => {
        failed.abort();
        throw error;
      }),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // The first failure is the cause; the others stopped because of it.
  const cause = runners.find((r) => r.fatal !== undefined)?.fatal ?? failure?.reason;
  if (cause !== undefined) throw cause;
  return { pendingAtEnd: runners.reduce((sum, r) => sum + r.unresolved, 0), firehose };
}

/** One producer instance's loop: schedule → batches → requests → acknowledgements and retries. */
class ProducerRunner {
  /** User records sent at least once and neither acknowledged nor dropped. */
  unresolved = 0;
  /** The error that ended this producer, when a request failed for good. */
  fatal: unknown;
  private readonly sink: Sink;
  private readonly aggregator: KplAggregator | undefined;
  private readonly retries = new RetryQueue();
  private next: NumberedRecord | undefined;
  private batch: Entry[] = [];
  private batchBytes = 0;
  /** When the open batch (or aggregate) must go: its first record's schedule + linger. */
  private batchDeadline = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  /** Since when a request slot has been free (run seconds; Infinity while every slot is taken). */
  private slotFreeSince = Number.NEGATIVE_INFINITY;
  private wake: (() => void) | undefined;

  constructor(
    private readonly run: AwsRun,
    private readonly index: number,
    private readonly producer: Producer,
    private readonly dealer: InstanceDealer,
    private readonly instance: number,
    private readonly maxInFlight: number,
    private readonly signal: AbortSignal,
    private readonly firehose: { records: number; bytes: number; throttled: number } | undefined,
  ) {
    const header: HeaderBase = { runTag: run.ledger.runTag, producer: index, worker: run.share.index };
    this.sink =
      firehose === undefined ? kinesisSink(run, producer, header) : firehoseSink(run, producer, header);
    this.aggregator =
      firehose === undefined && producer.aggregation.enabled
        ? new KplAggregator(producer.aggregation.maxBytes, header, (s) => run.clock.epochMicros(s))
        : undefined;
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  async produce(): Promise<void> {
    const clock = this.run.clock;
    this.next = this.dealer.next(this.instance);
    while (!this.stopped) {
      const now = clock.seconds();
      // A batch whose linger ended before a record's time, with a request slot free then, went
      // then, before that record: the linger holds exactly even when this loop wakes late (a busy
      // machine). Without a free slot it could not go, so it keeps filling (as Kafka's producer
      // does): a stalled producer catches up with full requests.
      for (let entry = this.retries.popDue(now); entry !== undefined; entry = this.retries.popDue(now)) {
        if (this.lingerEndedBefore(entry.dueAt)) await this.flush();
        await this.addEntry(entry, entry.dueAt);
        if (this.stopped) break;
      }
      while (this.next !== undefined && this.next.at <= now && !this.stopped) {
        if (this.lingerEndedBefore(this.next.at)) await this.flush();
        await this.addUser(this.take(this.next));
        this.next = this.dealer.next(this.instance);
      }
      if (this.stopped) break;
      // The last batch goes at once: nothing else is coming to fill it.
      const exhausted = this.next === undefined;
      if (this.hasOpenBatch() && (this.batchDeadline <= clock.seconds() || exhausted)) await this.flush();
      if (exhausted && !this.hasOpenBatch() && this.retries.size === 0 && this.inFlight === 0) break;
      await this.waitUntil(
        Math.min(this.next?.at ?? Number.POSITIVE_INFINITY, this.batchDeadline, this.retries.nextDueAt),
      );
    }
    if (this.fatal !== undefined) throw this.fatal;
    // Stopped: what waits for a retry or a response is unresolved, and so is what sits in a batch
    // and was sent before (a retry); a record never sent was never offered.
  }

  /** A scheduled record as a user record: its sequence, key bytes and data size. */
  private take(record: NumberedRecord): UserRecord {
    return {
      sequence: record.sequence,
      at: record.at,
      partitionKey: record.partitionKey,
      explicitHashKey: record.explicitHashKey,
      dataBytes: recordDataBytes(record.dataBytes),
      keyBytes: keyBytes(record.partitionKey),
    };
  }

  /** Aborted, or a request failed for good. */
  private get stopped(): boolean {
    return this.signal.aborted || this.fatal !== undefined;
  }

  /** Whether the open batch's linger ended before `at` at a time a request slot was free. */
  private lingerEndedBefore(at: number): boolean {
    return this.hasOpenBatch() && this.batchDeadline < at && this.slotFreeSince <= this.batchDeadline;
  }

  private hasOpenBatch(): boolean {
    return this.batch.length > 0 || (this.aggregator?.users ?? 0) > 0;
  }

  private startLinger(at: number): void {
    if (!this.hasOpenBatch()) this.batchDeadline = at + this.producer.batching.linger;
  }

  private async addUser(user: UserRecord): Promise<void> {
    this.startLinger(user.at);
    if (this.aggregator === undefined) {
      await this.addEntry(plainEntry(user, this.sink.countsKey), user.at);
      return;
    }
    const shard = this.run.shards.route(user.partitionKey, user.explicitHashKey)?.index ?? -1;
    for (const closed of this.aggregator.add(user, shard)) await this.addEntry(closed, user.at);
  }

  /** Adds an entry to the batch, sending the batch first when the entry would take it past a limit. */
  private async addEntry(entry: Entry, at: number): Promise<void> {
    if (
      this.batch.length > 0 &&
      (this.batch.length + 1 > this.sink.maxRecords || this.batchBytes + entry.bytes > this.sink.maxBytes)
    ) {
      const full = this.takeBatch();
      await this.dispatch(full);
    }
    this.startLinger(at);
    this.batch.push(entry);
    this.batchBytes += entry.bytes;
    if (this.batch.length >= this.sink.maxRecords || this.batchBytes >= this.sink.maxBytes) {
      await this.dispatch(this.takeBatch());
    }
  }

  /** Sends what is open: the aggregates closed first, then the batch (in as many requests as the limits need). */
  private async flush(): Promise<void> {
    for (const closed of this.aggregator?.drain() ?? [])
      await this.addEntry(closed, this.run.clock.seconds());
    if (this.batch.length > 0) await this.dispatch(this.takeBatch());
    this.batchDeadline = Number.POSITIVE_INFINITY;
  }

  private takeBatch(): Entry[] {
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    // What stays open is the aggregates' user records: their linger runs from the oldest of them.
    this.batchDeadline =
      (this.aggregator?.oldestAt() ?? Number.POSITIVE_INFINITY) + this.producer.batching.linger;
    return batch;
  }

  /** Sends one request once a slot is free (the open loop's only wait besides the schedule). */
  private async dispatch(entries: Entry[]): Promise<void> {
    while (this.inFlight >= this.maxInFlight && !this.stopped) await this.waitUntil(Number.POSITIVE_INFINITY);
    if (this.stopped) return;
    const run = this.run;
    const second = run.clock.second();
    const last = run.recorder.seconds - 1;
    let retried = 0;
    // First sends count as offered in the second they were scheduled in, as the model counts its
    // arrivals: a stalled producer's backlog does not pile into the second it finally goes out in.
    const offered = new Map<number, number>();
    for (const entry of entries) {
      if (entry.attempt !== 1) {
        retried += entry.users.length;
        continue;
      }
      for (const user of entry.users) {
        const at = Math.min(last, Math.max(0, Math.floor(user.at)));
        offered.set(at, (offered.get(at) ?? 0) + 1);
      }
    }
    for (const [at, n] of offered) {
      this.unresolved += n;
      run.recorder.countWrites(at, { offered: n });
    }
    if (retried > 0) run.recorder.countWrites(second, { retried });
    run.recorder.countPutRequests(1);
    this.inFlight += 1;
    if (this.inFlight >= this.maxInFlight) this.slotFreeSince = Number.POSITIVE_INFINITY;
    this.sink
      .send(entries, this.signal)
      .then(
        ({ results, output }) => this.answered(entries, results, output),
        (error: unknown) => this.failed(entries, error),
      )
      // A bug in the handling above (a response of an unexpected shape): the producers stop.
      .catch((bug: unknown) => {
        this.fatal ??= bug;
      })
      .finally(() => {
        if (this.inFlight === this.maxInFlight) this.slotFreeSince = run.clock.seconds();
        this.inFlight -= 1;
        this.wake?.();
      });
  }

  /** A response: each entry acknowledged, or refused and retried or dropped. */
  private answered(entries: readonly Entry[], results: readonly EntryResult[], output: unknown): void {
    if (this.signal.aborted) return;
    const run = this.run;
    const second = run.clock.second();
    const now = run.clock.seconds();
    run.stats.count(this.sink.operation, 'ok', callDetails(output));
    let acknowledged = 0;
    let throttled = 0;
    let writeBytes = 0;
    let writeRecords = 0;
    const retry: Entry[] = [];
    for (let j = 0; j < entries.length; j++) {
      const entry = entries[j]!;
      const result = results[j]!;
      if (this.firehose === undefined) {
        const shard =
          (result.ok && result.shardId !== undefined ? run.shards.get(result.shardId) : undefined) ??
          run.shards.route(entry.partitionKey, entry.explicitHashKey);
        if (shard !== undefined) run.shards.addLoad(second, shard.index, 1, entry.bytes);
      }
      if (result.ok) {
        for (const user of entry.users) {
          run.ledger.acknowledged(this.index, user.sequence);
          run.recorder.recordPutLatency(now - user.at);
        }
        acknowledged += entry.users.length;
        writeBytes += entry.bytes;
        writeRecords += 1;
      } else {
        run.stats.countEntries(this.sink.operation, result.code);
        if (result.throttled) throttled += entry.users.length;
        retry.push(entry);
      }
    }
    this.unresolved -= acknowledged;
    if (this.firehose !== undefined) {
      this.firehose.records += acknowledged;
      this.firehose.bytes += writeBytes;
      this.firehose.throttled += throttled;
    }
    const dropped = this.retryOrDrop(retry, now);
    run.recorder.countWrites(second, { acknowledged, throttled, dropped, writeBytes, writeRecords });
  }

  /** A request that failed as a whole: retried for all its entries, or the end of the producers. */
  private failed(entries: readonly Entry[], error: unknown): void {
    if (this.signal.aborted) return;
    const run = this.run;
    const kind = classifyRequestError(error);
    const outcome: RequestOutcome = kind === 'throttled' ? 'throttled' : 'error';
    run.stats.count(this.sink.operation, outcome, callDetails(error));
    if (kind === 'fatal') {
      this.fatal ??= fatalError(this.sink.operation, this.producer, run, error);
      this.wake?.();
      return;
    }
    let throttled = 0;
    if (kind === 'throttled') for (const entry of entries) throttled += entry.users.length;
    if (this.firehose !== undefined) this.firehose.throttled += throttled;
    const dropped = this.retryOrDrop(entries, run.clock.seconds());
    run.recorder.countWrites(run.clock.second(), { throttled, dropped });
  }

  /** Queues each refused entry for its next attempt, or drops it; returns the user records dropped. */
  private retryOrDrop(entries: readonly Entry[], now: number): number {
    let dropped = 0;
    for (const entry of entries) {
      if (retriesAfter(this.producer.retry, entry.attempt)) {
        entry.attempt += 1;
        entry.dueAt = now + nextDelay(this.producer.retry, entry.attempt, this.dealer.workload.backoffRng);
        this.retries.push(entry);
      } else {
        dropped += entry.users.length;
      }
    }
    this.unresolved -= dropped;
    return dropped;
  }

  /** Waits until run time `seconds`, a response, or the abort, whichever comes first. */
  private waitUntil(seconds: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const ms = (seconds - this.run.clock.seconds()) * 1000;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const self = this;
      function done(): void {
        if (timer !== undefined) clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}

/** UTF-8 bytes of a key: its length when it is ASCII (every generated key is), else counted. */
function keyBytes(key: string): number {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) return Buffer.byteLength(key);
  return key.length;
}

function fatalError(operation: string, producer: Producer, run: AwsRun, error: unknown): ProducerError {
  const name = callDetails(error).error ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const where =
    producer.destination === 'stream'
      ? `stream ${run.resources.streamName}`
      : `delivery stream ${run.resources.deliveryStreams.get(producer.destination) ?? producer.destination}`;
  const hint =
    name === 'ResourceNotFoundException'
      ? `the ${where} no longer exists: was it deleted during the run?`
      : /AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken/.test(name)
        ? 'check the credentials and their permissions for this call'
        : undefined;
  return new ProducerError(
    `producer ${producer.name}: ${operation} to ${where} failed: ${name}: ${message}`,
    hint,
    error,
  );
}
