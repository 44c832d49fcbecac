import { join } from 'node:path';
import { type CleanupReport, ExitCode, RunAbortedError, ShardcastError } from '../../errors.js';
import { allGatesPassed, type GateVerdict } from '../../gates/evaluate.js';
import { parseCliGates, parseScenarioGates } from '../../gates/validate.js';
import { absentMetrics, knownMetrics } from '../../load.js';
import { indexOfMax, maxOf } from '../../numbers.js';
import { abortedText, isMeasured, NOT_MEASURED, targetView } from '../../report/target-view.js';
import { endToEndPercentiles } from '../../result/end-to-end.js';
import { maxSeconds, percentileSeconds } from '../../result/histogram.js';
import type { RunResult } from '../../result/types.js';
import {
  artifactNames,
  dryRunScenario,
  partialOutcome,
  type RunOutcome,
  runScenario,
  writeArtifacts,
} from '../../run/index.js';
import type { Scenario } from '../../scenario/schema.js';
import {
  formatBytes,
  formatNumber,
  formatPercent,
  formatSeconds,
  isSingular,
  plural,
} from '../../scenario/units.js';
import { TARGETS } from '../../targets/index.js';
import type { Target, TargetRegistry } from '../../targets/target.js';
import { parseDurationArg, parseSeedArg, parseWorkerArg, workerText } from '../args.js';
import { cliInteraction } from '../interaction.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, ownOutputDirectory, removeCreatedDirectories, writeArtefact } from '../out.js';
import { ProgressLine } from '../progress.js';
import { loadScenario } from '../read.js';
import { runSummary, scenarioHash } from '../summary.js';
import { targetOptionsFromFlags } from '../target-flags.js';

export interface RunArgs {
  file: string;
  target: string;
  /** As written: checked by `parseSeedArg` (yargs would have turned `abc` into NaN). */
  seed?: string | undefined;
  /** As written: `10m`, or a plain number of seconds. */
  duration?: string | undefined;
  out?: string | undefined;
  json: boolean;
  quiet: boolean;
  gate: readonly string[];
  /** Write index.html (the HTML report) beside result.json. */
  html: boolean;
  /** `--set PATH=VALUE` overrides. */
  set: readonly string[];
  /** Folders beyond the scenario's own that files it names may be read from (`--allow-path`). */
  allowPath?: readonly string[] | undefined;
  /** `--worker I/N` as written: worker I of N, counted from 1. */
  worker?: string | undefined;
  /** The target flags given (`--region`), by flag name: checked against the chosen target's. */
  targetFlags?: Readonly<Record<string, unknown>> | undefined;
  /** `--dry-run`: print what the target would do and its cost estimate; run nothing, write nothing. */
  dryRun?: boolean | undefined;
  /** `--abort-on-fail`: stop as soon as a gate has failed beyond recovery, and write the partial result. */
  abortOnFail?: boolean | undefined;
}

/** `shardcast run FILE [--target model] [--seed N] [--duration D] [--out DIR] [--json] [--gate EXPR]… [--set PATH=VALUE]… [--dry-run] [--abort-on-fail]`. */
export async function commandRun(io: Io, args: RunArgs, targets: TargetRegistry = TARGETS): Promise<number> {
  const target = targets.get(args.target);
  if (!target) {
    throw new ShardcastError(
      'usage',
      `unknown target "${args.target}"`,
      ExitCode.invalidInput,
      `targets: ${[...targets.keys()].join(', ')}`,
    );
  }
  // Checked before the scenario loads: a flag of another target is a mistake whatever the file says.
  const given = targetOptionsFromFlags(target, args.targetFlags ?? {}, targets);
  const share = args.worker === undefined ? undefined : parseWorkerArg(args.worker);
  // A gate may name any target's own metric here; the pipeline then refuses one this target lacks,
  // saying whose it is (rather than "unknown metric").
  const every = [...targets.values()];
  const { scenario, overrides, locate } = loadScenario(io, args.file, args.set, args.allowPath, every);
  const durationSeconds = args.duration === undefined ? undefined : parseDurationArg(args.duration);
  const seed = args.seed === undefined ? undefined : parseSeedArg(args.seed);
  // The scenario's gates were checked against the metrics when it loaded; --gate ones are now.
  const gates = parseCliGates(
    args.gate,
    knownMetrics(scenario),
    absentMetrics(scenario),
    every.flatMap((t) => t.ownMetrics?.(scenario) ?? []),
  );
  const inputs = {
    seed,
    durationSeconds,
    gates,
    scenarioFile: args.file,
    locateInScenario: locate,
    overrides,
    now: () => io.now(),
    runIdSuffix: io.uniqueTag === undefined ? undefined : () => io.uniqueTag!(),
    targetOptions: given.options,
    locateOption: given.locate,
    share,
    describeShare: workerText,
  };
  if (args.dryRun === true)
    return dryRun(io, args, scenario, target, { ...inputs, interaction: cliInteraction(io) });
  const showProgress = io.isTTY && !args.quiet && !args.json && !isCi(io.env);
  const progress = showProgress
    ? new ProgressLine(io, durationSeconds ?? scenario.duration, [
        ...parseScenarioGates(scenario.gates, args.file),
        ...gates,
      ])
    : undefined;
  let dir = '';
  const created: string[] = [];
  const controller = new AbortController();
  let signals = 0;
  const stopListening = io.onSignal?.((signal) => {
    signals += 1;
    progress?.clear();
    if (signals === 1) {
      io.stderr(
        `${signal}: stopping the run and cleaning up (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once, without cleanup)\n`,
      );
      controller.abort(new RunAbortedError(`stopped by ${signal}`));
      return;
    }
    io.stderr(
      `interrupted again (${signal}): exiting at once; cleanup skipped, so what the ${target.name} target created is left as it is\n`,
    );
    // Nothing was written yet: the folders made for --out go (synchronously, before the exit).
    removeCreatedDirectories(io, created);
    io.exitNow?.(ExitCode.interrupted);
  });
  // One turn of the event loop arms the signal watcher before a target that computes without
  // yielding: a signal during it is then delivered at its end, not after the files are written.
  if (stopListening !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
  let run: RunOutcome;
  // Set when a signal stopped the run and the target measured something before it.
  let interrupted: RunAbortedError | undefined;
  try {
    run = await runScenario(scenario, target, {
      ...inputs,
      signal: controller.signal,
      abortOnFail: args.abortOnFail === true,
      interaction: cliInteraction(io, () => progress?.clear()),
      beforeRun: (ready) => {
        // An unusable --out is found before the run, not after minutes of it.
        dir =
          args.out === undefined
            ? ownOutputDirectory(io, join('reports', scenario.name), ready.runId, created)
            : outputDirectory(io, args.out, '--out', created);
        if (ready.shardsFromPlan !== undefined) io.stderr(`${sizedByPlanNote(ready.shardsFromPlan)}\n`);
      },
      onProgress: progress === undefined ? undefined : (fraction) => progress.progress(fraction),
      onSample: progress === undefined ? undefined : (sample) => progress.observe(sample),
      onCleanup: (report) => {
        progress?.clear();
        io.stderr(cleanupText(report));
      },
    });
  } catch (error) {
    progress?.clear();
    const partial = error instanceof RunAbortedError ? partialOutcome(error) : undefined;
    if (!(error instanceof RunAbortedError) || partial === undefined) {
      stopListening?.();
      // Nothing was written: the folders made for --out go again rather than stay empty.
      removeCreatedDirectories(io, created);
      if (!(error instanceof RunAbortedError)) throw error;
      return nothingWritten(io, error);
    }
    run = partial;
    interrupted = error;
  }
  if (showProgress) io.stderr('\r\x1b[2K');
  // Still listening while the results are written (synchronously): a signal then is held until
  // they are, and dropped with the listener, rather than killing the process halfway through them.
  return writeRun(io, args, { run, interrupted, dir, scenario, stopListening });
}

/** What an aborted run without a partial result prints, and its exit code. */
function nothingWritten(io: Io, error: RunAbortedError): number {
  const cleaned =
    error.cleanup === undefined
      ? 'nothing to clean up'
      : error.cleanup.ok
        ? 'cleaned up'
        : 'cleanup failed (above)';
  io.stderr(
    `${error.stoppedBy === 'gate' ? 'aborted' : 'interrupted'}: ${error.message}; ${cleaned}; nothing written\n`,
  );
  // What the target created may still exist (and cost money): that is a target failure.
  if (error.cleanup !== undefined && !error.cleanup.ok) return ExitCode.targetFailed;
  return error.stoppedBy === 'gate' ? ExitCode.gateFailed : ExitCode.interrupted;
}

/**
 * Writes a run's artefacts (a finished run's, or a partial one's marked aborted: the same files),
 * prints its summary, and returns the exit code: 3 when cleanup failed, 130 when a signal stopped
 * it, 1 when a gate stopped it or failed, 0 otherwise.
 */
function writeRun(
  io: Io,
  args: RunArgs,
  state: {
    run: RunOutcome;
    interrupted: RunAbortedError | undefined;
    dir: string;
    scenario: Scenario;
    stopListening: (() => void) | undefined;
  },
): number {
  const { run, interrupted, dir, scenario } = state;
  const { result, verdicts } = run;
  let files: string[];
  try {
    files = writeArtifacts(dir, run, (path, data) => writeArtefact(io, path, data), { html: args.html });
  } finally {
    state.stopListening?.();
  }
  const aborted = result.aborted;
  if (args.json) {
    const summaryJson = runSummary({
      result,
      file: args.file,
      hash: result.scenario.hash ?? scenarioHash(scenario),
      target: run.target,
      outDir: displayPath(io.cwd, dir),
      files,
      verdicts,
      metrics: run.metrics,
    });
    io.stdout(`${JSON.stringify(summaryJson, null, 2)}\n`);
    // An interrupted run prints one line, and its summary only when asked for JSON (a script reads it).
  } else if (interrupted === undefined)
    io.stdout(renderRunSummary(result, verdicts, run.target, dir, io.cwd, files));
  if (aborted !== undefined) {
    const planned = aborted.durationSeconds ?? scenario.duration;
    const why = interrupted === undefined ? ` (${aborted.reason})` : '';
    io.stderr(
      `${interrupted === undefined ? 'aborted' : 'interrupted'} after ${formatSeconds(aborted.secondsDone)} of ${formatSeconds(planned)}${why}: partial result written to ${displayPath(io.cwd, dir)}\n`,
    );
  }
  // A target that could not remove what it created has failed, whatever the gates say: it costs money.
  if (!run.cleanup.ok) return ExitCode.targetFailed;
  if (interrupted !== undefined) return ExitCode.interrupted;
  // Stopped by a gate that failed beyond recovery: the gate failed, whatever the partial verdicts.
  if (aborted !== undefined) return ExitCode.gateFailed;
  return allGatesPassed(verdicts) ? ExitCode.ok : ExitCode.gateFailed;
}

/**
 * `run --dry-run`: every input check of a run, then what the target would do, without a network
 * call or a file written; exit 2 when the target's guard (the cost) would refuse the run.
 */
async function dryRun(
  io: Io,
  args: RunArgs,
  scenario: Scenario,
  target: Target<unknown>,
  options: Parameters<typeof dryRunScenario>[2],
): Promise<number> {
  const report = await dryRunScenario(scenario, target, options);
  if (args.json) {
    io.stdout(
      `${JSON.stringify({ dryRun: true, target: report.target, lines: report.lines, ...(report.refusal === undefined ? {} : { refusal: report.refusal }) }, null, 2)}\n`,
    );
  } else io.stdout(report.lines.map((line) => `${line}\n`).join(''));
  if (report.refusal !== undefined) {
    throw new ShardcastError('refused', report.refusal, ExitCode.invalidInput);
  }
  return ExitCode.ok;
}

/** The terminal summary's lines of a real target: where it ran, its own metrics, its resources. */
function targetLines(result: RunResult): string[] {
  const view = targetView(result);
  if (view === undefined) return [];
  const out = [
    '',
    `Target ${view.name}${view.details.length === 0 ? '' : `: ${view.details.map(([k, v]) => `${k} ${v}`).join(', ')}`}`,
  ];
  if (view.notMeasured.length > 0) out.push(`  not measured by this target: ${view.notMeasured.join(', ')}`);
  for (const group of view.groups) {
    for (const row of group.rows) {
      const [first, ...values] = row;
      const cells = values.map((v, i) => `${group.headers[i + 1] ?? ''} ${v}`.trim()).join(', ');
      out.push(`  ${group.title.split(',')[0]!.toLowerCase().padEnd(9)} ${first}: ${cells}`);
    }
  }
  for (const line of view.resources) out.push(`  resource  ${line}`);
  return out;
}

/** What cleanup did, for stderr: one line per resource, or why it failed. */
function cleanupText(report: CleanupReport): string {
  if (report.ok) return report.lines.map((line) => `cleanup: ${line}\n`).join('');
  const why = report.error instanceof Error ? report.error.message : String(report.error);
  return `cleanup failed: ${why}\n  hint: what the target created may still exist (and cost money); remove it by hand\n`;
}

function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * What a shard-second above its write limit did. A shard's buckets hold one second's worth, so a
 * second above the limit after quieter ones is absorbed: "it throttles" only when it did.
 */
function overLimitNote(peak: number, throttledThatSecond: number): string {
  if (peak <= 1) return '';
  return throttledThatSecond > 0
    ? ' — it throttles'
    : " — absorbed by its token bucket (one second's worth), nothing throttled that second";
}

/** The line a run without `stream.shards` prints, and its summary repeats. */
export function sizedByPlanNote(shards: number): string {
  return `stream.shards is not set: running at the plan's recommended ${plural(shards, 'shard')}`;
}

/** What a person wants to know after a run: what throttled, where, how much was lost, the gates. */
export function renderRunSummary(
  result: RunResult,
  verdicts: readonly GateVerdict[],
  target: string,
  dir: string,
  cwd: string,
  files: readonly string[] = artifactNames(),
): string {
  const c = result.counters;
  const m = result.metrics;
  const simulated = result.scenario.durationSeconds;
  const speed =
    result.header.wallSeconds > 0
      ? `, ${formatNumber(simulated / result.header.wallSeconds)}× real time`
      : '';
  const out: string[] = [];
  // A figure the target did not measure: its label and "not measured", never a measured-looking 0.
  const shown = (metric: string, label: string, text: string) =>
    isMeasured(result, metric) ? text : `  ${label.padEnd(9)} ${NOT_MEASURED} by the ${target} target`;
  out.push(
    `Run ${result.header.runId} of ${result.scenario.name} on ${target} (seed ${result.scenario.seed}${(result.scenario.overrides ?? []).map((o) => `, --set ${o}`).join('')}, ${formatSeconds(simulated)} ${result.target === undefined ? 'simulated' : 'run'} in ${formatSeconds(result.header.wallSeconds)}${speed})`,
    ...(result.aborted === undefined ? [] : [`  ⚠ ${abortedText(result.aborted)}`]),
    ...(result.scenario.shardsFromPlan === undefined
      ? []
      : [`  ${sizedByPlanNote(result.scenario.shardsFromPlan)}`]),
    '',
  );
  out.push(
    shown(
      'records.produced',
      'records',
      `  records   produced ${formatNumber(c.produced)}, acknowledged ${formatNumber(c.acknowledged)} (${formatPercent(c.produced > 0 ? c.acknowledged / c.produced : 1)})`,
    ),
    shown(
      'throttledRatio',
      'throttled',
      `  throttled ${plural(c.throttled, 'attempt')} of ${formatNumber(c.attempts)} (${formatPercent(m.throttledRatio ?? 0)}), ${plural(c.retried, 'retry', 'retries')}`,
    ),
    shown(
      'lostRecords',
      'lost',
      `  lost      ${plural(c.dropped, 'record')} after ${isSingular(c.dropped) ? 'its' : 'their'} last attempt${c.pendingAtEnd > 0 ? `; ${formatNumber(c.pendingAtEnd)} still waiting for a retry at the end` : ''}`,
    ),
  );
  const hottest = result.shardSeries.hottest[0];
  if (hottest && isMeasured(result, 'shards.maxUtilization')) {
    const index = indexOfMax(hottest.utilization);
    const peak = hottest.utilization[index] ?? 0;
    // Downsampled rows hold each step's maximum: the peak lies somewhere in its step's seconds.
    const step = result.shardSeries.hottestStepSeconds ?? 1;
    const at = index * step;
    const throttled = maxOf(result.series.throttled.slice(at, at + step), 0);
    out.push(
      `  hottest   shard ${hottest.shard} at ${formatPercent(peak)} of its write limit (at ${formatSeconds(at)}${step > 1 ? `–${formatSeconds(at + step)}` : ''})${overLimitNote(peak, throttled)}`,
    );
  }
  const throttledSeconds = result.series.throttled.filter((x) => x > 0).length;
  if (throttledSeconds > 0) {
    const first = result.series.throttled.findIndex((x) => x > 0);
    out.push(
      `  when      throttling in ${formatNumber(throttledSeconds)} of ${plural(result.series.throttled.length, 'second')}, from ${formatSeconds(first)}`,
    );
  }
  const endToEnd = endToEndPercentiles(result, [95, 99]);
  const e2e =
    typeof endToEnd === 'string'
      ? `end to end: ${endToEnd}`
      : `end to end p95 ${endToEnd[0]}, p99 ${endToEnd[1]}`;
  out.push(
    shown(
      'putLatency.p50',
      'latency',
      `  latency   put p50 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 50))}, p95 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 95))}, p99 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 99))}, max ${formatSeconds(maxSeconds(result.histograms.putLatency))}; ${e2e}`,
    ),
  );
  for (const [name, lag] of Object.entries(result.series.consumerLagSeconds)) {
    out.push(
      shown(
        `consumers.${name}.delivered`,
        'consumer',
        `  consumer  ${name}: ${plural(c.delivered[name] ?? 0, 'record')}, lag max ${formatSeconds(maxOf(lag, 0))}`,
      ),
    );
  }
  for (const [name, f] of Object.entries(c.firehose)) {
    const latency = result.histograms.firehoseDeliveryLatency[name];
    out.push(
      shown(
        `firehose.${name}.objects`,
        'firehose',
        `  firehose  ${name}: ${plural(f.objects, 'object')} of ${formatBytes(f.objects > 0 ? f.objectBytes / f.objects : 0)} on average, delivery ${latency ? `p95 ${formatSeconds(percentileSeconds(latency, 95))}, p99 ${formatSeconds(percentileSeconds(latency, 99))}` : '—'}${f.throttled > 0 ? `, ${plural(f.throttled, 'record')} throttled by the Direct PUT quota` : ''}`,
      ),
    );
  }
  out.push(...targetLines(result));
  if (verdicts.length > 0) {
    out.push('', `Gates (${verdicts.filter((v) => v.passed).length} of ${verdicts.length} passed)`);
    for (const v of verdicts) out.push(`  ${v.passed ? '✓' : '✗'} ${v.gate}: ${v.message}`);
  }
  const where = displayPath(cwd, dir);
  // The files `report` and `compare` read back first, then those for CI; the report on its own.
  const rank = (name: string) => ['result.json', 'plan.json', 'gates.json'].indexOf(name) >>> 0;
  const data = files.filter((f) => f !== 'index.html').sort((a, b) => rank(a) - rank(b));
  const listed = data.length > 1 ? `${data.slice(0, -1).join(', ')} and ${data.at(-1)}` : (data[0] ?? '');
  out.push(
    '',
    `Wrote ${where}/${listed}${files.includes('index.html') ? `; the report: ${where}/index.html` : ''}`,
  );
  return `${out.join('\n')}\n`;
}
