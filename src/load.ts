/**
 * Loading a scenario file the way every command does: read it, validate it against the schema and
 * the AWS limits, fill the service defaults.
 *
 * Nothing here asks the process where it is: the CLI passes its working directory (`io.cwd`) and
 * its reader (`io`). Without them, as the programmatic API is usually called, files are read with
 * Node's fs and relative paths resolve as Node resolves them (against the working directory of the
 * process), the way `readFileSync('scenarios/x.yaml')` would.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkScenarioLimits } from './aws/checks.js';
import { withServiceDefaults } from './aws/defaults.js';
import { readConfined } from './confine.js';
import { FileError, InvalidInputError, type Problem, readErrorText } from './errors.js';
import { type AbsentMetrics, gatesCheck } from './gates/validate.js';
import { planMetricNames } from './planner/metrics.js';
import { runMetricNames } from './result/names.js';
import { checkBounds } from './scenario/bounds.js';
import { MAX_SCENARIO_TEXT_BYTES, sizeProblem } from './scenario/limits.js';
import { type LoadedScenario, parseScenario } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';

export interface ReadFs {
  readFile(path: string): string;
}

const nodeFs: ReadFs = { readFile: (path) => readFileSync(path, 'utf8') };

/** How a scenario is loaded beyond its text: `--set` overrides and the folders it may read. */
export interface LoadOptions {
  /** `--set PATH=VALUE` arguments, applied before validation. */
  overrides?: readonly string[];
  /** Folders beyond the scenario's own that the files it names may be read from (`--allow-path`). */
  allowPaths?: readonly string[];
  /**
   * The directory `allowPaths` (and, for `loadScenarioFile`, the file) resolve against; without
   * it, Node resolves relative paths against the process's working directory.
   */
  cwd?: string;
  /**
   * Patterns of the metrics a target adds of its own (`Target.ownMetrics`: `integrity.*.missing`):
   * a scenario gate on one is accepted; the run then checks its target reports it.
   */
  targetMetrics?: (scenario: Scenario) => readonly string[];
}

/** Parses scenario text as the CLI does; `file` names it in messages and anchors relative paths. */
export function loadScenarioText(
  text: string,
  file: string,
  fs: ReadFs = nodeFs,
  baseDir?: string,
  options: LoadOptions = {},
): LoadedScenario {
  const { overrides = [], allowPaths = [], cwd, targetMetrics } = options;
  const base = baseDir ?? dirname(cwd === undefined ? file : resolve(cwd, file));
  return parseScenario(text, file, {
    overrides,
    // Confined to the scenario's folder and `--allow-path` folders (src/confine.ts).
    readFile: (path) =>
      readConfined(path, { baseDir: base, allowPaths, cwd, readMissing: (p) => fs.readFile(p) }),
    checks: [checkBounds, checkScenarioLimits, gatesCheck(knownMetrics, absentMetrics, targetMetrics)],
    complete: withServiceDefaults,
  });
}

/** Every metric a gate may name for this scenario: the plan's and the run's. */
export function knownMetrics(scenario: Scenario): string[] {
  return [
    ...planMetricNames(scenario),
    ...runMetricNames(
      scenario.consumers.map((c) => c.name),
      scenario.firehose.map((f) => f.name),
    ),
  ];
}

/**
 * Metrics a gate may not name for this scenario, with why. A scenario without consumers reads
 * nothing, so end-to-end latency and consumer lag do not exist. A scenario without `stream.shards`
 * has no configured count, so the metrics of that count
 * (`shards.configured`, `hotKey.maxShardUtilizationAtConfigured`) do not exist: a gate naming one
 * (in the scenario or with --gate) is told why, and which metric to use, rather than only "unknown
 * metric". The names are the ones the plan would add if a count were set, so the list cannot drift
 * from the planner's.
 */
export function absentMetrics(scenario: Scenario): AbsentMetrics {
  const absent = new Map<string, { message: string; hint: string }>();
  // Without consumers nothing is read: end-to-end latency and consumer lag would be a made-up 0,
  // and a gate on them a silent pass.
  if (scenario.consumers.length === 0) {
    for (const metric of runMetricNames(
      [],
      scenario.firehose.map((f) => f.name),
    )) {
      if (!/^(?:e2eLatency|consumerLag)\./.test(metric)) continue;
      absent.set(metric, {
        message: `${metric} needs a consumer, and the scenario has none: no record is read, so there is nothing to measure`,
        hint: 'add a consumers: entry (a polling or enhanced-fan-out application), or gate on putLatency',
      });
    }
  }
  if (scenario.stream.mode !== 'provisioned' || scenario.stream.shards !== undefined) return absent;
  const present = new Set(planMetricNames(scenario));
  const withCount = planMetricNames({ ...scenario, stream: { ...scenario.stream, shards: 1 } });
  for (const metric of withCount.filter((name) => !present.has(name))) {
    const twin = metric.replace(/Configured$/, 'Recommended').replace(/\.configured$/, '.recommended');
    absent.set(metric, {
      message: `${metric} needs a configured shard count, and stream.shards is not set`,
      hint: `the plan sizes this stream and a run starts at shards.recommended: gate on ${twin}, or set stream.shards`,
    });
  }
  return absent;
}

/**
 * Reads and validates a scenario file, with `overrides` (`--set PATH=VALUE` arguments) applied
 * first and the files it names read only from its folder or `allowPaths`. Throws
 * `InvalidInputError` or `FileError` (exit code 2).
 */
export function loadScenarioFile(
  path: string,
  fs: ReadFs = nodeFs,
  cwd?: string,
  options: Omit<LoadOptions, 'cwd'> = {},
): LoadedScenario {
  const absolute = cwd === undefined ? resolve(path) : resolve(cwd, path);
  // A file on disk above the size limit is refused before it is read (reading 50 MB is already
  // most of a second); parseScenario checks the text again, whatever it came from.
  const large = oversizedFile(absolute, path);
  if (large !== undefined) throw new InvalidInputError([large], `${path} is too large`);
  let text: string;
  try {
    text = fs.readFile(absolute);
  } catch (error) {
    throw new FileError(
      `cannot read scenario file ${path}: ${readErrorText(error)}`,
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'the bundled scenarios are in scenarios/, e.g. scenarios/launch-day.yaml'
        : undefined,
    );
  }
  return loadScenarioText(text, path, fs, dirname(absolute), { ...options, cwd });
}

/** The size problem of a regular file on disk above `MAX_SCENARIO_TEXT_BYTES`; undefined otherwise (or when it cannot be stat'ed: reading it says why). */
function oversizedFile(absolute: string, path: string): Problem | undefined {
  let size: number;
  try {
    const stat = statSync(absolute);
    if (!stat.isFile()) return undefined;
    size = stat.size;
  } catch {
    return undefined;
  }
  return size > MAX_SCENARIO_TEXT_BYTES ? sizeProblem(size, path) : undefined;
}
