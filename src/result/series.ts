/**
 * Per-second series helpers. (A run's per-second series are built by the `RunRecorder`,
 * recorder.ts: a target reports each second's counts there.)
 */

/** How {@link downsample} combines the points of one coarse step. */
export type DownsampleMode = 'max' | 'mean' | 'sum';

/**
 * Combines every `step` points into one: ⌈values.length ÷ step⌉ points, the last possibly from
 * fewer. `max` (the default) keeps the peak, which is what a heatmap of utilisation must not hide.
 */
export function downsample(values: readonly number[], step: number, mode: DownsampleMode = 'max'): number[] {
  if (!Number.isSafeInteger(step) || step < 1) {
    throw new RangeError(`step must be a positive integer, got ${step}`);
  }
  const out: number[] = [];
  for (let start = 0; start < values.length; start += step) {
    const end = Math.min(start + step, values.length);
    let acc = mode === 'max' ? Number.NEGATIVE_INFINITY : 0;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      acc = mode === 'max' ? Math.max(acc, v) : acc + v;
    }
    out.push(mode === 'mean' ? acc / (end - start) : acc);
  }
  return out;
}
