/**
 * Percentiles of one second's latencies, for the per-second latency series: the engine's latencies
 * are weighted points (a value and the records it stands for), gathered over a second and turned
 * into weighted quantiles when the second ends.
 */
export class SecondQuantiles {
  private values: number[] = [];
  private weights: number[] = [];

  add(seconds: number, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(seconds)) return;
    this.values.push(seconds);
    this.weights.push(weight);
  }

  /**
   * The smallest value at or below which a fraction q of the weight lies, for each q in `qs`
   * (0 when the second had no points), and clears the points for the next second.
   */
  take(qs: readonly number[]): number[] {
    const n = this.values.length;
    const out = qs.map(() => 0);
    if (n > 0) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.values[a]! - this.values[b]!);
      let total = 0;
      for (const w of this.weights) total += w;
      let i = 0;
      let cumulative = 0;
      // qs ascending or not: each is found by its own walk from the start (there are only a few).
      qs.forEach((q, j) => {
        i = 0;
        cumulative = this.weights[order[0]!]!;
        while (cumulative < q * total * (1 - 1e-12) && i < n - 1) {
          i++;
          cumulative += this.weights[order[i]!]!;
        }
        out[j] = this.values[order[i]!]!;
      });
    }
    this.values = [];
    this.weights = [];
    return out;
  }
}
