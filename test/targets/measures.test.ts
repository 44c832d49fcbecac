import { describe, expect, it } from 'vitest';
import { matchesMeasurePattern, measurePatternProblem, measures } from '../../src/targets/measures.js';

describe('measures patterns', () => {
  it('matches a name whole, segment by segment', () => {
    expect(matchesMeasurePattern('records.acknowledged', 'records.acknowledged')).toBe(true);
    // A prefix is not a match: the whole name must be written, or a wildcard stand for the rest.
    expect(matchesMeasurePattern('records.acknowledged', 'records.acknowledgedTotal')).toBe(false);
    expect(matchesMeasurePattern('records', 'records.acknowledged')).toBe(false);
    // `.` is a separator, not "any character".
    expect(matchesMeasurePattern('putLatency.p99', 'putLatencyXp99')).toBe(false);
  });

  it('lets `*` stand for one name, dots included, and nothing more', () => {
    expect(matchesMeasurePattern('consumers.*.lagSeconds.max', 'consumers.app.lagSeconds.max')).toBe(true);
    // A consumer named `app.v2` (names may contain dots) is still one name.
    expect(matchesMeasurePattern('consumers.*.lagSeconds.max', 'consumers.app.v2.lagSeconds.max')).toBe(true);
    expect(matchesMeasurePattern('consumers.*.lagSeconds.max', 'consumers.app.delivered')).toBe(false);
    // `*` is never empty.
    expect(matchesMeasurePattern('consumers.*.delivered', 'consumers.delivered')).toBe(false);
    expect(matchesMeasurePattern('putLatency.*', 'putLatency.p99')).toBe(true);
  });

  it('lets a final `**` stand for any rest of one segment or more', () => {
    expect(matchesMeasurePattern('**', 'shards.maxUtilization')).toBe(true);
    expect(matchesMeasurePattern('**', 'lostRecords')).toBe(true);
    expect(matchesMeasurePattern('firehose.**', 'firehose.to-s3.deliveryLatency.p99')).toBe(true);
    expect(matchesMeasurePattern('firehose.**', 'firehose')).toBe(false);
    expect(matchesMeasurePattern('firehose.**', 'firehoseX.a')).toBe(false);
  });

  it('escapes what a regular expression would read', () => {
    expect(matchesMeasurePattern('a+b.c', 'a+b.c')).toBe(true);
    expect(matchesMeasurePattern('a+b.c', 'aab.c')).toBe(false);
  });

  it('measures a metric when any pattern matches', () => {
    const http = ['records.*', 'putLatency.*', 'throttledRatio'];
    expect(measures(http, 'putLatency.p99')).toBe(true);
    expect(measures(http, 'throttledRatio')).toBe(true);
    expect(measures(http, 'shards.maxUtilization')).toBe(false);
    expect(measures([], 'records.produced')).toBe(false);
  });

  it('names a malformed pattern, and refuses to match with one', () => {
    expect(measurePatternProblem('firehose.**')).toBeUndefined();
    expect(measurePatternProblem('**.p99')).toBe('"**.p99": "**" may only end a pattern');
    expect(measurePatternProblem('put*.p99')).toBe(
      '"put*.p99": "*" stands for a whole segment, not part of "put*"',
    );
    expect(measurePatternProblem('a..b')).toBe('"a..b" has an empty segment');
    expect(() => matchesMeasurePattern('**.p99', 'a.p99')).toThrow(/only end a pattern/);
  });
});
