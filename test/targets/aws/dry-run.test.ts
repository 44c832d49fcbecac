/**
 * `awsTarget.dryRun` (src/targets/aws/dry-run.ts): every control-plane call in order, the
 * data-plane requests worked out by hand, the cost estimate, and not one socket opened.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import type { AwsOptions } from '../../../src/targets/aws/options.js';
import { type TargetContext, WHOLE_RUN } from '../../../src/targets/target.js';
import { scenarioOf } from '../../planner/helpers.js';
import { awsOptions } from './servers.js';

/**
 * 1,000 records/s of 988 B + a 36-byte key (1,024 B) for 20 s on 2 shards, resharded to 8 at 10 s;
 * a polling application (1 call/s a shard), an enhanced fan-out one, a direct-put Firehose.
 */
const YAML = `
name: dry
duration: 20s
stream: { shards: 2 }
producers:
  - { name: p, rate: 1000/s, recordSize: 988B, keys: { dist: unique, length: 36 } }
  - { name: logs, rate: 100/s, recordSize: 988B, destination: fh }
consumers:
  - { name: billing, type: polling }
  - { name: fraud, type: enhanced-fan-out }
firehose:
  - { name: fh, source: direct-put, buffer: { size: 1MiB, interval: 60s } }
events:
  - { at: 10s, reshard: { shards: 8 } }
`;

function contextOf(given: Record<string, unknown>, yaml = YAML): TargetContext<AwsOptions> {
  return {
    scenario: scenarioOf(yaml),
    options: awsOptions(given),
    seed: 1,
    durationSeconds: 20,
    header: {
      runId: 'r1',
      startedAt: '2026-12-06T12:00:00.000Z',
      finishedAt: '',
      wallSeconds: 0,
      shardcastVersion: '0.1.0',
    },
    share: WHOLE_RUN,
    signal: new AbortController().signal,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('the dry run', () => {
  it('lists every control-plane call in order and opens no socket', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const report = await awsTarget.dryRun!(contextOf({ endpoint: 'http://127.0.0.1:4567', drain: '5s' }));
    expect(connect).not.toHaveBeenCalled();
    expect(report.refusal).toBeUndefined();
    const calls = report.lines.filter((l) => /^ {2}\s?\d+\. /.test(l)).map((l) => l.replace(/^ +\d+\. /, ''));
    const tags =
      'shardcast/run-id=r1, shardcast/created-by=shardcast 0.1.0, shardcast/created-at=20261206T120000Z';
    expect(calls.map((c) => c.split(' ')[0])).toEqual([
      'ListStreams',
      'CreateStream',
      'ListTagsForStream',
      'RegisterStreamConsumer',
      'CreateDeliveryStream',
      'ListShards',
      // 2 → 8 is beyond 2× in one call: 2 → 4 → 8.
      'at',
      'at',
      'after',
    ]);
    expect(calls[1]).toBe(
      `CreateStream StreamName=shardcast-dry-r1 ShardCount=2 StreamModeDetails={StreamMode=PROVISIONED} Tags={${tags}}`,
    );
    expect(calls[3]).toBe(
      "RegisterStreamConsumer StreamARN=<shardcast-dry-r1's ARN> ConsumerName=shardcast-fraud",
    );
    expect(calls[4]).toMatch(
      /^CreateDeliveryStream DeliveryStreamName=shardcast-fh-r1 DeliveryStreamType=DirectPut ExtendedS3DestinationConfiguration=\{RoleARN=arn:aws:iam::000000000000:role\/shardcast-firehose, BucketARN=arn:aws:s3:::shardcast-r1, Prefix=shardcast\/r1\/fh\/, BufferingHints=\{SizeInMBs=1, IntervalInSeconds=60\}/,
    );
    expect(calls[6]).toBe(
      'at 10 s: UpdateShardCount StreamName=shardcast-dry-r1 TargetShardCount=4 ScalingType=UNIFORM_SCALING, DescribeStreamSummary until ACTIVE, ListShards',
    );
    expect(calls[7]).toMatch(/TargetShardCount=8 /);
    const text = report.lines.join('\n');
    // Deleted newest first: the delivery stream, the consumer, the stream.
    expect(text).toMatch(
      /DeleteDeliveryStream DeliveryStreamName=shardcast-fh-r1\n.*DeregisterStreamConsumer ConsumerARN=<shardcast-fraud's ARN>.*\n.*DeleteStream StreamName=shardcast-dry-r1 EnforceConsumerDeletion=false/,
    );
    // PutRecords: a batch holds min(500, 10 MiB / 1,024 B) = 500 records and leaves full or after
    // 100 ms: min(1,000, max(1,000 / 500, 1 / 0.1)) = 10 requests/s × 20 s = 200, carrying 20,000.
    expect(text).toContain(
      'PutRecords: about 200 requests carrying 20,000 records from producer p to the stream',
    );
    // PutRecordBatch: 100/s → max(100 / 500, 10) = 10 requests/s: 200 requests, 2,000 records.
    expect(text).toContain(
      'PutRecordBatch: about 200 requests carrying 2,000 records from producer logs to Firehose fh',
    );
    // GetRecords: 1 call/s a shard, 2 shards for 10 s then 8 for 10 s: 20 + 80 = 100 calls.
    expect(text).toContain('GetRecords: about 100 calls by application billing (1 a second per shard)');
    // SubscribeToShard: one per shard per started 5 min: 2 from 0 s, 8 more from 10 s: 10.
    expect(text).toContain('SubscribeToShard: about 10 subscriptions by application fraud');
    expect(report.lines[1]).toMatch(/^estimated cost if AWS ran it: /);
  });

  it('with --keep deletes nothing and says how to delete later', async () => {
    const report = await awsTarget.dryRun!(contextOf({ endpoint: 'http://127.0.0.1:4567', keep: true }));
    const text = report.lines.join('\n');
    expect(text).toContain('nothing deleted (--keep)');
    expect(text).toContain(
      'kept stream shardcast-dry-r1 (delete with: shardcast cleanup --endpoint http://127.0.0.1:4567 --yes)',
    );
    expect(text).not.toMatch(/DeleteStream/);
  });

  it('reports the refusal when the cost guard would refuse', async () => {
    const report = await awsTarget.dryRun!(
      contextOf({ endpoint: 'http://127.0.0.1:4567', maxCost: '0.0001' }),
    );
    expect(report.refusal).toMatch(/^the run's estimated cost, \$0\.\d+, is above --max-cost \$0\.0001$/);
  });

  it('refuses on an existing stream what a run would refuse', async () => {
    const error = await awsTarget.dryRun!(contextOf({ stream: 'theirs', allowExisting: true })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems.map((p) => p.location.path)).toEqual([
      'events[0].reshard',
      'consumers[1].type',
      'firehose[0]',
    ]);
  });

  it("against AWS with --firehose-role and --firehose-bucket creates the delivery stream with them, under the run's prefix", async () => {
    const role = 'arn:aws:iam::123456789012:role/firehose-to-s3';
    const report = await awsTarget.dryRun!(
      contextOf({ region: 'eu-west-1', firehoseRole: role, firehoseBucket: 'my-loadtests', maxCost: '1000' }),
    );
    expect(report.lines.join('\n')).toContain(
      `CreateDeliveryStream DeliveryStreamName=shardcast-fh-r1 DeliveryStreamType=DirectPut ExtendedS3DestinationConfiguration={RoleARN=${role}, BucketARN=arn:aws:s3:::my-loadtests, Prefix=shardcast/r1/fh/, BufferingHints={SizeInMBs=1, IntervalInSeconds=60}`,
    );
  });

  it('against AWS refuses a Firehose without the two flags, naming them; one of them is refused anywhere', async () => {
    const problems = async (given: Record<string, unknown>) => {
      const error = await awsTarget.dryRun!(contextOf(given)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).problems.map((p) => `${p.location.path}: ${p.message}`);
    };
    const [neither] = await problems({ region: 'eu-west-1' });
    expect(neither).toMatch(/^firehose\[0\]: .*give --firehose-role ARN and --firehose-bucket NAME/);
    expect(await problems({ endpoint: 'http://127.0.0.1:4567', firehoseBucket: 'my-loadtests' })).toEqual([
      '--firehose-role: --firehose-bucket needs --firehose-role too: Firehose writes to the bucket as the role',
    ]);
    expect(await problems({ region: 'eu-west-1', firehoseRole: 'arn:aws:iam::123456789012:role/r' })).toEqual(
      [
        '--firehose-bucket: --firehose-role needs --firehose-bucket too: Firehose writes to the bucket as the role',
      ],
    );
  });
});
