import { describe, expect, it } from 'vitest';
import { checkScenarioLimits, suggestPriceName } from '../../src/aws/checks.js';
import { updateShardCountSequence } from '../../src/aws/reshard.js';
import type { ScenarioIssue } from '../../src/scenario/issues.js';
import { type Scenario, scenarioSchema } from '../../src/scenario/schema.js';

/** A valid scenario that breaks no AWS limit, with fields replaced by `patch`. */
function scenario(patch: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse({
    name: 'limits',
    stream: { shards: 4 },
    producers: [{ name: 'web', rate: '1000/s' }],
    ...patch,
  });
}

function producer(fields: Record<string, unknown>): Record<string, unknown> {
  return { name: 'web', rate: '1000/s', ...fields };
}

function issues(patch: Record<string, unknown>): ScenarioIssue[] {
  return checkScenarioLimits(scenario(patch));
}

const LARGE_RECORD_MESSAGE =
  "records above 1 MiB draw on a shard's 10 MiB burst allowance, refilled at 1 MiB/s: AWS designs " +
  'them for intermittent use and advises keeping them under 2% of traffic';

describe('checkScenarioLimits', () => {
  it('finds nothing in a scenario within every limit', () => {
    expect(issues({})).toEqual([]);
    expect(
      issues({
        consumers: [{ name: 'a', type: 'enhanced-fan-out' }],
        firehose: [{ name: 'f', buffer: { size: '64MiB', interval: '60s' }, dynamicPartitions: 500 }],
        events: [{ at: '10m', reshard: { shards: 8 } }],
        pricing: { 'kinesis.shardHour': 0.02 },
      }),
    ).toEqual([]);
  });

  describe("records above the stream's maximum record size (API-K, LR)", () => {
    it('counts the longest templated key: the template with the largest index', () => {
      // Keys device-0 … device-999: the longest is "device-999", 10 bytes.
      // 1 MiB + 10 B = 1,048,586 bytes > 1,048,576.
      const keys = { dist: 'uniform', count: 1000, template: 'device-{i}' };
      expect(issues({ producers: [producer({ recordSize: '1MiB', keys })] })).toEqual([
        {
          path: ['producers', 0, 'recordSize'],
          message:
            "every record: 1 MiB of data + 10 B of partition key = 1 MiB (1,048,586 bytes), above the stream's maximum record size",
          expected: 'at most 1 MiB per record, partition key included (stream.maxRecordSize)',
          found: '1 MiB (1,048,586 bytes)',
          hint: 'raise stream.maxRecordSize (up to 10 MiB), or make the records or their partition keys smaller',
          severity: 'error',
        },
      ]);
      // 1,048,566 + 10 = 1,048,576: exactly the limit, accepted.
      expect(issues({ producers: [producer({ recordSize: 1_048_566, keys })] })).toEqual([]);
    });

    it("checks a uniform distribution's max", () => {
      // Unique keys default to 36 characters: 2 MiB + 36 B = 2,097,188 bytes > 2 MiB stream maximum.
      const found = issues({
        stream: { shards: 4, maxRecordSize: '2MiB' },
        producers: [producer({ recordSize: { dist: 'uniform', min: '1KiB', max: '2MiB' } })],
      }).filter((i) => i.severity === 'error');
      expect(found).toEqual([
        {
          path: ['producers', 0, 'recordSize', 'max'],
          message:
            "the largest record: 2 MiB of data + 36 B of partition key = 2 MiB (2,097,188 bytes), above the stream's maximum record size",
          expected: 'at most 2 MiB per record, partition key included (stream.maxRecordSize)',
          found: '2 MiB (2,097,188 bytes)',
          hint: 'raise stream.maxRecordSize (up to 10 MiB), or make the records or their partition keys smaller',
          severity: 'error',
        },
      ]);
    });

    it("checks a lognormal's max when given, else its p99", () => {
      const withMax = issues({
        producers: [
          producer({ recordSize: { dist: 'lognormal', median: '1KiB', p99: '512KiB', max: '1MiB' } }),
        ],
      });
      expect(withMax.map((i) => [i.path, i.message])).toEqual([
        [
          ['producers', 0, 'recordSize', 'max'],
          "the largest record: 1 MiB of data + 36 B of partition key = 1 MiB (1,048,612 bytes), above the stream's maximum record size",
        ],
      ]);
      const withoutMax = issues({
        producers: [producer({ recordSize: { dist: 'lognormal', median: '1KiB', p99: '1MiB' } })],
      });
      expect(withoutMax.map((i) => [i.path, i.message])).toEqual([
        [
          ['producers', 0, 'recordSize', 'p99'],
          "the 99th-percentile record (no max given): 1 MiB of data + 36 B of partition key = 1 MiB (1,048,612 bytes), above the stream's maximum record size",
        ],
      ]);
    });

    it('checks each weighted size, with weighted keys counted in UTF-8 bytes', () => {
      // "ключ" is 4 characters but 8 UTF-8 bytes: 1 MiB + 8 B = 1,048,584 bytes. 1 KiB + 8 B fits.
      const found = issues({
        producers: [
          producer({
            recordSize: {
              dist: 'weighted',
              sizes: [
                { size: '1KiB', weight: 99 },
                { size: '1MiB', weight: 1 },
              ],
            },
            keys: { dist: 'weighted', keys: [{ key: 'ключ', weight: 1 }] },
          }),
        ],
      });
      expect(found.map((i) => [i.path, i.message, i.found])).toEqual([
        [
          ['producers', 0, 'recordSize', 'sizes', 1, 'size'],
          "a record of this size: 1 MiB of data + 8 B of partition key = 1 MiB (1,048,584 bytes), above the stream's maximum record size",
          '1 MiB (1,048,584 bytes)',
        ],
      ]);
    });

    it('says a 10 MiB stream cannot go higher', () => {
      const found = issues({
        stream: { shards: 4, maxRecordSize: '10MiB' },
        producers: [producer({ recordSize: { dist: 'uniform', min: '10MiB', max: '10MiB' } })],
      }).filter((i) => i.path[2] === 'recordSize' && i.severity === 'error');
      expect(found.map((i) => i.hint)).toEqual([
        'a Kinesis record is at most 10 MiB: make the records or their partition keys smaller',
      ]);
    });
  });

  describe('stream settings', () => {
    it('keeps maxRecordSize within 1 MiB … 10 MiB (API-K MaxRecordSizeInKiB)', () => {
      for (const [written, found] of [
        ['512KiB', '512 KiB'],
        ['11MiB', '11 MiB'],
      ]) {
        expect(issues({ stream: { shards: 4, maxRecordSize: written } })).toEqual([
          {
            path: ['stream', 'maxRecordSize'],
            message: "the stream's maximum record size (MaxRecordSizeInKiB) must be between 1 MiB and 10 MiB",
            expected: '1 MiB … 10 MiB',
            found,
            severity: 'error',
          },
        ]);
      }
    });

    it('keeps retention within 24 h … 8,760 h (API-K, Q)', () => {
      for (const [written, found] of [
        ['12h', '12 h'],
        ['400d', '400 d'],
      ]) {
        expect(issues({ stream: { shards: 4, retention: written } })).toEqual([
          {
            path: ['stream', 'retention'],
            message: 'a stream keeps records for 24 hours at least and 365 days (8,760 hours) at most',
            expected: '24 h … 8,760 h',
            found,
            severity: 'error',
          },
        ]);
      }
      expect(issues({ stream: { shards: 4, retention: '8760h' } })).toEqual([]);
    });

    it('warns above 10,000 shards (UpdateShardCount limit, default shard limit)', () => {
      expect(issues({ stream: { shards: 12_000 } })).toEqual([
        {
          path: ['stream', 'shards'],
          message:
            'more than 10,000 shards: UpdateShardCount cannot scale a stream above 10,000 shards, ' +
            'and 10,000 is the default shard limit',
          expected: 'at most 10,000 shards without a quota increase',
          found: '12,000 shards',
          hint: 'ask AWS for a quota increase before the run, or spread the traffic over several streams',
          severity: 'warning',
        },
      ]);
      expect(issues({ stream: { shards: 10_000 } })).toEqual([]);
    });
  });

  describe('enhanced fan-out consumers (Q, API-K)', () => {
    const efo = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `efo-${i}`, type: 'enhanced-fan-out' }));

    it('points at the first consumer beyond 20', () => {
      // A polling consumer first: the 21st EFO consumer is consumers[21].
      const consumers = [{ name: 'poll', type: 'polling' }, ...efo(21)];
      expect(issues({ consumers })).toEqual([
        {
          path: ['consumers', 21],
          message:
            'consumer "efo-20" is enhanced fan-out consumer number 21; this stream registers at most 20',
          expected: 'at most 20 enhanced fan-out consumers per stream',
          found: '21 enhanced fan-out consumers',
          hint: 'make some of them polling consumers, or use an on-demand stream with On-demand Advantage (50 consumers)',
          severity: 'error',
        },
      ]);
      expect(issues({ consumers: efo(20) })).toEqual([]);
    });

    it('allows 50 only with On-demand Advantage', () => {
      const standard = { mode: 'on-demand' };
      const advantage = { mode: 'on-demand', onDemand: { advantage: true } };
      expect(issues({ stream: standard, consumers: efo(21) }).map((i) => i.path)).toEqual([
        ['consumers', 20],
      ]);
      expect(issues({ stream: advantage, consumers: efo(50) })).toEqual([]);
      expect(issues({ stream: advantage, consumers: efo(51) })).toEqual([
        {
          path: ['consumers', 50],
          message:
            'consumer "efo-50" is enhanced fan-out consumer number 51; an On-demand Advantage stream registers at most 50',
          expected: 'at most 50 enhanced fan-out consumers per stream',
          found: '51 enhanced fan-out consumers',
          hint: 'make some of them polling consumers',
          severity: 'error',
        },
      ]);
      // Advantage is an on-demand billing mode: a provisioned stream keeps 20.
      const provisioned = { shards: 4, onDemand: { advantage: true } };
      expect(issues({ stream: provisioned, consumers: efo(21) }).map((i) => i.path)).toEqual([
        ['consumers', 20],
      ]);
    });
  });

  describe('Firehose buffering (FH-BH, FH23, FH-DPB)', () => {
    it("keeps size and interval within the destination's range", () => {
      // Splunk: 1–5 MiB, 0–60 s.
      expect(
        issues({
          firehose: [{ name: 'f', destination: 'splunk', buffer: { size: '10MiB', interval: '120s' } }],
        }),
      ).toEqual([
        {
          path: ['firehose', 0, 'buffer', 'size'],
          message: 'the buffer size is outside the range the splunk destination allows',
          expected: '1 MiB … 5 MiB',
          found: '10 MiB',
          severity: 'error',
        },
        {
          path: ['firehose', 0, 'buffer', 'interval'],
          message: 'the buffer interval is outside the range the splunk destination allows',
          expected: '0 s … 60 s',
          found: '2 min',
          severity: 'error',
        },
      ]);
      // S3: 1–128 MiB, 0–900 s.
      expect(issues({ firehose: [{ name: 'f', buffer: { size: '512KiB', interval: '16m' } }] })).toEqual([
        {
          path: ['firehose', 0, 'buffer', 'size'],
          message: 'the buffer size is outside the range the s3 destination allows',
          expected: '1 MiB … 128 MiB',
          found: '512 KiB',
          severity: 'error',
        },
        {
          path: ['firehose', 0, 'buffer', 'interval'],
          message: 'the buffer interval is outside the range the s3 destination allows',
          expected: '0 s … 15 min',
          found: '16 min',
          severity: 'error',
        },
      ]);
    });

    it('needs 64 MiB for format conversion', () => {
      expect(
        issues({ firehose: [{ name: 'f', formatConversion: 'parquet', buffer: { size: '32MiB' } }] }),
      ).toEqual([
        {
          path: ['firehose', 0, 'buffer', 'size'],
          message: 'format conversion to parquet needs a buffer size of at least 64 MiB',
          expected: 'at least 64 MiB',
          found: '32 MiB',
          hint: 'omit buffer.size to get the 128 MiB default of format conversion',
          severity: 'error',
        },
      ]);
      expect(issues({ firehose: [{ name: 'f', formatConversion: 'orc' }] })).toEqual([]);
      // Splunk buffers at most 5 MiB, so conversion cannot work there at all.
      expect(issues({ firehose: [{ name: 'f', destination: 'splunk', formatConversion: 'orc' }] })).toEqual([
        {
          path: ['firehose', 0, 'formatConversion'],
          message:
            'format conversion needs a buffer of at least 64 MiB; the splunk destination allows at most 5 MiB',
          expected: 'none',
          found: '"orc"',
          severity: 'error',
        },
      ]);
    });

    it('refuses zero buffering with dynamic partitioning', () => {
      expect(issues({ firehose: [{ name: 'f', dynamicPartitions: 10, buffer: { interval: 0 } }] })).toEqual([
        {
          path: ['firehose', 0, 'buffer', 'interval'],
          message: 'zero buffering (interval 0) is not available with dynamic partitioning',
          expected: 'an interval above 0 s',
          found: '0 s',
          severity: 'error',
        },
      ]);
      expect(issues({ firehose: [{ name: 'f', buffer: { interval: 0 } }] })).toEqual([]);
    });

    it('warns above 500 active partitions and refuses above 5,000', () => {
      expect(issues({ firehose: [{ name: 'f', dynamicPartitions: 600 }] })).toEqual([
        {
          path: ['firehose', 0, 'dynamicPartitions'],
          message:
            'more active partitions than the default quota of 500 per Firehose stream; records beyond ' +
            'the quota go to the S3 error prefix (activePartitionExceeded)',
          expected: 'at most 500 (the default quota; it can be raised to 5,000)',
          found: '600',
          hint: 'ask AWS to raise the active-partition quota before the run',
          severity: 'warning',
        },
      ]);
      expect(issues({ firehose: [{ name: 'f', dynamicPartitions: 6000 }] })).toEqual([
        {
          path: ['firehose', 0, 'dynamicPartitions'],
          message: 'more active partitions than a Firehose stream can have (5,000 with a raised quota)',
          expected: 'at most 5,000',
          found: '6,000',
          severity: 'error',
        },
      ]);
      expect(issues({ firehose: [{ name: 'f', dynamicPartitions: 5000 }] }).map((i) => i.severity)).toEqual([
        'warning',
      ]);
    });
  });

  describe('direct-put producers (FH-Q, API-F)', () => {
    const firehose = [{ name: 'fh', source: 'direct-put' }];

    it('refuses records above 1,000 KiB', () => {
      // 1,001 KiB = 1,025,024 bytes > 1,024,000.
      expect(
        issues({ firehose, producers: [producer({ destination: 'fh', recordSize: '1001KiB' })] }),
      ).toEqual([
        {
          path: ['producers', 0, 'recordSize'],
          message: 'every record is 1,001 KiB, more than Firehose stream "fh" accepts',
          expected: 'at most 1,000 KiB per record (before base64)',
          found: '1,001 KiB',
          severity: 'error',
        },
      ]);
    });

    it('does not apply the stream limits to them', () => {
      // 1,000 KiB fits Firehose; with a 36-byte key it would also fit a 1 MiB stream, but keys do
      // not count: Firehose records have none. A long template would not matter either.
      const keys = { dist: 'uniform', count: 10, template: `${'x'.repeat(300)}{i}` };
      expect(
        issues({ firehose, producers: [producer({ destination: 'fh', recordSize: '1000KiB', keys })] }),
      ).toEqual([]);
    });
  });

  describe('batching (API-K PutRecords)', () => {
    it('refuses requests above 10 MiB', () => {
      expect(issues({ producers: [producer({ batching: { maxBytes: '11MiB' } })] })).toEqual([
        {
          path: ['producers', 0, 'batching', 'maxBytes'],
          message: 'a PutRecords request carries at most 10 MiB, partition keys included',
          expected: 'at most 10 MiB',
          found: '11 MiB',
          severity: 'error',
        },
      ]);
    });

    it('refuses requests smaller than the largest record', () => {
      // 2 KiB + 36-byte unique key = 2,084 bytes > 1 KiB.
      expect(
        issues({ producers: [producer({ recordSize: '2KiB', batching: { maxBytes: '1KiB' } })] }),
      ).toEqual([
        {
          path: ['producers', 0, 'batching', 'maxBytes'],
          message:
            'a request of at most 1 KiB cannot carry the largest record with its partition key: 2.04 KiB (2,084 bytes)',
          expected: 'at least 2.04 KiB (2,084 bytes)',
          found: '1 KiB',
          severity: 'error',
        },
      ]);
    });
  });

  describe('aggregation (KPL)', () => {
    it("keeps an aggregate and its 1-byte key within the stream's maximum", () => {
      // 1 MiB + "a" = 1,048,577 bytes > 1,048,576.
      expect(issues({ producers: [producer({ aggregation: { maxBytes: '1MiB' } })] })).toEqual([
        {
          path: ['producers', 0, 'aggregation', 'maxBytes'],
          message:
            "an aggregated record of this size, with its 1-byte partition key, is above the stream's maximum record size",
          expected: 'at most stream.maxRecordSize − 1 byte = 1,024 KiB (1,048,575 bytes)',
          found: '1 MiB',
          hint: 'the KPL default is 51,200 bytes',
          severity: 'error',
        },
      ]);
      expect(issues({ producers: [producer({ aggregation: true })] })).toEqual([]);
    });
  });

  describe('pricing names', () => {
    it('suggests the closest name for a typo', () => {
      expect(issues({ pricing: { 'kinesis.shardhour': 0.02 } })).toEqual([
        {
          path: ['pricing', 'kinesis.shardhour'],
          message: 'unknown price "kinesis.shardhour"',
          expected: 'a price name listed by `shardcast facts`',
          found: '"kinesis.shardhour"',
          hint: 'did you mean "kinesis.shardHour"?',
          severity: 'error',
        },
      ]);
    });

    it('suggests the full name for a name without its prefix, and nothing for a stranger', () => {
      expect(suggestPriceName('shardHour')).toBe('kinesis.shardHour');
      expect(suggestPriceName('firehose.ingestGB')).toBe('firehose.ingestGb');
      expect(suggestPriceName('ingestGb')).toBeUndefined(); // three services have one
      const [issue] = issues({ pricing: { banana: 1 } });
      expect(issue).toEqual({
        path: ['pricing', 'banana'],
        message: 'unknown price "banana"',
        expected: 'a price name listed by `shardcast facts`',
        found: '"banana"',
        severity: 'error',
      });
    });
  });

  describe('partition-key templates (API-K: 1–256 characters)', () => {
    it('refuses a template whose longest key is above 256 characters', () => {
      // 250 x's + "-" + the largest index: count 100,000 → "99999" = 256 characters (fits);
      // count 1,000,000 → "999999" = 257.
      const template = `${'x'.repeat(250)}-{i}`;
      expect(
        issues({ producers: [producer({ keys: { dist: 'uniform', count: 100_000, template } })] }),
      ).toEqual([]);
      expect(
        issues({ producers: [producer({ keys: { dist: 'zipf', count: 1_000_000, template } })] }),
      ).toEqual([
        {
          path: ['producers', 0, 'keys', 'template'],
          message:
            'the longest partition key this template makes (key 999999) has 257 characters; Kinesis allows at most 256',
          expected: 'at most 256 characters',
          found: '257 characters',
          severity: 'error',
        },
      ]);
    });
  });

  describe('region', () => {
    it('warns outside us-east-1 that prices and quotas may differ', () => {
      expect(issues({ region: 'eu-west-1' })).toEqual([
        {
          path: ['region'],
          message: "shardcast's bundled prices are us-east-1's; prices and quotas in eu-west-1 may differ",
          expected: 'us-east-1 for bundled prices',
          found: '"eu-west-1"',
          hint: "set eu-west-1's prices in the pricing: block (see shardcast facts)",
          severity: 'warning',
        },
      ]);
    });
  });

  describe('large records (LR, B-LR: under 2% of traffic)', () => {
    const stream = { shards: 4, maxRecordSize: '10MiB' };
    const warn = (path: (string | number)[], found: string): ScenarioIssue => ({
      path,
      message: LARGE_RECORD_MESSAGE,
      expected: 'records above 1 MiB in under 2% of traffic',
      found,
      hint: 'store large payloads elsewhere (S3) and send a reference, or split them',
      severity: 'warning',
    });

    it('warns when a lognormal puts more than 2% above 1 MiB', () => {
      // Median 100 KiB, p99 2 MiB: σ = ln(20.48) / 2.3263 = 1.2980; above 1 MiB:
      // 1 − Φ(ln(10.24) / 1.2980) = 1 − Φ(1.7923) = 3.65%.
      const recordSize = { dist: 'lognormal', median: '100KiB', p99: '2MiB' };
      expect(issues({ stream, producers: [producer({ recordSize })] })).toEqual([
        warn(['producers', 0, 'recordSize', 'p99'], '3.65% of records above 1 MiB (p99 2 MiB)'),
      ]);
    });

    it('says nothing at or under 2%, as the planner does', () => {
      // Weights 99 and 1: 1% of records are 4 MiB, within AWS's advice.
      const recordSize = {
        dist: 'weighted',
        sizes: [
          { size: '1KiB', weight: 99 },
          { size: '4MiB', weight: 1 },
        ],
      };
      expect(issues({ stream, producers: [producer({ recordSize })] })).toEqual([]);
    });

    it('warns when a uniform max is above 1 MiB, with the share', () => {
      // Uniform on [0.5 MiB, 2 MiB]: (2 − 1) / (2 − 0.5) = 66.7% above 1 MiB.
      const recordSize = { dist: 'uniform', min: '512KiB', max: '2MiB' };
      expect(issues({ stream, producers: [producer({ recordSize })] })).toEqual([
        warn(['producers', 0, 'recordSize', 'max'], '66.7% of records above 1 MiB (uniform up to 2 MiB)'),
      ]);
    });

    it('warns for fixed and weighted sizes above 1 MiB', () => {
      expect(issues({ stream, producers: [producer({ recordSize: '2MiB' })] })).toEqual([
        warn(['producers', 0, 'recordSize'], 'every record is 2 MiB (100% of records)'),
      ]);
      // Weights 97 and 3: 3 / 100 = 3% of records are 4 MiB.
      const recordSize = {
        dist: 'weighted',
        sizes: [
          { size: '1KiB', weight: 97 },
          { size: '4MiB', weight: 3 },
        ],
      };
      expect(issues({ stream, producers: [producer({ recordSize })] })).toEqual([
        warn(['producers', 0, 'recordSize', 'sizes', 1, 'size'], '3% of records above 1 MiB'),
      ]);
    });

    it('leaves them to the size error on a 1 MiB stream', () => {
      const recordSize = { dist: 'lognormal', median: '100KiB', p99: '2MiB' };
      expect(issues({ producers: [producer({ recordSize })] }).map((i) => i.severity)).toEqual(['error']);
    });
  });

  describe('reshard events (API-K UpdateShardCount)', () => {
    it('refuses a target above 10,000 shards', () => {
      expect(
        issues({ stream: { shards: 6000 }, events: [{ at: '10m', reshard: { shards: 12_000 } }] }),
      ).toEqual([
        {
          path: ['events', 0, 'reshard', 'shards'],
          message: 'UpdateShardCount cannot scale a stream above 10,000 shards',
          expected: 'at most 10,000 shards',
          found: '12,000 shards',
          severity: 'error',
        },
      ]);
    });

    it('warns that a step beyond half or double the count before it takes several calls', () => {
      // 4 → 16 is above 2 × 4 = 8 (4 → 8 → 16: two calls); then 16 → 3 is below ceil(16 / 2) = 8.
      const events = [
        { at: '10m', reshard: { shards: 16 } },
        { at: '20m', reshard: { shards: 3 } },
      ];
      expect(issues({ events })).toEqual([
        {
          path: ['events', 0, 'reshard', 'shards'],
          message:
            'one UpdateShardCount scales between half and double the current count (4 shards), so this event takes several calls in a row',
          expected: '2 … 8 shards for a single call',
          found: '16 shards',
          severity: 'warning',
        },
        {
          path: ['events', 1, 'reshard', 'shards'],
          message:
            'one UpdateShardCount scales between half and double the current count (16 shards), so this event takes several calls in a row',
          expected: '8 … 32 shards for a single call',
          found: '3 shards',
          severity: 'warning',
        },
      ]);
      // 5 → 3 is one call: ceil(5 / 2) = 3.
      expect(issues({ stream: { shards: 5 }, events: [{ at: '1m', reshard: { shards: 3 } }] })).toEqual([]);
    });

    it('refuses an 11th call within 24 hours', () => {
      // 4 ↔ 8 every minute from 1 min to 11 min: the 11th call comes 10 min after the 1st.
      const events = Array.from({ length: 11 }, (_, i) => ({
        at: `${i + 1}m`,
        reshard: { shards: i % 2 === 0 ? 8 : 4 },
      }));
      expect(issues({ duration: '1h', events })).toEqual([
        {
          path: ['events', 10],
          message: 'more than 10 UpdateShardCount calls within 24 hours',
          expected: 'at most 10 reshard events in any 24 hours',
          found: '11 within 10 min',
          severity: 'error',
        },
      ]);
      // Every 3 hours: the 11th call is 30 h after the 1st.
      const spread = events.map((e, i) => ({ ...e, at: `${i * 3}h` }));
      expect(issues({ duration: '48h', events: spread })).toEqual([]);
    });
  });
});

describe('updateShardCountSequence on bad counts', () => {
  it.each([
    [Number.NaN, 4],
    [4, Number.NaN],
    [0, 4],
    [4, 0],
    [-2, 4],
    [2.5, 4],
  ])('throws a RangeError for %s → %s instead of looping', (from, to) => {
    expect(() => updateShardCountSequence(from, to)).toThrow(RangeError);
  });
});
