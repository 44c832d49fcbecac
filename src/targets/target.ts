/**
 * A target replays a scenario somewhere and measures it: one small contract (STYLE.md habit 5),
 * one implementation per system. `model` is the built-in engine; `aws` and `http` come next.
 */
import type { RunHeader, RunResult } from '../result/types.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunOptions {
  seed?: number;
  durationSeconds?: number;
  header: RunHeader;
  onProgress?: (fraction: number) => void;
}

export interface Target {
  name: string;
  describe(): string;
  run(scenario: Scenario, options: RunOptions): Promise<RunResult>;
}
