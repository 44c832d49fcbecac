/**
 * Every problem at once: when a scenario fails its schema, the parts that did validate are still
 * checked by the later stages (cross-field rules, AWS limits, gates), so a user fixes everything
 * in one round instead of meeting new problems after each fix.
 *
 * The schema's problems are repaired away, round after round, until what is left validates:
 * - a field at fault is removed, so its default applies (`mode: fast` → `provisioned`), or an
 *   unknown field is dropped;
 * - a list item (a consumer, a Firehose stream, an event, a gate) whose field cannot be removed
 *   (it is required) is left out whole; a producer is stood in for (a scenario needs one);
 * - a required scenario field without a list around it (`name`) gets a stand-in.
 * Each repair is recorded as the path it touched, in the document's own indices; a later problem
 * that depends on a repaired part is not reported (it would be about the stand-in, not about what
 * the user wrote), and the paths of the others are mapped back to the document's indices.
 */
import type { z } from 'zod';
import type { ScenarioIssue } from './issues.js';
import type { DocPath } from './load.js';
import { scenarioSchema } from './schema.js';

/** The scenario's fields without its cross-field rules (which zod runs only once every field is valid). */
const scenarioFields = scenarioSchema.clone({ ...scenarioSchema._zod.def, checks: [] });

/** Top-level lists whose items are left out whole when a required field of theirs is wrong. */
const LISTS = ['producers', 'consumers', 'firehose', 'events', 'gates'] as const;

/** Stand-ins for required fields that are not in a list. */
const STAND_INS: Readonly<Record<string, unknown>> = { name: 'scenario' };

/**
 * A scenario needs a producer, so a broken one is stood in for rather than left out (a scenario
 * with one producer whose rate is wrong still has its gates, Firehose streams and stream checked).
 * The stand-in keeps its place and name (a Firehose stream's producer is named by it); every
 * issue about it is moot, as it is repaired.
 */
function standInProducer(item: unknown, index: number): Record<string, unknown> {
  const name = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).name : undefined;
  return { name: typeof name === 'string' ? name : `producer-${index}`, rate: '1/s' };
}

/**
 * What a rule about one part reads from others (the cross-field rules of `scenarioSchema` and the
 * AWS limits of `src/aws/checks.ts`): a producer's destination names a Firehose stream and its
 * records are held to the stream's maximum record size; a Direct PUT stream needs a producer; the
 * enhanced fan-out limit depends on the stream's mode; an event is checked against the duration,
 * the stream's mode and count, and the event before it.
 */
function readsOf(path: DocPath): DocPath[] {
  switch (path[0]) {
    case 'producers':
      return [['firehose'], ['stream', 'maxRecordSize']];
    case 'firehose':
      return path[2] === 'source' ? [['producers']] : [];
    case 'consumers':
      return [
        ['stream', 'mode'],
        ['stream', 'onDemand'],
      ];
    case 'events':
      // An event's time is checked against the duration and the events before it; its reshard
      // against the stream (mode, count).
      return path[2] === 'at' ? [['duration'], ['events']] : [['duration'], ['stream'], ['events']];
    default:
      return [];
  }
}

export interface Salvaged {
  /** The document with every repair made: valid against the scenario's fields. */
  data: z.output<typeof scenarioFields>;
  /** The raw document the data came from (items left out), for the cross-field rules. */
  raw: Record<string, unknown>;
  /** Paths repaired, in the document's indices. */
  repaired: DocPath[];
  /** For each list, the document index of each item kept. */
  kept: Record<string, number[]>;
}

/**
 * Repairs `raw` until it validates against the scenario's fields; undefined when it cannot (no
 * producer is left, or a required field has no stand-in).
 */
export function salvage(raw: Record<string, unknown>): Salvaged | undefined {
  const work = structuredClone(raw);
  const dropped = new Map<string, Set<number>>(LISTS.map((l) => [l, new Set<number>()]));
  const repaired: DocPath[] = [];
  const removed = new Set<string>();
  // Each round repairs at least one path or gives up; a document has fewer fields than this.
  for (let round = 0; round < 50; round++) {
    const { candidate, kept } = withoutDropped(work, dropped);
    const result = scenarioFields.safeParse(candidate);
    if (result.success) return { data: result.data, raw: candidate, repaired, kept };
    let progress = false;
    for (const issue of result.error.issues) {
      const paths =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...(issue.path as (string | number)[]), k])
          : [issue.path as (string | number)[]];
      for (const inCandidate of paths) {
        const path = toDocument(inCandidate, kept);
        if (repair(work, path, dropped, removed, repaired)) progress = true;
      }
    }
    if (!progress) return undefined;
  }
  return undefined;
}

/** Makes one repair at `path`; false when nothing more can be done there. */
function repair(
  work: Record<string, unknown>,
  path: DocPath,
  dropped: Map<string, Set<number>>,
  removed: Set<string>,
  repaired: DocPath[],
): boolean {
  const key = JSON.stringify(path);
  const [top, index] = path;
  const inList = typeof top === 'string' && dropped.has(top) && typeof index === 'number';
  // A list item: remove the field at fault once; if it is still wrong (required), leave the item out.
  if (inList && path.length > 2 && !removed.has(key)) {
    removed.add(key);
    deleteAt(work, path);
    repaired.push(path);
    return true;
  }
  if (inList && top === 'producers' && !removed.has(`${key}:stand-in`)) {
    removed.add(`${key}:stand-in`);
    const items = work.producers as unknown[];
    items[index] = standInProducer(items[index], index);
    repaired.push([top, index]);
    return true;
  }
  if (inList) {
    const set = dropped.get(top)!;
    if (set.has(index)) return false;
    set.add(index);
    repaired.push([top, index]);
    return true;
  }
  if (path.length === 0) return false;
  if (!removed.has(key)) {
    removed.add(key);
    deleteAt(work, path);
    repaired.push(path);
    return true;
  }
  // Removed and still wrong: a required field. A stand-in for a top-level one, else nothing to do.
  if (path.length === 1 && typeof top === 'string' && top in STAND_INS && work[top] === undefined) {
    work[top] = STAND_INS[top];
    return true;
  }
  return false;
}

function deleteAt(root: Record<string, unknown>, path: DocPath): void {
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[segment];
  }
  if (node === null || typeof node !== 'object') return;
  const last = path[path.length - 1]!;
  // A list inside an item (a rate's steps): the item's own repair handles it, so mark it undefined.
  if (Array.isArray(node) && typeof last === 'number') node[last] = undefined;
  else delete (node as Record<string | number, unknown>)[last];
}

function withoutDropped(
  work: Record<string, unknown>,
  dropped: Map<string, Set<number>>,
): { candidate: Record<string, unknown>; kept: Record<string, number[]> } {
  const candidate: Record<string, unknown> = { ...work };
  const kept: Record<string, number[]> = {};
  for (const [list, indices] of dropped) {
    const items = work[list];
    if (!Array.isArray(items)) continue;
    const keep = items.map((_, i) => i).filter((i) => !indices.has(i));
    kept[list] = keep;
    candidate[list] = keep.map((i) => items[i]);
  }
  return { candidate, kept };
}

/** A path in the repaired document (items left out) → the same path in the user's document. */
export function toDocument(path: DocPath, kept: Record<string, number[]>): DocPath {
  const [top, index, ...rest] = path;
  if (typeof top !== 'string' || typeof index !== 'number') return path;
  const map = kept[top];
  if (map === undefined) return path;
  return [top, map[index] ?? index, ...rest];
}

/**
 * Whether a later stage's issue is about what the user wrote: false when it lies in, contains, or
 * (by `READS` and its own `dependsOn`) reads a part that was repaired.
 */
export function dependsOnRepair(
  issue: Pick<ScenarioIssue, 'path' | 'dependsOn'>,
  repaired: readonly DocPath[],
): boolean {
  const path = issue.path;
  const top = path[0];
  // A list item is one part (a repaired field of a producer makes all of its rules moot).
  const own: DocPath =
    typeof top === 'string' && (LISTS as readonly string[]).includes(top) && typeof path[1] === 'number'
      ? path.slice(0, 2)
      : path;
  const reads = [own, ...readsOf(path), ...(issue.dependsOn ?? [])];
  return repaired.some((r) => reads.some((d) => isPrefix(d, r) || isPrefix(r, d)));
}

function isPrefix(prefix: DocPath, path: DocPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}
