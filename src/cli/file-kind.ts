/**
 * What a file given where a result.json (or a plan) is expected actually is: shardcast writes
 * several JSON files side by side (plan.json, gates.json, result.json) and prints others (`run
 * --json`, `compare --json`, `validate --json`), and a scenario is one tab-completion away. Given
 * the wrong one, a user is told what the file is and what to give instead, rather than "result
 * format version 3 cannot be read" (a plan's version) or "not valid JSON … found '#'" (a YAML
 * scenario).
 */
import { ExitCode, ShardcastError } from '../errors.js';

export type FileKind = 'result' | 'plan' | 'gates' | 'run-summary' | 'comparison' | 'validation' | 'scenario';

/** A top-level `producers:` or `stream:` line: a scenario written in YAML (every scenario has both). */
const YAML_SCENARIO = /^(?:producers|stream)[ \t]*:/m;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The kind of a parsed JSON document, told apart by the fields only that kind has; undefined when
 * it is none of them (the caller's own checks then say what is wrong with it).
 */
export function jsonKind(data: unknown): FileKind | undefined {
  if (!isObject(data)) return undefined;
  const has = (...keys: string[]) => keys.every((key) => key in data);
  if (has('counters', 'histograms')) return 'result';
  if (has('traffic', 'shards')) return 'plan';
  if (has('runId', 'outDir', 'gates')) return 'run-summary';
  if (has('baseline', 'current', 'rows')) return 'comparison';
  if (has('verdicts', 'pending')) return 'gates';
  if (typeof data.valid === 'boolean') return 'validation';
  if (has('producers')) return 'scenario';
  return undefined;
}

/** Whether `text`, which is not JSON, reads as a scenario written in YAML. */
export function looksLikeYamlScenario(text: string): boolean {
  return YAML_SCENARIO.test(text);
}

/** What each kind is, in words, for "FILE is …". */
const WHAT: Record<FileKind, string> = {
  result: "a run's result.json",
  plan: 'a plan (written by `shardcast plan --out`)',
  gates: 'a gates.json (the verdicts of the gates, written beside a plan or a result)',
  'run-summary': 'the summary `shardcast run --json` prints',
  comparison: 'a comparison (printed by `shardcast compare --json`)',
  validation: 'a verdict printed by `shardcast validate --json`',
  scenario: 'a scenario',
};

/**
 * The input error for `file`, of kind `kind`, given where `expected` (in words) is read, with
 * what to give instead. `data` is the parsed document, for the folder a run summary names.
 */
export function wrongFileError(
  file: string,
  kind: Exclude<FileKind, 'result'>,
  expected: string,
  data?: unknown,
): ShardcastError {
  const hint: Record<Exclude<FileKind, 'result'>, string> = {
    plan: 'a plan has no measurements; run the scenario (`shardcast run SCENARIO --out DIR`) and give DIR/result.json',
    gates: 'give the result.json (or, to report a plan, the plan.json) in the same folder',
    'run-summary': `the whole result is the result.json in the run's folder${
      isObject(data) && typeof data.outDir === 'string' ? ` (${data.outDir}/result.json)` : ''
    }`,
    comparison: 'give the result.json files the comparison was made of',
    validation: 'give a result.json written by `shardcast run`',
    scenario: `run it first: \`shardcast run ${file} --out DIR\`, then give DIR/result.json`,
  };
  return new ShardcastError(
    'invalid-result',
    `${file} is ${WHAT[kind]}, not ${expected}`,
    ExitCode.invalidInput,
    hint[kind],
  );
}

/** What `report` says for a file that is neither a result nor a plan but is one of the others. */
export function notReportableError(file: string, kind: Exclude<FileKind, 'result' | 'plan'>, data?: unknown) {
  if (kind === 'scenario') {
    return new ShardcastError(
      'invalid-result',
      `${file} is a scenario, not a run's result.json or a plan`,
      ExitCode.invalidInput,
      `report draws a run or a plan: \`shardcast run ${file} --out DIR\` (or \`shardcast plan ${file} --out DIR\`) writes DIR/index.html itself; \`shardcast report DIR/result.json\` (or DIR/plan.json) draws it again`,
    );
  }
  return wrongFileError(file, kind, "a run's result.json or a plan", data);
}
