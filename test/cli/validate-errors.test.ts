/**
 * What a user sees for a malformed scenario (docs/style.md, habits 3, 8 and 9): `shardcast validate`
 * reports every problem at once, each as `file:line:column: path: message (expected …, found …)`
 * with a `hint:` line where there is one, exits 2 and never prints a stack trace.
 *
 * Each case is a small scenario written line by line, so the line numbers in the expected output
 * can be checked by eye; columns are 1-based and point at the offending value (or key).
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

/** Scenario text from its lines (the array index + 1 is the line number). */
const lines = (...text: string[]): string => `${text.join('\n')}\n`;

/** The smallest valid head of a scenario; producers[0] starts on line 4. */
const HEAD = ['name: t', 'stream: { shards: 2 }', 'producers:', '  - name: web'] as const;

interface Case {
  kind: string;
  file: string;
  text: string;
  stderr: string[];
}

const CASES: Case[] = [
  {
    kind: 'YAML syntax error (an unclosed flow mapping)',
    file: 'unclosed-flow-map.yaml',
    text: lines('name: t', 'stream: { shards: 2', 'producers:', '  - name: web', '    rate: 1000/s'),
    stderr: [
      'error: unclosed-flow-map.yaml cannot be parsed',
      '  unclosed-flow-map.yaml:3:1: (document): not valid YAML or JSON: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    kind: 'YAML syntax error (tab indentation)',
    file: 'tab-indent.yaml',
    text: lines('name: t', 'stream:', '\tshards: 2', 'producers:', '  - name: web', '    rate: 1000/s'),
    stderr: [
      'error: tab-indent.yaml cannot be parsed',
      '  tab-indent.yaml:3:1: (document): not valid YAML or JSON: Tabs are not allowed as indentation',
    ],
  },
  {
    kind: 'duplicate YAML key',
    file: 'duplicate-key.yaml',
    text: lines(
      'name: t',
      'stream: { shards: 2 }',
      'name: u',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: duplicate-key.yaml cannot be parsed',
      // 3:1 is the second `name`.
      '  duplicate-key.yaml:3:1: (document): not valid YAML or JSON: Map keys must be unique',
    ],
  },
  {
    kind: 'not a mapping (a list)',
    file: 'list.yaml',
    text: lines('- name: t', '- producers: []'),
    stderr: [
      'error: 1 problem found',
      '  list.yaml:1:1: (document): a scenario is a mapping of fields (name, stream, producers, …) (expected a mapping, found a list of 2)',
    ],
  },
  {
    kind: 'not a mapping (a plain string)',
    file: 'string.yaml',
    text: lines('just a string'),
    stderr: [
      'error: 1 problem found',
      '  string.yaml:1:1: (document): a scenario is a mapping of fields (name, stream, producers, …) (expected a mapping, found "just a string")',
    ],
  },
  {
    kind: 'an empty file',
    file: 'empty.yaml',
    text: lines('# nothing but a comment'),
    stderr: [
      'error: 1 problem found',
      '  empty.yaml:1:1: (document): a scenario is a mapping of fields (name, stream, producers, …) (expected a mapping, found an empty document)',
    ],
  },
  {
    kind: 'missing name',
    file: 'no-name.yaml',
    text: lines('stream: { shards: 2 }', 'producers:', '  - name: web', '    rate: 1000/s'),
    stderr: [
      'error: 1 problem found',
      '  no-name.yaml:1:1: name: missing required field "name" (expected a string)',
    ],
  },
  {
    kind: 'missing producers',
    file: 'no-producers.yaml',
    text: lines('name: t', 'stream: { shards: 2 }'),
    stderr: [
      'error: 1 problem found',
      '  no-producers.yaml:1:1: producers: missing required field "producers" (expected a list)',
    ],
  },
  {
    kind: 'an empty producer list',
    file: 'empty-producers.yaml',
    text: lines('name: t', 'stream: { shards: 2 }', 'producers: []'),
    stderr: [
      'error: 1 problem found',
      '  empty-producers.yaml:3:12: producers: a scenario needs at least one producer (expected at least 1 item, found 0 items)',
    ],
  },
  {
    kind: "missing a ramp's `to` (points at the mapping that lacks it)",
    file: 'ramp-without-to.yaml',
    text: lines(...HEAD, '    rate:', '      profile: ramp', '      from: 1000/s', '      over: 10m'),
    stderr: [
      'error: 1 problem found',
      '  ramp-without-to.yaml:6:7: producers[0].rate.to: missing required field "to" (expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s)',
    ],
  },
  {
    kind: 'missing the discriminator of a key distribution',
    file: 'keys-without-dist.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    keys: { count: 10 }'),
    stderr: [
      'error: 1 problem found',
      '  keys-without-dist.yaml:6:11: producers[0].keys: missing field "dist" (expected one of uniform, zipf, hot-set, weighted, unique, found nothing)',
    ],
  },
  {
    kind: 'unknown field at the top level (close to a known one)',
    file: 'headrom.yaml',
    text: lines(...HEAD, '    rate: 1000/s', 'headrom: 0.3'),
    stderr: [
      'error: 1 problem found',
      '  headrom.yaml:6:1: headrom: unknown field "headrom"',
      '      hint: did you mean "headroom"?',
    ],
  },
  {
    kind: 'unknown field at the top level (nothing close: the fields are listed)',
    file: 'top-level-shard.yaml',
    text: lines(
      'name: t',
      'shard: 2',
      'stream: { shards: 2 }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  top-level-shard.yaml:2:1: shard: unknown field "shard"',
      '      hint: fields here: name, description, region, duration, seed, stream, producers, consumers, firehose, events, engine, headroom, pricing, gates',
    ],
  },
  {
    // Without `shards` the plan would size the stream: the typo is the only problem.
    kind: 'unknown field in stream (`shard` for `shards`)',
    file: 'stream-shard.yaml',
    text: lines('name: t', 'stream:', '  shard: 2', 'producers:', '  - name: web', '    rate: 1000/s'),
    stderr: [
      'error: 1 problem found',
      '  stream-shard.yaml:3:3: stream.shard: unknown field "shard"',
      '      hint: did you mean "shards"?',
    ],
  },
  {
    kind: 'unknown field in a producer (`recordsize` for `recordSize`)',
    file: 'recordsize.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    recordsize: 1KiB'),
    stderr: [
      'error: 1 problem found',
      '  recordsize.yaml:6:5: producers[0].recordsize: unknown field "recordsize"',
      '      hint: did you mean "recordSize"?',
    ],
  },
  {
    kind: 'unknown field in one branch of a discriminated union (a polling consumer)',
    file: 'poll-intervl.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'consumers:',
      '  - { name: app, type: polling, pollIntervl: 1s }',
    ),
    stderr: [
      'error: 1 problem found',
      '  poll-intervl.yaml:7:33: consumers[0].pollIntervl: unknown field "pollIntervl"',
      '      hint: did you mean "pollInterval"?',
    ],
  },
  {
    kind: 'wrong enum value (`provisoned`)',
    file: 'provisoned.yaml',
    text: lines(
      'name: t',
      'stream:',
      '  mode: provisoned',
      '  shards: 2',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  provisoned.yaml:3:9: stream.mode: not one of the allowed values (expected one of provisioned, on-demand, found "provisoned")',
      '      hint: did you mean "provisioned"?',
    ],
  },
  {
    kind: 'unknown rate profile (`rampp`)',
    file: 'rampp.yaml',
    text: lines(
      ...HEAD,
      '    rate:',
      '      profile: rampp',
      '      from: 1000/s',
      '      to: 2000/s',
      '      over: 10m',
    ),
    stderr: [
      'error: 1 problem found',
      '  rampp.yaml:6:16: producers[0].rate.profile: unknown profile (expected one of constant, ramp, step, spike, diurnal, trace, found "rampp")',
      '      hint: did you mean "ramp"?',
    ],
  },
  {
    kind: 'bad duration (`10 minutes`)',
    file: 'ten-minutes.yaml',
    text: lines(
      'name: t',
      'duration: 10 minutes',
      'stream: { shards: 2 }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  ten-minutes.yaml:2:11: duration: expected a duration such as 250ms, 30s, 10m or 24h (found "10 minutes")',
    ],
  },
  {
    kind: 'a byte rate where a size is expected (`1.2 KB/s`)',
    file: 'size-as-rate.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    recordSize: 1.2 KB/s'),
    stderr: [
      'error: 1 problem found',
      '  size-as-rate.yaml:6:17: producers[0].recordSize: expected a size such as 1KiB, 64MiB or 512B (found "1.2 KB/s")',
    ],
  },
  {
    kind: 'bad rate (`fast`)',
    file: 'fast.yaml',
    text: lines(...HEAD, '    rate: fast'),
    stderr: [
      'error: 1 problem found',
      '  fast.yaml:5:11: producers[0].rate: expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s (found "fast")',
    ],
  },
  {
    kind: 'processingRate given as a byte rate',
    file: 'processing-bytes.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'consumers:',
      '  - name: app',
      '    type: polling',
      '    processingRate: 5MiB/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  processing-bytes.yaml:9:21: consumers[0].processingRate: expected a record rate such as 5000/s or 5k/s (found "5MiB/s")',
    ],
  },
  {
    kind: "an on-demand stream's previous byte peak given as a record rate",
    file: 'previous-peak.yaml',
    text: lines(
      'name: t',
      'stream: { mode: on-demand, onDemand: { previousPeak: { bytesPerSecond: 5000/s } } }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  previous-peak.yaml:2:72: stream.onDemand.previousPeak.bytesPerSecond: expected a byte rate such as 4.5MiB/s or 500KB/s (found "5000/s")',
    ],
  },
  {
    kind: 'negative size',
    file: 'negative-size.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    recordSize: -5'),
    stderr: [
      'error: 1 problem found',
      '  negative-size.yaml:6:17: producers[0].recordSize: a size cannot be negative (expected at least 0, found -5)',
    ],
  },
  {
    kind: 'negative shard count',
    file: 'negative-shards.yaml',
    text: lines('name: t', 'stream: { shards: -2 }', 'producers:', '  - name: web', '    rate: 1000/s'),
    stderr: [
      'error: 1 problem found',
      '  negative-shards.yaml:2:19: stream.shards: too small (expected more than 0, found -2)',
    ],
  },
  {
    kind: 'out of range: batching.maxRecords 600',
    file: 'max-records-600.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    batching:', '      maxRecords: 600'),
    stderr: [
      'error: 1 problem found',
      '  max-records-600.yaml:7:19: producers[0].batching.maxRecords: too large (expected at most 500, found 600)',
    ],
  },
  {
    kind: 'out of range: headroom 20',
    file: 'headroom-20.yaml',
    text: lines(
      'name: t',
      'stream: { shards: 2 }',
      'headroom: 20',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  headroom-20.yaml:3:11: headroom: too large (expected at most 10, found 20)',
    ],
  },
  {
    kind: 'wrong type: instances "two"',
    file: 'instances-two.yaml',
    text: lines(...HEAD, '    instances: two', '    rate: 1000/s'),
    stderr: [
      'error: 1 problem found',
      '  instances-two.yaml:5:16: producers[0].instances: wrong type (expected a number, found "two")',
    ],
  },
  {
    kind: 'wrong type: a fractional seed',
    file: 'seed-fraction.yaml',
    text: lines(
      'name: t',
      'seed: 1.5',
      'stream: { shards: 2 }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    ),
    stderr: [
      'error: 1 problem found',
      '  seed-fraction.yaml:2:7: seed: wrong type (expected an integer, found 1.5)',
    ],
  },
  {
    kind: 'wrong type: a mapping where a list is expected',
    file: 'producers-mapping.yaml',
    text: lines('name: t', 'stream: { shards: 2 }', 'producers:', '  name: web', '  rate: 1000/s'),
    stderr: [
      'error: 1 problem found',
      '  producers-mapping.yaml:4:3: producers: wrong type (expected a list, found a mapping)',
    ],
  },
  {
    kind: 'duplicate producer names',
    file: 'duplicate-producers.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '  - name: web', '    rate: 2000/s'),
    stderr: [
      'error: 1 problem found',
      '  duplicate-producers.yaml:6:11: producers[1].name: duplicate name "web" (found "web")',
    ],
  },
  {
    kind: 'a reshard event after the end of the run',
    file: 'late-reshard.yaml',
    text: lines(
      'name: t',
      'duration: 30m',
      'stream: { shards: 2 }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
      'events:',
      '  - at: 45m',
      '    reshard: { shards: 4 }',
    ),
    stderr: [
      'error: 1 problem found',
      '  late-reshard.yaml:8:9: events[0].at: the event is at 2700 s, after the end of the run (duration 1800 s) (found "45m")',
    ],
  },
  {
    kind: 'reshard events out of time order',
    file: 'reshard-order.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'events:',
      '  - { at: 20m, reshard: { shards: 4 } }',
      '  - { at: 10m, reshard: { shards: 2 } }',
    ),
    stderr: [
      'error: 1 problem found',
      '  reshard-order.yaml:8:11: events[1].at: events must be in time order (found "10m")',
    ],
  },
  {
    kind: 'reshard on an on-demand stream',
    file: 'on-demand-reshard.yaml',
    text: lines(
      'name: t',
      'stream:',
      '  mode: on-demand',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
      'events:',
      '  - at: 5m',
      '    reshard: { shards: 4 }',
    ),
    stderr: [
      'error: 1 problem found',
      '  on-demand-reshard.yaml:9:14: events[0].reshard: an on-demand stream scales itself: reshard events need mode: provisioned (found a mapping)',
    ],
  },
  {
    kind: 'more than 20 enhanced fan-out consumers',
    file: '21-efo-consumers.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'consumers:',
      // Lines 7 … 27: consumers[0] … consumers[20].
      ...Array.from({ length: 21 }, (_, i) => `  - { name: app-${i}, type: enhanced-fan-out }`),
    ),
    stderr: [
      'error: 1 problem found',
      '  21-efo-consumers.yaml:27:5: consumers[20]: consumer "app-20" is enhanced fan-out consumer number 21; this stream registers at most 20 (expected at most 20 enhanced fan-out consumers per stream, found 21 enhanced fan-out consumers)',
      '      hint: make some of them polling consumers, or use an on-demand stream with On-demand Advantage (50 consumers)',
    ],
  },
  {
    kind: 'Firehose S3 buffer of 200 MiB (1–128 MiB) and interval 1000 s (0–900 s)',
    file: 'firehose-buffer-200mib-1000s.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'firehose:',
      '  - name: to-s3',
      '    buffer:',
      '      size: 200MiB',
      '      interval: 1000s',
    ),
    stderr: [
      'error: 2 problems found',
      '  firehose-buffer-200mib-1000s.yaml:9:13: firehose[0].buffer.size: the buffer size is outside the range the s3 destination allows (expected 1 MiB … 128 MiB, found 200 MiB)',
      '  firehose-buffer-200mib-1000s.yaml:10:17: firehose[0].buffer.interval: the buffer interval is outside the range the s3 destination allows (expected 0 s … 15 min, found 16.7 min)',
    ],
  },
  {
    kind: 'format conversion with a 5 MiB buffer',
    file: 'parquet-5mib.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      'firehose:',
      '  - name: to-s3',
      '    formatConversion: parquet',
      '    buffer: { size: 5MiB }',
    ),
    stderr: [
      'error: 1 problem found',
      '  parquet-5mib.yaml:9:21: firehose[0].buffer.size: format conversion to parquet needs a buffer size of at least 64 MiB (expected at least 64 MiB, found 5 MiB)',
      '      hint: omit buffer.size to get the 128 MiB default of format conversion',
    ],
  },
  {
    kind: 'Firehose destination typo',
    file: 'firehose-s4.yaml',
    text: lines(...HEAD, '    rate: 1000/s', 'firehose:', '  - { name: f, destination: s4 }'),
    stderr: [
      'error: 1 problem found',
      '  firehose-s4.yaml:7:29: firehose[0].destination: not one of the allowed values (expected one of s3, iceberg, redshift, opensearch, opensearch-serverless, splunk, http-endpoint, snowflake, found "s4")',
      '      hint: did you mean "s3"?',
    ],
  },
  {
    kind: 'a record larger than the stream maximum (2 MiB on a 1 MiB stream)',
    file: 'record-2mib.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    recordSize: 2MiB'),
    stderr: [
      'error: 1 problem found',
      // 2 MiB + a 36-character unique key = 2,097,152 + 36 = 2,097,188 bytes.
      "  record-2mib.yaml:6:17: producers[0].recordSize: every record: 2 MiB of data + 36 B of partition key = 2 MiB (2,097,188 bytes), above the stream's maximum record size (expected at most 1 MiB per record, partition key included (stream.maxRecordSize), found 2 MiB (2,097,188 bytes))",
      '      hint: raise stream.maxRecordSize (up to 10 MiB), or make the records or their partition keys smaller',
    ],
  },
  {
    kind: 'producer destination naming no Firehose stream',
    file: 'destination-to-s3.yaml',
    text: lines(...HEAD, '    rate: 1000/s', '    destination: to-s3'),
    stderr: [
      'error: 1 problem found',
      '  destination-to-s3.yaml:6:18: producers[0].destination: "to-s3" is neither "stream" nor a direct-put Firehose stream of this scenario (found "to-s3")',
    ],
  },
  {
    kind: 'unknown pricing name with a suggestion',
    file: 'pricing-shard-hour.yaml',
    text: lines(...HEAD, '    rate: 1000/s', 'pricing:', '  shardHour: 0.02'),
    stderr: [
      'error: 1 problem found',
      '  pricing-shard-hour.yaml:7:14: pricing.shardHour: unknown price "shardHour" (expected a price name listed by `shardcast facts`, found "shardHour")',
      '      hint: did you mean "kinesis.shardHour"?',
    ],
  },
  {
    kind: 'trace file missing',
    file: 'missing-trace.yaml',
    text: lines(...HEAD, '    rate:', '      profile: trace', '      file: traces/missing.csv'),
    stderr: [
      'error: 1 problem found',
      '  missing-trace.yaml:7:13: producers[0].rate.file: cannot read trace file "traces/missing.csv": no such file',
      '      hint: a trace file is found relative to the scenario file',
    ],
  },
  {
    kind: 'trace file that is not a CSV of seconds,recordsPerSecond',
    file: 'bad-trace.yaml',
    text: lines(...HEAD, '    rate:', '      profile: trace', '      file: bad-trace.csv'),
    stderr: [
      'error: 1 problem found',
      '  bad-trace.yaml:7:13: producers[0].rate.file: bad-trace.csv:3: times must increase (5 after 10)',
    ],
  },
  {
    kind: 'aliases expanding past the limit (not an internal error)',
    file: 'alias-bomb.yaml',
    text: lines(
      'name: t',
      'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ),
    stderr: [
      'error: alias-bomb.yaml cannot be parsed',
      '  alias-bomb.yaml:1:1: (document): not valid as a scenario: Excessive alias count indicates a resource exhaustion attack',
      '      hint: write the repeated values out instead of nesting aliases (*name) of aliases',
    ],
  },
  {
    kind: 'several problems at once, sorted by line',
    file: 'several.yaml',
    // The schema reports stream, producers, then headroom; the output is in file order.
    text: lines(
      'name: t',
      'headroom: 20',
      'stream:',
      '  mode: provisoned',
      '  shards: 2',
      'producers:',
      '  - name: web',
      '    instances: two',
      '    rate: fast',
      '    recordsize: 1KiB',
    ),
    stderr: [
      'error: 5 problems found',
      '  several.yaml:2:11: headroom: too large (expected at most 10, found 20)',
      '  several.yaml:4:9: stream.mode: not one of the allowed values (expected one of provisioned, on-demand, found "provisoned")',
      '      hint: did you mean "provisioned"?',
      '  several.yaml:8:16: producers[0].instances: wrong type (expected a number, found "two")',
      '  several.yaml:9:11: producers[0].rate: expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s (found "fast")',
      '  several.yaml:10:5: producers[0].recordsize: unknown field "recordsize"',
      '      hint: did you mean "recordSize"?',
    ],
  },
  {
    kind: 'several AWS-limit problems at once, sorted by line',
    file: 'several-limits.yaml',
    text: lines(
      ...HEAD,
      '    rate: 1000/s',
      '    recordSize: 2MiB',
      'firehose:',
      '  - name: to-s3',
      '    buffer: { size: 200MiB }',
      'pricing:',
      '  shardHour: 0.02',
    ),
    stderr: [
      'error: 3 problems found',
      "  several-limits.yaml:6:17: producers[0].recordSize: every record: 2 MiB of data + 36 B of partition key = 2 MiB (2,097,188 bytes), above the stream's maximum record size (expected at most 1 MiB per record, partition key included (stream.maxRecordSize), found 2 MiB (2,097,188 bytes))",
      '      hint: raise stream.maxRecordSize (up to 10 MiB), or make the records or their partition keys smaller',
      '  several-limits.yaml:9:21: firehose[0].buffer.size: the buffer size is outside the range the s3 destination allows (expected 1 MiB … 128 MiB, found 200 MiB)',
      '  several-limits.yaml:11:14: pricing.shardHour: unknown price "shardHour" (expected a price name listed by `shardcast facts`, found "shardHour")',
      '      hint: did you mean "kinesis.shardHour"?',
    ],
  },
  {
    kind: 'JSON scenario with a bad value (positions work for JSON too)',
    file: 'fast.json',
    text: lines(
      '{',
      '  "name": "t",',
      '  "stream": { "shards": 2 },',
      '  "producers": [',
      '    { "name": "web", "rate": "fast" }',
      '  ]',
      '}',
    ),
    stderr: [
      'error: 1 problem found',
      // Column 30 is the opening quote of "fast".
      '  fast.json:5:30: producers[0].rate: expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s (found "fast")',
    ],
  },
  {
    kind: 'JSON scenario with an unknown field',
    file: 'recordsize.json',
    text: lines(
      '{',
      '  "name": "t",',
      '  "stream": { "shards": 2 },',
      '  "producers": [{ "name": "web", "rate": "1000/s", "recordsize": "1KiB" }]',
      '}',
    ),
    stderr: [
      'error: 1 problem found',
      // Column 52 is the opening quote of "recordsize".
      '  recordsize.json:4:52: producers[0].recordsize: unknown field "recordsize"',
      '      hint: did you mean "recordSize"?',
    ],
  },
  {
    kind: 'JSON syntax error (a missing comma)',
    file: 'missing-comma.json',
    text: lines('{', '  "name": "t",', '  "stream": { "shards": 2 }', '  "producers": []', '}'),
    stderr: [
      'error: missing-comma.json cannot be parsed',
      '  missing-comma.json:4:3: (document): not valid YAML or JSON: Missing , between flow map items',
    ],
  },
];

/** Files the cases refer to (beside them, as a scenario's trace would be). */
const SIDE_FILES = {
  // Line 3 goes back in time.
  'bad-trace.csv': 'seconds,recordsPerSecond\n10,1000\n5,1200\n',
};

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toContain('    at ');
  expect(stderr).not.toContain('internal error');
}

describe('shardcast validate on a malformed scenario', () => {
  it('covers at least 20 kinds of mistake', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((c) => c.file)).size).toBe(CASES.length);
  });

  it.each(CASES)('$kind', async ({ file, text, stderr }) => {
    const result = await run(['validate', file], { [file]: text, ...SIDE_FILES });
    expect(result.stderr.split('\n')).toEqual([...stderr, '']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectNoStackTrace(result.stderr);
  });

  // A plain number is a rate too (records/s): a negative one is refused, like a written one.
  it('rejects a negative plain-number rate', async () => {
    const file = 'negative-rate.yaml';
    const result = await run(['validate', file], { [file]: lines(...HEAD, '    rate: -5000') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: 1 problem found\n  negative-rate.yaml:5:11: producers[0].rate: a rate cannot be negative (found -5000)\n',
    );
  });

  it('reports the same problems from plan as from validate', async () => {
    const { file, text, stderr } = CASES.find((c) => c.file === 'several.yaml')!;
    const result = await run(['plan', file], { [file]: text });
    expect(result.stderr).toBe(`${stderr.join('\n')}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('names the path as given on the command line, directories included', async () => {
    const file = 'some/dir/fast.yaml';
    const result = await run(['validate', file], { [file]: lines(...HEAD, '    rate: fast') });
    expect(result.stderr).toContain('  some/dir/fast.yaml:5:11: producers[0].rate: expected a rate such as');
  });

  it('prints warnings on stderr and still exits 0', async () => {
    const file = 'eu-region.yaml';
    const text = lines(
      'name: t',
      'region: eu-west-1',
      'stream: { shards: 2 }',
      'producers:',
      '  - name: web',
      '    rate: 1000/s',
    );
    const result = await run(['validate', file], { [file]: text });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')).toEqual([
      `warning: eu-region.yaml:2:9: region: shardcast's bundled prices are us-east-1's; prices and quotas in eu-west-1 may differ (expected us-east-1 for bundled prices, found "eu-west-1")`,
      "    hint: set eu-west-1's prices in the pricing: block (see shardcast facts)",
      '',
    ]);
    expect(result.stdout).toBe(
      'eu-region.yaml: valid scenario "t": 1 producer, 0 consumers, 0 Firehose streams, 0 events, 1 warning\n',
    );
  });
});

describe('shardcast on a bad command line', () => {
  it('reports a scenario file that does not exist, with a hint', async () => {
    const result = await run(['validate', 'scenarios/no-such-file.yaml']);
    expect(result.stderr).toBe(
      'error: cannot read scenario file scenarios/no-such-file.yaml: no such file\n' +
        'hint: the bundled scenarios are in scenarios/, e.g. scenarios/launch-day.yaml\n',
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('reports a directory given as the scenario file', async () => {
    const result = await run(['plan', 'scenarios']);
    expect(result.stderr).toBe('error: cannot read scenario file scenarios: it is a directory\n');
    expect(result.code).toBe(2);
  });

  it.each([
    { command: 'frobnicate', message: 'error: Unknown argument: frobnicate' },
    { command: 'plan scenarios/launch-day.yaml --jsn', message: 'error: Unknown argument: jsn' },
    {
      command: 'validate scenarios/launch-day.yaml --frobnicate',
      message: 'error: Unknown argument: frobnicate',
    },
    {
      command: '',
      message:
        'error: name a command: plan, run, sweep, find, report, compare, validate, schema, targets, facts, serve or cleanup',
    },
    { command: 'plan', message: 'error: Not enough non-option arguments: got 0, need at least 1' },
  ])('exits 2 for `shardcast $command`, with a hint and no stack', async ({ command, message }) => {
    const argv = command === '' ? [] : command.split(' ');
    const result = await run(argv);
    expect(result.stderr).toBe(
      `${message}\nhint: run \`shardcast --help\` for the commands and their options\n`,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectNoStackTrace(result.stderr);
  });
});

// Scenarios that used to pass `validate` and then crash `plan` or `run` (exit 133/70).
describe('shardcast validate on values the planner and engine cannot use', () => {
  const CRASHES: { kind: string; file: string; text: string; line: string }[] = [
    {
      kind: 'a diurnal period of 0',
      file: 'zero-period.yaml',
      text: lines(...HEAD, '    rate: { profile: diurnal, min: 10/s, max: 20/s, period: 0s }'),
      line: '  zero-period.yaml:5:61: producers[0].rate.period: a period must be longer than 0s (found "0s")',
    },
    {
      kind: 'a run duration of 0',
      file: 'zero-duration.yaml',
      text: lines('duration: 0s', ...HEAD, '    rate: 1000/s'),
      line: '  zero-duration.yaml:1:11: duration: a duration must be longer than 0s (found "0s")',
    },
    {
      kind: 'a lognormal median of 0',
      file: 'zero-median.yaml',
      text: lines(...HEAD, '    rate: 1000/s', '    recordSize: { dist: lognormal, median: 0, p99: 1KiB }'),
      line: '  zero-median.yaml:6:44: producers[0].recordSize.median: a median size must be above 0 bytes (found 0)',
    },
    {
      kind: 'a fixed record size of 0',
      file: 'zero-size.yaml',
      text: lines(...HEAD, '    rate: 1000/s', '    recordSize: 0B'),
      line: '  zero-size.yaml:6:17: producers[0].recordSize: a record size is at least 1 byte (found "0B")',
    },
    {
      kind: 'a uniform record size from 0',
      file: 'zero-uniform.yaml',
      text: lines(...HEAD, '    rate: 1000/s', '    recordSize: { dist: uniform, min: 0, max: 1KiB }'),
      line: '  zero-uniform.yaml:6:39: producers[0].recordSize.min: a record size is at least 1 byte (found 0)',
    },
    {
      kind: 'a weighted record size of 0',
      file: 'zero-weighted.yaml',
      text: lines(
        ...HEAD,
        '    rate: 1000/s',
        '    recordSize: { dist: weighted, sizes: [{ size: 0, weight: 1 }] }',
      ),
      line: '  zero-weighted.yaml:6:51: producers[0].recordSize.sizes[0].size: a record size is at least 1 byte (found 0)',
    },
    {
      kind: 'trace points out of time order',
      file: 'trace-order.yaml',
      text: lines(...HEAD, '    rate: { profile: trace, points: [[0, 10], [60, 20], [60, 30]] }'),
      line: '  trace-order.yaml:5:57: producers[0].rate.points[2]: trace points must be in strictly increasing time: 60 s comes after 60 s (found a list of 2)',
    },
    {
      kind: 'an explicit hash key above 2^128 − 1',
      file: 'big-hash-key.yaml',
      text: lines(
        ...HEAD,
        '    rate: 1000/s',
        '    keys: { dist: weighted, keys: [{ key: a, weight: 1, explicitHashKey: "999999999999999999999999999999999999999" }] }',
      ),
      line: '  big-hash-key.yaml:6:74: producers[0].keys.keys[0].explicitHashKey: an explicit hash key is at most 2^128−1 (340282366920938463463374607431768211455) (found "999999999999999999999999999999999999999")',
    },
    {
      kind: 'a hot set where every key is hot but share < 1',
      file: 'all-hot.yaml',
      text: lines(...HEAD, '    rate: 1000/s', '    keys: { dist: hot-set, count: 4, hot: 4, share: 0.5 }'),
      line: '  all-hot.yaml:6:53: producers[0].keys.share: every key is hot: share must be 1 (found 0.5)',
    },
    {
      kind: 'an engine tick above 1s',
      file: 'long-tick.yaml',
      text: lines(...HEAD, '    rate: 1000/s', 'engine: { tick: 2s }'),
      line: '  long-tick.yaml:6:17: engine.tick: a tick is at most 1s (the token buckets hold one second\'s worth) (expected at most 1, found "2s")',
    },
    {
      kind: 'a seed above 32 bits',
      file: 'big-seed.yaml',
      text: lines('seed: 4294967296', ...HEAD, '    rate: 1000/s'),
      line: '  big-seed.yaml:1:7: seed: a seed is at most 4294967295 (32 bits) (expected at most 4294967295, found 4294967296)',
    },
  ];

  it.each(CRASHES)('$kind', async ({ file, text, line }) => {
    const result = await run(['validate', file], { [file]: text });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual(['error: 1 problem found', line, '']);
    expectNoStackTrace(result.stderr);
  });
});
