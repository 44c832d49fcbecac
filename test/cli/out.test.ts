/**
 * `--out`'s checks for failures a test cannot make on disk when it runs as root (permission
 * denied) or without filling a disk (no space): each is an input error naming the path and why;
 * an error that is not the filesystem's stays a bug (exit 70), not hidden as a user mistake.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { outputDirectory, writeArtefact } from '../../src/cli/out.js';
import { FileError } from '../../src/errors.js';
import { FakeIo } from '../helpers/fake-io.js';

function failing(code: string) {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

class DeniedIo extends FakeIo {
  override makeDirectory(): void {
    throw failing('EACCES');
  }
}

class FullIo extends FakeIo {
  override writeFile(): void {
    throw failing('ENOSPC');
  }
}

describe('outputDirectory and writeArtefact', () => {
  it('permission denied: exit 2 naming the path, before anything is printed', async () => {
    const io = new DeniedIo();
    const code = await main(['plan', 'scenarios/launch-day.yaml', '--out', '/locked/out'], io);
    expect(code).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toBe(
      'error: --out /locked/out: cannot use /locked/out as the output directory: cannot create /locked: permission denied\nhint: --out names a directory the artefacts go into; give a new or existing directory\n',
    );
  });

  it('a full disk while writing: exit 2 naming the file', async () => {
    const io = new FullIo();
    const code = await main(['schema', '--out', '/full'], io);
    expect(code).toBe(2);
    expect(io.err).toBe('error: cannot write /full/scenario.schema.json: no space left on the device\n');
  });

  it('an error without a filesystem code is not a user mistake: it propagates', () => {
    const io = new FakeIo();
    io.writeFile = () => {
      throw new TypeError('a bug');
    };
    expect(() => writeArtefact(io, '/x/y.json', '')).toThrow(TypeError);
  });

  it('resolves a relative directory against the working directory and creates it once', () => {
    const io = new FakeIo({ cwd: '/work/here' });
    expect(outputDirectory(io, 'out/run-1/')).toBe('/work/here/out/run-1');
    // Existing now: a second use is fine (runs write into one folder again and again).
    expect(outputDirectory(io, 'out/run-1')).toBe('/work/here/out/run-1');
    expect(() => outputDirectory(io, 'out/result.json')).toThrow(FileError);
  });
});
