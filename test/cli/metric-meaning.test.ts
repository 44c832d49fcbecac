/**
 * Issue 9, points 1, 7 and 8, as a user meets them on the command line: one metric name means one
 * quantity in `plan` and in `run`; `cost.monthly.total`; a duration gate without a unit is an input
 * error and an implausible plain-number duration a located warning; p95 everywhere, and k6's
 * `p(95)` spelling in gates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { percentileSeconds } from '../../src/result/histogram.js';
import { parseResult } from '../../src/result/io.js';
import { formatSeconds } from '../../src/scenario/units.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-metric-meaning-test';

/** The verdicts in the gates.json a command wrote (wherever its --out put it). */
function verdictsWritten(
  written: ReadonlyMap<string, string>,
): { gate: string; passed: boolean; measured: number | null }[] {
  const files = [...written.entries()].filter(([path]) => path.endsWith('gates.json'));
  expect(files).toHaveLength(1);
  return (
    JSON.parse(files[0]![1]) as { verdicts: { gate: string; passed: boolean; measured: number | null }[] }
  ).verdicts;
}

/** A small stream that keeps up: 2 shards, 500 records/s of 1 KiB, one polling reader. */
const CALM = `name: calm
duration: 1m
seed: 7
stream: { shards: 2 }
producers:
  - { name: app, rate: 500/s, recordSize: 1KiB, keys: { dist: uniform, count: 1000 } }
consumers:
  - { name: reader, type: polling }
`;

describe('one metric name, one meaning in plan and run', () => {
  // 64 MiB is above one app-logs object (64 MiB × gzip 0.2 = 12.8 MiB) and far below the bytes
  // ten minutes of 3,750 log lines a second write (~0.4 GiB): the gate is about one object.
  const gate = 'firehose.app-logs.objectBytes < 64MiB';
  const scenario = `${readFileSync(join(REPO_ROOT, 'scenarios/log-shipping-firehose.yaml'), 'utf8')}  - ${gate}\n`;

  it('gives a firehose.<name>.objectBytes gate the same verdict and value in plan and in run', async () => {
    const planned = await run(['plan', 'logs.yaml', '--out', `${OUT}/plan`], {
      'logs.yaml': scenario,
    });
    expect(planned.code).toBe(0);
    const inPlan = verdictsWritten(planned.io.written).find((v) => v.gate === gate);
    expect(inPlan?.passed).toBe(true);

    const ran = await run(['run', 'logs.yaml', '--duration', '10m', '--out', `${OUT}/run`], {
      'logs.yaml': scenario,
    });
    expect(ran.stderr).not.toMatch(/\n\s+at /); // no stack
    const inRun = verdictsWritten(ran.io.written).find((v) => v.gate === gate);
    expect(inRun?.passed).toBe(true);
    expect(inRun?.measured).toBe(inPlan?.measured);
    expect(ran.stdout).toContain(`✓ ${gate}`);

    // The run's totals have their own names, next to the plan's one-object figure.
    const result = parseResult(ran.io.written.get(join(`${OUT}/run`, 'result.json'))!, 'result.json');
    const delivered = result.metrics['firehose.app-logs.deliveredBytes']!;
    const objects = result.metrics['firehose.app-logs.objects']!;
    expect(delivered).toBeGreaterThan(64 * 2 ** 20);
    expect(result.metrics['firehose.app-logs.averageObjectBytes']).toBeCloseTo(delivered / objects, 6);
    expect(result.metrics['firehose.app-logs.objectBytes']).toBeUndefined();
  });

  it('answers a guessed byte name with each byte figure and its meaning', async () => {
    const r = await run(['run', 'logs.yaml', '--gate', 'firehose.app-logs.totalObjectBytes < 1GiB'], {
      'logs.yaml': scenario,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gate[0]: unknown metric "firehose.app-logs.totalObjectBytes"');
    expect(r.stderr).toContain('"firehose.app-logs.deliveredBytes" (run: all objects written, in bytes)');
  });
});

describe('cost.monthly.total', () => {
  it('is a plan metric a gate can use, and the plan prints it', async () => {
    const json = await run(['plan', 'scenarios/launch-day.yaml', '--json']);
    const metrics = (JSON.parse(json.stdout) as { metrics: Record<string, number> }).metrics;
    // launch-day runs provisioned: its stream (enhanced fan-out included) + its Firehose.
    expect(metrics['cost.monthly.total']).toBeCloseTo(
      metrics['cost.monthly.provisioned']! + metrics['cost.monthly.firehose']!,
      9,
    );
    expect(metrics['cost.monthly.firehose']).toBeGreaterThan(0);

    const text = await run(['plan', 'scenarios/launch-day.yaml']);
    expect(text.stdout).toMatch(
      /Total as the scenario runs \(provisioned, priced at the recommended 31 shards\): \$[\d,]+ a month \(stream \$[\d,]+ with enhanced fan-out \+ Firehose \$[\d,]+\)/,
    );

    // The HTML plan: the total under the cost table, and a chart caption saying what each bar holds.
    const page = await run(['plan', 'scenarios/launch-day.yaml', '--out', `${OUT}/html`]);
    const html = [...page.io.written.entries()].find(([path]) => path.endsWith('index.html'))?.[1] ?? '';
    expect(html).toMatch(
      /Total as the scenario runs \(provisioned, priced at the recommended 31 shards\): \$[\d,]+ a month/,
    );
    expect(html).toContain(
      'Provisioned, 31 shards: shard-hours, PUT payload units, enhanced fan-out consumer-shard-hours, data read (enhanced fan-out);',
    );
    expect(html).toContain(
      'On top of every bar, the same Firehose cost (ingestion, dynamic partitioning, S3 requests).',
    );
    expect(html).toContain('The scenario runs as Provisioned, 31 shards: that bar is cost.monthly.total.');

    const gated = await run(
      ['run', 'calm.yaml', '--out', `${OUT}/cost`, '--gate', 'cost.monthly.total < $1'],
      {
        'calm.yaml': CALM,
      },
    );
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain('✗ cost.monthly.total < $1');
  });
});

describe('a duration needs its unit', () => {
  it('rejects a unit-less duration gate in the scenario, located at its line, with the hint', async () => {
    const r = await run(['validate', 'k6.yaml'], { 'k6.yaml': `${CALM}gates:\n  - putLatency.p99 < 250\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'k6.yaml:10:5: gates[0]: putLatency.p99 is a duration (seconds), and 250 has no unit',
    );
    expect(r.stderr).toContain('hint: write 250ms or 250s');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a unit-less --gate, naming the argument', async () => {
    const r = await run(['run', 'calm.yaml', '--out', `${OUT}/k6`, '--gate', 'e2eLatency.p(99) < 250'], {
      'calm.yaml': CALM,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gate[0]: e2eLatency.p99 is a duration (seconds), and 250 has no unit');
    expect(r.stderr).toContain('hint: write 250ms or 250s');
  });

  it('warns, at the field’s line, of a plain-number duration that is implausible in seconds', async () => {
    const scenario = CALM.replace('type: polling }', 'type: polling, pollInterval: 200 }');
    const r = await run(['validate', 'poll.yaml'], { 'poll.yaml': scenario });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: poll.yaml:8:50: consumers[0].pollInterval: 200 has no unit, so it is read as 3.33 min',
    );
    expect(r.stderr).toContain('hint: write 200ms for milliseconds, or 200s if you mean seconds');
    // With the unit written, the same value says nothing.
    const explicit = await run(['validate', 'poll.yaml'], {
      'poll.yaml': CALM.replace('type: polling }', 'type: polling, pollInterval: 200ms }'),
    });
    expect(explicit.stderr).toBe('');
  });
});

describe('p95', () => {
  it('is measured for every latency, printed, summarised, and gated with k6’s p(95)', async () => {
    const r = await run(
      [
        'run',
        'calm.yaml',
        '--out',
        `${OUT}/p95`,
        '--gate',
        'putLatency.p(95) < 10s',
        '--gate',
        'e2eLatency.p95 < 10s',
      ],
      { 'calm.yaml': CALM },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ putLatency.p(95) < 10s');
    expect(r.stdout).toMatch(
      /latency {3}put p50 [^,]+, p95 [^,]+, p99 [^,]+, max [^;]+; end to end p95 [^,]+, p99/,
    );
    const result = parseResult(r.io.written.get(join(`${OUT}/p95`, 'result.json'))!, 'result.json');
    for (const prefix of ['putLatency', 'e2eLatency', 'consumerLag'])
      expect(Object.keys(result.metrics)).toEqual(
        expect.arrayContaining([`${prefix}.p90`, `${prefix}.p95`, `${prefix}.p999`]),
      );
    // Each p95 is the histogram's 95th percentile, and sits between p90 and p99 (percentiles of one
    // distribution never decrease with the rank). CALM has a consumer, so all three are measured.
    for (const prefix of ['putLatency', 'e2eLatency', 'consumerLag'] as const) {
      const at = (p: string) => result.metrics[`${prefix}.${p}`]!;
      expect(result.histograms[prefix].count, prefix).toBeGreaterThan(0);
      expect(at('p95'), prefix).toBe(percentileSeconds(result.histograms[prefix], 95));
      expect(at('p90'), prefix).toBeLessThanOrEqual(at('p95'));
      expect(at('p95'), prefix).toBeLessThanOrEqual(at('p99'));
    }
    // The terminal prints the same put p95 as the metric.
    expect(r.stdout).toContain(
      `put p50 ${formatSeconds(result.metrics['putLatency.p50']!)}, p95 ${formatSeconds(result.metrics['putLatency.p95']!)},`,
    );
    expect(r.io.written.get(join(`${OUT}/p95`, 'summary.md'))).toContain('| put latency p95 |');
  });
});
