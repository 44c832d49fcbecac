import { modelTarget } from './model.js';
import type { Target } from './target.js';

export type { RunOptions, Target } from './target.js';

/** Targets by name. */
export const TARGETS: ReadonlyMap<string, Target> = new Map([[modelTarget.name, modelTarget]]);
