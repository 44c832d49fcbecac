/**
 * Counts in words: `1 shard`, `2 shards`, `1,000 records`. English plurals of the nouns the CLI
 * counts; an irregular one is given as the third argument (`plural(n, 'Firehose stream')` is regular).
 */
import { formatNumber } from '../scenario/units.js';

/** `n noun`, the noun in the plural unless n is exactly 1; n formatted with thousands separators. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatNumber(n)} ${n === 1 ? noun : pluralNoun}`;
}
