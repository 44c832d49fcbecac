/**
 * Every problem at once (issue 9, point 12): schema problems, cross-field rules, AWS limits and
 * gate checks are reported together, sorted by line, wherever the document parsed. Before, a user
 * met them one stage at a time: fix the schema problems, then meet the cross-field ones, then the
 * AWS limits and gates.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

/** Scenario text from its lines (the array index + 1 is the line number). */
const lines = (...text: string[]): string => `${text.join('\n')}\n`;

const EVERY_STAGE = lines(
  'name: every-problem', //                                 1
  'duration: 10m', //                                       2
  'stream:', //                                             3
  '  shards: 4', //                                         4
  '  maxRecordSize: 20MiB', //                              5  AWS limit: 1 … 10 MiB
  'producers:', //                                          6
  '  - name: web', //                                       7
  '    rate: 1000/s', //                                    8
  '    recordSize: 1KiB', //                                9
  '    keys: { dist: uniform, count: 100 }', //            10
  '  - name: broken', //                                   11
  '    rate: fast', //                                     12  schema: not a rate
  'firehose:', //                                          13
  '  - name: archive', //                                  14
  '    destination: s3', //                                15
  '    buffer: { size: 200MiB }', //                       16  AWS limit: s3 buffers 1 … 128 MiB
  'events:', //                                            17
  '  - { at: 20m, reshard: { shards: 8 } }', //            18  cross-field: after the end (10 min)
  'gates:', //                                             19
  '  - throttleRatio < 1%', //                             20  gate: unknown metric
  '  - putLatency.p99 < 5MiB', //                          21  gate: a size for a duration
  '  - lostRecords == 0', //                               22  fine
);

describe('validate reports every stage in one pass', () => {
  it('lists schema, cross-field, AWS-limit and gate problems together, sorted by line', async () => {
    const r = await run(['validate', 'every.yaml'], { 'every.yaml': EVERY_STAGE });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        'error: 6 problems found',
        "  every.yaml:5:18: stream.maxRecordSize: the stream's maximum record size (MaxRecordSizeInKiB) must be between 1 MiB and 10 MiB (expected 1 MiB … 10 MiB, found 20 MiB)",
        '  every.yaml:12:11: producers[1].rate: expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s (found "fast")',
        '  every.yaml:16:21: firehose[0].buffer.size: the buffer size is outside the range the s3 destination allows (expected 1 MiB … 128 MiB, found 200 MiB)',
        '  every.yaml:18:11: events[0].at: the event is at 1200 s, after the end of the run (duration 600 s) (found "20m")',
        '  every.yaml:20:5: gates[0]: unknown metric "throttleRatio"',
        '      hint: did you mean "throttledRatio"?',
        '  every.yaml:21:5: gates[1]: putLatency.p99 is a duration (seconds), but 5MiB is a size (expected a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0), found "5MiB")',
        '',
      ].join('\n'),
    );
  });

  it('checks the parts after a broken list item at their own indices', async () => {
    // producers[0] is broken (left out while checking); producers[1]'s record size is over the
    // stream's 1 MiB maximum (an AWS limit) and must be reported as producers[1], line 8.
    const text = lines(
      'name: t', //                                         1
      'stream: { shards: 2 }', //                           2
      'producers:', //                                      3
      '  - name: broken', //                                4
      '    rate: fast', //                                  5
      '  - name: big', //                                   6
      '    rate: 10/s', //                                  7
      '    recordSize: 2MiB', //                            8
      'gates:', //                                          9
      '  - 5', //                                          10  not a string
      '  - lostRecord == 0', //                            11  gates[1] after the left-out gates[0]
    );
    const r = await run(['validate', 'items.yaml'], { 'items.yaml': text });
    expect(r.code).toBe(2);
    const problems = r.stderr.split('\n').filter((l) => /^ {2}items\.yaml:/.test(l));
    expect(problems.map((l) => l.split(': ')[0]!.trim())).toEqual([
      'items.yaml:5:11',
      'items.yaml:8:17',
      'items.yaml:10:5',
      'items.yaml:11:5',
    ]);
    expect(r.stderr).toContain('items.yaml:8:17: producers[1].recordSize');
    expect(r.stderr).toContain('items.yaml:11:5: gates[1]: unknown metric "lostRecord"');
  });

  it('does not report what follows from a part it had to leave out', async () => {
    // The direct-put Firehose's only producer is broken: "has no producer" would be about the
    // stand-in, not the file. The consumer's gate names a metric of a consumer that is broken.
    const text = lines(
      'name: t', //                                         1
      'stream: { shards: 2 }', //                           2
      'producers:', //                                      3
      '  - name: direct', //                                4
      '    rate: fast', //                                  5
      '    destination: logs', //                           6
      'firehose:', //                                       7
      '  - { name: logs, source: direct-put }', //          8
      'consumers:', //                                      9
      '  - { name: app, type: pollin }', //                10
      'gates:', //                                         11
      '  - consumers.app.lagGrowthRecordsPerSecond == 0', //12
    );
    const r = await run(['validate', 'consequences.yaml'], { 'consequences.yaml': text });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('consequences.yaml:5:11: producers[0].rate');
    expect(r.stderr).toContain('consequences.yaml:10:24: consumers[0].type: unknown type');
    expect(r.stderr).toContain('error: 2 problems found');
    expect(r.stderr).not.toContain('has no producer');
    expect(r.stderr).not.toContain('unknown metric');
  });
});

describe('what a broken part does not hide', () => {
  // A broken stream field and a broken consumer: before, the reshard after the end, the unknown
  // gate and the unit-less poll interval's warning only appeared once those were fixed.
  const BROKEN_ELSEWHERE = lines(
    'name: broken-elsewhere', //                          1
    'duration: 10m', //                                   2
    'stream:', //                                         3
    '  shard: 4', //                                      4  schema: unknown field
    'producers:', //                                      5
    '  - name: p', //                                     6
    '    rate: 1k/s', //                                  7
    'consumers:', //                                      8
    '  - name: c', //                                     9
    '    type: polling', //                              10
    '    pollInterval: 200', //                          11  warning: 200 s is implausible
    '  - name: c2', //                                   12
    '    type: enhanced-fan-out', //                     13
    '    processingRate: lots', //                       14  schema: not a rate
    'events:', //                                        15
    '  - at: 20m', //                                    16  cross-field: after the 10-min end
    '    reshard: { shards: 8 }', //                     17
    'gates:', //                                         18
    '  - nope.metric > 1', //                            19  gates: unknown metric
  );

  it('reports the event after the end and the unknown gate beside the schema problems, and the warnings', async () => {
    const r = await run(['validate', 'b.yaml'], { 'b.yaml': BROKEN_ELSEWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('b.yaml:4:3: stream.shard: unknown field "shard"');
    expect(r.stderr).toContain('b.yaml:14:21: consumers[1].processingRate:');
    expect(r.stderr).toContain('b.yaml:16:9: events[0].at: the event is at 1200 s, after the end of the run');
    expect(r.stderr).toContain('b.yaml:19:5: gates[0]: unknown metric "nope.metric"');
    expect(r.stderr).toMatch(/warning: b\.yaml:11:19: consumers\[0\]\.pollInterval: 200 has no unit/);
  });
});
