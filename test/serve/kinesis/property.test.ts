/**
 * Whatever the order of puts, reads, pauses and reshards, a reader that starts at TRIM_HORIZON on
 * the first shards and follows ChildShards receives every accepted record exactly once, in
 * sequence order per shard, on the shard PutRecords said: nothing lost, nothing repeated, with
 * throttled writes and reads on the way (`limits: 'aws'`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64, type GetRecordsOut, kinesis, type PutRecordsOut } from './helpers.js';

type Command =
  | { kind: 'put'; keys: number[]; size: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'read'; limit: number }
  | { kind: 'reshard'; target: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('put' as const),
      keys: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 500 }),
      size: fc.integer({ min: 0, max: 3000 }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 400 }) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('reshard' as const), target: fc.integer({ min: 1, max: 6 }) }),
    weight: 1,
  },
);

describe('puts and reads', () => {
  it('deliver every accepted record once, in order per shard', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { call, clock, stream } = kinesis();
        stream('s', 2);
        const accepted = new Map<string, string[]>();
        const received = new Map<string, string[]>();
        // The reader: an iterator per shard it knows, starting with the stream's first shards.
        const iterators = new Map<string, string | undefined>();
        const follow = (shardId: string) => {
          if (iterators.has(shardId)) return;
          const it = call<{ ShardIterator: string }>('GetShardIterator', {
            StreamName: 's',
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          });
          iterators.set(shardId, it.ShardIterator);
        };
        follow('shardId-000000000000');
        follow('shardId-000000000001');
        let n = 0;
        const readAll = (limit: number) => {
          for (const [shardId, it] of [...iterators]) {
            if (it === undefined) continue;
            let out: GetRecordsOut;
            try {
              out = call<GetRecordsOut>('GetRecords', { ShardIterator: it, Limit: limit });
            } catch (error) {
              if ((error as { type?: string }).type === 'ProvisionedThroughputExceededException') continue;
              throw error;
            }
            const list = received.get(shardId) ?? [];
            for (const r of out.Records) list.push(`${r.SequenceNumber}:${r.Data}`);
            received.set(shardId, list);
            iterators.set(shardId, out.NextShardIterator);
            for (const child of out.ChildShards ?? []) follow(child.ShardId);
          }
        };
        for (const c of commands) {
          if (c.kind === 'put') {
            const records = c.keys.map((k) => ({
              Data: b64(`${n++}`.padEnd(c.size, '.')),
              PartitionKey: `key-${k}`,
            }));
            const out = call<PutRecordsOut>('PutRecords', { StreamName: 's', Records: records });
            out.Records.forEach((r, i) => {
              if (r.ShardId === undefined) return;
              const list = accepted.get(r.ShardId) ?? [];
              list.push(`${r.SequenceNumber}:${records[i]!.Data}`);
              accepted.set(r.ShardId, list);
            });
          } else if (c.kind === 'wait') {
            clock.advance(c.ms);
          } else if (c.kind === 'read') {
            readAll(c.limit);
          } else {
            try {
              call('UpdateShardCount', {
                StreamName: 's',
                TargetShardCount: c.target,
                ScalingType: 'UNIFORM_SCALING',
              });
            } catch (error) {
              // UPDATING, or outside ½×–2×: AWS refuses it too; the sequence goes on.
              if (
                !['ResourceInUseException', 'LimitExceededException'].includes(
                  (error as { type: string }).type,
                )
              ) {
                throw error;
              }
            }
          }
        }
        // Let any reshard finish, then drain: one read a second per shard until every iterator is
        // at the tip (an open shard) or gone (a closed shard read to its end).
        // A reshard here takes at most 9 operations × 30 s = 270 s (5 → 6: 6 splits, 5 merges... of
        // which gcd leaves 6 + 5 − 2 = 9); reading every 5 s keeps the iterators (5 minutes) alive.
        for (let round = 0; round < 60; round++) {
          clock.advance(5000);
          readAll(10_000);
        }
        for (let round = 0; round < 200; round++) {
          clock.advance(1000);
          readAll(10_000);
        }
        const ordered = (list: string[]) =>
          [...list].sort((a, b) => (BigInt(a.split(':')[0]!) < BigInt(b.split(':')[0]!) ? -1 : 1));
        for (const [shardId, list] of accepted) {
          expect(received.get(shardId) ?? []).toEqual(list);
          expect(list).toEqual(ordered(list));
        }
        for (const [shardId, list] of received) expect(list).toEqual(accepted.get(shardId) ?? []);
      }),
      { numRuns: 40 },
    );
  });
});
