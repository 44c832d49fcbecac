import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ExitCode, InvalidInputError, type Problem, ShardcastError } from '../../errors.js';
import { formatQuantity, metricQuantity } from '../../gates/metrics.js';
import { parseCliGates } from '../../gates/validate.js';
import { absentMetrics, knownMetrics } from '../../load.js';
import { planScenario } from '../../planner/index.js';
import { renderSearchReport } from '../../report/search.js';
import { formatNumber, formatPercent, formatSeconds, plural } from '../../scenario/units.js';
import type { FindOutcome } from '../../search/find.js';
import { optionText } from '../../search/find.js';
import { type FindGoalArgs, type FindSearch, findSearch, loadText } from '../../search/find-goal.js';
import { parseAxes } from '../../search/grid.js';
import type { SearchJob } from '../../search/point.js';
import { workerPool } from '../../search/pool.js';
import { tableCsv, tableJson } from '../../search/table.js';
import type { FindAnswer, PassRule, PointOutcome, PointRunner, SearchTable } from '../../search/types.js';
import { parseDurationArg, parseSeedArg } from '../args.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, removeCreatedDirectories, writeArtefact } from '../out.js';
import { loadScenario, readText } from '../read.js';
import { renderTable } from '../table.js';
import { SHARDCAST_VERSION } from '../version.js';

export interface FindArgs {
  file: string;
  maximize?: string | undefined;
  minimize?: string | undefined;
  /** `--subject-to GATE` texts: gates as `--gate` ones are. */
  subjectTo: readonly string[];
  gate: readonly string[];
  set: readonly string[];
  /** `--vary PATH=a,b,c`: the options of `--minimize METRIC`. */
  vary: readonly string[];
  /** `1%`, `0.5%` or `0.005`. */
  resolution: string;
  duration?: string | undefined;
  seed?: string | undefined;
  /** `--seeds N`: each point runs with N seeds. */
  seeds: string;
  /** `--pass-share S`: the share of seeds that must pass (`100%`, `0.8`). */
  passShare: string;
  /** `--parallel N`: worker threads (default: the cores). */
  parallel?: string | undefined;
  out?: string | undefined;
  json: boolean;
  allowPath?: readonly string[] | undefined;
}

/** How points run: the worker pool of `--parallel` threads by default (`search/pool.ts`; 1 runs them in this thread). */
export interface FindDeps {
  runner?: (job: SearchJob, parallel: number) => PointRunner;
}

/** The most seeds a point runs with: 100 runs per point is already a long search. */
const MAX_SEEDS = 100;

/**
 * `shardcast find FILE (--maximize PATH|load | --minimize shards|METRIC) [--subject-to GATE]…`:
 * exit 0 with an answer, 1 when no value passes (CI gates on "8 shards carry 3× today's peak"),
 * 2 for bad input, 130 when interrupted (what ran is written).
 */
export async function commandFind(io: Io, args: FindArgs, deps: FindDeps = {}): Promise<number> {
  const goal = goalOf(args);
  const resolution = parseResolution(args.resolution);
  const rule: PassRule = { seeds: parseSeeds(args.seeds), share: parseShare(args.passShare) };
  const parallel = args.parallel === undefined ? availableParallelism() : parseParallel(args.parallel);
  const durationSeconds = args.duration === undefined ? undefined : parseDurationArg(args.duration);
  const seed = args.seed === undefined ? undefined : parseSeedArg(args.seed);
  const axes = parseAxes(args.vary);
  const { scenario, overrides } = loadScenario(io, args.file, args.set, args.allowPath);
  const known = knownMetrics(scenario);
  parseCliGates(args.gate, known, absentMetrics(scenario));
  parseSubjectTo(args.subjectTo, known, scenario);
  const cliGates = [...args.gate, ...args.subjectTo];
  if (scenario.gates.length + cliGates.length === 0)
    throw new ShardcastError(
      'usage',
      'find searches for where every gate passes, and there is no gate',
      ExitCode.invalidInput,
      'add one with --subject-to, e.g. --subject-to "throttledRatio <= 0.001" --subject-to "putLatency.p99 < 250ms", or list gates: in the scenario',
    );
  const plan = planScenario(scenario);
  const search = findSearch({
    goal,
    scenario,
    plan,
    overrides,
    axes,
    resolution,
    knownMetrics: known,
  });
  const created: string[] = [];
  const started = io.now();
  // An unusable --out is found before minutes of runs.
  const dir = outputDirectory(
    io,
    args.out ?? join('reports', scenario.name, `find-${started.toISOString().replace(/[-:]|\.\d+/g, '')}`),
    '--out',
    created,
  );
  const job: SearchJob = {
    file: args.file,
    text: readText(io, args.file),
    cwd: io.cwd,
    allowPaths: args.allowPath ?? [],
    gates: cliGates,
    durationSeconds,
    seed,
    rule,
  };
  const inner = (deps.runner ?? workerPool)(job, parallel);
  // A turn of the event loop before each point, so a signal during one is seen before the next.
  const runner: PointRunner = {
    size: inner.size,
    run: async (point) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return inner.run(point);
    },
    close: () => inner.close(),
  };
  let signals = 0;
  const stopListening = io.onSignal?.((signal) => {
    signals += 1;
    if (signals === 1) {
      io.stderr(`${signal}: stopping after the run under way; what ran is written (again exits at once)\n`);
      return;
    }
    io.stderr(`interrupted again (${signal}): exiting at once, nothing written\n`);
    removeCreatedDirectories(io, created);
    io.exitNow?.(ExitCode.interrupted);
  });
  for (const note of search.notes) io.stderr(`note: ${note}\n`);
  const clock = performance.now();
  let outcome: FindOutcome;
  try {
    outcome = await search.run(runner, () => signals > 0);
  } finally {
    await runner.close();
  }
  const wallSeconds = (performance.now() - clock) / 1000;
  const answer: FindAnswer = { ...outcome.answer, message: outcome.message };
  const table: SearchTable = {
    kind: 'find',
    scenario: { name: scenario.name, file: args.file },
    axes: search.axes,
    gates: [...scenario.gates, ...cliGates],
    rule,
    points: outcome.points,
    answer,
    header: {
      shardcastVersion: SHARDCAST_VERSION,
      startedAt: started.toISOString(),
      wallSeconds,
      parallel: inner.size ?? 1,
      durationSeconds: durationSeconds ?? scenario.duration,
    },
  };
  const files = ['find.json', 'find.csv', 'index.html'];
  try {
    writeArtefact(io, join(dir, 'find.json'), tableJson(table));
    writeArtefact(io, join(dir, 'find.csv'), tableCsv(table));
    writeArtefact(io, join(dir, 'index.html'), renderSearchReport(table));
  } finally {
    stopListening?.();
  }
  const where = displayPath(io.cwd, dir);
  if (args.json) {
    const { value, bracket, binding, ...rest } = answer;
    io.stdout(`${JSON.stringify({ value, bracket, binding, ...rest, out: where, files }, null, 2)}\n`);
  } else {
    io.stdout(renderFind(search, answer, outcome.points, wallSeconds, rule));
    io.stderr(`Wrote ${where}/${files.join(', ')}\n`);
  }
  if (signals > 0) {
    io.stderr(`interrupted after ${plural(outcome.points.length, 'run')}: ${where}/find.json has them\n`);
    return ExitCode.interrupted;
  }
  return answer.value === null ? ExitCode.gateFailed : ExitCode.ok;
}

function goalOf(args: FindArgs): FindGoalArgs {
  const hint =
    'ask one question: --maximize load, --maximize producers[0].rate, --minimize shards or --minimize cost.monthly.total --vary …';
  if (args.maximize !== undefined && args.minimize !== undefined)
    throw new ShardcastError('usage', 'give --maximize or --minimize, not both', ExitCode.invalidInput, hint);
  if (args.maximize !== undefined) return { maximize: args.maximize };
  if (args.minimize !== undefined) return { minimize: args.minimize };
  throw new ShardcastError('usage', 'find needs --maximize or --minimize', ExitCode.invalidInput, hint);
}

/** `--subject-to` gates, checked as `--gate` ones are, their problems named by the option given. */
function parseSubjectTo(
  texts: readonly string[],
  known: readonly string[],
  scenario: Parameters<typeof absentMetrics>[0],
): void {
  try {
    parseCliGates(texts, known, absentMetrics(scenario));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const renamed = (p: Problem): Problem => ({
      ...p,
      location: {
        ...p.location,
        file: '--subject-to',
        path: p.location.path.replace(/^--gate/, '--subject-to'),
      },
    });
    throw new InvalidInputError(error.problems.map(renamed), error.message, error.warnings);
  }
}

function argumentError(option: string, text: string, expected: string, hint?: string): InvalidInputError {
  return new InvalidInputError([
    {
      location: { file: option, path: option },
      message: `${JSON.stringify(text)} cannot be used`,
      expected,
      ...(hint === undefined ? {} : { hint }),
    },
  ]);
}

/** A share written as `1%` or `0.01`: a fraction in (0, 1]. */
function parseFraction(text: string): number | undefined {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(trimmed);
  if (percent) return Number((Number(percent[1]) / 100).toPrecision(15));
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(trimmed)) return Number(trimmed);
  return undefined;
}

/** `--resolution`: relative, above 0 and at most 50 % (a bracket starts ×2 wide). */
export function parseResolution(text: string): number {
  const value = parseFraction(text);
  if (value === undefined || !(value > 0) || value > 0.5)
    throw argumentError(
      '--resolution',
      text,
      'a resolution above 0 and at most 50%, such as 1%, 0.5% or 0.005',
      'the search stops when (high − low) ÷ low is within it; a count (shards) is always exact',
    );
  // Below 0.01 % the model's own noise (Poisson arrivals) is coarser than the step.
  if (value < 1e-4) throw argumentError('--resolution', text, 'a resolution of at least 0.01%');
  return value;
}

function parseSeeds(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= MAX_SEEDS))
    throw argumentError('--seeds', text, `a whole number of seeds from 1 to ${MAX_SEEDS}`);
  return n;
}

function parseShare(text: string): number {
  // `2/3`: two seeds of three, exactly (67% of 3 seeds rounds up to all 3).
  const ratio = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const value = ratio ? Number(ratio[1]) / Number(ratio[2]) : parseFraction(text);
  if (value === undefined || !(value > 0) || value > 1)
    throw argumentError(
      '--pass-share',
      text,
      'a share above 0 and at most 100%, such as 100%, 0.8 or 2/3',
      'the share of a point’s seeds that must pass every gate for the point to pass',
    );
  return value;
}

function parseParallel(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 256))
    throw argumentError('--parallel', text, 'a whole number of worker threads from 1 to 256');
  return n;
}

/** The answer in words, the bracket, the binding gate, how close it was, and every run. */
export function renderFind(
  search: FindSearch,
  answer: FindAnswer,
  points: readonly PointOutcome[],
  wallSeconds: number,
  rule: PassRule,
): string {
  const lines: string[] = [];
  const [low, high] = answer.bracket;
  const describe = search.describe;
  const gatesWords =
    rule.seeds === 1 ? 'with every gate passing' : `with every gate passing in ${shareText(rule)}`;
  if (answer.value === null) {
    lines.push(
      `find: no answer for ${search.question} ${gatesWords}: ${answer.message ?? 'no value passed'}`,
    );
  } else if (answer.goal === 'maximize') {
    // What the factor means in records: the producers' peak at the answer, as its plan offers it.
    const at = answer.bracketPoints?.[0];
    const peak =
      at === null || at === undefined ? undefined : points[at]?.metrics['traffic.peakRecordsPerSecond'];
    const offered =
      answer.subject === 'load' && peak !== undefined
        ? ` (${formatNumber(Math.round(peak))} records/s at the peak)`
        : '';
    lines.push(
      `find: ${search.question} ${gatesWords}: ${describe(answer.value)}${offered} ± ${formatPercent(answer.resolution)}`,
    );
  } else {
    const option = answer.bracketPoints?.[1];
    const which =
      search.axes.length > 0 && option !== null && option !== undefined
        ? ` (${optionText(points[option]!.point)})`
        : '';
    lines.push(`find: ${search.question} ${gatesWords}: ${describe(answer.value)}${which}`);
  }
  if (answer.goal === 'maximize') {
    if (low !== null || high !== null)
      lines.push(
        `  bracket: ${low === null ? 'nothing passed' : `${describe(low)} passes`}, ${high === null ? 'nothing failed' : `${describe(high)} fails`}`,
      );
  } else if (search.axes.length === 0) {
    lines.push(
      `  bracket: ${high === null ? 'nothing passed' : `${describe(high)} pass`}, ${low === null ? 'nothing fewer failed' : `${describe(low)} fail`}`,
    );
  } else if (low !== null && answer.value !== null) {
    const cheaper = answer.bracketPoints?.[0];
    const which = cheaper === null || cheaper === undefined ? '' : ` (${optionText(points[cheaper]!.point)})`;
    lines.push(`  lower, and failing: ${describe(low)}${which}`);
  }
  if (answer.binding !== undefined) lines.push(`  binding gate: ${answer.binding}`);
  if (answer.closeness !== undefined) lines.push(`  closeness: ${answer.closeness}`);
  if (answer.value !== null && answer.message !== undefined) lines.push(`  note: ${answer.message}`);
  lines.push('', `  ${plural(points.length, 'run')} in ${formatSeconds(wallSeconds)}:`);
  lines.push(runsTable(search, answer, points));
  return `${lines.join('\n')}\n`;
}

function shareText(rule: PassRule): string {
  const needed = Math.ceil(rule.share * rule.seeds - 1e-9);
  return needed === rule.seeds ? `all ${rule.seeds} seeds` : `${needed} of ${rule.seeds} seeds`;
}

/** One row per run, in run order: the value, the verdict, each gate's measured value (mean over seeds). */
function runsTable(search: FindSearch, answer: FindAnswer, points: readonly PointOutcome[]): string {
  const gates = [...new Set(points.flatMap((p) => p.runs.flatMap((r) => r.gates.map((g) => g.gate))))];
  const metricOf = new Map(
    points.flatMap((p) => p.runs.flatMap((r) => r.gates.map((g) => [g.gate, g.metric]))),
  );
  const minimizedMetric = search.axes.length > 0 ? search.subject : undefined;
  const header = [
    '#',
    search.axes.length > 0 ? 'option' : search.subject,
    ...(minimizedMetric === undefined ? [] : [minimizedMetric]),
    'verdict',
    ...gates,
    '',
  ];
  const [passAt, failAt] =
    answer.goal === 'maximize'
      ? (answer.bracketPoints ?? [null, null])
      : [answer.bracketPoints?.[1] ?? null, answer.bracketPoints?.[0] ?? null];
  const rows = points.map((p, i) => {
    const value = search.axes.length > 0 ? optionText(p.point) : pointValueText(search, p);
    const seeds = p.runs.length;
    const passed = p.runs.filter((r) => r.passed).length;
    const verdict =
      p.error !== undefined
        ? 'error'
        : `${p.passed ? 'pass' : 'fail'}${seeds > 1 ? ` ${passed}/${seeds}` : ''}`;
    const measured = gates.map((gate) => {
      const values = p.runs.flatMap((r) => r.gates.filter((g) => g.gate === gate && g.measured !== null));
      if (values.length === 0) return '—';
      const mean = values.reduce((a, g) => a + g.measured!, 0) / values.length;
      return formatQuantity(mean, metricQuantity(metricOf.get(gate) ?? ''), 1);
    });
    const metric =
      minimizedMetric === undefined
        ? []
        : [
            p.metrics[minimizedMetric] === undefined
              ? '—'
              : formatQuantity(p.metrics[minimizedMetric]!, metricQuantity(minimizedMetric)),
          ];
    const mark =
      i === passAt
        ? '← answer'
        : i === failAt
          ? '← bracket'
          : p.error !== undefined
            ? p.error
            : answer.goal === 'maximize' && i === points.length - 1 && failAt !== null && i > failAt
              ? 'check past the edge'
              : '';
    return [String(i + 1), value, ...metric, verdict, ...measured, mark];
  });
  return renderTable(header, rows);
}

/** The value a run of a one-dimensional search was at, in the search's words. */
function pointValueText(search: FindSearch, p: PointOutcome): string {
  if (p.point.load !== undefined && search.subject === 'load') return loadText(p.point.load);
  const first = Object.values(p.point.at)[0];
  return first ?? '';
}
