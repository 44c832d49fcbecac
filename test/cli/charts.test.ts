/**
 * Charts that cannot mislead (issue 9, point 4), end to end as a user gets them: `run` a bundled
 * scenario with a reshard event, `report --baseline`, `plan --out` and `report plan.json`, then read
 * the index.html written and check the Vega-Lite specs embedded in it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planner/types.js';
import type { RunResult } from '../../src/result/types.js';
import { type FakeIo, run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-charts-test';

interface Layer {
  data?: { values: Record<string, unknown>[] };
  mark?: { type: string } & Record<string, unknown>;
  encoding?: Record<string, Record<string, unknown>>;
}
interface Spec extends Layer {
  layer?: Layer[];
  config?: { legend?: Record<string, unknown> };
}

/** The specs embedded in a report, by chart id. */
function specsOf(page: string): Map<string, Spec> {
  const json = /<script type="application\/json" id="shardcast-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
  // jsonForScript escapes `<` as \u003c, which JSON.parse reads back.
  const data = JSON.parse(json) as { charts: { id: string; spec: Spec }[] };
  return new Map(data.charts.map((c) => [c.id, c.spec]));
}

/** The reshard rules of a chart: [t, kind] of each rule layer's rows. */
function rulesOf(spec: Spec): [number, string][] {
  const rules = (spec.layer ?? []).filter(
    (l) => l.mark?.type === 'rule' && l.data?.values.some((v) => 'kind' in v),
  );
  return rules.flatMap((l) =>
    l.data!.values.map((v) => [v.t as number, v.kind as string] as [number, string]),
  );
}

/** The labels written along the reshard rules (the text layer without a halo). */
function labelsOf(spec: Spec): string[] {
  const text = (spec.layer ?? []).filter((l) => l.mark?.type === 'text' && l.mark.stroke === undefined);
  return text.flatMap((l) => l.data!.values.map((v) => v.label as string));
}

const TIME_CHARTS = ['throughput', 'shard-heatmap', 'latency-over-time', 'consumer-lag', 'firehose'];

describe('a run of launch-day (8 shards, resharded to 16 at 15m)', async () => {
  const r = await run(['run', 'scenarios/launch-day.yaml', '--out', OUT]);
  const io: FakeIo = r.io;
  const page = io.writtenFile(join(OUT, 'index.html'))!;
  const result = JSON.parse(io.writtenFile(join(OUT, 'result.json'))!) as RunResult;
  const specs = specsOf(page);
  // The second the run's open shards went from 8 to 16: when UpdateShardCount completed
  // (8 splits one after another after the event at 900 s).
  const completedAt = result.series.shards.indexOf(16);

  it('runs, and its reshard completes within the run', () => {
    expect(r.code).toBe(1); // launch-day's gates fail: 8 shards are short
    expect(result.series.shards[0]).toBe(8);
    expect(completedAt).toBeGreaterThan(900);
  });

  it('marks the reshard, ordered and completed, on every time chart', () => {
    for (const id of TIME_CHARTS) {
      const spec = specs.get(id);
      expect(spec, id).toBeDefined();
      expect(rulesOf(spec!), id).toEqual([
        [900, 'ordered'],
        [completedAt, 'completed'],
      ]);
      expect(labelsOf(spec!), id).toEqual(['reshard 8 → 16 ordered', '8 → 16 shards']);
    }
  });

  it('keeps shards that do not exist yet absent: null in result.json, no cell in the heatmap', () => {
    // Shard 8 is opened by the reshard: null at the points before it completes, a number after.
    const stepSeconds = result.shardSeries.stepSeconds;
    const shard8 = result.shardSeries.all[8]!;
    expect(shard8[0]).toBeNull();
    expect(shard8[Math.floor(completedAt / stepSeconds) - 1]).toBeNull();
    expect(shard8.at(-1)).toBeGreaterThan(0);
    const cells = specs.get('shard-heatmap')!.layer![0]!.data!.values;
    const first8 = cells.filter((c) => c.shard === '8').map((c) => c.t as number);
    expect(first8.length).toBeGreaterThan(0);
    // Its first cell is the point the reshard completed in, not second 0 at 0%.
    expect(Math.min(...first8)).toBeGreaterThanOrEqual(
      Math.floor(completedAt / stepSeconds - 1) * stepSeconds,
    );
    // Shard 0 was open throughout: a cell from second 0.
    expect(cells.some((c) => c.shard === '0' && c.t === 0)).toBe(true);
  });

  it('the heatmap legend lists the red over-the-limit class, and no legend label is cut', () => {
    const color = specs.get('shard-heatmap')!.layer![0]!.encoding!.color as {
      scale: { domain: string[]; range: string[] };
    };
    expect(color.scale.domain.at(-1)).toBe('over 100%: throttles');
    expect(color.scale.range.at(-1)).toBe('#d62728');
    for (const [id, spec] of specs) expect(spec.config?.legend?.labelLimit, id).toBe(0);
  });

  it('draws throttling as a share of attempts on its own right-hand axis', () => {
    const share = specs.get('throughput')!.layer![1]!;
    const y = share.encoding!.y as { axis: { orient: string; format: string } };
    expect(y.axis).toMatchObject({ orient: 'right', format: '.0%' });
    // A share never passes 100%, whatever the retries (launch-day throttles most of its attempts).
    const values = share.data!.values.map((v) => v.value as number);
    expect(Math.max(...values)).toBeGreaterThan(0.1);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
  });

  it('report --baseline: each baseline series in its current series colour, dashed', async () => {
    const base = await run(['run', 'scenarios/launch-day.yaml', '--seed', '9', '--out', `${OUT}-base`]);
    expect(base.code).toBe(1);
    io.addFile(join(`${OUT}-base`, 'result.json'), base.io.writtenFile(join(`${OUT}-base`, 'result.json'))!);
    io.out = '';
    io.err = '';
    const { main } = await import('../../src/cli/main.js');
    const code = await main(
      ['report', join(OUT, 'result.json'), '--baseline', join(`${OUT}-base`, 'result.json')],
      io,
    );
    expect(code).toBe(0);
    const compared = specsOf(io.writtenFile(join(OUT, 'index.html'))!);
    for (const id of ['throughput', 'latency-over-time', 'latency-distribution', 'consumer-lag']) {
      const spec = compared.get(id)!;
      const main = spec.layer ? spec.layer[0]! : spec;
      const rows = main.data!.values;
      // The same series names in both runs (no "baseline put p50" of a colour of its own) …
      const series = (run: string) => new Set(rows.filter((v) => v.run === run).map((v) => v.series));
      expect(series('baseline').size, id).toBeGreaterThan(0);
      for (const name of series('baseline'))
        expect(series('this run').has(name), `${id}: ${name}`).toBe(true);
      // … coloured by series, dashed by run.
      expect(main.encoding!.color!.field, id).toBe('series');
      expect(main.encoding!.strokeDash, id).toMatchObject({
        field: 'run',
        scale: {
          domain: ['this run', 'baseline'],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
      });
    }
  });
});

describe('a plan-only report of launch-day', async () => {
  const r = await run(['plan', 'scenarios/launch-day.yaml', '--out', join(OUT, 'plan')]);
  const plan = JSON.parse(r.io.writtenFile(join(OUT, 'plan', 'plan.json'))!) as Plan;
  const specs = specsOf(r.io.writtenFile(join(OUT, 'plan', 'index.html'))!);

  it('has the traffic-against-capacity and per-shard load charts', () => {
    expect(r.code).toBe(0);
    expect([...specs.keys()]).toEqual(expect.arrayContaining(['traffic-capacity', 'shard-load']));
  });

  it('draws the shards in force stepping from 8 to 16 when the reshard completes, marked', () => {
    const spec = specs.get('traffic-capacity')!;
    const rows = spec.layer![0]!.data!.values;
    const inForce = rows.filter((v) => String(v.series).startsWith('shards in force'));
    // 8 from 0; the 8 splits of 8 → 16 at 30 s each (launch-day's shard operation time) complete
    // 8 × 30 = 240 s after the event at 900 s: 16 from 1,140 s to the end (1,800 s).
    expect(inForce.map((v) => [v.t, v.value])).toEqual([
      [0, 8],
      [1140, 16],
      [1800, 16],
    ]);
    expect(rows.filter((v) => String(v.series).startsWith('recommended')).map((v) => v.value)).toEqual([
      plan.shards.recommended,
      plan.shards.recommended,
    ]);
    expect(rulesOf(spec)).toEqual([
      [900, 'ordered'],
      [1140, 'completed'],
    ]);
    // The traffic's peak in shards' worth is what the planner sized from: its write records at
    // peak over 1,000/s or bytes over 1 MiB/s (launch-day has no polling reader of the stream
    // beyond its consumers'), below the recommended count, which adds headroom and the hot key.
    const demand = rows.filter((v) => String(v.series).startsWith('traffic')).map((v) => v.value as number);
    expect(Math.max(...demand)).toBeLessThan(plan.shards.recommended);
    expect(Math.max(...demand)).toBeGreaterThan(8);
  });

  it("draws each shard's load at the configured and the recommended count", () => {
    const rows = specs.get('shard-load')!.layer![0]!.data!.values;
    const peak = (series: string) =>
      Math.max(...rows.filter((v) => v.series === series).map((v) => v.u as number));
    // The hottest shard's figure is the planner's own at each count: as the keys are at the
    // configured count, with key-0 salted as advised at the recommended count (the count the plan
    // sizes with key-0 salted).
    expect(peak('8 configured')).toBeCloseTo(plan.hotKeys.atConfigured!.utilization, 5);
    expect(peak(`${plan.shards.recommended} recommended, 1 key salted`)).toBeCloseTo(
      plan.hotKeys.atRecommended.utilizationWithoutOversizedKeys,
      5,
    );
  });

  it('report plan.json draws the same two charts', async () => {
    const { main } = await import('../../src/cli/main.js');
    r.io.out = '';
    const code = await main(['report', join(OUT, 'plan', 'plan.json'), '--out', join(OUT, 'plan2')], r.io);
    expect(code).toBe(0);
    const again = specsOf(r.io.writtenFile(join(OUT, 'plan2', 'index.html'))!);
    expect(again.get('traffic-capacity')).toBeDefined();
    expect(again.get('traffic-capacity')).toEqual(specs.get('traffic-capacity'));
    expect(again.get('shard-load')).toEqual(specs.get('shard-load'));
  });
});
