/**
 * The planner and the engine schedule reshard events alike: an event waits for the reshard before
 * it (UpdateShardCount refuses a call while the stream is UPDATING), so the count the plan uses at
 * its peak is the count the run has then.
 */
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../src/engine/simulate.js';
import { loadScenarioText } from '../../src/load.js';
import { planScenario } from '../../src/planner/index.js';
import { shardsInForce, shardsInForceAt } from '../../src/planner/reshard.js';

// 8 → 16 at 0 s and → 32 at 60 s, 30 s per shard operation:
//   8 → 16 is one call (≤ 2×) of 8 splits × 30 s = 240 s: 16 from 240 s;
//   the second event, due at 60 s, waits for the first: 16 → 32 is 16 splits × 30 s = 480 s from
//   240 s, so 32 from 720 s. (Started at 60 s as if the stream were free it would end at 540 s.)
const EVENTS = [
  { at: 0, shards: 16 },
  { at: 60, shards: 32 },
];

describe('the shards in force across reshard events', () => {
  it('waits for the reshard before, by hand', () => {
    expect(shardsInForce(8, EVENTS, 30)).toEqual([
      { at: 0, shards: 8 },
      { at: 240, shards: 16 },
      { at: 720, shards: 32 },
    ]);
    expect(shardsInForceAt(8, EVENTS, 30, 239)).toBe(8);
    expect(shardsInForceAt(8, EVENTS, 30, 600)).toBe(16);
    expect(shardsInForceAt(8, EVENTS, 30, 719)).toBe(16);
    expect(shardsInForceAt(8, EVENTS, 30, 720)).toBe(32);
  });

  it('gives the plan at its peak the count the engine has then', () => {
    // A step to the peak rate at 600 s: the planning instant is 600 s, when 16 shards are in force.
    const { scenario } = loadScenarioText(
      `name: schedule
duration: 15m
stream: { shards: 8, shardOperationTime: 30s }
producers:
  - name: p
    rate: { profile: step, initial: 100/s, steps: [{ at: 10m, rate: 2000/s }] }
    recordSize: 1KiB
    keys: { dist: uniform, count: 10000 }
consumers:
  - { name: c, type: polling }
events:
  - { at: 0s, reshard: { shards: 16 } }
  - { at: 1m, reshard: { shards: 32 } }
`,
      'schedule.yaml',
    );
    const plan = planScenario(scenario);
    expect(plan.traffic.peakAt).toBe(600);
    // Lag is planned at the count the run has at its peak: 16 after the first reshard, not 32.
    expect(plan.fanOut.consumers[0]!.lag).toMatchObject({ shardCount: 16, countIs: 'after reshards' });
    const run = simulateScenario(scenario, { seed: 1 });
    // The engine's shard count per second, at the plan's peak.
    expect(run.series.shards[600]).toBe(16);
    expect(plan.profile?.shardsInForce?.find((s) => s.shards === 32)?.at).toBe(720);
  });
});
