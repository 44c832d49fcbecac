import { join } from 'node:path';
import { ShardcastError } from '../../errors.js';
import { allGatesPassed, evaluateGates, type GateVerdict } from '../../gates/evaluate.js';
import { renderJUnit, renderSummaryMarkdown } from '../../gates/report.js';
import { parseCliGates, parseScenarioGates } from '../../gates/validate.js';
import { placeProducerKeys } from '../../keys/placement.js';
import { absentMetrics, knownMetrics } from '../../load.js';
import { indexOfMax, maxOf } from '../../numbers.js';
import { planScenario } from '../../planner/index.js';
import { renderReport } from '../../report/html.js';
import { maxSeconds, percentileSeconds } from '../../result/histogram.js';
import { serializeResult } from '../../result/io.js';
import type { RunResult } from '../../result/types.js';
import { BOUNDS, runWorkProblem } from '../../scenario/bounds.js';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../../scenario/units.js';
import { TARGETS } from '../../targets/index.js';
import { parseDurationArg, parseSeedArg } from '../args.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, writeArtefact } from '../out.js';
import { isSingular, plural } from '../plural.js';
import { GATES_FILE, loadScenario, serializeGates } from '../read.js';
import { runSummary, scenarioHash } from '../summary.js';
import { SHARDCAST_VERSION } from '../version.js';

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
}

/** `shardcast run FILE [--target model] [--seed N] [--duration D] [--out DIR] [--json] [--gate EXPR]… [--set PATH=VALUE]…`. */
export async function commandRun(io: Io, args: RunArgs): Promise<number> {
  const target = TARGETS.get(args.target);
  if (!target) {
    throw new ShardcastError(
      'usage',
      `unknown target "${args.target}"`,
      2,
      `targets: ${[...TARGETS.keys()].join(', ')} (aws and http come in a later release)`,
    );
  }
  const { scenario, overrides } = loadScenario(io, args.file, args.set, args.allowPath);
  const durationSeconds = args.duration === undefined ? undefined : parseDurationArg(args.duration);
  const seedArg = args.seed === undefined ? undefined : parseSeedArg(args.seed);
  // The scenario's own duration was bounded when it loaded; `--duration 1e400s` is not (src/scenario/bounds.ts).
  if (durationSeconds !== undefined && !(durationSeconds <= BOUNDS.duration.max)) {
    throw new ShardcastError(
      'usage',
      `--duration ${args.duration} is above ${formatSeconds(BOUNDS.duration.max)}, ${BOUNDS.duration.why}`,
      2,
    );
  }
  // The scenario's gates were checked against the metrics when it loaded; --gate ones are now.
  const gates = [
    ...parseScenarioGates(scenario.gates, args.file),
    ...parseCliGates(args.gate, knownMetrics(scenario), absentMetrics(scenario)),
  ];

  // Keys hashed once for the plan and the model (each costs ~0.35 µs a key: 1 M keys twice was ~0.3 s).
  const placedKeys = placeProducerKeys(scenario.producers);
  const plan = planScenario(scenario, { placedKeys });
  if (overrides.length > 0) plan.scenario.overrides = overrides;
  const started = io.now();
  const seed = seedArg ?? scenario.seed;
  const runId = `${stamp(started)}-s${seed}`;
  const showProgress = io.isTTY && !args.quiet && !args.json && !isCi(io.env);
  let lastDrawn = -1;
  // A provisioned stream without `stream.shards` runs at the count the plan recommends, and says so.
  const shardsFromPlan = plan.shards.sizedByPlan ? plan.shards.recommended : undefined;
  const runScenario =
    shardsFromPlan === undefined
      ? scenario
      : { ...scenario, stream: { ...scenario.stream, shards: shardsFromPlan } };
  // Bounded before it starts, at the count it runs with (a stream sized by the plan has one now).
  const work = runWorkProblem(runScenario, durationSeconds ?? scenario.duration);
  if (work !== undefined) {
    throw new ShardcastError(
      'usage',
      work,
      2,
      'run a shorter --duration (the plan covers the whole scenario), a longer engine.tick, or fewer shards',
    );
  }
  // An unusable --out is found before the run, not after minutes of it.
  const dir = outputDirectory(io, args.out ?? join('reports', scenario.name, runId));
  if (shardsFromPlan !== undefined) io.stderr(`${sizedByPlanNote(shardsFromPlan)}\n`);
  const result = await target.run(runScenario, {
    seed,
    placedKeys,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    header: {
      runId,
      startedAt: started.toISOString(),
      finishedAt: '',
      wallSeconds: 0,
      shardcastVersion: SHARDCAST_VERSION,
    },
    ...(showProgress
      ? {
          onProgress: (fraction: number) => {
            const percent = Math.floor(fraction * 100);
            if (percent === lastDrawn) return;
            lastDrawn = percent;
            const width = 30;
            const filled = Math.round((percent / 100) * width);
            io.stderr(
              `\r  ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent}% of ${formatSeconds(durationSeconds ?? scenario.duration)} simulated`,
            );
          },
        }
      : {}),
  });
  if (showProgress) io.stderr('\r\x1b[2K');
  if (shardsFromPlan !== undefined) result.scenario = { ...result.scenario, shardsFromPlan };
  if (overrides.length > 0) result.scenario = { ...result.scenario, overrides };
  const finished = io.now();
  result.header = {
    ...result.header,
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
  };
  // Which inputs made it: `compare` warns when two results of one name ran different scenarios.
  result.scenario = { ...result.scenario, hash: scenarioHash(scenario) };

  const metrics = { ...plan.metrics, ...result.metrics };
  const verdicts = evaluateGates(gates, metrics);
  const junit = renderJUnit(verdicts, {
    suiteName: `shardcast ${scenario.name}`,
    timestamp: started.toISOString(),
    timeSeconds: result.header.wallSeconds,
  });
  const summary = renderSummaryMarkdown({
    scenarioName: scenario.name,
    target: target.name,
    verdicts,
    keyFigures: keyFigures(result, plan.metrics),
  });
  const resultJson = serializeResult(result);
  writeArtefact(io, join(dir, 'result.json'), resultJson);
  writeArtefact(io, join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  writeArtefact(io, join(dir, 'junit.xml'), junit);
  writeArtefact(io, join(dir, 'summary.md'), summary);
  writeArtefact(io, join(dir, GATES_FILE), serializeGates(verdicts));
  const files = ['result.json', 'plan.json', 'junit.xml', 'summary.md', GATES_FILE];
  if (args.html) {
    files.push('index.html');
    writeArtefact(
      io,
      join(dir, 'index.html'),
      renderReport({
        plan,
        result,
        verdicts,
        generatedAt: finished.toISOString(),
        shardcastVersion: SHARDCAST_VERSION,
      }),
    );
  }

  if (args.json) {
    const summaryJson = runSummary({
      result,
      file: args.file,
      hash: result.scenario.hash ?? scenarioHash(scenario),
      target: target.name,
      outDir: displayPath(io.cwd, dir),
      files,
      verdicts,
      metrics,
    });
    io.stdout(`${JSON.stringify(summaryJson, null, 2)}\n`);
  } else io.stdout(renderRunSummary(result, verdicts, target.name, dir, io.cwd, args.html));
  return allGatesPassed(verdicts) ? 0 : 1;
}

function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function stamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
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

function keyFigures(result: RunResult, planMetrics: Record<string, number>): Record<string, string> {
  const m = result.metrics;
  return {
    'records produced': formatNumber(m['records.produced'] ?? 0),
    'throttled attempts': formatPercent(m.throttledRatio ?? 0),
    'records lost': formatNumber(m.lostRecords ?? 0),
    'put latency p95': formatSeconds(m['putLatency.p95'] ?? 0),
    'put latency p99': formatSeconds(m['putLatency.p99'] ?? 0),
    'hottest shard': `${formatPercent(m['shards.maxUtilization'] ?? 0)} of its limit`,
    'shards recommended (plan)': String(planMetrics['shards.recommended'] ?? ''),
    'monthly cost, provisioned (plan)': `$${formatNumber(planMetrics['cost.monthly.provisioned'] ?? 0)}`,
    'monthly cost, total (plan)': `$${formatNumber(planMetrics['cost.monthly.total'] ?? 0)}`,
  };
}

/** The line a run without `stream.shards` prints, and its summary repeats. */
export function sizedByPlanNote(shards: number): string {
  return `stream.shards is not set: running at the plan's recommended ${shards} shard${shards === 1 ? '' : 's'}`;
}

/** What a person wants to know after a run: what throttled, where, how much was lost, the gates. */
export function renderRunSummary(
  result: RunResult,
  verdicts: readonly GateVerdict[],
  target: string,
  dir: string,
  cwd: string,
  wroteHtml = true,
): string {
  const c = result.counters;
  const m = result.metrics;
  const simulated = result.scenario.durationSeconds;
  const speed =
    result.header.wallSeconds > 0
      ? `, ${formatNumber(simulated / result.header.wallSeconds)}× real time`
      : '';
  const out: string[] = [];
  out.push(
    `Run ${result.header.runId} of ${result.scenario.name} on ${target} (seed ${result.scenario.seed}${(result.scenario.overrides ?? []).map((o) => `, --set ${o}`).join('')}, ${formatSeconds(simulated)} simulated in ${formatSeconds(result.header.wallSeconds)}${speed})`,
    ...(result.scenario.shardsFromPlan === undefined
      ? []
      : [`  ${sizedByPlanNote(result.scenario.shardsFromPlan)}`]),
    '',
    `  records   produced ${formatNumber(c.produced)}, acknowledged ${formatNumber(c.acknowledged)} (${formatPercent(c.produced > 0 ? c.acknowledged / c.produced : 1)})`,
    `  throttled ${plural(c.throttled, 'attempt')} of ${formatNumber(c.attempts)} (${formatPercent(m.throttledRatio ?? 0)}), ${plural(c.retried, 'retry', 'retries')}`,
    `  lost      ${plural(c.dropped, 'record')} after ${isSingular(c.dropped) ? 'its' : 'their'} last attempt${c.pendingAtEnd > 0 ? `; ${formatNumber(c.pendingAtEnd)} still waiting for a retry at the end` : ''}`,
  );
  const hottest = result.shardSeries.hottest[0];
  if (hottest) {
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
  // End to end runs from a put to a consumer's read: without consumers there is no such figure,
  // and a 0 s would read as "instant".
  const consumers = Object.keys(result.series.consumerLagSeconds).length;
  const e2e =
    consumers === 0
      ? 'end to end: no consumers'
      : result.histograms.e2eLatency.count === 0
        ? 'end to end: no records read'
        : `end to end p95 ${formatSeconds(percentileSeconds(result.histograms.e2eLatency, 95))}, p99 ${formatSeconds(percentileSeconds(result.histograms.e2eLatency, 99))}`;
  out.push(
    `  latency   put p50 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 50))}, p95 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 95))}, p99 ${formatSeconds(percentileSeconds(result.histograms.putLatency, 99))}, max ${formatSeconds(maxSeconds(result.histograms.putLatency))}; ${e2e}`,
  );
  for (const [name, lag] of Object.entries(result.series.consumerLagSeconds)) {
    out.push(
      `  consumer  ${name}: ${plural(c.delivered[name] ?? 0, 'record')}, lag max ${formatSeconds(maxOf(lag, 0))}`,
    );
  }
  for (const [name, f] of Object.entries(c.firehose)) {
    const latency = result.histograms.firehoseDeliveryLatency[name];
    out.push(
      `  firehose  ${name}: ${plural(f.objects, 'object')} of ${formatBytes(f.objects > 0 ? f.objectBytes / f.objects : 0)} on average, delivery ${latency ? `p95 ${formatSeconds(percentileSeconds(latency, 95))}, p99 ${formatSeconds(percentileSeconds(latency, 99))}` : '—'}${f.throttled > 0 ? `, ${plural(f.throttled, 'record')} throttled by the Direct PUT quota` : ''}`,
    );
  }
  if (verdicts.length > 0) {
    out.push('', `Gates (${verdicts.filter((v) => v.passed).length} of ${verdicts.length} passed)`);
    for (const v of verdicts) out.push(`  ${v.passed ? '✓' : '✗'} ${v.gate}: ${v.message}`);
  }
  const where = displayPath(cwd, dir);
  out.push(
    '',
    `Wrote ${where}/result.json, plan.json, gates.json, junit.xml and summary.md${wroteHtml ? `; the report: ${where}/index.html` : ''}`,
  );
  return `${out.join('\n')}\n`;
}
