/**
 * shardcast's programmatic API: load a scenario, plan it, run it on the engine model, evaluate
 * gates, write the report, and the types that come with them.
 *
 * ```ts
 * import { loadScenarioFile, planScenario, renderReport, simulateScenario } from 'shardcast';
 * const { scenario } = loadScenarioFile('scenarios/launch-day.yaml');
 * const plan = planScenario(scenario);
 * const result = simulateScenario(scenario);
 * console.log(plan.metrics['shards.recommended'], result.metrics.throttledRatio);
 * const html = renderReport({ plan, result, generatedAt: new Date().toISOString(), shardcastVersion: '0.1.0' });
 * ```
 *
 * Or the whole of `shardcast run` (plan, run, gates, artefacts) without the CLI:
 *
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { loadScenarioFile, modelTarget, runScenario, writeArtifacts } from 'shardcast';
 * const { scenario } = loadScenarioFile('scenarios/launch-day.yaml');
 * const run = await runScenario(scenario, modelTarget, { seed: 7, durationSeconds: 600 });
 * const files = writeArtifacts('out', run, (path, text) => writeFileSync(path, text));
 * console.log(run.verdicts.every((v) => v.passed), files);
 * ```
 */

export { FIREHOSE, KINESIS } from './aws/facts.js';
export { evenShardRanges, hashKeyOf, routingHashKey, shardIndexOf } from './aws/hash.js';
export { type PriceName, type PriceTable, resolvePrices, US_EAST_1_PRICES } from './aws/pricing.js';
export type { ComparisonSummary, GateSummary, RunSummary } from './cli/summary.js';
export {
  createSimulation,
  type SimulateOptions,
  type SteppedSimulation,
  simulateScenario,
} from './engine/simulate.js';
export {
  type CleanupReport,
  ExitCode,
  formatProblem,
  InvalidInputError,
  type Problem,
  RunAbortedError,
  ShardcastError,
  type SourceLocation,
} from './errors.js';
export { compareMetrics } from './gates/compare.js';
export { evaluateGates, type GateVerdict } from './gates/evaluate.js';
export { type LiveGateFailure, LiveGates } from './gates/live.js';
export { parseCliGates } from './gates/validate.js';
export { type KeyLoad, keyLoad } from './keys/load.js';
export { loadScenarioFile, loadScenarioText } from './load.js';
export { type Finding, type FindingCode, type FindingSeverity, findingText } from './planner/findings.js';
export { type PlanOptions, planScenario } from './planner/index.js';
export type * from './planner/types.js';
export {
  type ChartImage,
  type PlanView,
  planView,
  type ReportChart,
  type ReportInput,
  renderChartImages,
  renderReport,
  reportCharts,
} from './report/index.js';
export { parseResult, serializeResult } from './result/io.js';
export type { SecondSample } from './result/live.js';
export {
  type FirehoseTotals,
  type RecorderShape,
  type RecorderTotals,
  RunRecorder,
  type WriteCounts,
} from './result/recorder.js';
export type * from './result/types.js';
export {
  type ArtifactInput,
  type ArtifactWriter,
  artifactNames,
  type DryRunOutcome,
  dryRunScenario,
  partialOutcome,
  type ReadyRun,
  type RunOutcome,
  type RunScenarioOptions,
  runScenario,
  type WriteArtifactsOptions,
  writeArtifacts,
} from './run/index.js';
export {
  checkMeasuredGates,
  checkShare,
  type LocateOption,
  parseTargetOptions,
} from './run/target-inputs.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type { LoadedScenario } from './scenario/load.js';
export type { Scenario, ScenarioInput } from './scenario/schema.js';
export {
  TARGETS,
  type Target,
  type TargetContext,
  type TargetFlag,
  type TargetRegistry,
  type TargetSession,
  type TargetShare,
  WHOLE_RUN,
} from './targets/index.js';
export { matchesMeasurePattern, measurePatternProblem, measures } from './targets/measures.js';
export { modelTarget } from './targets/model.js';
// What a target sends, record by record (seeded, shared with the engine).
export * from './workload/index.js';
