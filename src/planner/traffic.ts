/**
 * The scenario's traffic at its planning instant (the moment it needs the most shards) and on
 * average, per producer and for the stream.
 */
import { kplPacking } from '../aws/behaviour.js';
import { KINESIS } from '../aws/facts.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import { exceedance, maxRecordBytes, meanRecordBytes } from '../scenario/record-size.js';
import type { Producer, Scenario } from '../scenario/schema.js';
import type { ProducerTraffic, Traffic } from './types.js';

const WRITE_BYTES = KINESIS.shardWriteBytesPerSecond.value;
const WRITE_RECORDS = KINESIS.shardWriteRecordsPerSecond.value;
const READ_BYTES = KINESIS.shardReadBytesPerSecond.value;

export interface ProducerShape {
  producer: Producer;
  meanDataBytes: number;
  meanKeyBytes: number;
}

/** How aggregation packs a producer's records (see `kplPacking`). */
export function aggregationFor(
  shape: ProducerShape,
  userRecordsPerSecond: number,
  shardCount: number,
): { userRecordsPerKinesisRecord: number; kinesisRecordBytes: number } {
  const { producer } = shape;
  return kplPacking({
    enabled: producer.aggregation.enabled,
    maxBytes: producer.aggregation.maxBytes,
    meanDataBytes: shape.meanDataBytes,
    meanKeyBytes: shape.meanKeyBytes,
    userRecordsPerSecond,
    lingerSeconds: producer.batching.linger,
    instances: producer.instances,
    shardCount,
  });
}

/**
 * Finds the planning instant: the sample time at which the stream's writes and polling reads need
 * the most shards, and the producers' traffic then.
 */
export function planTraffic(
  scenario: Scenario,
  keyBytes: ReadonlyMap<string, number>,
  options: { aggregation?: boolean; times?: readonly number[] } = {},
): Traffic {
  const shapes: ProducerShape[] = scenario.producers.map((producer) => ({
    producer:
      options.aggregation === undefined
        ? producer
        : { ...producer, aggregation: { ...producer.aggregation, enabled: options.aggregation } },
    meanDataBytes: meanRecordBytes(producer.recordSize),
    meanKeyBytes: keyBytes.get(producer.name) ?? 0,
  }));
  const readers = pollingReaderCount(scenario);
  const times =
    options.times ??
    sampleTimes(
      scenario.producers.map((p) => p.rate),
      scenario.duration,
    );

  // Shards implied at time t by bytes, records and polling reads (before aggregation: aggregation
  // only lowers records, and the byte-based count is what aggregation is computed against).
  const demandAt = (t: number) => {
    let bytes = 0;
    let records = 0;
    for (const shape of shapes) {
      if (shape.producer.destination !== 'stream') continue;
      const r = rateAt(shape.producer.rate, t, shape.meanDataBytes);
      bytes += r * (shape.meanDataBytes + shape.meanKeyBytes);
      records += r;
    }
    return Math.max(bytes / WRITE_BYTES, records / WRITE_RECORDS, (readers * bytes) / READ_BYTES);
  };
  let peakAt = 0;
  let peakDemand = -1;
  for (const t of times) {
    const d = demandAt(t);
    if (d > peakDemand) {
      peakDemand = d;
      peakAt = t;
    }
  }
  const shardsByBytes = Math.max(
    1,
    Math.ceil(
      shapes
        .filter((s) => s.producer.destination === 'stream')
        .reduce(
          (a, s) => a + rateAt(s.producer.rate, peakAt, s.meanDataBytes) * (s.meanDataBytes + s.meanKeyBytes),
          0,
        ) / WRITE_BYTES,
    ),
  );
  const aggregationShards = scenario.stream.shards ?? shardsByBytes;

  const producers: ProducerTraffic[] = shapes.map((shape) => {
    const { producer } = shape;
    const recordsPerSecond = rateAt(producer.rate, peakAt, shape.meanDataBytes);
    let ownPeak = 0;
    let sum = 0;
    let prevT = 0;
    let prevR = rateAt(producer.rate, 0, shape.meanDataBytes);
    for (const t of times) {
      const r = rateAt(producer.rate, t, shape.meanDataBytes);
      ownPeak = Math.max(ownPeak, r);
      sum += ((r + prevR) / 2) * (t - prevT); // trapezoids
      prevT = t;
      prevR = r;
    }
    const average = scenario.duration > 0 ? sum / scenario.duration : recordsPerSecond;
    const agg = aggregationFor(shape, recordsPerSecond, aggregationShards);
    const kinesisRecordsPerSecond = recordsPerSecond / agg.userRecordsPerKinesisRecord;
    return {
      name: producer.name,
      destination: producer.destination,
      meanDataBytes: shape.meanDataBytes,
      meanKeyBytes: shape.meanKeyBytes,
      maxRecordBytes: maxRecordBytes(producer.recordSize),
      recordsPerSecond,
      ownPeakRecordsPerSecond: ownPeak,
      averageRecordsPerSecond: average,
      writeBytesPerSecond: kinesisRecordsPerSecond * agg.kinesisRecordBytes,
      kinesisRecordsPerSecond,
      aggregation: { enabled: producer.aggregation.enabled, ...agg },
      largeRecordShare: exceedance(producer.recordSize, KINESIS.defaultMaxRecordBytes.value),
    };
  });

  const onStream = producers.filter((p) => p.destination === 'stream');
  const sum = (f: (p: ProducerTraffic) => number) => onStream.reduce((a, p) => a + f(p), 0);
  const averageScale = (p: ProducerTraffic) =>
    p.recordsPerSecond > 0 ? p.averageRecordsPerSecond / p.recordsPerSecond : 0;
  return {
    peakAt,
    producers,
    writeBytesPerSecond: sum((p) => p.writeBytesPerSecond),
    writeRecordsPerSecond: sum((p) => p.kinesisRecordsPerSecond),
    userRecordsPerSecond: sum((p) => p.recordsPerSecond),
    dataBytesPerSecond: sum((p) => p.recordsPerSecond * p.meanDataBytes),
    average: {
      writeBytesPerSecond: sum((p) => p.writeBytesPerSecond * averageScale(p)),
      writeRecordsPerSecond: sum((p) => p.kinesisRecordsPerSecond * averageScale(p)),
      userRecordsPerSecond: sum((p) => p.averageRecordsPerSecond),
      dataBytesPerSecond: sum((p) => p.averageRecordsPerSecond * p.meanDataBytes),
    },
    headroom: scenario.headroom,
  };
}

/** Polling readers of the stream: polling applications plus Firehose streams with the stream as source. */
export function pollingReaderCount(scenario: Scenario): number {
  return (
    scenario.consumers.filter((c) => c.type === 'polling').length +
    scenario.firehose.filter((f) => f.source === 'stream').length
  );
}
