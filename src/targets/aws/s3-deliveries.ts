/**
 * Firehose's deliveries read back from S3 (`--firehose-bucket` against AWS): each delivery stream
 * of the run writes under its own prefix, `shardcast/<run id>/<firehose>/` (Firehose adds its
 * `yyyy/MM/dd/HH/` time prefix after a prefix without expressions), so ListObjectsV2 under that
 * prefix, page by page, finds this run's objects and nothing else of the bucket; GetObject reads
 * each new one once, and its LastModified is when it was written. shardcast only reads the bucket:
 * it never creates, empties or deletes it, and leaves the run's objects where Firehose put them.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ExitCode, InvalidInputError, ShardcastError } from '../../errors.js';
import type { DeliveredObject, DeliverySource } from './deliveries.js';

/**
 * How often the bucket is listed: once a second. A LIST costs $0.005 per 1,000 (S3 pricing), so
 * an hour of it under two prefixes is 3,600 × 2 = 7,200 requests, $0.036; a folder is read more often.
 */
export const S3_POLL_SECONDS = 1;

/** Error names that mean the bucket, not the run, is wrong: the user's `--firehose-bucket`. */
const BUCKET_ERRORS = new Set(['NoSuchBucket', 'PermanentRedirect', 'InvalidBucketName']);

function failure(error: unknown, bucket: string, call: string): Error {
  const name = error instanceof Error ? error.name : String(error);
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  if (BUCKET_ERRORS.has(name))
    return new InvalidInputError([
      {
        location: { file: '--firehose-bucket', path: '--firehose-bucket' },
        message: `${call} on bucket "${bucket}" failed (${name}: ${message})`,
        hint: 'give an existing bucket of this account, in the run’s region',
      },
    ]);
  return new ShardcastError(
    'target',
    `${call} on bucket "${bucket}" failed (${name}: ${message})`,
    ExitCode.targetFailed,
    'the credentials need s3:ListBucket on the bucket and s3:GetObject on its shardcast/ prefix',
  );
}

/** All keys under `prefix`, following ListObjectsV2's continuation tokens. */
async function keysUnder(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; lastModifiedMs: number | undefined }[]> {
  const keys: { key: string; lastModifiedMs: number | undefined }[] = [];
  let token: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      )
      .catch((error: unknown) => {
        throw failure(error, bucket, 'ListObjectsV2');
      });
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined) keys.push({ key: o.Key, lastModifiedMs: o.LastModified?.getTime() });
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** The objects of `bucket` under `prefixes` (one per delivery stream of the run), through `s3`. */
export function s3Source(s3: S3Client, bucket: string, prefixes: readonly string[]): DeliverySource {
  return {
    pollSeconds: S3_POLL_SECONDS,
    list: async () => {
      const objects: DeliveredObject[] = [];
      for (const prefix of prefixes) {
        for (const { key, lastModifiedMs } of await keysUnder(s3, bucket, prefix)) {
          objects.push({
            id: key,
            name: key.slice(key.lastIndexOf('/') + 1),
            read: async () => {
              const got = await s3
                .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
                .catch((error: unknown) => {
                  throw failure(error, bucket, `GetObject ${key}`);
                });
              const stored =
                got.Body === undefined ? new Uint8Array() : await got.Body.transformToByteArray();
              // GetObject's Last-Modified (whole seconds) when the listing had none.
              const writtenAtEpochMs = lastModifiedMs ?? got.LastModified?.getTime() ?? Date.now();
              return { stored, writtenAtEpochMs };
            },
          });
        }
      }
      return objects;
    },
  };
}
