/**
 * What a run leaves behind, listed once: `result.json`, `plan.json`, `junit.xml`, `summary.md`,
 * `gates.json` and, unless turned off, the HTML report `index.html`. Written through the writer the
 * caller gives (the CLI's atomic `writeArtefact`, a test's recorder, a worker's upload), so this
 * module renders and never touches the filesystem.
 */
import { join } from 'node:path';
import { GATES_FILE, serializeGates } from '../gates/file.js';
import { renderJUnit, renderSummaryMarkdown, targetProperties } from '../report/ci.js';
import { renderReport } from '../report/html.js';
import { abortedText, measuredOr, targetView } from '../report/target-view.js';
import { serializeResult } from '../result/io.js';
import type { RunResult } from '../result/types.js';
import { formatNumber, formatPercent, formatSeconds, formatUsd } from '../scenario/units.js';
import { SHARDCAST_VERSION } from '../version.js';
import type { RunOutcome } from './pipeline.js';

/** Writes one file's text at a path (`join(dir, name)`); it throws when it cannot. */
export type ArtifactWriter = (path: string, data: string) => void;

export interface WriteArtifactsOptions {
  /** Write `index.html`, the HTML report (`run --no-html` turns it off). */
  html?: boolean | undefined;
  /** In the report; this package's version when absent. */
  shardcastVersion?: string | undefined;
}

/** What `writeArtifacts` needs of a run: `runScenario`'s outcome fits. */
export type ArtifactInput = Pick<RunOutcome, 'plan' | 'result' | 'verdicts' | 'target'>;

/** One artefact: its file name and how it renders. */
interface Artifact {
  name: string;
  /** Only when the caller asks for the HTML report. */
  htmlOnly?: true;
  render(run: ArtifactInput, options: WriteArtifactsOptions): string;
}

/** Every file a run writes, in the order it writes them: the one list of a run's outputs. */
const ARTIFACTS: readonly Artifact[] = [
  { name: 'result.json', render: ({ result }) => serializeResult(result) },
  { name: 'plan.json', render: ({ plan }) => `${JSON.stringify(plan, null, 2)}\n` },
  {
    name: 'junit.xml',
    render: ({ result, verdicts }) =>
      renderJUnit(verdicts, {
        suiteName: `shardcast ${result.scenario.name}`,
        timestamp: result.header.startedAt,
        timeSeconds: result.header.wallSeconds,
        aborted: result.aborted === undefined ? undefined : abortedText(result.aborted),
        properties: targetProperties(targetView(result), result.target?.metrics ?? {}),
      }),
  },
  {
    name: 'summary.md',
    render: ({ plan, result, verdicts, target }) =>
      renderSummaryMarkdown({
        scenarioName: result.scenario.name,
        target,
        verdicts,
        keyFigures: keyFigures(result, plan.metrics),
        aborted: result.aborted === undefined ? undefined : abortedText(result.aborted),
        targetView: targetView(result),
      }),
  },
  { name: GATES_FILE, render: ({ verdicts }) => serializeGates(verdicts) },
  {
    name: 'index.html',
    htmlOnly: true,
    render: ({ plan, result, verdicts }, options) =>
      renderReport({
        plan,
        result,
        verdicts,
        // The report was made when the run finished: the same instant in every artefact.
        generatedAt: result.header.finishedAt,
        shardcastVersion: options.shardcastVersion ?? SHARDCAST_VERSION,
      }),
  },
];

/** The names of the files `writeArtifacts` writes with these options, in its order. */
export function artifactNames(options: WriteArtifactsOptions = {}): string[] {
  return ARTIFACTS.filter((a) => options.html !== false || a.htmlOnly !== true).map((a) => a.name);
}

/**
 * Renders a run's artefacts and writes each into `dir` through `write`, in the order listed.
 * @returns the names of the files written, in that order (`run --json` lists them).
 */
export function writeArtifacts(
  dir: string,
  run: ArtifactInput,
  write: ArtifactWriter,
  options: WriteArtifactsOptions = {},
): string[] {
  const names = artifactNames(options);
  // Rendered one at a time, so a 20 MB result.json is not held beside a 20 MB report.
  for (const artifact of ARTIFACTS) {
    if (names.includes(artifact.name)) write(join(dir, artifact.name), artifact.render(run, options));
  }
  return names;
}

/** The figures `summary.md` shows beside the gates ("not measured" for those the target does not measure). */
function keyFigures(result: RunResult, planMetrics: Record<string, number>): Record<string, string> {
  const m = result.metrics;
  const shown = (metric: string, text: string) => measuredOr(result, metric, text);
  return {
    'records produced': shown('records.produced', formatNumber(m['records.produced'] ?? 0)),
    'throttled attempts': shown('throttledRatio', formatPercent(m.throttledRatio ?? 0)),
    'records lost': shown('lostRecords', formatNumber(m.lostRecords ?? 0)),
    'put latency p95': shown('putLatency.p95', formatSeconds(m['putLatency.p95'] ?? 0)),
    'put latency p99': shown('putLatency.p99', formatSeconds(m['putLatency.p99'] ?? 0)),
    'hottest shard': shown(
      'shards.maxUtilization',
      `${formatPercent(m['shards.maxUtilization'] ?? 0)} of its limit`,
    ),
    'shards recommended (plan)': String(planMetrics['shards.recommended'] ?? ''),
    'monthly cost, provisioned (plan)': formatUsd(planMetrics['cost.monthly.provisioned'] ?? 0),
    'monthly cost, total (plan)': formatUsd(planMetrics['cost.monthly.total'] ?? 0),
  };
}
