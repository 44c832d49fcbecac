/**
 * A fake `Io` for running CLI commands in-process (docs/style.md, habits 6 and 11): in-memory files
 * layered over the real filesystem (so bundled scenarios read as they are), captured stdout and
 * stderr, writes kept in memory or sent to a real directory, a fixed clock and an empty
 * environment.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Io, isDirectoryOnDisk, writeFileAtomic } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** The repository root: bundled scenarios are read from here, as a user in a checkout would. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface FakeIoOptions {
  /** Files by path (relative to `cwd`, or absolute); they hide real files of the same path. */
  files?: Readonly<Record<string, string>>;
  /** The working directory paths resolve against; the repository root by default. */
  cwd?: string;
  /** When set, writes go to the real filesystem (paths resolve against `cwd` as usual). */
  writeToDisk?: boolean;
  /** A person at a terminal who answers `prompt` with these lines, in order ('' once they run out). */
  answers?: readonly string[];
  /** What `uniqueTag` returns, in order (the last one again once they run out); absent: no `uniqueTag`. */
  uniqueTags?: readonly string[];
}

export class FakeIo implements Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>> = {};
  readonly isTTY: boolean = false;
  /** Whether a person can answer: true when the test gave answers. */
  readonly interactive: boolean;
  /** The questions `prompt` was asked, in order. */
  readonly prompts: string[] = [];
  private readonly answers: string[];
  /** Everything written to stdout, in order. */
  out = '';
  /** Everything written to stderr, in order. */
  err = '';
  /** Files the command wrote, by absolute path (also readable afterwards). */
  readonly written = new Map<string, string>();
  private readonly files = new Map<string, string>();
  private readonly bytes = new Map<string, Uint8Array>();
  private readonly directories = new Set<string>();
  private readonly writeToDisk: boolean;
  /** The run id's unique tag (`Io.uniqueTag`), when the test gave `uniqueTags`. */
  readonly uniqueTag?: () => string;

  constructor(options: FakeIoOptions = {}) {
    this.cwd = options.cwd ?? REPO_ROOT;
    this.writeToDisk = options.writeToDisk ?? false;
    this.answers = [...(options.answers ?? [])];
    this.interactive = options.answers !== undefined;
    const tags = options.uniqueTags;
    if (tags !== undefined && tags.length > 0) {
      let next = 0;
      this.uniqueTag = () => tags[Math.min(next++, tags.length - 1)]!;
    }
    for (const [path, text] of Object.entries(options.files ?? {})) this.addFile(path, text);
  }

  /** Adds (or replaces) an in-memory file. */
  addFile(path: string, text: string): void {
    this.files.set(this.absolute(path), text);
  }

  /** A file the command wrote, by the path given on the command line. */
  writtenFile(path: string): string | undefined {
    return this.written.get(this.absolute(path));
  }

  /** Asks `question` (kept in `prompts`, written to stderr as a terminal shows it) and answers the next line. */
  async prompt(question: string): Promise<string> {
    this.prompts.push(question);
    this.err += question;
    return this.answers.shift() ?? '';
  }

  stdout(text: string): void {
    this.out += text;
  }

  stderr(text: string): void {
    this.err += text;
  }

  readFile(path: string): string {
    const text = this.files.get(this.absolute(path));
    // The real filesystem throws ENOENT/EISDIR errors the way the CLI expects to see them.
    return text ?? readFileSync(this.absolute(path), 'utf8');
  }

  writeFile(path: string, data: string | Uint8Array): void {
    const absolute = this.absolute(path);
    // On disk through the production writer, so `--out` goes through its temporary file and rename.
    if (this.writeToDisk) writeFileAtomic(absolute, data);
    // Binary files (chart images) are kept as their bytes in `writtenBytes`.
    const text = typeof data === 'string' ? data : `<${data.length} bytes>`;
    if (typeof data !== 'string') this.bytes.set(absolute, data);
    if (!this.writeToDisk) this.files.set(absolute, text);
    this.written.set(absolute, text);
  }

  isDirectory(path: string): boolean {
    const absolute = this.absolute(path);
    if (this.writeToDisk) return isDirectoryOnDisk(absolute);
    return (
      this.directories.has(absolute) ||
      [...this.files.keys()].some((file) => file.startsWith(`${absolute}${sep}`))
    );
  }

  makeDirectory(path: string): void {
    const absolute = this.absolute(path);
    if (this.writeToDisk) {
      mkdirSync(absolute);
      return;
    }
    // In memory, one level as the filesystem does it: an in-memory file in the way fails at the
    // path with EEXIST, at a parent with ENOTDIR; a missing parent (real or in memory) is ENOENT.
    for (let at = absolute; at !== dirname(at); at = dirname(at)) {
      if (this.files.has(at) || this.bytes.has(at)) {
        const code = at === absolute ? 'EEXIST' : 'ENOTDIR';
        throw Object.assign(new Error(`${code}: ${at}`), { code });
      }
    }
    const parent = dirname(absolute);
    if (!this.isDirectory(parent) && !isDirectoryOnDisk(parent)) {
      throw Object.assign(new Error(`ENOENT: ${parent}`), { code: 'ENOENT' });
    }
    this.directories.add(absolute);
  }

  /** A binary file the command wrote. */
  writtenBytes(path: string): Uint8Array | undefined {
    return this.bytes.get(this.absolute(path));
  }

  now(): Date {
    return new Date('2025-01-01T00:00:00Z');
  }

  private absolute(path: string): string {
    return resolve(this.cwd, path);
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  io: FakeIo;
}

/**
 * Runs `shardcast ARGV` in-process. `files` are in-memory files (relative to the repository root)
 * layered over the real filesystem.
 */
export async function run(
  argv: readonly string[],
  files: Readonly<Record<string, string>> = {},
  options: Omit<FakeIoOptions, 'files'> = {},
): Promise<RunResult> {
  const io = new FakeIo({ ...options, files });
  const code = await main(argv, io);
  return { code, stdout: io.out, stderr: io.err, io };
}
