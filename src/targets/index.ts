import { modelTarget } from './model.js';
import type { Target } from './target.js';

export type { Target, TargetContext, TargetSession, TargetShare } from './target.js';
export { WHOLE_RUN } from './target.js';

/** Targets by name. */
export const TARGETS: ReadonlyMap<string, Target<unknown>> = new Map<string, Target<unknown>>([
  [modelTarget.name, modelTarget],
]);
