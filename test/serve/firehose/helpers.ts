/** Shared set-up for the Firehose model's tests: a service on a manual clock, and request shapes. */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  createFirehose,
  type DeliveryStreamMetrics,
  type FirehoseService,
} from '../../../src/serve/firehose/index.js';
import type { JsonOperation, StreamFeed } from '../../../src/serve/protocol.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;
/** 2026-12-06 09:59:50 UTC: ten seconds before an hour turns, so layouts show which time they use. */
export const START_MS = Date.UTC(2026, 11, 6, 9, 59, 50);
export const ROLE = 'arn:aws:iam::000000000000:role/firehose';

export interface Harness {
  clock: ManualClock;
  firehose: FirehoseService;
  call(operation: string, input: Record<string, unknown>): unknown;
  metrics(name: string): DeliveryStreamMetrics;
}

export function harness(
  options: { dataDir?: string; limits?: 'aws' | 'off'; region?: string; feed?: StreamFeed } = {},
): Harness {
  const clock = new ManualClock(START_MS);
  const region = options.region ?? 'us-east-1';
  const limits = options.limits ?? 'aws';
  const firehose = createFirehose({
    clock,
    region,
    accountId: '000000000000',
    limits,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.feed === undefined ? {} : { feed: options.feed }),
  });
  const context = { clock, region, accountId: '000000000000', limits };
  return {
    clock,
    firehose,
    call(operation, input) {
      const op = firehose.operations.get(operation) as JsonOperation | undefined;
      if (op === undefined) throw new Error(`no operation ${operation}`);
      return op(input, context);
    },
    metrics(name) {
      const all = firehose.metrics?.() as { deliveryStreams: Record<string, DeliveryStreamMetrics> };
      return all.deliveryStreams[name] as DeliveryStreamMetrics;
    },
  };
}

/** CreateDeliveryStream's input for a Direct PUT stream to S3 bucket `bucket`. */
export function directPutInput(
  name: string,
  s3: Record<string, unknown> = {},
  member = 'ExtendedS3DestinationConfiguration',
): Record<string, unknown> {
  return {
    DeliveryStreamName: name,
    DeliveryStreamType: 'DirectPut',
    [member]: { RoleARN: ROLE, BucketARN: 'arn:aws:s3:::bucket', ...s3 },
  };
}

/** A record's Data as JSON 1.1 carries it: `bytes` bytes of `fill`, base64. */
export function data(bytes: number, fill = 0x61): string {
  return Buffer.alloc(bytes, fill).toString('base64');
}

/** Every file under `dir`, relative to it, sorted; temporary files (dot names) left out. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
