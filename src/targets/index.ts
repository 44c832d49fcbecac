import { awsTarget } from './aws/index.js';
import { httpTarget } from './http/index.js';
import { modelTarget } from './model.js';
import type { Target, TargetRegistry } from './target.js';

export type {
  Target,
  TargetContext,
  TargetFlag,
  TargetRegistry,
  TargetSession,
  TargetShare,
} from './target.js';
export { WHOLE_RUN } from './target.js';

/** Targets by name. */
export const TARGETS: TargetRegistry = new Map<string, Target<unknown>>([
  [modelTarget.name, modelTarget],
  [awsTarget.name, awsTarget as Target<unknown>],
  [httpTarget.name, httpTarget as Target<unknown>],
]);
