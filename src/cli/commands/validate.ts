import { stringify } from 'yaml';
import { ExitCode, formatProblem, InvalidInputError, type Problem } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { plural } from '../../scenario/units.js';
import { TARGETS } from '../../targets/index.js';
import type { TargetRegistry } from '../../targets/target.js';
import type { Io } from '../io.js';
import { loadScenario } from '../read.js';

/** A problem or warning for scripts: where, what, and the line stderr prints for it. */
export interface ProblemJson {
  file: string;
  line?: number;
  column?: number;
  /** The path inside the document: `producers[0].rate`. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
  /** As printed on stderr: `file:line:col: path: message (expected …, found …)`. */
  text: string;
}

/**
 * `validate --json` without `--print`: the verdict for scripts. An invalid scenario still exits 2
 * with its problems on stderr; stdout gets `valid: false` and the same problems.
 */
export type ValidationVerdict =
  | {
      version: 1;
      valid: true;
      file: string;
      name: string;
      counts: { producers: number; consumers: number; firehose: number; events: number; gates: number };
      warnings: ProblemJson[];
    }
  | { version: 1; valid: false; file: string; problems: ProblemJson[]; warnings: ProblemJson[] };

function problemJson(p: Problem): ProblemJson {
  return { ...p.location, message: p.message, ...pick(p), text: formatProblem(p) };
}

function pick(p: Problem): Pick<Problem, 'expected' | 'found' | 'hint'> {
  return {
    ...(p.expected === undefined ? {} : { expected: p.expected }),
    ...(p.found === undefined ? {} : { found: p.found }),
    ...(p.hint === undefined ? {} : { hint: p.hint }),
  };
}

export interface ValidateArgs {
  file: string;
  print: boolean;
  json: boolean;
  /** `--set PATH=VALUE` overrides. */
  set: readonly string[];
  /** Folders beyond the scenario's own that files it names may be read from (`--allow-path`). */
  allowPath?: readonly string[] | undefined;
}

/** `shardcast validate FILE [--print] [--json] [--set PATH=VALUE]…`: a verdict (text or JSON), or the scenario resolved. */
export function commandValidate(io: Io, args: ValidateArgs, targets: TargetRegistry = TARGETS): number {
  let loaded: ReturnType<typeof loadScenario>;
  try {
    // A gate may name the own metric of any target `run` can go to (`integrity.<app>.missing`).
    loaded = loadScenario(io, args.file, args.set, args.allowPath, [...targets.values()]);
  } catch (error) {
    // The problems go to stderr as ever (main prints them, exit 2); a script reading stdout gets them too.
    if (args.json && !args.print && error instanceof InvalidInputError) {
      const verdict: ValidationVerdict = {
        version: 1,
        valid: false,
        file: args.file,
        problems: error.problems.map(problemJson),
        warnings: error.warnings.map(problemJson),
      };
      io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
    }
    throw error;
  }
  if (args.print) {
    const written = toWritten(loaded.scenario);
    io.stdout(args.json ? `${JSON.stringify(written, null, 2)}\n` : stringify(written, { lineWidth: 0 }));
  } else if (args.json) {
    const s = loaded.scenario;
    const verdict: ValidationVerdict = {
      version: 1,
      valid: true,
      file: args.file,
      name: s.name,
      counts: {
        producers: s.producers.length,
        consumers: s.consumers.length,
        firehose: s.firehose.length,
        events: s.events.length,
        gates: s.gates.length,
      },
      warnings: loaded.warnings.map(problemJson),
    };
    io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  } else {
    const s = loaded.scenario;
    io.stdout(
      `${args.file}${setText(loaded.overrides)}: valid scenario "${s.name}": ${plural(s.producers.length, 'producer')}, ${plural(s.consumers.length, 'consumer')}, ${plural(s.firehose.length, 'Firehose stream')}, ${plural(s.events.length, 'event')}${loaded.warnings.length > 0 ? `, ${plural(loaded.warnings.length, 'warning')}` : ''}\n`,
    );
  }
  return ExitCode.ok;
}

/** ` with --set a=1 --set b=2`, or nothing. */
export function setText(overrides: readonly string[]): string {
  return overrides.length === 0 ? '' : ` with ${overrides.map((o) => `--set ${o}`).join(' ')}`;
}

/**
 * The resolved scenario in a form the schema reads back: quantities stay in base units (bytes,
 * seconds), and rates become `N/s` (records) or `NB/s` (bytes) strings.
 */
export function toWritten(scenario: Scenario): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 2 && 'kind' in record && 'perSecond' in record) {
        return record.kind === 'bytes' ? `${record.perSecond}B/s` : `${record.perSecond}/s`;
      }
      // A trace read from `file` got its `points` on loading; the schema takes one or the other,
      // so print the file the user wrote (its path stays relative to the scenario).
      const loadedTrace = record.profile === 'trace' && record.file !== undefined;
      return Object.fromEntries(
        keys
          .filter((k) => record[k] !== undefined && !(loadedTrace && k === 'points'))
          .map((k) => [k, walk(record[k])]),
      );
    }
    return value;
  };
  return walk(scenario);
}
