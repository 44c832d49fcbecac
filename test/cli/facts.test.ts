/**
 * `shardcast facts` as a user runs it: every source a fact or price cites is named with its title
 * and where to read it, in the text and in `--json`; with a scenario, only the figures it relies
 * on. And `plan` lists as "unconfirmed prices used" only the prices its costs use: a scenario with
 * no Firehose stream uses no (unconfirmed, third-party) Firehose price.
 */
import { describe, expect, it } from 'vitest';
import { FIREHOSE, KINESIS } from '../../src/aws/facts.js';
import { PRICE_NAMES, US_EAST_1_PRICES } from '../../src/aws/pricing.js';
import type { Plan } from '../../src/planner/types.js';
import { run } from '../helpers/fake-io.js';

/** The "Sources" section of the text output: code → [title line, URL line]. */
function sourcesOf(out: string): Map<string, { title: string; where: string }> {
  const lines = out.split('\n');
  const start = lines.indexOf('Sources');
  expect(start, 'a Sources section').toBeGreaterThan(0);
  const found = new Map<string, { title: string; where: string }>();
  for (let i = start + 1; i + 1 < lines.length && lines[i]!.startsWith('  '); i += 2) {
    const m = /^ {2}(\S+) +(.+)$/.exec(lines[i]!)!;
    found.set(m[1]!, { title: m[2]!, where: lines[i + 1]!.trim() });
  }
  return found;
}

/** The source codes cited in a table's source column ("Q, API-K (~2026) ⚠️" → Q, API-K). */
function citedCodes(out: string, names: readonly string[]): Set<string> {
  const codes = new Set<string>();
  for (const line of out.split('\n')) {
    const cells = line.trim().split(/ {2,}/);
    if (!names.includes(cells[0]!)) continue;
    for (const part of cells.at(-1)!.split(',')) codes.add(/^\s*([A-Z][A-Z0-9-]*)/.exec(part)![1]!);
  }
  return codes;
}

describe('shardcast facts: sources with titles and URLs', () => {
  it('names every cited source with its title, dates and URL', async () => {
    const result = await run(['facts']);
    expect(result.code).toBe(0);
    const sources = sourcesOf(result.stdout);
    const names = [...Object.keys(KINESIS), ...Object.keys(FIREHOSE), ...PRICE_NAMES];
    const cited = citedCodes(result.stdout, names);
    // Every code a row cites is explained, and nothing else is listed.
    expect([...sources.keys()].sort()).toEqual([...cited].sort());
    expect(cited.has('API-K')).toBe(true);
    expect(sources.get('API-K')!.title).toContain('Kinesis API model');
    expect(sources.get('API-K')!.where).toMatch(
      /^https:\/\/github\.com\/boto\/botocore\/blob\/[0-9a-f]{40}\//,
    );
    expect(sources.get('Q')!.where).toBe(
      'https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html',
    );
    expect(sources.get('B-ODA')!.title).toMatch(
      /On-demand Advantage.*\(content 2025-11-03, checked \d{4}-\d{2}\)$/,
    );
    // Each source is a URL, except the training-material figure, which says it has none.
    for (const [code, s] of sources) {
      if (code === 'TRAIN') expect(s.where).toMatch(/^no public copy found/);
      else expect(s.where, code).toMatch(/^https:\/\//);
    }
    // The reshard duration no longer cites a design note users cannot see.
    expect(result.stdout).not.toContain('docs/aws-facts.md "Reshard duration"');
    expect(result.stdout).toMatch(
      /\n {2}shardOperationSeconds +30 s +TRAIN \(training material\) \(2026-11\) ⚠️\n/,
    );
  });

  it('gives --json the same: a sources table and each figure’s source codes', async () => {
    const result = await run(['facts', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      kinesis: Record<string, { source: string; sourceCodes: string[] }>;
      firehose: Record<string, { sourceCodes: string[] }>;
      prices: Record<string, { sourceCodes: string[] }>;
      sources: Record<string, { code: string; title: string; url: string | null; checked: string }>;
    };
    expect(json.kinesis.shardWriteRecordsPerSecond!.sourceCodes).toEqual(['Q', 'API-K', 'FAQ']);
    // 'B-ODA (−60%)' names B-ODA; 'INFRA (s3_bucket_test)' names INFRA.
    expect(json.prices['kinesis.onDemandAdvantage.ingestGb']!.sourceCodes).toEqual(['B-ODA']);
    expect(json.prices['s3.putRequestsPerThousand']!.sourceCodes).toEqual(['INFRA']);
    const all = [
      ...Object.values(json.kinesis),
      ...Object.values(json.firehose),
      ...Object.values(json.prices),
    ];
    for (const f of all) {
      expect(f.sourceCodes.length).toBeGreaterThan(0);
      for (const code of f.sourceCodes) expect(json.sources[code]?.title, code).toBeTruthy();
    }
    expect(json.sources['FH-Q']).toMatchObject({
      code: 'FH-Q',
      url: 'https://docs.aws.amazon.com/firehose/latest/dev/limits.html',
    });
  });
});

describe('which prices a scenario uses', () => {
  const firehosePrices = PRICE_NAMES.filter((n) => n.startsWith('firehose.'));

  it('plan lists no Firehose price as used by a scenario without Firehose', async () => {
    // fanout-analytics: provisioned, polling and enhanced fan-out readers, no Firehose stream.
    const text = await run(['plan', 'scenarios/fanout-analytics.yaml']);
    expect(text.code).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.includes('Unconfirmed prices used'))!;
    expect(line).toBe(
      '  Unconfirmed prices used (⚠️ third-party or derived): kinesis.onDemandAdvantage.ingestGb, kinesis.onDemandAdvantage.retrievalGb, kinesis.onDemandAdvantage.efoRetrievalGb',
    );
    const json = await run(['plan', 'scenarios/fanout-analytics.yaml', '--json']);
    const plan = JSON.parse(json.stdout) as Plan;
    for (const name of firehosePrices) expect(plan.cost.unconfirmedPrices).not.toContain(name);
    // Retention is 24 h: no extended-retention price is used either.
    expect(plan.cost.unconfirmedPrices).not.toContain('kinesis.onDemandAdvantage.extendedRetentionGbMonth');
  });

  it('plan lists the Firehose prices a Firehose scenario uses', async () => {
    const json = await run(['plan', 'scenarios/log-shipping-firehose.yaml', '--json']);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.cost.unconfirmedPrices).toContain('firehose.ingestGb');
  });

  it('facts FILE lists only what the scenario relies on', async () => {
    const result = await run(['facts', 'scenarios/fanout-analytics.yaml']);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out.split('\n')[0]).toBe(
      'The limits and prices scenario "fanout-analytics" relies on. Left out: on-demand capacity (the stream is provisioned), Firehose limits (no Firehose stream). `shardcast facts` lists them all.',
    );
    for (const name of [...firehosePrices, ...Object.keys(FIREHOSE)])
      expect(out).not.toContain(`  ${name}  `);
    expect(out).not.toMatch(/\n {2}onDemandInitialWriteBytesPerSecond /);
    expect(out).toMatch(/\n {2}kinesis\.efoConsumerShardHour +\$0\.015 per consumer-shard-hour/);
    expect(out).toMatch(/\n {2}shardWriteBytesPerSecond /);
    // Firehose sources are not cited, so not listed.
    expect(sourcesOf(out).has('FH-Q')).toBe(false);
    expect(sourcesOf(out).has('PR-F')).toBe(false);
  });

  it('facts FILE shows the scenario’s price overrides and its Firehose figures', async () => {
    const scenario = `
name: overridden
stream: { shards: 1 }
producers:
  - { name: d, destination: f, rate: 100/s, recordSize: 1KiB }
  - { name: s, rate: 10/s }
firehose:
  - { name: f, source: direct-put }
pricing:
  firehose.ingestGb: 0.035
`;
    const result = await run(['facts', 'own.yaml', '--json'], { 'own.yaml': scenario });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      scenario: { name: string };
      firehose: Record<string, unknown>;
      prices: Record<string, { usd: number; source: string; confirmed: boolean }>;
    };
    expect(json.scenario.name).toBe('overridden');
    expect(Object.keys(json.firehose)).toEqual(Object.keys(FIREHOSE));
    expect(json.prices['firehose.ingestGb']).toMatchObject({
      usd: 0.035,
      source: 'scenario pricing override',
      confirmed: true,
    });
    // S3 is the default destination: its PUT requests are priced; no conversion, no partitions.
    expect(json.prices['s3.putRequestsPerThousand']?.usd).toBe(
      US_EAST_1_PRICES['s3.putRequestsPerThousand'].usd,
    );
    expect(json.prices['firehose.formatConversionGb']).toBeUndefined();
    expect(json.prices['firehose.dynamicPartitioningGb']).toBeUndefined();
  });

  it('facts FILE with a bad scenario is an input error with its location', async () => {
    const result = await run(['facts', 'bad.yaml'], { 'bad.yaml': 'name: bad\nstream: { shards: -1 }\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml:2:\d+/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('facts FILE lists Direct PUT quotas only for a scenario that puts to Firehose directly', async () => {
    // A Firehose stream fed from the Kinesis stream (source: stream): no Direct PUT quota binds it.
    const viaStream = await run(['facts', 's.yaml'], {
      's.yaml': `name: via-stream
duration: 1m
stream: { shards: 1 }
producers:
  - { name: app, rate: 100/s, recordSize: 1KiB, keys: { dist: uniform, count: 10 } }
firehose:
  - { name: archive, source: stream, destination: s3 }
`,
    });
    expect(viaStream.stderr).toBe('');
    expect(viaStream.code).toBe(0);
    expect(viaStream.stdout).toContain('streamSourcePollsPerSecond');
    expect(viaStream.stdout).not.toContain('directPutRecordsPerSecond');
    const direct = await run(['facts', 'd.yaml'], {
      'd.yaml': `name: direct
duration: 1m
stream: { shards: 1 }
producers:
  - { name: app, rate: 100/s, recordSize: 1KiB, keys: { dist: uniform, count: 10 }, destination: logs }
firehose:
  - { name: logs, source: direct-put, destination: s3 }
`,
    });
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toContain('directPutRecordsPerSecond');
  });
});
