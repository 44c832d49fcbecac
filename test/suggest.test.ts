import { describe, expect, it } from 'vitest';
import { suggest } from '../src/suggest.js';

describe('suggest ("did you mean")', () => {
  it('takes a candidate that differs only in case first', () => {
    expect(suggest('kib', ['KB', 'KiB'], 1)).toBe('KiB');
    expect(suggest('PutLatency.p99', ['putLatency.p99', 'putLatency.p95'])).toBe('putLatency.p99');
  });

  it('takes the fewest edits, case ignored, the first candidate on a tie', () => {
    // shrads → shards: r↔a swapped, 2 substitutions; → stream: more. Limit max(2, ⌊6/3⌋ = 2) = 2.
    expect(suggest('shrads', ['stream', 'shards'])).toBe('shards');
    // SHARD → shards, case ignored: 1 insertion; → SHAPE: R→P, D→E, 2 substitutions. Compared with
    // case, SHARD → shards would be 5 substitutions and an insertion (6), and SHAPE would win.
    expect(suggest('SHARD', ['SHAPE', 'shards'])).toBe('shards');
    // ab → ac and ab → ad are 1 edit each: the first listed.
    expect(suggest('ab', ['ac', 'ad'])).toBe('ac');
  });

  it('suggests only within a third of the word, at least minEdits', () => {
    // throttleRatio (13 letters): limit max(2, ⌊13/3⌋ = 4) = 4; → throttledRatio is 1 insertion.
    expect(suggest('throttleRatio', ['throttledRatio'])).toBe('throttledRatio');
    // xyz → shards: 3 substitutions and 3 insertions = 6 > max(2, 1) = 2.
    expect(suggest('xyz', ['shards'])).toBeUndefined();
    // xx → ms, kb and s: 2 edits each (xx → s: a substitution and a deletion). Within 2, not within 1.
    expect(suggest('xx', ['ms', 'KB', 's'])).toBe('ms');
    expect(suggest('xx', ['ms', 'KB', 's'], 1)).toBeUndefined();
    // kx → KB: 1 substitution (k = K with case ignored), within 1.
    expect(suggest('kx', ['ms', 'KB', 's'], 1)).toBe('KB');
  });

  it('has nothing to suggest from no candidates', () => {
    expect(suggest('shards', [])).toBeUndefined();
  });
});
