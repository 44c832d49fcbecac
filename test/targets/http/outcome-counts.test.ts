/** The http driver's counts: slots a response adds to, named only when read. */
import { describe, expect, it } from 'vitest';
import { OutcomeCounts } from '../../../src/targets/http/outcome-counts.js';

describe('OutcomeCounts', () => {
  it('names each status, error code, operation outcome and refused entry, with response times by status', () => {
    const counts = new OutcomeCounts();
    // Three 200s taking 1, 2 and 3 ms, one 429 of 10 ms, one reset connection after 0.5 s.
    for (const seconds of [0.001, 0.002, 0.003]) {
      const slot = counts.status(200);
      slot.count += 1;
      slot.latency.record(seconds, 1);
      counts.operation('PutRecords').ok += 1;
    }
    const throttled = counts.status(429);
    throttled.count += 1;
    throttled.latency.record(0.01, 1);
    counts.operation('PutRecords').throttled += 1;
    const reset = counts.error('ECONNRESET');
    reset.count += 1;
    reset.latency.record(0.5, 1);
    counts.operation('PutRecords').error += 1;
    counts.entry('ProvisionedThroughputExceededException');
    counts.entry('ProvisionedThroughputExceededException');
    const named = counts.byName();
    // The same slot each time: 3 responses of 200, 3 PutRecords ok, 2 refused entries.
    expect(named['http.status.200']).toBe(3);
    expect(named['http.status.429']).toBe(1);
    expect(named['http.errors.ECONNRESET']).toBe(1);
    expect(named['requests.PutRecords.ok']).toBe(3);
    expect(named['requests.PutRecords.throttled']).toBe(1);
    expect(named['requests.PutRecords.error']).toBe(1);
    expect(named['entries.ProvisionedThroughputExceededException']).toBe(2);
    // p50 of {1, 2, 3} ms is 2 ms, p99 and max 3 ms (HDR, µs resolution: within 0.1 %).
    expect(named['http.latency.200.p50Seconds']).toBeCloseTo(0.002, 5);
    expect(named['http.latency.200.p99Seconds']).toBeCloseTo(0.003, 5);
    expect(named['http.latency.200.maxSeconds']).toBeCloseTo(0.003, 5);
    expect(named['http.latency.429.maxSeconds']).toBeCloseTo(0.01, 4);
    expect(named['http.latency.ECONNRESET.p50Seconds']).toBeCloseTo(0.5, 3);
    // Names sorted, and an outcome that never happened not named at all.
    expect(Object.keys(named)).toEqual([...Object.keys(named)].sort());
    const json = new OutcomeCounts();
    json.operation('json').ok += 1;
    expect(Object.keys(json.byName())).toEqual(['requests.json.ok']);
  });
});
