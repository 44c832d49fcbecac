/**
 * The `http` target's load: the scenario's records as HTTP requests, open loop, through
 * autocannon's connections.
 *
 * **Why not autocannon's own rate.** `overallRate` and `connectionRate` let each connection send
 * up to N requests per one-second window of its own, as fast as it can from the window's start:
 * a profile of 100/s becomes bursts of 100 at each connection's second (not spread over it), the
 * windows are not the run's seconds, and the rate is fixed when the instance starts (a ramp needs
 * a new instance, new connections and a gap, every second). Read in lib/httpClient.js: a counter
 * per connection that a 1 s `setInterval` resets, so each window's requests go up to 1 s before
 * their scheduled time, and latency "from the schedule" would come out negative.
 *
 * **What is done instead.** autocannon keeps its connections, HTTP/1.1 framing, pipelining,
 * timeouts and reconnects; the schedule is ours. Each connection asks for its next request through
 * its `_doRequest` (on connect, and after each response: a free slot); the driver answers with the
 * request due now, or parks the slot until one is due. Each request's bytes are built here from
 * the scenario's records (formats.ts) and handed to the connection as its request template's
 * buffer (see `requestBytes` for why not through `setupRequest`), so the rate is the scenario's
 * profile, exactly, whatever its shape (constant, ramp, steps, Poisson), and a request never goes
 * before its records' schedule.
 * When every slot is busy, records wait in the workload with their scheduled times: the wait shows
 * as latency (measured from the schedule, in µs, into the run's HDR histogram: no coordinated
 * omission), and memory stays O(connections × pipelining), not O(backlog).
 *
 * The autocannon internals used (`_doRequest`, `_connect`, `destroyed`, `conn`,
 * `requestIterator.requests`, `.recordBody`, `.resetContext`, `pipelinedRequests`, `parser`) are
 * those of the exact version package.json pins (9.0.0); the tests in test/targets/http fail if
 * they change (no request would go, or none would be answered).
 *
 * **Outcomes** (README, "The http target"): a 2xx acknowledges the request's records, unless its
 * body is a PutRecords answer with `FailedRecordCount` > 0: those entries are throttled and
 * retried. 429 and 503 are throttling: every record of the request is retried after the scenario's
 * backoff (`nextDelay`), while `retriesAfter`, as a client SDK does. Another 5xx and a connection
 * that failed (reset, closed, refused, timed out) are retried the same way, and counted as errors;
 * (a connection autocannon reopens at once after an error; the target's `prepare` has checked that
 * the URL's port answers at all);
 * any other status (a 400, a 403) is not retried: its records are dropped. Every response is
 * counted by status (`http.status.<code>`), every failed connection by code (`http.errors.<code>`).
 */
import autocannon from 'autocannon';
import type { Producer, Scenario } from '../../scenario/schema.js';
import { nextDelay, retriesAfter } from '../../workload/backoff.js';
import { InstanceDealer, type NumberedRecord } from '../../workload/instances.js';
import { ProducerWorkload } from '../../workload/producer.js';
import { recordDataBytes } from '../../workload/record-header.js';
import type { RunClock } from '../clock.js';
import { DueQueue } from '../due-queue.js';
import type { TargetShare } from '../target.js';
import {
  type BatchRule,
  type BodyContext,
  batchRule,
  buildBody,
  failedEntries,
  type HttpRecord,
} from './formats.js';
import type { HttpFormat } from './options.js';
import { OutcomeCounts } from './outcome-counts.js';

/** What the driver reports as it goes: the recorder's counts, wrapped so tests can read them. */
export interface DriverSink {
  /** Writes of the run second `second` (user records). */
  countWrites(
    second: number,
    counts: Partial<{
      offered: number;
      retried: number;
      acknowledged: number;
      throttled: number;
      dropped: number;
      writeBytes: number;
      writeRecords: number;
    }>,
  ): void;
  countPutRequests(n: number): void;
  /** One record acknowledged `latencySeconds` after its schedule. */
  acknowledged(record: HttpRecord, latencySeconds: number, second: number): void;
}

export interface DriverOptions {
  url: string;
  method: string;
  /** The user's headers (`--header`), over the format's. */
  headers: readonly (readonly [string, string])[];
  connections: number;
  pipelining: number;
  timeoutSeconds: number;
  format: HttpFormat;
  scenario: Scenario;
  seed: number;
  durationSeconds: number;
  share: TargetShare;
  clock: RunClock;
  body: Omit<BodyContext, 'epochMicros'>;
  sink: DriverSink;
  signal: AbortSignal;
}

export interface DriverOutcome {
  /** Records sent and neither acknowledged nor dropped when the driver stopped. */
  pendingAtEnd: number;
  /**
   * Counts by name: `requests.<operation>.<outcome>`, `http.status.<code>`, `http.errors.<code>`,
   * `entries.<ErrorCode>`, and response times by status, `http.latency.<status>.<p50|p99|max>Seconds`.
   */
  counts: Record<string, number>;
  /** Requests sent per run second (first sends and retries). */
  requestsPerSecond: number[];
}

/** A request as the driver holds it: its records, its attempt, when it may go. */
interface Request {
  /** The feed (producer instance) it came from: its index in the driver's feeds. */
  feed: number;
  records: HttpRecord[];
  attempt: number;
  dueAt: number;
}

/** Counts the outcome of a request whose attempt ended. */
type Outcome = { kind: 'response'; status: number; body: string } | { kind: 'error'; code: string };

/** The autocannon 9 client internals the driver uses (lib/httpClient.js). */
interface CannonClient {
  destroyed: boolean;
  conn?: { destroyed?: boolean } | undefined;
  requestIterator: {
    requests: { requestBuffer?: Buffer }[];
    recordBody(request: unknown, status: number, body: string): void;
    resetContext(): void;
  };
  pipelinedRequests: { clear(): void };
  parser: { initialize?(type: string): void };
  _doRequest(): void;
  _connect(): void;
  on(event: 'response', listener: (status: number) => void): void;
  on(event: 'connError', listener: (error: { code?: string }) => void): void;
  on(event: 'timeout', listener: () => void): void;
}

/** What the driver keeps per connection: the requests on it, oldest first (HTTP/1.1 answers in order). */
interface Connection {
  inFlight: Request[];
  lastError?: string | undefined;
}

/**
 * One producer instance's records on their way into requests: each instance (`instances`) takes
 * its share of the producer's schedule from the producer's dealer and batches it alone, as the
 * producer's processes would (the model's batching and the aws target's are per instance too:
 * with n instances, a batch that lingers gathers 1/n of the records).
 */
class Feed {
  readonly rule: BatchRule;
  next: NumberedRecord | undefined;
  batch: HttpRecord[] = [];
  batchBytes = 0;
  /** When the open batch must go: its first record's schedule + linger. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(
    /** Its index in the driver's feeds (a request's `feed`). */
    readonly slot: number,
    /** The producer's index in the scenario (the record header's `producer`). */
    readonly index: number,
    readonly producer: Producer,
    readonly dealer: InstanceDealer,
    readonly instance: number,
    format: HttpFormat,
  ) {
    this.rule = batchRule(format, producer);
    this.next = dealer.next(instance);
  }

  /** The producer's workload (its backoff's random numbers are the producer's, shared by its instances). */
  get workload(): ProducerWorkload {
    return this.dealer.workload;
  }

  take(record: NumberedRecord): HttpRecord {
    const key = record.partitionKey;
    return {
      producer: this.index,
      sequence: record.sequence,
      at: record.at,
      partitionKey: key,
      explicitHashKey: record.explicitHashKey,
      dataBytes: recordDataBytes(record.dataBytes),
      keyBytes: Buffer.byteLength(key),
    };
  }

  advance(): void {
    this.next = this.dealer.next(this.instance);
  }
}

/** What a request is, for `requests.<operation>.<outcome>`: PutRecords, PutRecord, json, raw. */
export function operationOf(format: HttpFormat, rule: BatchRule): string {
  if (format === 'api-gateway-kinesis') return rule.list ? 'PutRecords' : 'PutRecord';
  return format;
}

/** autocannon's longest duration: its stop timer is a setTimeout (at most 2^31 − 1 ms). */
const MAX_CANNON_SECONDS = 2_000_000;

/** Sends the scenario's records as requests; see the file's comment. */
export class HttpDriver {
  private readonly feeds: Feed[];
  private readonly ready: Request[] = [];
  private readyHead = 0;
  private readonly retries = new DueQueue<Request>();
  /** Free request slots: one entry per slot (a connection with pipelining p has up to p). */
  private idle: CannonClient[] = [];
  private readonly connections = new Map<CannonClient, Connection>();
  /** Responses by status, failed connections by code, requests by operation (outcome-counts.ts). */
  private readonly outcomes = new OutcomeCounts();
  /**
   * The last format headers seen (the json formats' are one frozen object) and the head up to
   * Content-Length's value with them: request line, Host, Connection, the format's, the user's.
   */
  private formatHeaders: Readonly<Record<string, string>> | undefined;
  private headUntilLength = '';
  private readonly requestsPerSecond: number[];
  /** Records taken from the workload per run second of their schedule (the target rate): all, by the end. */
  readonly scheduledPerSecond: number[];
  private readonly context: BodyContext;
  /** The request line, Host and Connection: the same for every request. */
  private readonly head: string;
  private readonly path: string;
  private readonly userHeaderNames: ReadonlySet<string>;
  private readonly userHeaderText: string;
  private asciiHead = true;
  private inFlight = 0;
  private unresolved = 0;
  /** The body of the response being handled (`recordBody` comes just before the `response` event). */
  private lastBody = '';
  private wake: (() => void) | undefined;
  private bug: unknown;

  constructor(private readonly options: DriverOptions) {
    const { scenario, seed, durationSeconds, share, clock } = options;
    this.feeds = [];
    scenario.producers.forEach((p, i) => {
      const dealer = new InstanceDealer(
        new ProducerWorkload(p, { seed, durationSeconds, share }),
        p.instances,
      );
      for (let instance = 0; instance < p.instances; instance++)
        this.feeds.push(new Feed(this.feeds.length, i, p, dealer, instance, options.format));
    });
    this.requestsPerSecond = new Array<number>(Math.max(1, Math.ceil(durationSeconds))).fill(0);
    this.scheduledPerSecond = new Array<number>(this.requestsPerSecond.length).fill(0);
    this.context = { ...options.body, epochMicros: (s) => clock.epochMicros(s) };
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    const named = (name: string) => options.headers.some(([n]) => n.toLowerCase() === name);
    this.head = `${options.method} ${this.path} HTTP/1.1\r\n${named('host') ? '' : `Host: ${url.host}\r\n`}${named('connection') ? '' : 'Connection: keep-alive\r\n'}`;
    // The user's headers, as given; Content-Length is the body's own.
    const given = options.headers.filter(([n]) => n.toLowerCase() !== 'content-length');
    this.userHeaderNames = new Set(given.map(([n]) => n.toLowerCase()));
    this.userHeaderText = given.map(([n, v]) => `${n}: ${v}\r\n`).join('');
    // A header value outside ASCII is sent as Latin-1 (RFC 9110's obsolete text): only in bodies
    // is text UTF-8, so a request with such a header is built in two parts.
    if (!/^[\x20-\x7e\t\r\n]*$/.test(this.userHeaderText)) this.asciiHead = false;
  }

  async run(): Promise<DriverOutcome> {
    const { signal, clock } = this.options;
    const path = this.path;
    const cannon = autocannon(
      {
        url: this.options.url,
        connections: this.options.connections,
        pipelining: this.options.pipelining,
        method: this.options.method as autocannon.Request['method'],
        timeout: this.options.timeoutSeconds,
        duration: MAX_CANNON_SECONDS,
        sampleInt: 200,
        skipAggregateResult: true,
        requests: [
          {
            method: this.options.method as autocannon.Request['method'],
            path,
          },
        ],
        setupClient: (client: unknown) => this.adopt(client as CannonClient),
      } as autocannon.Options,
      (error: Error | null) => {
        // autocannon refused its options (the schema should have first): a bug, said as it is.
        if (error !== null && error !== undefined) {
          this.bug ??= error;
          refused?.();
          this.wake?.();
        }
      },
    );
    let refused: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      refused = resolve;
      cannon.once('done', () => resolve());
    });
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted && this.bug === undefined) {
        const now = clock.seconds();
        for (let r = this.retries.popDue(now); r !== undefined; r = this.retries.popDue(now))
          this.ready.push(r);
        this.pull(now);
        this.pump();
        if (this.finished()) break;
        await this.waitUntil(this.nextWakeAt());
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.bug === undefined) cannon.stop();
      await stopped;
    }
    if (this.bug !== undefined) throw this.bug;
    return {
      pendingAtEnd: this.unresolved,
      counts: this.countsSoFar(),
      requestsPerSecond: this.requestsPerSecond,
    };
  }

  /** Requests sent per run second so far. */
  requestsSoFar(): readonly number[] {
    return this.requestsPerSecond;
  }

  /** The counts so far (a partial result's, after an abort). */
  countsSoFar(): Record<string, number> {
    return this.outcomes.byName();
  }

  // ---- The schedule

  /** Moves the records due by `now` into requests, while the ready queue has room for them. */
  private pull(now: number): void {
    // More ready requests than free slots would only wait here: the records wait in the workload
    // instead, with their schedule (O(slots) memory whatever the backlog).
    const room = this.options.connections * this.options.pipelining;
    for (const feed of this.feeds) {
      while (feed.next !== undefined && feed.next.at <= now && this.readySize() < room) {
        const record = feed.take(feed.next);
        this.scheduledPerSecond[Math.min(this.scheduledPerSecond.length - 1, Math.floor(record.at))]! += 1;
        // A batch whose linger ended before this record's time went then.
        if (feed.batch.length > 0 && feed.deadline < record.at) this.close(feed);
        this.add(feed, record);
        feed.advance();
      }
      if (feed.batch.length > 0 && (feed.deadline <= now || feed.next === undefined)) this.close(feed);
    }
  }

  private add(feed: Feed, record: HttpRecord): void {
    const bytes = feed.rule.recordBytes(record);
    if (
      feed.batch.length > 0 &&
      (feed.batch.length + 1 > feed.rule.maxRecords || feed.batchBytes + bytes > feed.rule.maxBytes)
    )
      this.close(feed);
    if (feed.batch.length === 0) feed.deadline = record.at + feed.producer.batching.linger;
    feed.batch.push(record);
    feed.batchBytes += bytes;
    if (feed.batch.length >= feed.rule.maxRecords || feed.batchBytes >= feed.rule.maxBytes) this.close(feed);
  }

  private close(feed: Feed): void {
    this.ready.push({ feed: feed.slot, records: feed.batch, attempt: 1, dueAt: 0 });
    feed.batch = [];
    feed.batchBytes = 0;
    feed.deadline = Number.POSITIVE_INFINITY;
  }

  private readySize(): number {
    return this.ready.length - this.readyHead;
  }

  private takeReady(): Request | undefined {
    if (this.readyHead >= this.ready.length) return undefined;
    const r = this.ready[this.readyHead]!;
    this.readyHead += 1;
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
    return r;
  }

  private finished(): boolean {
    return (
      this.feeds.every((f) => f.next === undefined && f.batch.length === 0) &&
      this.retries.size === 0 &&
      this.readySize() === 0 &&
      this.inFlight === 0
    );
  }

  private nextWakeAt(): number {
    let at = this.retries.nextDueAt;
    const room = this.readySize() < this.options.connections * this.options.pipelining;
    for (const f of this.feeds) {
      if (room && f.next !== undefined) at = Math.min(at, f.next.at);
      at = Math.min(at, f.deadline);
    }
    return at;
  }

  /** Waits until run time `seconds`, a freed slot or a response, or the abort. */
  private waitUntil(seconds: number): Promise<void> {
    const ms = (seconds - this.options.clock.seconds()) * 1000;
    if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
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

  // ---- autocannon's connections

  /** Takes over a new autocannon client: its slots come to the driver, its answers too. */
  private adopt(client: CannonClient): void {
    const connection: Connection = { inFlight: [] };
    this.connections.set(client, connection);
    // The response's body, without autocannon's `onResponse` path (it turns the raw headers into
    // an object with lodash for every response), and no per-request deep clone of a context the
    // driver does not use.
    client.requestIterator.recordBody = (_request, _status, body) => {
      this.lastBody = body;
    };
    client.requestIterator.resetContext = () => {};
    const send = client._doRequest.bind(client);
    const connect = client._connect.bind(client);
    // A free slot: the request due now, or parked until one is.
    client._doRequest = () => {
      if (client.destroyed) return;
      const request = this.takeReady();
      if (request === undefined) {
        this.idle.push(client);
        return;
      }
      this.send(client, connection, request, send);
    };
    // A new connection (the first, or after an error, a close or a timeout): what was in flight
    // on the old one is lost and counted; autocannon then asks for `pipelining` requests.
    client._connect = () => {
      this.idle = this.idle.filter((c) => c !== client);
      const lost = connection.inFlight.splice(0);
      const code = connection.lastError ?? (client.conn?.destroyed ? 'ETIMEDOUT' : 'ECONNCLOSED');
      connection.lastError = undefined;
      client.pipelinedRequests.clear();
      client.parser.initialize?.('RESPONSE');
      for (const request of lost) this.guard(() => this.settle(request, { kind: 'error', code }));
      connect();
    };
    client.on('connError', (error) => {
      connection.lastError = typeof error?.code === 'string' ? error.code : 'ECONNERROR';
    });
    client.on('response', (status) => {
      const request = connection.inFlight.shift();
      if (request !== undefined)
        this.guard(() => this.settle(request, { kind: 'response', status, body: this.lastBody }));
      this.lastBody = '';
    });
  }

  /** Runs `fn`; a throw is a bug in the handling: the driver stops and rethrows it. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.bug ??= error;
      this.wake?.();
    }
  }

  /** Gives the ready requests to the free slots. */
  private pump(): void {
    while (this.readySize() > 0 && this.idle.length > 0) {
      const client = this.idle.pop()!;
      if (client.destroyed) continue;
      client._doRequest();
    }
  }

  private send(client: CannonClient, connection: Connection, request: Request, send: () => void): void {
    const { clock, sink } = this.options;
    const second = clock.second();
    const n = request.records.length;
    if (request.attempt === 1) {
      this.unresolved += n;
      sink.countWrites(second, { offered: n });
    } else sink.countWrites(second, { retried: n });
    sink.countPutRequests(1);
    this.requestsPerSecond[second]! += 1;
    connection.inFlight.push(request);
    this.inFlight += 1;
    // The one request template of this client: autocannon writes its `requestBuffer` as it is
    // (no `setupRequest`, so no rebuild through its builder).
    client.requestIterator.requests[0]!.requestBuffer = this.requestBytes(request);
    send();
    // The ready queue shrank: the schedule moves more records in once half of it has gone (one
    // wake of the loop per request cost as much CPU as building the request).
    if (this.readySize() * 2 <= this.options.connections * this.options.pipelining) this.wake?.();
  }

  /**
   * The request's bytes: the request line and headers (the format's, then the user's, which win
   * over a format's of the same name), `Content-Length`, the body. Built here rather than through
   * autocannon's `setupRequest`: its builder merges the defaults into three new objects, draws a
   * hyperid and deep-clones the request context for every request, which cost more CPU per request
   * than the whole request did otherwise (bench/http-target.bench.ts: 35 % of plain autocannon's
   * rate with it, against the 80 % asked). Built this way, with the bodies of formats.ts and the
   * counts of outcome-counts.ts, a request costs the target 2–5 µs of client CPU beyond plain
   * autocannon's 16–21 µs (the bench's last line; 16–19 µs beyond before those), 88–93 % of its
   * rate on a 2-core machine at load 2 (at load 10 the rates of both sides follow the scheduler).
   */
  private requestBytes(request: Request): Buffer {
    const feed = this.feeds[request.feed]!;
    const built = buildBody(this.options.format, feed.rule, this.context, request.records);
    if (built.headers !== this.formatHeaders) {
      let text = '';
      for (const name in built.headers) {
        if (!this.userHeaderNames.has(name.toLowerCase())) text += `${name}: ${built.headers[name]}\r\n`;
      }
      this.formatHeaders = built.headers;
      this.headUntilLength = `${this.head}${text}${this.userHeaderText}Content-Length: `;
    }
    const body = built.body;
    const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const head = `${this.headUntilLength}${bodyBytes}\r\n\r\n`;
    // One buffer, head and body written into it: no string of both to build and encode again.
    // The head is ASCII (its byte count is its length) unless a user header is not: then Latin-1.
    const headBytes = this.asciiHead ? head.length : Buffer.byteLength(head, 'latin1');
    const bytes = Buffer.allocUnsafe(headBytes + bodyBytes);
    bytes.write(head, 0, headBytes, 'latin1');
    if (typeof body === 'string') bytes.write(body, headBytes, bodyBytes, 'utf8');
    else body.copy(bytes, headBytes);
    return bytes;
  }

  // ---- Outcomes

  private settle(request: Request, outcome: Outcome): void {
    this.inFlight -= 1;
    const retriesBefore = this.retries.size;
    const { clock, sink } = this.options;
    const now = clock.seconds();
    const second = clock.second();
    const records = request.records;
    const rule = this.feeds[request.feed]!.rule;
    const operation = this.outcomes.operation(operationOf(this.options.format, rule));
    // From when this attempt was due (its oldest record's schedule; a retry: its backoff's end).
    const took = Math.max(0, now - (request.attempt === 1 ? records[0]!.at : request.dueAt));
    if (outcome.kind === 'error') {
      const slot = this.outcomes.error(outcome.code);
      slot.count += 1;
      slot.latency.record(took, 1);
      operation.error += 1;
      sink.countWrites(second, { dropped: this.retryOrDrop(request, records, now) });
    } else {
      const status = outcome.status;
      const slot = this.outcomes.status(status);
      slot.count += 1;
      slot.latency.record(took, 1);
      if (status >= 200 && status < 300) {
        const refused = records.length > 1 || rule.list ? failedEntries(outcome.body, records.length) : [];
        // Most answers refuse nothing: no set of indices, no list of records to retry.
        const failed = refused.length === 0 ? undefined : new Set(refused.map((r) => r.index));
        for (const r of refused) this.outcomes.entry(r.code);
        let acknowledged = 0;
        let writeBytes = 0;
        for (let i = 0; i < records.length; i++) {
          if (failed?.has(i)) continue;
          const record = records[i]!;
          acknowledged += 1;
          writeBytes += rule.recordBytes(record);
          sink.acknowledged(record, now - record.at, second);
        }
        this.unresolved -= acknowledged;
        operation.ok += 1;
        const retry = failed === undefined ? undefined : records.filter((_, i) => failed.has(i));
        const dropped = retry === undefined ? 0 : this.retryOrDrop(request, retry, now);
        sink.countWrites(second, {
          acknowledged,
          throttled: retry?.length ?? 0,
          dropped,
          writeBytes,
          writeRecords: acknowledged,
        });
      } else if (status === 429 || status === 503) {
        operation.throttled += 1;
        sink.countWrites(second, {
          throttled: records.length,
          dropped: this.retryOrDrop(request, records, now),
        });
      } else if (status >= 500) {
        operation.error += 1;
        sink.countWrites(second, { dropped: this.retryOrDrop(request, records, now) });
      } else {
        // A 4xx other than 429 (or a 1xx/3xx): the same request would get the same answer.
        operation.error += 1;
        this.unresolved -= records.length;
        sink.countWrites(second, { dropped: records.length });
      }
    }
    // The loop waits for the next record, batch or retry, or for room: a retry may be due before
    // what it waits for, and the last answer may end the run.
    if (this.retries.size !== retriesBefore || this.inFlight === 0) this.wake?.();
  }

  /** Queues `records` of `request` for its next attempt, or drops them; returns the records dropped. */
  private retryOrDrop(request: Request, records: HttpRecord[], now: number): number {
    const feed = this.feeds[request.feed]!;
    if (!retriesAfter(feed.producer.retry, request.attempt)) {
      this.unresolved -= records.length;
      return records.length;
    }
    const attempt = request.attempt + 1;
    this.retries.push({
      feed: request.feed,
      records,
      attempt,
      dueAt: now + nextDelay(feed.producer.retry, attempt, feed.workload.backoffRng),
    });
    return 0;
  }
}
