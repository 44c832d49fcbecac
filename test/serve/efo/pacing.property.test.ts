/**
 * Over generated appends (sizes and gaps drawn by fast-check with the project's fixed seed), one
 * subscription from TRIM_HORIZON:
 * - delivers every record once, in sequence order, each event's continuation its last record;
 * - never delivers more than a bucket of 2 MiB refilled at 2 MiB/s allows: replaying the events,
 *   the bucket never goes below zero (so also, by server time t after the subscription started, at
 *   most 2 MiB + 2 MiB/s × t bytes of data);
 * - with limits off, delivers the same records in the same order, unpaced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../../src/aws/facts.js';
import { CONSUMER_TRANSITION_MS, createEnhancedFanOut } from '../../../src/serve/efo/index.js';
import type { JsonOperation, RequestContext, StreamingOperation } from '../../../src/serve/protocol.js';
import { FakeFeed, FakeResponse, ManualClock, STREAM_ARN } from './fakes.js';

const SHARD = 'shardId-000000000000';
const RUNS = Number(process.env.EFO_RUNS ?? 40);

interface EventBody {
  Records: { SequenceNumber: string; Data: string }[];
  ContinuationSequenceNumber: string;
}

/** Appends: a gap in server ms, then a batch of record sizes (below the bucket: no borrowing). */
const appends = fc.array(
  fc.record({
    // Often short gaps: appends that land while the bucket is nearly empty are where pacing errs.
    gapMs: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 3000 })),
    sizes: fc.array(fc.integer({ min: 0, max: 300 * 1024 }), { minLength: 1, maxLength: 10 }),
  }),
  { minLength: 1, maxLength: 30 },
);

function run(limits: 'aws' | 'off', batches: { gapMs: number; sizes: number[] }[]) {
  const clock = new ManualClock();
  const feed = new FakeFeed(clock);
  const efo = createEnhancedFanOut({ feed, clock, region: 'us-east-1', accountId: '123456789012', limits });
  const context: RequestContext = { clock, region: 'us-east-1', accountId: '123456789012', limits };
  const { Consumer } = (efo.operations.get('RegisterStreamConsumer') as JsonOperation)(
    { StreamARN: STREAM_ARN, ConsumerName: 'p' },
    context,
  ) as { Consumer: { ConsumerARN: string } };
  clock.advance(CONSUMER_TRANSITION_MS);
  const response = new FakeResponse(clock);
  const startMs = clock.nowMs();
  (efo.operations.get('SubscribeToShard') as StreamingOperation).handle(
    { ConsumerARN: Consumer.ConsumerARN, ShardId: SHARD, StartingPosition: { Type: 'TRIM_HORIZON' } },
    context,
    response,
  );
  for (const batch of batches) {
    clock.advance(batch.gapMs);
    feed.append(SHARD, batch.sizes);
  }
  // 30 batches × 10 records × 300 KiB ≈ 88 MiB at most: 44 s at 2 MiB/s, within the 5 minutes.
  clock.advance(60_000);
  efo.close();
  const events: { atMs: number; body: EventBody }[] = [];
  response.messages.forEach((m, i) => {
    if (m.headers[':event-type'] === 'SubscribeToShardEvent') {
      events.push({ atMs: response.times[i]!, body: m.body as unknown as EventBody });
    }
  });
  return { feed, events, startMs };
}

describe('SubscribeToShard pacing over generated appends', () => {
  it('delivers every record once, in order, within 2 MiB + 2 MiB/s × t', () => {
    const rate = KINESIS.efoBytesPerSecondPerConsumer.value;
    fc.assert(
      fc.property(appends, (batches) => {
        const { feed, events, startMs } = run('aws', batches);
        const appended = feed.records.get(SHARD)!.map((r) => r.SequenceNumber);
        const delivered = events.flatMap((e) => e.body.Records.map((r) => r.SequenceNumber));
        expect(delivered).toEqual(appended);
        let bytes = 0;
        let bucket = rate;
        let bucketAtMs = startMs;
        for (const { atMs, body } of events) {
          let eventBytes = 0;
          for (const r of body.Records) eventBytes += Buffer.from(r.Data, 'base64').length;
          bytes += eventBytes;
          bucket = Math.min(rate, bucket + (rate * (atMs - bucketAtMs)) / 1000) - eventBytes;
          bucketAtMs = atMs;
          // A millionth of a byte for the float sums.
          expect(bucket).toBeGreaterThanOrEqual(-1e-6);
          expect(bytes).toBeLessThanOrEqual(rate + (rate * (atMs - startMs)) / 1000);
          const last = body.Records[body.Records.length - 1];
          if (last !== undefined) expect(body.ContinuationSequenceNumber).toBe(last.SequenceNumber);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('with limits off, delivers the same records in the same order', () => {
    fc.assert(
      fc.property(appends, (batches) => {
        const { feed, events } = run('off', batches);
        const delivered = events.flatMap((e) => e.body.Records.map((r) => r.SequenceNumber));
        expect(delivered).toEqual(feed.records.get(SHARD)!.map((r) => r.SequenceNumber));
      }),
      { numRuns: RUNS },
    );
  });
});
