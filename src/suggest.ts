/**
 * "Did you mean": the one rule every suggestion follows — a field name or an enum value in a
 * scenario (`scenario/load.ts`), a price name (`aws/checks.ts`), a gate's metric (`gates/metrics.ts`)
 * or its unit (`gates/expression.ts`). It imports nothing of ours, so any module may use it without
 * pulling in the scenario loader.
 */
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `word` if it is close enough to be a typo of it, else undefined.
 *
 * Case is ignored both to choose and to judge (`kib` → `KiB`, `maxrecordsize` → `maxRecordSize`):
 * a candidate that differs only in case is taken first, then the fewest edits, the first candidate
 * on a tie. Close enough is a third of the word's length, and at least `minEdits` edits: with the
 * default 2, `shrads` (6 letters, a swap = 2 edits) finds `shards`; units are two or three letters,
 * where 2 edits reach almost any other unit (`ms` → `KB`), so the unit suggester passes 1.
 */
export function suggest(word: string, candidates: readonly string[], minEdits = 2): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestEdits = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const edits = distance(lower, candidate.toLowerCase());
    if (edits < bestEdits) {
      best = candidate;
      bestEdits = edits;
    }
  }
  const limit = Math.max(minEdits, Math.floor(word.length / 3));
  return bestEdits <= limit ? best : undefined;
}
