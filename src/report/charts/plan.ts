/**
 * The charts of a report without a run, from the plan's profile: the traffic against the shards in
 * force, and each shard's load at peak at the counts the plan considers.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Plan, RunShardCount } from '../../planner/types.js';
import { base, COLORS, type ReshardMark, type Row, reshardLayers, timeAxis } from './base.js';

/** Each count's colour on the plan charts. */
const COUNT_COLORS: Readonly<Record<RunShardCount, string>> = {
  configured: COLORS.limit,
  'after reshards': COLORS.reshard,
  recommended: COLORS.recommended,
};

/** "8 configured", "16 after reshards", "23 recommended". */
function countLabel(shards: number, countIs: RunShardCount): string {
  return `${shards} ${countIs}`;
}

/**
 * The stream's demand over the scenario's time, in shards' worth without headroom (the larger of
 * write bytes ÷ 1 MiB/s, records ÷ 1,000/s and polling reads ÷ 2 MiB/s, each bucket its largest),
 * against the shards in force (the configured count, stepping when each reshard call completes)
 * and the recommended count. Where the demand line rises above the shards in force, the stream
 * throttles; the recommended count keeps the headroom above the peak.
 */
export function trafficCapacityChart(plan: Plan, marks: readonly ReshardMark[] = []): TopLevelSpec {
  const profile = plan.profile;
  const end = plan.scenario.durationSeconds;
  const names = {
    demand: "traffic (shards' worth, no headroom)",
    inForce: 'shards in force (configured, then reshards)',
    recommended: `recommended (${plan.shards.recommended})`,
  };
  const rows: Row[] = [];
  (profile?.t ?? []).forEach((t, i) => {
    rows.push({ t, series: names.demand, value: profile!.demandShards[i]! });
  });
  // The last bucket holds until the end.
  const lastDemand = rows[rows.length - 1];
  if (lastDemand !== undefined && (lastDemand.t as number) < end) rows.push({ ...lastDemand, t: end });
  const inForce = (profile?.shardsInForce ?? []).filter((s) => s.at <= end);
  for (const s of inForce) rows.push({ t: s.at, series: names.inForce, value: s.shards });
  if (inForce.length > 0)
    rows.push({ t: end, series: names.inForce, value: inForce[inForce.length - 1]!.shards });
  rows.push(
    { t: 0, series: names.recommended, value: plan.shards.recommended },
    { t: end, series: names.recommended, value: plan.shards.recommended },
  );
  const domain = [names.demand, ...(inForce.length > 0 ? [names.inForce] : []), names.recommended];
  const range = [COLORS.acknowledged, ...(inForce.length > 0 ? [COLORS.limit] : []), COLORS.recommended];
  const x = timeAxis(1);
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.75, clip: true },
        encoding: {
          x,
          // A tenth above the highest line, so that a count at the top is not drawn on the frame.
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'shards',
            scale: { domain: [0, Math.max(1, ...rows.map((r) => r.value as number)) * 1.1], nice: true },
          },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain, range } },
          strokeDash: {
            condition: { test: `datum.series === ${JSON.stringify(names.recommended)}`, value: [6, 3] },
            value: [1, 0],
          },
          tooltip: [
            { field: 't', type: 'quantitative', title: 'from second' },
            { field: 'series', type: 'nominal' },
            { field: 'value', type: 'quantitative', format: ',.2f', title: 'shards' },
          ],
        },
      },
      ...reshardLayers(marks, x),
    ],
  } as TopLevelSpec;
}

/** "31 recommended, 1 key salted": a count whose loads were taken with the advised salting says so. */
function shardLoadsLabel(loads: { shardCount: number; countIs: RunShardCount; saltedKeys?: number }): string {
  const salted = loads.saltedKeys ?? 0;
  const label = countLabel(loads.shardCount, loads.countIs);
  return salted > 0 ? `${label}, ${salted} ${salted === 1 ? 'key' : 'keys'} salted` : label;
}

/**
 * Each shard's write load at the planning instant (without headroom) at each count the plan names,
 * across the hash key range: shard i of n covers [i ÷ n, (i + 1) ÷ n) of it, so counts of
 * different sizes overlay on one axis (more shards, narrower steps). Groups of shards show their
 * hottest. A red rule marks the write limit: a step above it throttles at that count.
 */
export function shardLoadChart(plan: Plan): TopLevelSpec {
  const rows: Row[] = [];
  const loadsOf = plan.profile?.shardLoads ?? [];
  for (const loads of loadsOf) {
    const n = loads.shardCount;
    const series = shardLoadsLabel(loads);
    loads.utilization.forEach((u, g) => {
      const first = g * loads.groupSize;
      const last = Math.min(n, first + loads.groupSize) - 1;
      rows.push({
        x: first / n,
        series,
        u,
        shards: first === last ? `shard ${first}` : `shards ${first}–${last} (hottest)`,
      });
    });
    // The last step runs to the end of the range.
    const lastU = loads.utilization[loads.utilization.length - 1];
    if (lastU !== undefined) rows.push({ x: 1, series, u: lastU, shards: `shard ${n - 1}` });
  }
  const x = {
    field: 'x',
    type: 'quantitative',
    // Short enough for a 390-px phone (the longer "position in the hash key range (shard 0 at the
    // left)" ran off its right edge).
    title: 'hash key range, shard 0 at the left',
    scale: { domain: [0, 1], nice: false },
    axis: { format: '.0%' },
  } as const;
  return {
    ...base(),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.75 },
        encoding: {
          x,
          y: {
            field: 'u',
            type: 'quantitative',
            title: 'of a shard’s write limit at peak',
            axis: { format: '.0%' },
          },
          // The counts in the traffic chart's colours (configured black, recommended green), none
          // red: red is the limit's (the recommended count's line was drawn red beside it).
          color: {
            field: 'series',
            type: 'nominal',
            title: 'shards',
            scale: {
              domain: loadsOf.map(shardLoadsLabel),
              range: loadsOf.map((l) => COUNT_COLORS[l.countIs]),
            },
          },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'count' },
            { field: 'shards', type: 'nominal' },
            { field: 'u', type: 'quantitative', format: '.1%', title: 'utilisation' },
          ],
        },
      },
      {
        data: { values: [{ limit: 1, label: 'write limit' }] },
        mark: { type: 'rule', color: COLORS.throttled, strokeDash: [6, 3] },
        encoding: {
          y: { field: 'limit', type: 'quantitative' },
          tooltip: [{ field: 'label', type: 'nominal', title: 'limit' }],
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The per-shard load chart's caption: when the recommended count was sized with keys salted, its
 * line is drawn salted too, and the caption says so (the other counts are drawn as configured).
 */
export function shardLoadCaption(plan: Plan): string {
  const salted = (plan.profile?.shardLoads ?? []).find((l) => (l.saltedKeys ?? 0) > 0);
  const base =
    'Each shard’s write load at the peak across the hash key range, at each count the plan names: a step above the red line throttles.';
  if (salted === undefined) return base;
  const n = salted.saltedKeys!;
  return `${base} The recommended count is drawn with the ${n === 1 ? 'key' : `${n} keys`} the plan says to salt split as advised, as the plan sizes it; the other counts as the keys are today.`;
}
