/**
 * A producer's instances (`producers[].instances`): each sends its own share of the producer's
 * records, with its own batches, as the producer's processes would. Shared by the real targets.
 */
import type { ProducerRecord, ProducerWorkload } from './producer.js';

/** A scheduled record with its number in its producer's sequence (the header's `sequence`). */
export type NumberedRecord = ProducerRecord & { sequence: number };

/**
 * One producer's records dealt to its instances: record k of the schedule goes to instance
 * k mod n, numbered k, so the producer's sequence stays one dense count (the integrity ledger's)
 * whichever instance sends a record. Each instance takes its records in time order; the records
 * it passes over wait in their instance's queue (a few at most: every instance takes its records
 * as their time comes).
 */
export class InstanceDealer {
  private readonly queues: NumberedRecord[][];
  private dealt = 0;

  constructor(
    readonly workload: ProducerWorkload,
    readonly instances: number,
  ) {
    this.queues = Array.from({ length: instances }, () => []);
  }

  /** Instance `instance`'s next record, or undefined when the schedule has no more for it. */
  next(instance: number): NumberedRecord | undefined {
    const queue = this.queues[instance]!;
    while (queue.length === 0) {
      const record = this.workload.next();
      if (record.done) return undefined;
      const sequence = this.dealt++;
      this.queues[sequence % this.instances]!.push({ ...record.value, sequence });
    }
    return queue.shift();
  }
}
