/**
 * What one run against AWS costs: the stream, its consumers and Firehose for the run's lifetime,
 * not a month (that is `cost.ts`). The `aws` target prints it before any call that costs money and
 * refuses a run above `--max-cost` (README, "Safety rails"). Pure: scenario, duration and prices in,
 * line items out.
 *
 * How AWS bills each part (https://aws.amazon.com/kinesis/data-streams/pricing/, read 2026-12;
 * https://aws.amazon.com/firehose/pricing/ via PR-F):
 * - provisioned: "You are charged for each shard at an hourly rate". The page does not say how a
 *   partial hour is prorated, so the estimate bills each shard for every hour it is open in, whole
 *   (a 20 s run of 4 shards: 4 shard-hours), the most AWS could charge. A reshard closes parent
 *   shards and opens children in the same hour: that hour bills both sets (4 → 8 in hour 0: 4 + 8
 *   = 12 shard-hours), again an upper bound;
 * - PUT payload units: every record in 25 KB steps (a 5 KB record is 1 unit, 45 KB is 2);
 * - enhanced fan-out: per consumer, the same shard-hours as the stream, and per GB it reads;
 * - on-demand: each started stream-hour, GB written with every record rounded up to 1 KB, GB read
 *   by polling readers and by enhanced fan-out (Advantage's account-wide minimum is not a run's:
 *   it is left out and the estimate says so);
 * - Firehose: GB ingested with every record rounded up to 5 KB (FIREHOSE.ingestionRoundingBytes),
 *   plus format conversion and dynamic partitioning on the same GB when the scenario uses them.
 *
 * The records a run sends are the integral of each producer's rate profile over the run (exact for
 * the piecewise-linear profiles: the trapezoids sample every breakpoint). The data of each record
 * the aws target sends is its scenario size (its header fits in the first 32 bytes, and a 32-byte
 * record bills the same single unit in every step above): the units are the scenario's.
 */
import { BYTES_PER_BILLED_GB, FIREHOSE } from '../aws/facts.js';
import type { PriceName, PriceTable } from '../aws/pricing.js';
import { rateAt, sampleTimes } from '../scenario/profiles.js';
import { meanUnitsPerRecord } from '../scenario/record-size.js';
import type { Producer, Scenario } from '../scenario/schema.js';
import { formatNumber, formatUsd } from '../scenario/units.js';
import { ON_DEMAND_ROUNDING_BYTES, PUT_PAYLOAD_UNIT_BYTES } from './cost.js';
import { pollingReaderCount } from './traffic.js';
import type { ProducerTraffic, Traffic } from './types.js';

const SECONDS_PER_HOUR = 3600;
const FIREHOSE_ROUNDING_BYTES = FIREHOSE.ingestionRoundingBytes.value;

/** One item of a run's cost: how much of what, at which price. */
export interface RunCostLine {
  /** The price's name (`shardcast facts`; a scenario's `pricing:` overrides it). */
  item: PriceName;
  /** How much is billed, in `unit`s. */
  quantity: number;
  unit: string;
  /** The price of `per` units. */
  unitUsd: number;
  per: number;
  usd: number;
}

export interface RunCostEstimate {
  lines: RunCostLine[];
  totalUsd: number;
  /** Seconds the stream exists for the estimate: the run and its drain. */
  streamSeconds: number;
  /** Hours billed per started hour: ⌈streamSeconds / 3,600⌉. */
  billedHours: number;
  /** What the estimate leaves out or assumes, in words. */
  notes: string[];
}

export interface RunCostInput {
  /** The scenario as it runs (`stream.shards` set for a provisioned stream). */
  scenario: Scenario;
  /** Seconds the producers send. */
  durationSeconds: number;
  /** Seconds the resources live on after the producers stop (the consumers' drain). */
  drainSeconds: number;
  prices: PriceTable;
  /** The plan's traffic: each producer's mean key bytes and how aggregation packs its records. */
  traffic: Traffic;
  /**
   * The run writes to a stream that exists already (`--stream --allow-existing`): its shard-hours
   * (or stream-hours) are billed whether or not the run happens, so they are not the run's.
   */
  existingStream?: boolean;
}

/** Records a producer sends over [0, durationSeconds]: ∫ rate dt by trapezoids over its breakpoints. */
export function expectedRecords(producer: Producer, meanDataBytes: number, durationSeconds: number): number {
  if (durationSeconds <= 0) return 0;
  const times = sampleTimes([producer.rate], durationSeconds);
  let sum = 0;
  for (let i = 1; i < times.length; i++) {
    const t0 = times[i - 1]!;
    const t1 = times[i]!;
    sum +=
      ((rateAt(producer.rate, t0, meanDataBytes) + rateAt(producer.rate, t1, meanDataBytes)) / 2) * (t1 - t0);
  }
  return sum;
}

/**
 * Shard-hours billed over `billedHours` hours: in each hour, the shards open at its start plus every
 * shard a reshard in that hour opens (each billed for the hour, whole). `events` are the reshards
 * before the stream is deleted, in time order.
 */
export function billedShardHours(
  initialShards: number,
  events: readonly { at: number; shards: number }[],
  billedHours: number,
): number {
  let total = 0;
  let current = initialShards;
  for (let hour = 0; hour < billedHours; hour++) {
    let billed = current;
    for (const e of events) {
      if (e.at >= hour * SECONDS_PER_HOUR && e.at < (hour + 1) * SECONDS_PER_HOUR) {
        billed += e.shards;
        current = e.shards;
      }
    }
    total += billed;
  }
  return total;
}

/**
 * Mean billing units per Kinesis record of `step` bytes, aggregated records as the plan packs them.
 * Kinesis bills the partition key with the data; Firehose, which has no key, the data alone.
 */
function unitsPerKinesisRecord(
  producer: Producer,
  traffic: ProducerTraffic | undefined,
  step: number,
  withKey: boolean,
): number {
  const keyBytes = withKey ? (traffic?.meanKeyBytes ?? 0) : 0;
  if (traffic?.aggregation.enabled && traffic.aggregation.userRecordsPerKinesisRecord > 1) {
    return Math.max(1, Math.ceil(traffic.aggregation.kinesisRecordBytes / step));
  }
  return meanUnitsPerRecord(producer.recordSize, step, keyBytes);
}

/** The run's estimated cost, line by line (see the module comment for how each part is billed). */
export function estimateRunCost(input: RunCostInput): RunCostEstimate {
  const { scenario, durationSeconds, prices } = input;
  const streamSeconds = durationSeconds + input.drainSeconds;
  const billedHours = Math.max(1, Math.ceil(streamSeconds / SECONDS_PER_HOUR));
  const lines: RunCostLine[] = [];
  const notes: string[] = [];
  const add = (item: PriceName, quantity: number, unit: string, per = 1) => {
    if (quantity <= 0) return;
    const unitUsd = prices[item].usd;
    lines.push({ item, quantity, unit, unitUsd, per, usd: (quantity / per) * unitUsd });
  };

  // Each producer's records over the run, and what they weigh in each billing step.
  const byName = new Map(input.traffic.producers.map((p) => [p.name, p]));
  const sent = scenario.producers.map((producer) => {
    const traffic = byName.get(producer.name);
    const userRecords = expectedRecords(producer, traffic?.meanDataBytes ?? 0, durationSeconds);
    const packing = traffic?.aggregation.userRecordsPerKinesisRecord ?? 1;
    const records = traffic?.aggregation.enabled === true ? userRecords / packing : userRecords;
    const recordBytes =
      traffic === undefined
        ? 0
        : traffic.aggregation.enabled
          ? traffic.aggregation.kinesisRecordBytes
          : traffic.meanDataBytes + traffic.meanKeyBytes;
    return {
      producer,
      records,
      bytes: records * recordBytes,
      units: (step: number, withKey = true) =>
        records * unitsPerKinesisRecord(producer, traffic, step, withKey),
    };
  });
  const onStream = sent.filter((s) => s.producer.destination === 'stream');
  const streamRecords = onStream.reduce((a, s) => a + s.records, 0);
  const streamBytes = onStream.reduce((a, s) => a + s.bytes, 0);
  const streamUnits = (step: number, withKey = true) =>
    onStream.reduce((a, s) => a + s.units(step, withKey), 0);
  const efoConsumers = scenario.consumers.filter((c) => c.type === 'enhanced-fan-out').length;
  const gb = (bytes: number) => bytes / BYTES_PER_BILLED_GB;

  // A stream exists whenever a producer or a Firehose reads or writes it; a direct-put-only
  // scenario creates none.
  const needsStream =
    onStream.length > 0 ||
    scenario.consumers.length > 0 ||
    scenario.firehose.some((f) => f.source === 'stream');
  if (needsStream && scenario.stream.mode === 'provisioned') {
    const shards = scenario.stream.shards ?? 1;
    const events = scenario.events
      .filter((e) => e.at < streamSeconds)
      .map((e) => ({ at: e.at, shards: e.reshard.shards }));
    const shardHours = billedShardHours(shards, events, billedHours);
    if (!input.existingStream) add('kinesis.shardHour', shardHours, 'shard-hours');
    add('kinesis.putPayloadUnitsPerMillion', streamUnits(PUT_PAYLOAD_UNIT_BYTES), 'PUT payload units', 1e6);
    if (scenario.stream.retention > 24 * SECONDS_PER_HOUR && !input.existingStream)
      add('kinesis.extendedRetentionShardHour', shardHours, 'shard-hours of extended retention');
    add('kinesis.efoConsumerShardHour', efoConsumers * shardHours, 'consumer-shard-hours');
    add('kinesis.efoRetrievalGb', efoConsumers * gb(streamBytes), 'GB read by enhanced fan-out');
  } else if (needsStream) {
    const advantage = scenario.stream.onDemand.advantage;
    const prefix = advantage ? 'kinesis.onDemandAdvantage' : 'kinesis.onDemand';
    if (!advantage && !input.existingStream) add('kinesis.onDemand.streamHour', billedHours, 'stream-hours');
    else
      notes.push(
        'On-demand Advantage bills at least 25 MiB/s of ingest and of retrieval per account and region: not counted here',
      );
    add(
      `${prefix}.ingestGb` as PriceName,
      gb(streamUnits(ON_DEMAND_ROUNDING_BYTES) * ON_DEMAND_ROUNDING_BYTES),
      'GB written (1 KB rounding)',
    );
    add(
      `${prefix}.retrievalGb` as PriceName,
      pollingReaderCount(scenario) * gb(streamBytes),
      'GB read by polling',
    );
    add(
      `${prefix}.efoRetrievalGb` as PriceName,
      efoConsumers * gb(streamBytes),
      'GB read by enhanced fan-out',
    );
  }

  // Firehose: a direct-put stream ingests its producers' records, a stream-sourced one every
  // record of the stream; each record in 5 KB steps.
  let firehoseGb = 0;
  let convertedGb = 0;
  let partitionedGb = 0;
  for (const f of scenario.firehose) {
    const ingested =
      f.source === 'stream'
        ? streamUnits(FIREHOSE_ROUNDING_BYTES, false)
        : sent
            .filter((s) => s.producer.destination === f.name)
            .reduce((a, s) => a + s.units(FIREHOSE_ROUNDING_BYTES, false), 0);
    const g = gb(ingested * FIREHOSE_ROUNDING_BYTES);
    firehoseGb += g;
    if (f.formatConversion !== 'none') convertedGb += g;
    if (f.dynamicPartitions !== undefined) partitionedGb += g;
  }
  add('firehose.ingestGb', firehoseGb, 'GB ingested by Firehose (5 KB rounding)');
  add('firehose.formatConversionGb', convertedGb, 'GB converted by Firehose');
  add('firehose.dynamicPartitioningGb', partitionedGb, 'GB partitioned by Firehose');
  if (input.existingStream && needsStream)
    notes.push(
      "the existing stream's shard-hours (or stream-hours) are billed whether or not the run happens: not counted",
    );
  if (scenario.firehose.length > 0)
    notes.push("Firehose's S3 requests and storage are billed by S3 to the bucket's owner: not counted here");
  if (streamRecords === 0 && scenario.producers.some((p) => p.destination === 'stream'))
    notes.push('the producers send no record in this duration');

  return {
    lines,
    totalUsd: lines.reduce((a, l) => a + l.usd, 0),
    streamSeconds,
    billedHours,
    notes,
  };
}

/** One line item for people: `kinesis.shardHour  12 shard-hours × $0.015 = $0.18`. */
export function runCostLineText(line: RunCostLine): string {
  const price = `$${line.unitUsd}${line.per === 1 ? '' : ` per ${formatNumber(line.per)}`}`;
  return `${line.item}: ${formatNumber(line.quantity)} ${line.unit} × ${price} = ${formatUsd(line.usd)}`;
}
