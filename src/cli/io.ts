/**
 * The CLI's window on the world: output streams, files, environment, clock. Commands receive an
 * `Io` so tests run them in-process with fakes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  /** Writes atomically: a temporary file beside the target, then a rename. */
  writeFile(path: string, data: string | Uint8Array): void;
  /** Whether `path` is an existing directory. */
  isDirectory(path: string): boolean;
  /**
   * Creates the one directory `path`, whose parent exists (not recursive: node's recursive mkdir
   * never returns under /proc); throws the filesystem's error (EEXIST, ENOENT, ENOTDIR, EACCES…).
   */
  makeDirectory(path: string): void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (progress bars, colour). */
  isTTY: boolean;
  /** The width of the terminal stderr draws on, in columns; undefined when it is not one. */
  readonly columns?: number | undefined;
  now(): Date;
  /**
   * A short random tag that makes a run's id unique (`20261206-144839-s1-3fa9c2`): two runs started
   * in the same second would otherwise share an id and a folder. Absent (tests): no tag.
   */
  uniqueTag?(): string;
  /**
   * Calls `listener` on SIGINT and SIGTERM until the returned function is called (while a
   * listener is on, the process does not die of them). Absent: the process's default.
   */
  onSignal?(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Whether a person can answer a question: stdin and stderr are terminals (false in CI, under a pipe). */
  readonly interactive?: boolean | undefined;
  /**
   * Prints `question` on stderr and reads one line from stdin, the answer without its line end;
   * '' at the end of input or on Ctrl-C at the prompt. Absent: nothing can be asked.
   */
  prompt?(question: string): Promise<string>;
  /** Ends the process at once with `code` (a second Ctrl-C). */
  exitNow?(code: number): void;
  /** Removes the directory `path` when it is empty; throws otherwise (ENOTEMPTY) or when it is missing. */
  removeDirectory?(path: string): void;
}

/** Temporary files written by this process so far: with the pid, a name no other writer uses. */
let temporaries = 0;

/**
 * Writes `data` to `path` through a temporary file and a rename, so a crash never leaves half a
 * file, and removes the temporary file when either step fails. Its name (`.result.json.<pid>.<n>.tmp`)
 * is unique to this process and write, so two runs writing into one folder never share one.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // The folder exists: `outputDirectory` (src/cli/out.ts) created it, one level at a time.
  temporaries += 1;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${temporaries}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Whether `path` is a directory; false when it is missing or cannot be (ENOTDIR: a file on the way). */
export function isDirectoryOnDisk(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

export function nodeIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: writeFileAtomic,
    isDirectory: isDirectoryOnDisk,
    makeDirectory: (path) => {
      mkdirSync(path);
    },
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    // Read at each draw: a resized terminal gets lines of its new width.
    get columns() {
      return process.stderr.isTTY === true ? process.stderr.columns : undefined;
    },
    now: () => new Date(),
    uniqueTag: () => randomBytes(3).toString('hex'),
    onSignal: (listener) => {
      const onInt = () => listener('SIGINT');
      const onTerm = () => listener('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    prompt: (question) => promptLine(question),
    exitNow: (code) => process.exit(code),
    removeDirectory: (path) => rmdirSync(path),
  };
}

/**
 * One line read from stdin after `question` on stderr. Ctrl-C at the prompt answers '' (a terminal
 * in raw mode sends it to readline, not as SIGINT: without a handler the prompt would hang).
 */
function promptLine(question: string): Promise<string> {
  return new Promise((resolveAnswer) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    const answer = (text: string) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolveAnswer(text);
    };
    rl.on('SIGINT', () => {
      process.stderr.write('\n');
      answer('');
    });
    rl.on('close', () => answer(''));
    rl.question(question, answer);
  });
}

/** A path given on the command line, resolved against the Io's working directory. */
export function resolvePath(io: Io, path: string): string {
  return resolve(io.cwd, path);
}

/** A path for messages: relative to the working directory when inside it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const absolute = resolve(cwd, path);
  return absolute.startsWith(`${cwd}/`) ? absolute.slice(cwd.length + 1) : absolute;
}
