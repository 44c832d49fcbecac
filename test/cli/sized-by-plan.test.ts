/**
 * A provisioned stream without `stream.shards` (issue 9, point 5): the plan sizes it, `plan` says
 * so, and `run` starts the model at the recommended count, saying so on stderr, in its summary and
 * in result.json (`scenario.shardsFromPlan`). Reshard events apply from that count.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planner/types.js';
import { parseResult } from '../../src/result/io.js';
import { run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-sized-by-plan-test';

/**
 * 3,000 records/s of 1 KiB over 10,000 uniform keys, headroom 20%:
 *   records: 3,000 × 1.2 = 3,600/s ÷ 1,000 a shard → 4 shards
 *   bytes:   3,000 × (1,024 + ~9 B of key) × 1.2 ≈ 3.55 MiB/s ÷ 1 MiB/s → 4 shards
 * so the plan recommends at least 4 (more if the hottest of 10,000 random keys' shards needs it).
 */
const UNSIZED = `name: unsized
duration: 1m
stream: { mode: provisioned }
producers:
  - name: app
    rate: 3000/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 10000 }
gates:
  - shards.recommended <= 10
`;

describe('a provisioned stream without stream.shards', () => {
  it('is planned at the recommended count, which plan reports', async () => {
    const r = await run(['plan', 'unsized.yaml', '--json'], { 'unsized.yaml': UNSIZED });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.shards.configured).toBeNull();
    expect(plan.shards.sizedByPlan).toBe(true);
    expect(plan.shards.recommended).toBeGreaterThanOrEqual(4);
    // Lag and buffers are planned at the count the run has: the recommended one.
    expect(plan.metrics['shards.configured']).toBeUndefined();
    const text = await run(['plan', 'unsized.yaml'], { 'unsized.yaml': UNSIZED });
    expect(text.stdout).toContain('shards sized by the plan');
    expect(text.stdout).toContain('stream.shards not set: a run starts at recommended');
    expect(text.stdout).toContain(
      `stream.shards is not set: the plan sizes the stream at the recommended ${plan.shards.recommended} shards`,
    );
  });

  it('runs at the recommended count and says so on stderr, in the summary and in result.json', async () => {
    const planned = JSON.parse(
      (await run(['plan', 'unsized.yaml', '--json'], { 'unsized.yaml': UNSIZED })).stdout,
    ) as Plan;
    const n = planned.shards.recommended;
    const r = await run(['run', 'unsized.yaml', '--out', OUT, '--duration', '10s'], {
      'unsized.yaml': UNSIZED,
    });
    expect(r.code).toBe(0);
    const note = `stream.shards is not set: running at the plan's recommended ${n} shards`;
    expect(r.stderr).toContain(note);
    expect(r.stdout).toContain(note);
    const result = parseResult(r.io.writtenFile(`${OUT}/result.json`)!, 'result.json');
    expect(result.scenario.shardsFromPlan).toBe(n);
    // The model ran that many shards, and (enough of them) throttled nothing.
    expect(result.metrics['shards.max']).toBe(n);
    expect(result.counters.throttled).toBe(0);
    const plan = JSON.parse(r.io.writtenFile(`${OUT}/plan.json`)!) as Plan;
    expect(plan.shards.sizedByPlan).toBe(true);
    expect(r.io.writtenFile(`${OUT}/index.html`)).toContain(`${n} shards sized by the plan`);
  });

  it('applies reshard events from the recommended count', async () => {
    // One reshard to 12 at 5 s: from n ≤ 10 shards that is one UpdateShardCount (≤ 2×).
    const text = `${UNSIZED}events:\n  - { at: 5s, reshard: { shards: 12 } }\n`;
    const r = await run(['run', 'resharded.yaml', '--out', OUT, '--json', '--duration', '10m'], {
      'resharded.yaml': text.replace('duration: 1m', 'duration: 10m'),
    });
    expect(r.code).toBe(0);
    // With --json the note goes to stderr only: stdout stays JSON.
    expect(r.stderr).toMatch(/^stream\.shards is not set: running at the plan's recommended \d+ shards\n$/);
    const planned = JSON.parse(
      (await run(['plan', 'resharded.yaml', '--json'], { 'resharded.yaml': text })).stdout,
    ) as Plan;
    const n = planned.shards.recommended;
    expect(n).toBeLessThan(12);
    // stdout is the compact --json summary; the whole RunResult is in result.json.
    expect(JSON.parse(r.stdout).scenario.shardsFromPlan).toBe(n);
    const result = parseResult(r.io.writtenFile(`${OUT}/result.json`)!, 'result.json');
    // It starts at the recommended n and, from 5 s, reaches 12 once the call's 12 − n splits complete.
    expect(result.series.shards[0]).toBe(n);
    expect(result.series.shards.at(-1)).toBe(12);
    expect(result.metrics['shards.max']).toBe(12);
  });

  it('tells a --gate on a configured-count metric the same, on plan and run', async () => {
    for (const command of ['plan', 'run']) {
      const r = await run([command, 'unsized.yaml', '--out', OUT, '--gate', 'shards.configured >= 4'], {
        'unsized.yaml': UNSIZED,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        '--gate[0]: shards.configured needs a configured shard count, and stream.shards is not set',
      );
      expect(r.stderr).toContain('gate on shards.recommended, or set stream.shards');
    }
  });

  it('tells a gate on a configured-count metric why it does not exist, and what to gate on', async () => {
    const text = `${UNSIZED}  - hotKey.maxShardUtilizationAtConfigured < 1\n  - shards.configured >= 4\n`;
    const r = await run(['validate', 'gated.yaml'], { 'gated.yaml': text });
    expect(r.code).toBe(2);
    // Lines 11 and 12 of the file: the two gates after UNSIZED's ten lines.
    expect(r.stderr).toContain(
      'gated.yaml:11:5: gates[1]: hotKey.maxShardUtilizationAtConfigured needs a configured shard count, and stream.shards is not set',
    );
    expect(r.stderr).toContain('gate on hotKey.maxShardUtilizationAtRecommended, or set stream.shards');
    expect(r.stderr).toContain('gated.yaml:12:5: gates[2]: shards.configured needs a configured shard count');
  });
});
