/** The run pipeline (`runScenario`) and what a run leaves behind (`writeArtifacts`). */
export {
  type ArtifactInput,
  type ArtifactWriter,
  artifactNames,
  type WriteArtifactsOptions,
  writeArtifacts,
} from './artifacts.js';
export {
  type DryRunOutcome,
  dryRunScenario,
  partialOutcome,
  type ReadyRun,
  type RunOutcome,
  type RunScenarioOptions,
  runScenario,
} from './pipeline.js';
