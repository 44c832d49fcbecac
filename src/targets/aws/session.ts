/**
 * Placeholder until the lead's session lands (it replaces this file at the merge): the aws
 * target's control plane compiles against its signature. Nothing calls `run` in the tests of this
 * branch.
 */
import type { RunResult } from '../../result/types.js';
import type { TargetContext } from '../target.js';
import type { AwsOptions } from './options.js';
import type { AwsClients, RunResources } from './run.js';

export interface AwsSession {
  run(): Promise<RunResult>;
  partial(): RunResult | undefined;
}

export function createAwsSession(
  _context: TargetContext<AwsOptions>,
  _clients: AwsClients,
  _resources: RunResources,
  _about: { details: Record<string, string>; resourceLines: () => string[] },
): AwsSession {
  return {
    run: () => Promise.reject(new Error('session not merged')),
    partial: () => undefined,
  };
}
