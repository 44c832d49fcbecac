import { describe, expect, it } from 'vitest';
import { withServiceDefaults } from '../../src/aws/defaults.js';
import { type Scenario, scenarioSchema } from '../../src/scenario/schema.js';

const MiB = 1024 * 1024;

function scenario(patch: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse({
    name: 'defaults',
    stream: { shards: 2 },
    producers: [{ name: 'web', rate: '1000/s' }],
    ...patch,
  });
}

function buffersOf(firehose: Record<string, unknown>[]): { size?: number; interval?: number }[] {
  return withServiceDefaults(scenario({ firehose })).firehose.map((f) => f.buffer);
}

describe('withServiceDefaults: Firehose buffering hints (FH-BH, API-F)', () => {
  it("fills each destination's default size and interval", () => {
    // S3 5 MiB / 300 s; Splunk 5 MiB / 60 s; HTTP endpoint 5 MiB / 60 s (docs table);
    // Snowflake 1 MiB / 0 s (docs table); OpenSearch 5 MiB / 300 s.
    expect(
      buffersOf([
        { name: 'a', destination: 's3' },
        { name: 'b', destination: 'splunk' },
        { name: 'c', destination: 'http-endpoint' },
        { name: 'd', destination: 'snowflake' },
        { name: 'e', destination: 'opensearch' },
      ]),
    ).toEqual([
      { size: 5 * MiB, interval: 300 }, // 5,242,880 bytes
      { size: 5 * MiB, interval: 60 },
      { size: 5 * MiB, interval: 60 },
      { size: 1 * MiB, interval: 0 },
      { size: 5 * MiB, interval: 300 },
    ]);
  });

  it('uses 128 MiB with format conversion (FH23), within the destination maximum', () => {
    // S3: 128 × 1,048,576 = 134,217,728 bytes. OpenSearch allows at most 100 MiB = 104,857,600.
    expect(
      buffersOf([
        { name: 'a', destination: 's3', formatConversion: 'parquet' },
        { name: 'b', destination: 'opensearch', formatConversion: 'orc' },
      ]),
    ).toEqual([
      { size: 134_217_728, interval: 300 },
      { size: 104_857_600, interval: 300 },
    ]);
  });

  it('keeps what the scenario gives and fills only the rest', () => {
    expect(
      buffersOf([
        { name: 'a', buffer: { size: '64MiB' } },
        { name: 'b', buffer: { interval: '30s' } },
        { name: 'c', buffer: { size: '2MiB', interval: 0 } },
      ]),
    ).toEqual([
      { size: 64 * MiB, interval: 300 },
      { size: 5 * MiB, interval: 30 },
      { size: 2 * MiB, interval: 0 },
    ]);
  });
});

describe('withServiceDefaults: lognormal record sizes', () => {
  it("caps a lognormal without max so data and key fit the stream's maximum record size", () => {
    const s = scenario({
      stream: { shards: 2, maxRecordSize: '2MiB' },
      producers: [
        { name: 'a', rate: '10/s', recordSize: { dist: 'lognormal', median: '1KiB', p99: '8KiB' } },
        {
          name: 'b',
          rate: '10/s',
          recordSize: { dist: 'lognormal', median: '1KiB', p99: '8KiB', max: '64KiB' },
        },
        { name: 'c', rate: '10/s', recordSize: '1KiB' },
      ],
    });
    const sizes = withServiceDefaults(s).producers.map((p) => p.recordSize);
    expect(sizes).toEqual([
      // The default key distribution is unique keys of 36 characters: 2 MiB − 36 = 2,097,116 bytes.
      { dist: 'lognormal', median: 1024, p99: 8192, max: 2 * MiB - 36 },
      { dist: 'lognormal', median: 1024, p99: 8192, max: 64 * 1024 },
      { dist: 'fixed', size: 1024 },
    ]);
  });
});

describe('withServiceDefaults: purity', () => {
  it('returns a new scenario and leaves the input as it was', () => {
    const s = scenario({
      producers: [
        { name: 'a', rate: '10/s', recordSize: { dist: 'lognormal', median: '1KiB', p99: '8KiB' } },
      ],
      firehose: [{ name: 'f' }],
    });
    const before = structuredClone(s);
    const completed = withServiceDefaults(s);
    expect(s).toEqual(before);
    expect(completed).not.toBe(s);
    expect(completed.firehose[0]!.buffer).toEqual({ size: 5 * MiB, interval: 300 });
    expect(s.firehose[0]!.buffer).toEqual({});
    // Everything else is carried over unchanged.
    expect({ ...completed, producers: s.producers, firehose: s.firehose }).toEqual(s);
  });

  it('is idempotent', () => {
    const s = withServiceDefaults(scenario({ firehose: [{ name: 'f', destination: 'splunk' }] }));
    expect(withServiceDefaults(s)).toEqual(s);
  });
});
