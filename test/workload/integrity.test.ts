/** The integrity ledger: delivered, missing, duplicates and out-of-order reads per application. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSequenceNumbers, IntegrityLedger } from '../../src/workload/integrity.js';
import { type RecordHeader, runTag } from '../../src/workload/record-header.js';

const RUN = 'run-1';
const header = (producer: number, sequence: number, worker = 0): RecordHeader => ({
  runTag: runTag(RUN),
  producer,
  worker,
  sequence,
  scheduledEpochMicros: 0,
});

describe('integrity ledger', () => {
  it('counts a hand-made story', () => {
    const ledger = new IntegrityLedger(RUN, 2, ['app', 'audit']);
    // Producer 0 has records 0 … 4 acknowledged, producer 1 record 0; 6 in all.
    for (let s = 0; s < 5; s++) ledger.acknowledged(0, s);
    ledger.acknowledged(1, 0);
    ledger.acknowledged(1, 0); // an acknowledgement seen twice counts once
    expect(ledger.acknowledgedTotal).toBe(6);
    // app reads 0/0, 0/1, 0/1 again (a duplicate), 0/3, 1/0, and 1/1 which was never acknowledged
    // (its request timed out, yet it was written): delivered 5, duplicates 1, missing = 6 − 4 = 2
    // (0/2 and 0/4). Sequence numbers on shard A go 10, 20, 20, then 15: out of order once.
    expect(ledger.read('app', header(0, 0), 'A', '10')).toBe('first');
    expect(ledger.read('app', header(0, 1), 'A', '20')).toBe('first');
    expect(ledger.read('app', header(0, 1), 'A', '20')).toBe('duplicate');
    expect(ledger.read('app', header(0, 3), 'A', '15')).toBe('first');
    expect(ledger.read('app', header(1, 0), 'B', '5')).toBe('first');
    expect(ledger.read('app', header(1, 1), 'B', '6')).toBe('first');
    // Foreign: no header, another run's tag, another worker's record.
    expect(ledger.read('app', undefined, 'A', '30')).toBe('foreign');
    expect(ledger.read('app', { ...header(0, 9), runTag: runTag('other') }, 'A', '31')).toBe('foreign');
    expect(ledger.read('app', header(0, 9, 1), 'A', '32')).toBe('foreign');
    expect(ledger.foreign).toBe(3);
    expect(ledger.counts()).toEqual({
      app: { delivered: 5, missing: 2, duplicates: 1, outOfOrder: 1 },
      audit: { delivered: 0, missing: 6, duplicates: 0, outOfOrder: 0 },
    });
    expect(ledger.outstanding('app')).toBe(2);
    // Producer 0's record 4 read before its acknowledgement comes back… then 0/2 is acknowledged late too.
    expect(ledger.read('app', header(0, 4), 'A', '40')).toBe('first');
    expect(ledger.outstanding('app')).toBe(1);
    // The late acknowledgement of 1/1, already read: outstanding stays at 1 (0/2), acknowledged grows to 7.
    ledger.acknowledged(1, 1);
    expect(ledger.acknowledgedTotal).toBe(7);
    expect(ledger.outstanding('app')).toBe(1);
    expect(() => ledger.read('nobody', header(0, 0), 'A', '1')).toThrow(
      /no consumer application named "nobody"/,
    );
  });

  it('orders sequence numbers as numbers, not as text', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(
      compareSequenceNumbers(
        '49590338271490256608559692538361571095921575989136588898',
        '49590338271490256608559692538361571095921575989136588899',
      ),
    ).toBeLessThan(0);
    expect(compareSequenceNumbers('100', '100')).toBe(0);
  });

  it('agrees with a brute force over sets, for any story (property)', () => {
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('ack' as const),
        producer: fc.integer({ min: 0, max: 1 }),
        seq: fc.integer({ min: 0, max: 300 }),
      }),
      fc.record({
        kind: fc.constant('read' as const),
        producer: fc.integer({ min: 0, max: 1 }),
        seq: fc.integer({ min: 0, max: 300 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 400 }), (events) => {
        const ledger = new IntegrityLedger(RUN, 2, ['app']);
        const acked = new Set<string>();
        const read = new Set<string>();
        let duplicates = 0;
        let sequence = 0;
        for (const e of events) {
          const id = `${e.producer}/${e.seq}`;
          if (e.kind === 'ack') {
            ledger.acknowledged(e.producer, e.seq);
            acked.add(id);
          } else {
            // Shard sequence numbers always grow here: nothing is out of order.
            sequence += 1;
            ledger.read('app', header(e.producer, e.seq), 'A', String(sequence));
            if (read.has(id)) duplicates += 1;
            read.add(id);
          }
        }
        const missing = [...acked].filter((id) => !read.has(id)).length;
        expect(ledger.counts().app).toEqual({ delivered: read.size, missing, duplicates, outOfOrder: 0 });
        expect(ledger.outstanding('app')).toBe(missing);
      }),
    );
  });
});
