import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { data, directPutInput, harness, KiB, listFiles, MiB } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardcast-firehose-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('Firehose delivery: buffers flush on size or interval (FH-BH)', () => {
  it('flushes a 5 MiB buffer filled by 100 KiB records at 10/s every 5.2 s', async () => {
    // 5 MiB = 5,120 KiB: 51 records (5,100 KiB) are under it, the 52nd (5,200 KiB) reaches it. At
    // 10 records/s record n arrives at (n − 1) × 0.1 s after the first, so objects close with
    // records 52, 104, 156 and 208: 5.1 s, 10.3 s, 15.5 s, 20.7 s — one every 52 / 10 = 5.2 s, each
    // 52 × 102,400 = 5,324,800 bytes. The interval (300 s) never comes into it.
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('big', { BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 } }),
    );
    h.clock.advanceBy(1000);
    const t0 = h.clock.nowMs();
    const flushTimes: number[] = [];
    let objects = 0;
    for (let n = 1; n <= 208; n++) {
      h.clock.advanceTo(t0 + (n - 1) * 100);
      h.call('PutRecord', { DeliveryStreamName: 'big', Record: { Data: data(100 * KiB) } });
      await h.firehose.idle();
      if (h.metrics('big').objects > objects) {
        objects = h.metrics('big').objects;
        flushTimes.push(h.clock.nowMs() - t0);
      }
    }
    expect(flushTimes).toEqual([5100, 10_300, 15_500, 20_700]);
    const m = h.metrics('big');
    expect(m.objectBytes).toBe(4 * 5_324_800);
    expect(m.recordsDelivered).toBe(208);
    expect(m.bufferedRecords).toBe(0);
    const files = await listFiles(join(dir, 'bucket'));
    expect(files).toHaveLength(4);
    await h.firehose.close?.();
  });

  it('flushes a 60 s buffer fed 1 KiB/s once a minute, from its first record', async () => {
    // Records at 0, 1, 2, … s: the first starts the interval, so the buffer flushes at 60 s with the
    // records of 0–59 s (60 × 1,024 = 61,440 bytes); the record of 60 s starts the next one, which
    // flushes at 120 s, and so on: three objects of 61,440 bytes in 180 s, none earlier (the size
    // hint, 1 MiB, is never reached).
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('slow', { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 } }),
    );
    h.clock.advanceBy(1000);
    const t0 = h.clock.nowMs();
    const objectsAt: Record<number, number> = {};
    for (let s = 0; s < 180; s++) {
      h.clock.advanceTo(t0 + s * 1000);
      await h.firehose.idle();
      objectsAt[s] = h.metrics('slow').objects;
      h.call('PutRecord', { DeliveryStreamName: 'slow', Record: { Data: data(KiB) } });
    }
    h.clock.advanceTo(t0 + 180_000);
    await h.firehose.idle();
    expect([objectsAt[59], objectsAt[60], objectsAt[119], objectsAt[120]]).toEqual([0, 1, 1, 2]);
    expect(h.metrics('slow')).toMatchObject({ objects: 3, objectBytes: 3 * 61_440, recordsDelivered: 180 });
    await h.firehose.close?.();
  });

  it('takes an interval of 0 as 5 s (ZERO_BUFFERING_SECONDS)', async () => {
    const h = harness();
    h.call(
      'CreateDeliveryStream',
      directPutInput('zero', { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 0 } }),
    );
    h.clock.advanceBy(1000);
    h.call('PutRecord', { DeliveryStreamName: 'zero', Record: { Data: data(10) } });
    h.clock.advanceBy(4999);
    await h.firehose.idle();
    expect(h.metrics('zero').objects).toBe(0);
    h.clock.advanceBy(1);
    await h.firehose.idle();
    expect(h.metrics('zero').objects).toBe(1);
  });
});

describe('Firehose delivery: objects as S3 holds them', () => {
  it('names objects <prefix><yyyy/MM/dd/HH of the oldest record>/<name>-1-<write time>-<uuid> and concatenates records', async () => {
    // The first record arrives at 09:59:51 (START_MS + 1 s, when the stream is ACTIVE); with a 60 s
    // interval the object is written at 10:00:51. The default time prefix is the oldest record's
    // hour (09), the suffix the write time (10-00-51).
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('clicks', { Prefix: 'logs/', BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 } }),
    );
    h.clock.advanceBy(1000);
    h.call('PutRecord', {
      DeliveryStreamName: 'clicks',
      Record: { Data: Buffer.from('one\n').toString('base64') },
    });
    h.call('PutRecordBatch', {
      DeliveryStreamName: 'clicks',
      Records: [
        { Data: Buffer.from('two').toString('base64') },
        { Data: Buffer.from('three\n').toString('base64') },
      ],
    });
    h.clock.advanceBy(60_000);
    await h.firehose.idle();
    const files = await listFiles(join(dir, 'bucket'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^logs/2026/12/06/09/clicks-1-2026-12-06-10-00-51-${UUID}$`));
    // No delimiter added: what the producer sent, in order.
    expect(await readFile(join(dir, 'bucket', files[0] as string), 'utf8')).toBe('one\ntwothree\n');
  });

  it('writes GZIP objects with .gz that decompress to the records', async () => {
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('gz', {
        CompressionFormat: 'GZIP',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
      }),
    );
    h.clock.advanceBy(1000);
    const lines = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}\n`);
    for (let i = 0; i < lines.length; i += 100) {
      h.call('PutRecordBatch', {
        DeliveryStreamName: 'gz',
        Records: lines.slice(i, i + 100).map((l) => ({ Data: Buffer.from(l).toString('base64') })),
      });
    }
    await h.firehose.close?.();
    const files = await listFiles(join(dir, 'bucket'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.gz$/);
    const stored = await readFile(join(dir, 'bucket', files[0] as string));
    expect(gunzipSync(stored).toString('utf8')).toBe(lines.join(''));
    // Repetitive JSON compresses: the object is smaller than its records, and counted as stored.
    const m = h.metrics('gz');
    expect(m.objectBytes).toBe(stored.byteLength);
    expect(m.objectBytes).toBeLessThan(m.bytesDelivered);
  });

  it('evaluates !{timestamp:…} and !{firehose:random-string} without adding the default time prefix', async () => {
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('custom', {
        Prefix:
          "year=!{timestamp:yyyy}/month=!{timestamp:MM}/at=!{timestamp:HH'h'mm}/!{firehose:random-string}/",
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
      }),
    );
    h.clock.advanceBy(1000);
    h.call('PutRecord', { DeliveryStreamName: 'custom', Record: { Data: data(5) } });
    await h.firehose.close?.();
    const files = await listFiles(join(dir, 'bucket'));
    expect(files[0]).toMatch(
      new RegExp(`^year=2026/month=12/at=09h59/[0-9a-z]{11}/custom-1-2026-12-06-09-59-51-${UUID}$`),
    );
  });

  it('UpdateDestination delivers what is buffered under version 1, then writes version 2 objects where the update says', async () => {
    const h = harness({ dataDir: dir });
    h.call(
      'CreateDeliveryStream',
      directPutInput('upd', { Prefix: 'v1/', BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 } }),
    );
    h.clock.advanceBy(1000);
    h.call('PutRecord', {
      DeliveryStreamName: 'upd',
      Record: { Data: Buffer.from('old').toString('base64') },
    });
    const update = {
      DeliveryStreamName: 'upd',
      CurrentDeliveryStreamVersionId: '1',
      DestinationId: 'destinationId-000000000001',
      ExtendedS3DestinationUpdate: { Prefix: 'v2/', CompressionFormat: 'GZIP' },
    };
    expect(h.call('UpdateDestination', update)).toEqual({});
    // The same version again is stale now.
    expect(() => h.call('UpdateDestination', update)).toThrow(/not the current version 2/);
    h.call('PutRecord', {
      DeliveryStreamName: 'upd',
      Record: { Data: Buffer.from('new').toString('base64') },
    });
    await h.firehose.close?.();
    const files = await listFiles(join(dir, 'bucket'));
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(new RegExp(`^v1/2026/12/06/09/upd-1-2026-12-06-09-59-51-${UUID}$`));
    expect(files[1]).toMatch(new RegExp(`^v2/2026/12/06/09/upd-2-2026-12-06-09-59-51-${UUID}\\.gz$`));
    const described = h.call('DescribeDeliveryStream', { DeliveryStreamName: 'upd' }) as {
      DeliveryStreamDescription: {
        VersionId: string;
        Destinations: { ExtendedS3DestinationDescription: unknown }[];
      };
    };
    expect(described.DeliveryStreamDescription.VersionId).toBe('2');
    // Members the update left out keep their values (the 60 s interval).
    expect(
      described.DeliveryStreamDescription.Destinations[0]?.ExtendedS3DestinationDescription,
    ).toMatchObject({
      Prefix: 'v2/',
      CompressionFormat: 'GZIP',
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
    });
  });

  it('close() delivers what is buffered and leaves no timer behind; without a data directory it only counts', async () => {
    const h = harness();
    h.call(
      'CreateDeliveryStream',
      directPutInput('counted', { BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 900 } }),
    );
    h.clock.advanceBy(1000);
    h.call('PutRecordBatch', {
      DeliveryStreamName: 'counted',
      Records: [{ Data: data(MiB / 2) }, { Data: data(MiB / 2) }],
    });
    expect(h.metrics('counted')).toMatchObject({ objects: 0, bufferedRecords: 2, bufferedBytes: MiB });
    await h.firehose.close?.();
    expect(h.metrics('counted')).toMatchObject({ objects: 1, objectBytes: MiB, bufferedRecords: 0 });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('does not deliver what a deleted stream had buffered', async () => {
    const h = harness({ dataDir: dir });
    h.call('CreateDeliveryStream', directPutInput('gone'));
    h.clock.advanceBy(1000);
    h.call('PutRecord', { DeliveryStreamName: 'gone', Record: { Data: data(10) } });
    h.call('DeleteDeliveryStream', { DeliveryStreamName: 'gone' });
    h.clock.advanceBy(400_000);
    await h.firehose.close?.();
    expect(await listFiles(dir)).toEqual([]);
    expect(h.metrics('gone')).toBeUndefined();
  });
});
