/** A producer's records as a real target sends them: schedule, keys and sizes together, seeded per producer. */
import { describe, expect, it } from 'vitest';
import { type Scenario, scenarioSchema } from '../../src/scenario/schema.js';
import { type ProducerRecord, ProducerWorkload } from '../../src/workload/producer.js';
import { forkSeed, Rng } from '../../src/workload/random.js';

function scenario(producers: Record<string, unknown>[]): Scenario {
  return scenarioSchema.parse({ name: 'p', stream: { shards: 2 }, producers });
}

const web = {
  name: 'web',
  rate: '100/s',
  recordSize: { dist: 'uniform', min: 100, max: 300 },
  keys: { dist: 'zipf', count: 50 },
};
const take = (w: Iterable<ProducerRecord>, n: number) => {
  const out: ProducerRecord[] = [];
  for (const r of w) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
};

describe('ProducerWorkload', () => {
  it('sends each record on the schedule with a key and whole data bytes, by hand for a constant rate', () => {
    const [producer] = scenario([
      {
        name: 'one',
        rate: '4/s',
        recordSize: '1KiB',
        keys: { dist: 'weighted', keys: [{ key: 'k', weight: 1, explicitHashKey: '7' }] },
      },
    ]).producers;
    const records = [...new ProducerWorkload(producer!, { seed: 1, durationSeconds: 1 })];
    // 4 records a second, record k at (k + ½)/4 s: 0.125, 0.375, 0.625, 0.875.
    expect(records).toEqual(
      [0.125, 0.375, 0.625, 0.875].map((at) => ({
        at,
        partitionKey: 'k',
        explicitHashKey: '7',
        dataBytes: 1024,
      })),
    );
  });

  it('a byte rate counts records at the size sampler’s mean: 20 KiB/s of 100 … 300 B records is 102.4 records/s', () => {
    const [producer] = scenario([{ ...web, rate: '20KiB/s' }]).producers;
    const workload = new ProducerWorkload(producer!, { seed: 1, durationSeconds: 10 });
    // Mean (100 + 300)/2 = 200 B; 20,480 B/s ÷ 200 B = 102.4 records/s, 1,024 in 10 s.
    expect(workload.meanRecordBytes).toBe(200);
    expect([...workload]).toHaveLength(1024);
  });

  it('a producer’s records do not depend on the other producers, their order or its own size distribution', () => {
    const alone = scenario([web]).producers[0]!;
    const withOthers = scenario([{ name: 'batch', rate: '5k/s' }, web]).producers[1]!;
    const first = take(new ProducerWorkload(alone, { seed: 9, durationSeconds: 60 }), 500);
    expect(take(new ProducerWorkload(withOthers, { seed: 9, durationSeconds: 60 }), 500)).toEqual(first);
    // Other sizes, same keys: sizes and keys draw from separate forks.
    const resized = scenario([{ ...web, recordSize: '2KiB' }]).producers[0]!;
    const keys = take(new ProducerWorkload(resized, { seed: 9, durationSeconds: 60 }), 500).map(
      (r) => r.partitionKey,
    );
    expect(keys).toEqual(first.map((r) => r.partitionKey));
    // Another seed, other keys.
    const reseeded = take(new ProducerWorkload(alone, { seed: 10, durationSeconds: 60 }), 500);
    expect(reseeded.map((r) => r.partitionKey)).not.toEqual(first.map((r) => r.partitionKey));
  });

  it('workers split the schedule: 3 workers send every send time of one process, once', () => {
    const producer = scenario([web]).producers[0]!;
    const whole = [...new ProducerWorkload(producer, { seed: 2, durationSeconds: 30 })].map((r) => r.at);
    const parts = [0, 1, 2].flatMap((index) =>
      [...new ProducerWorkload(producer, { seed: 2, durationSeconds: 30, share: { index, count: 3 } })].map(
        (r) => r.at,
      ),
    );
    // 100/s for 30 s: 3,000 records, 1,000 per worker.
    expect(whole).toHaveLength(3000);
    expect(parts.sort((a, b) => a - b)).toEqual(whole);
  });

  it('backoff draws from its own fork', () => {
    const producer = scenario([web]).producers[0]!;
    const workload = new ProducerWorkload(producer, { seed: 3, durationSeconds: 1 });
    expect(workload.backoffRng.uniform()).toBe(new Rng(forkSeed(3, 'web#backoff@0/1')).uniform());
    expect(workload.retry).toEqual({ maxAttempts: 3, baseDelay: 0.1, maxDelay: 20 });
  });
});
