/**
 * Helpers for the planner tests: scenarios from YAML text (loaded as the CLI loads them), and an
 * oracle for key → shard placement written from the documented rule (docs/aws-facts.md, KDS 2: MD5 of
 * the UTF-8 key as a 128-bit big-endian integer, or the ExplicitHashKey; shard i of n owns
 * [floor(i·2^128/n), floor((i+1)·2^128/n) − 1]), independent of src/aws/hash.ts and src/keys/.
 */
import { createHash } from 'node:crypto';
import { loadScenarioText } from '../../src/load.js';
import { findingText } from '../../src/planner/findings.js';
import { type Plan, planScenario } from '../../src/planner/index.js';
import type { Scenario } from '../../src/scenario/schema.js';

/** Numbers the expectations are written with (not imported from src/, so the tests stay an oracle). */
export const KiB = 1024;
export const MiB = 1024 * 1024;
/** AWS bills GB of 2^30 bytes (docs/aws-facts.md; the Price List's "GB"). */
export const GB = 1024 ** 3;
/** Hours in the month every monthly cost uses. */
export const HOURS = 730;
/** Seconds in that month: 730 × 3,600. */
export const MONTH_SECONDS = 730 * 3600;

/** A scenario from YAML text: parsed, checked against AWS limits, service defaults filled. */
export function scenarioOf(yaml: string): Scenario {
  return loadScenarioText(yaml, '/virtual/test-scenario.yaml', {
    readFile: (path) => {
      throw new Error(`no file ${path} in a test scenario`);
    },
  }).scenario;
}

/** Plans a scenario written as YAML. */
export function planOf(yaml: string): Plan {
  return planScenario(scenarioOf(yaml));
}

/** 2^128, the size of the hash-key space. */
export const HASH_SPACE = 1n << 128n;

/** The MD5 hash key of a partition key, computed here from node:crypto. */
export function md5HashKey(key: string): bigint {
  return BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`);
}

/** Shard of n (even split) owning a hash key: the i with floor(i·2^128/n) ≤ h < floor((i+1)·2^128/n). */
export function shardOf(hashKey: bigint, n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    if ((BigInt(i) * HASH_SPACE) / BigInt(n) <= hashKey) return i;
  }
  return 0;
}

/** One producer's keys with their record shares, for the oracle. */
export interface OracleKey {
  key: string;
  share: number;
  hashKey?: bigint;
}

/** Records per second on each of n shards when `recordsPerSecond` spread over `keys` by share. */
export function shardRecords(keys: readonly OracleKey[], recordsPerSecond: number, n: number): number[] {
  const loads = new Array<number>(n).fill(0);
  for (const k of keys) {
    const s = shardOf(k.hashKey ?? md5HashKey(k.key), n);
    loads[s] = loads[s]! + recordsPerSecond * k.share;
  }
  return loads;
}

/** A plan metric that must exist. */
export function metric(plan: Plan, name: string): number {
  const value = plan.metrics[name];
  if (value === undefined) throw new Error(`plan has no metric ${name}`);
  return value;
}

/** The plan's problems and warnings (findings of severity error or warning), worded as printed. */
export function warningsOf(plan: Plan): string[] {
  return plan.findings.filter((f) => f.severity !== 'info').map(findingText);
}

/** The plan's advice (findings of severity info), worded as printed. */
export function recommendationsOf(plan: Plan): string[] {
  return plan.findings.filter((f) => f.severity === 'info').map(findingText);
}
