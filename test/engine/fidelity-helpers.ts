/**
 * Helpers for the engine's fidelity tests: scenarios from YAML text (loaded as the CLI loads them),
 * run through the engine model, and small arithmetic on the per-second series. The limits the
 * expectations are written with are written here, from docs/aws-facts.md, not imported from src/, so
 * the tests stay an oracle.
 */

import { type SimulateOptions, simulateScenario } from '../../src/engine/simulate.js';
import { loadScenarioText } from '../../src/load.js';
import type { RunResult } from '../../src/result/types.js';
import type { Scenario } from '../../src/scenario/schema.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;
/** Per-shard write limits (docs/aws-facts.md, KDS 1). */
export const SHARD_RECORDS = 1000;
export const SHARD_BYTES = MiB;
/** Per-shard read limit shared by polling readers, and per EFO consumer (KDS 1, KDS 3). */
export const SHARD_READ_BYTES = 2 * MiB;
/** A unique key's default length (a UUID): 36 one-byte characters on every record. */
export const UNIQUE_KEY_BYTES = 36;

/** A scenario from YAML text: parsed, checked against AWS limits, service defaults filled. */
export function scenarioOf(yaml: string): Scenario {
  return loadScenarioText(yaml, '/virtual/x.yaml', {
    readFile: (path) => {
      throw new Error(`no file ${path} in a test scenario`);
    },
  }).scenario;
}

/** Runs a scenario written as YAML in the engine model. */
export function runOf(yaml: string, options: SimulateOptions = {}): RunResult {
  return simulateScenario(scenarioOf(yaml), options);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

/** Seconds [from, to) of a per-second series. */
export function between(series: readonly number[], from: number, to: number): number[] {
  return series.slice(from, to);
}

/** A metric that must exist. */
export function metric(result: RunResult, name: string): number {
  const value = result.metrics[name];
  if (value === undefined) throw new Error(`run has no metric ${name}`);
  return value;
}
