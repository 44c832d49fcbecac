/**
 * `--out` means one thing on every command: a directory the artefacts go into, created when
 * missing. A path that cannot be one (a file, a parent that is a file, no permission) is an input
 * error (exit 2) naming the path and why, found before anything is written; a write that fails
 * inside it says the same, never a stack trace.
 */
import { basename, join } from 'node:path';
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
export function outputDirectory(io: Io, path: string, option = '--out'): string {
  const dir = resolvePath(io, path);
  const shown = displayPath(io.cwd, dir);
  if (FILE_LIKE.test(basename(dir)) && !io.isDirectory(dir)) {
    throw new FileError(
      `${option} ${path}: names a directory the artefacts go into, and ${shown} looks like a file name`,
      `write ${option} ${displayPath(io.cwd, join(dir, '..'))} (the file names inside it are fixed), or create the directory first`,
    );
  }
  try {
    io.makeDirectory(dir);
  } catch (error) {
    throw new FileError(
      `${option} ${path}: cannot use ${shown} as the output directory: ${whyNot(error)}`,
      `${option} names a directory the artefacts go into; give a new or existing directory`,
    );
  }
  return dir;
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
