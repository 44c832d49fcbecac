/**
 * Reading a file a scenario names (a trace's `file:`), confined to where the scenario may read.
 * A scenario can come from an untrusted pull request and run in CI: a trace `file:` of
 * `/etc/passwd`, `/proc/self/environ` or `../../secret` was read, and its first malformed line
 * echoed into the CI log; `/dev/zero` hung the planner (issue 9, point 15). So a named file must:
 *
 * - resolve inside the scenario's folder, or inside a folder the command line allows
 *   (`--allow-path DIR`), both before and after symbolic links are followed (`realpath`);
 * - be a regular file (not a device, FIFO, socket or directory), checked on the opened descriptor
 *   so the file cannot be swapped between the check and the read;
 * - be at most `MAX_SCENARIO_FILE_BYTES`, read no further than that.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The largest file a scenario may name. The bundled trace (361 points at 10 s) is 4 KiB; a month
 * at 1 s resolution is 2,678,400 lines of about 16 bytes (`2678399,12345.6\n`) ≈ 41 MiB, under
 * 64 MiB with room for longer numbers. Beyond it, the planner would hold more points than a run of
 * the longest duration shardcast models (31 days) can use.
 */
export const MAX_SCENARIO_FILE_BYTES = 64 * 1024 * 1024;

/** A file the scenario may not read: an input error with a hint, never the file's content. */
export class ConfinedPathError extends Error {
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = 'ConfinedPathError';
    this.hint = hint;
  }
}

export interface ConfinedReadOptions {
  /** The scenario's folder: named files are relative to it, and may lie in it or below. */
  baseDir: string;
  /** More folders files may lie in (`--allow-path`), absolute or relative to `cwd`. */
  allowPaths: readonly string[];
  /** Where relative `allowPaths` resolve; without it, Node resolves them (the process's directory). */
  cwd?: string | undefined;
  /**
   * Reads a file that is not on disk (tests keep scenarios and traces in memory). Only called for a
   * path inside an allowed folder that the real filesystem does not have.
   */
  readMissing: (path: string) => string;
}

/** The text of `name` (as written in the scenario), or a `ConfinedPathError` saying why it may not be read. */
export function readConfined(name: string, options: ConfinedReadOptions): string {
  const { cwd } = options;
  const roots = [
    options.baseDir,
    ...options.allowPaths.map((p) => (cwd === undefined ? resolve(p) : resolve(cwd, p))),
  ];
  const path = resolve(options.baseDir, name);
  const allowed = `the scenario's folder${roots.length > 1 ? ` or ${roots.slice(1).join(', ')}` : ''}`;
  const hint = `put the file in ${roots[0]} (or below), or allow its folder with --allow-path DIR`;
  // Written paths first: `../../secret` and `/etc/passwd` are refused without touching the disk.
  if (!roots.some((root) => inside(root, path))) {
    throw new ConfinedPathError(
      `it is outside ${allowed}: a scenario reads only files beside it or below`,
      hint,
    );
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const text = options.readMissing(path);
      if (text.length > MAX_SCENARIO_FILE_BYTES) throw tooLarge(text.length);
      return text;
    }
    throw error;
  }
  // Then where symbolic links lead: `trace.csv -> /etc/passwd` inside the folder is still outside.
  if (!roots.some((root) => inside(realOrSelf(root), real))) {
    throw new ConfinedPathError(
      `it is a symbolic link to ${real}, outside ${allowed}: a scenario reads only files beside it or below`,
      hint,
    );
  }
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can say
  // it is not a regular file.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new ConfinedPathError(
        `it is not a regular file (${kindOf(stat)}): a scenario reads only regular files`,
        'name a CSV file',
      );
    }
    if (stat.size > MAX_SCENARIO_FILE_BYTES) throw tooLarge(stat.size);
    // Read no more than the limit even if the file grows meanwhile.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_SCENARIO_FILE_BYTES));
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(bytes: number): ConfinedPathError {
  return new ConfinedPathError(
    `it is ${mib(bytes)}, above the ${mib(MAX_SCENARIO_FILE_BYTES)} a scenario may read (a month of 1 s points is about 41 MiB)`,
    'resample the trace to a coarser step (10 s points keep most bursts)',
  );
}

function inside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function kindOf(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
