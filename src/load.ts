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
import { gatesCheck } from './gates/validate.js';
import { planMetricNames } from './planner/metrics.js';
import { runMetricNames } from './result/names.js';
import { checkBounds } from './scenario/bounds.js';
import { type LoadedScenario, parseScenario } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';

export interface ReadFs {
  readFile(path: string): string;
}

const nodeFs: ReadFs = { readFile: (path) => readFileSync(path, 'utf8') };

/** Parses scenario text as the CLI does; `file` names it in messages and anchors relative paths. */
export function loadScenarioText(
  text: string,
  file: string,
  fs: ReadFs = nodeFs,
  baseDir?: string,
  allowPaths: readonly string[] = [],
  cwd = process.cwd(),
): LoadedScenario {
  const base = baseDir ?? dirname(file);
  return parseScenario(text, file, {
    // Confined to the scenario's folder and `--allow-path` folders (src/confine.ts).
    readFile: (path) =>
      readConfined(path, { baseDir: base, allowPaths, cwd, readMissing: (p) => fs.readFile(p) }),
    checks: [checkBounds, checkScenarioLimits, gatesCheck(knownMetrics)],
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

/** Reads and validates a scenario file. Throws `InvalidInputError` or `FileError` (exit code 2). */
export function loadScenarioFile(
  path: string,
  fs: ReadFs = nodeFs,
  cwd = process.cwd(),
  allowPaths: readonly string[] = [],
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
  return loadScenarioText(text, path, fs, dirname(absolute), allowPaths, cwd);
}
