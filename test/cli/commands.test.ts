/**
 * The commands run in-process with a fake `Io` (docs/style.md, habit 11): what they print, what they
 * write and their exit codes. Numbers that the planner owns are checked against the Plan JSON of
 * the same run, so the summary and the JSON cannot disagree; the few numbers checked directly are
 * worked out by hand in a comment.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIREHOSE, KINESIS } from '../../src/aws/facts.js';
import { PRICE_NAMES } from '../../src/aws/pricing.js';
import type { Plan } from '../../src/planner/types.js';
import { SCHEMA_ID } from '../../src/scenario/json-schema.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const BUNDLED = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `scenarios/${f}`);

/** A row of a rendered table: its cells separated by runs of two or more spaces. */
function rowOf(text: string, firstCell: string): string[] | undefined {
  const line = text
    .split('\n')
    .find((l) => l.trimStart().startsWith(`${firstCell}  `) || l.trim() === firstCell);
  return line
    ?.trim()
    .split(/ {2,}/)
    .map((c) => c.trim());
}

const withoutPositions = (text: string) => text.replace(/\.yaml:\d+:\d+:/g, '.yaml:');

async function planJson(file: string): Promise<Plan> {
  const result = await run(['plan', file, '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Plan;
}

describe('shardcast plan', () => {
  it('prints the summary of launch-day and exits 0', async () => {
    const result = await run(['plan', 'scenarios/launch-day.yaml']);
    const plan = await planJson('scenarios/launch-day.yaml');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;

    expect(out.split('\n').slice(0, 2)).toEqual([
      'Plan for launch-day — Clickstream at launch, ramping to three times its opening rate in ten minutes',
      // The ramp reaches 6,000/s at 10 min (over: 10m) and holds it to the end of the 30 min run.
      'us-east-1 · provisioned · 8 shards configured · headroom 20% · peak at 10 min of 30 min',
    ]);

    // The shard table, in this order.
    const sections = [
      'Traffic at peak',
      'Shards (peak × 1.2)',
      'Hot keys (',
      'Consumers',
      'Firehose',
      'Resharding (UpdateShardCount, one shard operation at a time)',
      'Monthly cost (730 h, at the average rate)',
    ];
    const at = sections.map((s) => out.split('\n').findIndex((l) => l.startsWith(s)));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    // 6,000 records/s × 1.2 headroom = 7,200 records/s ÷ 1,000 per shard = 7.2 → 8 shards.
    expect(rowOf(out, 'by write records (1,000/s each)')?.[1]).toBe('8');
    expect(plan.shards.byWriteRecords).toBe(8);
    expect(rowOf(out, 'by write bytes (1 MiB/s each)')?.[1]).toBe(String(plan.shards.byWriteBytes));
    expect(rowOf(out, 'required')?.[1]).toBe(String(plan.shards.required));
    expect(rowOf(out, 'recommended')?.[1]).toBe(String(plan.shards.recommended));
    expect(rowOf(out, 'configured')).toEqual([
      'configured',
      '8',
      plan.shards.recommended > 8 ? `✗ short by ${plan.shards.recommended - 8}` : 'enough',
    ]);
    // The binding constraint, as the JSON words it.
    expect(out).toContain(`\n  Binding: ${plan.binding}\n`);

    // The cost table: one row per option, the cheapest marked.
    expect(rowOf(out, 'option')).toEqual(['option', 'per month', 'if peak held']);
    for (const option of plan.cost.options) {
      const row = rowOf(out, option.label);
      expect(row, option.label).toBeDefined();
      expect(row!.at(-1) === '← cheapest').toBe(option.option === plan.cost.cheapest);
    }
    expect(out.match(/← cheapest/g)).toHaveLength(1);
  });

  it.each(BUNDLED)('plans %s and exits 0 (1 when a gate over a plan metric fails)', async (file) => {
    const result = await run(['plan', file]);
    // iot-fleet-hot-device's `hotKey.keysOverShardLimit == 0` fails by design (device-0 alone is
    // over a shard's limit); every other bundled scenario's plan gates hold.
    expect(result.code).toBe(file.includes('iot-fleet-hot-device') ? 1 : 0);
    expect(result.stdout).toMatch(/^Plan for /);
    expect(result.stdout).toContain('\nMonthly cost (730 h, at the average rate)\n');
    // Warnings from the loader are allowed (reshard-plan's 256 → 600 takes several calls), never errors.
    expect(result.stderr).not.toMatch(/^error/m);
  });

  it('prints the Plan as JSON with --json', async () => {
    const result = await run(['plan', 'scenarios/launch-day.yaml', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.version).toBe(3);
    expect(plan.scenario).toMatchObject({ name: 'launch-day', mode: 'provisioned', durationSeconds: 1800 });
    expect(plan.metrics['shards.recommended']).toBe(plan.shards.recommended);
    expect(plan.metrics['shards.required']).toBe(plan.shards.required);
    expect(plan.metrics['shards.configured']).toBe(8);
    expect(plan.metrics['shards.byWriteRecords']).toBe(8);
    // 6,000 records/s at the peak of the ramp.
    expect(plan.metrics['traffic.peakRecordsPerSecond']).toBe(6000);
    for (const value of Object.values(plan.metrics)) expect(Number.isFinite(value)).toBe(true);
  });

  it('writes the Plan JSON into the --out directory and still prints the summary', async () => {
    const result = await run(['plan', 'scenarios/launch-day.yaml', '--out', 'reports/planned']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan for launch-day/);
    const written = result.io.writtenFile('reports/planned/plan.json');
    expect(written).toBeDefined();
    const json = await run(['plan', 'scenarios/launch-day.yaml', '--json']);
    // --json prints the Plan with the gates beside it; the file is the Plan alone.
    const { gates, ...plan } = JSON.parse(json.stdout) as Plan & { gates: unknown };
    expect(gates).toBeDefined();
    expect(written).toBe(`${JSON.stringify(plan, null, 2)}\n`);
  });

  describe('--out on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardcast-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('creates missing directories and leaves no temporary file', async () => {
      const out = join(dir, 'nested', 'plan.json');
      const result = await run(
        ['plan', 'scenarios/launch-day.yaml', '--json', '--out', join(dir, 'nested')],
        {},
        { writeToDisk: true },
      );
      expect(result.code).toBe(0);
      const { gates: _gates, ...plan } = JSON.parse(result.stdout) as Plan & { gates: unknown };
      expect(readFileSync(out, 'utf8')).toBe(`${JSON.stringify(plan, null, 2)}\n`);
      // The plan, its gates' verdicts and its HTML report beside it.
      expect(readdirSync(join(dir, 'nested')).sort()).toEqual(['gates.json', 'index.html', basename(out)]);
    });
  });
});

describe('shardcast validate', () => {
  it('says the scenario is valid and counts its parts', async () => {
    const result = await run(['validate', 'scenarios/launch-day.yaml']);
    expect(result).toMatchObject({
      code: 0,
      stdout:
        'scenarios/launch-day.yaml: valid scenario "launch-day": 1 producer, 2 consumers, 1 Firehose stream, 1 event\n',
      stderr: '',
    });
  });

  it('--print shows every default filled in', async () => {
    const file = 'minimal.yaml';
    const text = 'name: minimal\nstream: { shards: 2 }\nproducers:\n  - name: web\n    rate: 1k/s\n';
    const result = await run(['validate', file, '--print'], { [file]: text });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const printed = parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      name: 'minimal',
      region: 'us-east-1',
      duration: 3600,
      seed: 1,
      headroom: 0.2,
      stream: { mode: 'provisioned', shards: 2, retention: 86_400, maxRecordSize: 1_048_576 },
      consumers: [],
      firehose: [],
      events: [],
      pricing: {},
      gates: [],
    });
    const [producer] = printed.producers as Record<string, unknown>[];
    expect(producer).toEqual({
      name: 'web',
      instances: 1,
      // 1k/s → 1,000 records per second.
      rate: { profile: 'constant', rate: '1000/s' },
      recordSize: { dist: 'fixed', size: 1024 },
      keys: { dist: 'unique', length: 36 },
      destination: 'stream',
      batching: { maxRecords: 500, maxBytes: 10 * 1024 * 1024, linger: 0.1 },
      aggregation: { enabled: false, maxBytes: 51_200 },
      retry: { maxAttempts: 3, baseDelay: 0.1, maxDelay: 20 },
    });
    // The text itself, as a user reads it.
    expect(result.stdout).toContain('\n    batching:\n      maxRecords: 500\n');
    expect(result.stdout).toContain('\n    retry:\n      maxAttempts: 3\n');
  });

  it('--print fills service defaults (a Firehose buffer left out)', async () => {
    const file = 'firehose-defaults.yaml';
    const text =
      'name: t\nstream: { shards: 2 }\nproducers:\n  - name: web\n    rate: 1k/s\nfirehose:\n  - name: to-s3\n';
    const result = await run(['validate', file, '--print', '--json'], { [file]: text });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { firehose: { buffer: unknown }[] };
    // S3's defaults: 5 MiB and 300 s.
    expect(printed.firehose[0]!.buffer).toEqual({ size: 5 * 1024 * 1024, interval: 300 });
  });

  describe.each(BUNDLED)('--print round trip of %s', (file) => {
    // Printed beside the original, so a trace file's relative path still resolves.
    const printedFile = file.replace(/\.yaml$/, '.printed.yaml');
    const printedJsonFile = file.replace(/\.yaml$/, '.printed.json');
    it('re-validates, prints the same again and plans the same', async () => {
      const first = await run(['validate', file, '--print']);
      expect(first.code).toBe(0);
      const second = await run(['validate', printedFile, '--print'], { [printedFile]: first.stdout });
      // The same warnings, at the places they moved to in the printed layout.
      expect(withoutPositions(second.stderr)).toBe(
        withoutPositions(first.stderr.replaceAll(file, printedFile)),
      );
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);

      const original = await run(['plan', file, '--json']);
      const reread = await run(['plan', printedFile, '--json'], { [printedFile]: first.stdout });
      // The same exit code: 1 where a gate over a plan metric fails (iot-fleet-hot-device).
      expect(reread.code).toBe(original.code);
      expect(JSON.parse(reread.stdout)).toEqual(JSON.parse(original.stdout));
    });

    it('--print --json prints JSON that re-validates to the same scenario', async () => {
      const yaml = await run(['validate', file, '--print']);
      const json = await run(['validate', file, '--print', '--json']);
      expect(json.code).toBe(0);
      const printed = JSON.parse(json.stdout) as unknown;
      expect(printed).toEqual(parse(yaml.stdout));
      const again = await run(['validate', printedJsonFile, '--print', '--json'], {
        [printedJsonFile]: json.stdout,
      });
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(json.stdout);
    });
  });
});

describe('shardcast schema', () => {
  it('prints the JSON Schema of scenario files', async () => {
    const result = await run(['schema']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const schema = JSON.parse(result.stdout) as {
      $schema: string;
      $id: string;
      type: string;
      properties: Record<string, { type?: string; items?: unknown }>;
      required: string[];
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.type).toBe('object');
    expect(schema.properties.producers).toMatchObject({ type: 'array', minItems: 1 });
    expect(schema.properties.producers!.items).toBeDefined();
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'producers']));
  });

  it('writes it to --out and says so on stderr', async () => {
    const result = await run(['schema', '--out', 'schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Wrote schema/scenario.schema.json\n');
    expect(result.io.writtenFile('schema/scenario.schema.json')).toBe((await run(['schema'])).stdout);
  });
});

describe('shardcast facts', () => {
  it('prints the limits and prices tables', async () => {
    const result = await run(['facts']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toMatch(/^Limits and behaviours\n {2}fact +value {2}source\n/);
    // Figures print as the rest of shardcast prints them, the exact count beside a rounded one.
    expect(rowOf(out, 'shardWriteBytesPerSecond')?.[1]).toBe('1 MiB/s (1,048,576 bytes/s)');
    expect(rowOf(out, 'efoPropagationSeconds')?.[1]).toBe('70 ms');
    expect(out).toContain("\nPrices (us-east-1; override any in a scenario's pricing: block)\n");
    expect(rowOf(out, 'shardWriteRecordsPerSecond')).toEqual([
      'shardWriteRecordsPerSecond',
      '1,000 records/s',
      `${KINESIS.shardWriteRecordsPerSecond.source} (${KINESIS.shardWriteRecordsPerSecond.asOf})`,
    ]);
    expect(rowOf(out, 'kinesis.shardHour')?.slice(0, 2)).toEqual([
      'kinesis.shardHour',
      '$0.015 per shard-hour',
    ]);
    for (const name of [...Object.keys(KINESIS), ...Object.keys(FIREHOSE), ...PRICE_NAMES]) {
      expect(rowOf(out, name), name).toBeDefined();
    }
    expect(out.endsWith('⚠️ = not confirmed from an AWS source (see docs/aws-facts.md)\n')).toBe(true);
  });

  it('prints JSON with --json', async () => {
    const result = await run(['facts', '--json']);
    expect(result.code).toBe(0);
    const facts = JSON.parse(result.stdout) as { kinesis: typeof KINESIS; prices: Record<string, unknown> };
    expect(facts.kinesis.shardWriteRecordsPerSecond.value).toBe(1000);
    expect(Object.keys(facts.prices)).toEqual(PRICE_NAMES);
  });
});

describe('shardcast --help', () => {
  it('lists the commands and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^shardcast <command> \[options\]\n/);
    for (const command of ['plan <file>', 'validate <file>', 'schema', 'facts']) {
      expect(result.stdout).toContain(`shardcast ${command}`);
    }
  });

  it.each(['plan', 'validate', 'schema', 'facts'])('shows the options of %s', async (command) => {
    const result = await run([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--help');
    expect(result.stderr).toBe('');
  });
});
