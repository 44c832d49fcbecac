/**
 * Error classes every module throws and only `src/cli/` prints. Exit codes are part of the public
 * contract (README, "Exit codes").
 */

import { printable } from './printable.js';
import { plural } from './scenario/units.js';

export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  invalidInput: 2,
  targetFailed: 3,
  internal: 70,
  /** Stopped by SIGINT/SIGTERM or by the caller (128 + SIGINT's 2, as shells report it). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a problem sits: the file, 1-based line and column, and the path inside the document. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  /** e.g. `producers[0].rate.to` */
  path: string;
}

/** One problem found in user input. */
export interface Problem {
  location: SourceLocation;
  message: string;
  /** What was expected, in words (`a duration such as 10m`). */
  expected?: string;
  /** What was found, rendered for display. */
  found?: string;
  hint?: string;
}

export class ShardcastError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: string, message: string, exitCode: ExitCode, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A user mistake in a scenario, a command-line argument or an input file: exit code 2. */
export class InvalidInputError extends ShardcastError {
  readonly problems: readonly Problem[];
  /** Warnings found in the same pass: shown with the problems, so fixing those reveals nothing new. */
  readonly warnings: readonly Problem[];

  constructor(problems: readonly Problem[], message?: string, warnings: readonly Problem[] = []) {
    super('invalid-input', message ?? `${plural(problems.length, 'problem')} found`, ExitCode.invalidInput);
    this.problems = problems;
    this.warnings = warnings;
  }
}

/**
 * A run stopped before its end because its `AbortSignal` fired (SIGINT, SIGTERM, or a caller's
 * abort): exit code 130; or because a gate failed beyond recovery (`--abort-on-fail`) and the
 * target had no partial result: exit code 1. The pipeline rethrows it with how far the run got,
 * what cleanup did and, when the target had one, the partial outcome.
 */
export class RunAbortedError extends ShardcastError {
  /** Seconds of the run done when it stopped, as the target's samples or progress said; undefined when unknown. */
  readonly secondsDone: number | undefined;
  /** Seconds the run was to last. */
  readonly durationSeconds: number | undefined;
  /** What cleanup reported (one line per resource), or why it failed. */
  readonly cleanup: CleanupReport | undefined;
  /**
   * What stopped it: the signal (SIGINT, SIGTERM, a caller's abort: exit 130) or a gate failed
   * beyond recovery (`--abort-on-fail`: exit 1, the gate failed).
   */
  readonly stoppedBy: 'signal' | 'gate';
  /**
   * The run's outcome over what it measured before it stopped, marked aborted, when the target
   * had one (the pipeline's `RunOutcome`; read it with `partialOutcome` from src/run/).
   */
  readonly partial: unknown;

  constructor(
    message = 'the run was aborted',
    details: {
      secondsDone?: number;
      durationSeconds?: number;
      cleanup?: CleanupReport;
      stoppedBy?: 'signal' | 'gate';
      partial?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super('aborted', message, details.stoppedBy === 'gate' ? ExitCode.gateFailed : ExitCode.interrupted);
    this.secondsDone = details.secondsDone;
    this.durationSeconds = details.durationSeconds;
    this.cleanup = details.cleanup;
    this.stoppedBy = details.stoppedBy ?? 'signal';
    this.partial = details.partial;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** What a target's cleanup did: its lines (`deleted stream x`), or the error it threw. */
export type CleanupReport = { ok: true; lines: readonly string[] } | { ok: false; error: unknown };

/** A file could not be read or written. */
export class FileError extends ShardcastError {
  constructor(message: string, hint?: string) {
    super('file', message, ExitCode.invalidInput, hint);
  }
}

/** Why a file could not be read, in words: `no such file`, `it is a directory`, or the error code. */
export function readErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? String(error);
}

/** Renders `file:line:column` (or `file` alone) for a location. */
export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file;
  return `${location.file}:${location.line}:${location.column ?? 1}`;
}

/** One line per problem: `file:line:col: path: message (expected …, found …)`. */
export function formatProblem(problem: Problem): string {
  // Every part may hold text from the file (a field's name, a value): printed escaped and cut.
  const where = printable(formatLocation(problem.location), 400);
  const path = problem.location.path === '' ? '(document)' : printable(problem.location.path, 400);
  // A command-line argument is its own path (`--gate[2]`): naming it twice (`--gate: --gate[2]:`) says nothing more.
  const named = problem.location.line === undefined && path.startsWith(where);
  const message = printable(problem.message, 600);
  let text = named ? `${path}: ${message}` : `${where}: ${path}: ${message}`;
  const detail: string[] = [];
  if (problem.expected !== undefined) detail.push(`expected ${printable(problem.expected, 400)}`);
  if (problem.found !== undefined) detail.push(`found ${printable(problem.found)}`);
  if (detail.length > 0) text += ` (${detail.join(', ')})`;
  if (problem.hint !== undefined) text += `\n    hint: ${printable(problem.hint, 600)}`;
  return text;
}

/**
 * `error` as a real target's failure (exit 3), in one line, when it is not already shardcast's
 * own: an SDK or socket error no part of the target turned into words (an endpoint refusing a
 * listing) must never end a run as an internal error (exit 70) with a stack trace.
 */
export function asTargetFailure(error: unknown): unknown {
  if (error instanceof ShardcastError || !(error instanceof Error)) return error;
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  return Object.assign(
    new ShardcastError(
      'target-failed',
      `the run failed: ${name}${error.message.split('\n')[0]}`,
      ExitCode.targetFailed,
    ),
    { cause: error },
  );
}
