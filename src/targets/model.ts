/** The `model` target: the built-in engine model, in virtual time, with no AWS account. */
import { z } from 'zod';
import { simulateScenario } from '../engine/simulate.js';
import type { Target } from './target.js';

export const modelTarget: Target<Record<string, never>> = {
  name: 'model',
  describe: () => 'the built-in engine model of Kinesis and Firehose (virtual time, deterministic per seed)',
  options: z.strictObject({}),
  // The model computes every run metric.
  measures: ['**'],
  // It simulates the whole stream in one process: a share of the load would see the whole stream's capacity.
  supportsShares: false,
  prepare: async (context) => ({
    run: async () =>
      simulateScenario(context.scenario, {
        seed: context.seed,
        durationSeconds: context.durationSeconds,
        header: context.header,
        ...(context.placedKeys === undefined ? {} : { placedKeys: context.placedKeys }),
        ...(context.onProgress === undefined ? {} : { onProgress: context.onProgress }),
      }),
    cleanup: async () => [],
  }),
};
