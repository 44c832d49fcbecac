/**
 * Firehose's deliveries read back: the objects a local endpoint writes where the target can read
 * them (`shardcast serve --data DIR` puts each S3 object at `DIR/<bucket>/<key>`), counted per
 * scenario Firehose stream with their bytes, their records and each record's delivery latency.
 *
 * Which delivery stream wrote an object is in its name: Firehose names every object
 * `<prefix><stream name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>` (FH-BH, "Configure
 * Amazon S3 object name format"), whatever the bucket and prefix. An object is read once, when it
 * is first seen; names starting with a dot are skipped (serve writes under a temporary dot-name and
 * renames, so a complete object is all a reader sees).
 *
 * An object is the records concatenated as they were sent, with no delimiter (GZIP-compressed when
 * the stream compresses, recognised by its magic bytes rather than by the extension, which a
 * stream may set to anything). Each record starts with the run's 32-byte header, whose length
 * field says where the next one starts; a record's delivery latency runs from its scheduled time
 * (the header) to the object's modification time (when it was written): the file's mtime, or
 * S3's LastModified (`s3-deliveries.ts` reads the bucket of `--firehose-bucket` on AWS).
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { FileError, readErrorText } from '../../errors.js';
import { readRecordHeader } from '../../workload/record-header.js';
import { sleep } from '../clock.js';
import type { AwsRun, DeliveriesOutcome } from './run.js';

const gunzipAsync = promisify(gunzip);

/** How often the folder is looked at: a few times a second, for an object count per second. */
export const DELIVERY_POLL_SECONDS = 0.25;

/** `<stream name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>`, then any extension. */
function objectNamePattern(deliveryStream: string): RegExp {
  const name = deliveryStream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${name}-\\d+-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-fA-F-]{36}`);
}

/** What one object held of this run. */
export interface ObjectRecords {
  /** Records with this run's header, in order: the worker that sent each and when it was scheduled. */
  records: { worker: number; scheduledEpochMicros: number }[];
  /** Bytes after the last record read that are not a record of this run (another writer's, a torn record). */
  unreadBytes: number;
}

/**
 * The records of one object's (uncompressed) bytes, from its headers: each record's header says
 * its length, so records are found without a delimiter. Reading stops at the first place without a
 * header of this run (`runTag`), which then counts as unread bytes.
 */
export function splitObjectRecords(body: Uint8Array, runTag: number): ObjectRecords {
  const records: ObjectRecords['records'] = [];
  let offset = 0;
  while (offset < body.length) {
    const header = readRecordHeader(body, offset);
    if (header === undefined || header.runTag !== runTag || header.recordBytes === undefined) break;
    if (offset + header.recordBytes > body.length) break;
    records.push({ worker: header.worker, scheduledEpochMicros: header.scheduledEpochMicros });
    offset += header.recordBytes;
  }
  return { records, unreadBytes: body.length - offset };
}

/** Whether `bytes` start with GZIP's magic (1F 8B). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Every file under `dir`, recursively, with its path; [] when `dir` does not exist yet. */
async function filesUnder(dir: string): Promise<{ name: string; path: string }[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FileError(
      `--delivery-dir ${dir}: cannot read it (${readErrorText(error)})`,
      'give the folder `shardcast serve --data` writes to, readable by this user',
    );
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, path: join(e.parentPath, e.name) }));
}

/** One delivered object as a source lists it: `read` fetches its stored bytes and its write time. */
export interface DeliveredObject {
  /** Unique within the source (a path, an S3 key). */
  id: string;
  /** The object's own name (the key's last segment), which says which delivery stream wrote it. */
  name: string;
  read(): Promise<{ stored: Uint8Array; writtenAtEpochMs: number }>;
}

/** Where the objects are read: a folder (`--delivery-dir`) or a bucket (`--firehose-bucket`, `s3-deliveries.ts`). */
export interface DeliverySource {
  /** Objects now there, seen before or not (the watcher skips those it read, by id). */
  list(): Promise<DeliveredObject[]>;
  /** How often to look, in seconds. */
  pollSeconds: number;
}

/** The objects of a folder `shardcast serve --data DIR` writes to. */
export function folderSource(dir: string): DeliverySource {
  return {
    pollSeconds: DELIVERY_POLL_SECONDS,
    list: async () =>
      (await filesUnder(dir)).map((file) => ({
        id: file.path,
        name: file.name,
        read: async () => {
          const [info, stored] = await Promise.all([stat(file.path), readFile(file.path)]);
          return { stored: new Uint8Array(stored), writtenAtEpochMs: info.mtimeMs };
        },
      })),
  };
}

/**
 * Watches `source` (a folder, when a string) for the objects of every Firehose stream of the run
 * (`run.resources.deliveryStreams`) until `signal` aborts, then looks once more; records each
 * object (`countFirehoseObjects`, in the second it was written) and each record's delivery
 * latency, and returns the totals per scenario Firehose stream (kept in `live` as they grow, when
 * given). A folder that cannot be read (other than not existing yet) rejects with a FileError
 * (exit 2: the user's `--delivery-dir`).
 */
export async function watchDeliveries(
  run: AwsRun,
  source: string | DeliverySource,
  signal: AbortSignal,
  live: DeliveriesOutcome = {},
): Promise<DeliveriesOutcome> {
  const from = typeof source === 'string' ? folderSource(source) : source;
  const streams = [...run.resources.deliveryStreams].map(([scenarioName, deliveryStream]) => ({
    scenarioName,
    pattern: objectNamePattern(deliveryStream),
  }));
  // The totals are kept in `live` as they grow, so the drain can wait for what is still buffered.
  const outcome = live;
  for (const s of streams) outcome[s.scenarioName] = { objects: 0, objectBytes: 0, records: 0 };
  if (streams.length === 0) return outcome;
  const seen = new Set<string>();
  const clock = run.clock;

  const look = async (): Promise<void> => {
    for (const object of await from.list()) {
      if (seen.has(object.id)) continue;
      const stream = streams.find((s) => s.pattern.test(object.name));
      if (stream === undefined) continue;
      seen.add(object.id);
      const { stored, writtenAtEpochMs } = await object.read();
      const writtenAtSeconds = clock.secondsAt(writtenAtEpochMs * 1000);
      const body = isGzip(stored) ? new Uint8Array(await gunzipAsync(stored)) : stored;
      // This worker's records (in a run split across workers, each counts the records it sent).
      const scheduledEpochMicros = splitObjectRecords(body, run.ledger.runTag)
        .records.filter((r) => r.worker === run.share.index)
        .map((r) => r.scheduledEpochMicros);
      // The second it was written in, within the run (an object of the drain's counts in the last).
      const second = Math.min(clock.second(), Math.max(0, Math.floor(writtenAtSeconds)));
      run.recorder.countFirehoseObjects(stream.scenarioName, second, 1);
      const totals = outcome[stream.scenarioName]!;
      totals.objects += 1;
      totals.objectBytes += stored.length;
      totals.records += scheduledEpochMicros.length;
      for (const micros of scheduledEpochMicros) {
        run.recorder.recordFirehoseDelivery(
          stream.scenarioName,
          Math.max(0, writtenAtSeconds - clock.secondsAt(micros)),
          1,
        );
      }
    }
  };

  while (!signal.aborted) {
    await look();
    try {
      await sleep(from.pollSeconds * 1000, signal);
    } catch {
      break;
    }
  }
  // Objects written between the last look and the end.
  await look();
  return outcome;
}
