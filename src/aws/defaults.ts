/**
 * Service defaults a scenario leaves to AWS: what Firehose and the stream do when a field is not
 * given. The schema cannot fill these because they depend on other fields (the destination, the
 * format conversion, the stream's maximum record size).
 *
 * Run `checkScenarioLimits` before this: the checks judge what the user wrote, not the defaults.
 */
import type { FirehoseStream, Producer, Scenario } from '../scenario/schema.js';
import { longestKey } from './checks.js';
import { FIREHOSE, FIREHOSE_BUFFER_RANGES } from './facts.js';

const MiB = 1024 * 1024;

/**
 * A copy of the scenario with service defaults filled (the input is not changed):
 * - each Firehose `buffer.size` / `buffer.interval` left out gets its destination's default
 *   (FH-BH, API-F: S3 5 MiB / 300 s, Splunk 5 MiB / 60 s, …; `FIREHOSE_BUFFER_RANGES`); with
 *   format conversion to Parquet or ORC the default size is 128 MiB (FH23
 *   record-format-conversion), kept within the destination's largest size;
 * - a lognormal record size without `max` is capped so that data and partition key fit the
 *   stream's `maxRecordSize` (a stream rejects anything larger; API-K MaxRecordSizeInKiB), or
 *   Firehose's 1,000 KiB for a direct-put producer (FH-Q).
 */
export function withServiceDefaults(s: Scenario): Scenario {
  return {
    ...s,
    producers: s.producers.map((p) =>
      withRecordSizeCap(
        p,
        p.destination === 'stream'
          ? s.stream.maxRecordSize - longestKey(p.keys).bytes
          : FIREHOSE.maxRecordBytes.value,
      ),
    ),
    firehose: s.firehose.map(withBufferDefaults),
  };
}

function withRecordSizeCap(p: Producer, maxRecordBytes: number): Producer {
  const r = p.recordSize;
  if (r.dist !== 'lognormal' || r.max !== undefined) return p;
  return { ...p, recordSize: { ...r, max: maxRecordBytes } };
}

function withBufferDefaults(f: FirehoseStream): FirehoseStream {
  const range = FIREHOSE_BUFFER_RANGES[f.destination];
  if (range === undefined || (f.buffer.size !== undefined && f.buffer.interval !== undefined)) return f;
  const sizeMiB =
    f.formatConversion === 'none'
      ? range.sizeMiB.default
      : // FH23: 128 MiB with conversion; no destination allows more than its own maximum.
        Math.min(FIREHOSE.formatConversionDefaultBufferMiB.value, range.sizeMiB.max);
  return {
    ...f,
    buffer: {
      ...f.buffer,
      size: f.buffer.size ?? sizeMiB * MiB,
      interval: f.buffer.interval ?? range.intervalSeconds.default,
    },
  };
}

/**
 * Interval 0 delivers "within a few seconds" (FH-BH); the model takes 5 s. An assumption, not a
 * documented figure.
 */
export const ZERO_BUFFERING_SECONDS = 5;

/**
 * A Firehose stream's buffering hints: the scenario's, else its destination's defaults (as
 * `withServiceDefaults` fills them; S3's 5 MiB and 300 s for a destination without a range).
 */
export function bufferHints(f: FirehoseStream): { sizeBytes: number; intervalSeconds: number } {
  const { size, interval } = withBufferDefaults(f).buffer;
  return { sizeBytes: size ?? 5 * MiB, intervalSeconds: interval ?? 300 };
}

/** The seconds a buffer waits at most before it flushes: its interval, or 5 s for zero buffering. */
export function flushIntervalSeconds(intervalSeconds: number): number {
  return intervalSeconds === 0 ? ZERO_BUFFERING_SECONDS : intervalSeconds;
}
