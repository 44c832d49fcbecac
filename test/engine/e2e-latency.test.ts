/**
 * End-to-end latency: put latency, then the wait to be read, which is the propagation delay (for a
 * polling application at least half its poll interval), or the time a record queued in the
 * backlog when that is longer: the backlog's age already holds the propagation, so the two are not
 * added. A record processed by the end of a run was produced after it began: none waits longer
 * than the run.
 */
import { describe, expect, it } from 'vitest';
import { metric, runOf } from './fidelity-helpers.js';

describe('end-to-end latency', () => {
  it('a 10-minute run with a 100 ms and a 200 s poller: at most ~300 s, not 650 s', () => {
    // One shard, 100 records/s of 100 B. Two polling readers want 1 ÷ 0.1 + 1 ÷ 200 = 10.005
    // GetRecords calls/s, over the shard's 5: shared max-min fairly, the slow one keeps its
    // 0.005 calls/s (one every 200 s) and the fast one gets the other 4.995. The slow one takes
    // 10,000 records a call: 10,000 × 0.005 = 50 records/s, and its propagation delay is half its
    // interval, 100 s.
    //   It falls behind: by t it has read 50 t records, all arrived by 0.5 t, so its oldest unread
    //   record is t − 0.5 t = 0.5 t old, and the records it reads at t are that old: 0.5 × 600 =
    //   300 s at the end, their end-to-end latency (put latency is ~0.1 s more).
    // Adding the propagation on top gave more than the 600 s run (650 s with the old proportional
    // call scaling, which stretched the slow reader to a call every 400.2 s).
    const r = runOf(`
name: e2e-pollers
duration: 10m
stream: { shards: 1 }
producers:
  - { name: p, rate: 100/s, recordSize: 100B }
consumers:
  - { name: fast, type: polling, pollInterval: 100ms }
  - { name: slow, type: polling, pollInterval: 200 }
`);
    const max = metric(r, 'e2eLatency.max');
    expect(max).toBeLessThanOrEqual(600);
    expect(Math.abs(max - 0.5 * 600)).toBeLessThan(5);
    // The slow reader's lag is that age too (the iterator age, from the same backlog).
    expect(Math.abs(metric(r, 'consumers.slow.lagSeconds.max') - 0.5 * 600)).toBeLessThan(5);
  });

  it('a poller that keeps up: put latency + its propagation; records arriving in its last delay are not processed', () => {
    // One shard, 100 records/s, one reader polling every 60 s that keeps up (10,000 records a call
    // ≫ 6,000 a minute): its propagation is half its interval, 30 s, so every record's wait is
    // 30 s and the end-to-end p50 ≈ 30 s + put latency (~0.03 s).
    //   In a 100 s run, records that arrive after 100 − 30 = 70 s are not processed by the end:
    //   none of them waits less than the delay, none is counted at a latency it cannot have.
    const r = runOf(`
name: e2e-slow-poller
duration: 100s
stream: { shards: 1 }
producers:
  - { name: p, rate: 100/s, recordSize: 100B }
consumers:
  - { name: slow, type: polling, pollInterval: 60 }
`);
    expect(Math.abs(metric(r, 'e2eLatency.p50') - 30)).toBeLessThan(0.5);
    expect(metric(r, 'e2eLatency.max')).toBeLessThan(31);
    // Records read in second s arrived in [s, s + 1) and are processed 30 s later: by the 100 s
    // end only if s + 1 ≤ 70. So seconds 0 … 69 show an end-to-end latency, 70 … 99 none.
    const p50 = r.series.latency!.e2e.p50;
    for (let second = 0; second < 70; second++) expect(p50[second]).toBeGreaterThan(29);
    for (let second = 70; second < 100; second++) expect(p50[second]).toBe(0);
  });

  it('its max is at least the age of the oldest record a lagging reader read', () => {
    // Two shards, 500 records/s; the slow reader takes 10,000 records a call every 200 s on each
    // shard: 2 × 50 = 100 records/s of 500, so its oldest unread record is 0.8 t old. At the end of
    // second 598 that record is 0.8 × 599 ≈ 484 s old, and it is read in second 599 (the reader
    // reads every second): some record waited that long, so e2eLatency.max is at least that. (It
    // was the mean wait's top, 480.7 s, below the iterator age the same run reports.)
    const r = runOf(`
name: e2e-head
duration: 10m
seed: 7
stream: { shards: 2 }
producers:
  - { name: p, rate: 500/s, recordSize: 1KiB, keys: { dist: uniform, count: 100 } }
consumers:
  - { name: fast, type: polling, pollInterval: 100ms }
  - { name: slow, type: polling, pollInterval: 200 }
`);
    const lag = r.series.consumerLagSeconds.slow!;
    expect(lag[598]!).toBeGreaterThan(470);
    expect(r.series.delivered.slow![599]!).toBeGreaterThan(0);
    expect(metric(r, 'e2eLatency.max')).toBeGreaterThanOrEqual(lag[598]!);
    expect(metric(r, 'e2eLatency.max')).toBeLessThanOrEqual(600);
  });
});
