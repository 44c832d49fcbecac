/**
 * Firehose's buffering and delivery (FH-BH; docs/engine.md "Firehose"): a buffer takes records and
 * flushes them as one object when its bytes reach the size hint or when the interval has passed
 * since its first record, "whichever comes first". The record that reaches the size is in the
 * object (a 5 MiB hint filled by 100 KiB records flushes at the 52nd: 51 × 100 KiB = 5,100 KiB is
 * under 5,120 KiB, 52 × 100 KiB = 5,200 KiB is not). Records are concatenated as sent: Firehose
 * adds no delimiter.
 *
 * The sink writes an object to `<dataDir>/<bucket>/<key>` as S3 would hold it: GZIP-compressed when
 * configured, written to a temporary name in the same folder and renamed, so a reader never sees
 * half an object. Without a data directory it only counts (and still compresses, so object bytes
 * are what S3 would hold).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ServeClock } from '../protocol.js';

const gzipAsync = promisify(gzip);

/** What a flush hands on: the records' bytes in order and when the oldest arrived. */
export interface FlushedBuffer {
  chunks: Uint8Array[];
  records: number;
  bytes: number;
  oldestArrivalMs: number;
  flushedAtMs: number;
}

export class DeliveryBuffer {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private oldestArrivalMs = 0;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly sizeBytes: number,
    private readonly intervalMs: number,
    private readonly clock: ServeClock,
    private readonly onFlush: (flushed: FlushedBuffer) => void,
  ) {}

  get bufferedBytes(): number {
    return this.bytes;
  }

  get bufferedRecords(): number {
    return this.chunks.length;
  }

  add(data: Uint8Array, arrivalMs: number): void {
    if (this.chunks.length === 0) {
      this.oldestArrivalMs = arrivalMs;
      // The interval counts from the buffer's first record, on the server clock.
      this.cancelTimer = this.clock.after(this.intervalMs, () => {
        this.cancelTimer = undefined;
        this.flush();
      });
    }
    this.chunks.push(data);
    this.bytes += data.byteLength;
    if (this.bytes >= this.sizeBytes) this.flush();
  }

  /** Delivers what is buffered now (nothing when empty) and stops the interval timer. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.chunks.length === 0) return;
    const flushed: FlushedBuffer = {
      chunks: this.chunks,
      records: this.chunks.length,
      bytes: this.bytes,
      oldestArrivalMs: this.oldestArrivalMs,
      flushedAtMs: this.clock.nowMs(),
    };
    this.chunks = [];
    this.bytes = 0;
    this.onFlush(flushed);
  }

  /** Drops what is buffered and stops the timer (a deleted delivery stream). */
  discard(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.chunks = [];
    this.bytes = 0;
  }
}

/** A bucket name S3 accepts (3–63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Whether a key, written as a path under a bucket folder, stays inside it (no `..` escape, not absolute). */
export function keyStaysInBucket(key: string): boolean {
  const root = resolve('/bucket');
  const target = resolve(root, key);
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !key.startsWith('/');
}

export interface WrittenObject {
  bucket: string;
  key: string;
  /** Bytes of the object as stored (after compression). */
  bytes: number;
}

/** Writes objects one after another (per sink) and knows when it is idle. */
export class ObjectSink {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly dataDir: string | undefined) {}

  /**
   * Compresses (when `gzip`) and writes one object; calls `done` with what was stored, or `failed`
   * with the error (a full disk, a path that is a file): the object is lost, as Firehose's would be
   * after its retries, and the caller counts it.
   */
  write(
    bucket: string,
    key: string,
    chunks: Uint8Array[],
    compress: boolean,
    done: (o: WrittenObject) => void,
    failed: (e: unknown) => void,
  ): void {
    this.pending++;
    this.queue = this.queue
      .then(async () => {
        const raw = Buffer.concat(chunks);
        const body = compress ? await gzipAsync(raw) : raw;
        if (this.dataDir !== undefined) await this.store(bucket, key, body);
        done({ bucket, key, bytes: body.byteLength });
      })
      .catch(failed)
      .finally(() => {
        this.pending--;
      });
  }

  private async store(bucket: string, key: string, body: Uint8Array): Promise<void> {
    const root = this.dataDir as string;
    // CreateDeliveryStream refused prefixes that leave the bucket; this guards the data directory
    // whatever a key turns out to be.
    if (!keyStaysInBucket(key)) throw new Error(`object key ${key} would leave the bucket folder`);
    const path = join(root, bucket, key);
    await mkdir(dirname(path), { recursive: true });
    // A dot name in the same folder, unique as the key is: the rename is atomic and listings can skip it.
    const temp = join(dirname(path), `.${basename(path)}.shardcast-tmp`);
    try {
      await writeFile(temp, body);
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  /** Resolves when every write queued so far has finished. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }
}
