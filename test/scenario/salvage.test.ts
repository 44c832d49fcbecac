/**
 * Repairing a document that fails its schema so later stages can check the rest
 * (src/scenario/salvage.ts): what is removed, what is left out, and which later issues are moot.
 */
import { describe, expect, it } from 'vitest';
import { dependsOnRepair, salvage, toDocument } from '../../src/scenario/salvage.js';

const producer = (name: string, rate: unknown = '1/s') => ({ name, rate });

describe('salvage', () => {
  it('removes a field with a default, stands in for a broken producer, and leaves out other broken items', () => {
    const s = salvage({
      name: 't',
      stream: { mode: 'fast', shards: 2 },
      producers: [producer('bad', 'fast'), producer('good')],
      consumers: [
        { name: 'c', type: 'pollin' },
        { name: 'd', type: 'polling' },
      ],
      gates: [5, 'lostRecords == 0'],
    });
    expect(s).toBeDefined();
    // stream.mode removed (its default, provisioned, applies); producers[0].rate removed, then
    // (required) producers[0] stood in for at its place; consumers[0].type removed, then
    // consumers[0] left out; gates[0] (not a string) left out.
    expect(s!.repaired).toEqual(
      expect.arrayContaining([
        ['stream', 'mode'],
        ['producers', 0, 'rate'],
        ['producers', 0],
        ['consumers', 0],
        ['gates', 0],
      ]),
    );
    expect(s!.data.stream.mode).toBe('provisioned');
    expect(s!.data.producers.map((p) => p.name)).toEqual(['bad', 'good']);
    expect(s!.data.consumers.map((c) => c.name)).toEqual(['d']);
    expect(s!.data.gates).toEqual(['lostRecords == 0']);
    // Index 0 of the repaired lists is index 1 of the document; producers keep their places.
    expect(toDocument(['consumers', 0, 'instances'], s!.kept)).toEqual(['consumers', 1, 'instances']);
    expect(toDocument(['gates', 0], s!.kept)).toEqual(['gates', 1]);
    expect(toDocument(['producers', 1, 'recordSize'], s!.kept)).toEqual(['producers', 1, 'recordSize']);
  });

  it('drops unknown fields and gives a missing name a stand-in', () => {
    const s = salvage({ shard: 2, producers: [producer('p')] });
    expect(s!.data.name).toBe('scenario');
    expect(s!.repaired).toEqual(expect.arrayContaining([['shard'], ['name']]));
  });

  it('checks the rest of a scenario whose only producer is broken, and gives up without a producer list', () => {
    const one = salvage({ name: 't', producers: [{ name: 5, rate: 'fast' }], gates: ['x < 1'] });
    expect(one!.data.producers.map((p) => p.name)).toEqual(['producer-0']);
    expect(one!.data.gates).toEqual(['x < 1']);
    expect(salvage({ name: 't' })).toBeUndefined();
    expect(salvage({ name: 't', producers: 'web' })).toBeUndefined();
  });
});

describe('dependsOnRepair', () => {
  it('holds an issue moot when it lies in, or reads, a repaired part', () => {
    // In the same list item.
    expect(dependsOnRepair({ path: ['producers', 0, 'keys'] }, [['producers', 0, 'rate']])).toBe(true);
    expect(dependsOnRepair({ path: ['producers', 1, 'keys'] }, [['producers', 0]])).toBe(false);
    // A Direct PUT stream's source reads the producers; its buffer does not.
    expect(dependsOnRepair({ path: ['firehose', 0, 'source'] }, [['producers', 0]])).toBe(true);
    expect(dependsOnRepair({ path: ['firehose', 0, 'buffer', 'size'] }, [['producers', 0]])).toBe(false);
    // An event reads the duration; a gate only what it says it read.
    expect(dependsOnRepair({ path: ['events', 0, 'at'] }, [['duration']])).toBe(true);
    expect(dependsOnRepair({ path: ['gates', 0] }, [['consumers', 1]])).toBe(false);
    expect(dependsOnRepair({ path: ['gates', 0], dependsOn: [['consumers']] }, [['consumers', 1]])).toBe(
      true,
    );
    // A top-level field is its own part: stream.maxRecordSize is not moot when stream.mode was wrong.
    expect(dependsOnRepair({ path: ['stream', 'maxRecordSize'] }, [['stream', 'mode']])).toBe(false);
  });
});
