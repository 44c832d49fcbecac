/**
 * Shard iterators as opaque tokens, as AWS's are: the stream (and its incarnation, so a recreated
 * stream's iterators do not read the new one), the shard, the counter to read from and when it was
 * issued (it expires 5 minutes later). Base64 of a small JSON text; anything else is invalid.
 */
export interface IteratorState {
  stream: string;
  tag: string;
  shardId: string;
  counter: number;
  issuedMs: number;
}

export function encodeIterator(state: IteratorState): string {
  return Buffer.from(
    JSON.stringify([state.stream, state.tag, state.shardId, state.counter, state.issuedMs]),
    'utf8',
  ).toString('base64');
}

export function decodeIterator(token: string): IteratorState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
  const [stream, tag, shardId, counter, issuedMs] = parsed as unknown[];
  if (
    typeof stream !== 'string' ||
    typeof tag !== 'string' ||
    typeof shardId !== 'string' ||
    typeof counter !== 'number' ||
    !Number.isSafeInteger(counter) ||
    typeof issuedMs !== 'number'
  ) {
    return undefined;
  }
  return { stream, tag, shardId, counter, issuedMs };
}
