/**
 * One producer's records as a real target sends them: when (the open-loop schedule), with which
 * key and how many data bytes, one record at a time, for this worker's share of the run.
 *
 * Each producer draws from its own forks of the run's seed, named by the producer and the worker
 * (`web#keys@0/1`), one for keys and one for sizes: adding a producer to a scenario, reordering the
 * list or changing one producer's size distribution leaves every other draw as it was, and a
 * producer's keys do not depend on its sizes. (A run split over n workers sends the same send
 * times as one process, exactly; its keys and sizes are other draws from the same distributions.)
 */
import type { Producer } from '../scenario/schema.js';
import { ArrivalSchedule, type WorkerShare } from './arrivals.js';
import type { RetryPolicy } from './backoff.js';
import { type KeySampler, keySampler } from './keys.js';
import { forkSeed, Rng } from './random.js';
import { type RecordSizeSampler, recordSizeSampler } from './sizes.js';

export interface ProducerRecord {
  /** When to send it: seconds from the start of the run. */
  at: number;
  partitionKey: string;
  /** The scenario's ExplicitHashKey for the key, when it gives one. */
  explicitHashKey?: string | undefined;
  /** Data bytes (the partition key comes on top). */
  dataBytes: number;
}

export interface ProducerWorkloadOptions {
  /** The run's seed (the scenario's `seed` or `run --seed`). */
  seed: number;
  durationSeconds: number;
  share?: WorkerShare | undefined;
}

/** A producer's records in send order; lazy, O(1) memory beyond its key table. */
export class ProducerWorkload implements IterableIterator<ProducerRecord> {
  readonly producer: Producer;
  /** How failed records are resent (`nextDelay` draws from `backoffRng`). */
  readonly retry: RetryPolicy;
  /** E[dataBytes]: the planner's mean record size, which also turns a byte rate into records. */
  readonly meanRecordBytes: number;
  /** The generator a target draws this producer's backoff delays from. */
  readonly backoffRng: Rng;
  private readonly keys: KeySampler;
  private readonly sizes: RecordSizeSampler;
  private readonly schedule: ArrivalSchedule;

  constructor(producer: Producer, options: ProducerWorkloadOptions) {
    const share = options.share ?? { index: 0, count: 1 };
    // new Rng(seed).fork(label), without building the parent's normal table.
    const fork = (stream: string) =>
      new Rng(forkSeed(options.seed, `${producer.name}#${stream}@${share.index}/${share.count}`));
    this.producer = producer;
    this.retry = producer.retry;
    this.keys = keySampler(producer.keys, fork('keys'));
    this.sizes = recordSizeSampler(producer.recordSize, fork('sizes'));
    this.backoffRng = fork('backoff');
    this.meanRecordBytes = this.sizes.mean;
    this.schedule = new ArrivalSchedule(producer.rate, {
      durationSeconds: options.durationSeconds,
      meanRecordBytes: this.sizes.mean,
      share,
    });
  }

  next(): IteratorResult<ProducerRecord, undefined> {
    const at = this.schedule.next();
    if (at.done) return at;
    const key = this.keys.next();
    return {
      done: false,
      value: {
        at: at.value,
        partitionKey: key.partitionKey,
        explicitHashKey: key.explicitHashKey,
        dataBytes: this.sizes.next(),
      },
    };
  }

  [Symbol.iterator](): this {
    return this;
  }
}
