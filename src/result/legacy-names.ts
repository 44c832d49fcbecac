/**
 * Metric names a result.json written by an earlier shardcast has, read with today's names, so that
 * `compare` and `report --baseline` set like beside like instead of a metric that vanished and one
 * that appeared.
 *
 * - `firehose.<name>.objectBytes` was a run's total bytes of objects written; the plan uses that name
 *   for one object's size, and a run's gates see both, so the run's is now `deliveredBytes`, with
 *   `averageObjectBytes` (÷ objects) beside it.
 */
export function withCurrentNames(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    const firehose = /^firehose\.(.+)\.objectBytes$/.exec(name);
    if (firehose === null || name.includes('.atRecommended.')) {
      out[name] = value;
      continue;
    }
    const prefix = `firehose.${firehose[1]}`;
    out[`${prefix}.deliveredBytes`] = value;
    const objects = metrics[`${prefix}.objects`];
    if (objects !== undefined) out[`${prefix}.averageObjectBytes`] = objects > 0 ? value / objects : 0;
  }
  return out;
}
