/** The http target's small parts: a PutRecords answer's refused entries, headers, latency by status in the report. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricGroups } from '../../../src/report/target-view.js';
import {
  type BodyContext,
  batchRule,
  buildBody,
  failedEntries,
  type HttpRecord,
  isoTime,
  recordData,
  recordDataBase64,
} from '../../../src/targets/http/formats.js';
import { httpOptionsSchema } from '../../../src/targets/http/options.js';

describe('failedEntries', () => {
  const answer = (failed: number, records: unknown[]) =>
    JSON.stringify({ FailedRecordCount: failed, Records: records });
  it('names each refused entry by index and ErrorCode', () => {
    const body = answer(2, [
      { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
      { ErrorCode: 'InternalFailure', ErrorMessage: 'x' },
    ]);
    expect(failedEntries(body, 3)).toEqual([
      { index: 1, code: 'ProvisionedThroughputExceededException' },
      { index: 2, code: 'InternalFailure' },
    ]);
  });
  it('refuses nothing when the answer is not a PutRecords answer for this request', () => {
    expect(failedEntries(answer(0, [{}, {}]), 2)).toEqual([]);
    // A list of another length is not this request's answer.
    expect(failedEntries(answer(1, [{ ErrorCode: 'X' }]), 2)).toEqual([]);
    expect(failedEntries('{"FailedRecordCount": 1, "Records": "no"}', 1)).toEqual([]);
    expect(failedEntries('not json FailedRecordCount', 1)).toEqual([]);
    expect(failedEntries('{}', 1)).toEqual([]);
  });
});

describe('http options', () => {
  it("splits 'Name: value' at the first colon, keeping the value's own", () => {
    const o = httpOptionsSchema.parse({
      url: 'http://127.0.0.1:1/x',
      header: ['Authorization: Bearer a:b', 'X-A:1'],
    });
    expect(o.header).toEqual([
      ['Authorization', 'Bearer a:b'],
      ['X-A', '1'],
    ]);
    expect(o.method).toBe('POST');
    expect(o.format).toBe('api-gateway-kinesis');
  });
  it('refuses a header name with a space and a value on two lines', () => {
    expect(httpOptionsSchema.safeParse({ url: 'http://h/', header: ['X A: 1'] }).success).toBe(false);
    expect(httpOptionsSchema.safeParse({ url: 'http://h/', header: ['X-A: 1\r\nX-B: 2'] }).success).toBe(
      false,
    );
  });
});

describe('the report: latency by status', () => {
  it('gathers http.latency.<status>.<p50|p99|max>Seconds into one table, a row per status', () => {
    const groups = metricGroups({
      'http.status.200': 10,
      'http.latency.200.p50Seconds': 0.002,
      'http.latency.200.p99Seconds': 0.01,
      'http.latency.200.maxSeconds': 0.02,
      'http.latency.ECONNRESET.p50Seconds': 0.5,
    });
    const table = groups.find((g) => g.title.startsWith('Response time by status'));
    expect(table?.headers).toEqual(['status', 'p50', 'p99', 'max']);
    expect(table?.rows.map((r) => r[0])).toEqual(['200', 'ECONNRESET']);
    expect(table?.rows[1]?.[2]).toBe('—');
    // None of them is left in the table of other metrics.
    expect(groups.flatMap((g) => g.rows).filter((r) => r[0]!.startsWith('http.latency.'))).toEqual([]);
  });
});

describe('recordDataBase64', () => {
  it('is base64 of the record data (the header, then zeros) for every size and header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.nat(0xffffffff),
        fc.nat(65535),
        fc.nat(2 ** 40),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (dataBytes, tag, producer, sequence, at) => {
          const context: BodyContext = {
            runTag: tag,
            worker: 3,
            streamName: 's',
            producerNames: [],
            epochMicros: (seconds) => 1.7e15 + seconds * 1e6,
          };
          const record = { producer, sequence, at, partitionKey: 'k', dataBytes, keyBytes: 1 };
          expect(recordDataBase64(context, record)).toBe(
            Buffer.from(recordData(context, record)).toString('base64'),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('isoTime', () => {
  it('is new Date(ms).toISOString() for any time Date holds, before 1970 and fractional ms too', () => {
    // ±8.64e15 ms is Date's range; fractional ms are truncated towards 0 by both.
    fc.assert(
      fc.property(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    // Times of one second in a row (the cache's case), and its edges.
    for (const ms of [1.7e15 / 1000, 1.7e12 + 999.9, 1.7e12 + 1000, -1, -0.5, -1000, -1001, 0]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    // Hand-computed: 1,700,000,000,123 ms = 19,675 days + 80,000.123 s = 2023-11-14T22:13:20.123Z.
    expect(isoTime(1_700_000_000_123.9)).toBe('2023-11-14T22:13:20.123Z');
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('buildBody', () => {
  // The straightforward bodies: JSON.stringify of the objects the formats describe.
  const context: BodyContext = {
    runTag: 0xdeadbeef,
    worker: 2,
    streamName: 'orders "live"',
    producerNames: ['web', 'ünïcode "quoted"', 'batch\\job'],
    epochMicros: (seconds) => Math.round(1.7e15 + seconds * 1e6),
  };
  const base64 = (r: HttpRecord) => Buffer.from(recordData(context, r)).toString('base64');
  const jsonOf = (r: HttpRecord) => ({
    key: r.partitionKey,
    data: base64(r),
    producer: context.producerNames[r.producer],
    sequence: r.sequence,
    time: new Date(context.epochMicros(r.at) / 1000).toISOString(),
  });
  const entryOf = (r: HttpRecord) => ({
    Data: base64(r),
    PartitionKey: r.partitionKey,
    ...(r.explicitHashKey === undefined ? {} : { ExplicitHashKey: r.explicitHashKey }),
  });
  const record = fc.record({
    producer: fc.integer({ min: 0, max: 2 }),
    sequence: fc.nat(2 ** 40),
    at: fc.double({ min: 0, max: 1e5, noNaN: true }),
    partitionKey: fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
    explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), { nil: undefined }),
    dataBytes: fc.integer({ min: 1, max: 400 }),
  });
  const producer = (maxRecords: number) =>
    ({ batching: { maxRecords, maxBytes: 5 * 1024 * 1024, linger: 0 } }) as Parameters<typeof batchRule>[1];

  it('writes the json and api-gateway-kinesis bodies JSON.stringify would, one record or a list', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.boolean(), (drawn, list) => {
        const records = (list ? drawn : drawn.slice(0, 1)).map((r) => ({
          ...r,
          keyBytes: Buffer.byteLength(r.partitionKey),
        }));
        const maxRecords = list ? 10 : 1;
        const json = buildBody('json', batchRule('json', producer(maxRecords)), context, records);
        expect(json.body).toBe(JSON.stringify(list ? records.map(jsonOf) : jsonOf(records[0]!)));
        const kinesis = buildBody(
          'api-gateway-kinesis',
          batchRule('api-gateway-kinesis', producer(maxRecords)),
          context,
          records,
        );
        expect(kinesis.body).toBe(
          JSON.stringify(
            list
              ? { StreamName: context.streamName, Records: records.map(entryOf) }
              : { StreamName: context.streamName, ...entryOf(records[0]!) },
          ),
        );
      }),
      { numRuns: 500 },
    );
  });
});
