/**
 * One way to write money, in every output: the friendly-counts table and the finding beside it,
 * the HTML banner and the plan view under it, summary.md and the plan it cites. Amounts from $100
 * are whole dollars ($1,167), smaller ones are in cents ($21.90), wherever they appear.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

const TMP = mkdtempSync(join(tmpdir(), 'shardcast-format-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('money, written once', () => {
  it('launch-day: the friendly count and its finding, the banner and the cost table agree', async () => {
    const r = await run(['plan', 'scenarios/launch-day.yaml']);
    expect(r.code).toBe(0);
    // 32 shards: one more than the recommended 31, 1 × 730 h × $0.015 = $10.95 of shard-hours and
    // as much again in enhanced fan-out consumer-shard-hours (one EFO consumer): +$21.90 a month.
    expect(r.stdout).toMatch(/\n +32 +\+1 +8 → 16 → 32 +24 +12 min +\+\$21\.90\n/);
    expect(r.stdout).toContain('→ 32 shards (+1 over 31, +$21.90/month) reshard from 8');

    const page = await run(['plan', 'scenarios/launch-day.yaml', '--out', join(TMP, 'plan')]);
    const html = page.io.written.get(join(TMP, 'plan', 'index.html')) ?? '';
    const total = /<dt>Monthly cost, total<\/dt><dd class="big">([^<]*)<\/dd>/.exec(html)?.[1];
    const stream = /<dt>Of which the stream \(Provisioned, 31 shards\)<\/dt><dd>([^<]*)\/month<\/dd>/.exec(
      html,
    )?.[1];
    const costRow = /<td[^>]*>Provisioned, 31 shards<\/td>\s*<td[^>]*>([^<]*)<\/td>/.exec(html)?.[1];
    // The banner leads with cost.monthly.total, the stream ($1,167.01) plus Firehose ($2,479):
    // whole dollars from $100, as in the table under it.
    const plan = JSON.parse((await run(['plan', 'scenarios/launch-day.yaml', '--json'])).stdout) as {
      metrics: Record<string, number>;
    };
    expect(total).toBe(`$${Math.round(plan.metrics['cost.monthly.total']!).toLocaleString('en-US')}`);
    expect(stream).toBe('$1,167');
    expect(costRow).toBe(stream);
    expect(html).toContain('+$21.90/month');
  });

  it('summary.md writes the plan’s cost in cents below $100, as the plan does', async () => {
    // log-shipping-firehose at its recommended 1 shard: 730 h × $0.015 = $10.95 of shard-hours +
    // 400 records/s × 2,628,000 s = 1,051.2 M PUT payload units × $0.014 = $14.7168 → $25.67.
    const plan = await run(['plan', 'scenarios/log-shipping-firehose.yaml']);
    expect(plan.stdout).toMatch(/Provisioned, 1 shard +\$25\.67/);
    const dir = join(TMP, 'logs');
    const r = await run(['run', 'scenarios/log-shipping-firehose.yaml', '--out', dir, '--duration', '10s']);
    expect(r.code).toBe(0);
    expect(r.io.written.get(join(dir, 'summary.md'))).toContain(
      '| monthly cost, provisioned (plan) | $25.67 |',
    );
  });
});
