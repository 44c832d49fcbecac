/**
 * shardcast's programmatic API: load a scenario, plan it, and the types that come with them.
 *
 * ```ts
 * import { loadScenarioFile, planScenario } from 'shardcast';
 * const { scenario } = loadScenarioFile('scenarios/launch-day.yaml');
 * const plan = planScenario(scenario);
 * console.log(plan.metrics['shards.recommended']);
 * ```
 */

export { FIREHOSE, KINESIS } from './aws/facts.js';
export { evenShardRanges, hashKeyOf, routingHashKey, shardIndexOf } from './aws/hash.js';
export { type PriceName, type PriceTable, resolvePrices, US_EAST_1_PRICES } from './aws/pricing.js';
export { ExitCode, formatProblem, InvalidInputError, type Problem, ShardcastError } from './errors.js';
export { type KeyLoad, keyLoad } from './keys/load.js';
export { loadScenarioFile, loadScenarioText } from './load.js';
export { type PlanOptions, planScenario } from './planner/index.js';
export type * from './planner/types.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type { LoadedScenario } from './scenario/load.js';
export type { Scenario, ScenarioInput } from './scenario/schema.js';
