/**
 * Loading a scenario file the way every command does: read it, validate it against the schema and
 * the AWS limits, fill the service defaults.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkScenarioLimits } from './aws/checks.js';
import { withServiceDefaults } from './aws/defaults.js';
import { readConfined } from './confine.js';
import { FileError, readErrorText } from './errors.js';
import { type AbsentMetrics, gatesCheck } from './gates/validate.js';
import { planMetricNames } from './planner/metrics.js';
import { runMetricNames } from './result/names.js';
import { checkBounds } from './scenario/bounds.js';
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
  /** The working directory `allowPaths` resolve against. */
  cwd?: string;
}

/** Parses scenario text as the CLI does; `file` names it in messages and anchors relative paths. */
export function loadScenarioText(
  text: string,
  file: string,
  fs: ReadFs = nodeFs,
  baseDir?: string,
  options: LoadOptions = {},
): LoadedScenario {
  const base = baseDir ?? dirname(file);
  const { overrides = [], allowPaths = [], cwd = process.cwd() } = options;
  return parseScenario(text, file, {
    overrides,
    // Confined to the scenario's folder and `--allow-path` folders (src/confine.ts).
    readFile: (path) =>
      readConfined(path, { baseDir: base, allowPaths, cwd, readMissing: (p) => fs.readFile(p) }),
    checks: [checkBounds, checkScenarioLimits, gatesCheck(knownMetrics, absentMetrics)],
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
 * A scenario without `stream.shards` has no configured count, so the metrics of that count
 * (`shards.configured`, `hotKey.maxShardUtilizationAtConfigured`) do not exist: a gate naming one
 * (in the scenario or with --gate) is told why, and which metric to use, rather than only "unknown
 * metric". The names are the ones the plan would add if a count were set, so the list cannot drift
 * from the planner's.
 */
export function absentMetrics(scenario: Scenario): AbsentMetrics {
  if (scenario.stream.mode !== 'provisioned' || scenario.stream.shards !== undefined) return new Map();
  const present = new Set(planMetricNames(scenario));
  const withCount = planMetricNames({ ...scenario, stream: { ...scenario.stream, shards: 1 } });
  return new Map(
    withCount
      .filter((name) => !present.has(name))
      .map((metric) => {
        const twin = metric.replace(/Configured$/, 'Recommended').replace(/\.configured$/, '.recommended');
        return [
          metric,
          {
            message: `${metric} needs a configured shard count, and stream.shards is not set`,
            hint: `the plan sizes this stream and a run starts at shards.recommended: gate on ${twin}, or set stream.shards`,
          },
        ];
      }),
  );
}

/**
 * Reads and validates a scenario file, with `overrides` (`--set PATH=VALUE` arguments) applied
 * first and the files it names read only from its folder or `allowPaths`. Throws
 * `InvalidInputError` or `FileError` (exit code 2).
 */
export function loadScenarioFile(
  path: string,
  fs: ReadFs = nodeFs,
  cwd = process.cwd(),
  options: Omit<LoadOptions, 'cwd'> = {},
): LoadedScenario {
  const absolute = resolve(cwd, path);
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
