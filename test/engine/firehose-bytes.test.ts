/**
 * What a stream-sourced Firehose writes: the records' data blobs. Partition keys route a record to
 * its shard and are not part of the object; KPL aggregates are de-aggregated before delivery
 * ("Firehose de-aggregates the records before it delivers them to the destination",
 * https://docs.aws.amazon.com/streams/latest/dev/kpl-with-firehose.html). The engine filled the
 * buffers with the Kinesis record bytes (data + key, and the aggregation framing).
 */
import { describe, expect, it } from 'vitest';
import { MiB, metric, runOf } from './fidelity-helpers.js';

function streamFirehose(aggregation: boolean) {
  return runOf(`
name: firehose-bytes
duration: 320s
stream: { shards: 1 }
producers:
  - name: p
    instances: 1
    rate: 512/s
    recordSize: 128B
    keys: { dist: unique }
    aggregation: { enabled: ${aggregation} }
    batching: { linger: 250ms }
firehose:
  - { name: fh, source: stream, buffer: { size: 1MiB, interval: 900s } }
`);
}

describe('stream-sourced Firehose counts the data it writes', () => {
  it('without aggregation: 128 B a record, not 128 + 36 B of key', () => {
    // 512 records/s × 128 B = 65,536 B/s = 64 KiB/s of data, 1 MiB ÷ 64 KiB/s = 16 s an object:
    // 320 s of data is 20 MiB, 20 objects (size flushes; the last one is where the run ends).
    // Counting the 36-byte UUID keys too: 512 × 164 B = 83,968 B/s, ⌈1 MiB ÷ 83,968⌉ = 13 s an
    // object, 320 ÷ 13 → 25 objects (+25%).
    const r = streamFirehose(false);
    const records = metric(r, 'firehose.fh.records');
    // Every record is 128 B of data, exactly.
    expect(metric(r, 'firehose.fh.bytes')).toBeCloseTo(records * 128, 0);
    // Poisson arrivals move a boundary by a second or so: 20 ± 1 objects.
    const objects = metric(r, 'firehose.fh.objects');
    expect(objects).toBeGreaterThanOrEqual(19);
    expect(objects).toBeLessThanOrEqual(21);
    expect(Math.abs(objects - metric(r, 'firehose.fh.bytes') / MiB)).toBeLessThanOrEqual(1);
  });

  it('with KPL aggregation: the user records de-aggregated, neither keys nor framing', () => {
    // One instance, one shard, 512 records/s and a 250 ms linger: 128 user records an aggregate of
    // ~128 × (128 + 36 + framing) B. Firehose writes the 128-byte data blobs: the same 20 MiB and
    // 20 objects as without aggregation.
    const r = streamFirehose(true);
    const records = metric(r, 'firehose.fh.records');
    expect(records).toBeGreaterThan(0.99 * 512 * 319);
    expect(metric(r, 'firehose.fh.bytes')).toBeCloseTo(records * 128, 0);
    const objects = metric(r, 'firehose.fh.objects');
    expect(objects).toBeGreaterThanOrEqual(19);
    expect(objects).toBeLessThanOrEqual(21);
  });

  it('counts 1,000 B a record while a lagging reader drains, whatever Direct PUT producers send elsewhere', () => {
    // 900 records/s of exactly 1,000 B for 2 min on one shard, read by Firehose beside four polling
    // applications (2 MiB/s ÷ 5 = 419,430 B/s each, below the 900,000 written): Firehose lags and
    // drains its backlog after the producer stops, in steps with no new arrivals to take the bytes
    // per record from. Each record it writes is 1,000 B of data. A Direct PUT producer of 100 B
    // records (to another Firehose stream) made that 522 B: its records were counted in the average.
    const yaml = (directPut: boolean) => `
name: fh-mixed
region: us-east-1
duration: 5m
seed: 12
stream: { shards: 1 }
producers:
  - name: p
    rate: { profile: step, initial: 900/s, steps: [{ at: 2m, rate: 0/s }] }
    recordSize: { dist: fixed, size: 1000B }
    keys: { dist: uniform, count: 100 }
${directPut ? '  - { name: d, destination: dp, rate: 5000/s, recordSize: { dist: fixed, size: 100B } }' : ''}
consumers:
${[1, 2, 3, 4].map((i) => `  - { name: c${i}, type: polling }`).join('\n')}
firehose:
  - { name: fh, source: stream, buffer: { size: 1MiB, interval: 60s } }
${directPut ? '  - { name: dp, source: direct-put, buffer: { size: 1MiB, interval: 60s } }' : ''}
`;
    for (const directPut of [false, true]) {
      const fh = runOf(yaml(directPut)).counters.firehose.fh!;
      expect(fh.records).toBeGreaterThan(100_000);
      expect(fh.bytes / fh.records).toBeCloseTo(1000, 6);
    }
  });
});
