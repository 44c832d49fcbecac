/**
 * The largest values shardcast accepts, each with where it comes from: what AWS allows, or what the
 * planner and the engine model can compute honestly and quickly. A scenario beyond one is an input
 * error naming the bound, not a crash, a hang or a plan of `Infinity` (issue 9, point 14: a rate of
 * `1e400/s`, `shards: 4294967295` and a trace point of `1e308` ended in exit 70, no answer in 60 s,
 * or a plan that looked fine).
 *
 * The bounds are far above any real stream: they exist so that what the model computes stays finite
 * and its arrays fit in memory, not to second-guess a plausible scenario (AWS limits a user may
 * raise by a quota increase are warnings in `src/aws/checks.ts`).
 */
import { KINESIS } from '../aws/facts.js';
import type { ScenarioIssue } from './issues.js';
import { maxRecordBytes, meanRecordBytes } from './record-size.js';
import type { RateProfile, Scenario } from './schema.js';
import { formatBytes, formatNumber, formatSeconds } from './units.js';

export interface Bound {
  /** The largest accepted value, in `unit`. */
  max: number;
  unit:
    | 'shards'
    | 'keys'
    | 'instances'
    | 'partitions'
    | 'records/s'
    | 'bytes/s'
    | 'bytes'
    | 'ticks'
    | 'exponent'
    | 'shard-ticks'
    | 's'
    | 'weight'
    | 'price';
  /** Where the bound comes from, as a message says it. */
  why: string;
}

/**
 * The most shards shardcast models. A plan of 100,000 shards takes ~2.6 s and 200 MB (1,000,000:
 * 4.8 s and 550 MB, measured with `shardcast plan` on a 2-core machine), and `shards: 1000000000`
 * found no answer in 60 s: per-shard loads are arrays of one entry per shard.
 */
const MAX_SHARDS = 100_000;

/** Seconds in a day, for durations below. */
const DAY_SECONDS = 86_400;

export const BOUNDS = {
  shards: {
    max: MAX_SHARDS,
    unit: 'shards',
    why: `the most shardcast models (its per-shard loads are one entry per shard); AWS's UpdateShardCount stops at ${formatNumber(KINESIS.maxShardsPerStream.value)} shards per stream without a quota increase`,
  },
  // The stream's whole write capacity at the most shards modelled: 100,000 × 1,000 records/s =
  // 10^8 records/s and 100,000 × 1 MiB/s ≈ 9.8 × 10^10 bytes/s. A producer above it needs more
  // shards than the model has, and a key above it more salted pieces (one per 0.5 shard) than fit
  // in memory: `1e13/s` on one key asked for 2.4 × 10^10 pieces (Invalid array length).
  recordsPerSecond: {
    max: MAX_SHARDS * KINESIS.shardWriteRecordsPerSecond.value,
    unit: 'records/s',
    why: `what ${formatNumber(MAX_SHARDS)} shards (the most shardcast models) accept at ${formatNumber(KINESIS.shardWriteRecordsPerSecond.value)} records/s each`,
  },
  bytesPerSecond: {
    max: MAX_SHARDS * KINESIS.shardWriteBytesPerSecond.value,
    unit: 'bytes/s',
    why: `what ${formatNumber(MAX_SHARDS)} shards (the most shardcast models) accept at ${formatBytes(KINESIS.shardWriteBytesPerSecond.value)}/s each`,
  },
  // Up to 10,000,000 keys are named, hashed (MD5) and placed one by one (10,000,000 zipf keys plan
  // in ~7 s and 380 MB); above that the heaviest 1,000,000 are hashed and the rest estimated
  // (src/keys/placement.ts), so the cost stops growing: 1,000,000,000 keys plan in under a second
  // and run 10 s in ~0.9 s (measured with `shardcast plan`/`run`). Beyond a billion the estimate is
  // untested, and no partition-key space we have met is larger.
  keys: {
    max: 1_000_000_000,
    unit: 'keys',
    why: 'the most keys shardcast models (up to 10,000,000 are hashed one by one, the heaviest 1,000,000 of more, and the rest estimated)',
  },
  // A zipf key of rank r weighs 1/r^exponent. At 100 the second key weighs 2^-100 ≈ 8 × 10^-31 of
  // the first: all the traffic is on one key already. At 1e308, r^exponent overflows and the mean
  // key length came out NaN in the planner (exit 70, found by the fuzz test).
  zipfExponent: {
    max: 100,
    unit: 'exponent',
    why: 'beyond it the first key carries all the traffic (the second weighs 2^-100 of it); write hot-set with hot: 1, share: 1 instead',
  },
  // Instances divide a producer's rate and multiply a consumer's processing rate; a fleet beyond a
  // million processes is not one application's (and 10^12 instances make per-instance rates
  // of 10^-9 records/s, below what a double tracks against a run's clock).
  instances: {
    max: 1_000_000,
    unit: 'instances',
    why: 'a million processes per producer or consumer application, far beyond one shard lease each on the most shards modelled',
  },
  // Firehose's default quota is 500 active partitions (raisable); each is one buffer in the engine.
  dynamicPartitions: {
    max: 100_000,
    unit: 'partitions',
    why: 'the most buffers shardcast models (Firehose allows 500 active partitions by default, raisable)',
  },
  // The engine keeps per-second series for the whole run, about 1 KB a second: a 7-day run of 2
  // shards took 25 s and 640 MB, a 31-day one ran out of memory at 2.7 GB (exit 133), measured with
  // `shardcast run --quiet --no-html` on a 2-core machine.
  duration: {
    max: 7 * DAY_SECONDS,
    unit: 's',
    why: 'the longest run shardcast models (its per-second series hold about 1 KB per second of the run; 31 days ran out of memory)',
  },
  // What one run simulates, beyond its duration: the engine steps every tick (≈ 4 µs a tick: the
  // 7-day run above is 6,048,000 ticks of 100 ms, 25 s) and every shard every tick (≈ 0.13 µs a
  // shard-tick: 10,000 shards for 10 min at 100 ms, 6 × 10^7 shard-ticks, took 8.7 s). The bench's
  // largest run, 10,000 shards for 24 h at a 1 s tick, is 8.64 × 10^8 shard-ticks; 100,000 shards
  // for 1 h at 100 ms (3.6 × 10^9) gave no answer in 60 s.
  runTicks: {
    max: 10_000_000,
    unit: 'ticks',
    why: 'the most engine steps one run simulates (about 40 s; 7 days at the default 100ms tick is 6,048,000)',
  },
  runShardTicks: {
    max: 2_000_000_000,
    unit: 'shard-ticks',
    why: 'the most shard-steps one run simulates (about 5 min; 10,000 shards for 24 h at a 1s tick is 864,000,000)',
  },
  // The SDK's default maxDelay is 20 s (KINESIS.sdkMaxDelaySeconds); a producer waiting an hour
  // between attempts is not retrying but queueing, and a delay of a year outlasts any run.
  retryDelay: {
    max: 3600,
    unit: 's',
    why: `an hour between attempts (the AWS SDK's default maxDelay is ${formatSeconds(KINESIS.sdkMaxDelaySeconds.value)}; a longer wait outlasts what a run can observe)`,
  },
  // Time spent waiting inside one step of the pipeline (a batch's linger, a poll interval, a
  // PutRecords attempt, a Firehose delivery): beyond an hour the step is an outage, not a latency.
  stepDelay: {
    max: 3600,
    unit: 's',
    why: 'an hour for one step of the pipeline (a longer wait is an outage, not a latency)',
  },
  // One split or merge: AWS publishes no time (docs/aws-facts.md, "Reshard duration", assumes
  // 30 s); a day per operation would make a 2× reshard of 10,000 shards last 27 years.
  shardOperation: {
    max: DAY_SECONDS,
    unit: 's',
    why: 'a day for one shard split or merge (shardcast assumes 30 s; AWS publishes no figure)',
  },
  // A lognormal's spread σ = ln(p99 ÷ median) ÷ 2.326 sets its mean, median × e^(σ²/2): with a
  // median of 1 byte (the least a record has) and a p99 of 1 TiB, σ = ln(2^40) ÷ 2.326 = 11.9 and
  // the mean's exponent is 71, well inside a double; a median of 5e-321 bytes (`5e-324KiB`) made
  // σ = 320 and the mean Infinity × 0 = NaN in the planner. Records are capped at 10 MiB anyway.
  lognormalP99: {
    max: 1024 ** 4,
    unit: 'bytes',
    why: "records are at most 10 MiB, and a wider spread overflows the distribution's mean in a double",
  },
  // Weights are relative: each share is w ÷ Σw. At most 10^15 each, a list of a million sums to at
  // most 10^21, far from overflow (weights of 1e308 summed to Infinity and every share to 0).
  weight: {
    max: 1e15,
    unit: 'weight',
    why: 'weights are relative: their sum must stay finite and exact (write 1, 2, 3 rather than 1e300)',
  },
  // AWS prices are cents per shard-hour or per million units: a million USD per unit is a typo,
  // and the bound keeps monthly costs (a price × up to ~10^15 units) finite and readable.
  price: {
    max: 1e6,
    unit: 'price',
    why: 'a million USD per unit (AWS prices are cents per hour or per million units)',
  },
} as const satisfies Record<string, Bound>;

type Path = (string | number)[];

/**
 * The shortest diurnal period: the plan samples each period's peak and trough, so a 7-day run of
 * 1-minute periods is 20,160 samples; a 1 ms period was 1.2 × 10^9 (V8 ran out of array space).
 */
export const MIN_DIURNAL_PERIOD_SECONDS = 60;

/** Why a number that is not finite cannot be used (`1e400/s` parses to Infinity). */
export const NOT_FINITE =
  'not a finite number: the value overflows a double (at most about 1.8e308), so no bound or limit can be checked';

/** One error for a value above its bound. */
function above(
  path: Path,
  what: string,
  value: number,
  bound: Bound,
  found = valueText(value, bound),
): ScenarioIssue {
  return {
    path,
    message: `${what} is above ${valueText(bound.max, bound)}, ${bound.why}`,
    expected: `at most ${valueText(bound.max, bound)}`,
    found,
    severity: 'error',
  };
}

function valueText(value: number, bound: Bound): string {
  if (!Number.isFinite(value)) return String(value);
  if (bound.unit === 's') return formatSeconds(value);
  if (bound.unit === 'bytes/s') return `${formatBytes(value)}/s`;
  if (bound.unit === 'bytes') return formatBytes(value);
  if (bound.unit === 'weight' || bound.unit === 'price' || bound.unit === 'exponent')
    return value >= 1e6 ? value.toExponential(2) : formatNumber(value);
  const text = value >= 1e12 ? value.toExponential(2) : formatNumber(value);
  return `${text} ${bound.unit}`;
}

/**
 * Every number in the scenario is finite, and every quantity the model sizes arrays or loops by is
 * within its bound. Run on the parsed scenario (quantities in base units), before the AWS limit
 * checks, which would otherwise reason about `Infinity`.
 */
export function checkBounds(s: Scenario): ScenarioIssue[] {
  const issues = nonFinite(s);
  // A value that is not finite has one problem; its bound would say the same thing again.
  const reported = new Set(issues.map((i) => i.path.join('.')));
  const push = (issue: ScenarioIssue) => {
    if (!reported.has(issue.path.join('.'))) issues.push(issue);
  };
  const check = (path: Path, what: string, value: number | undefined, bound: Bound) => {
    if (value !== undefined && Number.isFinite(value) && value > bound.max)
      push(above(path, what, value, bound));
  };

  check(['duration'], 'the duration', s.duration, BOUNDS.duration);
  check(['stream', 'shards'], 'the shard count', s.stream.shards, BOUNDS.shards);
  check(
    ['stream', 'shardOperationTime'],
    'the time per shard operation',
    s.stream.shardOperationTime,
    BOUNDS.shardOperation,
  );
  s.events.forEach((e, i) => {
    check(['events', i, 'reshard', 'shards'], 'the shard count', e.reshard.shards, BOUNDS.shards);
  });
  check(
    ['engine', 'serviceTime', 'median'],
    'the median service time',
    s.engine.serviceTime.median,
    BOUNDS.stepDelay,
  );
  check(['engine', 'serviceTime', 'p99'], 'the p99 service time', s.engine.serviceTime.p99, BOUNDS.stepDelay);
  for (const [name, price] of Object.entries(s.pricing))
    check(['pricing', name], 'the price', price, BOUNDS.price);

  // An on-demand stream starts with twice its previous peak (KINESIS.onDemandPeakMultiple): the
  // previous peak is bounded by half of what the most shards modelled accept. 10^9 records/s here
  // made a 10 s run take 40 s (two million shards).
  const previous = s.stream.onDemand.previousPeak;
  const multiple = KINESIS.onDemandPeakMultiple.value;
  const halfOf = (bound: Bound): Bound => ({
    ...bound,
    max: bound.max / multiple,
    why: `an on-demand stream starts at ${multiple}× its previous peak, and ${valueText(bound.max, bound)} is ${bound.why}`,
  });
  check(
    ['stream', 'onDemand', 'previousPeak', 'recordsPerSecond'],
    'the previous peak',
    previous?.recordsPerSecond,
    halfOf(BOUNDS.recordsPerSecond),
  );
  check(
    ['stream', 'onDemand', 'previousPeak', 'bytesPerSecond'],
    'the previous peak',
    previous?.bytesPerSecond,
    halfOf(BOUNDS.bytesPerSecond),
  );

  s.producers.forEach((p, i) => {
    const base: Path = ['producers', i];
    check([...base, 'instances'], 'the instance count', p.instances, BOUNDS.instances);
    check([...base, 'retry', 'baseDelay'], 'the retry delay', p.retry.baseDelay, BOUNDS.retryDelay);
    check([...base, 'retry', 'maxDelay'], 'the retry delay', p.retry.maxDelay, BOUNDS.retryDelay);
    check([...base, 'batching', 'linger'], 'the linger time', p.batching.linger, BOUNDS.stepDelay);
    const keys = p.keys;
    if (keys.dist === 'uniform' || keys.dist === 'zipf' || keys.dist === 'hot-set')
      check([...base, 'keys', 'count'], 'the key count', keys.count, BOUNDS.keys);
    if (keys.dist === 'zipf')
      check([...base, 'keys', 'exponent'], 'the zipf exponent', keys.exponent, BOUNDS.zipfExponent);
    if (keys.dist === 'weighted')
      keys.keys.forEach((k, j) => {
        check([...base, 'keys', 'keys', j, 'weight'], 'the weight', k.weight, BOUNDS.weight);
      });
    if (p.recordSize.dist === 'lognormal') {
      check([...base, 'recordSize', 'p99'], 'the p99 record size', p.recordSize.p99, BOUNDS.lognormalP99);
      // The schema asks for a median above 0 bytes; a record has at least 1 (and a median of
      // 5e-321 bytes spreads the distribution past what a double holds).
      if (p.recordSize.median < 1)
        push({
          path: [...base, 'recordSize', 'median'],
          message: 'a record size is at least 1 byte',
          expected: 'at least 1B',
          found: `${p.recordSize.median} bytes`,
          severity: 'error',
        });
    }
    if (p.recordSize.dist === 'weighted')
      p.recordSize.sizes.forEach((e, j) => {
        check([...base, 'recordSize', 'sizes', j, 'weight'], 'the weight', e.weight, BOUNDS.weight);
      });
    if (p.rate.profile === 'diurnal' && p.rate.period < MIN_DIURNAL_PERIOD_SECONDS)
      push({
        path: [...base, 'rate', 'period'],
        message: `a diurnal period is at least ${formatSeconds(MIN_DIURNAL_PERIOD_SECONDS)}: the plan samples the peak and trough of every period of the run`,
        expected: `at least ${formatSeconds(MIN_DIURNAL_PERIOD_SECONDS)}`,
        found: formatSeconds(p.rate.period),
        severity: 'error',
      });
    for (const issue of peakRateIssues(s, p.rate, p.recordSize, [...base, 'rate'])) push(issue);
  });

  s.consumers.forEach((c, i) => {
    check(['consumers', i, 'instances'], 'the instance count', c.instances, BOUNDS.instances);
    if (c.type === 'polling')
      check(['consumers', i, 'pollInterval'], 'the poll interval', c.pollInterval, BOUNDS.stepDelay);
  });
  s.firehose.forEach((f, i) => {
    check(
      ['firehose', i, 'dynamicPartitions'],
      'the partition count',
      f.dynamicPartitions,
      BOUNDS.dynamicPartitions,
    );
    check(['firehose', i, 'deliveryTime'], 'the delivery time', f.deliveryTime, BOUNDS.stepDelay);
  });
  return issues;
}

/**
 * The producer's highest rate, in records and in bytes (records × the mean record, capped at the
 * stream's largest record), against what the most shards modelled accept. A trace is checked
 * point by point after its scale: `scale: 1e308` on a 10 records/s point is 10^309 records/s.
 */
function peakRateIssues(
  s: Scenario,
  profile: RateProfile,
  recordSize: Scenario['producers'][number]['recordSize'],
  path: Path,
  peak: { records: number; bytes: number } = { records: 0, bytes: 0 },
): ScenarioIssue[] {
  const meanBytes = Math.min(
    Number.isFinite(meanRecordBytes(recordSize)) ? meanRecordBytes(recordSize) : maxRecordBytes(recordSize),
    s.stream.maxRecordSize,
  );
  const issues: ScenarioIssue[] = [];
  const rateAt = (where: Path, perSecond: number, kind: 'records' | 'bytes', what = 'the rate') => {
    const records = kind === 'records' ? perSecond : perSecond / Math.max(1, meanBytes);
    const bytes = kind === 'bytes' ? perSecond : perSecond * meanBytes;
    peak.records = Math.max(peak.records, records);
    peak.bytes = Math.max(peak.bytes, bytes);
    if (!Number.isFinite(records) || records > BOUNDS.recordsPerSecond.max)
      issues.push(above(where, what, records, BOUNDS.recordsPerSecond));
    else if (!Number.isFinite(bytes) || bytes > BOUNDS.bytesPerSecond.max)
      issues.push(
        above(
          where,
          `${what} (${formatNumber(records)} records/s of ${formatBytes(meanBytes)} on average)`,
          bytes,
          BOUNDS.bytesPerSecond,
        ),
      );
  };
  switch (profile.profile) {
    case 'constant':
      // The shorthand `rate: 5k/s` and `rate: { profile: constant, rate: 5k/s }` parse alike: name
      // the field both have.
      rateAt(path, profile.rate.perSecond, profile.rate.kind);
      break;
    case 'ramp':
      rateAt([...path, 'from'], profile.from.perSecond, profile.from.kind);
      rateAt([...path, 'to'], profile.to.perSecond, profile.to.kind);
      break;
    case 'step':
      rateAt([...path, 'initial'], profile.initial.perSecond, profile.initial.kind);
      profile.steps.forEach((step, j) => {
        rateAt([...path, 'steps', j, 'rate'], step.rate.perSecond, step.rate.kind);
      });
      break;
    case 'spike':
      rateAt([...path, 'base'], profile.base.perSecond, profile.base.kind);
      rateAt([...path, 'peak'], profile.peak.perSecond, profile.peak.kind);
      break;
    case 'diurnal':
      rateAt([...path, 'min'], profile.min.perSecond, profile.min.kind);
      rateAt([...path, 'max'], profile.max.perSecond, profile.max.kind);
      break;
    case 'trace': {
      const points = profile.points ?? [];
      // The highest point decides; a file's points are named by the file (their lines were checked
      // as it was read), written points by their index.
      let top = -1;
      for (let j = 0; j < points.length; j++) if (top < 0 || points[j]![1] > points[top]![1]) top = j;
      if (top < 0) break;
      const where: Path =
        profile.scale !== 1
          ? [...path, 'scale']
          : profile.file !== undefined
            ? [...path, 'file']
            : [...path, 'points', top];
      const what =
        profile.scale !== 1
          ? `the trace's highest point (${formatNumber(points[top]![1])} records/s) × scale ${profile.scale}`
          : `the trace's highest point`;
      rateAt(where, points[top]![1] * profile.scale, 'records', what);
      points.forEach((point, j) => {
        if (point[0] > BOUNDS.duration.max && profile.file === undefined)
          issues.push(above([...path, 'points', j, 0], "the trace point's time", point[0], BOUNDS.duration));
      });
      break;
    }
  }
  return issues;
}

/**
 * Every number that is not finite (`1e400/s`, `1e999KiB` parse to Infinity; a plain `.inf` is
 * refused by the schema already), named at the field the user wrote: a rate's or a record size's
 * parsed parts (`perSecond`, the shorthand's `size`) are reported at the quantity itself.
 */
function nonFinite(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  // An explicit stack: a scenario is shallow once parsed, but the walk should not depend on it.
  const stack: { value: unknown; path: Path }[] = [{ value: s, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        issues.push({
          path: fieldPath(path),
          message: NOT_FINITE,
          expected: 'a finite number',
          found: String(value),
          severity: 'error',
        });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, path: [...path, key] });
    }
  }
  return issues.sort((a, b) => a.path.join('.').localeCompare(b.path.join('.')));
}

/** The path of the field as written: `…rate.rate.perSecond` → `…rate`, `…recordSize.size` → `…recordSize`. */
function fieldPath(path: Path): Path {
  let p = path;
  if (p[p.length - 1] === 'perSecond') p = p.slice(0, -1);
  // A constant profile's `rate` inside the producer's `rate` (the shorthand's shape after parsing).
  if (p.length >= 2 && p[p.length - 1] === 'rate' && p[p.length - 2] === 'rate') p = p.slice(0, -1);
  if (p.length >= 2 && p[p.length - 1] === 'size' && p[p.length - 2] === 'recordSize') p = p.slice(0, -1);
  return p;
}

/**
 * What a run of `durationSeconds` (the scenario's, or `--duration`) asks of the engine, against
 * `runTicks` and `runShardSeconds`; a sentence for the error, or undefined when it is within both.
 * The plan is not bound by these: it does not step through time.
 */
export function runWorkProblem(s: Scenario, durationSeconds: number): string | undefined {
  const ticks = Math.ceil(durationSeconds / s.engine.tick);
  const shards = Math.max(s.stream.shards ?? 0, ...s.events.map((e) => e.reshard.shards), onDemandShards(s));
  const shardTicks = shards * ticks;
  const long = `a run of ${formatSeconds(durationSeconds)} at a ${formatSeconds(s.engine.tick)} tick`;
  if (ticks > BOUNDS.runTicks.max)
    return `${long} is ${valueText(ticks, BOUNDS.runTicks)}, above ${valueText(BOUNDS.runTicks.max, BOUNDS.runTicks)}, ${BOUNDS.runTicks.why}`;
  if (shardTicks > BOUNDS.runShardTicks.max)
    return `${long} with up to ${formatNumber(shards)} shards is ${valueText(shardTicks, BOUNDS.runShardTicks)}, above ${valueText(BOUNDS.runShardTicks.max, BOUNDS.runShardTicks)}, ${BOUNDS.runShardTicks.why}`;
  return undefined;
}

/**
 * The most shards an on-demand stream grows to, as the engine sizes it: enough for twice the
 * previous peak, or for the traffic's peak (all producers at their peaks together, an upper bound),
 * at a shard's write limits. 0 for a provisioned stream.
 */
function onDemandShards(s: Scenario): number {
  if (s.stream.mode !== 'on-demand') return 0;
  const total = { records: 0, bytes: 0 };
  for (const p of s.producers) {
    const peak = { records: 0, bytes: 0 };
    peakRateIssues(s, p.rate, p.recordSize, [], peak);
    total.records += peak.records;
    total.bytes += peak.bytes;
  }
  const previous = s.stream.onDemand.previousPeak;
  const multiple = KINESIS.onDemandPeakMultiple.value;
  const records = Math.max(total.records, multiple * (previous?.recordsPerSecond ?? 0));
  const bytes = Math.max(total.bytes, multiple * (previous?.bytesPerSecond ?? 0));
  return Math.ceil(
    Math.max(
      records / KINESIS.shardWriteRecordsPerSecond.value,
      bytes / KINESIS.shardWriteBytesPerSecond.value,
    ),
  );
}

/**
 * What a model run holds at its peak, in bytes, estimated before it starts (issue 15, point 4: a
 * run that needs more memory than the machine has should say so, not die of it). What grows with
 * the run, found in src/engine/ and src/result/ and fitted to peak RSS measured with
 * `/usr/bin/time -f %M node bin/shardcast.js run … --quiet --no-html` (one polling consumer):
 *
 * - the process itself: ~130 MB (2 shards for 1 s: 131 MB);
 * - per-second series (src/result/recorder.ts): 12 series, 2 per consumer and 2 per Firehose
 *   stream, each a number a second, rounded into the result and written as JSON: ~96 bytes a value
 *   (2 shards for 86,400 s, 14 series: 245 MB = 131 MB + 86,400 × 14 × 94 B);
 * - per-shard load rows (src/result/shard-rows.ts): a row a second of every shard, until
 *   `SHARD_ROW_BUDGET` (2^25) values, then coarsened: ~14 bytes a shard-second kept (10,000 shards
 *   for 3,600 s, 33,554,432 values at the budget: 618 MB measured), and the garbage a second's
 *   engine work leaves until V8 collects it, ~26 bytes a shard-second for the first 6,000,000
 *   (V8 then collects it rather than grow the heap further);
 * - the result's per-shard series: every shard at most 360 points (`COARSE_POINTS`), as numbers
 *   and as JSON: ~22 bytes a point;
 * - per shard, its state in the engine (queues, credits, one entry per consumer of the arrival
 *   history, src/engine/arrival-history.ts): ~1 KB a shard and reader.
 *
 * Fitted: 10,000 shards for 600 s, 6,000,000 shard-seconds and 3,600,000 points, measured 461 MB,
 * estimated 130 + 14 × 600 × 96 B (0.8) + 6,000,000 × (14 + 26) B (240) + 3,600,000 × 22 B (79)
 * + 10,000 × 2 × 1 KB (20) = 470 MB; 50,000 shards for 60 s: measured 369 MB, estimated 130 + 0.1
 * + 3,000,000 × 40 B (120) + 3,000,000 × 22 B (66) + 100 = 416 MB; 10,000 shards for 3,600 s:
 * measured 618 MB, estimated 130 + 4.8 + 33,554,432 × 14 B (470) + 6,000,000 × 26 B (156) + 79 +
 * 20 = 860 MB; 10,000 shards and 5 consumers for 60 s: measured 199 MB, estimated 227 MB. It errs
 * high, so a run it lets start fits. Ticks cost time, not memory: a tick's state is overwritten
 * by the next.
 */
export function estimateRunMemoryBytes(s: Scenario, durationSeconds: number): number {
  const seconds = Math.ceil(durationSeconds);
  const shards = Math.max(
    s.stream.shards ?? 0,
    ...s.events.map((e) => e.reshard.shards),
    onDemandShards(s),
    1,
  );
  const series = 12 + 2 * s.consumers.length + 2 * s.firehose.length;
  const shardSeconds = Math.min(shards * seconds, SHARD_ROW_VALUES);
  const garbageShardSeconds = Math.min(shards * seconds, RUN_MEMORY.garbageShardSeconds);
  const shardPoints = shards * Math.min(seconds, SHARD_SERIES_POINTS);
  return (
    RUN_MEMORY.processBytes +
    series * seconds * RUN_MEMORY.bytesPerSeriesValue +
    shardSeconds * RUN_MEMORY.bytesPerShardSecond +
    garbageShardSeconds * RUN_MEMORY.garbageBytesPerShardSecond +
    shardPoints * RUN_MEMORY.bytesPerShardPoint +
    shards * (1 + s.consumers.length) * RUN_MEMORY.bytesPerShardReader
  );
}

/** The figures of {@link estimateRunMemoryBytes}, fitted to measured peak RSS. */
export const RUN_MEMORY = {
  processBytes: 130e6,
  bytesPerSeriesValue: 96,
  bytesPerShardSecond: 14,
  garbageBytesPerShardSecond: 26,
  garbageShardSeconds: 6_000_000,
  bytesPerShardPoint: 22,
  bytesPerShardReader: 1_000,
} as const;

/** `SHARD_ROW_BUDGET` (src/result/shard-rows.ts): the shard rows hold at most 2^25 values. */
const SHARD_ROW_VALUES = 2 ** 25;
/** `COARSE_POINTS` (src/result/recorder.ts): each shard's series in the result has at most 360 points. */
const SHARD_SERIES_POINTS = 360;

/**
 * A sentence for a run whose estimated memory is above `availableBytes` (what the machine and
 * V8 allow, less a margin: the caller's), or undefined when it fits.
 */
export function runMemoryProblem(
  s: Scenario,
  durationSeconds: number,
  availableBytes: number,
): string | undefined {
  const estimate = estimateRunMemoryBytes(s, durationSeconds);
  if (estimate <= availableBytes) return undefined;
  const shards = Math.max(
    s.stream.shards ?? 0,
    ...s.events.map((e) => e.reshard.shards),
    onDemandShards(s),
    1,
  );
  return `a run of ${formatSeconds(durationSeconds)} with up to ${formatNumber(shards)} shards needs about ${formatBytes(estimate)} of memory, above the ${formatBytes(availableBytes)} this machine allows (the smaller of its memory and V8's heap limit, less a quarter for the rest)`;
}
