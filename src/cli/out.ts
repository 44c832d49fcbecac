/**
 * `--out` means one thing on every command: a directory the artefacts go into, created when
 * missing. A path that cannot be one (a file, a parent that is a file, no permission) is an input
 * error (exit 2) naming the path and why, found before anything is written; a write that fails
 * inside it says the same, never a stack trace.
 */
import { basename, dirname, join } from 'node:path';
import { FileError } from '../errors.js';
import { displayPath, type Io, resolvePath } from './io.js';

/** Names that look like a file rather than a folder: `--out plan.json` was the old habit. */
const FILE_LIKE = /\.(?:json|html?|xml|md|svg|png|ya?ml)$/i;

/** Why a directory cannot be created or written to, in words, from the filesystem's error code. */
function whyNot(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EEXIST':
      return 'it is a file, not a directory';
    case 'ENOENT':
      // A parent that exists and still cannot hold a new folder: /proc, /sys, a removed folder.
      return 'this filesystem does not allow creating it';
    case 'ENOTDIR':
      return 'a part of it is a file, not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the filesystem is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return code ?? String(error);
  }
}

/**
 * The absolute directory `--out PATH` names, created (with its parents) when missing.
 * @throws FileError (exit 2) when PATH cannot be a directory, or looks like a file name
 * (`plan.json`) and is not already a directory.
 */
export function outputDirectory(
  io: Io,
  path: string,
  option = '--out',
  created: string[] = [],
  exclusive = false,
): string {
  const dir = resolvePath(io, path);
  const shown = displayPath(io.cwd, dir);
  if (FILE_LIKE.test(basename(dir)) && !io.isDirectory(dir)) {
    throw new FileError(
      `${option} ${path}: names a directory the artefacts go into, and ${shown} looks like a file name`,
      `write ${option} ${displayPath(io.cwd, join(dir, '..'))} (the file names inside it are fixed), or create the directory first`,
    );
  }
  // The missing folders, from the nearest existing ancestor down, each created on its own: node's
  // recursive mkdir loops forever under /proc (`--out /proc/nope` never returned), and one level at
  // a time names the folder that could not be made.
  const missing: string[] = [];
  for (let at = dir; !io.isDirectory(at) && at !== dirname(at); at = dirname(at)) missing.unshift(at);
  if (exclusive && missing.at(-1) !== dir) throw new FolderTakenError(shown);
  for (const at of missing) {
    try {
      io.makeDirectory(at);
      created.push(at);
    } catch (error) {
      // Made by someone else meanwhile: as good as made here, unless this folder must be this run's own.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && io.isDirectory(at)) {
        if (exclusive && at === dir) throw new FolderTakenError(shown);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === undefined) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        at === dir
          ? whyNot(error)
          : code === 'EEXIST'
            ? `${displayPath(io.cwd, at)} is a file, not a directory`
            : `cannot create ${displayPath(io.cwd, at)}: ${whyNot(error)}`;
      throw new FileError(
        `${option} ${path}: cannot use ${shown} as the output directory: ${why}`,
        `${option} names a directory the artefacts go into; give a new or existing directory`,
      );
    }
  }
  return dir;
}

/** The folder an exclusive `outputDirectory` was to create exists already: another run's. */
export class FolderTakenError extends Error {
  constructor(readonly folder: string) {
    super(`${folder} exists already`);
    this.name = 'FolderTakenError';
  }
}

/**
 * A run's own new folder under `base` named `name`, created exclusively (never one another run
 * made, even in the same second): `name`, else `name-2`, `name-3`, … Returns its absolute path.
 */
export function ownOutputDirectory(io: Io, base: string, name: string, created: string[] = []): string {
  for (let n = 1; ; n++) {
    try {
      return outputDirectory(io, join(base, n === 1 ? name : `${name}-${n}`), '--out', created, true);
    } catch (error) {
      if (!(error instanceof FolderTakenError) || n >= 1000) throw error;
    }
  }
}

/**
 * Removes the folders `outputDirectory` created (its `created` list), deepest first, while they
 * are empty: a run stopped before writing anything leaves no empty folder behind. A folder that is
 * not empty (another run wrote into it meanwhile) stays, and so do its parents.
 */
export function removeCreatedDirectories(io: Io, created: readonly string[]): void {
  for (const at of [...created].reverse()) {
    try {
      io.removeDirectory?.(at);
    } catch {
      return;
    }
  }
}

/**
 * Writes one artefact through the Io's atomic writer; a failure (a directory where the file goes,
 * the disk full) is an input error naming the file and why, not an internal one.
 */
export function writeArtefact(io: Io, path: string, data: string | Uint8Array): void {
  try {
    io.writeFile(path, data);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new FileError(`cannot write ${displayPath(io.cwd, path)}: ${whyNot(error)}`);
  }
}
