/**
 * `run`'s progress line on a terminal (stderr; never in CI, with `--quiet` or `--json`): a bar of
 * the run done and, when the target reports per-second samples, the last second's figures and the
 * gates that have already failed beyond recovery (src/gates/live.ts). Without samples it draws
 * exactly the bar it always drew.
 */
import type { Gate } from '../gates/expression.js';
import { LiveGates } from '../gates/live.js';
import type { SecondSample } from '../result/live.js';
import { formatNumber, formatPercent, formatSeconds, plural } from '../scenario/units.js';
import type { Io } from './io.js';

/** The bar's width in columns, less on a terminal narrower than 80 (at least 10). */
const WIDTH = 30;
const MIN_WIDTH = 10;
/**
 * Fewest milliseconds between two draws for samples alone: the model samples thousands of virtual
 * seconds a wall second, and a terminal redrawn that often shows nothing more.
 */
const SAMPLE_REDRAW_MS = 200;

export class ProgressLine {
  private percent = -1;
  private sample: SecondSample | undefined;
  private readonly live: LiveGates;
  private drawn = false;
  private lastDrawMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly io: Io,
    private readonly durationSeconds: number,
    gates: readonly Gate[],
  ) {
    this.live = new LiveGates(gates);
  }

  /** The fraction of the run done: redrawn when its whole percent changes. */
  progress(fraction: number): void {
    const percent = Math.floor(fraction * 100);
    if (percent === this.percent) return;
    this.percent = percent;
    this.draw();
  }

  /** One second's sample: its figures on the line, a gate it failed on a line of its own above. */
  observe(sample: SecondSample): void {
    this.sample = sample;
    // A target that samples without reporting progress: the seconds sampled are the progress.
    const percent = Math.max(this.percent, Math.floor(((sample.second + 1) / this.durationSeconds) * 100));
    const failed = this.live.observe(sample);
    for (const failure of failed) {
      this.clear();
      this.io.stderr(
        `  ✗ ${failure.gate.text}: failed at ${formatSeconds(failure.second + 1)}, it cannot pass any more (${failure.message})\n`,
      );
    }
    const nowMs = this.io.now().getTime();
    if (percent === this.percent && failed.length === 0 && nowMs - this.lastDrawMs < SAMPLE_REDRAW_MS) return;
    this.percent = percent;
    this.draw();
  }

  /** Removes the line (before anything else is printed). */
  clear(): void {
    if (!this.drawn) return;
    this.io.stderr('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    const percent = Math.max(0, Math.min(100, this.percent));
    const columns = this.io.columns;
    const width = columns === undefined ? WIDTH : Math.max(MIN_WIDTH, Math.min(WIDTH, columns - 50));
    const filled = Math.round((percent / 100) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent}% of ${formatSeconds(this.durationSeconds)}`;
    this.drawn = true;
    this.lastDrawMs = this.io.now().getTime();
    if (this.sample === undefined) {
      this.io.stderr(`\r${fitted(`  ${bar} simulated`, this.io.columns)}`);
      return;
    }
    // A line whose figures may be shorter than the last: cleared before it is drawn. The figures
    // come last, so a narrow terminal loses them before the bar and the failed gates.
    this.io.stderr(
      `\r\x1b[2K${fitted(`  ${bar}${this.failedText()} · ${liveFigures(this.sample)}`, this.io.columns)}`,
    );
  }

  private failedText(): string {
    const failed = this.live.failed.length;
    return failed === 0 ? '' : ` · ✗ ${plural(failed, 'gate')} failed`;
  }
}

/**
 * `line` cut to fit a terminal `columns` wide, less one column (a line that fills the last column
 * wraps on some terminals, and `\r` then redraws only its second row). Every character here takes
 * one column (the bar's blocks included).
 */
export function fitted(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1) return line;
  const characters = [...line];
  return characters.length < columns ? line : `${characters.slice(0, columns - 2).join('')}…`;
}

/** `at 12 s: 1,450 acknowledged/s, 3.2% throttled, lag 1.5 s`: the last second, as the target saw it. */
export function liveFigures(sample: SecondSample): string {
  // Attempts are first attempts and retries; the share of them refused is this second's throttled ratio.
  const attempts = sample.offered + sample.retried;
  const lags = Object.values(sample.consumerLagSeconds);
  const lag = lags.length === 0 ? '' : `, lag ${formatSeconds(Math.max(...lags))}`;
  return `at ${formatSeconds(sample.second + 1)}: ${formatNumber(sample.acknowledged)} acknowledged/s, ${formatPercent(attempts > 0 ? sample.throttled / attempts : 0)} throttled${lag}`;
}
