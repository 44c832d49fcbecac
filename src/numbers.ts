/**
 * Arithmetic over long series. `Math.max(...values)` passes every value as an argument, and V8
 * overflows its stack beyond about 120,000 of them: a week of per-second points (604,800) ended a
 * run with exit 70. These loop instead.
 */

/** The largest value (`empty` when there is none). */
export function maxOf(values: ArrayLike<number>, empty = Number.NEGATIVE_INFINITY): number {
  let max = empty;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** The index of the first largest value (-1 when there is none). */
export function indexOfMax(values: ArrayLike<number>): number {
  let at = -1;
  for (let i = 0; i < values.length; i++) if (at < 0 || values[i]! > values[at]!) at = i;
  return at;
}

/** Rounded to a millionth: seconds and utilisations in results and plans, readable and stable. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The first index at or after `from` whose value is ≥ x in an ascending array (its length when none is). */
export function lowerBound(values: ArrayLike<number>, x: number, from = 0): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
