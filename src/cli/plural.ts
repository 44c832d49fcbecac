/**
 * Counts in words: `1 shard`, `2 shards`, `1,000 records`. English plurals of the nouns the CLI
 * counts; an irregular one is given as the third argument (`plural(n, 'retry', 'retries')`).
 */
import { formatNumber } from '../scenario/units.js';

/**
 * Whether `n` reads as one once printed: the engine's fluid counts are fractional, and 0.9996
 * records print as `1`, which takes the singular.
 */
export function isSingular(n: number): boolean {
  return formatNumber(n) === '1';
}

/** `n noun`, the noun in the plural unless n prints as 1; n formatted with thousands separators. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatNumber(n)} ${isSingular(n) ? noun : pluralNoun}`;
}
