/** The `model` target: the built-in engine model, in virtual time, with no AWS account. */
import { simulateScenario } from '../engine/simulate.js';
import type { Target } from './target.js';

export const modelTarget: Target = {
  name: 'model',
  describe: () => 'the built-in engine model of Kinesis and Firehose (virtual time, deterministic per seed)',
  run: async (scenario, options) => simulateScenario(scenario, options),
};
