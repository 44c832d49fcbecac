/**
 * The http driver's counts of outcomes: responses by status, failed connections by code, requests
 * by operation and outcome, refused PutRecords entries by ErrorCode, and response times by status
 * or code in µs-resolution HDR histograms.
 *
 * A response adds to a slot (its status's, its operation's) rather than to a counter found by
 * name: a name per response (`http.status.${status}`, `requests.${operation}.ok`) cost a string
 * and a hash of it each time, a measurable share of the driver's CPU per request at tens of
 * thousands of requests a second (bench/http-target.bench.ts). The names are built when the counts
 * are read (`byName`), the same names as before.
 */
import { FlowHistogram } from '../../result/flow-histogram.js';
import { maxSeconds, percentilesSeconds } from '../../result/histogram.js';

/** Responses of one status (or failed connections of one code): how many, and how long they took. */
export interface OutcomeSlot {
  count: number;
  /** Response times, µs resolution. */
  readonly latency: FlowHistogram;
}

/** Requests of one operation by outcome: `requests.<operation>.<ok|throttled|error>`. */
export interface OperationSlot {
  ok: number;
  throttled: number;
  error: number;
}

const OUTCOMES = ['ok', 'throttled', 'error'] as const;

export class OutcomeCounts {
  private readonly statuses = new Map<number, OutcomeSlot>();
  private readonly errors = new Map<string, OutcomeSlot>();
  private readonly operations = new Map<string, OperationSlot>();
  private readonly entries = new Map<string, number>();

  /** The slot of responses with `status` (`http.status.<status>`, `http.latency.<status>.*`). */
  status(status: number): OutcomeSlot {
    let slot = this.statuses.get(status);
    if (slot === undefined) {
      slot = { count: 0, latency: new FlowHistogram() };
      this.statuses.set(status, slot);
    }
    return slot;
  }

  /** The slot of connections failed with `code` (`http.errors.<code>`, `http.latency.<code>.*`). */
  error(code: string): OutcomeSlot {
    let slot = this.errors.get(code);
    if (slot === undefined) {
      slot = { count: 0, latency: new FlowHistogram() };
      this.errors.set(code, slot);
    }
    return slot;
  }

  /** The counters of an operation's requests (`requests.<operation>.<outcome>`). */
  operation(operation: string): OperationSlot {
    let slot = this.operations.get(operation);
    if (slot === undefined) {
      slot = { ok: 0, throttled: 0, error: 0 };
      this.operations.set(operation, slot);
    }
    return slot;
  }

  /** A PutRecords entry refused with `code` (`entries.<code>`). */
  entry(code: string): void {
    this.entries.set(code, (this.entries.get(code) ?? 0) + 1);
  }

  /**
   * The counts by name, sorted: `requests.<operation>.<outcome>` (those that happened),
   * `http.status.<code>`, `http.errors.<code>`, `entries.<ErrorCode>`, and
   * `http.latency.<status or code>.<p50|p99|max>Seconds`.
   */
  byName(): Record<string, number> {
    const all = new Map<string, number>();
    const latencies: [string, FlowHistogram][] = [];
    for (const [status, slot] of this.statuses) {
      all.set(`http.status.${status}`, slot.count);
      latencies.push([String(status), slot.latency]);
    }
    for (const [code, slot] of this.errors) {
      all.set(`http.errors.${code}`, slot.count);
      latencies.push([code, slot.latency]);
    }
    for (const [operation, slot] of this.operations) {
      for (const outcome of OUTCOMES) {
        if (slot[outcome] > 0) all.set(`requests.${operation}.${outcome}`, slot[outcome]);
      }
    }
    for (const [code, n] of this.entries) all.set(`entries.${code}`, n);
    for (const [key, histogram] of latencies) {
      const encoded = histogram.encode();
      const [p50, p99] = percentilesSeconds(encoded, [50, 99]);
      all.set(`http.latency.${key}.p50Seconds`, p50!);
      all.set(`http.latency.${key}.p99Seconds`, p99!);
      all.set(`http.latency.${key}.maxSeconds`, maxSeconds(encoded));
    }
    return Object.fromEntries([...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
