/**
 * A target replays a scenario somewhere and measures it: one small contract (docs/style.md habit 5),
 * one implementation per system. `model` is the built-in engine; `aws` and `http` come next.
 */
import type { PlacedKeys } from '../keys/placement.js';
import type { RunHeader, RunResult } from '../result/types.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunOptions {
  seed?: number;
  durationSeconds?: number;
  header: RunHeader;
  onProgress?: (fraction: number) => void;
  /** Every producer's keys already placed by the plan (a target that routes by key may reuse them). */
  placedKeys?: ReadonlyMap<string, PlacedKeys>;
}

export interface Target {
  name: string;
  describe(): string;
  run(scenario: Scenario, options: RunOptions): Promise<RunResult>;
}
